"""Inner loops of the wrong-codec readers of the mojibake stage
(``stages/mojibake/codecs_*.py``); twin of ``native/readings.c``.

:func:`best_gain` is where a Big5/GBK reading gains most over the run as it
stands, in the character bigram model: the same doubles added in the same
order as C adds them.  :func:`utf8_islands` is where UTF-8 read as GBK may
have left an island (``codecs_utf8._islands`` reads only those).
:func:`codec_triggers` is which rare-character windows start a reading at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .lm import char_logp
from .mojibake import rare_char

__all__ = ["FIRST", "QMARK", "TONE_LETTERS", "best_gain", "codec_triggers", "utf8_islands"]


def best_gain(old: str, read: str) -> tuple[int, int] | None:
    """The stretch ``[i, j)`` of a run whose characters ``old`` read as
    ``read`` (both folded, of one length) where the bigram model gains most
    (``tr_best_gain``): a position's gain is ``(0.0 - ln P(old[k] | old[k-1]))
    + ln P(read[k] | read[k-1])``, U+0000 before the first; the first found
    of the best sums over a stretch, or None when no sum is above 0.

    >>> best_gain("鏂伴椈", "新闻发"), best_gain("新闻", "鏂伴")
    ((0, 3), None)
    """
    best = (0.0, 0, 0)
    run_sum, run_start = 0.0, 0
    prev_old = prev_read = "\x00"
    for k in range(len(old)):
        a, b = old[k], read[k]
        gain = 0.0 - char_logp(prev_old, a)
        gain += char_logp(prev_read, b)
        prev_old, prev_read = a, b
        if run_sum <= 0:
            run_sum, run_start = 0.0, k
        run_sum += gain
        if run_sum > best[0]:
            best = (run_sum, run_start, k + 1)
    return best[1:] if best[0] > 0 else None


# --- UTF-8 read as GBK: where the islands are ----------------------------------
# A byte of the damaged text as the UTF-8 reader sees it, packed in 16 bits:
# its value + 2 (0: a character with no bytes, 1: an unknown byte), 1 << 9
# when it starts a character, 1 << 10 when that character is a ``?`` that may
# stand for a byte.
FIRST = 1 << 9
QMARK = 1 << 10
_NONE, _HOLE = -2, -1


def utf8_islands(codes, lost: bool) -> list[tuple[int, int]]:
    """The UTF-8 islands of a window (``codes``: its bytes, packed as above;
    or bytes holding those 16-bit values in native order),
    greedily from the left, as ``(first character, end character)``: the
    characters ``codecs_utf8._islands`` finds its islands on
    (``tr_utf8_islands``).

    >>> codes = [(b + 2) | (FIRST if i % 2 == 0 else 0) for i, b in enumerate(b"\\xe6\\x96\\xb0\\xe9\\x97\\xbb")]
    >>> utf8_islands(codes, True)
    [(0, 3)]
    """
    if isinstance(codes, (bytes, bytearray)):
        codes = memoryview(codes).cast("H")
    n = len(codes)
    flat = [(c & 0x1FF) - 2 for c in codes]
    first = [bool(c & FIRST) for c in codes]
    qmark = [bool(c & QMARK) for c in codes]
    owner = []
    k = 0
    for j, f in enumerate(first):
        k += f and j > 0
        owner.append(k)
    out = []
    pos = 0
    while pos < n:
        b = flat[pos]
        if not first[pos] or b < 0 or 0x80 <= b < 0xC2 or b > 0xF0:
            pos += 1
            continue
        end, found = _parse(flat, first, qmark, pos, lost)
        if found:
            out.append((owner[pos], owner[end - 1] + 1))
        pos = max(end, pos + 1)
    return out


def second_byte_ok(lead: int, b: int) -> bool:
    """Whether ``b`` (0x80-0xBF) may follow the lead byte ``lead`` as the
    second byte of a UTF-8 character (well-formed UTF-8: E0 A0-BF, ED 80-9F,
    F0 90-BF; after any other lead 80-BF).

    >>> second_byte_ok(0xE0, 0x9F), second_byte_ok(0xE4, 0x9F), second_byte_ok(0xF0, 0x90)
    (False, True, True)
    """
    if lead == 0xE0:
        return b >= 0xA0
    if lead == 0xED:
        return b <= 0x9F
    if lead == 0xF0:
        return b >= 0x90
    return True


def _parse(flat, first, qmark, pos: int, lost: bool) -> tuple[int, bool]:
    """``codecs_utf8._parse`` counting what it keeps: (where parsing
    stopped, whether an island starts at ``pos``)."""
    n = len(flat)
    wide = 0
    length = 0  # of the character being read
    lead = 0  # its first byte
    cut = -1
    need = 0
    holes = inserted = 0
    good = (pos, 0, 0, 0)  # (byte, wide characters, holes, inserted) at the last clean cut
    j = pos
    while j < n:
        b = flat[j]
        if need == 0:
            if first[j]:
                good = (j, wide, holes, inserted)
            if b == _NONE or b == _HOLE:
                break
            if b < 0x80:
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
            lead = b
            length = 1
            cut = -1
            j += 1
            continue
        if b == _HOLE or (0x80 <= b <= 0xBF and (length > 1 or second_byte_ok(lead, b))):
            if first[j]:
                cut = length
            length += 1
            holes += b == _HOLE
        elif b == 0x3F and qmark[j]:
            cut = length
            length += 1
            holes += 1
        elif lost and need <= 2 and (first[j] or cut > 0):
            holes += need
            inserted += need
            need = 0
            wide += 1  # a character of two bytes or more
            continue
        else:
            break
        j += 1
        need -= 1
        if need == 0:
            wide += 1
    else:
        if need and lost and need <= 2:
            holes += need
            inserted += need
            wide += 1
            need = 0
        if need == 0:
            good = (n, wide, holes, inserted)
    end, wide, holes, inserted = good
    return end, not (wide < 2 and not (wide and holes > inserted))


# --- which rare-character windows start a reading ------------------------------
#: Pinyin letters with a tone mark (and ü, ê), as a converter's annotations write them.
TONE_LETTERS = "āáǎàēéěèêīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
#: An annotation: 1-8 letters of pinyin in parentheses.
_ANNOTATION = re.compile("\\([a-z%s]{1,8}\\)" % TONE_LETTERS)


def _in_taken(taken, at: int) -> bool:
    i = bisect_right(taken, (at, float("inf")))
    return bool(i) and taken[i - 1][1] > at


def excused(text: str, at: int, taken) -> bool:
    """Whether the rare character ``text[at]`` is no sign of a wrong codec: a
    character of a span of ``taken`` (sorted, non-overlapping: what the
    byte-shift search already took), or a tone letter inside a pinyin
    annotation (``數(shù)``: the converter's, which the annotation stage
    removes): the last ``(`` at most 8 characters before it opens 1-8
    letters and a ``)``.

    >>> excused("數(shù)字", 4, []), excused("ù", 0, []), excused("鏂伴", 0, [(0, 2)])
    (True, False, True)
    """
    if _in_taken(taken, at):
        return True
    if text[at] not in TONE_LETTERS:
        return False
    opened = text.rfind("(", max(0, at - 8), at)
    m = _ANNOTATION.match(text, opened) if opened >= 0 else None
    return m is not None and at < m.end()


def codec_triggers(text: str, windows, taken) -> list[bool]:
    """Per window ``(start, end)`` of ``text``, whether it holds a rare
    character that is not :func:`excused` (``tr_codec_triggers``); ``taken``:
    sorted, non-overlapping spans.  Windows are clamped to the text.

    >>> codec_triggers("數(shù)字 鏂伴椈", [(0, 6), (7, 11)], [])
    [False, True]
    """
    rare = rare_char()
    n = len(text)
    out = []
    for start, end in windows:
        end = min(end, n)
        out.append(any(not excused(text, m.start(), taken) for m in rare.finditer(text, min(start, end), end)))
    return out
