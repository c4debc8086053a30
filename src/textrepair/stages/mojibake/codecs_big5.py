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

from ... import _backend
from ..._cjkcodec import encode_char
from .codecs_judge import Reading, confidence, context, fill, folded, judge, paragraph_before, usable
from .common import _overlaps

__all__ = ["big5_repairs", "gbk_as_big5_repairs"]

HOLE = -1
#: A run needs this many characters read again.
_MIN_CHARS = 2
_WIDE = re.compile("[^\\x00-\\x7f\\s\u3000]")
#: Runs of two-byte characters (and what a broken pair leaves: U+FFFD, ``?``).
_RUN = re.compile("[^\\x00-\\x7f\\s\u3000][^\\s\u3000]*")


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


def _decode_pairs(data: list[int], codec: str) -> list | None:
    """Read ``data`` (HOLE for an unknown byte) pair by pair with ``codec``:
    ``(first byte, end byte, piece)`` per character, the piece a str or,
    where a byte is unknown, the list of characters it may be; None when
    the bytes do not pair."""
    out: list = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b != HOLE and b < 0x80:
            out.append((i, i + 1, chr(b)))
            i += 1
            continue
        if i + 1 >= n:
            return None
        t = data[i + 1]
        if b != HOLE and t != HOLE:
            try:
                ch = bytes((b, t)).decode(codec)
            except UnicodeDecodeError:
                return None
            if not usable(ch):
                return None
            out.append((i, i + 2, ch))
        else:
            found = _fillings(b, t, codec)
            if not found:
                return None
            out.append((i, i + 2, found))
        i += 2
    return out


def _fillings(b: int, t: int, codec: str) -> list[str]:
    leads = range(0x81, 0xFF) if b == HOLE else (b,)
    trails = range(0x40, 0xFF) if t == HOLE else (t,)
    found = []
    for x in leads:
        for y in trails:
            try:
                ch = bytes((x, y)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and usable(ch) and not ch.isascii():
                found.append(ch)
    return found


def _blocks(run: str, to_bytes, codec: str) -> list[tuple[int, int, list]] | None:
    """The run read again with ``codec``, in blocks ``(first char, end char,
    slots)`` whose edges fall between characters both in the run and in the
    reading (a U+FFFD byte pairs with the next character's byte)."""
    data: list[int] = []
    owner: list[int] = []
    for k, ch in enumerate(run):
        raw = to_bytes(ch)
        if raw is None:
            return None
        data.extend(raw)
        owner.extend([k] * len(raw))
    pieces = _decode_pairs(data, codec)
    if pieces is None:
        return None
    blocks = []
    first = 0
    slots: list = []
    for _s, e, piece in pieces:
        slots.append(piece)
        if e == len(data) or owner[e] != owner[e - 1]:
            end = owner[e - 1] + 1
            blocks.append((first, end, slots))
            first, slots = end, []
    return blocks


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


def _repairs(text: str, windows, taken, to_bytes, codec: str, kind: str) -> list[tuple[int, int, str, float, str]]:
    out = []
    for w_start, w_end in windows:
        for m in _RUN.finditer(text, w_start, w_end):
            run = m.group()
            if len(run) < _MIN_CHARS:
                continue
            blocks = _blocks(run, to_bytes, codec)
            if not blocks:
                continue
            part = _best_part(run, blocks)
            if part is None:
                continue
            chosen = blocks[part[0]:part[1]]
            start, end = m.start() + chosen[0][0], m.start() + chosen[-1][1]
            if end - start < _MIN_CHARS or _overlaps(taken, start, end):
                continue
            slots = [slot for _f, _e, piece in chosen for slot in piece]
            final = end == len(text) or text[end] == "\n"
            after, choices = fill(slots, context(text, start, end), final, paragraph_before(text, start))
            gain = judge(text, start, end, after)
            if gain is not None:
                out.append(Reading(start, end, after, confidence(gain, choices), kind, gain))
    return out


def big5_repairs(text: str, windows, taken=()) -> list[tuple[int, int, str, float, str]]:
    """Big5 read by cp936, in ``windows``."""
    return _repairs(text, windows, taken, _bytes_cp936, "cp950", "big5-as-gbk")


def gbk_as_big5_repairs(text: str, windows, taken=()) -> list[tuple[int, int, str, float, str]]:
    """GBK read by cp950, in ``windows``."""
    return _repairs(text, windows, taken, _bytes_cp950, "gbk", "gbk-as-big5")
