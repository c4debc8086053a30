"""The wrong-codec readers' fast paths find exactly what their general
loops find (``stages/mojibake/codecs_*.py``): the Big5/GBK readers' segments
of characters read alone (whole run or around each salad mark) against
``codecs_big5._segments``, the rules their exact gates rest on, and the
GBK-as-UTF-8 reader's ``_readable`` against its Viterbi."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from strategies import cjk_text, seed_fragment
from textrepair.stages.mojibake import codecs_big5, codecs_single

READERS = [(codecs_big5._bytes_cp936, "cp950", "cp936"), (codecs_big5._bytes_cp950, "gbk", "cp950")]


def test_only_the_split_characters_leave_a_pair_of_their_own():
    # _SPLITS: every other code point's bytes are one ASCII byte, a lead byte and its trail, or none.
    for to_bytes, _codec, _reader in READERS:
        split = set()
        for cp in range(sys.maxunicode + 1):
            raw = to_bytes(chr(cp))
            if raw is None or (len(raw) == 1 and 0 <= raw[0] < 0x80) or (len(raw) == 2 and raw[0] >= 0x80 and raw[1] >= 0):
                continue
            split.add(chr(cp))
        assert split == set(codecs_big5._SPLITS[to_bytes])


def general(run, to_bytes, codec, reader, marks):
    """The segments of the general loop that hold a mark, as (first, end, reading)."""
    out = []
    for blocks in codecs_big5._segments(run, to_bytes, codec, reader):
        first, end = blocks[0][0], blocks[-1][1]
        if any(first <= m < end for m in marks):
            assert all(e - f == 1 and len(slots) == 1 for f, e, slots in blocks)
            out.append((first, end, "".join(slots[0] for _f, _e, slots in blocks)))
    return out


salad = st.sampled_from(["鏂伴椈", "皊┍狝叭", "【", "】", "\ue1a2", "ぃ", "𠀀", "é", "a", "?", " ", "\ufffd", "€"])
runs = st.one_of(cjk_text, seed_fragment, st.lists(st.one_of(salad, cjk_text), max_size=12).map("".join))


@given(runs, st.data())
def test_segments_of_characters_read_alone(run, data):
    marks = sorted(set(data.draw(st.lists(st.integers(0, max(0, len(run) - 1)), max_size=6)))) if run else []
    for to_bytes, codec, reader in READERS:
        whole = codecs_big5._char_segments(run, to_bytes, codec, marks) if len(marks) * 8 >= len(run) else None
        pieces = codecs_big5._PIECES.get((to_bytes, codec)) or codecs_big5._Pieces(to_bytes, codec)
        around = codecs_big5._segments_around(run, pieces, marks)
        if any(ch in run for ch in codecs_big5._SPLITS[to_bytes]):
            assert around is None
            continue
        assert around == general(run, to_bytes, codec, reader, marks)
        if whole is not None:
            assert whole == around


@given(st.lists(st.sampled_from(list("ÖÐ¹ú£¬ºÃ液压系统Һѹϵͳù)字ī濟café(shù) -1\xa0") + [chr(c) for c in range(0x80, 0x800, 37)]),
                max_size=10).map("".join))
def test_readable_is_where_the_viterbi_finds_a_path(run):
    assert codecs_single._readable(run) == (codecs_single._viterbi(run) is not None)


def fillings_by_every_pair(b, t, after, codec, reader):
    """``codecs_big5._fillings`` as it was written first: every lead and trail decoded."""
    rejects = codecs_big5._rejects(reader)
    hole = codecs_big5.HOLE
    found = []
    for x in range(0x81, 0xFF) if b == hole else (b,):
        if b == hole and t != hole and not rejects[x * 257 + t]:
            continue
        for y in range(0x40, 0xFF) if t == hole else (t,):
            if b == hole and t == hole and not rejects[x * 257 + y]:
                continue
            if t == hole and after != hole and not rejects[y * 257 + after]:
                continue
            try:
                ch = bytes((x, y)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and codecs_big5.usable(ch) and not ch.isascii():
                found.append(ch)
    return found


byte = st.one_of(st.integers(0x80, 0xFF), st.integers(0, 0xFF))


@given(st.one_of(st.just(codecs_big5.HOLE), byte), st.one_of(st.just(codecs_big5.HOLE), byte),
       st.one_of(st.just(codecs_big5.END), byte), st.sampled_from([(c, r) for _b, c, r in READERS]))
def test_fillings_from_the_table_are_every_pair_decoded(b, t, after, codec_reader):
    # The table of the pairs each lead byte reads (and the memo) give the same characters in the same order.
    codec, reader = codec_reader
    if b == codecs_big5.HOLE and t == codecs_big5.HOLE and after not in (codecs_big5.END, 0x41, 0xA1):
        after = 0x41  # both bytes unknown: a few values of the byte after suffice (each such call walks every pair)
    expected = fillings_by_every_pair(b, t, after, codec, reader)
    assert codecs_big5._fillings(b, t, after, codec, reader) == expected
    assert codecs_big5._fillings(b, t, after, codec, reader) == expected  # remembered
