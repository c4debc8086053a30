"""The record of one change, and how edits combine across stages."""

from __future__ import annotations

from bisect import bisect_right
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

__all__ = ["Edit", "Finding", "apply_edits"]


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


@dataclass(frozen=True)
class Finding:
    """Damage a stage found but did not repair: ``text[start:end]`` is left as
    it stands, for ``reason``.

    ``explain()`` lists only what :func:`textrepair.repair` changed (applying
    its edits gives the repaired text); a finding is the rest of what was
    seen: a deletion larger than its evidence allows, a run whose bytes are
    lost, a reading not clearly better than the text.  Offsets count code
    points of the text given to :func:`textrepair.findings`.

    >>> Finding("hidden-span", 3, 900, "...", "longer than 200 characters past its spam").kind
    'hidden-span'
    """

    kind: str
    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict:
        """A JSON-ready dict with every field.

        >>> Finding("lost-bytes", 0, 3, "???", "no bytes survive").to_dict()["reason"]
        'no bytes survive'
        """
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text, "reason": self.reason}


#: The findings of the stage running now, when someone asked for them.
_FINDINGS: ContextVar[list | None] = ContextVar("textrepair_findings", default=None)


def report(kind: str, start: int, end: int, text: str, reason: str) -> None:
    """Record a finding in offsets of the text the calling stage was given;
    nothing happens unless the pipeline is collecting (see :func:`collecting`).

    >>> with collecting() as found:
    ...     report("lost-bytes", 0, 3, "???", "no bytes survive")
    >>> found[0].end
    3
    """
    found = _FINDINGS.get()
    if found is not None:
        found.append(Finding(kind, start, end, text, reason))


@contextmanager
def collecting() -> Iterator[list[Finding]]:
    """Collect what :func:`report` records inside the block."""
    found: list[Finding] = []
    token = _FINDINGS.set(found)
    try:
        yield found
    finally:
        _FINDINGS.reset(token)


def to_original(original: str, earlier: Sequence[Edit], finding: Finding) -> Finding:
    """``finding`` (offsets of the text ``earlier`` made from ``original``) in
    offsets of ``original``; a bound inside an edit's output goes to that
    edit's bound in ``original``, so the span covers the whole edit.

    >>> f = Finding("x", 2, 3, "?", "r")
    >>> to_original("ab(c)?d", [Edit("a", 2, 5, "(c)", "", 1.0)], f)
    Finding(kind='x', start=5, end=6, text='?', reason='r')
    >>> to_original("ab(c)?d", [Edit("a", 2, 5, "(c)", "X", 1.0)], Finding("x", 2, 3, "X", "r")).text
    '(c)'
    """
    ordered = sorted(earlier, key=lambda e: (e.start, e.end))
    start = _source_offset(ordered, finding.start, False)
    end = max(start, _source_offset(ordered, finding.end, True))
    return Finding(finding.kind, start, end, original[start:end], finding.reason)


def _source_offset(earlier: Sequence[Edit], pos: int, is_end: bool) -> int:
    """The offset in the original of ``pos``, a start (of the character at
    ``pos``) or an end (after the character before ``pos``)."""
    shift = 0
    for e in earlier:
        out_start = e.start + shift
        out_end = out_start + len(e.after)
        if pos < out_start or (is_end and pos == out_start):
            break
        if pos < out_end or (is_end and pos == out_end):
            return e.end if is_end else e.start
        shift += len(e.after) - (e.end - e.start)
    return pos - shift


def splice(text: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, after)`` put in place of its span; the
    spans come in order and do not overlap (the stages' fast path: unchecked).

    >>> splice("數(shù)字經(jīng)濟", [(1, 6, ""), (8, 14, "")])
    '數字經濟'
    """
    pieces = []
    pos = 0
    for start, end, after in replacements:
        pieces.append(text[pos:start])
        pieces.append(after)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


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

    # Sorted by original offsets; ties (insertions at one point) keep the
    # order they have in ``current``, later edits first at the same spot.
    result: list[tuple[tuple[int, int, int, int], Edit]] = []
    merged: set[int] = set()
    # Later edits that touch an earlier edit's output are gathered into
    # clusters: every later edit touching the same earlier edit joins one.
    clusters: list[tuple[list[Edit], list[int]]] = []
    for edit in sorted(later, key=lambda e: (e.start, e.end)):
        first = bisect_right(ends, edit.start)
        touching = []
        i = first
        while i < len(earlier) and starts[i] < edit.end:
            touching.append(i)
            i += 1
        if not touching:
            # Unchanged text around it: shift by the last earlier edit before it.
            k = first - 1
            delta = earlier[k].end - ends[k] if k >= 0 else 0
            start = edit.start + delta
            end = start + (edit.end - edit.start)
            result.append(((start, end, edit.start, 0),
                           Edit(edit.kind, start, end, original[start:end], edit.after, edit.confidence)))
        elif clusters and touching[0] <= clusters[-1][1][-1]:
            clusters[-1][0].append(edit)
            clusters[-1][1].extend(i for i in touching if i > clusters[-1][1][-1])
        else:
            clusters.append(([edit], touching))
    for members, touched in clusters:
        lo, hi = touched[0], touched[-1]
        cur_start = min(members[0].start, starts[lo])
        cur_end = max(max(e.end for e in members), ends[hi])
        start = earlier[lo].start - (starts[lo] - cur_start)
        end = earlier[hi].end + (cur_end - ends[hi])
        pieces, pos = [], cur_start
        for e in members:
            pieces.append(current[pos : e.start])
            pieces.append(e.after)
            pos = e.end
        pieces.append(current[pos:cur_end])
        kinds: list[str] = []
        for name in [earlier[i].kind for i in touched] + [e.kind for e in members]:
            for part in name.split("+"):
                if part not in kinds:
                    kinds.append(part)
        confidence = min([e.confidence for e in members] + [earlier[i].confidence for i in touched])
        merged.update(touched)
        if original[start:end] != "".join(pieces):  # a later edit may undo an earlier one
            result.append(((start, end, cur_start, 0),
                           Edit("+".join(kinds), start, end, original[start:end], "".join(pieces), confidence)))
    result.extend(((e.start, e.end, starts[i], 1), e) for i, e in enumerate(earlier) if i not in merged)
    return [edit for _key, edit in sorted(result, key=lambda pair: pair[0])]
