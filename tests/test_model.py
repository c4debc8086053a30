"""The language model: the word table's scores (the issue's figures), the
fold, the backoff, the character model's precomputed terms, and the
binary container both backends read."""

from __future__ import annotations

import math
import mmap
from pathlib import Path

import pytest

from textrepair import _backend, _cjkcodec
from textrepair._fallback import lm

LN10 = math.log(10)


def log10_score(text: str) -> float:
    return _backend.impl.word_score(text) / LN10


def words_of(text: str) -> list[str]:
    return [text[s:e] for s, e, _lp, _w in _backend.impl.word_segments(text)]


# --- the issue's figures (wordfreq large_zh, log10, best segmentation) --------

def test_figures_of_the_issue():
    assert log10_score("社保卡") == pytest.approx(-7.00, abs=1e-6)
    assert log10_score("社海口") == pytest.approx(-9.46, abs=1e-6)
    assert words_of("社海口") == ["社", "海口"]
    assert log10_score("医保基金") == pytest.approx(-9.29, abs=1e-6)
    assert words_of("医保基金") == ["医保", "基金"]


def test_punctuation_backs_off_to_the_character_model():
    model = lm.word_model()
    segments = _backend.impl.word_segments("医。基金")
    assert [(s, e, w) for s, e, _lp, w in segments] == [(0, 1, True), (1, 2, False), (2, 4, True)]
    backoff = segments[1][2]
    assert backoff == model.ln_beta + lm.char_model().ln_uni_of("。")
    assert log10_score("医。基金") == pytest.approx(-4.90 + backoff / LN10 - 4.01, abs=1e-6)
    # The modern reading wins over the 1998 model's choice ("。" is a common
    # token, about 3% of the news corpus's, so it costs little on its own).
    assert log10_score("医保基金") - log10_score("医。基金") > 1
    assert log10_score("社保卡") - log10_score("社海口") > 2


@pytest.mark.parametrize("traditional, simplified", [("社保卡", "社保卡"), ("醫保基金", "医保基金"),
                                                     ("數字經濟", "数字经济"), ("時期", "时期"), ("為", "为")])
def test_traditional_scores_as_its_simplified_fold(traditional, simplified):
    assert _backend.impl.fold_text(traditional) == simplified
    assert _backend.impl.word_score(traditional) == _backend.impl.word_score(simplified)


def test_fullwidth_folds_to_ascii():
    assert _backend.impl.fold_text("，ＡＢ１") == ",AB1"
    assert _backend.impl.word_score("社保卡，") == _backend.impl.word_score("社保卡,")


@pytest.mark.parametrize("ch", ["。", "A", "7", "\ue1a2", "𠀀", "\ud800", " "])
def test_characters_in_no_word_cost_beta_times_their_unigram(ch):
    model = lm.word_model()
    ((start, end, lp, in_table),) = _backend.impl.word_segments(ch)
    assert (start, end, in_table) == (0, 1, False)
    assert lp == model.ln_beta + lm.char_model().ln_uni_of(ch)


def test_score_is_the_sum_of_the_segments():
    text = "持有社保卡的居民，可以在醫保基金的定點醫院就醫。"
    total = 0.0
    for _s, _e, lp, _w in _backend.impl.word_segments(text):
        total += lp
    assert total == _backend.impl.word_score(text)


def test_word_scores_of_candidates_in_context():
    candidates = ["保卡", "海口", "会保障"]
    scores = _backend.impl.word_scores(candidates, "持有社", "的居民")
    assert scores == [_backend.impl.word_score("持有社" + c + "的居民") for c in candidates]
    assert scores[0] > scores[1]
    assert _backend.impl.word_scores([], "a", "b") == []
    assert _backend.impl.word_score("") == 0.0


def test_word_table():
    model = lm.word_model()
    assert model.logp("社保卡") == pytest.approx(-7.00 * LN10, abs=1e-5)
    assert model.logp("社海") is None and model.logp("") is None and model.logp("社保卡x") is None
    assert model.logp("醫保") is None  # the table holds folded words only; scoring folds the text
    assert 1 < math.exp(model.ln_beta) < 10
    assert model.max_len >= 8


# --- the fold table is OpenCC's, first candidate ------------------------------

def test_fold_table_is_opencc_ts_characters():
    opencc = pytest.importorskip("opencc")
    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    expected = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, candidates = line.split("\t")
        if candidates.split(" ")[0] != source:
            expected[ord(source)] = ord(candidates.split(" ")[0])
    fold = lm.word_model().fold_tables
    assert dict(zip(fold["from"], fold["to"])) == expected
    assert list(fold["from"]) == sorted(fold["from"])


# --- the character model ---------------------------------------------------------

def test_char_model_keeps_its_interface():
    model = _cjkcodec.char_model()
    assert model is lm.char_model()
    assert isinstance(model, _cjkcodec.CharModel)
    assert model.uni["中"] == model.uni.get("中") > _cjkcodec.RARE_BELOW
    assert "中" in model.uni and "\x00" not in model.uni and "中国" not in model.uni
    assert model.uni.get("\x00") is None and len(model.uni) == len(list(model.uni)) == len(dict(model.uni.items()))
    assert "中国" in model.bi and model.bi["中国"] == model.logp("中", "国")
    assert model.score("中国", "", "人") == model.logp("", "中") + model.logp("中", "国") + model.logp("国", "人")


def test_unseen_bigram_is_backoff_weight_plus_continuation():
    model = lm.char_model()
    p, c = model.index("中"), model.index("鍀")
    assert "中鍀" not in model.bi
    assert model.logp("中", "鍀") == model.ln_gamma[p] + model.ln_cont[c]
    assert model.logp("中", "\ue1a2") == model.ln_gamma[p] + model.ln_cont_unknown
    assert model.logp("\ue1a2", "中") == model.ln_uni[p] == model.logp("", "中")


def test_precomputed_terms_agree_with_the_counts():
    # What build_char_model.py derives from the counts it stores, recomputed.
    model = lm.char_model()
    t = model.tables
    total, vocab, types = t["total"][0], t["vocab"][0], t["types"][0]
    assert vocab == model.chars + 1
    followers = [0] * model.chars
    preceders = [0] * model.chars
    stored = 0
    for k in model.keys:
        if k != lm.EMPTY:
            followers[k >> 16] += 1
            preceders[k & 0xFFFF] += 1
            stored += 1
    assert stored == types == len(model.bi)
    for i in range(0, model.chars, 7):
        p_uni = (model.count[i] + 1) / (total + vocab)
        assert model.ln_uni[i] == math.log(p_uni)
        assert model.ln_cont[i] == math.log(0.9 * preceders[i] / types + 0.1 * p_uni)
        assert model.ln_gamma[i] == math.log((0.75 * followers[i] + 1) / model.count[i])
    assert model.ln_uni_unknown == math.log(1 / (total + vocab))


def test_tables_are_mapped_not_parsed():
    for tables in (lm.char_model().tables, lm.word_model().tables, lm.word_model().fold_tables):
        assert isinstance(tables.buffer, mmap.mmap)
        assert all(isinstance(v, memoryview) for v in tables.sections.values())


# --- the container ------------------------------------------------------------------

def test_container_round_trip():
    raw = lm.pack(b"TEST", [("a", "H", [1, 65535]), ("bb", "I", [7]), ("c", "f", [0.5]), ("d", "d", [-1.25, 2.0]),
                           ("e", "Q", [1 << 40])])
    t = lm.Tables(raw, b"TEST")
    assert list(t["a"]) == [1, 65535] and list(t["bb"]) == [7] and list(t["c"]) == [0.5]
    assert list(t["d"]) == [-1.25, 2.0] and list(t["e"]) == [1 << 40]


def test_container_refuses_other_files(tmp_path):
    raw = lm.pack(b"TEST", [("a", "I", [1])])
    with pytest.raises(ValueError):
        lm.Tables(raw, b"WORD")
    with pytest.raises(ValueError):
        lm.Tables(raw[:-8], b"TEST")  # a section past the end
    path = tmp_path / "t.bin"
    path.write_bytes(raw)
    assert list(lm.Tables(path, b"TEST")["a"]) == [1]
