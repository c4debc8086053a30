"""Edits of successive stages compose into edits of the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textrepair.edits import Edit, apply_edits, compose

pytestmark = pytest.mark.single_backend


@st.composite
def edits_for(draw, text: str, kind: str) -> list[Edit]:
    """Random non-overlapping edits of ``text``: deletions, insertions, replacements."""
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    pos = 0
    for a, b in zip(points[::2], points[1::2]):
        if a < pos:
            continue
        after = draw(st.text("xyz數", max_size=3))
        if a == b and not after:
            continue
        edits.append(Edit(kind, a, b, text[a:b], after, 0.5))
        pos = b if b > a else b + 1
    return [e for e in edits if e.start <= len(text)]


@given(st.data(), st.text("abcdef", max_size=20))
def test_three_stages_compose(data, original):
    edits: list[Edit] = []
    text = original
    for kind in ("one", "two", "three"):
        stage = data.draw(edits_for(text, kind))
        # Two insertions at one point would be ambiguous within one stage.
        starts = [e.start for e in stage if e.start == e.end]
        if len(starts) != len(set(starts)):
            continue
        after = apply_edits(text, stage)
        edits = compose(original, edits, text, stage)
        text = after
        assert apply_edits(original, edits) == text
        for e in edits:
            assert original[e.start : e.end] == e.before


def test_merged_kinds_join():
    first = [Edit("a", 0, 2, "xy", "q", 0.9)]
    merged = compose("xyz", first, "qz", [Edit("b", 0, 2, "qz", "w", 0.5)])
    assert merged == [Edit("a+b", 0, 3, "xyz", "w", 0.5)]


def test_deletion_then_insertion_at_the_same_point():
    first = [Edit("a", 1, 3, "bc", "", 1.0)]
    later = compose("abcd", first, "ad", [Edit("b", 1, 1, "", "X", 1.0)])
    assert apply_edits("abcd", later) == "aXd"
