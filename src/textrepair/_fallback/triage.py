"""Pure-Python twin of native/triage.c: which stages may act on a text (``tr_triage``).

The specification: the C core returns exactly what this module returns.
Each bit stands for one stage's own scan finding something (the scans are
the twins of the stages' C scans), so a bit that is clear means that stage
has nothing to look at; the mojibake scan comes back whole for the caller.
"""

from __future__ import annotations

import re

from .. import _flags as F
from .annotations import scan_annotations
from .boilerplate import boilerplate_lines
from .mojibake import MojibakeScan, mojibake_scan
from .normalise import normalise_runs

#: Code points NFC never composes with their neighbours (see ``nfc_inert`` in triage.c).
NFC_INERT = ((0x0000, 0x02FF), (0x2000, 0x20CF), (0x2100, 0x2BFF), (0x3000, 0x3029), (0x3030, 0x3098),
             (0x309B, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xFAFF),
             (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
_NOT_INERT = re.compile("[^%s]" % "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in NFC_INERT))
_WIDE = re.compile("[^\x20-\x7e]")


def triage(text: str, norm_classes: int, phrases: tuple[str, ...], min_items: int) -> tuple[int, MojibakeScan]:
    """The ``TRI_*`` bits of ``text`` and its :func:`mojibake_scan`
    (``norm_classes``: the normalise stage's classes; ``phrases`` and
    ``min_items``: the boilerplate scan's).

    >>> triage("国家数据局局长刘烈宏", 17, (), 6)[0]
    0
    >>> bits, scan = triage("数(shù)据<b>", 17, (), 6)
    >>> bits == F.TRI_ANNOTATIONS | F.TRI_MARKUP, scan.shift
    (True, [])
    >>> triage("e\\u0301 锟斤拷", 17, (), 6)[0] == F.TRI_NORMALISE | F.TRI_LOST | F.TRI_MOJIBAKE
    True
    """
    bits = 0
    if "<" in text or "&" in text:
        bits |= F.TRI_MARKUP
    if "??" in text or "\u951f" in text:
        bits |= F.TRI_LOST
    if "(" in text and scan_annotations(text).stats[0]:
        bits |= F.TRI_ANNOTATIONS
    if _NOT_INERT.search(text):
        bits |= F.TRI_NORMALISE
    elif norm_classes and normalise_runs(text, norm_classes):
        bits |= F.TRI_NORMALISE
    if boilerplate_lines(text, phrases, min_items):
        bits |= F.TRI_BOILERPLATE
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
