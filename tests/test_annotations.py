"""The pinyin-annotation stage (issue 9)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given

from helpers import HAN_ANNOTATION, load_json, read_seed
from strategies import cjk_text
import textrepair
from textrepair import _tables

DAMAGED = ["000", "003", "004"]


def valid_annotations(text: str) -> list[str]:
    """Han+(reading) pairs whose reading is one of the character's readings."""
    table = _tables.reading_table()
    found = []
    for m in HAN_ANNOTATION.finditer(text):
        han, syllable = m.group()[0], m.group()[2:-1]
        spelled = table.spell(syllable)
        if spelled and han in table.readings:
            word, tone = spelled
            if word in (table.readings[han] if tone else table.toneless[han]):
                found.append(m.group())
    return found


@pytest.mark.parametrize("seed", DAMAGED)
def test_seed_annotations_removed(seed):
    text = read_seed(seed)
    assert len(valid_annotations(text)) > 100
    assert valid_annotations(textrepair.repair(text)) == []


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_no_residual_annotation_after_han(seed):
    """Every Han+(Latin) left in the output is one of the page's real parentheses."""
    out = textrepair.repair(read_seed(seed))
    left = HAN_ANNOTATION.findall(out)
    assert valid_annotations(out) == []
    assert all(m[2:-1].isupper() for m in left), left  # `能(BI)`, `能(AI)` in seed 001


@pytest.mark.parametrize("seed", DAMAGED)
def test_only_annotations_removed(seed):
    text = read_seed(seed)
    edits = [e for e in textrepair.explain(text) if e.kind == "pinyin-annotation"]
    assert edits
    for e in edits:
        assert e.after == ""
        assert re.fullmatch(r"\([^()]{1,8}\) ?", e.before), e
        assert text[e.start - 1] not in "() "


def test_seed_000_sentence():
    out = textrepair.repair(read_seed("000"))
    assert "我國數字經濟核心產業增加值占GDP比重達到10%左右" in out
    assert "國家發展改革委黨組成員、國家數據局局長劉烈宏" in out


def test_clean_seed_unchanged():
    # Seed 002's only damage is page boilerplate (上一篇/下一篇, a nav bar):
    # without that stage it comes out byte for byte, with it only that goes.
    text = read_seed("002")
    assert textrepair.repair(text, boilerplate=False) == text
    assert textrepair.explain(text, boilerplate=False) == []
    assert {e.kind for e in textrepair.explain(text)} == {"boilerplate"}


@pytest.mark.parametrize("case", load_json("negative.json")["cases"])
def test_negative_cases_survive(case):
    assert textrepair.repair(case) == case
    assert textrepair.repair(case, script="auto") == case


def test_toneless_spaced_variant():
    text = "印發《關(guan) 於(yu) 更好發揮數據要素作用》,以習(xi) 近平新時代中國特色社會(hui) 主義(yi) 思想為(wei) 指導"
    assert textrepair.repair(text) == "印發《關於更好發揮數據要素作用》,以習近平新時代中國特色社會主義思想為指導"


def test_auto_script_undoes_converter_forms():
    text = "堅持和完善製(zhi) 度(du) 體(ti) 係,全麵(mian) 推進"
    assert textrepair.repair(text, script="auto") == "坚持和完善制度体系,全面推进"
    # Without converter evidence "auto" leaves the script alone.
    assert textrepair.repair("全麵推進製度建設", script="auto") == "全麵推進製度建設"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("綠(lǜ)色綠(lv)化", "綠色綠化"),
        ("數(Shù)據(jù)", "數據"),
        ("數(SHÙ)據", "數據"),
        ("數(shu)據(ju)", "數據"),
    ],
)
def test_spellings_recognised(text, expected):
    assert textrepair.repair(text) == expected


def test_wrong_reading_kept():
    # 數 is never read "guo": not an annotation of it.
    assert textrepair.repair("數(guo)據(jù)") == "數(guo)據"


def test_teaching_text_with_repeated_unannotated_character():
    # 長 is annotated once but occurs three times: a gloss, not a converter.
    text = "長(zhǎng)大以後,長江很長。"
    assert textrepair.repair(text) == text


@given(cjk_text)
def test_stage_only_deletes_annotations(text):
    for e in textrepair.explain(text):
        if e.kind == "pinyin-annotation":
            assert e.after == "" and e.before.startswith("(")
