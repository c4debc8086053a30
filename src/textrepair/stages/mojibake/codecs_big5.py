"""Big5 and GBK confused: Big5 bytes read by Microsoft cp936 (``Big5-as-GBK``)
and GBK bytes read as Big5 (cp950).

Both codes write a Chinese character in two bytes, so each damaged
character goes back to the two bytes the wrong decoder read (a private-use
character is a user-defined area of cp936: Big5's punctuation row A1 falls
there, ``，`` is A1 41); a U+FFFD or a ``?`` is a byte the decoder could not
pair, unknown, and the model chooses it among every byte the right codec
allows there.  A stretch of characters from two-byte codes is read again
with the right codec; the reading replaces the longest part of it where the
model gains (each character's gain in the bigram model, the best sum over a
run: clean text beside the damage stays), and the judge must find that part
clearly better.

>>> [r[2] for r in big5_repairs("网路", [(0, 2)])]
[]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from ... import _backend
from ..._cjkcodec import encode_char
from .codecs_judge import Reading, confidence, context, fill, folded, judge, paragraph_after, read_before, usable
from ..._fallback import rare_char
from .codecs_utf8 import END, _rejects, pair_pieces
from .common import BOPOMOFO, HIRAGANA, KATAKANA, _overlaps

__all__ = ["big5_repairs", "gbk_as_big5_repairs"]

HOLE = -1
#: A run needs this many characters read again, this many of them East Asian.
_MIN_CHARS = 2
_MIN_EAST = 3
_WIDE = re.compile("[^\\x00-\\x7f\\s\u3000]")


class _Salad:
    """Rare characters or private use: what a wrong decoder leaves."""

    def search(self, text: str):
        return rare_char().search(text) or re.search("[\ue000-\uf8ff]", text)


_SALAD = _Salad()
_HAN_OR_PUA = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\ue000-\uf8ff]")
#: Three kana in a row: a Japanese word.  Big5 read as GBK makes a kana of
#: each common character whose trail byte is A1 or more (中 A4A4 is ぃ), so
#: its kana stand alone or in pairs.
_KANA_RUN = re.compile(f"[{HIRAGANA}]{{3}}|[{KATAKANA}]{{3}}")
#: Bopomofo, and two in a row: Big5 read as GBK makes one only of a
#: character whose Big5 bytes are A8C5-A8E9, so its bopomofo stand alone.
_BOPOMOFO = re.compile(f"[{BOPOMOFO}]")
_BOPOMOFO_PAIR = re.compile(f"[{BOPOMOFO}]{{2}}")
#: Runs of two-byte characters (and what a broken pair leaves: U+FFFD, ``?``).
#: An ideographic space inside one is a pair too: GBK's A1A1, which Big5
#: read as GBK makes of a character whose trail is A1 before Big5's
#: punctuation row (情， is B1A1 A141: ``票\u3000A``).
_RUN = re.compile("[^\\x00-\\x7f\\s\u3000](?:[^\\s]|\u3000)*")


def _bytes_cp936(ch: str) -> tuple[int, ...] | None:
    if ch == "\ufffd":
        return (HOLE,)
    raw = encode_char(ch)
    return tuple(raw) if raw is not None else None


def _bytes_cp950(ch: str) -> tuple[int, ...] | None:
    if ch == "\ufffd":
        return (HOLE,)
    try:
        return tuple(ch.encode("cp950"))
    except UnicodeEncodeError:
        return None


def _decode_pairs(data: list[int], codec: str, reader: str) -> list:
    """Read ``data`` (HOLE for an unknown byte) pair by pair with ``codec``:
    ``(first byte, end byte, piece)`` per character, the piece a str, or,
    where a byte is unknown, the list of characters it may be (each unknown
    byte one ``reader`` rejects before the byte after it); a pair that is
    no character gives ``(first, end, None)``."""
    out: list = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == -2:
            out.append((i, i + 1, None))
            i += 1
            continue
        if b != HOLE and b < 0x80:
            out.append((i, i + 1, chr(b)))
            i += 1
            continue
        if i + 1 >= n or data[i + 1] == -2:
            out.append((i, i + 1, None))
            i += 1
            continue
        t = data[i + 1]
        if b != HOLE and t != HOLE:
            try:
                ch = bytes((b, t)).decode(codec)
            except UnicodeDecodeError:
                ch = None
            out.append((i, i + 2, ch if ch is not None and usable(ch) else None))
        else:
            after = data[i + 2] if i + 2 < n and data[i + 2] >= 0 else END
            if t == HOLE and i + 2 < n and data[i + 2] == HOLE:
                # The byte after is unknown too: it is one the reader rejects
                # before the byte after it, and this one is rejected before it.
                after = (HOLE, data[i + 3] if i + 3 < n and data[i + 3] >= 0 else END)
            out.append((i, i + 2, _fillings(b, t, after, codec, reader) or None))
        i += 2
    return out


def _fillings(b: int, t: int, after: int | tuple[int, int], codec: str, reader: str) -> list[str]:
    """The characters ``codec`` reads from the pair ``b t`` with its unknown
    bytes filled, each unknown byte one ``reader`` rejected there: a lead
    before its trail, an unknown trail before ``after`` (the byte after the
    pair, END at the end; ``(HOLE, next)`` when that byte is unknown too and
    ``next`` follows it: the trail is then one rejected before some byte the
    reader rejects before ``next``)."""
    key = (b, t, after, codec, reader)
    found = _FILLINGS.get(key)
    if found is None:
        found = _fillings_of(b, t, after, codec, reader)
        if len(_FILLINGS) < 1 << 14:
            _FILLINGS[key] = found
    return _Fillings(found, key)


#: :func:`_fillings` met before (a pure function of its arguments).
_FILLINGS: dict = {}


class _Fillings(list):
    """A slot's candidates (a list of its own) with the ``key`` they were
    made from: the same key, the same candidates (``fill`` prunes them once
    per context)."""

    __slots__ = ("key",)

    def __init__(self, found, key: tuple) -> None:
        super().__init__(found)
        self.key = key


class _PairChars(dict):
    """Per lead byte, ``(trail, character)`` for each trail 0x40-0xFE that
    ``codec`` reads with it as one usable non-ASCII character, in trail
    order (each row made when first asked)."""

    def __init__(self, codec: str) -> None:
        super().__init__()
        self.codec = codec

    def __missing__(self, x: int) -> tuple[tuple[int, str], ...]:
        row = []
        for y, piece in zip(_TRAILS, pair_pieces(x, _TRAILS, self.codec)):
            if len(piece) == 1 and piece != "\ufffd" and usable(piece) and not piece.isascii():
                row.append((y, piece))
        found = self[x] = tuple(row)
        return found


#: The trail bytes of a row.
_TRAILS = range(0x40, 0xFF)


@lru_cache(maxsize=None)
def _pair_chars(codec: str) -> _PairChars:
    return _PairChars(codec)


def _pair_char(x: int, y: int, codec: str) -> str | None:
    try:
        ch = bytes((x, y)).decode(codec)
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 and usable(ch) and not ch.isascii() else None


def _fillings_of(b: int, t: int, after: int | tuple[int, int], codec: str, reader: str) -> tuple[str, ...]:
    rejects = _rejects(reader)
    leads = range(0x81, 0xFF) if b == HOLE else (b,)
    found = []
    if t != HOLE:
        for x in leads:
            if b == HOLE and not rejects[x * 257 + t]:
                continue
            ch = _pair_char(x, t, codec)
            if ch is not None:
                found.append(ch)
        return tuple(found)
    rows = _pair_chars(codec)
    if isinstance(after, tuple):  # (HOLE, the byte after it): rejected before some byte rejected there
        nexts = [z for z in range(0x81, 0xFF) if rejects[z * 257 + after[1]]]
        fits = bytes(any(rejects[y * 257 + z] for z in nexts) for y in range(256))
    else:
        fits = None
    for x in leads:
        for y, ch in rows[x]:  # every trail 0x40-0xFE that reads, in order
            if b == HOLE and not rejects[x * 257 + y]:
                continue
            if fits is not None:
                if not fits[y]:
                    continue
            elif after != HOLE and not rejects[y * 257 + after]:
                continue
            found.append(ch)
    return tuple(found)


def _segments(run: str, to_bytes, codec: str, reader: str) -> list[list[tuple[int, int, list]]]:
    """The run read again with ``codec``, in segments between what cannot be
    read (a character with no bytes, a pair that is no character); each a
    list of blocks ``(first char, end char, slots)`` whose edges fall between
    characters both in the run and in the reading (a U+FFFD byte pairs with
    the next character's byte)."""
    data: list[int] = []
    owner: list[int] = []
    for k, ch in enumerate(run):
        raw = to_bytes(ch)
        if raw is None:
            raw = (-2,)
        data.extend(raw)
        owner.extend([k] * len(raw))
    segments: list[list] = []
    blocks: list = []
    first = 0
    slots: list = []
    aligned = True  # the pairs start where a character of the run starts
    for s, e, piece in _decode_pairs(data, codec, reader):
        if piece is None:
            if blocks:
                segments.append(blocks)
            blocks, slots = [], []
            aligned = False
            continue
        if not aligned:
            # After a pair that is no character, the next block starts only
            # where a pair and a character of the run start together: a
            # pair that begins inside a character would use that
            # character's byte twice (歆 is EC A7: 科 ends in EC, 技 starts A7).
            if s and owner[s] == owner[s - 1]:
                continue
            aligned, first = True, owner[s]
        slots.append(piece)
        if e == len(data) or owner[e] != owner[e - 1]:
            end = owner[e - 1] + 1
            blocks.append((first, end, slots))
            first, slots = end, []
    if blocks:
        segments.append(blocks)
    return segments


def _best_part(run: str, blocks) -> tuple[int, int] | None:
    """The blocks ``[i, j)`` where the bigram model gains most over the run
    as it stands (the best sum of per-block gains), or None."""
    logp = _backend.impl.char_logp
    best = (0.0, 0, 0)
    run_sum, run_start = 0.0, 0
    prev_old = prev_new = "\x00"
    for k, (first, end, slots) in enumerate(blocks):
        gain = 0.0
        for a in folded(run[first:end]):
            gain -= logp(prev_old, a)
            prev_old = a
        for slot in slots:
            b = folded(slot if isinstance(slot, str) else slot[0])
            gain += logp(prev_new, b) if isinstance(slot, str) else 0.0
            prev_new = b
        if run_sum <= 0:
            run_sum, run_start = 0.0, k
        run_sum += gain
        if run_sum > best[0]:
            best = (run_sum, run_start, k + 1)
    return best[1:] if best[0] > 0 else None


def _repairs(text: str, windows, taken, to_bytes, codec: str, reader: str, kind: str,
             read=()) -> list[tuple[int, int, str, float, str]]:
    out = list(read)  # the readings before, for their brackets (read_before)
    for w_start, w_end in windows:
        for m in _RUN.finditer(text, w_start, _past_spaces(text, w_end)):
            run = m.group()
            if len(run) < _MIN_CHARS or _KANA_RUN.search(run):
                continue  # too short, or Japanese (see _KANA_RUN), whatever part of it a reading takes
            marks = [s.start() for s in _MARK.finditer(run)]
            if not marks or not _may_show(run):
                continue  # no part of it can show the mechanism (see _may_show)
            run_reader = _reader_of(run, reader)
            alone = _char_segments(run, to_bytes, codec, marks)
            if alone is not None:
                for first, end, news in alone:
                    if _may_show(run[first:end]):
                        found = _read_alone(text, m.start(), run, first, news, taken, kind, out)
                        if found is not None:
                            out.append(found)
                continue
            reread = _rereader(codec, run_reader)
            for blocks in _segments(run, to_bytes, codec, run_reader):
                first, end = blocks[0][0], blocks[-1][1]
                at = bisect_left(marks, first)
                if at == len(marks) or marks[at] >= end or not _may_show(run[first:end]):
                    continue  # no salad in it, or too little East Asian text (see _may_show)
                found = _read_part(text, m.start(), run, blocks, taken, kind, reread, out)
                if found is not None:
                    out.append(found)
    return out[len(read):]


def _past_spaces(text: str, end: int) -> int:
    """``end``, or past the run that an ideographic space at ``end`` joins
    (windows end at spaces, and a run reads one as the pair A1A1).

    >>> _past_spaces("票\u3000C 好", 1), _past_spaces("票 C", 1)
    (3, 1)
    """
    m = _JOINED.match(text, end)
    return m.end() if m else end


_JOINED = re.compile("(?:\u3000+[^\\s]+)+")


#: Python's ``gbk`` (what ``requests`` gives ``.text`` of a page it takes
#: for GBK) reads a pair it has no character for as U+FFFD for the lead
#: byte alone and reads the trail again (Big5 一 A4 40 is ``\ufffd@``); it
#: never makes a private-use character.  Microsoft's cp936 reads every pair
#: of a lead byte, the user-defined areas as private use.
_PYTHON_GBK = {"cp936": "gbk"}
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _reader_of(run: str, reader: str) -> str:
    """The decoder that made ``run``: a run with U+FFFD and no private use
    was read by Python's ``gbk``, whose unknown bytes are the lead bytes it
    rejects before the byte after (A1-A7 before ``@``), not cp936's.

    >>> _reader_of("\ufffd@\ufffd@", "cp936"), _reader_of("\ue5e6\ufffd", "cp936"), _reader_of("\ufffd", "cp950")
    ('gbk', 'cp936', 'cp950')
    """
    if reader in _PYTHON_GBK and "\ufffd" in run and not _PRIVATE_USE.search(run):
        return _PYTHON_GBK[reader]
    return reader


def _read_alone(text: str, offset: int, run: str, first: int, news: str, taken, kind: str,
                prior=()) -> Reading | None:
    """:func:`_read_part` of a segment whose characters ``run[first:]`` read
    one by one as ``news`` (no blocks built: each is one character)."""
    part = _backend.impl.best_gain(folded(run[first:first + len(news)]), folded(news))
    if part is None:
        return None
    best = None
    for i, j in {part, (0, len(news))}:
        found = _judged_span(text, offset + first + i, offset + first + j, news[i:j], taken, kind, prior=prior)
        if found is not None and (best is None or found.gain > best.gain):
            best = found
    return best


def _may_show(stretch: str) -> bool:
    """Whether some part of ``stretch`` may pass :func:`_shows_mechanism`:
    every part holds at most the East Asian characters, Han or private-use
    characters and salad the whole does, so a stretch short of them has no
    part that reads (a cheap exact gate before the model is asked).

    >>> _may_show("皊┍狝叭"), _may_show("新闻发布会")
    (True, False)
    """
    lost = "\ufffd" in stretch
    if not (_EAST2 if lost else _EAST3).match(stretch) or not _HAN_OR_PUA.search(stretch):
        return False
    return lost or bool(_SALAD.search(stretch))


#: An East Asian character, or a letter or symbol of the two-byte codes'
#: symbol rows (GBK A1-A9: Greek, Cyrillic, box drawing, arrows): Big5's
#: commonest characters (lead A4-A9) read as GBK are these (所 A9D2 is
#: ``┮``, 說 BBA1 ``弧``, 完 A7B9 ``Ч``).  Latin letters and general
#: punctuation (quotes, dashes) are not.
_EAST = "\u0370-\u04ff\u2100-\u2bff\u2e80-\ufffc\ufffe-\U0010ffff"
_EAST_CHAR = re.compile(f"[{_EAST}]")
_LETTER_RUN = re.compile("[\u0370-\u04ff]{3,}")
#: Three East Asian characters, anywhere (two beside a lost byte).
_EAST3 = re.compile(f"(?:[^{_EAST}]*[{_EAST}]){{{_MIN_EAST}}}")
_EAST2 = re.compile(f"(?:[^{_EAST}]*[{_EAST}]){{{_MIN_EAST - 1}}}")


class _Mark:
    """Where a stretch shows salad or a lost byte: a rare character, private use, U+FFFD."""

    def finditer(self, text: str):
        return _mark_re().finditer(text)


@lru_cache(maxsize=1)
def _mark_re() -> re.Pattern[str]:
    return re.compile("%s|[\ue000-\uf8ff\ufffd]" % rare_char().pattern)


_MARK = _Mark()


class _Pieces(dict):
    """Per character, what ``codec`` reads from its bytes under ``to_bytes``
    when it reads them alone: a str, None (no bytes, or no character), or
    ``_MIXED`` when its bytes do not stay a pair of their own (U+FFFD, a
    lone byte above ASCII); ``flags`` says which, as a ``str.translate``
    table (``_READ``, ``_NONE``, ``_ALONE``)."""

    def __init__(self, to_bytes, codec: str) -> None:
        super().__init__()
        self.to_bytes, self.codec = to_bytes, codec
        self.flags = _Flags(self)

    def __missing__(self, ch: str):
        raw = self.to_bytes(ch)
        if raw is None:
            piece = None
        elif len(raw) == 1 and 0 <= raw[0] < 0x80:
            piece = chr(raw[0])
        elif len(raw) == 2 and raw[0] >= 0x80 and raw[1] >= 0:
            piece = _decode_pairs(list(raw), self.codec, "")[0][2]
        else:
            piece = _MIXED
        self[ch] = piece
        return piece


class _Flags(dict):
    def __init__(self, pieces: _Pieces) -> None:
        super().__init__()
        self.pieces = pieces

    def __missing__(self, cp: int) -> str:
        piece = self.pieces[chr(cp)]
        flag = self[cp] = _ALONE if piece is _MIXED else _NONE if piece is None else _READ
        return flag


def _segments_around(run: str, pieces: _Pieces, marks: list[int]) -> list | None:
    """:func:`_char_segments` grown from each mark: a character of
    :data:`_SPLITS` anywhere in the run (the only ones whose bytes do not
    stay a pair of their own) sends it to the general loop."""
    split = _SPLITS.get(pieces.to_bytes)
    if split is None or any(ch in run for ch in split):
        return None
    get = pieces.__getitem__
    segments: list = []
    n = len(run)
    done = 0
    for m in marks:
        if m < done or get(run[m]) is None:
            continue  # in the segment before, or in none
        first, end = m, m + 1
        while first > 0 and get(run[first - 1]) is not None:
            first -= 1
        while end < n and get(run[end]) is not None:
            end += 1
        read = list(map(get, run[first:end]))
        if _MIXED in read:
            return None
        segments.append((first, end, "".join(read)))
        done = end
    return segments


#: Marks per character above which a run is read whole (one translate) rather than around each mark.
_SCAN_REACH = 8
_MIXED = object()
_READ, _NONE, _ALONE = "r", "-", "x"
_READ_RUN = re.compile("r+")
_PIECES: dict = {}


def _char_segments(run: str, to_bytes, codec: str, marks: list[int]) -> list | None:
    """The segments of :func:`_segments` as ``(first, end, reading)`` when
    every character of ``run`` is read alone (its bytes one ASCII byte, or
    a lead byte and its trail: pairs never straddle two characters; each
    block is then one character), from a table per character; None when
    some character's bytes do not stay a pair of their own.  Only the
    segments that hold one of ``marks`` (positions in ``run``) are given: no
    other is ever read."""
    pieces = _PIECES.get((to_bytes, codec))
    if pieces is None:
        pieces = _PIECES[(to_bytes, codec)] = _Pieces(to_bytes, codec)
    if len(marks) * _SCAN_REACH < len(run):
        # Few marks in a long run: only the segments around them are read.
        return _segments_around(run, pieces, marks)
    flags = run.translate(pieces.flags)
    if _ALONE in flags:
        return None
    segments: list[list] = []
    for seg in _READ_RUN.finditer(flags):
        first, end = seg.span()
        at = bisect_left(marks, first)
        if at < len(marks) and marks[at] < end:
            segments.append((first, end, "".join(map(pieces.__getitem__, run[first:end]))))
    return segments


def _read_part(text: str, offset: int, run: str, blocks, taken, kind: str, reread=None, prior=()) -> Reading | None:
    """The best-gaining part of a segment (or the whole segment, when the
    judge finds it better still), read and judged; ``reread``, when given,
    must give the damaged part back from its reading; ``prior``: the
    readings before it (:func:`read_before`)."""
    part = _best_part(run, blocks)
    if part is None:
        return None
    best = None
    for i, j in {part, (0, len(blocks))}:
        found = _judged_span(text, offset + blocks[i][0], offset + blocks[j - 1][1], blocks[i:j], taken, kind,
                             reread, prior)
        if found is not None and (best is None or found.gain > best.gain):
            best = found
    return best


def _rereader(codec: str, reader: str):
    """What the decoder ``reader`` makes of a reading written in ``codec``,
    for the decoders Python has (None for Microsoft's cp936).  Each unknown
    byte is chosen with the byte after it known; where the byte after is
    unknown too (Python's ``gbk`` shows ``\ufffd\ufffd\ufffd`` for three
    lead bytes it rejected in a row) only the whole reading read again
    shows whether the choices fit each other."""
    if reader == "cp936":
        return None
    writers = ("cp950", "big5") if codec == "cp950" else (codec,)

    def reread(after: str) -> set[str]:
        out = set()
        for writer in writers:
            try:
                out.add(after.encode(writer).decode(reader, "replace"))
            except UnicodeEncodeError:
                pass
        return out

    return reread


def _judged_span(text: str, start: int, end: int, chosen, taken, kind: str, reread=None, prior=()) -> Reading | None:
    """The reading of ``text[start:end]`` from ``chosen`` (its blocks, or a
    str that reads it one character for one), judged."""
    if end - start < _MIN_CHARS or _overlaps(taken, start, end):
        return None
    damaged = text[start:end]
    if not _shows_mechanism(damaged):
        return None
    slots = list(chosen) if isinstance(chosen, str) else [slot for _f, _e, piece in chosen for slot in piece]
    final = end == len(text) or text[end] == "\n"
    outside, para = context(text, start, end), (read_before(text, start, prior), paragraph_after(text, end))
    memo: dict = {}  # one span's fills share their choices (see fill)
    after, choices = fill(slots, outside, final, para[0], memo, para[1])
    if reread is not None and damaged not in reread(after):
        refilled = _refill(slots, after, damaged, reread, outside, final, para, memo)
        if refilled is None:
            return None  # choices that do not fit each other
        after, choices = refilled
    gain = judge(text, start, end, after)
    if gain is None:
        return None
    return Reading(start, end, after, confidence(gain, choices), kind, gain)


#: Chained unknown bytes :func:`_refill` tries another choice for.
_REFILLS = 6


def _refill(slots: list, after: str, damaged: str, reread, outside, final: bool, para: tuple[str, str],
            memo: dict | None = None):
    """``fill`` again where unknown bytes next to each other were chosen
    apart and do not fit together (each is checked only against the byte
    after it when that is known): each such slot in turn loses the
    character chosen for it, and the first reading that gives ``damaged``
    back is taken.  None when none does (or the reading is not one
    character per slot)."""
    if len(after) != len(slots):
        return None
    chained = [k for k, slot in enumerate(slots) if not isinstance(slot, str) and (
        (k and not isinstance(slots[k - 1], str)) or (k + 1 < len(slots) and not isinstance(slots[k + 1], str)))]
    for k in chained[:_REFILLS]:
        rest = [c for c in slots[k] if c != after[k]]
        if not rest:
            continue
        tried = fill(slots[:k] + [rest] + slots[k + 1:], outside, final, para[0], memo, para[1])
        if damaged in reread(tried[0]):
            return tried
    return None


def _shows_mechanism(damaged: str) -> bool:
    """Two-byte codes confused leave East Asian characters (CJK, kana,
    private use), at least one of them salad (a rare one, private use, or a
    U+FFFD), and some bytes read: where no bytes survive nothing is invented,
    and Latin letters (GBK's pinyin row, ``é`` is A8 A6) are no sign.

    >>> _shows_mechanism("皊┍狝叭"), _shows_mechanism("été"), _shows_mechanism("\ufffd\ufffd")
    (True, False, False)
    >>> _shows_mechanism("開始されています"), _shows_mechanism("好ㄅㄆㄇㄈ好的")
    (False, False)
    >>> _shows_mechanism("┮\ufffdH⊿禦岿\ufffdC")  # 所以沒買錯。 read by Python's gbk
    True
    >>> _shows_mechanism("你好\ufffdПривет")
    False
    """
    lost = damaged.count("\ufffd")
    wide = [c for c in damaged if c >= "\x80" and c != "\ufffd"]
    # Greek or Cyrillic letters in a row are a word of that script (Привет):
    # Big5's characters read as GBK make such letters one or two at a time.
    east = sum(map(bool, map(_EAST_CHAR.match, wide))) - sum(map(len, _LETTER_RUN.findall(damaged)))
    # A lost byte beside salad is a sign of its own: a label read so (優點：
    # is ``纔翴\ufffdG``) has two characters besides it.
    short = lost and east == _MIN_EAST - 1 and _SALAD.search(damaged.replace("\ufffd", ""))
    if (east < _MIN_EAST and not short) or lost > len(wide) or east * 4 < len(wide) * 3:
        return False
    if not _HAN_OR_PUA.search(damaged):
        return False  # kana or bopomofo alone (ㄅㄆㄇㄈ) is a text about them
    if _KANA_RUN.search(damaged):
        return False  # Japanese: its kana come in words (ていました), Big5's read as GBK one by one
    if _BOPOMOFO_PAIR.search(damaged):
        # Bopomofo written out (好ㄅㄆ) is no salad: Big5 read as GBK makes
        # one only of a character whose Big5 bytes are A8C5-A8E9; something
        # else must show the mechanism.
        damaged = _BOPOMOFO.sub("", damaged)
    # Salad besides the lost bytes: common characters around a U+FFFD are
    # text that lost a byte, not text read with the wrong codec (說明\ufffd
    # \ufffd\ufffdA好 had been read 挲隴海，疑).
    return bool(_SALAD.search(damaged.replace("\ufffd", "")))


#: Per byte function, the characters whose bytes are no ASCII byte and no pair
#: (U+FFFD is one unknown byte, cp936's € the byte 0x80); every other
#: character reads alone (tests/test_mojibake_codecs.py checks every code point).
_SPLITS = {_bytes_cp936: "\ufffd\u20ac", _bytes_cp950: "\ufffd"}


def big5_repairs(text: str, windows, taken=(), read=()) -> list[tuple[int, int, str, float, str]]:
    """Big5 read by cp936, in ``windows``; ``read``: readings before them."""
    return _repairs(text, windows, taken, _bytes_cp936, "cp950", "cp936", "big5-as-gbk", read)


def gbk_as_big5_repairs(text: str, windows, taken=(), read=()) -> list[tuple[int, int, str, float, str]]:
    """GBK read by cp950, in ``windows``; ``read``: readings before them."""
    return _repairs(text, windows, taken, _bytes_cp950, "gbk", "cp950", "gbk-as-big5", read)
