"""Pure-Python twin of native/scan.c: which kinds of damage a text may hold (``tr_scan_flags``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import _flags as F


_SINGLE = (("<", F.HAS_LT), ("&", F.HAS_AMP), ("(", F.HAS_PAREN), ("?", F.HAS_QMARK),
           ("\r", F.HAS_CR), ("\t", F.HAS_TAB), ("\ufffd", F.HAS_FFFD))
# The classes of code points behind the other flags, as regex set bodies.
_CLASS_SETS = (
    (F.HAS_LATIN1, "\x80-\xff"),
    (F.HAS_SPACE, "\xa0\u2000-\u200a\u202f\u205f\u3000"),
    (F.HAS_INVISIBLE, "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff"),
    (F.HAS_PUA, "\ue000-\uf8ff\U000f0000-\U0010ffff"),
    (F.HAS_FULLWIDTH, "\uff01-\uff5e"),
)
_ALL_CLASSES = sum(bit for bit, _ in _CLASS_SETS)
_CLASS_PATTERNS = tuple((bit, re.compile(f"[{body}]")) for bit, body in _CLASS_SETS)


@lru_cache(maxsize=None)
def _union(missing: int) -> re.Pattern[str]:
    """One pattern for every class whose bit is in ``missing``."""
    return re.compile("[" + "".join(body for bit, body in _CLASS_SETS if bit & missing) + "]")


def _classes_of(ch: str) -> int:
    return sum(bit for bit, pattern in _CLASS_PATTERNS if pattern.match(ch))


def scan_flags(text: str) -> int:
    """Which kinds of damage may be present (``HAS_*`` bits).

    >>> scan_flags("數(shu)") == F.HAS_PAREN
    True
    >>> scan_flags("\xa0\ue000\uff01") == F.HAS_SPACE | F.HAS_LATIN1 | F.HAS_PUA | F.HAS_FULLWIDTH
    True
    """
    flags = 0
    for ch, bit in _SINGLE:
        if ch in text:
            flags |= bit
    # One pass for all classes: search for any class not yet seen, and after
    # each hit drop the classes it showed, so the text is read about once.
    missing, pos = _ALL_CLASSES, 0
    while missing:
        hit = _union(missing).search(text, pos)
        if hit is None:
            break
        found = _classes_of(hit.group())
        flags |= found
        missing &= ~found
        pos = hit.end()
    return flags


class Remembered:
    """The last answer of one twin: the text object it was about, the other
    arguments and the result.  The pipeline asks some twins twice about the
    same text in one call (a triage confirmation, then the stage); like
    ``_cext``'s cached encoding, one entry replaced as a whole and dropped by
    :func:`forget` when a repair ends.

    >>> r = Remembered(); text = "中文"; r.put(text, 1, [2])
    >>> r.get(text, 1), r.get(text, 0), r.get("中" + "文x"[0], 1)
    ([2], None, None)
    """

    __slots__ = ("_entry",)

    def __init__(self) -> None:
        self._entry: tuple | None = None
        _REMEMBERED.append(self)

    def get(self, text: str, key):
        entry = self._entry
        if entry is not None and entry[0] is text and entry[1] == key:
            return entry[2]
        return None

    def put(self, text: str, key, value) -> None:
        self._entry = (text, key, value)

    def drop(self) -> None:
        self._entry = None


_REMEMBERED: list[Remembered] = []


def forget() -> None:
    """Twin of ``_cext.forget``, which drops its cached encoding: drop every
    :class:`Remembered` answer (the pipeline calls this after each run).

    >>> forget()
    """
    for remembered in _REMEMBERED:
        remembered.drop()
