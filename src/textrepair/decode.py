"""Decode the bytes of a scraped page: any encoding, even several in one document.

:func:`decode` tries, in order:

1. an explicit ``encoding=`` (a UTF-8 BOM is still removed for UTF-8);
2. a byte order mark (UTF-8, UTF-16, UTF-32);
3. strict UTF-8, the fast path: Python's decoder validates as it decodes;
4. GB18030 (reported as ``gbk`` when GBK suffices) and Big5-HKSCS (``big5``
   when plain Big5 suffices).  Each candidate decoding of the lines that are
   not UTF-8 is scored with the character model of the mojibake stage
   (:func:`plausibility`); the best wins if its score reaches the threshold
   measured by ``data/build_decode_model.py``.  A 200-byte slice holds enough
   characters for the model, where byte-statistics detectors still guess;
5. documents mixing UTF-8 and a legacy encoding (a GBK paragraph pasted into
   a UTF-8 page, or the reverse) are decoded line by line, each line with the
   candidate that decodes it and reads best, and a line that no single codec
   decodes is split at its runs of valid UTF-8;
6. bytes with no sign of UTF-8 that read as no Chinese go to charset-normalizer,
   whose answer counts only when it is a common code page (:data:`COMMON`)
   and, for a single-byte one, its non-ASCII characters are letters inside words;
   text that is valid UTF-8 except for a few stray bytes (:func:`stray_bytes`)
   stays UTF-8 with U+FFFD unless a CJK codec reads it better (the character
   model reads two or more characters of it as Chinese): for a few bytes,
   charset-normalizer proposes whatever code page maps them to something.

Undecodable bytes never vanish: with ``errors="strict"`` a
:class:`UnicodeDecodeError` carries their offset in ``data``; by default each
becomes U+FFFD and :meth:`Decoded.edits` reports it (kind ``"undecodable"``).

>>> d = decode("數據要素市場".encode("big5"))
>>> d.text, d.encoding
('數據要素市場', 'big5')
>>> page = "標題\\n".encode() + "数据要素\\n".encode("gbk")
>>> d = decode(page)
>>> d.text, d.encoding
('標題\\n数据要素\\n', 'utf-8+gbk')
>>> decode("數據".encode() + b"\\xff", errors="replace").edits()[0].after
'\\ufffd'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .edits import Edit

__all__ = ["Decoded", "decode", "plausibility", "plausibility_and_count", "reads_as_chinese", "KIND"]

#: Edit kind of an undecodable byte replaced by U+FFFD.
KIND = "undecodable"
ERRORS = ("strict", "replace")

MODEL = Path(__file__).resolve().parent / "data" / "decode_model.txt"

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
#: Legacy candidates, each with the narrower codec it is reported as when that suffices.
LEGACY = (("gb18030", "gbk"), ("big5hkscs", "big5"))
#: Characters the plausibility score reads at most (enough to choose a codec).
SAMPLE_CHARS = 4000
_ESCAPE = "textrepair.escape"
#: Undecodable bytes that count as "a few stray bytes" in UTF-8 text: at most
#: this many, or this share of the bytes, whichever is more.
STRAY_BYTES = 2
STRAY_SHARE = 0.01
#: Multi-byte codecs charset-normalizer may name: Chinese, Japanese, Korean, UTF-16/32.
MULTIBYTE = frozenset(
    ["gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp",
     "euc_jis_2004", "shift_jis_2004", "iso2022_jp", "euc_kr", "cp949", "iso2022_kr"]
    + ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
#: charset-normalizer answers that are taken: the multi-byte codecs, and the
#: code pages text is commonly written in (Windows and ISO Latin, Cyrillic,
#: Greek, Turkish, Hebrew, Arabic, Baltic, Vietnamese, Thai).  Others (cp1006,
#: cp775, cp850, Mac code pages, ...) are what it proposes for stray bytes,
#: not a reading of the text.
COMMON = MULTIBYTE | frozenset(
    [f"cp{n}" for n in range(1250, 1259)] + [f"iso8859-{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 13, 15, 16)]
    + ["koi8-r", "koi8-u", "cp874", "tis-620"]
)
_ESCAPED = re.compile("[\udc00-\udcff]+")


def _escape(exc: UnicodeError) -> tuple[str, int]:
    """Error handler: the first bad byte becomes U+DC00 + byte (as
    ``surrogateescape`` writes bytes >= 0x80), and decoding resumes after it."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return chr(0xDC00 + exc.object[exc.start]), exc.start + 1


codecs.register_error(_ESCAPE, _escape)


@dataclass(frozen=True)
class Decoded:
    """The result of :func:`decode`.

    ``source`` is the decoded text with each undecodable byte ``b`` kept as
    the lone surrogate ``U+DC00 + b``; :attr:`text` has U+FFFD there instead.
    ``segments`` lists ``(start, end, codec)`` byte spans of ``data``.

    >>> d = decode("數據".encode() + b"\\xff")
    >>> d.text, d.replaced, d.segments
    ('數據\\ufffd', 1, ((0, 7, 'utf-8'),))
    """

    source: str
    encoding: str
    segments: tuple[tuple[int, int, str], ...]

    @property
    def text(self) -> str:
        """The text, undecodable bytes replaced by U+FFFD."""
        if not self.replaced:
            return self.source
        return _ESCAPED.sub(lambda m: "\ufffd" * len(m.group()), self.source)

    @property
    def replaced(self) -> int:
        """How many undecodable bytes became U+FFFD."""
        return sum(len(m.group()) for m in _ESCAPED.finditer(self.source)) if _has_escape(self.source) else 0

    def edits(self) -> list[Edit]:
        """One ``"undecodable"`` edit per run of undecodable bytes, in offsets
        of :attr:`source` (and of :attr:`text`: each byte is one code point)."""
        return [
            Edit(KIND, m.start(), m.end(), m.group(), "\ufffd" * len(m.group()), 1.0)
            for m in _ESCAPED.finditer(self.source)
        ]


def _has_escape(text: str) -> bool:
    return _ESCAPED.search(text) is not None


#: Lower bounds of the buckets of non-ASCII character counts that the
#: thresholds are measured for (a mean over few characters varies more).
BUCKETS = (1, 2, 4, 8, 16, 32, 64)


def bucket(count: int) -> int:
    """The bucket of a count of scored characters.

    >>> bucket(1), bucket(5), bucket(1000)
    (1, 4, 64)
    """
    return max(b for b in BUCKETS if b <= max(count, 1))


@lru_cache(maxsize=1)
def _thresholds() -> dict[int, float]:
    table = {}
    for line in MODEL.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            low, cut = line.split("\t")[:2]
            table[int(low)] = float(cut)
    return table


def threshold(count: int) -> float:
    """The measured plausibility below which a decoding with ``count``
    non-ASCII characters is not Chinese text."""
    return _thresholds()[bucket(count)]


def _han(ch: str) -> bool:
    cp = ord(ch)
    return 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF


def plausibility_and_count(text: str) -> tuple[float, int]:
    """Mean log-probability of the characters of ``text`` the model speaks
    for (each given the character before it; the first ``SAMPLE_CHARS``
    characters), and how many there were.

    Scored are Han characters (one the model never saw is rare indeed) and
    other non-ASCII characters the model knows.  Other characters (pinyin
    letters, Greek, kana) are outside a Chinese news model, so they are
    skipped; a text of nothing else scores as an unseen character.

    >>> plausibility_and_count("数据 data ù")[1]
    2
    """
    from ._cjkcodec import char_model, fold

    model = char_model()
    total = 0.0
    count = 0
    skipped = 0
    prev = ""
    for ch in text[:SAMPLE_CHARS]:
        folded = fold(ch)
        if ch >= "\x80":
            if _han(ch) or folded in model.uni:
                total += model.logp(prev, folded)
                count += 1
            else:
                skipped += 1
        prev = folded
    if not count:
        return (model.logp("", "\udc80") if skipped else 0.0), skipped
    return total / count, count


def plausibility(text: str) -> float:
    """The mean of :func:`plausibility_and_count`.

    >>> plausibility("数据要素") > plausibility("鏁版嵁瑕佺礌")
    True
    """
    return plausibility_and_count(text)[0]


def reads_as_chinese(text: str) -> bool:
    """True when ``text`` scores at least the measured threshold for its length.

    >>> reads_as_chinese("数据要素市场"), reads_as_chinese("鏁版嵁瑕佺礌")
    (True, False)
    """
    score, count = plausibility_and_count(text)
    return count == 0 or score >= threshold(count)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _lines(data: bytes) -> list[tuple[int, int]]:
    """Byte spans of the lines of ``data``, each with its ``\\n``."""
    spans = []
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        spans.append((start, end))
        start = end
    return spans


def _utf8_length(data: bytes, i: int) -> int:
    """Length of the valid UTF-8 multi-byte sequence at ``data[i]``, or 0."""
    b = data[i]
    size = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
    if size and _strict(data[i : i + size], "utf-8") is not None:
        return size
    return 0


def _truncated_utf8(line: bytes) -> bool:
    """True when ``line`` ends (before its line break) in the first bytes of a
    UTF-8 sequence, lead and at least one continuation: a page cut mid-character.

    >>> _truncated_utf8("数".encode()[:2] + b"\\n"), _truncated_utf8(b"\\xd6\\xd0")
    (True, False)
    """
    body = line.rstrip(b"\r\n")
    for size in (2, 3):
        tail = body[-size:]
        if len(tail) == size and tail[0] >= 0xE0 and all(0x80 <= b <= 0xBF for b in tail[1:]):
            expected = 3 if tail[0] < 0xF0 else 4
            if size < expected:
                try:
                    codecs.getincrementaldecoder("utf-8")().decode(tail, final=False)
                except UnicodeDecodeError:
                    continue
                return True
    return False


def _utf8_evidence(data: bytes, lines: list[tuple[int, int]]) -> bool:
    """True when the bytes look like UTF-8 that went wrong: two valid
    multi-byte sequences in a row somewhere, or a line cut mid-character."""
    i, n = 0, len(data)
    in_row = 0
    while i < n:
        if data[i] < 0x80:
            i += 1
            continue
        size = _utf8_length(data, i)
        if size:
            in_row += 1
            if in_row >= 2:
                return True
            i += size
        else:
            in_row = 0
            i += 1
    return any(_truncated_utf8(data[s:e]) for s, e in lines)


def stray_bytes(data: bytes) -> bool:
    """True when ``data`` is UTF-8 but for a few undecodable bytes: at most
    :data:`STRAY_BYTES` of them, or :data:`STRAY_SHARE` of all bytes.

    >>> stray_bytes(b"plain ASCII text with one stray byte \\xff here"), stray_bytes("Gr\\xf6\\xdfe".encode("latin-1"))
    (True, False)
    >>> stray_bytes(("log line " * 40 + "\\n").encode() * 10 + b"\\x81\\xfe\\xa0\\xe9\\xff")
    True
    """
    bad = len(data.decode("utf-8", _ESCAPE)) - len(data.decode("utf-8", "ignore"))
    return bad <= max(STRAY_BYTES, STRAY_SHARE * len(data)) and bad * 4 < len(data)


def _best_legacy(data: bytes, lines: list[tuple[int, int]], least: int = 1) -> str | None:
    """The legacy codec whose decoding of the non-UTF-8 lines reads best, if
    it reads as Chinese at all, over at least ``least`` characters."""
    # The lines that are not UTF-8, without their runs of valid UTF-8 (a
    # paragraph may mix both).
    pieces = []
    for s, e in lines:
        if _strict(data[s:e], "utf-8") is None:
            pieces.extend(data[a:b] for a, b, codec in _split_mixed(data[s:e], s, "") if codec == "")
    sample = b"\n".join(pieces)
    best, best_score, best_count = None, float("-inf"), 0
    for codec, _narrow in LEGACY:
        score, count = plausibility_and_count(sample.decode(codec, _ESCAPE))
        if score > best_score:
            best, best_score, best_count = codec, score, count
    return best if best_count >= least and best_score >= threshold(best_count) else None


def _split_mixed(line: bytes, offset: int, legacy: str) -> list[tuple[int, int, str]]:
    """A line neither codec decodes whole: runs of valid UTF-8 (ASCII between
    allowed) holding two or more three- or four-byte characters are UTF-8,
    the rest legacy.  (Two-byte sequences, which GBK pairs often form by
    chance, may extend a run but never start or make one.)

    >>> line = "標題:".encode() + "数据局".encode("gbk") + "推進".encode()
    >>> [(s, e, c) for s, e, c in _split_mixed(line, 0, "gb18030")]
    [(0, 7, 'utf-8'), (7, 13, 'gb18030'), (13, 19, 'utf-8')]
    """
    pieces: list[tuple[int, int, str]] = []
    i, n = 0, len(line)
    run_start, run_chars, last = -1, 0, 0
    while i <= n:
        size = _utf8_length(line, i) if i < n and line[i] >= 0x80 else 0
        if size >= 3 or (size and run_start >= 0):
            if run_start < 0:
                run_start, run_chars = i, 0
            run_chars += size >= 3
            i += size
            continue
        if i < n and line[i] < 0x80:
            i += 1
            continue
        # A byte that is not UTF-8 (or the end): close the run.
        if run_start >= 0 and run_chars >= 2:
            if run_start > last:
                pieces.append((offset + last, offset + run_start, legacy))
            pieces.append((offset + run_start, offset + i, "utf-8"))
            last = i
        run_start = -1
        i += 1
    if last < n:
        pieces.append((offset + last, offset + n, legacy))
    return pieces


def _line_segments(line: bytes, offset: int, legacy: str) -> list[tuple[int, int, str]]:
    """The codec(s) of one line of a document that is not all UTF-8."""
    as_utf8 = _strict(line, "utf-8")
    as_legacy = _strict(line, legacy)
    end = offset + len(line)
    if as_utf8 is not None and (as_legacy is None or plausibility(as_utf8) >= plausibility(as_legacy)):
        return [(offset, end, "utf-8")]
    if as_legacy is not None:
        return [(offset, end, legacy)]
    return _split_mixed(line, offset, legacy)


def _merge(data: bytes, segments: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join neighbours of one codec; all-ASCII spans join the codec before them."""
    merged: list[list] = []
    for start, end, codec in segments:
        if merged and (merged[-1][2] == codec or data[start:end].isascii()):
            merged[-1][1] = end
        elif merged and data[merged[-1][0] : merged[-1][1]].isascii():
            merged[-1][1:] = [end, codec]
        else:
            merged.append([start, end, codec])
    return [(s, e, c) for s, e, c in merged]


def _charset_normalizer(data: bytes) -> str | None:
    """charset-normalizer's best guess, or None.  Without NUL bytes only
    ASCII-compatible guesses count: for short noise it proposes UTF-16 and
    EBCDIC, while scraped text without NULs is ASCII-compatible (real UTF-16
    without a BOM has NULs, its ASCII half).

    >>> _charset_normalizer("Größe, café, naïve: Übergrößenträger".encode("cp1252")) in ("cp1252", "cp1250", "latin-1", "iso8859-1")
    True
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    if b"\x00" not in data and not _ascii_compatible(name):
        return None
    if name not in COMMON or (name not in MULTIBYTE and not _reads_as_words(data.decode(name, "replace"))):
        return None
    return name


def _reads_as_words(text: str) -> bool:
    """True when at least three quarters of the non-ASCII characters are
    letters inside words (a letter beside them), as a single-byte code page
    gives for text written in it; stray bytes decode to whatever is there.

    >>> _reads_as_words("Größe und Straße"), _reads_as_words("2024-01-01 ¤ ok ÿ")
    (True, False)
    """
    letters = others = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        inside = ch.isalpha() and ((i and text[i - 1].isalpha()) or text[i + 1 : i + 2].isalpha())
        letters += bool(inside)
        others += not inside
    return letters >= 3 * others


def _ascii_compatible(codec: str) -> bool:
    """True when printable ASCII bytes decode as themselves.

    >>> _ascii_compatible("cp1252"), _ascii_compatible("cp037"), _ascii_compatible("utf-16-le")
    (True, False, False)
    """
    printable = bytes(range(0x20, 0x7F))
    try:
        return printable.decode(codec) == printable.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _detect(data: bytes) -> list[tuple[int, int, str]]:
    """Byte spans and their codecs, for data that is not valid UTF-8."""
    lines = _lines(data)
    stray = stray_bytes(data)
    # One character read as Chinese does not outweigh UTF-8 with a stray byte.
    legacy = _best_legacy(data, lines, least=2 if stray else 1)
    if legacy is None:
        if not stray and not _utf8_evidence(data, lines):
            other = _charset_normalizer(data)
            if other is not None:
                return [(0, len(data), other)]
        return [(0, len(data), "utf-8")]
    segments: list[tuple[int, int, str]] = []
    for start, end in lines:
        segments.extend(_line_segments(data[start:end], start, legacy))
    return _merge(data, segments)


def _narrow(data: bytes, codec: str) -> str:
    """The name to report: ``gbk``/``big5`` when the narrower codec decodes too."""
    for wide, narrow in LEGACY:
        if codec == wide and _strict(data, narrow) is not None:
            return narrow
    return codec


def _assemble(data: bytes, segments: list[tuple[int, int, str]], errors: str) -> Decoded:
    parts = []
    named: list[tuple[int, int, str]] = []
    for start, end, codec in segments:
        chunk = data[start:end]
        if errors == "strict":
            try:
                parts.append(chunk.decode(codec))
            except UnicodeDecodeError as exc:
                raise UnicodeDecodeError(exc.encoding, data, start + exc.start, start + exc.end, exc.reason) from None
        else:
            parts.append(chunk.decode(codec, _ESCAPE))
        named.append((start, end, _narrow(chunk, codec)))
    names: list[str] = []
    for _s, _e, name in named:
        if name not in names:
            names.append(name)
    return Decoded("".join(parts), "+".join(names) or "utf-8", tuple(named))


def _bom(data: bytes) -> tuple[int, str] | None:
    for mark, codec in BOMS:
        if data.startswith(mark):
            return len(mark), codec
    return None


def decode(data: bytes, encoding: str | None = None, errors: str = "replace") -> Decoded:
    """Decode ``data``; ``encoding=None`` detects it (see the module docstring).

    >>> decode("乾淨".encode("gbk"), encoding="gbk").text
    '乾淨'
    >>> decode(b"\\xef\\xbb\\xbfabc").text
    'abc'
    >>> decode("數據".encode()[:5] + b"\\n", errors="strict")
    Traceback (most recent call last):
    ...
    UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 3-4: invalid continuation byte
    """
    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {', '.join(ERRORS)}; got {errors!r}")
    data = bytes(data)
    if encoding is not None:
        codec = codecs.lookup(encoding).name
        skip = 3 if codec == "utf-8" and data.startswith(BOMS[2][0]) else 0
        return _assemble(data, [(skip, len(data), codec)], errors)
    bom = _bom(data)
    if bom is not None:
        skip, codec = bom
        return _assemble(data, [(skip, len(data), codec)], errors)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", ((0, len(data), "utf-8"),))
    except UnicodeDecodeError:
        pass
    return _assemble(data, _detect(data), errors)

