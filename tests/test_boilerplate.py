"""The boilerplate stage: injected spam lines and page furniture go, line by
line; article prose that mentions the same words stays (issue 3)."""

from __future__ import annotations

import pytest

import textrepair
from helpers import SEEDS, load_json, read_seed
from textrepair import Options, apply_edits
from textrepair.cli import main
from textrepair.stages import boilerplate

NEGATIVES = load_json("markup_negative.json")["cases"]


def stage(text: str, **options) -> str:
    opts = Options(**options)
    fixed, edits = boilerplate.fix(text, opts)
    assert boilerplate.fix_text(text, opts) == fixed
    assert apply_edits(text, edits) == fixed
    return fixed


def kinds(text: str, **options) -> set[str]:
    return {e.kind for e in boilerplate.fix(text, Options(**options))[1]}


ARTICLE = "第一段正文,记者报道了会议。\n第二段正文,专家解读了政策。"


@pytest.mark.parametrize(
    "junk, kind",
    [
        ("午夜无码福利18禁网站", "spam-line"),
        ("六合彩开奖网站", "spam-line"),
        ("gihot.com", "spam-line"),
        ("分享到:", "boilerplate"),
        ("  • 分享到：", "boilerplate"),
        ("鏈接已復制", "boilerplate"),
        ("點擊右上角微信好友", "boilerplate"),
        ("點擊瀏覽器下方“”分享微信好友Safari瀏覽器請點擊“", "boilerplate"),
        ("首頁|必讀|視頻|專訪|運營|制造", "boilerplate"),
        ("关于我们 | 广告报价 | 联系我们 | 隐私声明", "boilerplate"),
        ("新聞直播 要聞 國際 軍事 政協 政務 圖片 視頻", "boilerplate"),
        ("首頁 >> 監管 >> 正文", "boilerplate"),
        ("本文鏈接:http://m.enbeike.cn/news-1-43955-0.html數字中國建設取得哪些新進展?", "boilerplate"),
        ("上一篇:全国防灾减灾日|用科技手段守护安全 智慧减灾", "boilerplate"),
        ("下一篇:国家防总办公室联合举办防汛防台风演习", "boilerplate"),
        ("聲明:本網頁內容旨在傳播知識,不代表本站觀點,若有侵權等問題請及時與本網聯系,我們將在第一時間刪除處理。",
         "boilerplate"),
        ("CCTIME飛象網 CopyRight © 2007-2024 By CCTIME.COM", "boilerplate"),
        ("京ICP備08004280號-1", "boilerplate"),
        ("  •  ", "boilerplate"),
        ("返回頂部", "boilerplate"),
        ("上一篇", "boilerplate"),
    ],
)
def test_junk_line_goes(junk, kind):
    for text in (f"{junk}\n{ARTICLE}", f"{ARTICLE}\n{junk}", f"{ARTICLE}\n{junk}\n{ARTICLE}"):
        out = stage(text)
        assert junk.strip() not in out
        assert out.replace("\n", "") == text.replace(junk, "").replace("\n", "")
        assert kinds(text) == {kind}


@pytest.mark.parametrize(
    "prose",
    [
        "他说:“分享到朋友圈的内容要谨慎。”",
        "本文介绍如何把文章分享到微信。",
        "上一篇论文发表于2020年,下一篇将在明年发表。",
        "警方破获一起六合彩赌博案。",
        "澳门特区政府公布了博彩业新规。",
        "海報新聞記者 姜雪穎 實習生 侯驍涵 北京報道",
        "版权保护是数字经济的重要议题,本站记者对此进行了采访。",
        "朋友圈",
        "答记者问",
        "[x]\xa0©",
    ],
)
def test_prose_stays(prose):
    text = f"{ARTICLE}\n{prose}\n{ARTICLE}"
    assert stage(text) == text


@pytest.mark.parametrize("text", NEGATIVES)
def test_negatives_survive(text):
    assert stage(text) == text


def test_weak_widget_goes_only_beside_other_furniture():
    text = f"{ARTICLE}\n點擊右上角微信好友\n朋友圈\n點擊右上角QQ"
    assert stage(text) == ARTICLE


def test_disclaimer_block_goes_with_its_clauses():
    text = (f"{ARTICLE}\n飛象網版權及免責聲明:\n1.本網刊載內容,凡注明來源為“飛象網”皆屬飛象網版權所有,未經允許禁止轉載。\n"
            "2.凡注明“來源:XXXX”的作品,均轉載自其它媒體。\n編後語:本文到此結束。")
    assert stage(text) == f"{ARTICLE}\n編後語:本文到此結束。"


def test_related_tail_goes_only_when_it_is_all_links():
    tail = "相關新聞\n人物\n中國電信邵廣祿:面向AI大模型的智算集群\n精彩專題"
    assert stage(f"{ARTICLE}\n{tail}") == ARTICLE
    with_prose = f"{ARTICLE}\n相關新聞\n記者了解到,這項政策將於明年實施,各地正在做準備。"
    assert stage(with_prose) == with_prose


def test_menu_headings_go_with_the_menu():
    text = f"LANGUAGES\n\n新聞\n\n新聞直播 要聞 國際 軍事 政協 政務 圖片 視頻\n\n財經\n\n財經 金融 證券 汽車 科技 消費 能源 地產\n\n{ARTICLE}"
    assert stage(text) == ARTICLE


def test_seed_001_spam_line_goes_and_shows():
    text = read_seed("001")
    out = textrepair.repair(text)
    assert "午夜无码福利18禁网站" not in out
    assert out.rstrip().endswith("【責任編輯:孔令瑤】")
    spam = [e for e in textrepair.explain(text) if "spam-line" in e.kind.split("+")]
    assert len(spam) == 1 and spam[0].before.strip() == "午夜无码福利18禁网站"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_no_furniture_remains_on_seeds(path):
    out = textrepair.repair(path.read_text(encoding="utf-8"))
    for junk in ("午夜", "18禁", "gihot", "分享到", "鏈接已復制", "點擊右上角", "本文鏈接", "上一篇", "下一篇",
                 "首頁|", "首页|", "CopyRight", "ICP備", "聲明:", "返回頂部", "網站二維碼", "相关资讯", "相關新聞"):
        assert junk not in out, junk
    assert all(line.strip(" \t•") for line in out.splitlines() if line.strip())


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_switched_off_keeps_boilerplate(path):
    text = path.read_text(encoding="utf-8")
    edits = textrepair.explain(text, boilerplate=False)
    assert not any({"boilerplate", "spam-line"} & set(e.kind.split("+")) for e in edits)


def test_switched_off_keeps_the_seed_furniture():
    assert "午夜无码福利18禁网站" in textrepair.repair(read_seed("001"), boilerplate=False)
    assert "上一篇:" in textrepair.repair(read_seed("002"), boilerplate=False)


def test_every_removed_line_shows_in_explain():
    text = read_seed("004")
    out, edits = textrepair.Repairer().repair_and_explain(text)
    removed = "".join(e.before for e in edits if {"boilerplate", "spam-line"} & set(e.kind.split("+")))
    for line in text.splitlines():
        if line.strip() and line.strip() not in out and "(" not in line and "?" not in line:
            assert line.strip() in removed


def test_extra_spam_patterns():
    text = f"{ARTICLE}\n加微信 abc123 领红包\n{ARTICLE}"
    assert stage(text) == text
    assert stage(text, extra_spam_patterns=(r"加微信\s*\w+",)) == f"{ARTICLE}\n{ARTICLE}"
    assert kinds(text, extra_spam_patterns=(r"加微信",)) == {"spam-line"}
    assert textrepair.repair(text, extra_spam_patterns=["加微信"]) == f"{ARTICLE}\n{ARTICLE}"


def test_extra_spam_patterns_are_checked():
    with pytest.raises(ValueError, match="bad regular expression"):
        Options(extra_spam_patterns=("(",))
    with pytest.raises(TypeError):
        Options(extra_spam_patterns="加微信")


def test_extra_spam_patterns_from_the_cli(tmp_path):
    import io

    path = tmp_path / "page.txt"
    path.write_text(f"{ARTICLE}\n加微信领红包\n", encoding="utf-8")
    out = io.BytesIO()
    assert main(["--extra-spam-patterns", "加微信", str(path)], stdout=out) == 0
    assert out.getvalue().decode("utf-8") == f"{ARTICLE}\n"


def test_rules_file_is_documented():
    raw = boilerplate.RULES_FILE.read_text(encoding="utf-8").splitlines()
    rules = boilerplate.load_rules()
    used = ("spam-phrase", "spam-lure", "spam-regex", "widget", "weak-widget", "widget-prefix", "line-prefix",
            "breadcrumb-start", "footer-phrase", "footer-regex", "footer-header", "footer-word", "related-header", "trigger")
    assert set(rules.lists) == set(used)
    for section in used:
        at = raw.index(f"[{section}]")
        assert raw[at + 1].startswith("#"), f"[{section}] has no comment saying where it comes from"
        assert rules.get(section)


def test_regex_rules_have_triggers():
    # Each shipped *-regex rule's matches contain a [trigger] string, so the
    # scan finds their lines.
    rules = boilerplate.load_rules()
    for line in ("gihot.com", "www.abc-spam.vip", "CopyRight © 2007-2024", "© 2024 某某网"):
        assert boilerplate.candidate_lines(line, Options()) == [0], line
    assert rules.get("trigger")


def test_clean_text_is_not_split_into_lines():
    # The gate: clean text holds no trigger, so the stage returns it as is.
    text = "一段正常的新闻。\n" * 1000
    assert boilerplate.candidate_lines(text, Options()) == []
    assert boilerplate.fix_text(text, Options()) is text


def test_offered_lines_belong_to_one_thread(monkeypatch):
    # The lines the pipeline's triage found are kept for the stage's first
    # look at the same text in the same thread: another thread's call (its
    # own offer, its forget()) neither takes nor clears them.
    import threading

    text = "正文。\n分享到:"
    other = "另一篇。\n上一篇:"
    scans = []
    real = textrepair._backend.impl.boilerplate_lines
    monkeypatch.setattr(textrepair._backend.impl, "boilerplate_lines", lambda *a: scans.append(a[0]) or real(*a))
    assert boilerplate.confirmed(text, Options())
    offered, cleared = threading.Event(), threading.Event()

    def elsewhere():
        boilerplate.confirmed(other, Options())
        offered.set()
        boilerplate.forget()
        cleared.set()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert offered.is_set() and cleared.is_set()
    assert boilerplate.candidate_lines(text, Options()) == [1]
    assert scans == [text, other]  # this thread's text was scanned once
    boilerplate.forget()


# --- Issue 19: no rule removes more than its evidence covers

SENTENCES = ["記者從會議上了解到,今年的重點工作已經部署完畢。", "專家表示,相關政策將在明年全面實施,各地正在準備。",
             "數據顯示,一季度的增長速度比去年同期提高了兩個百分點。"]


@pytest.mark.parametrize(
    "debris",
    [
        "午夜无码福利18禁网站",
        "gihot.com",
        "分享到:",
        "點擊右上角微信好友\n朋友圈",
        "首頁|必讀|視頻|專訪|運營|制造",
        "新聞直播 要聞 國際 軍事 政協 政務 圖片 視頻",
        "首頁 >> 監管 >> 正文",
        "本文鏈接:http://m.enbeike.cn/news-1-43955-0.html數字中國建設取得哪些新進展?",
        "上一篇:全国防灾减灾日|用科技手段守护安全 智慧减灾",
        "聲明:本網頁內容旨在傳播知識,不代表本站觀點。",
        "CCTIME飛象網 CopyRight © 2007-2024 By CCTIME.COM",
        "飛象網版權及免責聲明:\n1.本網刊載內容,凡注明來源為“飛象網”皆屬飛象網版權所有。",
        "相關新聞\n人物\n精彩專題",
        "  •  ",
    ],
    ids=["spam", "domain", "widget", "weak-widget", "nav-bar", "spaced-menu", "breadcrumb", "line-prefix", "pager",
         "statement", "copyright", "disclaimer", "related-tail", "bullets"],
)
@pytest.mark.parametrize("sep", ["\n", "", " "])
def test_each_rule_keeps_the_article_when_lines_are_joined(debris, sep):
    lines = [SENTENCES[0], debris, SENTENCES[1], SENTENCES[2]] * 3
    if "相關新聞" in debris:
        lines = SENTENCES * 3 + [debris]  # the tail rule needs the end of the page
    text = sep.join(lines)
    out = stage(text)
    assert all(out.count(s) == text.count(s) for s in SENTENCES)
    if sep == "\n":
        assert debris.split("\n")[0].strip() not in out  # the rule still works on lines


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("sep", ["", " "])
def test_joined_seed_loses_nothing_to_boilerplate(path, sep):
    text = sep.join(path.read_text(encoding="utf-8").splitlines())
    assert stage(text) == text  # one line of a page: a paragraph to every rule


@pytest.mark.parametrize(
    "line, options, kind",
    [
        ("本文鏈接:http://x.cn/1.html" + "".join(SENTENCES) * 3, {}, "boilerplate"),
        ("聲明:" + "".join(SENTENCES) * 4, {}, "boilerplate"),
        ("加微信领红包" + "".join(SENTENCES) * 4, {"extra_spam_patterns": ("加微信",)}, "spam-line"),
    ],
)
def test_a_long_line_a_rule_matches_is_reported_not_removed(line, options, kind):
    assert len(line) > boilerplate.LONG_LINE
    text = f"{ARTICLE}\n{line}\n{ARTICLE}"
    assert stage(text, **options) == text
    assert textrepair.repair(text, **options) == text
    found = textrepair.findings(text, **options)
    assert [(f.kind, f.text) for f in found] == [(kind, line)]
    assert found[0].start == text.index(line)


def test_disclaimer_block_ends_at_a_paragraph():
    paragraph = "本網記者了解到," + "".join(SENTENCES) * 3
    text = f"{ARTICLE}\n免責聲明:\n1.本網刊載內容,未經允許禁止轉載。\n{paragraph}\n2.轉載請注明來源。"
    out = stage(text)
    assert paragraph in out and "1.本網刊載內容" not in out
    assert out.endswith(f"{paragraph}\n2.轉載請注明來源。")
