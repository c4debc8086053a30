"""``native/readings.c`` and its twin ``_fallback/readings.py`` agree exactly:
``best_gain`` finds the same stretch (its sums are the same doubles added in
the same order), ``utf8_islands`` the same islands; and the readers that use
them find what their own loops find: the Big5/GBK readers' one-character
path what ``codecs_big5._best_part`` finds, the UTF-8 reader's islands
where the scan says them what ``codecs_utf8._islands`` finds."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS
from strategies import annotation, cjk_text, seed_fragment
from textrepair import _backend, _fallback
from textrepair._fallback.readings import FIRST, QMARK
from textrepair.stages.mojibake import codecs_big5, codecs_utf8
from textrepair.stages.mojibake.codecs_judge import folded

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402

#: Salad and the text it was read from, punctuation, ASCII, PUA, astral, lone surrogates.
PIECES = ["鏂伴椈", "新闻发", "皊┍狝叭", "網路", "數字經濟", "，。“”", "abc", "\ue1a2", "𠀀", "\ud800", "\x00", "ぃ"]
piece = st.one_of(st.sampled_from(PIECES), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                  st.characters(blacklist_categories=()))
text = st.one_of(st.lists(piece, max_size=30).map("".join), cjk_text, seed_fragment)


@given(text, st.randoms(use_true_random=False))
def test_best_gain(old, rng):
    read = "".join(rng.choice(PIECES[0] + PIECES[1] + PIECES[2] + old or "a") for _ in old)
    assert _cext.best_gain(old, read) == _fallback.best_gain(old, read)
    assert _cext.best_gain(read, old) == _fallback.best_gain(read, old)


def test_best_gain_of_the_seeds():
    # Each seed line against its cp936 bytes read as Big5 (and the reverse), as the reader meets them.
    for path in SEEDS:
        for line in path.read_text(encoding="utf-8").splitlines()[:60]:
            read = "".join(c if len(c) == 1 else "?" for c in
                           (ch.encode("gbk", "replace").decode("cp950", "replace") for ch in line))
            for old, new in ((line, read), (read, line)):
                assert _cext.best_gain(old, new) == _fallback.best_gain(old, new)


@given(text)
def test_the_one_character_path_is_the_general_loop(run):
    # _best_part over blocks of one character each (as codecs_big5._segments
    # builds them) finds what best_gain finds on the folded characters.
    read = "".join(c if len(c) == 1 else "?" for c in
                   (ch.encode("gbk", "replace").decode("cp950", "replace") for ch in run))
    if not run:
        return
    blocks = [(k, k + 1, [c]) for k, c in enumerate(read)]
    was = _backend.BACKEND
    try:
        for name, impl in (("c", _cext), ("python", _fallback)):
            _backend.use(name)
            assert codecs_big5._best_part(run, blocks) == impl.best_gain(folded(run), folded(read))
    finally:
        _backend.use(was)


def test_lengths_must_agree():
    with pytest.raises(ValueError):
        _cext.best_gain("ab", "a")


# --- utf8_islands ---------------------------------------------------------------
#: Bytes that matter to the walk: ASCII, ``?``, continuation bytes, every lead class, bytes no lead.
BYTES = [0x00, 0x3F, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0,
         0xF1, 0xF4, 0xF5, 0xFF]
token = st.one_of(st.just(None), st.just((-1,)),
                  st.lists(st.one_of(st.sampled_from(BYTES), st.integers(0, 255)), min_size=1, max_size=3).map(tuple))


def packed(tokens, qmarks) -> list[int]:
    codes = []
    for t, q in zip(tokens, qmarks):
        flag = QMARK if q else 0
        codes += [FIRST | flag] if t is None else [(b + 2) | (FIRST if i == 0 else 0) | flag for i, b in enumerate(t)]
    return codes


@given(st.lists(st.tuples(token, st.booleans()), max_size=40), st.booleans())
def test_utf8_islands(items, lost):
    tokens = [t for t, _q in items]
    qmarks = [q and t == (0x3F,) for t, q in items]
    codes = packed(tokens, qmarks)
    assert _cext.utf8_islands(codes, lost) == _fallback.utf8_islands(codes, lost)
    raw = array("H", codes).tobytes()
    assert _cext.utf8_islands(raw, lost) == _fallback.utf8_islands(raw, lost)
    # The stage reads the islands where the scan says: exactly its own walk's.
    for name in ("c", "python"):
        was = _backend.BACKEND
        try:
            _backend.use(name)
            assert codecs_utf8._islands_at_codes(raw, tokens, qmarks, lost) == codecs_utf8._islands(tokens, qmarks, lost)
        finally:
            _backend.use(was)


@given(st.one_of(cjk_text, seed_fragment, st.text(max_size=40)), st.booleans())
def test_utf8_islands_of_damaged_text(clean, lost):
    # UTF-8 read as GBK (with and without lost bytes), as the reader meets it.
    for errors in ("replace", "ignore"):
        window = clean.encode("utf-8", "surrogatepass").decode("gbk", errors)
        table = codecs_utf8._token_table((0x80,))
        tokens = [table[ch] for ch in window]
        qmarks = [ch == "?" for ch in window]
        raw = b"".join(table.codes[ch] for ch in window)
        assert _cext.utf8_islands(raw, lost) == _fallback.utf8_islands(raw, lost)
        assert codecs_utf8._islands_at(window, tokens, qmarks, lost, table) == codecs_utf8._islands(tokens, qmarks, lost)


# --- codec_triggers -------------------------------------------------------------
#: Rare characters of every kind the rule names: tone letters (inside and
#: outside annotations), salad, private use, U+FFFD, lone surrogates, and the
#: parentheses and letters an annotation is made of.
TRIGGER_PIECES = ["(shù)", "(zhì)", "(ā)", "(ǖ)", "(abcdefgh)", "(abcdefghi)", "(Shù)", "(shù", "shù)", "ù", "ǎ",
                  "ḿ", "ê", "(", ")", "鏂伴椈", "數", "\ue1a2", "\ufffd", "\ud800", "【】", "é", " ", "\n", "a"]
trigger_text = st.one_of(st.lists(st.one_of(st.sampled_from(TRIGGER_PIECES), annotation, st.characters(blacklist_categories=())),
                                  max_size=40).map("".join), cjk_text, seed_fragment)


@st.composite
def text_windows_taken(draw):
    text = draw(trigger_text)
    n = len(text)
    bound = st.integers(0, n + 3)
    windows = draw(st.lists(st.tuples(bound, bound).map(sorted).map(tuple), max_size=6))
    cuts = sorted(set(draw(st.lists(st.integers(0, n), max_size=8))))
    taken = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return text, windows, taken


@given(text_windows_taken())
def test_codec_triggers(args):
    text, windows, taken = args
    assert _cext.codec_triggers(text, windows, taken) == _fallback.codec_triggers(text, windows, taken)


def test_codec_triggers_of_the_seeds():
    # Every rare window of each seed page, with and without the byte-shift runs taken.
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        scan = _cext.mojibake_scan(text)
        for taken in ([], scan.shift):
            assert _cext.codec_triggers(text, scan.rare, taken) == _fallback.codec_triggers(text, scan.rare, taken)
