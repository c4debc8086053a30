"""What the sub-passes of the mojibake stage share: span arithmetic over
sorted, non-overlapping ``(start, end)`` lists, the verdicts kept for one
pipeline call, and the logistic that turns a gain into a confidence."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Character-class ranges of the non-Han scripts cp936 writes, for the
# checks that tell text in them from Chinese read with the wrong codec.
HIRAGANA = "\u3041-\u3096"
KATAKANA = "\u30a1-\u30fa"
BOPOMOFO = "\u3105-\u3129"


def _spans(found) -> list[tuple[int, int]]:
    """The sorted, non-overlapping spans of ``found`` repairs."""
    return sorted((start, end) for start, end, *_ in found)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` meets a span of ``taken`` (sorted, non-overlapping).

    >>> _overlaps([(2, 4), (8, 9)], 4, 8), _overlaps([(2, 4), (8, 9)], 3, 5)
    (False, True)
    """
    i = bisect_right(taken, (start, float("inf")))  # the last span starting at or before start...
    if i and taken[i - 1][1] > start:
        return True
    return i < len(taken) and taken[i][0] < end  # ...or the first one after it


def _outside(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``[start, end)`` less the spans of ``taken`` (sorted, non-overlapping).

    >>> _outside(0, 10, [(2, 4), (8, 12)])
    [(0, 2), (4, 8)]
    """
    pieces = []
    pos = start
    i = max(bisect_right(taken, (start, float("inf"))) - 1, 0)
    while i < len(taken) and taken[i][0] < end:
        s, e = taken[i]
        if e > pos:
            if s > pos:
                pieces.append((pos, s))
            pos = e
        i += 1
    if pos < end:
        pieces.append((pos, end))
    return pieces


def _trim(before: str, after: str) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix."""
    lo = 0
    while lo < min(len(before), len(after)) and before[lo] == after[lo]:
        lo += 1
    hi = 0
    while hi < min(len(before), len(after)) - lo and before[-1 - hi] == after[-1 - hi]:
        hi += 1
    return lo, hi


#: Verdicts reached during one pipeline call (see :func:`remembering`).
_VERDICTS: ContextVar[dict | None] = ContextVar("textrepair_mojibake_verdicts", default=None)
_MISSING = object()


@contextmanager
def remembering() -> Iterator[None]:
    """Keep this stage's verdicts for the length of one pipeline call.

    A verdict depends only on a run and its neighbours, and the pipeline's
    later passes meet most runs again unchanged: they reuse it.  Nothing
    outlives the call, so one document's work never speeds up the next.

    >>> from textrepair.stages.mojibake import fix_text
    >>> from textrepair.options import Options
    >>> with remembering():
    ...     fix_text("支持?!笆\ue1a2奈濉睍r期", Options()) == fix_text("支持?!笆\ue1a2奈濉睍r期", Options())
    True
    """
    token = _VERDICTS.set({})
    try:
        yield
    finally:
        _VERDICTS.reset(token)


def _remembered(key: tuple, compute: Callable[[], object]):
    memo = _VERDICTS.get()
    if memo is None:
        return compute()
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = compute()
    return found




def _logistic(x: float) -> float:
    """1 / (1 + e^-x), for any x: a long run's gain is thousands of nats.

    >>> _logistic(0.0), _logistic(5000.0), _logistic(-5000.0)
    (0.5, 1.0, 0.0)
    """
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0


def call_memory(key: str) -> list:
    """A list kept for the length of one pipeline call (empty outside one):
    what a pass saw that a later pass needs, such as where the cut showed."""
    memo = _VERDICTS.get()
    if memo is None:
        return []
    return memo.setdefault(("call", key), [])
