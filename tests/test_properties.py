"""Properties of the whole pipeline (issue 7), under each backend (conftest).

For any ``str``: ``repair``/``explain`` never raise; repair is idempotent;
the output outgrows the input by no more than the characters the edits put
back; ``explain()`` accounts for every change (each removed character lies
in an edit's span).  Text made only of clean Chinese sentences, ASCII prose,
code, URLs and numbers comes back unchanged.  One ``Repairer`` shared by 8
threads gives what serial use gives, and a ``Repairer`` survives pickling.
"""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import textrepair
from clean_strategies import CLEAN_SENTENCES, clean_text
from helpers import SEEDS, load_json
from strategies import cjk_text
from textrepair import Options, Repairer, apply_edits
from textrepair.options import LOST, SCRIPTS

# Pipeline-level properties: the slow mojibake paths make timing vary, and
# each test runs once per backend, so the counts stay modest.
PIPELINE = settings(max_examples=80, deadline=None)

any_str = st.text(st.characters(blacklist_categories=()), max_size=80)  # surrogates included
texts = st.one_of(cjk_text, any_str, clean_text)


def _options_strategy() -> st.SearchStrategy[Options]:
    """Options with every field drawn: booleans both ways, choices from their lists."""
    choices = {"script": SCRIPTS, "mojibake_lost": LOST}
    kwargs = {}
    for f in fields(Options):
        if f.name in choices:
            kwargs[f.name] = st.sampled_from(choices[f.name])
        elif f.type in ("bool", bool):
            kwargs[f.name] = st.booleans()
    return st.builds(Options, **kwargs)


options = _options_strategy()


def _check_edits(text: str, fixed: str, edits: list) -> None:
    """explain()'s edits are in order, match the input, and make the output."""
    pos = 0
    for edit in edits:
        assert pos <= edit.start <= edit.end <= len(text), edit
        assert text[edit.start:edit.end] == edit.before, edit
        assert edit.before != edit.after, edit
        pos = edit.end
    assert apply_edits(text, edits) == fixed


@PIPELINE
@given(texts, options)
@example("\ud800(shù)\udfff", Options())
@example("數" + "(" * 200 + "shù)", Options(script="auto"))
def test_never_raises_on_any_str(text, opts):
    r = Repairer(opts)
    fixed = r.repair(text)
    again, edits = r.repair_and_explain(text)
    assert isinstance(fixed, str) and fixed == again
    assert r.explain(text) == edits


@PIPELINE
@given(texts)
def test_idempotent(text):
    once = textrepair.repair(text)
    assert textrepair.repair(once) == once


def test_idempotent_after_replacement_mojibake():
    # Removing 锟斤拷 exposes a pair the next pass repairs, within the same call.
    once = textrepair.repair("锟斤拷\ue000\ue0fe")
    assert once == textrepair.repair(once) and "锟" not in once


@pytest.mark.parametrize("text, expected", [("數(shù)(shù)", "數"), ("數(shù)(shù)(shù)據", "數據"),
                                            ("關(guan) (guan) 於(yu) 更好", "關於更好")])
def test_doubled_annotations_go_in_one_pass(text, expected):
    # A converter run twice annotates its own output: every copy goes at once.
    once = textrepair.repair(text)
    assert once == expected and textrepair.repair(once) == once


@PIPELINE
@given(texts)
def test_growth_is_bounded_by_reconstructed_characters(text):
    fixed, edits = Repairer().repair_and_explain(text)
    reconstructed = sum(len(e.after) for e in edits)
    assert len(fixed) - len(text) <= reconstructed


@PIPELINE
@given(texts)
def test_every_change_is_explained(text):
    fixed, edits = Repairer().repair_and_explain(text)
    assert fixed == textrepair.repair(text)
    _check_edits(text, fixed, edits)
    # A character outside every edit's span survives, in order: the text
    # between spans is the output between the edits' replacements.
    out, pos = 0, 0
    for edit in edits:
        kept = text[pos:edit.start]
        assert fixed[out:out + len(kept)] == kept
        out += len(kept) + len(edit.after)
        pos = edit.end
    assert fixed[out:] == text[pos:]


@PIPELINE
@given(clean_text)
def test_clean_text_is_unchanged(text):
    assert textrepair.repair(text) == text
    assert textrepair.explain(text) == []


@pytest.mark.parametrize("case", load_json("negative.json")["cases"] + CLEAN_SENTENCES[:40])
def test_clean_pieces_alone_are_unchanged(case):
    assert textrepair.repair(case) == case


def _workload() -> list[str]:
    """The seed pages, the negative cases and the mojibake fixtures: damaged
    and clean text, long and short."""
    docs = [p.read_text(encoding="utf-8") for p in SEEDS]
    docs += load_json("negative.json")["cases"]
    runs = load_json("mojibake_seeds.json")["runs"]
    docs += [run[k] for run in runs for k in ("context", "expected")]
    return docs


def test_one_repairer_shared_by_8_threads_equals_serial():
    r = Repairer(script="auto")
    docs = _workload()
    serial = [(r.repair(d), r.explain(d)) for d in docs]
    # Each thread walks the documents from its own starting point, several
    # times, so different documents are in flight at once.
    jobs = [(k * 7 + j) % len(docs) for k in range(8) for j in range(len(docs) * 2)]

    def work(i: int):
        return i, r.repair(docs[i]), r.explain(docs[i])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, jobs))
    assert len(results) == len(jobs)
    for i, fixed, edits in results:
        assert (fixed, edits) == serial[i], docs[i][:80]


@settings(max_examples=30, deadline=None)
@given(options)
def test_repairer_pickles_to_an_equal_one(opts):
    r = Repairer(opts)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy = pickle.loads(pickle.dumps(r, protocol))
        assert copy == r and hash(copy) == hash(r)
        assert copy.options == opts
    assert copy != Repairer(opts.replace(annotations=not opts.annotations))


def test_unpickled_repairer_repairs_the_same():
    r = Repairer(script="simplified", mojibake_lost="mark")
    copy = pickle.loads(pickle.dumps(r))
    for doc in _workload()[:5]:
        assert copy.repair(doc) == r.repair(doc)
