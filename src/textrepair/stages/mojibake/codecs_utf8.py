"""UTF-8 read as GBK, GB18030 or Microsoft cp936 (``新闻`` → ``鏂伴椈``).

The damaged text goes back to bytes under the decoder that read it: each
character to its cp936/GB18030 bytes (private-use characters are the
user-defined areas, ``€`` is 0x80), U+FFFD to one unknown byte (a byte the
decoder could not place and replaced), a ``?`` inside a UTF-8 character to
one unknown byte (cp936 shows a lead byte before an ASCII byte so).  A
decoder that skipped what it could not read (``errors="ignore"``) left no
mark at all: where the UTF-8 structure breaks between two characters, the
missing continuation bytes are unknown bytes too.

UTF-8 synchronises itself, so the stretches that are UTF-8 (islands) are
found from the bytes alone: a maximal run of whole UTF-8 characters that
starts and ends between two damaged characters.  Each unknown byte may be
only a byte the decoder would have rejected there (a byte that forms no
character with the byte after it), and among those the language model
chooses (:func:`codecs_judge.choose`); never a fixed rule.  The reading is
then decoded again with the decoder and must give the damaged text back
exactly, and it replaces the island only when the judge finds it clearly
better.

>>> [r[:3] for r in utf8_repairs("发布会:鏂伴椈鍙戝竷", [(0, 10)])]
[(4, 10, '新闻发布')]
>>> utf8_repairs("书收到了，速度还可以銆\ufffd", [(0, 12)])[0][2]
'。'
"""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from typing import NamedTuple

from ... import _backend
from ..._cjkcodec import encode_char
from ..._fallback.readings import FIRST, QMARK, second_byte_ok
from .codecs_judge import Reading, confidence, context, fill, judge, paragraph_after, read_before, usable
from .common import _overlaps, _trim

__all__ = ["pair_pieces", "utf8_repairs"]

HOLE = -1  # an unknown byte
END = 256  # "the next byte" after the end of the text
#: A run this long with no character outside ASCII needs no look.
_MIN_WIDE = 2


@lru_cache(maxsize=None)
def _rejects(reader: str) -> bytes:
    """``table[b * 257 + nb]`` is 1 when ``reader`` rejects byte ``b`` at
    the start of a character when ``nb`` follows (``nb`` = END: nothing)."""
    if reader == "cp936":
        return _rejects_cp936()
    # A byte an ASCII-compatible reader rejects where it starts reads as
    # U+FFFD first under "replace" (no byte alone reads so); one decode per
    # row (33,000 decodes raising an exception each took 0.1-0.3 s per reader).
    table = bytearray(256 * 257)
    for b in range(0x80, 256):
        row = b * 257
        for nb, piece in zip(range(1, 256), pair_pieces(b, range(1, 256), reader)):
            table[row + nb] = piece[:1] == "\ufffd"
        table[row] = (_BYTES[b] + b"\0").decode(reader, "replace")[0] == "\ufffd"  # NUL itself: alone
        table[row + END] = _BYTES[b].decode(reader, "replace")[0] == "\ufffd"
    return bytes(table)


_BYTES = [bytes((b,)) for b in range(256)]


def pair_pieces(lead: int, trails: range, codec: str) -> list[str]:
    """What ``codec`` reads (``errors="replace"``) from each pair ``lead``,
    trail, read alone, in one decode: each pair is followed by a NUL, which
    no decoder takes for a trail (``trails`` must not hold 0).

    >>> pair_pieces(0xB0, range(0x40, 0x43), "gbk"), pair_pieces(0xA1, range(0x40, 0x42), "gbk")
    (['癅', '癆', '癇'], ['\ufffd@', '\ufffdA'])
    """
    lead_byte = _BYTES[lead]
    data = b"".join(lead_byte + _BYTES[t] + b"\0" for t in trails)
    return data.decode(codec, "replace").split("\0")[:len(trails)]


def _rejects_cp936() -> bytes:
    """:func:`_rejects` of Microsoft's cp936 (its own table: ASCII and 0x80
    stand alone, 0xFF never does, a lead byte needs a trail it pairs with)."""
    from ..._cjkcodec import decode_pair

    table = bytearray(256 * 257)
    for b in range(0x81, 0xFF):
        row = b * 257
        for nb in range(256):
            table[row + nb] = decode_pair(b, nb) is None
        table[row + END] = 1
    table[0xFF * 257:0x100 * 257] = b"\x01" * 257
    return bytes(table)


def _char_bytes(ch: str, euro: tuple[int, ...] = (0x80,)) -> tuple[int, ...] | None:
    """The bytes a GBK-family decoder read as ``ch`` (U+FFFD: one unknown
    byte; ``€``: ``euro``, 0x80 in cp936, A2 E3 in GBK and GB18030)."""
    if ch == "\ufffd":
        return (HOLE,)
    if ch == "\u20ac":
        return euro
    raw = encode_char(ch)
    if raw is None:
        try:
            raw = ch.encode("gb18030")
        except UnicodeEncodeError:
            return None
    return tuple(raw)


class _Tokens(dict):
    """Per character, :func:`_char_bytes` (for one ``euro``), and in
    ``quick`` the bytes the quick look sees (an unknown byte as 0x80, a
    character with no bytes as 0x00)."""

    def __init__(self, euro: tuple[int, ...]) -> None:
        super().__init__()
        self.euro = euro
        self.quick = _Quick(self)
        self.codes = _Codes(self)
        self.plain_codes = _Codes(self, qmarks=False)  # ``?`` read as itself only

    def __missing__(self, ch: str):
        tok = self[ch] = _char_bytes(ch, self.euro)
        return tok


class _Codes(dict):
    """Per character, its bytes packed as ``_backend.impl.utf8_islands`` reads them."""

    def __init__(self, tokens: _Tokens, qmarks: bool = True) -> None:
        super().__init__()
        self.tokens = tokens
        self.qmarks = qmarks

    def __missing__(self, ch: str) -> bytes:
        t = self.tokens[ch]
        q = QMARK if ch == "?" and self.qmarks else 0
        packed = [FIRST | q] if t is None else [(b + 2) | (FIRST if i == 0 else 0) | q for i, b in enumerate(t)]
        raw = self[ch] = array("H", packed).tobytes()
        return raw


class _Quick(dict):
    def __init__(self, tokens: _Tokens) -> None:
        super().__init__()
        self.tokens = tokens

    def __missing__(self, ch: str) -> bytes:
        t = self.tokens[ch]
        raw = self[ch] = bytes(0x80 if b == HOLE else b for b in t) if t else b"\x00"
        return raw


_TOKENS: dict = {}


def _token_table(euro: tuple[int, ...]) -> _Tokens:
    table = _TOKENS.get(euro)
    if table is None:
        table = _TOKENS[euro] = _Tokens(euro)
    return table


class Island(NamedTuple):
    """Damaged characters ``[first, last)`` of a window and the UTF-8
    characters their bytes spell: each a tuple of bytes, HOLE for unknown,
    with for each unknown byte the byte after it (for the decoder's rule)."""

    first: int
    last: int
    chars: tuple[tuple[int, ...], ...]
    holes: int
    inserted: int  # unknown bytes the decoder dropped with no mark
    qmarks: int  # ``?`` read as an unknown byte


def _flatten(tokens: list[tuple[int, ...] | None]):
    """Bytes of the tokens with, per byte, its token and whether it starts one."""
    flat: list[int] = []
    owner: list[int] = []
    first: list[bool] = []
    for k, tok in enumerate(tokens):
        if tok is None:
            flat.append(-2)  # no byte at all: breaks every island
            owner.append(k)
            first.append(True)
            continue
        for i, b in enumerate(tok):
            flat.append(b)
            owner.append(k)
            first.append(i == 0)
    return flat, owner, first


def _islands(tokens: list[tuple[int, ...] | None], qmark: list[bool], lost: bool) -> list[Island]:
    """The UTF-8 islands of the tokens, greedily from the left."""
    flat, owner, first = _flatten(tokens)
    n = len(flat)
    out: list[Island] = []
    pos = 0
    while pos < n:
        if not first[pos] or flat[pos] < 0 or 0x80 <= flat[pos] < 0xC2 or flat[pos] > 0xF0:
            pos += 1
            continue
        end, island = _parse(flat, owner, first, qmark, pos, lost)
        if island is not None:
            out.append(island)
        pos = max(end, pos + 1)
    return out


class _PerChar:
    """``f`` of each character of ``text``, computed for what is asked
    (an index, or a slice: a list)."""

    def __init__(self, text: str, f) -> None:
        self.text, self.f = text, f

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return list(map(self.f, self.text[k]))
        return self.f(self.text[k])


def _islands_at(window: str, tokens, qmark, lost: bool, table: _Tokens) -> list[Island]:
    """:func:`_islands`, where the backend's scan of the bytes
    (``utf8_islands``, the same walk without the characters) says they are;
    each read again from its own characters: an island ends where the walk
    stopped at a cut between two characters, so its bytes alone give it."""
    return _islands_at_codes(b"".join(map(table.codes.__getitem__, window)), tokens, qmark, lost)


def _one_decoder(window: str, islands: list[Island], tokens, table: _Tokens) -> list[Island]:
    """``islands`` where none reads a ``?`` as a lost byte and also takes
    bytes the decoder dropped with no mark: no decoder does both (one shows
    a lead byte it cannot pair as ``?``, another drops it), so such an
    island is read again with every ``?`` as itself (发力?谢谢 read with
    errors="ignore": the byte of 力 before ``?`` was dropped, and ``?`` is
    the question mark).

    >>> t = _token_table((0x80,))
    >>> w = "闈㈠彂鍔?璋㈣阿銆"
    >>> mixed = _islands_at(w, _PerChar(w, t.__getitem__), _PerChar(w, "?".__eq__), True, t)
    >>> [(i.qmarks, i.inserted) for i in mixed], [(i.qmarks, i.inserted) for i in _one_decoder(w, mixed, _PerChar(w, t.__getitem__), t)]
    ([(1, 1)], [(0, 2)])
    """
    mixed = [(i.first, i.last) for i in islands if i.qmarks and i.inserted]
    if not mixed:
        return islands
    plain = _islands_at_codes(b"".join(map(table.plain_codes.__getitem__, window)), tokens,
                              _PerChar(window, _never), True)
    return sorted([i for i in islands if not (i.qmarks and i.inserted)]
                  + [i for i in plain if _overlaps(mixed, i.first, i.last)])


def _never(_ch: str) -> bool:
    return False


def _islands_at_codes(codes: bytes, tokens, qmark, lost: bool) -> list[Island]:
    out = []
    for first_tok, last_tok in _backend.impl.utf8_islands(codes, lost):
        flat, owner, first = _flatten(tokens[first_tok:last_tok])
        _end, island = _parse(flat, owner, first, qmark[first_tok:last_tok], 0, lost)
        out.append(island._replace(first=island.first + first_tok, last=island.last + first_tok))
    return out


def _parse(flat, owner, first, qmark, pos: int, lost: bool) -> tuple[int, Island | None]:
    """The longest island from byte ``pos``: (where parsing stopped, island).

    With ``lost``, a UTF-8 character that runs short is completed with
    unknown bytes at the last cut between two damaged characters inside it
    (the decoder dropped whole bytes there, never part of a token)."""
    n = len(flat)
    chars: list[tuple[int, ...]] = []
    cur: list[int] = []
    cut = -1  # where in ``cur`` a damaged character started, if anywhere but at 0
    need = 0
    holes = inserted = qmarks = 0
    good = (pos, 0, 0, 0, 0)  # (byte, chars, holes, inserted, qmarks) at the last clean cut
    j = pos
    while j < n:
        b = flat[j]
        if need == 0:
            if first[j]:
                good = (j, len(chars), holes, inserted, qmarks)
            if b == -2 or b == HOLE:
                break
            if b < 0x80:
                chars.append((b,))
                j += 1
                continue
            if 0xC2 <= b <= 0xDF:
                need = 1
            elif 0xE0 <= b <= 0xEF:
                need = 2
            elif b == 0xF0:
                need = 3  # F1-F4 lead planes 4-16: no text there
            else:
                break
            cur = [b]
            cut = -1
            j += 1
            continue
        if b == HOLE or (0x80 <= b <= 0xBF and (len(cur) > 1 or second_byte_ok(cur[0], b))):
            if first[j]:
                cut = len(cur)
            cur.append(b)
            holes += b == HOLE
        elif b == 0x3F and qmark[owner[j]]:
            cut = len(cur)
            cur.append(HOLE)  # cp936's ``?`` for a lead byte before an ASCII byte
            holes += 1
            qmarks += 1
        elif lost and need <= 2 and (first[j] or cut > 0):
            at = len(cur) if first[j] else cut
            cur[at:at] = [HOLE] * need  # bytes the decoder skipped
            holes += need
            inserted += need
            need = 0
            chars.append(tuple(cur))
            cur = []
            continue
        else:
            break
        j += 1
        need -= 1
        if need == 0:
            chars.append(tuple(cur))
            cur = []
    else:
        if need and lost and need <= 2:
            cur.extend([HOLE] * need)
            holes += need
            inserted += need
            chars.append(tuple(cur))
            need = 0
        if need == 0:
            good = (n, len(chars), holes, inserted, qmarks)
    end, count, holes, inserted, qmarks = good
    kept = tuple(chars[:count])
    wide = sum(len(c) > 1 for c in kept)
    if wide < _MIN_WIDE and not (wide and holes > inserted):
        return end, None  # one character alone only with a mark of damage (U+FFFD, ``?``)
    last = owner[end - 1] + 1
    return end, Island(owner[pos], last, kept, holes, inserted, qmarks)


def _candidates(char: tuple[int, ...], after: int, reader: str) -> list[str]:
    """Every character the UTF-8 bytes ``char`` may spell, each unknown byte
    one the decoder would have rejected before the byte that follows it
    (``after``: the byte after the character, END at the end).

    >>> "一" in _candidates((0xE4, 0xB8, HOLE), 0xE5, "gbk"), "中" in _candidates((0xE4, 0xB8, HOLE), 0xE5, "gbk")
    (True, True)
    >>> "中" in _candidates((0xE4, 0xB8, HOLE), 0xE5, "gb18030")  # AD E5 is a character in GB18030
    False
    """
    key = (char, after, reader)
    found = _CANDIDATES.get(key)
    if found is None:
        found = _candidates_of(char, after, reader)
        if len(_CANDIDATES) < 1 << 14:
            _CANDIDATES[key] = found
    return list(found)


#: :func:`_candidates` met before (a pure function of its arguments).
_CANDIDATES: dict = {}


def _candidates_of(char: tuple[int, ...], after: int, reader: str) -> tuple[str, ...]:
    rejects = _rejects(reader)
    holes = [i for i, b in enumerate(char) if b == HOLE]
    if len(holes) > 2:
        return ()
    ranges = [range(0x80, 0xC0) if i else range(0xC2, 0xF1) for i in holes]
    seq = list(char) + [after]
    out = []
    if len(holes) == 2:
        # The first unknown byte's own rule, when the byte after it is known,
        # is checked once per value rather than once per pair.
        first, second = holes
        ahead = first + 1 != second
        for x in ranges[0]:
            seq[first] = x
            if ahead and not rejects[x * 257 + seq[first + 1]]:
                continue
            for y in ranges[1]:
                seq[second] = y
                if not (rejects[seq[second] * 257 + seq[second + 1]] and rejects[x * 257 + seq[first + 1]]):
                    continue
                _add_read(seq, out)
        return tuple(out)
    for filling in _product(ranges):
        for i, x in zip(holes, filling):
            seq[i] = x
        if not all(rejects[seq[i] * 257 + seq[i + 1]] for i in holes):
            continue
        _add_read(seq, out)
    return tuple(out)


def _add_read(seq: list[int], out: list[str]) -> None:
    """The character the bytes of ``seq`` (but its last, the byte after) spell, if one and usable."""
    try:
        ch = bytes(seq[:-1]).decode("utf-8")
    except UnicodeDecodeError:
        return
    if len(ch) == 1 and usable(ch):
        out.append(ch)


def _product(ranges):
    if not ranges:
        yield ()
        return
    for x in ranges[0]:
        for rest in _product(ranges[1:]):
            yield (x,) + rest


def _next_byte(chars, k: int, tail: int) -> int:
    return chars[k + 1][0] if k + 1 < len(chars) else tail


_PUA = re.compile("[\ue000-\uf8ff]")


def _reader(window: str, island: Island) -> str:
    """The decoder whose rejects constrain the island's unknown bytes: cp936
    where a ``?`` stood for a byte; GB18030 where private-use characters show
    its user-defined areas (it rejects fewer bytes than GBK: AD E5 is a
    character to it, so 中 cannot hide behind ``涓�`` there); else GBK,
    which rejects the most (the widest choice)."""
    if island.qmarks:
        return "cp936"
    if _PUA.search(window) and "\ufffd" in window:
        return "gb18030"
    return "gbk"


def _read(island: Island, reader: str, tail: int, outside: tuple[str, str] = ("", ""),
          final: bool = False, para: str = "", para_after: str = "") -> tuple[str, float] | None:
    """The island's reading with each unknown byte chosen by the model, and
    the product of the choices' posteriors."""
    slots: list = []
    for k, char in enumerate(island.chars):
        if HOLE not in char:
            slots.append(bytes(char).decode("utf-8", "replace"))
            continue
        found = _candidates(char, _next_byte(island.chars, k, tail), reader)
        if not found:
            return None
        slots.append(found)
    return fill(slots, outside, final, para, para_after=para_after)


_DECODERS = {"gbk": ("gbk", "replace"), "gb18030": ("gb18030", "replace"), "lost": ("gbk", "ignore")}


def _redecode(reading: str, reader: str) -> str:
    data = reading.encode("utf-8")
    if reader == "cp936":
        return _cp936_read(data)
    codec, errors = _DECODERS[reader]
    return data.decode(codec, errors)


def _cp936_read(data: bytes) -> str:
    """Microsoft cp936 as Windows reads it: a lead byte it cannot pair shows as ``?``."""
    from ..._cjkcodec import decode_pair

    out = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
        elif b == 0x80:
            out.append("\u20ac")
            i += 1
        else:
            ch = decode_pair(b, data[i + 1]) if i + 1 < n else None
            if ch is None:
                out.append("?")
                i += 1
            else:
                out.append(ch)
                i += 2
    return "".join(out)


def _too_many(island: Island) -> bool:
    """Whether the island guesses more than one byte for every two it found
    (then it is not this mechanism: a few UTF-8-like pairs among other text)."""
    return island.holes * 2 > sum(len(c) for c in island.chars) - island.holes


def _kind(island: Island, reader: str, damaged: str) -> str:
    if reader == "cp936":
        return "utf8-as-cp936"
    if island.inserted:
        return "utf8-as-gbk-lost"
    if re.search("[\ue000-\uf8ff]", damaged):
        return "utf8-as-gb18030"
    return "utf8-as-gbk"


def _verify(reading: str, damaged: str, island: Island) -> str | None:
    """The decoder that turns the reading back into the damaged text, or None."""
    for reader in ("gbk", "gb18030", "cp936", "lost"):
        if _redecode(reading, reader) == damaged:
            return reader
    return None


def utf8_repairs(text: str, windows, taken=(), read=()) -> list[Reading]:
    """UTF-8 read by a GBK-family decoder, in ``windows`` (spans of ``text``,
    in order); ``read``: readings of ``text`` before them, for context."""
    found = list(read)
    for w_start, w_end in windows:
        found += _window(text, w_start, w_end, taken, found)
    return found[len(read):]


#: Two UTF-8 sequences, in a row or a few printable ASCII characters apart:
#: a date loses one byte of each of 年, 月 and 日 to the digit after it
#: (``2023骞�12鏈�5鏃�``), so no two sequences touch.
_MAYBE_UTF8 = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+[\x20-\x7e]{0,8}[\xc2-\xf4][\x80-\xbf]+")


def _window(text: str, w_start: int, w_end: int, taken, read=()) -> list[Reading]:
    window = text[w_start:w_end]
    found = _window_as(text, w_start, w_end, taken, (0x80,), read)
    if "\u20ac" in window:  # € is 0x80 to cp936 but A2 E3 to GBK: the reading that covers more
        other = _window_as(text, w_start, w_end, taken, (0xA2, 0xE3), read)
        if sum(r.end - r.start for r in other) > sum(r.end - r.start for r in found):
            found = other
    return found


def _window_as(text: str, w_start: int, w_end: int, taken, euro: tuple[int, ...], prior=()) -> list[Reading]:
    window = text[w_start:w_end]
    table = _token_table(euro)
    # A quick look at the bytes first: two UTF-8 sequences in a row, or none.
    quick = b"".join(map(table.quick.__getitem__, window))
    if not _MAYBE_UTF8.search(quick):
        return []
    tokens = _PerChar(window, table.__getitem__)  # read only where an island is
    qmark = _PerChar(window, "?".__eq__)
    lost = "\ufffd" not in window
    out: list[Reading] = []
    islands = _islands_at(window, tokens, qmark, lost, table)
    if lost:
        islands = _one_decoder(window, islands, tokens, table)
    for island in islands:
        start, end = w_start + island.first, w_start + island.last
        if _overlaps(taken, start, end):
            continue
        damaged = text[start:end]
        if island.inserted and _too_many(island):
            continue  # more bytes guessed than found: not this mechanism
        reader = _reader(window, island)
        tail_char = tokens[island.last] if island.last < len(tokens) else None
        tail = tail_char[0] if tail_char and tail_char[0] != HOLE else END
        final = end == len(text) or text[end] == "\n"
        para = read_before(text, start, [*prior, *out])
        read = _read(island, reader, tail, context(text, start, end), final, para, paragraph_after(text, end))
        if read is None:
            continue
        reading, choices = read
        verified = _verify(reading, damaged, island)
        if verified is None:
            continue
        gain = judge(text, start, end, reading)
        if gain is None:
            continue
        kind = _kind(island, verified, damaged)
        lo, hi = _trim(damaged, reading)
        out.append(Reading(start + lo, end - hi, reading[lo:len(reading) - hi], confidence(gain, choices), kind, gain))
    return out
