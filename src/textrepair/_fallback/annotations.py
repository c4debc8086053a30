"""Pure-Python twin of native/annotations.c: the pinyin annotations of a text (``tr_find_annotations``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re

from .. import _flags as F
from .._tables import reading_table


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


def _follows(text: str, last: tuple[int, int, int, int], start: int) -> bool:
    """Does an annotation at ``start`` come right after the ``last`` one
    (or after the space of a toneless one)?  Then it annotates the same character.

    >>> _follows("關(guan) (guan)", (1, 7, ord("關"), 0), 8)
    True
    """
    _s, end, _han, flags = last
    return start == end or (start == end + 1 and text[end] == " " and not flags & F.ANN_TONED)


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
        matches: list[tuple[int, int, int, int]] = []
        # Every annotation ends with ")": without one there is nothing to find.
        found = _PARENS.finditer(text) if ")" in text else ()
        for m in found:
            start, end = m.span()
            if start == 0:
                continue
            han = text[start - 1]
            if matches and _follows(text, matches[-1], start):
                han = chr(matches[-1][2])  # the converter ran twice: 數(shù)(shù)
            key = han + text[start:end]
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
