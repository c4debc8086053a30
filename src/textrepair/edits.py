"""The record of one change, and how edits combine across stages."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["Edit", "apply_edits"]


@dataclass(frozen=True)
class Edit:
    """One change: ``text[start:end]`` was ``before`` and becomes ``after``.

    ``kind`` is a short stable name such as ``"pinyin-annotation"``;
    ``confidence`` is in ``[0, 1]``.  Offsets count code points of the text
    given to :func:`textrepair.explain`.

    >>> Edit("pinyin-annotation", 1, 6, "(shù)", "", 0.95).removed
    True
    """

    kind: str
    start: int
    end: int
    before: str
    after: str
    confidence: float

    @property
    def removed(self) -> bool:
        """True when the edit deletes text without putting anything back."""
        return bool(self.before) and not self.after

    def to_dict(self) -> dict:
        """A JSON-ready dict with every field.

        >>> Edit("html", 0, 4, "<br>", "", 1.0).to_dict()["kind"]
        'html'
        """
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "confidence": self.confidence,
        }


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (in ``text``'s offsets) and return the result.

    >>> apply_edits("數(shù)字", [Edit("pinyin-annotation", 1, 6, "(shù)", "", 1.0)])
    '數字'
    """
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError(f"overlapping edit at {edit.start}: {edit!r}")
        if text[edit.start : edit.end] != edit.before:
            raise ValueError(f"edit does not match the text at {edit.start}: {edit!r}")
        out.append(text[pos : edit.start])
        out.append(edit.after)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def compose(original: str, earlier: Sequence[Edit], current: str, later: Sequence[Edit]) -> list[Edit]:
    """Express ``later`` (offsets in ``current``) in offsets of ``original``.

    ``earlier`` turns ``original`` into ``current``.  Where a later edit
    touches text an earlier edit produced, the two merge into one edit whose
    kind joins both names with ``+``; the result stays non-overlapping, so
    :func:`apply_edits` on ``original`` gives the text after ``later``.

    >>> first = [Edit("a", 1, 3, "xy", "", 1.0)]
    >>> compose("0xy34", first, "034", [Edit("b", 2, 3, "4", "5", 1.0)])[1].start
    4
    """
    if not later:
        return list(earlier)
    earlier = sorted(earlier, key=lambda e: (e.start, e.end))
    # Each earlier edit's output occupies [starts[i], ends[i]) of ``current``.
    starts: list[int] = []
    ends: list[int] = []
    shift = 0
    for e in earlier:
        starts.append(e.start + shift)
        ends.append(e.start + shift + len(e.after))
        shift += len(e.after) - (e.end - e.start)

    result: list[Edit] = []
    merged: set[int] = set()
    for edit in _join_touching(sorted(later, key=lambda e: (e.start, e.end)), starts, ends, current):
        first = bisect_right(ends, edit.start)
        touching = []
        i = first
        while i < len(earlier) and starts[i] < edit.end:
            touching.append(i)
            i += 1
        if not touching:
            # Unchanged text between: shift by the last earlier edit ending at or before it.
            k = first - 1
            delta = earlier[k].end - ends[k] if k >= 0 else 0
            start = edit.start + delta
            end = start + (edit.end - edit.start)
            result.append(Edit(edit.kind, start, end, original[start:end], edit.after, edit.confidence))
            continue
        lo, hi = touching[0], touching[-1]
        cur_start = min(edit.start, starts[lo])
        cur_end = max(edit.end, ends[hi])
        start = earlier[lo].start - (starts[lo] - cur_start)
        end = earlier[hi].end + (cur_end - ends[hi])
        after = current[cur_start : edit.start] + edit.after + current[edit.end : cur_end]
        kinds: list[str] = []
        for name in [earlier[i].kind for i in touching] + [edit.kind]:
            for part in name.split("+"):
                if part not in kinds:
                    kinds.append(part)
        confidence = min([edit.confidence] + [earlier[i].confidence for i in touching])
        result.append(Edit("+".join(kinds), start, end, original[start:end], after, confidence))
        merged.update(touching)
    result.extend(e for i, e in enumerate(earlier) if i not in merged)
    return sorted(result, key=lambda e: (e.start, e.end))


def _touched(edit: Edit, starts: list[int], ends: list[int]) -> tuple[int, int]:
    """Index range of the earlier outputs (``starts``/``ends``) an edit touches."""
    first = bisect_right(ends, edit.start)
    last = first
    while last < len(starts) and starts[last] < edit.end:
        last += 1
    return first, last


def _join_touching(later: list[Edit], starts: list[int], ends: list[int], current: str) -> list[Edit]:
    """Join later edits that touch the same earlier edit into one, so that the
    merged results cannot overlap (mojibake repairs a run, then the script
    stage changes two characters inside it)."""
    joined: list[Edit] = []
    reach: list[tuple[int, int]] = []
    for edit in later:
        first, last = _touched(edit, starts, ends)
        if joined and last > first and reach[-1][1] > first:
            prev = joined[-1]
            after = prev.after + current[prev.end : edit.start] + edit.after
            joined[-1] = Edit("+".join(dict.fromkeys((prev.kind + "+" + edit.kind).split("+"))), prev.start,
                              edit.end, current[prev.start : edit.end], after, min(prev.confidence, edit.confidence))
            reach[-1] = (reach[-1][0], max(reach[-1][1], last))
            continue
        joined.append(edit)
        reach.append((first, last))
    return joined
