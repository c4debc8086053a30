"""The mojibake stage: GBK byte-shift runs in the seeds, and clean text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import HAN_ANNOTATION, load_json, read_seed
import textrepair
from textrepair import apply_edits
from textrepair._cjkcodec import FOLD, cp936_decode, encode_char, fold
from textrepair.options import Options
from textrepair import _backend
from textrepair.stages import mojibake
from textrepair.stages.mojibake import shift as mj_shift
from textrepair._fallback import shift as mj_twin

FIXTURES = load_json("mojibake_seeds.json")
RUNS = FIXTURES["runs"]


@pytest.fixture(scope="module")
def repaired_seeds():
    return {seed: mojibake.fix_text(read_seed(seed), Options()) for seed in ("000", "001", "003", "004")}


# Runs the model still gets wrong: 省 (lead CA lost) before （區、市） loses to
# 小, far commoner to both models; strict, so a fix shows up as XPASS.
KNOWN_WRONG = {"覆蓋80%的省(區、市)"}
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


@pytest.mark.parametrize("lost, expected", [("drop", "“好。”x1"), ("keep", "“好。”?x1"), ("mark", "“好。”\ufffdx1")])
def test_lost_bytes_follow_the_option(lost, expected):
    # 好。”+ a lost ASCII byte: no tag name follows, so it cannot be restored.
    assert textrepair.repair("“好?!?x1", mojibake_lost=lost, annotations=False) == expected


def test_switch_off():
    text = "支持?!笆\ue1a2奈濉睍r期"
    assert textrepair.repair(text, mojibake=False) == text
    with pytest.raises(ValueError, match="mojibake_lost"):
        Options(mojibake_lost="x")


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seeds_need_no_codec_repair(seed):
    # The seeds hold byte-shift runs only; nothing else may change (NBSP pairs, rare Han).
    _fixed, edits = mojibake.fix(read_seed(seed), Options())
    assert {e.kind for e in edits} <= {"gbk-shift"}


@pytest.mark.parametrize("damaged, expected, kind", [
    ("发布会:鏂伴椈鍙戝竷", "发布会:新闻发布", "utf8-as-gbk"),
    ("ÖÐ¹ú", "中国", "gbk-as-latin1"),
    ("ÓůÓĂČíĽţ(YYRJ)", "御用软件(YYRJ)", "gbk-as-cp1250"),
    ("鏁版嵁瑕佺礌甯傚満鍖栭厤缃�鏀归潻", "数据要素市场化配置改革", "utf8-as-gbk"),
])
def test_wrong_codec_repaired(damaged, expected, kind):
    fixed, edits = mojibake.fix(damaged, Options())
    assert fixed == expected
    assert [e.kind for e in edits] == [kind]


def test_big5_read_as_gbk():
    text = "國家數據局局長表示將繼續推進數據要素市場化配置改革"
    damaged = cp936_decode(text.encode("big5"))  # as Windows would read it
    assert mojibake.fix_text(damaged, Options()) == text


def test_lost_bytes_reported():
    text = "数据锟斤拷要素"
    fixed, edits = mojibake.fix(text, Options())
    assert fixed == "数据要素" and edits[0].kind == "lost-byte"
    assert mojibake.fix_text(text, Options(mojibake_lost="keep")) == text
    assert mojibake.fix_text(text, Options(mojibake_lost="mark")) == "数据\ufffd要素"


@pytest.mark.parametrize("text", ["Müller café naïve Ångström", "价格\xa0\xa0上涨", "©2024 版权所有®",
                                  "温度 25°C ± 2°C", "Straße größer Ökonomie",
                                  "綠(lǜ)色綠(lv)化", "これは日本語の文章です。", "ソフトウェアの開発", "注音符號ㄅㄆㄇㄈ"])
def test_latin_text_unchanged(text):
    assert mojibake.fix_text(text, Options()) == text


@given(st.text(alphabet=st.sampled_from(list("\x00?!<>/ \nabzAZ09數\ufffd")), max_size=12),
       st.text(alphabet=st.sampled_from(list("/ >\nspanSPAN019數<")), max_size=40),
       st.sampled_from(["keep", "drop", "mark"]))
def test_lost_bytes_need_only_the_reach_of_a_tag_name(out, rest, lost):
    # repair_run hands _restore_lost only what a tag name can reach of the
    # text after the run (a copy of the whole rest made 10 MB quadratic).
    reach = mj_shift._TAG_AFTER_REACH.match(rest).group()
    assert mj_shift._restore_lost(out, reach, lost) == mj_shift._restore_lost(out, rest, lost)


def test_a_long_page_of_byte_shift_runs_is_repaired_like_its_pieces():
    page = read_seed("001")
    assert mojibake.fix_text(page * 30, Options()) == mojibake.fix_text(page, Options()) * 30


def test_fold_table_folds_exactly_as_fold_does():
    # observed_text and the codec readings fold a whole run with one translate
    # table; it must agree with the per-character fold the hypotheses are
    # scored with, everywhere.
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    assert every.translate(FOLD) == "".join(map(fold, every))


def test_plain_tokens_are_the_characters_own_bytes():
    for ch in "笆中!,，。a":
        text, options = mj_twin._plain_token(ch)
        assert text == ch
        raw = encode_char(ch)
        assert tuple(raw) in {o[-len(raw):] for o in options}
    assert mj_twin._plain_token("\U0001F600") is None  # cp936 cannot write it




# --- the closing marks of a paragraph --------------------------------------------------------

#: A cut before the ghost ！ of 。」/。】/。” at a paragraph's end: ``?!?`` (the
#: decoder shows lone bytes) or ``!`` (it drops them), where the paragraph
#: opened the quotation.  The pairing chooses the mark, and the model weighs
#: the reading as if it were ” (its news corpus closes quotations with ”).
CLOSED = [
    ("我很喜歡這個?!感‰u很可愛,價格便宜?!?", "我很喜歡這個。「小雞很可愛,價格便宜。」"),
    ("「這個不錯?!?\n感覺質量很好。", "「這個不錯。」\n感覺質量很好。"),
    ("我很喜欢这个?!拘〖\ue786芸砂?,价格便宜?!?", "我很喜欢这个。【小鸡很可爱,价格便宜。】"),
    # the trail letter that realigned the run is a sign with the character after it
    ("這個不錯?!案杏X質量很好?!?", "這個不錯。“感覺質量很好。”"),
    # a decoder that drops lone bytes: the page's other damage vouches for the final 。”
    ("我很喜欢这个!靶〖\ue786芸砂,价格便宜!", "我很喜欢这个。“小鸡很可爱,价格便宜。”"),
]


@pytest.mark.parametrize("damaged, clean", CLOSED)
def test_a_cut_paragraph_end_closes_its_quotation(damaged, clean):
    assert textrepair.repair(damaged) == clean
    assert textrepair.repair(clean) == clean


#: A paragraph-final ``!`` after an open quotation, clean: no damage on the
#: page, or a page whose cut shows its lone bytes as ``?`` (so its decoder
#: dropped nothing and the ``!`` is what the writer wrote).
OPEN_AND_CLEAN = [
    "“这个不错!\n感觉质量很好。",
    "孩子睜開眼第一句話就是:“媽媽,我喜歡閱讀!",
    "感謝各位對數據工作的關心和支持?!笆\ue1a2奈濉睍r期,孩子說:“媽媽,我喜歡閱讀!",
]


@pytest.mark.parametrize("text", OPEN_AND_CLEAN)
def test_an_open_quotation_at_a_clean_paragraph_end_stays(text):
    fixed = textrepair.repair(text)
    assert fixed.endswith(text[-12:])
    assert textrepair.repair(fixed) == fixed


def test_a_closing_mark_the_pairing_chose_is_not_split_among_copies():
    # Each reading is a rival once: 。」 alone closes 「, so it takes the whole posterior.
    verdict = _backend.impl.shift_judge("宜?!?", "價格便", "", "「")
    assert verdict.apply and verdict.out == "宜。」" and verdict.confidence > 0.9


def test_runs_judged_near_a_dropping_decoders_damage_never_overlap(monkeypatch):
    # A paragraph-final `匀!` and the run a `!` between wide characters starts
    # (`!缸匀`) share 匀: the second is looked for outside the first, so no
    # two readings splice over one character.
    from textrepair.stages.mojibake import shift as stage_shift

    judged = []
    real = stage_shift._verdict

    def recording(text, start, end, applied, keeps_pua):
        judged.append((text, start, end))
        return real(text, start, end, applied, keeps_pua)

    monkeypatch.setattr(stage_shift, "_verdict", recording)
    text = "我很喜欢这个!靶〖\ue786芸砂,价格便宜\n好!缸匀!\n"
    textrepair.repair(text)
    # the paragraph-final ! was judged in some pass (the page is cut)
    assert any(e == len(t) - 1 and t[e - 1] == "!" for t, _s, e in judged), judged
    for seen in {t for t, _s, _e in judged}:  # each pass's text
        spans = sorted({(s, e) for t, s, e in judged if t == seen})
        assert all(end <= start for (_s, end), (start, _e) in zip(spans, spans[1:])), spans


# A dropping decoder (seed 004's final one) loses the lone byte before a ghost
# ！ or ； with no mark, so its run starts on a bare `!`/`;` between wide
# characters; where the characters read out of step are salad, the run is damage
# on its own, on a page with no other damage (and may end on a lead byte dropped
# before a digit: `辽50`).
DROPPED_ALONE = ["房间不大。【我打算明年再来,这里的服务很好。】", "设施一般,比较旧。环境比较安静,早餐很丰富。",
                 "每次都住這家酒店,習慣了。【這回房間感覺有點舊。】",
                 "价格还不便宜。【我打算至少50年内不会再去了。】", "我们吃得很开心。“下次还会再来 一定会推荐给朋友。”"]


@pytest.mark.parametrize("clean", DROPPED_ALONE)
def test_a_dropping_decoders_run_is_read_on_a_page_with_no_other_damage(clean):
    case = _cases().make("gbk-shift-drop", clean)
    assert case.damaged != case.target and "?" not in case.damaged
    assert textrepair.repair(case.damaged) == case.target


@pytest.mark.parametrize("text", ["真是的!饕餮盛宴就在眼前", "他喊道:快跑!踉踉跄跄地冲出门", "价格便宜;耄耋老人也爱用",
                                  "哇!琵琶曲太好听了!", "最后;觊觎已久的位置", "很不方便!我們明天再來吧",
                                  "太好了!买了T恤", "哎!做了B超才知道", "赞!用了C语言写的", "好;这是A类"])
def test_a_mark_before_rare_but_real_words_stays(text):
    assert textrepair.repair(text) == text


def _cases():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ sits at the root
    from benchmarks.damage import cases

    return cases


def test_a_dropped_private_use_pair_is_read_by_the_word_model():
    # A farm's decoder dropped the out-of-step pair of 同's trail and 程's lead
    # (a private-use pair): the reading that guessed those bytes (不同程度)
    # must reach the word model, not merge into the one that guessed fewer (不吞度).
    damaged = ("大概看了一下这本书,先以医生的角度分析人们在日?;迪肮咴斐刹煌潭鹊姆逝?,"
               "而后通过每种形成原因对症下药。")
    assert textrepair.repair(damaged) == ("大概看了一下这本书,先以医生的角度分析人们在日常坏习惯造成不同程度的肥胖,"
                                          "而后通过每种形成原因对症下药。")


def test_a_later_pass_keeps_the_pages_decoder(monkeypatch):
    # Seed 001 shows private-use characters, so its decoder kept them; once
    # the first pass has repaired them all, the second pass still judges the
    # page's runs as that decoder's (no reading that drops a private-use
    # pair), so a run met again unchanged (a real ``況?謝謝。``) is the same
    # question and is not judged again.
    asked = []
    real = _backend.impl.shift_judge

    def judge(run, left, right, opened="", keeps_pua=True):
        asked.append((run, left, right, opened, keeps_pua))
        return real(run, left, right, opened, keeps_pua)

    monkeypatch.setattr(_backend.impl, "shift_judge", judge)
    textrepair.repair(read_seed("001"))
    assert asked and all(keeps for *_question, keeps in asked)
    assert len(asked) == len(set(asked))


def test_a_ghost_question_mark_does_not_say_the_decoder_shows_lone_bytes():
    # A dropping decoder's page (the lone byte on each side of a cut is
    # gone): 。看 is A1A3 BFB4, the ghost ？ A3BF shows as ``?`` after 事,
    # and a paragraph-final ``!`` is 。” (A1 dropped, ghost ！, B1 dropped).
    # Taking that ``?`` for a lone byte made the page one whose ``!`` is
    # what it says, and the second paragraph's 。” was left.
    cases = _cases()
    paragraphs = ["兒子從1歲開始就非常喜歡看書聽故事。看完這本書之後，希望能以更好的方式引導他。",
                  "早餐很難喫也就罷了。“午飯想點菜，但被告知只有自助餐提供。”"]
    made = [cases.make("gbk-shift-drop", p) for p in paragraphs]
    assert "事?" in made[0].damaged and made[1].damaged.endswith("提供!")
    page = "\n".join(c.damaged for c in made)
    assert textrepair.repair(page) == "\n".join(c.target for c in made)
