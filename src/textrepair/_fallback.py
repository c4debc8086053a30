"""Pure-Python twins of every C entry point in ``native/``.

These functions are the specification: the C core must return exactly what
they return, which the property tests in ``tests/test_equivalence.py`` check.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import _flags as F
from ._tables import reading_table

# --- scan.c ---------------------------------------------------------------

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


def forget() -> None:
    """Twin of ``_cext.forget``, which drops its cached encoding; nothing to drop here.

    >>> forget()
    """


# --- annotations.c ----------------------------------------------------------

# At most 8 code points between the parentheses, none of them a parenthesis.
# (The pattern starts with its literal "(" so the regex engine can jump to
# candidates; the annotated character is read outside it.)
_PARENS = re.compile(r"\(([^()]{1,8})\)")


def _judge(table, han: str, syllable: str) -> int:
    """``ANN_TONED | ANN_TRAD`` flags of ``han(syllable)``, or -1 when the
    syllable is not a reading of ``han``."""
    readings = table.readings.get(han)
    if readings is None:
        return -1
    spelled = table.spell(syllable)
    if spelled is None:
        return -1
    word, tone = spelled
    if not (word in readings if tone else word in table.toneless[han]):
        return -1
    flags = F.ANN_TONED if tone else 0
    if han in table.traditional:
        flags |= F.ANN_TRAD
    return flags


class AnnotationScan:
    """The annotations found in one text (see ``tr_find_annotations``).

    ``stats`` is ``(found, traditional, toneless, toneless_spaced)``;
    ``occurrences()`` counts the annotated characters in the whole text,
    annotated or not (``tr_count_annotated``: a pass over the text, so it is
    taken only on demand); ``matches()`` lists ``(start, end, han, flags)``
    with offsets in code points; ``removed(eat_space)`` is the text without them.
    """

    __slots__ = ("_text", "_matches", "stats")

    def __init__(self, text: str) -> None:
        table = reading_table()
        # Converter pages repeat the same few annotations: judge each once.
        verdicts: dict[str, int] = {}
        matches = []
        # Every annotation ends with ")": without one there is nothing to find.
        found = _PARENS.finditer(text) if ")" in text else ()
        for m in found:
            start, end = m.span()
            if start == 0:
                continue
            key = text[start - 1 : end]
            flags = verdicts.get(key)
            if flags is None:
                flags = verdicts[key] = _judge(table, key[0], m.group(1))
            if flags < 0:
                continue
            if text.startswith(" ", end):
                flags |= F.ANN_SPACE_AFTER
            matches.append((start, end, ord(key[0]), flags))
        toned = sum(1 for m in matches if m[3] & F.ANN_TONED)
        traditional = sum(1 for m in matches if m[3] & F.ANN_TRAD)
        toneless_spaced = sum(1 for m in matches if m[3] & (F.ANN_TONED | F.ANN_SPACE_AFTER) == F.ANN_SPACE_AFTER)
        self._text = text
        self._matches = matches
        self.stats = (len(matches), traditional, len(matches) - toned, toneless_spaced)

    def occurrences(self) -> int:
        text = self._text
        return sum(text.count(chr(cp)) for cp in {m[2] for m in self._matches})

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
