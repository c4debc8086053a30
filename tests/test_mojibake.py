"""The mojibake stage: GBK byte-shift runs in the seeds, and clean text."""

from __future__ import annotations

import pytest

from helpers import HAN_ANNOTATION, load_json, read_seed
import textrepair
from textrepair import apply_edits
from textrepair.options import Options
from textrepair.stages import mojibake

FIXTURES = load_json("mojibake_seeds.json")
RUNS = FIXTURES["runs"]


@pytest.fixture(scope="module")
def repaired_seeds():
    return {seed: mojibake.fix_text(read_seed(seed), Options()) for seed in ("000", "001", "003", "004")}


# Runs the character bigram model still gets wrong (保 after 醫/社 loses to a
# likelier neighbour); strict, so a fix shows up as XPASS.
KNOWN_WRONG = {"電子社保卡,覆蓋", "保障了醫保基金的安全。"}
CASES = [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="model")) if c["expected"] in KNOWN_WRONG else c
         for c in RUNS]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["seed"] + ":" + c["expected"][:8])
def test_every_byte_shift_run_in_the_seeds_is_repaired(case, repaired_seeds):
    assert case["context"] in read_seed(case["seed"])
    fixed = repaired_seeds[case["seed"]]
    assert case["expected"] in fixed
    assert case["context"] not in fixed


@pytest.mark.parametrize("case", FIXTURES["real_question_marks"], ids=lambda c: c["context"])
def test_real_question_marks_survive(case, repaired_seeds):
    assert case["context"] in repaired_seeds[case["seed"]]


@pytest.mark.parametrize("seed", ["000", "003", "004"])
def test_no_annotation_survives_the_pipeline(seed):
    # Issue 9: annotations inside byte-shift runs come out with the run.
    out = textrepair.repair(read_seed(seed))
    assert HAN_ANNOTATION.findall(out) == []
    assert "\ue1a2" not in out and "?!" not in out


@pytest.mark.parametrize("text", load_json("negative.json")["cases"])
def test_clean_text_unchanged(text):
    assert mojibake.fix_text(text, Options()) == text


def test_seed_002_unchanged():
    text = read_seed("002")
    assert mojibake.fix(text, Options()) == (text, [])


def test_edits_describe_the_repair():
    text = "持續“升溫”?!案咝мk成一件事"
    fixed, edits = mojibake.fix(text, Options())
    assert fixed == "持續“升溫”。“高效辦成一件事"
    assert apply_edits(text, edits) == fixed
    assert [e.kind for e in edits] == ["gbk-shift"]
    assert 0.5 <= edits[0].confidence <= 0.99


@pytest.mark.parametrize("lost, expected", [("drop", "好。”x1"), ("keep", "好。”?x1"), ("mark", "好。”\ufffdx1")])
def test_lost_bytes_follow_the_option(lost, expected):
    # 好。”+ a lost ASCII byte: no tag name follows, so it cannot be restored.
    assert textrepair.repair("好?!?x1", mojibake_lost=lost, annotations=False) == expected


def test_switch_off():
    text = "支持?!笆\ue1a2奈濉睍r期"
    assert textrepair.repair(text, mojibake=False) == text
    with pytest.raises(ValueError, match="mojibake_lost"):
        Options(mojibake_lost="x")
