"""Microsoft cp936 (GBK) as the damaging sites ran it, with the error
behaviour of each site's decoder as a :class:`Profile`.

The table is built from Python's codecs, never typed in (forensics REPORT §0):

* every code Python's ``gbk`` codec decodes decodes the same way;
* FE50–FEA0 decode, in order, to U+E815–U+E864 (``FE84`` → U+E848, seed 001;
  Python's ``gb18030`` gives real radicals there, Windows does not);
* the other codes ``gbk`` lacks decode as ``gb18030`` does: the user-defined
  areas AAA1–AFFE, F8A1–FEFE and A140–A7A0 become private-use characters
  (``AECB`` → U+E1A2);
* the lone byte 0x80 is ``€`` (seed 001: ``…粋€重要`` is 個's trail byte).

Decoding is token by token (:func:`tokens`), each token naming the bytes it
consumed and what happened to them, so the damage generator can say which
characters of the original a damaged span came from.

>>> encode("\\ue1a2€").hex(), pair(0xFE, 0x84)
('aecb80', '\\ue848')
>>> decode(bytes.fromhex("d6a7b3d6a1"), GATEWAY), decode(bytes.fromhex("a1a3a1"), FARM_DROP)
('支持?', '。')
>>> decode(b"\\xb1<span", FARM_EAT), decode(b"\\xf3(b", FARM_DROP), decode(b"\\xb1\\n", FARM_EAT)
('?span', '(b', '?\\n')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = ["Profile", "GATEWAY", "FARM_EAT", "FARM_STORE", "FARM_DROP", "Token", "pair", "encode",
           "encode_char", "tokens", "decode", "unescape", "is_lead", "FE_PUA"]

#: Valid trail bytes of a two-byte code.
TRAILS = tuple(range(0x40, 0x7F)) + tuple(range(0x80, 0xFF))
#: FE50–FEA0: the Microsoft private-use block (U+E815 onwards).
FE_PUA = range(0xE815, 0xE865)


def is_lead(byte: int) -> bool:
    """Bytes that open a two-byte code (0x80 and 0xFF stand alone).

    >>> is_lead(0x81), is_lead(0x80), is_lead(0x41)
    (True, False, False)
    """
    return 0x81 <= byte <= 0xFE


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[str, bytes]]:
    decoder: dict[int, str] = {}
    fe_index = 0
    for lead in range(0x81, 0xFF):
        for trail in TRAILS:
            raw = bytes((lead, trail))
            if lead == 0xFE and 0x50 <= trail <= 0xA0:
                decoder[lead << 8 | trail] = chr(FE_PUA.start + fe_index)
                fe_index += 1
                continue
            try:
                decoder[lead << 8 | trail] = raw.decode("gbk")
            except UnicodeDecodeError:
                try:
                    decoder[lead << 8 | trail] = raw.decode("gb18030")
                except UnicodeDecodeError:  # pragma: no cover - gb18030 decodes every pair
                    pass
    encoder = {}
    for code, ch in decoder.items():
        encoder.setdefault(ch, bytes((code >> 8, code & 0xFF)))
    encoder["\u20ac"] = b"\x80"
    return decoder, encoder


def pair(lead: int, trail: int) -> str | None:
    """The character two bytes spell, or None when ``trail`` is no trail byte."""
    return _tables()[0].get(lead << 8 | trail)


def encode_char(ch: str) -> bytes | None:
    """The cp936 bytes of one character, or None when cp936 cannot write it.

    >>> encode_char("。").hex(), encode_char("a"), encode_char("😀")
    ('a1a3', b'a', None)
    """
    if ch < "\x80":
        return ch.encode("ascii")
    return _tables()[1].get(ch)


def encode(text: str) -> bytes:
    """cp936 bytes of ``text``; a character cp936 cannot write becomes the
    numeric entity it is in the page's HTML (U+00A0 is ``&#160;``)."""
    out = bytearray()
    for ch in text:
        raw = encode_char(ch)
        out += raw if raw is not None else b"&#%d;" % ord(ch)
    return bytes(out)


_ENTITY = re.compile(r"&#(\d+);")


def unescape(text: str) -> str:
    """Numeric entities back to characters, as the page's extractor does."""
    return _ENTITY.sub(lambda m: chr(int(m.group(1))), text)


@dataclass(frozen=True)
class Profile:
    """How a site's decoder treats broken cp936 (forensics REPORT §2.3).

    * ``lone``: what a lead byte at the end of a piece becomes (``"?"`` or
      ``""``: dropped with no mark);
    * ``bad``: a lead byte before a byte 0x21–0x3F (or 0x7F, 0xFF):
      ``"eat"`` → ``?`` with both bytes consumed (``B1 3C`` → ``?``, the
      ``<`` is gone), ``"keep"`` → ``?`` and the byte read again,
      ``"drop"`` → nothing and the byte read again (``F3 28`` → ``(``);
    * ``ctrl``: a lead byte before a control byte or space (≤ 0x20):
      ``"keep"`` → ``?`` and the byte read again (``B1 0A`` → ``?⏎``),
      ``"bad"`` → as ``bad`` says;
    * ``uda3``: pairs A140–A7A0, ``"pua"`` or ``"drop"`` (seed 003);
    * ``pua``: whether the other private-use pairs are kept.
    """

    lone: str = "?"
    bad: str = "eat"
    ctrl: str = "keep"
    uda3: str = "pua"
    pua: bool = True

    def __post_init__(self) -> None:
        if self.lone not in ("?", "") or self.bad not in ("eat", "keep", "drop") or self.ctrl not in (
                "keep", "bad") or self.uda3 not in ("pua", "drop"):
            raise ValueError(f"bad decoder profile {self!r}")


#: Seed 001, the traditional-script gateway: PUA kept.
GATEWAY = Profile("?", "eat", "keep", "pua", True)
#: Seeds 000 and 003, the annotating farms: UDA3 pairs and PUA dropped.
FARM_EAT = Profile("?", "eat", "keep", "drop", False)
#: Seed 004's farm storing its annotated page (first decode).
FARM_STORE = Profile("?", "eat", "keep", "pua", True)
#: Seed 004's final decode: a lone lead vanishes, a lead before ASCII too.
FARM_DROP = Profile("", "drop", "bad", "pua", True)


class Token(NamedTuple):
    """``text`` decoded from ``data[start:end]``; ``event`` names what went
    wrong there (``""`` when nothing did)."""

    text: str
    start: int
    end: int
    event: str


def _pair_token(data: bytes, i: int, profile: Profile) -> Token:
    lead, trail = data[i], data[i + 1]
    ch = pair(lead, trail)
    assert ch is not None
    if 0xA1 <= lead <= 0xA7 and trail < 0xA1 and profile.uda3 == "drop":
        return Token("", i, i + 2, "uda3-dropped")
    if 0xE000 <= ord(ch) <= 0xF8FF and not profile.pua:
        return Token("", i, i + 2, "pua-dropped")
    return Token(ch, i, i + 2, "")


def _broken_token(data: bytes, i: int, profile: Profile) -> Token:
    """A lead byte followed by a byte that cannot be its trail."""
    if data[i + 1] <= 0x20 and profile.ctrl == "keep":
        return Token("?", i, i + 1, "lead-before-control")
    if profile.bad == "eat":
        return Token("?", i, i + 2, "eaten")
    if profile.bad == "keep":
        return Token("?", i, i + 1, "lead-before-ascii")
    return Token("", i, i + 1, "lead-dropped")


def tokens(data: bytes, profile: Profile = GATEWAY) -> list[Token]:
    """Decode one piece of cp936 bytes, token by token.

    >>> [t.text + ":" + t.event for t in tokens(b"\\xa1\\xa3\\xb1", GATEWAY)]
    ['。:', '?:lone']
    """
    out = []
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c < 0x80:
            out.append(Token(chr(c), i, i + 1, ""))
            i += 1
        elif c == 0x80:
            out.append(Token("\u20ac", i, i + 1, ""))
            i += 1
        elif c == 0xFF:
            out.append(Token("?", i, i + 1, "invalid"))
            i += 1
        elif i + 1 == n:
            out.append(Token(profile.lone, i, i + 1, "lone" if profile.lone else "lone-dropped"))
            i += 1
        else:
            token = _pair_token(data, i, profile) if pair(c, data[i + 1]) else _broken_token(data, i, profile)
            out.append(token)
            i = token.end
    return out


def decode(data: bytes, profile: Profile = GATEWAY) -> str:
    """The text a decoder with ``profile`` makes of one piece."""
    return "".join(t.text for t in tokens(data, profile))
