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
from .boilerplate import _items_pattern
from .mojibake import MojibakeScan, mojibake_scan
from .normalise import normalise_runs

#: Code points NFC never composes with their neighbours (see ``nfc_inert`` in triage.c).
NFC_INERT = ((0x0000, 0x02FF), (0x2000, 0x20CF), (0x2100, 0x2BFF), (0x3000, 0x3029), (0x3030, 0x3098),
             (0x309B, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xFAFF),
             (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
#: A folded ！ or ； between non-ASCII characters (see shift._alone_starts).
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
    prefixes = _prefixes(phrases)
    if prefixes is not None and prefixes.search(text):
        return True
    return min_items > 0 and _items_pattern(min_items).search(text) is not None


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
    bits = 0
    if "<" in text or "&" in text:
        bits |= F.TRI_MARKUP
    if "??" in text or "\u951f" in text:
        bits |= F.TRI_LOST
    if ")" in text and _group().search(text):
        bits |= F.TRI_ANNOTATIONS
    if _NOT_INERT.search(text) or norm_classes and normalise_runs(text, norm_classes):
        bits |= F.TRI_NORMALISE
    if _boilerplate(text, phrases, min_items):
        bits |= F.TRI_BOILERPLATE
    if _MARK.search(text):
        bits |= F.TRI_MARK
    scan = mojibake_scan(text)
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
