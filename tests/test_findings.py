"""Findings: damage a stage saw but left, reported beside explain()'s edits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_edits import edits_for

import textrepair
from textrepair import pipeline
from textrepair.edits import Finding, apply_edits, report, to_original

pytestmark = pytest.mark.single_backend


@given(st.data(), st.text("ab數(?)", max_size=20))
def test_to_original_keeps_untouched_text(data, original):
    """A finding over text no edit touched maps to the same characters of the original."""
    earlier = data.draw(edits_for(original, "a"))
    current = apply_edits(original, earlier)
    start = data.draw(st.integers(0, len(current)))
    end = data.draw(st.integers(start, len(current)))
    mapped = to_original(original, earlier, Finding("k", start, end, current[start:end], "r"))
    assert 0 <= mapped.start <= mapped.end <= len(original)
    assert mapped.text == original[mapped.start:mapped.end]
    # Outside every edit's output, the characters are the same ones.
    shift, untouched = 0, True
    for e in sorted(earlier, key=lambda e: e.start):
        out_start = e.start + shift
        if out_start < end and start < out_start + len(e.after) or (e.after == "" and start < out_start < end):
            untouched = False
        shift += len(e.after) - (e.end - e.start)
    if untouched:
        assert mapped.text == current[start:end]


class _Reporter:
    """A stage that changes nothing and reports every '?' it sees."""

    NAME = "mojibake"
    NEEDS = None
    KIND = "test"

    @staticmethod
    def fix(text, options):
        for i, ch in enumerate(text):
            if ch == "?":
                report("test-finding", i, i + 1, ch, "a question mark")
        return text, []

    fix_text = staticmethod(lambda text, options: text)


def test_findings_come_back_in_offsets_of_the_input(monkeypatch):
    stages = (pipeline.STAGES[1], _Reporter)  # annotations first: offsets shift
    monkeypatch.setattr(pipeline, "STAGES", stages)
    text = "數(shù)據(jù)?"
    found = textrepair.findings(text)
    assert [(f.start, f.end, f.text) for f in found] == [(11, 12, "?")]
    assert textrepair.repair(text) == "數據?"
    assert [e.kind for e in textrepair.explain(text)] == ["pinyin-annotation", "pinyin-annotation"]


def test_clean_text_has_no_findings():
    assert textrepair.findings("正文。清潔的文本?") == []
