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


# --- mojibake.c ---------------------------------------------------------------

_FOLD_PUNCT = "!,;:?"
_SPLIT_START = "!,;?\u3002\u3001"  # characters whose GBK bytes start A1/A3 (the split pairs)
_RUN_CAP = 48


def _pinyin_letter(ch: str) -> bool:
    return _ascii_letter(ch) or ch in reading_table().letters


def _tail_end(text: str, i: int) -> int:
    """End of ``letters)`` starting at ``i`` (1-7 pinyin letters), or -1."""
    j = i
    n = len(text)
    while j < n and j - i < 8 and _pinyin_letter(text[j]):
        j += 1
    if i < j <= i + 7 and j < n and text[j] == ")":
        return j + 1
    return -1


def _paren_end(text: str, i: int) -> int:
    """End of ``(letters)`` starting at ``i``, or -1."""
    if i < len(text) and text[i] == "(":
        return _tail_end(text, i + 1)
    return -1


_SPACES = frozenset("\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))
_ASCII_SPACES = frozenset(" \t\n\v\f\r\x1c\x1d\x1e\x1f")


def _wide(ch: str) -> bool:
    """A character that can come out of a two-byte GBK code (not ASCII, not a space)."""
    return ch >= "\x80" and ch not in _SPACES


def _ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _run_end(text: str, i: int) -> int:
    """Where a run that is still open at ``i`` ends (see tr_mojibake_runs)."""
    n = len(text)
    start = i
    cap = i + _RUN_CAP
    while i < n and i < cap:
        ch = text[i]
        end = _paren_end(text, i)
        if end > 0:
            i = end
            continue
        if ch == "?":
            end = _tail_end(text, i + 1)
            if end < 0 and i > start + 1 and i + 2 < n and text[i + 1] in "!;," and _wide(text[i + 2]):
                return i  # the next split run starts here
            i = end if end > 0 else i + 1
            continue
        if ch == "\u20ac":
            return i + 1  # the lone byte 0x80 realigns the decoder too
        if _wide(ch):
            i += 1
        elif "\x40" <= ch <= "\x7e":
            return i + 1  # a trail byte in 0x40-0x7E realigns the decoder
        elif "\x21" <= ch <= "\x3f" and ch not in "<>\"'&()":
            i += 1  # digits and punctuation may be folded fullwidth forms
        else:
            return i
    return min(i, n)


def _run_start(text: str, p: int) -> int:
    """Start of a run anchored at ``p``: the character before it (and its
    annotation) belong to the run, since an annotation may straddle them."""
    if p >= 2 and text[p - 1] == ")":
        j = p - 2
        while j >= 0 and p - j <= 9 and text[j] != "(":
            j -= 1
        if j >= 1 and text[j] == "(" and _tail_end(text, j + 1) == p and _wide(text[j - 1]):
            return j - 1
    if p >= 1 and _wide(text[p - 1]):
        return p - 1
    return p


def _anchor(text: str, p: int) -> bool:
    """True where a byte-shift run may start at ``p``."""
    n = len(text)
    ch = text[p]
    nxt = text[p + 1] if p + 1 < n else ""
    if ch == "?":
        if _wide(nxt):
            return True
        k = p + 1
        while k < n and k - p <= 3 and text[k] in _FOLD_PUNCT:
            k += 1  # `??焖`, `???,覆`: lost bytes and folded split pairs
        if k > p + 1 and k < n and _wide(text[k]):
            return True
        if k > p + 2 and p > 0 and _wide(text[p - 1]) and (k == n or text[k] in _ASCII_SPACES or text[k] in _SPACES or _ascii_letter(text[k])):
            return True  # `熱點?!?span`, `水平?!?\n`: the last lost byte was ASCII or the end
        return _tail_end(text, p + 1) > 0
    if ch in "!;" and _wide(nxt):
        # A split piece read from a straddling pair, annotation inside: `)!秷(bào)`.
        for k in range(p + 2, min(n, p + 6)):
            if _paren_end(text, k) > 0:
                return True
            if not _wide(text[k]):
                break
    return False


def mojibake_runs(text: str) -> list[tuple[int, int, int]]:
    """Candidate byte-shift runs ``(start, end, kind)`` in code points, in order, not overlapping.

    >>> mojibake_runs("支持?!笆\\ue1a2奈濉睍r期")
    [(1, 10, 1)]
    >>> mojibake_runs("新進展?國家")
    [(2, 6, 1)]
    >>> mojibake_runs("這是真的嗎?")
    []
    """
    runs: list[tuple[int, int, int]] = []
    if "?" not in text and "!" not in text and ";" not in text:
        return runs
    p = 0
    n = len(text)
    last_end = 0
    while p < n:
        if text[p] in "?!;" and _anchor(text, p):
            start = max(_run_start(text, p), last_end)
            end = _run_end(text, p)
            if runs and start <= runs[-1][1]:
                start = runs[-1][0]
                runs.pop()
            runs.append((start, end, F.MOJIBAKE_SHIFT))
            last_end = end
            p = max(end, p + 1)
            continue
        p += 1
    return runs
