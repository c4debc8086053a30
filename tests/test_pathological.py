"""The benchmark's pathological inputs, checked for correctness (their speed is
the benchmark's business): runs of "(", "?", "<", private-use characters and
deeply nested tags, alone and around a converter-damaged sentence.  Every test
runs under both backends (see conftest)."""

from __future__ import annotations

import pytest

import textrepair
from textrepair import apply_edits

# The benchmark's sizes are 10 MB and 1 MB; these are large enough to reach
# the C scan's long-run paths and small enough for a fast suite.
PAREN_RUN = "(" * 1_000_000
RUNS = {
    "paren-line": PAREN_RUN,
    "qmark": "?" * 200_000,
    "lt": "<" * 200_000,
    "pua": "\ue000\ue1a2\uf8ff" * 20_000,
    "close-parens": ")" * 200_000,
    "empty-pairs": "()" * 100_000,
}
NESTED = '<div><span class="x">' * 10_000 + "正文内容" + "</span></div>" * 10_000

DAMAGED = "我國數(shù)字經(jīng)濟核心產(chǎn)業(yè)"
REPAIRED = "我國數字經濟核心產業"


def _consistent(text: str) -> str:
    """repair(text), after checking that explain() accounts for it exactly."""
    fixed, edits = textrepair.Repairer().repair_and_explain(text)
    assert fixed == textrepair.repair(text)
    assert apply_edits(text, edits) == fixed
    return fixed


@pytest.mark.parametrize("name", sorted(RUNS))
def test_run_alone_is_left_alone(name):
    text = RUNS[name]
    assert _consistent(text) == text
    assert textrepair.explain(text) == []


@pytest.mark.parametrize("name", sorted(RUNS))
def test_damage_next_to_a_run_is_still_repaired(name):
    run = RUNS[name]
    text = run + "\n" + DAMAGED + "\n" + run
    assert _consistent(text) == run + "\n" + REPAIRED + "\n" + run
    kinds = {e.kind for e in textrepair.explain(text)}
    assert kinds == {"pinyin-annotation"}


def test_annotation_right_after_a_run_of_open_parens():
    # The last "(" of the run is not the annotation's; the one after 數 is.
    text = PAREN_RUN + "數(shù)據經(jīng)濟"
    assert _consistent(text) == PAREN_RUN + "數據經濟"


def test_annotation_inside_a_run_of_open_parens_is_not_one():
    # "((shù)" has "(" before the reading, not a character it annotates.
    text = "數((shù)" * 1000
    assert _consistent(text) == text


def test_nested_tags_keep_their_text():
    fixed = _consistent(NESTED)
    assert "正文内容" in fixed
    damaged = _consistent(NESTED + DAMAGED)
    assert damaged.endswith(REPAIRED)
    assert "(" not in damaged
