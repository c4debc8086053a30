"""Issue 17's reproducers for the mojibake stage: it never crashes, never
invents characters where informal punctuation stands, and stays idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textrepair

#: Long runs of the stage's own use cases; each crashed with OverflowError
#: (a gain of thousands of nats through math.exp).
LONG_RUNS = ["ÖÐ¹ú" * 39, "?!笆\ue1a2奈濉睍r" * 29, "á" * 176, "a\u0301" * 176]


@pytest.mark.parametrize("text", LONG_RUNS, ids=["latin1", "shift", "a-acute", "a-combining"])
def test_long_runs_do_not_crash(text):
    fixed = textrepair.repair(text)
    assert textrepair.repair(fixed) == fixed
    assert textrepair.Repairer().repair_and_explain(text)[0] == fixed


#: Informal question marks after Chinese: everyday text, never lost bytes.
INFORMAL = ["怎么办????", "真的假的???", "中???", "你在哪???", "?????中", "?" * 19 + "中", "这样也行?!", "好吗??",
            # informal ? before a full stop (a single ? before 。 is a sign of the cut, several are not)
            "他说真的吗????。“好的”他说", "真的吗???。我不信"]


@pytest.mark.parametrize("text", INFORMAL)
def test_informal_question_marks_stay(text):
    assert textrepair.repair(text) == text
    assert textrepair.explain(text) == []


@given(st.sampled_from(["你在哪", "真的假的", "中", "怎麼辦", "多少錢"]), st.integers(1, 8),
       st.sampled_from(["", "我不知道", "中", "謝謝", "\n下一段"]))
def test_han_question_marks_han_is_unchanged(before, k, after):
    text = before + "?" * k + after
    assert textrepair.repair(text) == text


@pytest.mark.parametrize("n", [1000, 4000])
def test_many_short_code_page_runs(n):
    # Quadratic before: each chosen repair was checked against every earlier one.
    assert textrepair.repair("ÖÐ¹ú " * n) == "中国 " * n
    assert textrepair.repair("鏂伴椈 " * n) == "新闻 " * n


@pytest.mark.parametrize("lost", ["drop", "keep", "mark"])
def test_a_paragraph_whose_every_character_became_a_question_mark_stays_and_is_reported(lost):
    page = "新聞發布會\n" + "".join("?" * 4 + str(n) + "?" for n in range(2020, 2026)) + "\n正文第一段。"
    assert textrepair.repair(page, mojibake_lost=lost) == page
    assert textrepair.explain(page, mojibake_lost=lost) == []
    found = textrepair.findings(page, mojibake_lost=lost)
    assert [(f.kind, f.text) for f in found] == [("lost-text", page.splitlines()[1])]


#: Informal question marks beside certain damage (within a page the cutter
#: damaged): the damage is read, the question marks stay, and repair() is
#: idempotent (each pass read four more ``?`` as 。浚縣).
BESIDE_DAMAGE = [("關(lǜ)  " + "?" * 14 + "?!笆\ue1a2奈濉睍r" * 3, "?" * 14 + "。“十四五”時" * 3),
                 ("支持?!笆\ue1a2奈濉睍r期\n???中???\n", "支持。“十四五”時期\n???中???\n"),
                 ("支持?!笆\ue1a2奈濉睍r期\n" + "中???" * 8, "支持。“十四五”時期\n" + "中???" * 8),
                 # one run from the cut into informal ???: read up to them, no further
                 ("支持?!笆\ue1a2奈濉睍r期???中???本文", "支持。“十四五”時期???中???本文")]


@pytest.mark.parametrize("text, expected_tail", BESIDE_DAMAGE)
def test_question_marks_beside_damage_stay(text, expected_tail):
    fixed = textrepair.repair(text)
    assert fixed.endswith(expected_tail)
    assert textrepair.repair(fixed) == fixed


def test_a_run_in_clean_text_keeps_its_fullwidth_punctuation():
    """The judge reads a run as the folded seed pages show it; clean text the
    run reaches into keeps its （） and ，."""
    text = "支持?!眹?guó)家秀威影城股份有限公司（竹田）招聘網頁設計師，聯繫人陳金鳳，"
    fixed = textrepair.repair(text, annotations=False)
    assert fixed == "支持。”國(guó)家秀威影城股份有限公司（竹田）招聘網頁設計師，聯繫人陳金鳳，"


#: Short runs no reading of which is sure: ``?。?`` before ``!`` is ！！！ here,
#: but its surviving bytes fit any character with the trail byte A1 (啊, 小):
#: reported, not guessed (the model had read ``差啊,!``).
UNSURE = ["的售後服務果真如網上說的一樣差?。?!", "写的太夸大了,内容实在不怎么样?。。?!【非常的"]


@pytest.mark.parametrize("text", UNSURE)
def test_a_short_run_with_no_sure_reading_is_reported_not_guessed(text):
    assert textrepair.repair(text) == text
    assert textrepair.explain(text) == []
    found = textrepair.findings(text)
    assert [(f.kind, f.text) for f in found] == [("gbk-shift", text[text.index("?"):text.rindex("?") + 1])]
    assert found[0].reason.startswith("damage, but no reading is clearly the one its bytes spell")


def test_a_text_cut_short_inside_a_run_gets_no_character_from_its_last_lead_byte():
    # 期間 (C6 DA, E9 67) shifted by a byte reads 逼陂 (B1 C6, DA E9) and the
    # trail 67 alone; here the text ends after 陂, so nothing says which
    # character E9 began: no trail byte is guessed at the end of a text.
    text = "最后是圍著產業轉?!笆\ue1a2奈濉逼陂"
    assert textrepair.repair(text) == text
    assert all("間" not in e.after for e in textrepair.explain(text))
    # No reading ends where the text does; the run shows the cut: reported.
    found = [f for f in textrepair.findings(text) if f.kind == "gbk-shift"]
    assert [f.text for f in found] == ["轉?!笆\ue1a2奈濉逼陂"] and "a byte is missing" in found[0].reason


def test_a_run_cut_short_before_a_new_paragraph_is_reported_not_filled():
    # The same run cut after 陂, then a new paragraph (CI's fuzz drew it).  A
    # lead byte the decoder dropped before a newline is a real ending, but the
    # byte it dropped was itself a lead (0x81 and up): 間's trail 67 would
    # have shown as ``g``, so 間 is no reading.  What is left (期闆, 0.09) is a
    # guess from the lead byte alone: reported, not applied.
    text = "最后是圍著產業轉?!笆\ue1a2奈濉逼陂\n\n설릌"
    assert textrepair.repair(text) == text
    found = [f for f in textrepair.findings(text) if f.kind == "gbk-shift"]
    assert [f.text for f in found] == ["?!笆\ue1a2奈濉逼陂"]
    assert found[0].reason.startswith("damage, but no reading is clearly the one its bytes spell")
    # With its trail byte there, the run is read whole.
    assert textrepair.repair("最后是圍著產業轉?!笆\ue1a2奈濉逼陂g\n") == "最后是圍著產業轉。“十四五”期間\n"


def test_no_reading_below_the_floor_is_applied_to_a_long_run():
    # A fuzz document: question marks, then a seed fragment starting inside
    # an annotation (``hè)`` of 設(shè)施 without its first bytes).  The
    # best reading, 所熓‐, has confidence 0.01: reported, not applied.
    text = "。" + "?" * 60 + "hè)施,適度超前推進(jìn)5G-A、高速光網(wǎng)等規(guī)模"
    fixed = textrepair.repair(text)
    assert "?" * 60 + "hè)施" in fixed and "熓" not in fixed
    found = [f for f in textrepair.findings(text) if f.kind == "gbk-shift"]
    assert [f.text for f in found] == ["?hè)施"] and "(0.01)" in found[0].reason


def test_the_semicolon_of_a_character_reference_starts_no_run():
    # ``&#12290;`` is 。 written as a reference; its ``;`` is no folded ； of
    # the cutter's, even on a page the cut shows on (``;為`` had been read 。粸閞).
    text = "謝謝這位記者朋友的提問?!笆\ue1a2奈濉睍r期,在各部&#12290;為(guan)\n"
    fixed = textrepair.repair(text)
    assert fixed.startswith("謝謝這位記者朋友的提問。“十四五”時期,在各部") and "粸" not in fixed


@pytest.mark.parametrize("text", ["的個人信息Ď˘¸şÓĐ±ŁĂÜŇĺÎńŁ¬不得", "個人Ů¶Čˇ±ÎŇµÄż快遞", "的Ã¡¢³成",
                                  "的É˘źáĐÔŇ»°ăŁ¬成", "真ÕæÊÇ·Ç³的"])
def test_ftfy_spells_no_foreign_letters_beside_chinese(text):
    # GBK read as a code page, a byte out of step where two damaged
    # paragraphs met (the fuzz found it): ftfy had read such stretches as
    # UTF-8 and made Greek, Cyrillic, Arabic and syllabics of them
    # (Ϣ¸şÓбŁĂÜŇĺÎń٬), rare Latin letters (Ƿǳ, ɢ) and an Arabic comma.
    # Beside Chinese only a fix spelling Latin text stands.
    from textrepair.stages.mojibake.codecs import latin_repairs

    assert latin_repairs(text) == []
    assert all(e.kind != "latin-mojibake" for e in textrepair.explain(text))


def test_ftfy_still_fixes_latin_text_beside_chinese():
    from textrepair.stages.mojibake.codecs import latin_repairs

    assert [r[2] for r in latin_repairs("新闻 Ã©tÃ© 新闻")] == ["été"]


def test_question_marks_read_as_a_lone_character_stay():
    # Informal ``???,`` just after a repaired cut (the fuzz drew it): its
    # bytes are those of seed 001's ``社???,`` (社保卡), but no byte of the
    # character it would restore survives, and 呢小 is no word: only a word
    # vouches for a guess there (社保卡 is one).  Was ``呢?小,``.
    text = "速推進, 圍著產業轉?!笆\ue1a2奈濉逼陂g我的快递呢???,有的企業利用公路貨"
    assert textrepair.repair(text) == "速推進, 圍著產業轉。“十四五”期間我的快递呢???,有的企業利用公路貨"
    assert textrepair.repair("電子社???,覆蓋") == "電子社保卡,覆蓋"


@pytest.mark.parametrize("text", ["說好的贈品呢??このため、Guido はより実用的なプログラミング言語の開発を開始し",
                                  "你好??Привет, как дела", "真的嗎??ΑΘΗΝΑ", "好??ㄅㄆㄇㄈ好的"])
def test_greek_cyrillic_or_japanese_after_question_marks_is_no_run(text):
    # Kana, Greek and Cyrillic are in cp936 too, so ``??`` before them has a
    # shifted reading (the fuzz drew the Japanese one: 呢。郡长韦郡後; Russian
    # became 你好。咖抱猝讧缨支鋼, bopomofo 疑??乳事些亞疑腔 even with no damage
    # near).  Two such letters in a row are text in that script, not Chinese
    # read a byte out of step.
    assert textrepair.repair(text) == text
    assert textrepair.findings(text) == []


@pytest.mark.parametrize("text", ["好ㄅㄆ", "好ㄅㄆㄇㄈ好的"])
def test_bopomofo_written_out_is_no_big5_read_as_gbk(text):
    # GBK writes bopomofo, and Big5 read as GBK makes one of a character
    # whose Big5 bytes are A8C5-A8E9: these had become 疑乳事 (0.99).  Two in a
    # row are text that writes them; they are no salad on their own.
    assert textrepair.repair(text) == text


@pytest.mark.parametrize("tail", ["??°C好的", "??㎡好的", "??μg好的", "??ー好的"])
def test_a_reading_near_damage_keeps_the_ascii_text_it_shows(tail):
    # An unknown figure (``面積??㎡``) a little after a repaired cut: the
    # symbol's trail byte is ASCII, so a shifted reading makes a letter of it
    # or swallows the next one (``。咯O``, ``。俊鉉``, 0.57-0.79).  Read only
    # because damage is near, such a reading is reported, not applied.
    cut = "謝謝這位記者朋友的提問?!笆\ue1a2奈濉睍r期,在各部門。价格"
    fixed = textrepair.repair(cut + tail)
    assert fixed == "謝謝這位記者朋友的提問。“十四五”時期,在各部門。价格" + tail


@pytest.mark.parametrize("text", ["ÀÁÂÃÄÅ 是带变音符的拉丁字母，不是乱码。", "参见：ÀÁÂÃÄÅ。", "ÒÓÔÕÖ是一个地名",
                                  "法国球星ÒÓÔÕÖ在比赛中表现出色。", "ÀÉÎÕÜ是大写元音"])
def test_an_alphabet_written_out_is_no_gbk(text):
    # Latin-1 letters in code point order list the alphabet: read as GBK
    # they had become 懒旅呐 (GBK as Latin-1) and 矣哉宙槸 (GBK as UTF-8,
    # with the 是 after them, 0.99).  Letters from À up alone, read as two
    # Han characters that make no word, had become 郎握.
    assert textrepair.repair(text) == text


def test_gbk_read_as_latin1_beside_chinese_is_still_read():
    assert textrepair.repair("标题：新闻 " + "张三".encode("gbk").decode("latin-1")) == "标题：新闻 张三"


def test_gbk_read_as_utf8_with_replace_invents_nothing():
    # Every byte UTF-8 rejected is lost (U+FFFD); the letters between are
    # pairs it happened to accept, out of step with GBK's.  Read as GBK they
    # had become 帮拷, 卮锟劫措 (0.99), and the paragraph-final U+FFFD went.
    clean = ("国家数据局局长刘烈宏出席国新办新闻发布会。国家发展改革委党组成员、国家数据局局长刘烈宏，"
             "福建省委常委、福州市委书记郭宁宁出席发布会，介绍有关情况，并答记者问。\n下一段")
    damaged = clean.encode("gbk").decode("utf-8", "replace")
    assert damaged.count("\ufffd") > 20
    assert textrepair.repair(damaged) == damaged


def test_a_cut_paragraph_still_loses_its_dangling_replacement_character():
    assert textrepair.repair("这是一段被截断的文字\ufffd\n下一段") == "这是一段被截断的文字\n下一段"


def test_gbk_read_as_utf8_dropping_what_it_rejects_is_not_read_as_gbk():
    # errors="ignore" drops the rejected bytes: the pairs left are out of
    # step, and reading them as GBK had given 曳展母委员菥志殖液 at 0.99.
    clean = ("【智慧城市网 时事聚焦】5月10日下午,国新办举行新闻发布会。国家发展改革委党组成员、国家数据局局长刘烈宏,"
             "福建省委常委、福州市委书记郭宁宁,福建省人民政府副省长林文斌出席发布会,介绍第七届数字中国建设峰会有关情况,并答记者问。")
    damaged = clean.encode("gbk").decode("utf-8", "ignore")
    assert [e.kind for e in textrepair.explain(damaged) if e.kind.startswith("gbk")] == []
