"""Text decoded with the wrong codec (issue 18, items 3-5): each mechanism
on real sentences, the punctuation its bytes spell, a whole paragraph read
as Latin-1, lost bytes, and clean text in many scripts left alone."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import textrepair
from benchmarks.damage.classic import misread_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Sentences of everyday Chinese (not from any model's corpus).
SENTENCES = [
    "这本书很好看，内容也很丰富。",
    "酒店的位置很好，交通非常方便。",
    "服务员的态度很热情，下次还会再来。",
]


def _mojibake_only(**options) -> textrepair.Repairer:
    return textrepair.Repairer(annotations=False, markup=False, boilerplate=False, normalise=False, **options)


def _repair(text: str, **options) -> str:
    out, edits = _mojibake_only(**options).repair_and_explain(text)
    assert textrepair.apply_edits(text, edits) == out  # explain() agrees with repair()
    assert all(0.0 <= e.confidence <= 1.0 for e in edits)
    return out


def _latin1_fallback(exc: UnicodeDecodeError):
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("test-latin1-fallback", _latin1_fallback)


def _code_page(data: bytes, codec: str) -> str:
    """Bytes read by a single-byte code page, an undefined byte as Latin-1 (as browsers do)."""
    out = []
    for b in data:
        try:
            out.append(bytes((b,)).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


# --- UTF-8 read as GBK, GB18030, cp936 -------------------------------------------------

@pytest.mark.parametrize("clean", SENTENCES)
@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_utf8_read_as_gbk_comes_back(clean, errors):
    damaged = clean.encode("utf-8").decode("gbk", errors)
    assert damaged != clean
    assert _repair(damaged) == clean


def test_a_question_mark_after_a_dropped_byte_stays_a_question_mark():
    # errors="ignore" drops the last byte of 强 before the "?" (E5 BC BA:
    # BA 3F is no GBK pair): the "?" is the question mark, not a lost byte
    # shown as "?", which no decoder that drops bytes unmarked writes.
    clean = "请问哪些方面需要加强?谢谢。"
    damaged = clean.encode("utf-8").decode("gbk", "ignore")
    assert damaged == "璇烽棶鍝浜涙柟闈㈤渶瑕佸姞寮?璋㈣阿銆"
    assert _repair(damaged) == clean


@pytest.mark.parametrize("clean", SENTENCES)
def test_utf8_read_as_gb18030_comes_back(clean):
    damaged = clean.encode("utf-8").decode("gb18030", "replace")
    assert _repair(damaged) == clean


@pytest.mark.parametrize("clean", SENTENCES)
def test_utf8_read_as_windows_cp936_comes_back(clean):
    damaged = misread_text(clean, "utf8-as-cp936")  # a broken lead shows as ``?``, 0x80 as €
    assert _repair(damaged) == clean


def test_utf8_as_gbk_keeps_the_text_around_it():
    clean = "新闻发布会"
    damaged = "今天：" + (clean + "\n").encode("utf-8").decode("gbk", "replace") + "好"
    assert damaged == "今天：鏂伴椈鍙戝竷浼\ufffd\n好"
    assert _repair(damaged) == "今天：新闻发布会\n好"


def test_a_lost_byte_is_chosen_by_the_model():
    # 一 (E4 B8 80) and 中 (E4 B8 AD) both show as 涓 + U+FFFD before E4/E5;
    # the neighbours decide, never a fixed rule.
    clean = "我有一个问题，想问中国的朋友。"
    damaged = clean.encode("utf-8").decode("gbk", "replace")
    assert damaged.count("涓\ufffd") == 3
    assert _repair(damaged) == clean


def test_a_lost_byte_is_one_the_decoder_rejected():
    # 会 is E4 BC 9A, but 9A before A1 (。 in GBK) would have been read as a
    # pair, so the byte lost before a real 。 cannot be 9A: not 会.
    damaged = "今天：" + "新闻发布会".encode("utf-8").decode("gbk", "replace") + "。"
    out = _repair(damaged)
    assert out.startswith("今天：新闻发布") and "会" not in out


# --- GBK read as UTF-8 with a Latin-1 fallback ----------------------------------------

def test_gbk_read_as_utf8_with_latin1_fallback():
    assert _repair("Һѹϵͳ") == "液压系统"


@pytest.mark.parametrize("clean", SENTENCES)
def test_gbk_read_as_utf8_sentences(clean):
    damaged = clean.encode("gbk").decode("utf-8", "test-latin1-fallback")
    assert damaged != clean
    assert _repair(damaged) == clean


# --- GBK read as a single-byte code page -----------------------------------------------

@pytest.mark.parametrize("codec", ["latin-1", "cp1252", "cp1250"])
@pytest.mark.parametrize("clean", SENTENCES)
def test_gbk_read_as_code_page(clean, codec):
    damaged = _code_page(clean.encode("gbk"), codec)
    assert _repair(damaged) == clean


def test_code_page_reading_emits_the_punctuation_its_bytes_spell():
    # ``£¬`` is A3 AC, the fullwidth comma: never folded to ASCII ``,``.
    assert _repair("ÖÐ¹ú£¬ºÜºÃ¡£") == "中国，很好。"
    assert _repair("ºÜºÃ£¡") == "很好！"


def test_code_page_stretch_holds_ascii_digits():
    assert _repair("2023Äê12ÔÂ,") == "2023年12月,"
    assert _repair("ÓÚ2023Äê12ÔÂ31ÈÕ·¢²¼") == "于2023年12月31日发布"


def test_a_long_paragraph_read_as_latin1_comes_back_whole():
    text = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    paragraph = max(text.split("\n"), key=len)
    assert len(paragraph) > 400
    damaged = paragraph.encode("gb18030").decode("latin-1")
    assert _repair(damaged) == paragraph


@pytest.mark.parametrize("first, second", [("latin-1", "latin-1"), ("cp1252", "latin-1"), ("latin-1", "cp1252")])
@pytest.mark.parametrize("clean", SENTENCES)
def test_gbk_read_as_a_code_page_twice_comes_back(clean, first, second):
    # GBK read as Latin-1, that text's UTF-8 read as Latin-1 again (``Â¹Ãº``):
    # ftfy takes one layer and the GBK reading the other, in one pass (a later
    # pass would come after the soft hyphen of 经, BE AD, was taken away).
    # ftfy's last step reads GBK pairs that spell UTF-8 (Í³ is U+0373 to it),
    # so the reading looks after each of its steps.
    damaged = _code_page(_code_page(clean.encode("gbk"), first).encode("utf-8"), second)
    assert textrepair.repair(damaged) == clean


def test_latin_text_ftfy_fixes_is_not_read_again_as_gbk():
    assert textrepair.repair("新闻 The Mona Lisa doesnâ€™t have eyebrows.") == "新闻 The Mona Lisa doesn’t have eyebrows."
    assert textrepair.repair("Ã©tÃ© cafÃ© crÃ¨me") == "été café crème"


# --- Big5 and GBK confused ----------------------------------------------------------------

BIG5_SENTENCES = ["這本書很好看，內容也很豐富。", "酒店的位置很好，交通非常方便。"]


@pytest.mark.parametrize("clean", BIG5_SENTENCES)
def test_big5_read_as_gbk(clean):
    damaged = misread_text(clean, "big5-as-gbk")  # cp936: Big5's punctuation row becomes private use
    assert damaged != clean
    assert _repair(damaged) == clean


@pytest.mark.parametrize("clean", BIG5_SENTENCES + ["國家數據局局長劉烈宏出席國新辦新聞發佈會", "我覺得這本書寫得很好，值得一讀。"])
def test_big5_read_by_pythons_gbk(clean):
    # requests' .text of a Big5 page taken for GBK: a pair gbk has no
    # character for loses its lead byte as U+FFFD, the trail is read again
    # (，is A1 41: "\ufffdA"); the lost lead is chosen among A1-A7.
    damaged = clean.encode("big5").decode("gbk", "replace")
    assert "\ufffd" in damaged
    assert _repair(damaged) == clean


@pytest.mark.parametrize("clean", ["所以沒買錯。", "我說完了，謝謝。"])
def test_big5_read_by_pythons_gbk_as_symbols(clean):
    # Big5's commonest characters (lead A4-A9) read as GBK are its symbol
    # rows: 所 A9D2 is ┮, 完 A7B9 is Ч, 我 A7DA is и.  They are the salad.
    damaged = clean.encode("big5").decode("gbk", "replace")
    assert any("\u0370" <= c <= "\u04ff" or "\u2100" <= c <= "\u2bff" for c in damaged)
    assert _repair(damaged) == clean


def test_big5_read_by_pythons_gbk_through_an_ideographic_space():
    # 情， is B1A1 A141: GBK reads A1A1 as U+3000, so the damage holds an
    # ideographic space (``票\u3000C``), where windows and runs had ended.
    clean = "比如一個地方地震了，都是個人的事情。"
    damaged = clean.encode("big5").decode("gbk", "replace")
    assert "\u3000" in damaged
    assert _repair(damaged) == clean


def test_big5_read_by_pythons_gbk_a_label_of_two_characters():
    # 優點： reads 纔翴\ufffdG: two characters besides the lost byte, which is
    # a sign of its own.
    clean = "優點： 東西不錯，外觀設計的好"
    assert _repair(clean.encode("big5").decode("gbk", "replace")) == clean


@pytest.mark.parametrize("text", ["\ufffd\ufffd好的", "\ufffd\ufffd好的 ", "新聞\ufffd A", "說\ufffd魑魅 ",
                                  "說明\ufffd\ufffd\ufffdA好", "好的\ufffdA\ufffdB\ufffdC人們"])
def test_two_characters_beside_a_lost_byte_stay_when_nothing_reads(text):
    assert textrepair.repair(text) == text


@pytest.mark.parametrize("text", ["大\u3000中\u3000小", "\u3000\u3000記者李明報道。", "字號：大\u3000中\u3000小\u3000歡迎"])
def test_ideographic_spaces_in_clean_text_stay(text):
    assert textrepair.repair(text) == text


def test_two_lost_bytes_either_side_of_a_group_cut_are_chosen_together():
    # The lead bytes of ，可以 are lost (Python's gbk); ， 可 are the last two
    # slots of one group and 以 the first of the next.  Chosen apart, 【 is
    # the best with nothing after it and 人 the best after 【.
    clean = "我也覺得很好，可以讓孩子知道這個社會。"
    assert _repair(clean.encode("big5").decode("gbk", "replace")) == clean


def test_gbk_read_as_big5():
    clean = "酒店的位置很好，交通非常方便。"
    damaged = clean.encode("gbk").decode("cp950", "replace")
    assert damaged != clean
    assert _repair(damaged) == clean


# --- 锟斤拷: UTF-8 of U+FFFD read as GBK -------------------------------------------------

@pytest.mark.parametrize("lost, expected", [("keep", "好锟斤拷的"), ("drop", "好的"), ("mark", "好\ufffd的")])
def test_lost_bytes_follow_the_option(lost, expected):
    out, edits = _mojibake_only(mojibake_lost=lost).repair_and_explain("好锟斤拷的")
    assert out == expected
    assert [e.kind for e in edits] == ([] if lost == "keep" else ["lost-byte"])


# --- abstain: clean text stays ----------------------------------------------------------

CLEAN = [
    "Le café est très bon, l'élève a été reçu à l'école.",
    "España: mañana el niño irá a la montaña con su año nuevo.",
    "Tiếng Việt có dấu, người Việt Nam rất thân thiện.",
    "Straße, Größe, über, Ärger und Öl.",
    "São Paulo, ação, coração e informação.",
    "Ça va? Très bien. Où est la bibliothèque?",
    "Æther, Ørsted, Þór, ðæt.",
    "こんにちは、世界。日本語のテキストです。",
    "안녕하세요. 한국어 텍스트입니다.",
    "鬱鬱蔥蔥，龘靐齉齾爩鱻麤，饕餮之徒。",
    "他说：“好的！”然后（笑）走了……",
    "价格：￥1,299.00，约€180。",
    "The Mona Lisa doesn't have eyebrows.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_left_alone(text):
    assert _repair(text) == text


def test_latin_script_mojibake_stays_ftfys():
    assert _repair("The Mona Lisa doesnâ€™t have eyebrows.") == "The Mona Lisa doesn’t have eyebrows."


@pytest.mark.parametrize("reader", ["gbk", "gb18030", "cp950", "big5"])
def test_rejects_table_is_what_the_reader_does(reader):
    # The table is built without exceptions; its definition: the reader
    # fails at the first byte of the pair (or of the byte alone, at the end).
    from textrepair.stages.mojibake.codecs_utf8 import END, _rejects

    table = _rejects(reader)

    def rejected(b, nb):
        try:
            (bytes((b,)) if nb == END else bytes((b, nb))).decode(reader)
        except UnicodeDecodeError as exc:
            return exc.start == 0
        return False

    assert [b * 257 + nb for b in range(256) for nb in range(257) if table[b * 257 + nb] != rejected(b, nb)] == []


def test_big5_read_by_pythons_gbk_reads_back_to_what_it_shows():
    # Three lead bytes rejected in a row (琌���H): each unknown byte was
    # chosen against the byte after it only, and 是個人 was taken, whose
    # bytes gbk reads as 琌\ufffd婴H.  A reading must give the damage back.
    damaged = ("材�Q�G兵�@セ快猭┮嘿醇紌�哎��A琌���H筿�l┪�台浈LよΑ癸獺�И喊O魁�C")
    edits = [e for e in textrepair.explain(damaged) if e.kind == "big5-as-gbk"]
    assert edits
    for e in edits:
        assert e.after.encode("big5").decode("gbk", "replace") == e.before


@pytest.mark.parametrize("codec", ["gbk", "cp950", "big5"])
def test_pair_rows_are_what_the_codec_reads_pair_by_pair(codec):
    # A row is read in one decode (pairs parted by NUL); its definition: the
    # pairs that read alone as one usable non-ASCII character.
    from textrepair.stages.mojibake.codecs_big5 import _PairChars, _pair_char

    rows = _PairChars(codec)
    for x in range(0x80, 0x100):
        assert rows[x] == tuple((y, _pair_char(x, y, codec)) for y in range(0x40, 0xFF)
                                if _pair_char(x, y, codec) is not None)


def test_a_paragraph_read_as_a_code_page_twice_comes_back_between_chinese_lines():
    # The stretch starts with the line break after 新闻标题: it is a paragraph
    # of its own, so ftfy's layer is taken and the GBK under it read (the
    # last stop read the UTF-8 layer itself as GBK: 鹿煤录妹 at 0.99).
    clean = "国家统计局今天发布数据显示，经济稳中向好。"
    twice = _code_page(_code_page(clean.encode("gbk"), "latin-1").encode("utf-8"), "latin-1")
    page = "新闻标题\n" + twice + "\n正文继续。"
    assert textrepair.repair(page) == "新闻标题\n" + clean + "\n正文继续。"


def test_the_utf8_of_latin1_characters_is_never_read_as_gbk():
    # Read as Latin-1 twice, then its C1 controls taken out: every other byte
    # is C2 or C3, which GBK writes 鹿煤录妹 with; no such reading is made.
    clean = "国家统计局今天发布数据显示，经济稳中向好。"
    twice = _code_page(_code_page(clean.encode("gbk"), "latin-1").encode("utf-8"), "latin-1")
    stripped = "".join(ch for ch in twice if not ("\x80" <= ch <= "\x9f" or ch == "\xad"))
    fixed = textrepair.repair("新闻标题\n" + stripped + "\n正文继续。")
    assert not set("鹿煤录妹") & set(fixed)


@pytest.mark.parametrize("mechanism", ["big5-as-gbk", "big5-as-gbk-python"])
def test_big5_read_as_gbk_closes_a_bracket_opened_in_the_window_before(mechanism):
    # ``（記者`` is read in the window before the space; the lost lead byte of
    # ``）`` before ``1`` is then the bracket's close, not 回.
    clean = "本報訊（記者 李明）12日上午，市政府召開記者會。"
    assert textrepair.repair(misread_text(clean, mechanism)) == clean
