"""``native/lm.c`` and its twin ``_fallback/lm.py`` agree exactly: the same
folds, segmentations and scores, every double equal to the bit."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS
from strategies import cjk_text, seed_fragment
from textrepair import _backend, _fallback
from textrepair._fallback import lm

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402


def bits(x: float) -> str:
    return repr(x) + float.hex(x)


def same_segments(a, b) -> bool:
    return len(a) == len(b) and all(x[:2] == y[:2] and x[3] == y[3] and bits(x[2]) == bits(y[2])
                                    for x, y in zip(a, b))


# Words of the table and their pieces, traditional forms, characters the word
# table has not (punctuation, ASCII, digits, PUA, astral, lone surrogates).
WORDS = ["社保卡", "社保", "医保", "醫保", "基金", "数字经济", "數字經濟", "十四五", "时期", "時期", "海口",
         "中华人民共和国", "人民", "共和国", "的", "了", "和", "发展", "發展", "习近平", "新冠肺炎", "疫情"]
OTHER = list("，。、；：？！“”《》（）,.?!;:ABCabc0123 　\t\n") + ["\ue1a2", "\ue815", "𠀀", "𪚥", "\ud800",
                                                                  "\udc80", "\x00", "ＡＢ", "１２"]
piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(OTHER), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                  st.characters(blacklist_categories=()))
text = st.one_of(st.lists(piece, max_size=24).map("".join), cjk_text, seed_fragment)
short = st.lists(piece, max_size=6).map("".join)


@given(text)
def test_word_score(t):
    c, py = _cext.word_score(t), _fallback.word_score(t)
    assert bits(c) == bits(py), t


@given(text)
def test_word_segments(t):
    c, py = _cext.word_segments(t), _fallback.word_segments(t)
    assert same_segments(c, py), (t, c, py)
    assert [(s, e) for s, e, _lp, _w in py] == sorted((s, e) for s, e, _lp, _w in py)
    assert "".join(t[s:e] for s, e, _lp, _w in py) == t


@given(short, st.lists(short, max_size=6), short)
def test_word_scores(left, candidates, right):
    c = _cext.word_scores(candidates, left, right)
    py = _fallback.word_scores(candidates, left, right)
    assert [bits(x) for x in c] == [bits(x) for x in py]
    # The shared left context changes nothing: each is the whole text's score.
    assert [bits(x) for x in c] == [bits(_cext.word_score(left + cand + right)) for cand in candidates]


@given(short, st.lists(short, max_size=6), short)
def test_word_and_char_scores(left, candidates, right):
    # Both models' scores from one encoding: each the model's own call.
    words, chars = _cext.word_and_char_scores(candidates, left, right)
    py_words, py_chars = _fallback.word_and_char_scores(candidates, left, right)
    assert [bits(x) for x in words] == [bits(x) for x in py_words] == [
        bits(x) for x in _cext.word_scores(candidates, left, right)]
    assert [bits(x) for x in chars] == [bits(x) for x in py_chars] == [
        bits(x) for x in _cext.char_scores(candidates, left, right)]


@given(short, st.lists(short, max_size=6), short)
def test_char_scores(left, candidates, right):
    c = _cext.char_scores(candidates, left, right)
    assert [bits(x) for x in c] == [bits(x) for x in _fallback.char_scores(candidates, left, right)]
    # The left context summed once changes nothing: each is the whole text's score.
    assert [bits(x) for x in c] == [bits(_cext.char_score(left + cand + right)) for cand in candidates]


def test_word_scores_with_long_left_context():
    # A left context longer than the longest word, candidates that complete a
    # word reaching back into it and forward into the right context.
    left = "本市今年将扩大医疗保障范围，持有社"
    candidates = ["保卡", "海口", "", "保", "會保障卡的", "。", "\ue1a2"]
    right = "的居民可以"
    c = _cext.word_scores(candidates, left, right)
    assert [bits(x) for x in c] == [bits(x) for x in _fallback.word_scores(candidates, left, right)]
    assert c[0] > c[1]


@given(text)
def test_fold_text(t):
    assert _cext.fold_text(t) == _fallback.fold_text(t)


@given(st.one_of(st.just(""), piece.filter(lambda p: len(p) == 1)), piece.filter(lambda p: len(p) == 1))
def test_char_logp(prev, ch):
    c, py = _cext.char_logp(prev, ch), _fallback.char_logp(prev, ch)
    assert bits(c) == bits(py)


@given(text, st.sampled_from(["", "中", "。", "\ue1a2", "a"]), st.sampled_from(["", "国", "，", "𠀀"]))
def test_char_score(t, before, after):
    c, py = _cext.char_score(t, before, after), _fallback.char_score(t, before, after)
    assert bits(c) == bits(py)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_lines(path):
    for line in path.read_text(encoding="utf-8").splitlines()[:80]:
        assert bits(_cext.word_score(line)) == bits(_fallback.word_score(line))
        assert same_segments(_cext.word_segments(line), _fallback.word_segments(line))


def test_every_bigram_of_some_characters():
    # The stored bigrams (a hit in the hash table) and their neighbours (misses).
    model = lm.char_model()
    rng = random.Random(3)
    chars = list(model.uni)
    pairs = [p for p in model.bi if p[0] in "的中國,“社"][:6000]
    pairs += [rng.choice(chars) + rng.choice(chars) for _ in range(6000)]
    for prev, ch in pairs:
        assert bits(_cext.char_logp(prev, ch)) == bits(_fallback.char_logp(prev, ch))


def test_char_score_of_the_seeds_is_the_sum_of_its_terms():
    # The judgement scores every window with it: whole seed lines, against
    # the twin and against char_logp term by term.
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
