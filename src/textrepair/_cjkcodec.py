"""The byte-level model of the mojibake stage: the exact decoder that damaged
the pages, and the character model that judges a repair.

The decoder is Microsoft's cp936 (GBK) as Windows applies it, derived from
Python's codec tables rather than typed in:

* every two-byte code Python's ``gbk`` codec decodes decodes the same way;
* the user-defined areas AAA1–AFFE and F8A1–FEFE decode to the private-use
  characters GB18030 assigns them (``AECB`` → U+E1A2); the third area,
  A140–A7A0, is not decoded: the seeds show ``?`` where ``常務`` put
  ``A3 84`` out of step;
* FE50–FEA0 codes that ``gbk`` lacks decode, in order, to U+E815–U+E864
  (``FE84`` → U+E848; Python's ``gb18030`` maps some of these to real
  characters instead, which cp936 does not);
* the lone byte 0x80 decodes to ``€``.

Only codes Python's ``gbk`` codec decodes count as text an author wrote; the
rest exist only as damage.

>>> encode_char("\\ue1a2").hex(), decode_pair(0xAE, 0xCB)
('aecb', '\\ue1a2')
>>> decode_pair(0xFE, 0x84), original_pair(0xFE, 0x84)
('\\ue848', None)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["decode_pair", "original_pair", "encode_char", "fold", "CharModel", "char_model", "RARE_BELOW",
           "common_chars", "code_page_char", "code_page_high", "ftfy_chars", "FTFY_CODE_PAGES", "SCAN_CLASSES",
           "scan_classes", "classes_of"]

MODEL = Path(__file__).resolve().parent / "data" / "char_model.bin"

#: Trail bytes of a two-byte GBK code.
TRAILS = tuple(range(0x40, 0x7F)) + tuple(range(0x80, 0xFF))
LEADS = tuple(range(0x81, 0xFF))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[int, str], dict[str, bytes]]:
    """(cp936 decoder, authored codes, encoder), keyed by ``lead << 8 | trail``."""
    decoder: dict[int, str] = {}
    authored: dict[int, str] = {}
    fe_index = 0
    for lead in LEADS:
        for trail in TRAILS:
            raw = bytes((lead, trail))
            code = lead << 8 | trail
            try:
                ch = raw.decode("gbk")
            except UnicodeDecodeError:
                ch = ""
            if lead == 0xFE and 0x50 <= trail <= 0xA0:
                if not ch:
                    ch = chr(0xE815 + fe_index)
                fe_index += 1
            elif ch:
                authored[code] = ch
            else:
                # Codes GBK leaves undefined (the user-defined areas, and the
                # gaps of rows A1-A9 and A8-A9): Windows reads them as GB18030
                # does, mostly private-use characters (A140 -> U+E4C6, A2AB -> U+E766).
                ch = raw.decode("gb18030")
            if ch:
                decoder[code] = ch
    for code, ch in list(decoder.items()):
        if code >> 8 == 0xFE and 0x50 <= code & 0xFF <= 0xA0 and not (0xE815 <= ord(ch) <= 0xE864):
            authored[code] = ch
    encoder = {ch: bytes((code >> 8, code & 0xFF)) for code, ch in decoder.items()}
    encoder["\u20ac"] = b"\x80"
    return decoder, authored, encoder


def decode_pair(lead: int, trail: int) -> str | None:
    """What the damaging cp936 decoder made of two bytes, or None if invalid."""
    return _tables()[0].get(lead << 8 | trail)


def original_pair(lead: int, trail: int) -> str | None:
    """The character an author's GBK text means by two bytes, or None."""
    return _tables()[1].get(lead << 8 | trail)


def encode_char(ch: str) -> bytes | None:
    """The bytes the cp936 decoder turned into ``ch`` (ASCII as itself), or None."""
    if ch < "\x80":
        return ch.encode("ascii")
    return _tables()[2].get(ch)


def fold(ch: str) -> str:
    """Fullwidth ASCII forms fold to ASCII, as they were on the damaged pages.

    >>> fold("，"), fold("中")
    (',', '中')
    """
    cp = ord(ch)
    return chr(cp - 0xFEE0) if 0xFF01 <= cp <= 0xFF5E else ch


#: :func:`fold` as a ``str.translate`` table, to fold a whole string in one call.
FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def fullwidth_bytes(ch: str) -> bytes | None:
    """GBK bytes of the fullwidth form an ASCII character may have been folded from.

    >>> fullwidth_bytes("!").hex(), fullwidth_bytes("a").hex()
    ('a3a1', 'a3e1')
    """
    if not ("\x21" <= ch <= "\x7e"):
        return None
    return encode_char(chr(ord(ch) + 0xFEE0))


def char_model():
    """The character bigram model (``_fallback.lm.CharModel``: ``.logp(prev, ch)``,
    ``.score(text, before, after)``, ``.uni`` counts), memory-mapped from
    ``data/char_model.bin`` (see ``data/build_char_model.py``) once per process.

    >>> m = char_model()
    >>> m.logp("中", "国") > m.logp("中", "鍀"), m.uni["中"] > RARE_BELOW
    (True, True)
    """
    from ._fallback.lm import char_model as mapped  # here: _fallback imports this module

    return mapped()


def __getattr__(name: str):
    if name == "CharModel":  # the class, for callers that name it
        from ._fallback.lm import CharModel

        return CharModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cp936_decode(data: bytes) -> str:
    """Decode as the damaging cp936 decoder does; a byte it cannot place
    becomes U+FFFD on its own.

    >>> cp936_decode(b"\\xd6\\xd0\\xb9\\xfa\\x80\\xff")
    '中国€\\ufffd'
    """
    out = []
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if b == 0x80:
            out.append("\u20ac")
            i += 1
            continue
        ch = decode_pair(b, data[i + 1]) if i + 1 < n else None
        if ch is None:
            out.append("\ufffd")
            i += 1
        else:
            out.append(ch)
            i += 2
    return "".join(out)


# --- character classes of the mojibake scan ------------------------------------
# One definition each, read by the stage (as regexes, in the Python twin) and
# rendered into the C scan's table by native/gen_tables.py, so both backends
# classify every code point alike.

#: A character seen fewer times than this in the model's 303 million
#: characters counts as rare.  Measured on the benchmark's clean sentences
#: (benchmarks/mojibake_accuracy.py sentences, and their words
#: damaged alone): 92.7% of 2-character and 99.5% of 4-character UTF-8-as-GBK
#: stretches, 97% and 99.9% of Big5-as-GBK ones hold a rare character, while
#: 7.9% of the clean sentences' runs and 1.8% of clean seed 002's runs do.
RARE_BELOW = 1000


def common_chars(model) -> frozenset[str]:
    """Non-ASCII characters the model has seen at least RARE_BELOW times;
    fullwidth forms count as the ASCII they are folded to.

    >>> "中" in common_chars(char_model()), "椈" in common_chars(char_model())
    (True, False)
    """
    common = {ch for ch, n in model.uni.items() if len(ch) == 1 and n >= RARE_BELOW and not ch.isascii()}
    common |= {chr(ord(ch) + 0xFEE0) for ch, n in model.uni.items()
               if len(ch) == 1 and "\x21" <= ch <= "\x7e" and n >= RARE_BELOW}
    return frozenset(common)


def code_page_char(b: int, codec: str) -> str:
    """What a browser shows for byte ``b`` in ``codec``: bytes the code page
    leaves undefined show as the Latin-1 (C1) character of the same value.

    >>> code_page_char(0x93, "cp1252"), code_page_char(0x81, "cp1252")
    ('“', '\\x81')
    """
    try:
        return bytes([b]).decode(codec)
    except UnicodeDecodeError:
        return chr(b)


def code_page_high(codec: str) -> frozenset[str]:
    """The characters bytes 0x80-0xFF become in ``codec``.

    >>> len(code_page_high("latin-1"))
    128
    """
    return frozenset(code_page_char(b, codec) for b in range(0x80, 0x100))


# ftfy changes a text only when it can read it back, in one of its single-byte
# code pages, as bytes holding a UTF-8 lead byte (0xC0-0xFF) followed by a
# continuation byte (0x80-0xBF, or a space or U+FFFD standing for a lost one),
# or when it holds a C1 control.
FTFY_CODE_PAGES = ("latin-1", "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "iso8859-2",
                   "mac_roman", "cp437")


def ftfy_chars(lo: int, hi: int) -> frozenset[str]:
    """What bytes ``lo``..``hi - 1`` become in any of ftfy's code pages.

    >>> "Ã" in ftfy_chars(0xC0, 0x100), "€" in ftfy_chars(0x80, 0xC0)
    (True, True)
    """
    found = {bytes([b]).decode(codec, "ignore") for codec in FTFY_CODE_PAGES for b in range(lo, hi)}
    return frozenset(found - {""})


#: Bits of the scan's character classes (``TR_MJ_*`` in native/textrepair.h).
SCAN_CLASSES = {"RARE": 1, "SPACE": 2, "ALPHA": 4, "LATIN1": 8, "CP1252": 16, "CP1250": 32, "LEAD": 64,
                "CONT": 128, "CJK": 256}

#: Characters the Latin-mojibake delegation never hands to ftfy (CJK and its punctuation).
CJK_CLASS = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"


@lru_cache(maxsize=1)
def scan_classes() -> dict[int, int]:
    """:func:`classes_of` the characters the model counts as common.

    >>> c = scan_classes(); c[ord("椈")] == SCAN_CLASSES["RARE"] | SCAN_CLASSES["CJK"]
    True
    """
    return classes_of(common_chars(char_model()))


def classes_of(common: frozenset[str]) -> dict[int, int]:
    """Class bits of every code point that has any (``SCAN_CLASSES``).

    RARE: non-ASCII, not a space, not common (the double-byte mechanisms'
    salad); SPACE: ``str.isspace``; ALPHA: ``str.isalpha``, kept only for
    characters of the three code pages; LATIN1/CP1252/CP1250: what bytes
    0x80-0xFF become in that code page; LEAD/CONT: ftfy's lead and
    continuation characters (CONT also space and U+FFFD); CJK: ``CJK_CLASS``.

    >>> classes_of(frozenset("中"))[ord("中")] == SCAN_CLASSES["CJK"]
    True
    """
    import re

    bits = SCAN_CLASSES
    cjk = re.compile("[%s]" % CJK_CLASS)
    classes: dict[int, int] = {}
    for cp in range(0x110000):
        ch = chr(cp)
        k = 0
        if ch.isspace():
            k |= bits["SPACE"]
        elif cp >= 0x80 and ch not in common:
            k |= bits["RARE"]
        if cjk.match(ch):
            k |= bits["CJK"]
        if k:
            classes[cp] = k
    pages = (("LATIN1", "latin-1"), ("CP1252", "cp1252"), ("CP1250", "cp1250"))
    for name, codec in pages:
        for ch in code_page_high(codec):
            classes[ord(ch)] = classes.get(ord(ch), 0) | bits[name] | (bits["ALPHA"] if ch.isalpha() else 0)
    for ch in ftfy_chars(0xC0, 0x100):
        classes[ord(ch)] = classes.get(ord(ch), 0) | bits["LEAD"]
    for ch in ftfy_chars(0x80, 0xC0) | {" ", "\ufffd"}:
        classes[ord(ch)] = classes.get(ord(ch), 0) | bits["CONT"]
    return classes
