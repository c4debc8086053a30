"""Pure-Python twin of native/triage.c: which stages may act on a text (``tr_triage``).

The specification: the C core returns exactly what this module returns.
Each bit stands for one stage's trigger; a bit that is clear means that
stage has nothing to look at.  The annotation and boilerplate bits say
"may" (the caller confirms them with those stages' scans); the mojibake
scan comes back whole for the caller.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import _flags as F
from .._tables import reading_table
from .boilerplate import _has_phrase, _items_pattern, _menu_line_starts
from .mojibake import _FEW, MojibakeScan, _mojibake_scan_reference, mojibake_scan
from .normalise import _norm_bodies, normalise_runs

#: Code points NFC never composes with their neighbours (see ``nfc_inert`` in triage.c).
NFC_INERT = ((0x0000, 0x02FF), (0x2000, 0x20CF), (0x2100, 0x2BFF), (0x3000, 0x3029), (0x3030, 0x3098),
             (0x309B, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xFAFF),
             (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
#: A folded ！ or ； between non-ASCII characters (see shift.alone_starts).
_MARK = re.compile("[^\x00-\x7f][!;][^\x00-\x7f]")
_NOT_INERT = re.compile("[^%s]" % "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in NFC_INERT))


@lru_cache(maxsize=1)
def _group() -> re.Pattern[str]:
    """What the annotation scan may take for an annotation: ``(x)`` (an echo)
    or one to eight pinyin letters in parentheses."""
    letters = "A-Za-z" + "".join(re.escape(c) for c in sorted(reading_table().letters) if c >= "\xc0")
    return re.compile(f"\\((?:[^)]|[{letters}]{{2,8}})\\)")


@lru_cache(maxsize=16)
def _prefixes(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """The first three code points (all, when fewer) of every phrase."""
    wanted = sorted({p[:3] for p in phrases if p}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in wanted)) if wanted else None


def _boilerplate(text: str, phrases: tuple[str, ...], min_items: int) -> bool:
    """Whether the first three code points of a phrase occur, or a line
    holds ``min_items`` items.

    >>> _boilerplate("相关阅读 x", ("相关阅读更多",), 0), _boilerplate("a b c", (), 3), _boilerplate("a b", (), 3)
    (True, True, False)
    """
    if _has_phrase(text, _first_three(phrases)):
        return True
    if min_items == 1:
        return _items_pattern(min_items).search(text) is not None
    return min_items > 0 and bool(_menu_line_starts(text, min_items, first_only=True))


def _boilerplate_reference(text: str, phrases: tuple[str, ...], min_items: int) -> bool:
    """:func:`_boilerplate` by its definition: one alternation of the
    prefixes, and the item pattern searched everywhere."""
    prefixes = _prefixes(phrases)
    if prefixes is not None and prefixes.search(text):
        return True
    return min_items > 0 and _items_pattern(min_items).search(text) is not None


@lru_cache(maxsize=16)
def _first_three(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({p[:3] for p in phrases if p}))


def _folded_mark(text: str) -> bool:
    """Whether a ``!`` or ``;`` stands between two non-ASCII characters
    (what ``_MARK`` finds), looking only at those marks.

    >>> _folded_mark("好!好"), _folded_mark("好! 好;x"), _folded_mark("!好")
    (True, False, False)
    """
    n = len(text)
    for mark in "!;":
        p = text.find(mark, 1)
        for _ in range(_FEW):
            if p < 0:
                break
            if p + 1 < n and text[p - 1] >= "\x80" and text[p + 1] >= "\x80":
                return True
            p = text.find(mark, p + 1)
        else:
            return _MARK.search(text) is not None  # many marks: one scan in C
    return False


@lru_cache(maxsize=None)
def _may_normalise(classes: int) -> re.Pattern[str]:
    """One class for both normalise triggers, so the text is read once: a
    code point NFC may compose (not in ``NFC_INERT``) or one in ``classes``.

    >>> [bool(_may_normalise(F.NORM_PUNCT).match(c)) for c in "中,e\u0301"]
    [False, True, False, True]
    """
    quiet = []  # the inert code points outside the classes
    cut = _ranges(_norm_bodies(classes))
    for a, b in NFC_INERT:
        pieces = [(a, b)]
        for c, d in cut:
            pieces = [piece for x, y in pieces for piece in ((x, min(y, c - 1)), (max(x, d + 1), y))
                      if piece[0] <= piece[1]]
        quiet += pieces
    return re.compile("[^%s]" % "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in quiet))


def _ranges(body: str) -> list[tuple[int, int]]:
    """The code point ranges of a regex set body made of characters and
    ``a-b`` ranges (no escapes: the bodies in normalise.py).

    >>> _ranges("a-cx\u3000")
    [(97, 99), (120, 120), (12288, 12288)]
    """
    found = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            found.append((ord(body[i]), ord(body[i + 2])))
            i += 3
        else:
            found.append((ord(body[i]), ord(body[i])))
            i += 1
    return found


def _plain_bits(text: str) -> int:
    """The bits both definitions find the same way: markup, lost bytes,
    annotations."""
    bits = 0
    if "<" in text or "&" in text:
        bits |= F.TRI_MARKUP
    if "??" in text or "\u951f" in text:
        bits |= F.TRI_LOST
    if ")" in text and _group().search(text):
        bits |= F.TRI_ANNOTATIONS
    return bits


def triage(text: str, norm_classes: int, phrases: tuple[str, ...], min_items: int) -> tuple[int, MojibakeScan]:
    """The ``TRI_*`` bits of ``text`` and its :func:`mojibake_scan`
    (``norm_classes``: the normalise stage's classes; ``phrases`` and
    ``min_items``: the boilerplate scan's).

    >>> triage("国家数据局局长刘烈宏(记者 张三)", 17, ("上一篇",), 6)[0]
    0
    >>> bits, scan = triage("数(shù)据<b>", 17, (), 6)
    >>> bits == F.TRI_ANNOTATIONS | F.TRI_MARKUP, scan.shift
    (True, [])
    >>> triage("e\\u0301 锟斤拷 上一篇", 17, ("上一篇:",), 6)[0] == (F.TRI_NORMALISE | F.TRI_LOST | F.TRI_MOJIBAKE
    ...                                                         | F.TRI_BOILERPLATE)
    True
    """
    bits = _plain_bits(text)
    if _may_normalise(norm_classes).search(text):
        bits |= F.TRI_NORMALISE
    if _boilerplate(text, phrases, min_items):
        bits |= F.TRI_BOILERPLATE
    if _folded_mark(text):
        bits |= F.TRI_MARK
    scan = mojibake_scan(text)
    if any(scan):
        bits |= F.TRI_MOJIBAKE
    return bits, scan


def _triage_reference(text: str, norm_classes: int, phrases: tuple[str, ...],
                      min_items: int) -> tuple[int, MojibakeScan]:
    """:func:`triage` by its definition (tests compare them).

    >>> text = "e\\u0301 锟斤拷 上一篇"
    >>> _triage_reference(text, 17, ("上一篇:",), 6) == triage(text, 17, ("上一篇:",), 6)
    True
    """
    bits = _plain_bits(text)
    if _NOT_INERT.search(text) or norm_classes and normalise_runs(text, norm_classes):
        bits |= F.TRI_NORMALISE
    if _boilerplate_reference(text, phrases, min_items):
        bits |= F.TRI_BOILERPLATE
    if _MARK.search(text):
        bits |= F.TRI_MARK
    scan = _mojibake_scan_reference(text)
    if any(scan):
        bits |= F.TRI_MOJIBAKE
    return bits, scan


def triage_han_rare() -> bytes:
    """The rare bit of U+4E00..U+9FFF as a bitmap (``tr_triage_han_rare``):
    bit ``c & 7`` of byte ``c >> 3`` for U+4E00 + c; empty when a character
    there has a class other than CJK, with or without RARE.

    >>> len(triage_han_rare()), triage_han_rare()[0] & 1  # 一 is common
    (2624, 0)
    """
    from .._cjkcodec import SCAN_CLASSES, scan_classes

    classes = scan_classes()
    cjk, rare = SCAN_CLASSES["CJK"], SCAN_CLASSES["RARE"]
    out = bytearray(0x5200 // 8)
    for c in range(0x5200):
        k = classes.get(0x4E00 + c, 0)
        if k & ~rare != cjk:
            return b""
        if k & rare:
            out[c >> 3] |= 1 << (c & 7)
    return bytes(out)
