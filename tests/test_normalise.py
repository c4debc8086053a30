"""The normalise stage: invisible characters, NFC, truncation, whitespace,
width; and repair() as a whole is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import SEEDS, load_json, read_seed
from strategies import cjk_text
import textrepair
from textrepair import Options, apply_edits
from textrepair.stages import normalise

ALL_ON = dict(normalise_whitespace=True, normalise_fullwidth=True, normalise_punctuation=True)

# Text rich in what this stage changes.
layout = st.sampled_from(["\u200b", "\u200c", "\u200d", "\xad", "\ufeff", "\x00", "\x85", "\x7f", "\ufffd",
                          "\ufffd\ufffd", " ", "\t", "\u3000", "\xa0", "\r\n", "\r", "\n", "\n\n\n", "\u2028",
                          "\u2029", "，", ",", ".", ":", "?", "!", ";", "Ａ", "１", "ｚ", "e\u0301", "\u0308",
                          "http://a.b/c?d=1", "www.例子.中国", "5.2", "中", "文", "a", "👨", "\U00020000"])
layout_text = st.lists(st.one_of(layout, cjk_text.map(lambda t: t[:12])), max_size=25).map("".join)
texts = st.one_of(cjk_text, layout_text)


def fix(text, **options):
    return normalise.fix(text, Options(**options))


@pytest.mark.parametrize("case", load_json("negative.json")["cases"])
def test_clean_cases_unchanged_even_with_every_part_on(case):
    # The defaults leave clean text alone; the negative cases hold ASCII
    # punctuation between Han on purpose, so the punctuation part stays off here.
    assert fix(case) == (case, [])
    assert normalise.fix_text(case, Options(normalise_fullwidth=True)) == case


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_unchanged_by_default(path):
    # The seeds hold NBSP lines, indentation and ASCII punctuation: all clean.
    text = path.read_text(encoding="utf-8")
    assert fix(text) == (text, [])


def test_seed_002_through_repair():
    # Its footer is boilerplate (that stage's business); the rest is clean.
    text = read_seed("002")
    assert textrepair.repair(text, boilerplate=False) == text and textrepair.explain(text, boilerplate=False) == []


@pytest.mark.parametrize("text, expected", [
    ("数据\u200b要素", "数据要素"),
    ("数据\xad要素", "数据要素"),
    ("数据\ufeff要素", "数据要素"),
    ("数据\x00\x07\x85要素", "数据要素"),
    ("数据\u200d要素", "数据要素"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # an emoji sequence keeps its joiners
    ("\u0645\u200c\u06cc", "\u0645\u200c\u06cc"),  # so does Persian
    ("第一行\n\t第二行\r\n", "第一行\n\t第二行\r\n"),  # tab and line breaks are not controls
])
def test_invisible(text, expected):
    fixed, edits = fix(text)
    assert fixed == expected
    assert all(e.kind == "invisible" for e in edits) and apply_edits(text, edits) == fixed


@pytest.mark.parametrize("text, expected", [
    ("国家数据局表示\ufffd", "国家数据局表示"),
    ("国家数据局表示\ufffd\ufffd\n下一段", "国家数据局表示\n下一段"),
    ("表示\ufffd  \r\n", "表示  \r\n"),
    ("数据要素\ufffd改革", "数据要素\ufffd改革"),  # inside text it stays
    ("壞\ufffd\ufffd\ufffd\ufffd\n", "壞\ufffd\ufffd\ufffd\ufffd\n"),  # four: not one cut character
])
def test_truncated(text, expected):
    fixed, edits = fix(text)
    assert fixed == expected
    assert all(e.kind == "truncated" for e in edits) and apply_edits(text, edits) == fixed
    assert textrepair.repair(text) == expected


def test_nfc():
    fixed, edits = fix("lu\u0308\u030c se\u0301")
    assert fixed == "lǚ sé" and [(e.before, e.after) for e in edits] == [("u\u0308\u030c", "ǚ"), ("e\u0301", "é")]
    assert all(e.kind == "nfc" for e in edits)
    assert fix("lǚ", normalise_nfc=False)[0] == "lǚ"
    assert fix("lu\u0308\u030c", normalise_nfc=False)[0] == "lu\u0308\u030c"


@pytest.mark.parametrize("text, expected", [
    ("\u3000\u3000第一段。\n\xa0\n\n\u3000\u3000第二段。  \n", "第一段。\n\n第二段。\n"),
    ("一\r\n二\r三\u2028四", "一\n二\n三\n四"),
    ("08:25\xa0\xa0人民郵電報", "08:25  人民郵電報"),
    ("  \n\n", ""),
    ("甲\t乙", "甲\t乙"),
])
def test_whitespace(text, expected):
    fixed, edits = fix(text, normalise_whitespace=True)
    assert fixed == expected and apply_edits(text, edits) == fixed
    assert fix(text) == (text, [])  # off by default


def test_fullwidth():
    assert fix("ＧＤＰ增长５．２％", normalise_fullwidth=True)[0] == "GDP增长5．2％"
    assert fix("ＧＤＰ", normalise_fullwidth=True)[1][0].kind == "fullwidth"
    assert fix("ＧＤＰ") == ("ＧＤＰ", [])


@pytest.mark.parametrize("text, expected", [
    ("各位媒体朋友,大家好!感谢大家", "各位媒体朋友，大家好！感谢大家"),
    ("他说:这不可能;真的?是的", "他说：这不可能；真的？是的"),
    ("增长5.2%,环比", "增长5.2%,环比"),  # a number on one side
    ("请访问 https://例子.中国/路径 获取", "请访问 https://例子.中国/路径 获取"),
    ("调用 print(\"你好\"); 输出", "调用 print(\"你好\"); 输出"),
    ("中 , 文", "中 , 文"),
])
def test_punctuation(text, expected):
    assert fix(text, normalise_punctuation=True)[0] == expected
    assert fix(text)[0] == text


def test_switches():
    text = "数据\u200b要素\ufffd"
    assert textrepair.repair(text, normalise=False) == text
    assert textrepair.repair(text, normalise_invisible=False) == "数据\u200b要素"
    assert textrepair.repair(text, normalise_truncated=False) == "数据要素\ufffd"
    with pytest.raises(TypeError):
        Options(normalise_whitespace="yes")


@given(texts)
def test_fix_text_matches_fix_and_edits_apply(text):
    for options in (Options(), Options(**ALL_ON)):
        fixed, edits = normalise.fix(text, options)
        assert normalise.fix_text(text, options) == fixed
        assert apply_edits(text, edits) == fixed
        assert all(e.before != e.after for e in edits)


@given(texts)
def test_stage_idempotent(text):
    for options in (Options(), Options(**ALL_ON)):
        once = normalise.fix_text(text, options)
        assert normalise.fix_text(once, options) == once


@given(texts)
def test_repair_idempotent_without_mojibake(text):
    # Annotations, normalise (every part) and script together are idempotent.
    for options in ({"mojibake": False}, dict(ALL_ON, mojibake=False), {"mojibake": False, "script": "auto"}):
        once = textrepair.repair(text, **options)
        assert textrepair.repair(once, **options) == once
        assert apply_edits(text, textrepair.explain(text, **options)) == once


# Once counterexamples: removing an annotation or an invisible character
# brought a byte-shift pattern together that only a second call repaired; the
# pipeline now repeats its passes until the text stops changing.
@settings(max_examples=400)
@example("數(shù)??!")
@example("\u200b?，")
@given(texts)
def test_repair_idempotent(text):
    once = textrepair.repair(text)
    assert textrepair.repair(once) == once
    assert apply_edits(text, textrepair.explain(text)) == once


# --- Issue 17: NFC composes only what is decomposed, in linear time

import unicodedata  # noqa: E402


@pytest.mark.parametrize("text", [
    "\ufa0c", "\uf9b2", "\uf900", "突\ufa0c的山峰", "\u0958", "\u0958\u093c", "\ufa0c\u0301", "\u2126", "\u212b",
    "\u037e", "a\u0344", "\u0340",
], ids=["FA0C", "F9B2", "F900", "in-text", "0958", "0958+nukta", "compat+mark", "ohm", "angstrom", "greek-qmark",
        "a+0344", "0340"])
def test_nfc_never_maps_a_singleton_or_an_exclusion(text):
    assert unicodedata.normalize("NFC", text) != text  # NFC itself would rewrite each
    assert textrepair.repair(text) == text
    assert textrepair.explain(text) == []


def test_big5_decoder_output_survives():
    text = bytes.fromhex("c94a").decode("big5")  # Python's Big5 codec gives U+FA0C
    assert text == "\ufa0c"
    assert textrepair.repair("突" + text + "的山峰") == "突\ufa0c的山峰"


@pytest.mark.parametrize("text, expected", [
    ("lu\u0308\u030c", "lǚ"),
    ("e\u0301\u0323", "ẹ\u0301"),  # reordered, then composed
    ("\u1100\u1161\u11a8", "각"),  # Hangul jamo compose by the algorithm
    ("\u0bc6\u0bbe", "\u0bca"),  # a second half of combining class 0
    ("\ufa0ca\u0301", "\ufa0cá"),  # a mapped character elsewhere on the line does not stop its neighbours
])
def test_nfc_composes_what_is_decomposed(text, expected):
    assert textrepair.repair(text) == expected


def test_combining_flood_is_composed_in_linear_time():
    # Issue 17: ~10 s in unicodedata.normalize; the expected form by hand:
    # canonical order puts the 50,000 U+0316 (class 220) before the U+0301
    # (230), and the first U+0301 composes with the "a".
    text = "a" + "\u0316\u0301" * 50_000
    assert textrepair.repair(text) == "\xe1" + "\u0316" * 50_000 + "\u0301" * 49_999


def _mapped(text: str) -> bool:
    return any(unicodedata.normalize("NFC", ch) != ch for ch in text)


marks = st.text(st.sampled_from(["a", "e", "u", "A", "中", " ", "\n", "\u0300", "\u0301", "\u0308", "\u030c", "\u0316",
                                 "\u0323", "\u0327", "\u1100", "\u1161", "\u11a8", "\uac00", "\u0bc6", "\u0bbe",
                                 "\u0915", "\u093c", "\ufa0c", "\u0958", "\u0344", "\U0001d157", "\U0001d165"]),
                max_size=12)


@given(marks)
def test_nfc_part_is_nfc_where_nothing_is_mapped(text):
    fixed, edits = fix(text)
    assert apply_edits(text, edits) == fixed and normalise.fix_text(text, Options()) == fixed
    if not _mapped(text):
        assert fixed == unicodedata.normalize("NFC", text)
    assert fix(fixed) == (fixed, [])  # idempotent
    # Every mapped character stays as written.
    assert [ch for ch in text if _mapped(ch)] == [ch for ch in fixed if _mapped(ch)]
