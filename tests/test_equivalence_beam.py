"""``tr_mojibake_best`` / ``tr_char_logp`` / ``tr_char_score`` and their
Python twins (``_fallback.mojibake_best`` / ``char_logp`` / ``char_score``)
agree exactly: the same (score, text, guesses), scores equal to the bit."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS
from strategies import cjk_text, seed_fragment
from textrepair import _backend, _fallback
from textrepair._cjkcodec import char_model, cp936_decode, encode_char, fold
from textrepair.stages.mojibake import shift as mj_shift

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402
from textrepair._speedups import ffi, lib  # noqa: E402


def same(a, b) -> bool:
    """Equal results, scores compared bit for bit (repr tells -0.0 from 0.0)."""
    if a is None or b is None:
        return a is b
    return a == b and repr(a[0]) == repr(b[0]) and type(a[2]) is type(b[2])


def searches(text: str) -> list[tuple]:
    """The arguments ``repair_run`` passes to the search for every candidate run of ``text``."""
    calls = []
    for start, end, _kind in _fallback.mojibake_runs(text):
        run = text[start:end]
        toks = mj_shift.tokens(run)
        if toks:
            calls.append((toks, text[start - 1] if start else "", text[end] if end < len(text) else "",
                          run[0] in "!;"))
    return calls


def assert_same_searches(text: str) -> int:
    calls = searches(text)
    for args in calls:
        c, py = _cext.mojibake_best(*args), _fallback.mojibake_best(*args)
        assert same(c, py), (args, c, py)
    return len(calls)


# --- damage as the splitter did it (see stages/mojibake.py) --------------------

_SPLIT = [c.encode("gbk") for c in "、，。？；！"]


def gbk_shift(text: str, inserts: list[tuple[int, str]] = ()) -> str:
    """Cut the GBK bytes before every split pair, insert ``(pinyin)`` at byte
    offsets, read each piece with cp936 (a lone lead byte shows as ``?``), fold."""
    data = bytearray(text.encode("gbk", "ignore"))
    for at, syllable in sorted(inserts, reverse=True):
        data[at % (len(data) + 1) : at % (len(data) + 1)] = f"({syllable})".encode("gbk", "ignore")
    data = bytes(data)
    cuts = sorted({i for i in range(len(data) - 1) if data[i : i + 2] in _SPLIT})
    out = []
    for a, b in zip([0] + cuts, cuts + [len(data)]):
        decoded = cp936_decode(data[a:b])
        out.append(decoded[:-1] + "?" if decoded.endswith("\ufffd") else decoded)
    return "".join(fold(c) for c in "".join(out))


_COMMON = "".join(sorted(ch for ch, n in char_model().uni.items() if n > 20000 and encode_char(ch)
                         and len(encode_char(ch)) == 2))
_PUNCT = "，。、；？！“”《》：…"
_TRADITIONAL = "數經濟產業關於為習會義長樂務報"
# Clauses of common characters (and annotated traditional ones) between punctuation:
# the split pairs straddle a clause's end and the next punctuation.
gbk_chinese = st.lists(st.tuples(st.text(st.sampled_from(_COMMON + _TRADITIONAL * 20), min_size=1, max_size=8),
                                 st.sampled_from(["。“", "！“", "？“", "：“", "”。", "”，", "，", "。", "、", "；", "？", "！"])),
                       min_size=1, max_size=8).map(lambda parts: "".join(a + b for a, b in parts))
inserts = st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["shù", "shu", "jīng", "jì", "guan", "wù", "bào",
                                                                   "zhǎng", "xí", "lè"])), max_size=3)


@given(gbk_chinese, inserts)
def test_beam_on_shifted_gbk(text, where):
    assert_same_searches(gbk_shift(text, where))


@given(st.one_of(cjk_text, seed_fragment))
def test_beam_on_generated_text(text):
    assert_same_searches(text)


@given(st.binary(max_size=60))
def test_beam_on_random_bytes(data):
    text = cp936_decode(data).replace("\ufffd", "?")
    assert_same_searches("".join(fold(c) for c in text))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_beam_on_seeds(path):
    assert_same_searches(path.read_text(encoding="utf-8"))


def test_beam_on_shifted_sentences():
    # Runs of every shape the damage makes, many with a real repair.
    rng = random.Random(8)
    found = 0
    for _ in range(60):
        text = "".join(rng.choice(_COMMON + _PUNCT * 100) for _ in range(60))
        found += assert_same_searches(gbk_shift(text))
    assert found > 40


# --- hostile token sequences: every atom in every state ----------------------------

_CHARS = [mj_shift.chars_for(s) for s in ("shù", "jīng", "guan", "wù", "bào", "zhǎng", "de")]
annotation_atom = st.builds(lambda kind, k: (kind, _CHARS[k], f"({k})"), st.sampled_from(["ann", "annchar"]),
                            st.integers(0, len(_CHARS) - 1))
atom = st.one_of(st.integers(0, 255), st.sampled_from([0x3F, 0xA1, 0xA3, 0xB0, 0xD6, 0xC9, 0x41, 0x80, 0xFF]),
                 st.sampled_from([_fallback.BEAM_PIECE, _fallback.BEAM_U, _fallback.BEAM_LOSTB]), annotation_atom)
option = st.lists(atom, min_size=0, max_size=4).map(tuple)
token = st.tuples(st.just("x"), st.lists(option, min_size=1, max_size=3))
neighbour = st.one_of(st.just(""), st.sampled_from(list("中国?!a。“") + ["\ue1a2", "\ud800"]))


@given(st.lists(token, max_size=8), neighbour, neighbour, st.booleans())
def test_beam_on_hostile_tokens(toks, before, after, lost_lead):
    c, py = _cext.mojibake_best(toks, before, after, lost_lead), _fallback.mojibake_best(toks, before, after, lost_lead)
    assert same(c, py), (c, py)


# --- the model ------------------------------------------------------------------

_VOCAB = sorted(char_model().uni)
vocab_char = st.sampled_from(_VOCAB)
some_char = st.one_of(vocab_char, st.characters(blacklist_categories=()))


@given(st.one_of(st.just(""), some_char), some_char)
def test_char_logp(prev, ch):
    c, py = _cext.char_logp(prev, ch), _fallback.char_logp(prev, ch)
    assert c == py and repr(c) == repr(py)


def test_char_logp_every_bigram_of_a_character():
    model = char_model()
    for prev in "的中國,“":
        for pair in [p for p in model.bi if p[0] == prev][:3000]:
            assert _cext.char_logp(prev, pair[1]) == model.logp(prev, pair[1])


neighbour = st.one_of(st.just(""), some_char)


@given(st.one_of(cjk_text, seed_fragment, st.lists(some_char).map("".join)), neighbour, neighbour)
def test_char_score(text, before, after):
    c, py = _cext.char_score(text, before, after), _fallback.char_score(text, before, after)
    assert c == py and repr(c) == repr(py)


def test_char_score_of_the_seeds_is_the_sum_of_its_terms():
    # The stage scores every observed run and recoding with it: whole seed
    # lines, against the twin and against char_logp term by term.
    for path in SEEDS:
        for line in path.read_text(encoding="utf-8").splitlines()[:40]:
            before, after = line[:1], line[-1:]
            body = line[1:-1]
            terms = 0.0
            prev = before
            for ch in body + after:
                terms += _fallback.char_logp(prev, ch)
                prev = ch
            c = _cext.char_score(body, before, after)
            assert c == _fallback.char_score(body, before, after) == terms


# --- the C interface ---------------------------------------------------------------

def test_constants_agree():
    assert lib.TR_BEAM_WIDTH == _fallback.BEAM
    assert lib.TR_BEAM_GUESS_COST == _fallback.GUESS_COST


def _call(prog, ann, cap):
    out = ffi.new("int32_t[]", max(cap, 1))
    out_len, score, guesses = ffi.new("size_t *"), ffi.new("double *"), ffi.new("int64_t *")
    status = lib.tr_mojibake_best(_cext._beam_model().struct, ffi.new("int32_t[]", prog), len(prog),
                                  ffi.new("uint32_t[]", ann or [0]), len(ann), -1, -1, 0, out, cap, out_len,
                                  score, guesses)
    return status, ffi.unpack(out, min(out_len[0], cap)), out_len[0]


def test_small_output_buffer():
    toks = mj_shift.tokens("中國?!笆")
    prog, ann, _texts = _cext._beam_program(toks)
    status, pieces, needed = _call(prog, ann, 64)
    assert status == 0 and needed == len(pieces) >= 4
    assert _call(prog, ann, needed - 1)[0] == 2 and _call(prog, ann, needed - 1)[2] == needed
    assert _call(prog, ann, 0)[0] == 2


@pytest.mark.parametrize("prog, ann", [
    ([], []), ([1], []), ([-1], []), ([1, 1, 1, 300], []), ([1, 1, 2, 65], []), ([0, 7], []),
    ([1, 1, 1, lib.TR_ATOM_ANN], []), ([1, 1, 1, lib.TR_ATOM_ANN], [5, 0x6578, 0xCAFD]),
    ([1, 1, 1, lib.TR_ATOM_ANNCHAR], [1, 0x6578, 0x1CAFD]), ([1, 1, 1, lib.TR_ATOM_ANNCHAR + 3], [1, 0x6578, 0xCAFD]),
])
def test_malformed_program(prog, ann):
    assert _call(prog, ann, 16)[0] == -2


def test_no_reading():
    assert _cext.mojibake_best([("x", [(0x80,)])], "", "", False) is None is _fallback.mojibake_best(
        [("x", [(0x80,)])], "", "", False)
