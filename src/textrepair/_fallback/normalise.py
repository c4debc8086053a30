"""Pure-Python twin of native/normalise.c: the runs the normalise stage may change (``tr_normalise_runs``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import _flags as F
from .scan import Remembered


# The code points of each class, as regex set bodies (see tr_normalise_runs).
_NORM_SETS = (
    (F.NORM_INVISIBLE, "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200d\u2060\ufeff"),
    (F.NORM_SPACE, " \t\n\r\xa0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"),
    (F.NORM_FULLWIDTH, "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"),
    (F.NORM_PUNCT, ",.:;!?"),
    (F.NORM_FFFD, "\ufffd"),
)
_NORM_SINGLE = tuple((bit, re.compile(f"[{body}]")) for bit, body in _NORM_SETS)


@lru_cache(maxsize=None)
def _norm_pattern(classes: int) -> re.Pattern[str] | None:
    # ``[x][x]*`` rather than ``[x]+``: a pattern that starts with a class
    # lets the regex engine skip to its characters (a search of ``[x]+``
    # tries the whole pattern at every position); the matches are the same.
    bodies = _norm_bodies(classes)
    return re.compile(f"[{bodies}][{bodies}]*") if bodies else None


@lru_cache(maxsize=None)
def _norm_bodies(classes: int) -> str:
    """The enabled classes' code points as one regex set body."""
    return "".join(body for bit, body in _NORM_SETS if bit & classes)


def _norm_class(ch: str) -> int:
    for bit, pattern in _NORM_SINGLE:
        if pattern.match(ch):
            return bit
    return 0


def normalise_runs(text: str, classes: int) -> list[tuple[int, int, int]]:
    """Maximal runs ``(start, end, classes)`` of code points in the enabled
    ``classes`` (``NORM_*`` bits), in order; a run's classes are those it holds.

    >>> normalise_runs("中\u200b文\ufffd", F.NORM_INVISIBLE | F.NORM_FFFD)
    [(1, 2, 1), (3, 4, 16)]
    >>> normalise_runs("a, b", F.NORM_SPACE | F.NORM_PUNCT)
    [(1, 3, 10)]
    """
    runs = _last.get(text, classes)
    if runs is None:
        runs = _runs(text, classes)
        _last.put(text, classes, runs)
    return list(runs)  # the caller's own list


_last = Remembered()


def _runs(text: str, classes: int) -> list[tuple[int, int, int]]:
    pattern = _norm_pattern(classes)
    if pattern is None:
        return []
    runs = []
    for m in pattern.finditer(text):
        found = 0
        for ch in set(m.group()):
            found |= _norm_class(ch)
        runs.append((m.start(), m.end(), found & classes))
    return runs
