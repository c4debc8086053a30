"""Pure-Python twins of every C entry point in ``native/``.

These functions are the specification: the C core must return exactly what
they return, which the property tests in ``tests/test_equivalence.py`` check.
"""

from __future__ import annotations

import re

from . import _flags as F
from ._tables import reading_table

# --- scan.c ---------------------------------------------------------------

_SINGLE = (("<", F.HAS_LT), ("&", F.HAS_AMP), ("(", F.HAS_PAREN), ("?", F.HAS_QMARK),
           ("\r", F.HAS_CR), ("\t", F.HAS_TAB), ("\ufffd", F.HAS_FFFD))
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CLASSES = (
    (re.compile("[\x80-\xff]"), F.HAS_LATIN1),
    (re.compile("[\xa0\u2000-\u200a\u202f\u205f\u3000]"), F.HAS_SPACE),
    (re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"),
     F.HAS_INVISIBLE),
    (re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]"), F.HAS_PUA),
    (re.compile("[\uff01-\uff5e]"), F.HAS_FULLWIDTH),
)


def scan_flags(text: str) -> int:
    """Which kinds of damage may be present (``HAS_*`` bits).

    >>> scan_flags("數(shu)") == F.HAS_PAREN
    True
    """
    flags = 0
    for ch, bit in _SINGLE:
        if ch in text:
            flags |= bit
    if _ASCII_CONTROL.search(text):
        flags |= F.HAS_INVISIBLE
    if not text.isascii():
        for pattern, bit in _CLASSES:
            if pattern.search(text):
                flags |= bit
    return flags


def forget() -> None:
    """Twin of ``_cext.forget``, which drops its cached encoding; nothing to drop here.

    >>> forget()
    """


# --- annotations.c ----------------------------------------------------------

# At most 8 code points between the parentheses, none of them a parenthesis.
_PARENS = re.compile(r"\(([^()]{1,8})\)")


class AnnotationScan:
    """The annotations found in one text (see ``tr_find_annotations``).

    ``stats`` is ``(found, traditional, toneless, toneless_spaced,
    occurrences)``; ``matches()`` lists ``(start, end, han, flags)`` with
    offsets in code points; ``removed(eat_space)`` is the text without them.
    """

    __slots__ = ("_text", "_matches", "stats")

    def __init__(self, text: str) -> None:
        table = reading_table()
        matches = []
        traditional = toneless = toneless_spaced = 0
        for m in _PARENS.finditer(text):
            start = m.start()
            if start == 0:
                continue
            han = text[start - 1]
            readings = table.readings.get(han)
            if readings is None:
                continue
            spelled = table.spell(m.group(1))
            if spelled is None:
                continue
            word, tone = spelled
            if not (word in readings if tone else word in table.toneless[han]):
                continue
            flags = F.ANN_TONED if tone else 0
            if han in table.traditional:
                flags |= F.ANN_TRAD
                traditional += 1
            if text.startswith(" ", m.end()):
                flags |= F.ANN_SPACE_AFTER
            if not tone:
                toneless += 1
                if flags & F.ANN_SPACE_AFTER:
                    toneless_spaced += 1
            matches.append((start, m.end(), ord(han), flags))
        occurrences = sum(text.count(chr(cp)) for cp in {m[2] for m in matches})
        self._text = text
        self._matches = matches
        self.stats = (len(matches), traditional, toneless, toneless_spaced, occurrences)

    def matches(self) -> list[tuple[int, int, int, int]]:
        return list(self._matches)

    def removed(self, eat_space: bool) -> str:
        text = self._text
        pieces = []
        pos = 0
        for start, end, _han, flags in self._matches:
            if eat_space and flags & F.ANN_SPACE_AFTER and not flags & F.ANN_TONED:
                end += 1
            pieces.append(text[pos:start])
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces)


def scan_annotations(text: str) -> AnnotationScan:
    """Find every ``(reading)`` that directly follows a character it is a reading of.

    >>> scan_annotations("數(shù)字").removed(False)
    '數字'
    """
    return AnnotationScan(text)
