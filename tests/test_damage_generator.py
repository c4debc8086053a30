"""The damage generator of benchmarks/damage reproduces the seed pages byte
for byte from their pre-damage texts, and its spans say truly what each
damaged stretch stands for."""

from __future__ import annotations

import doctest
import importlib
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import DATA, load_json, read_seed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ sits at the root

from benchmarks.damage import build_sites, cases, classic, cp936, farm, sites  # noqa: E402
from benchmarks.damage.trace import folded, spans, text_of, traced  # noqa: E402

pytestmark = pytest.mark.single_backend
ORIGINALS = DATA / "originals"
MODULES = ["benchmarks.damage", "benchmarks.damage.cp936", "benchmarks.damage.trace", "benchmarks.damage.farm",
           "benchmarks.damage.sites", "benchmarks.damage.classic", "benchmarks.damage.cases"]


def predamage(site: str) -> str:
    return (ORIGINALS / f"{site}_predamage.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", MODULES)
def test_docstrings(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("site", ["000", "001", "003", "004"])
def test_whole_seed_page_reproduced_byte_for_byte(site):
    got = farm.damaged(predamage(site), site)
    assert got.encode("utf-8") == read_seed(site).encode("utf-8")


# Real runs of the seeds (forensics REPORT §2.2): the pre-damage text, the
# site, and the text the page shows.
RUNS = [
    ("001", "感謝各位對數據工作的關心和支持。“十四五”時期，在以", "感謝各位對數據工作的關心和支持?!笆\ue1a2奈濉睍r期,在以"),
    ("001", "讓民生保障持續“升溫”。“高效辦成一件事”已進入", "讓民生保障持續“升溫”?!案咝мk成一件事”已進入"),
    ("001", "數據產業規模快速增長。我國數據產業", "數據產業規??焖僭鲩L。我國數據產業"),
    ("001", "全國10.7億人領用電子社保卡，覆蓋75%以上人口", "全國10.7億人領用電子社???,覆蓋75%以上人口"),
    ("001", "我們認為規模化流通是關鍵。實現規模化流通的一個重要前提",
     "我們認為規?;\ue1f6魍ㄊ顷P鍵。實現規?;\ue1f6魍ǖ囊粋€重要前提"),
    ("001", "提出了匿名化處理等9項重點技術規范。基于統一標準", "提出了匿名化處理等9項重點技術規范?;\ue2c4诮y一標準"),
    ("001", "布局了16個省（區、市）的數據基礎設施架構", "布局了16個?。▍^、市)的數據基礎設施架構"),
    ("001", "為數據規模化跨域流通奠定設施基礎。", "為數據規?;\ue1f4缬蛄魍ǖ於ㄔO施基礎。"),
    ("001", "已經形成了“1+3”的政策體系。《政務數據共享條例》出臺實施",
     "已經形成了“1+3”的政策體系?!墩\ue848諗祿\ue480蚕項l例》出臺實施"),
    ("001", "有力保障了醫保基金的安全。從地方看", "有力保障了醫?;\ue2ae鸬陌踩?。從地方看"),
    ("001", "取得了顯著成效。總體可以概括為", "取得了顯著成效??傮w可以概括為"),
    ("001", "在規模、技術等方面", "在規模、技術等方面"),  # 、 is cut first and hides the ghost ！
    ("000", "成為消費新熱點。”" + farm.HIDDEN_SPAM + "\n國家",
     '成為消費新熱點?!?span style="display:none">32n即熱新聞——關(guān)注每天科技社會生活新變化gihot.com\n國家'),
    ("003", "匯集了政務數據。”福建省常務副省長張志南介紹",
     "匯集了政務(wù)數(shù)據(jù)?!备=ㄊ〕?wù)副省長(zhǎng)張志南介紹"),
    ("003", "已取得重大突破。”國家互聯網", "已取得重大突破?!眹?guó)家互聯(lián)網(wǎng)"),
    ("003", "服務水平。”\n數字經濟", "服務(wù)水平?!?\n數(shù)字經(jīng)濟(jì)"),
    ("004", "支持數字企業高質量發展", "支持?jǐn)?shù)字企業(yè)高質(zhì)量發(fā)展"),
    ("004", "請在相關作品刊發之日起", "請(qǐng)?jiān)谙嚓P(guān)作品刊發(fā)之日起"),
    ("004", "（以下簡稱《報告》）。《報告》明確了", "(以下簡(jiǎn)稱(chēng)《報(bào)告》)!秷(bào)告》明確了"),
]


@pytest.mark.parametrize("site, pre, shown", RUNS, ids=[f"{r[0]}:{r[2][:10]}" for r in RUNS])
def test_real_run_reproduced(site, pre, shown):
    assert farm.damaged(pre, site) == shown


def shift_spans(site: str):
    pre = predamage(site)
    return [s for s in spans(farm.pipeline(traced(pre), site), pre, folded) if not s.tags <= {"annotation"}]


@pytest.mark.parametrize("site, count", [("000", 2), ("001", 20), ("003", 3), ("004", 3)])
def test_every_seed_run_is_one_span(site, count):
    found = shift_spans(site)
    assert len(found) == count
    page = read_seed(site)
    for case in load_json("mojibake_seeds.json")["runs"]:
        if case["seed"] == site:
            at = page.index(case["context"])
            assert any(at <= s.start < at + len(case["context"]) for s in found), case["context"]


def test_spans_name_the_mechanism():
    by_target = {s.target: s.tags for site in ("000", "001", "003", "004") for s in shift_spans(site)}
    assert {"ghost:？", "lone", "realign:piece-end"} <= by_target["保卡"]
    assert {"ghost:！ in 。“", "realign:ascii-trail"} <= by_target["。“十四五”時"]
    assert "realign:euro-trail" in by_target["模化流通的一個"]
    assert {"eaten:<", "ghost:！ in 。”"} <= by_target["。”<"]
    assert {"uda3-dropped", "eaten:("} <= by_target["。”福建省常務"]
    assert {"lead-before-control", "paragraph-final"} <= by_target["。”"]
    assert {"lone-dropped", "lead-dropped"} <= by_target["。《報"]
    assert "cross-key" in by_target["數"] and "cross-key" in by_target["在相關"]


def test_site_tables_are_what_the_build_script_derives():
    assert build_sites.build() == sites.DATA.read_text(encoding="utf-8")


def test_pipeline_rejects_unknown_style():
    with pytest.raises(ValueError):
        farm.pipeline(traced("好"), "005")


@pytest.mark.parametrize("name", sorted(classic.MECHANISMS))
def test_classic_mechanisms_read_as_python_does(name):
    text = "數據要素市場化配置改革，今天天氣很好。2024年“十四五”時期" if "big5" in name[:4] else \
        "数据要素市场化配置改革，今天天气很好。2024年“十四五”时期"
    mechanism = classic.MECHANISMS[name]
    data = mechanism.encoder(text)
    plain = {"utf8-as-gbk": lambda: data.decode("gbk", "replace"),
             "utf8-as-gbk-lost": lambda: data.decode("gbk", "ignore"),
             "utf8-as-gb18030": lambda: data.decode("gb18030", "replace"),
             "utf8-as-cp936": lambda: cp936.decode(data, classic.WINDOWS),
             "gbk-as-utf8": lambda: data.decode("utf-8", classic.LATIN1_FALLBACK),
             "gbk-as-latin1": lambda: data.decode("latin-1"),
             "gbk-as-cp1252": lambda: "".join(classic.code_page_tokens(bytes([b]), "cp1252")[0].text for b in data),
             "gbk-as-cp1250": lambda: "".join(classic.code_page_tokens(bytes([b]), "cp1250")[0].text for b in data),
             "big5-as-gbk": lambda: cp936.decode(data, cp936.GATEWAY),
             "big5-as-gbk-python": lambda: data.decode("gbk", "replace"),
             "gbk-as-big5": lambda: data.decode("cp950", "replace")}[name]()
    assert classic.misread_text(text, name) == plain


def test_code_pages_read_undefined_bytes_as_latin1():
    assert classic.misread_text("，", "gbk-as-cp1252") == "£¬"
    assert classic.misread_text("中", "gbk-as-cp1252") == "ÖÐ"
    assert classic.misread_text("液压系统", "gbk-as-utf8") == "Һѹϵͳ"


def restore(damaged: str, found) -> str:
    out, pos = [], 0
    for s in found:
        out.append(damaged[pos:s.start])
        out.append(s.target)
        pos = s.end
    out.append(damaged[pos:])
    return "".join(out)


# Characters that make ghosts: trail A3 (模保海), trail A1 (省), BF/BB leads
# (快卡化基), the A1 row (“”《), marks, ASCII a lead byte can eat, newline.
_ALPHABET = list("模保海省快卡化基可會“”《》「」【】。，、！？；：（）的是數據關國說個abc12<( \n") + ["數(shù)"]
_TEXT = st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join)


@given(_TEXT, st.sampled_from(["001", "000", "003", "004"]))
def test_spans_restore_the_clean_text(text, site):
    out = farm.pipeline(traced(text), site, table=sites.union())
    damaged = text_of(out)
    found = spans(out, text, folded)
    assert restore(damaged, found) == text.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})
    assert all(damaged[s.start:s.end] == s.damaged for s in found)


@given(_TEXT, st.sampled_from(sorted(classic.MECHANISMS)))
def test_classic_spans_restore_the_clean_text(text, name):
    try:
        out = classic.misread(traced(text), name)
    except UnicodeEncodeError:
        return
    found = spans(out, text)
    assert restore(text_of(out), found) == text


def test_benchmark_scores_spans_and_edits():
    from benchmarks import mojibake_accuracy as bench
    from textrepair import Edit

    case = cases.make("gbk-shift", "醫保基金的安全。從社保卡，覆蓋")
    assert [s.target for s in case.spans] == ["保基金的安全", "保卡"]
    first, second = case.spans
    right = Edit("gbk-shift", first.start, first.end, first.damaged, first.target, 0.95)
    wrong = Edit("gbk-shift", second.start, second.end, second.damaged, "海口", 0.99)
    stray = Edit("gbk-shift", 0, 1, case.damaged[0], "x", 0.6)
    out = "x" + case.damaged[1:first.start] + first.target + case.damaged[first.end:second.start] + "海口" + \
        case.damaged[second.end:]
    result = bench.score(case, out, [stray, right, wrong])
    assert [(s["exact"], s["worse"], s["rewritten"]) for s in result["spans"]] == [(True, False, False),
                                                                                     (False, False, True)]
    assert [(e["right"], e["explained"]) for e in result["edits"]] == [(False, False), (True, True), (False, True)]
    assert result["false_edit_chars"] == 1 and result["after"] == 1 + 2
    worse = bench.score(case, case.damaged[:second.start] + "????" + case.damaged[second.end:],
                        [Edit("gbk-shift", second.start, second.end, second.damaged, "????", 0.5)])
    assert [s["worse"] for s in worse["spans"]] == [False, True]


def test_pages_join_items_with_their_spans():
    from benchmarks import mojibake_accuracy as bench

    items = [cases.make("gbk-shift", t) for t in ("醫保基金的安全。從社保卡，覆蓋", "規模快速增長。基于統一標準")]
    page = bench.paged(items, 2)[0]
    assert page.damaged == "\n".join(c.damaged for c in items) and page.target == "\n".join(c.target for c in items)
    originals = [(c, s) for c in items for s in c.spans]
    assert len(page.spans) == len(originals) > 2
    for span, (item, original) in zip(page.spans, originals):
        assert page.damaged[span.start:span.end] == span.damaged == original.damaged
        assert page.clean[span.clean_start:span.clean_end] == item.clean[original.clean_start:original.clean_end]


@pytest.mark.parametrize("mark, text, shown", [
    ("、", "省Ⅱ區", "?、騾^"),  # trail A1 + an A2-row character
    ("，", "模瑎好", "?,€好"),  # trail A3 + an AC-lead character
    ("。", "省（區", "?。▍^"),
    ("？", "模快", "???"),  # 模快 at the end of the text: both lost bytes show
    ("；", "模化流", "?;\ue1f6?"),
    ("！", "好。“十", "好?!笆?"),
])
def test_a_ghost_of_each_mark(mark, text, shown):
    case = cases.make("gbk-shift", text)
    assert case.damaged == shown
    assert "ghost:" + mark in case.spans[0].tags


@pytest.mark.parametrize("text, shown, lost", [
    ("今天真的很熱！！", "??", True),  # both bytes of the first ！ shown as ? by two pieces
    ("電子社保卡，覆蓋", "???", False),  # 保 lost its lead, 卡 its trail: each keeps a byte
    ("這家店真好！！！下次", "?。?", False),
])
def test_a_character_whose_every_byte_is_lost_is_tagged(text, shown, lost):
    # the benchmark's "no character lost whole" row leaves out what no reading can restore
    [span] = cases.make("gbk-shift", text).spans
    assert span.damaged == shown
    assert ("char-lost" in span.tags) is lost
