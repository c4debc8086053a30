"""UTF-8 read as GBK: where an island may start, how many bytes it may
guess, and the script of a lost byte's character (issue 18)."""

from __future__ import annotations

import pytest

import textrepair
from textrepair._fallback.readings import FIRST, second_byte_ok, utf8_islands
from textrepair.stages.mojibake.codecs_judge import fill, foreign_script
from textrepair.stages.mojibake.model import script_chars


def _repair(text: str) -> str:
    return textrepair.Repairer(annotations=False, markup=False, boilerplate=False, normalise=False).repair(text)


def _as_gbk(clean: str, errors: str) -> str:
    """``clean`` as UTF-8 bytes read by the GBK decoder (``replace``: U+FFFD
    for what it rejects; ``ignore``: dropped with no mark)."""
    return clean.encode("utf-8").decode("gbk", errors)


def test_a_clean_character_whose_gbk_bytes_are_no_utf8_lead_starts_no_island():
    # 魯 is F4 B3 in GBK: F4 may only be followed by 80-8F in UTF-8, so no
    # character starts there, and the damage after it is read on its own.
    assert "魯".encode("gbk")[0] == 0xF4
    text = "粗魯。" + _as_gbk("下次絕對不再住。", "replace")
    assert _repair(text) == "粗魯。下次絕對不再住。"


@pytest.mark.parametrize("lead, second, ok", [(0xE0, 0x9F, False), (0xE0, 0xA0, True), (0xED, 0xA0, False),
                                              (0xED, 0x9F, True), (0xF0, 0x8F, False), (0xF0, 0x90, True),
                                              (0xE4, 0x80, True)])
def test_second_byte_follows_well_formed_utf8(lead, second, ok):
    assert second_byte_ok(lead, second) is ok
    want = second_byte_ok(lead, second) or None
    try:
        decoded = bytes((lead, second, 0x80, 0x80)[: 3 if lead < 0xF0 else 4]).decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    assert (decoded is not None) is bool(want)


def test_four_byte_leads_beyond_f0_start_no_island():
    # F1-F4 spell planes 4-16 (unassigned or private use): never text.
    codes = [(b + 2) | (FIRST if i % 4 == 0 else 0) for i, b in enumerate(bytes((0xF2, 0x9E, 0xA1, 0xA3)) * 2)]
    assert utf8_islands(codes, False) == []
    codes = [(b + 2) | (FIRST if i % 4 == 0 else 0) for i, b in enumerate("😀😀".encode("utf-8"))]
    assert utf8_islands(codes, False) == [(0, 2)]


def test_a_short_sentence_that_lost_a_byte_of_most_characters_is_read():
    # 7 characters, 5 of them short of a byte with no mark (the decoder
    # skipped what it rejected): 16 of 21 bytes survive.
    text = "看了之後你還敢去嗎？" + _as_gbk("老實說我不敢！", "ignore")
    assert _repair(text) == "看了之後你還敢去嗎？老實說我不敢！"


def test_script_chars_come_from_opencc_tables():
    traditional, simplified = script_chars()
    assert {"說", "髮", "這"} <= traditional and {"说", "这", "个"} <= simplified
    assert not traditional & simplified
    assert not {"於", "后", "中", "一"} & (traditional | simplified)  # both scripts write them


def test_foreign_script_needs_a_clear_script():
    traditional, simplified = script_chars()
    assert foreign_script("這本書很好") == simplified
    assert foreign_script("这本书很好，这个东西不错，這") == traditional  # one stray character is no switch
    assert foreign_script("这本书很好，這") == frozenset()  # 2 against 1: no clear script
    assert foreign_script("这本書") == frozenset()  # one of each: no clear script
    assert foreign_script("") == frozenset()


def test_a_lost_byte_keeps_the_script_of_its_text():
    # 退 (E9 80 80) and 髮 (E9 AB AE) share no bytes, but 退's last byte lost
    # before 书 leaves both (and more) as candidates; simplified text keeps 退.
    text = "书脊都被压坏了，" + _as_gbk("可笑的是申请退书居然简单到让人抓狂。", "replace")
    assert _repair(text) == "书脊都被压坏了，可笑的是申请退书居然简单到让人抓狂。"


def test_fill_drops_a_candidate_of_the_other_script_only_when_one_of_the_script_remains():
    reading, _share = fill(["这个东西", ["說", "说"], "得好"])
    assert reading == "这个东西说得好"
    # Only characters of the other script: the choice stays the model's.
    reading, _share = fill(["这个东西", ["說"], "得好"])
    assert reading == "这个东西說得好"
    # In traditional text a simplified-only candidate goes.
    reading, _share = fill(["這個東西", ["说", "說"], "得好"])
    assert reading == "這個東西說得好"


def test_no_traditional_only_character_enters_simplified_text():
    text = "这家酒店不错，" + _as_gbk("另外，给出的地址有误，是浔阳路。", "replace")
    traditional, _simplified = script_chars()
    out = _repair(text)
    assert out != text and not set(out) & traditional


def test_a_date_whose_every_character_lost_a_byte_to_a_digit_is_read():
    # 年, 月 and 日 each lose their last byte to the digit after them, so no
    # two UTF-8 sequences touch: the quick look allows a few ASCII between.
    damaged = _as_gbk("2023年12月5日 来源：新华网", "replace")
    assert damaged.startswith("2023骞\ufffd12鏈\ufffd5鏃\ufffd ")
    assert _repair(damaged) == "2023年12月5日 来源：新华网"


@pytest.mark.parametrize("clean", [
    "据《人民日报》2024年报道，经济增长。",  # two slots could hold 》: the first after 《 takes it
    "本报讯（记者 李明）12日上午，市政府召开新闻发布会。",  # （ is read in the window before the space
    "张三（1965年－2020年），男，汉族。",  # the opener of a closer nothing opens
    "《三体》3部曲",
])
def test_a_lost_byte_before_a_digit_balances_the_paragraphs_brackets(clean):
    assert _repair(_as_gbk(clean, "replace")) == clean


def test_a_list_number_closer_asks_for_no_opener():
    from textrepair.stages.mojibake.codecs_judge import needed

    assert needed("要求如下", "1）安全；2）快速。") == frozenset()
    assert needed("张三", "1965年－2020年）") == frozenset("（")
    assert needed("（好）", "是") == frozenset()
    # Quotation marks run over paragraphs: never asked for.
    assert needed("他说：“好", "") == frozenset()


def test_a_slot_chosen_with_the_one_before_it_is_pruned_after_that_ones_best():
    # 记 and 者 each lost bytes and are chosen together; 者 was pruned with
    # nothing before it, where 说, 要, 而, 被, 让 score better alone.
    clean = "新华社北京10月18日电（记者 李四）国家统计局18日发布数据"
    assert _repair(_as_gbk(clean, "replace")) == clean


@pytest.mark.parametrize("clean", ["沒有不滿意的地方！", "没有不满意的地方！", "这本书值得买吗？", "你觉得这本书怎么样？",
                                   "这本书值得买吗？我觉得很好！"])
def test_a_lost_byte_of_a_sentence_end_asks_only_after_a_question(clean):
    # ！ and ？ are EF BC 81 and EF BC 9F: the last byte lost, both remain;
    # ？ only where the sentence asks (a question word), ？ after a final 吗.
    assert textrepair.repair(clean.encode("utf-8").decode("gbk", "replace")) == clean


@pytest.mark.parametrize("clean", ["缺点：1）酒店比较偏僻，2）价格贵", "说说酒店好的地方：1、位置很方便。", "优点如下：1、交通方便。2、价格便宜。"])
def test_a_lost_byte_before_a_lists_first_number_is_a_colon(clean):
    # ： and ， are EF BC 9A and EF BC 8C: before ``1）`` or ``1、`` only ： is written.
    assert textrepair.repair(clean.encode("utf-8").decode("gbk", "replace")) == clean


def test_a_lost_byte_inside_a_time_is_no_comma():
    damaged = "对前台告诉早上6：00叫早，前台也已经确认".encode("utf-8").decode("gbk", "replace")
    assert "6，00" not in textrepair.repair(damaged)
