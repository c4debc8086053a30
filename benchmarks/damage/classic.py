"""The classic mechanisms: text written in one encoding and read in another.

Each mechanism is an encoder and a reader; :func:`misread` applies one to a
:class:`~benchmarks.damage.trace.Char` list, so the damaged characters keep
the clean characters they came from.

* ``utf8-as-gbk``: UTF-8 read by ``gbk`` (a broken pair → U+FFFD);
  ``utf8-as-gbk-lost``: the same reader dropping what it cannot read (bytes
  lost with no U+FFFD); ``utf8-as-gb18030``: read by ``gb18030``, whose
  user-defined areas give private-use characters; ``utf8-as-cp936``: read
  by Microsoft cp936 (private use, ``€``, ``?`` for a broken lead);
* ``gbk-as-utf8``: GBK read as UTF-8, each byte that is no UTF-8 read as
  Latin-1 (``液压系统`` → ``Һѹϵͳ``);
* ``gbk-as-latin1`` / ``gbk-as-cp1252`` / ``gbk-as-cp1250``: GBK read by a
  single-byte code page, a byte the code page leaves undefined read as
  Latin-1, as browsers do (``，`` → ``£¬``);
* ``big5-as-gbk``: Big5 (cp950) read by Microsoft cp936;
  ``big5-as-gbk-python``: read by Python's ``gbk`` with ``errors="replace"``
  (what ``requests`` makes of a Big5 page it takes for GBK): a pair ``gbk``
  has no character for loses its lead byte as U+FFFD and the trail byte is
  read again (一 A4 40 → ``\ufffd@``);
* ``gbk-as-big5``: GBK read by cp950 (a broken pair → U+FFFD).

>>> misread_text("液压系统", "gbk-as-utf8"), misread_text("中国，", "gbk-as-latin1")
('Һѹϵͳ', 'ÖÐ¹ú£¬')
>>> misread_text("新闻", "utf8-as-gbk")
'鏂伴椈'
"""

from __future__ import annotations

import codecs
from typing import Callable, NamedTuple, Sequence

from . import cp936
from .trace import Char, encode, text_of, traced

__all__ = ["Mechanism", "MECHANISMS", "misread", "misread_text", "python_tokens", "code_page_tokens",
           "LATIN1_FALLBACK", "WINDOWS"]

LATIN1_FALLBACK = "damage-latin1-fallback"
#: Windows reading cp936: user-defined areas and FE50–FEA0 as private use,
#: 0x80 as €, a broken lead as ``?`` with the next byte read again.
WINDOWS = cp936.Profile("?", "keep", "keep", "pua", True)
codecs.register_error(LATIN1_FALLBACK, lambda e: (e.object[e.start:e.end].decode("latin-1"), e.end))


class Mechanism(NamedTuple):
    """``encoder(text) -> bytes`` (raises ``UnicodeEncodeError`` when the
    text cannot be written) and ``reader(bytes) -> tokens``."""

    encoder: Callable[[str], bytes]
    reader: Callable[[bytes], list[cp936.Token]]


def python_tokens(data: bytes, codec: str, errors: str) -> list[cp936.Token]:
    """Decode with a Python codec one byte at a time, so each character is
    tied to the bytes that made it.

    >>> [(t.text, t.start, t.end) for t in python_tokens(b"\\xb1<a", "gbk", "replace")]
    [('\\ufffd', 0, 1), ('<', 1, 2), ('a', 2, 3)]
    """
    decoder = codecs.getincrementaldecoder(codec)(errors)
    out: list[cp936.Token] = []
    start = 0
    for k in range(len(data) + 1):
        final = k == len(data)
        text = decoder.decode(b"" if final else data[k:k + 1], final=final)
        end = k if final else k + 1
        if text or (final and start < end):
            out += _split(text, data, start, end)
            start = end
    return out


def _split(text: str, data: bytes, start: int, end: int) -> list[cp936.Token]:
    """Tie the characters a group of bytes gave to the bytes: an ASCII byte
    read again after a broken lead is its own token; as many characters as
    bytes go one to one; no characters at all is a loss."""
    out = []
    if end - start >= 2 and text and data[end - 1] < 0x80 and text[-1] == chr(data[end - 1]):
        tail = [cp936.Token(text[-1], end - 1, end, "")]
        text, end = text[:-1], end - 1
    else:
        tail = []
    if not text:
        if end > start:
            out.append(cp936.Token("", start, end, "lost"))
    elif len(text) == end - start:
        out += [cp936.Token(ch, start + k, start + k + 1, "replaced" if ch == "\ufffd" else "")
                for k, ch in enumerate(text)]
    else:
        out += [cp936.Token(ch, start, end, "replaced" if ch == "\ufffd" else "") for ch in text]
    return out + tail


def code_page_tokens(data: bytes, codec: str) -> list[cp936.Token]:
    """One character per byte; a byte ``codec`` leaves undefined is read as
    Latin-1 (what browsers do with windows-125x).

    >>> text_of_tokens(code_page_tokens(b"\\x81\\x80", "cp1252"))
    '\\x81€'
    """
    out = []
    for k, b in enumerate(data):
        try:
            ch = bytes((b,)).decode(codec)
        except UnicodeDecodeError:
            ch = chr(b)
        out.append(cp936.Token(ch, k, k + 1, ""))
    return out


def text_of_tokens(tokens: Sequence[cp936.Token]) -> str:
    return "".join(t.text for t in tokens)


def _gbk_strict(text: str) -> bytes:
    return b"".join(_strict_char(ch) for ch in text)


def _strict_char(ch: str) -> bytes:
    raw = cp936.encode_char(ch)
    if raw is None:
        raise UnicodeEncodeError("cp936", ch, 0, 1, "cp936 cannot write it")
    return raw


MECHANISMS: dict[str, Mechanism] = {
    "utf8-as-gbk": Mechanism(lambda t: t.encode("utf-8"), lambda d: python_tokens(d, "gbk", "replace")),
    "utf8-as-gbk-lost": Mechanism(lambda t: t.encode("utf-8"), lambda d: python_tokens(d, "gbk", "ignore")),
    "utf8-as-gb18030": Mechanism(lambda t: t.encode("utf-8"), lambda d: python_tokens(d, "gb18030", "replace")),
    "utf8-as-cp936": Mechanism(lambda t: t.encode("utf-8"), lambda d: cp936.tokens(d, WINDOWS)),
    "gbk-as-utf8": Mechanism(_gbk_strict, lambda d: python_tokens(d, "utf-8", LATIN1_FALLBACK)),
    "gbk-as-latin1": Mechanism(_gbk_strict, lambda d: code_page_tokens(d, "latin-1")),
    "gbk-as-cp1252": Mechanism(_gbk_strict, lambda d: code_page_tokens(d, "cp1252")),
    "gbk-as-cp1250": Mechanism(_gbk_strict, lambda d: code_page_tokens(d, "cp1250")),
    "big5-as-gbk": Mechanism(lambda t: t.encode("cp950"), lambda d: cp936.tokens(d, cp936.GATEWAY)),
    "big5-as-gbk-python": Mechanism(lambda t: t.encode("cp950"), lambda d: python_tokens(d, "gbk", "replace")),
    "gbk-as-big5": Mechanism(_gbk_strict, lambda d: python_tokens(d, "cp950", "replace")),
}


def misread(chars: Sequence[Char], name: str) -> list[Char]:
    """``chars`` written by the mechanism's encoder and read by its reader.
    Raises ``UnicodeEncodeError`` when the encoder cannot write them."""
    mechanism = MECHANISMS[name]
    stream = encode(chars, mechanism.encoder)
    out = []
    for token in mechanism.reader(stream.data):
        origin = tuple(sorted({i for k in range(token.start, token.end) for i in stream.origin[k]}))
        tags = frozenset({name} | ({token.event} if token.event else set()))
        out.append(Char(token.text, origin, tags))
    return out


def misread_text(text: str, name: str) -> str:
    """``text`` damaged by the mechanism ``name``."""
    return text_of(misread(traced(text), name))
