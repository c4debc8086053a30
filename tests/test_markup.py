"""The markup stage: tags, comments, script/style bodies, entities and hidden
spans go; text that merely looks like markup stays (issue 3)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textrepair
from helpers import DATA, SEEDS, load_json, read_seed
from textrepair import Options, apply_edits
from textrepair.stages import markup

TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?>|<!--")
ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
NEGATIVES = load_json("markup_negative.json")["cases"]


def stage(text: str) -> str:
    """The stage's text, after checking that fix() and fix_text() agree and
    the edits rebuild it."""
    fixed, edits = markup.fix(text, Options())
    assert markup.fix_text(text, Options()) == fixed
    assert apply_edits(text, edits) == fixed
    return fixed


def kinds(text: str) -> list[str]:
    return [e.kind for e in markup.fix(text, Options())[1]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('<li id="44aaa"><tt id="44aaa"></tt></li>\n正文', "正文"),
        ("正文</p>", "正文"),
        ("第一段<br>第二段", "第一段\n第二段"),
        ("第一段</p><p>第二段", "第一段\n第二段"),
        ("a<br/>b", "a\nb"),
        ("前<!-- 注释 <b>x</b> -->后", "前后"),
        ('前<script type="text/javascript">var a = 1 < 2; document.write("<p>")</script>后', "前后"),
        ("前<style>p{color:red}</style>后", "前后"),
        ("<!DOCTYPE html>\n正文", "正文"),
        ("<div>\n<p>段落一。</p>\n<p>段落二。</p>\n</div>", "段落一。\n段落二。\n"),
        ('<A HREF="http://x.cn/?a=1&amp;b=2">链接</A>', "链接"),
        ("<img src='a.png' alt=图片>图注", "图注"),
        ("<a href=http://x.cn/a?b=1&c=2>链接</a>", "链接"),  # "=" inside an unquoted value
        ("<a href=x/>链接", "链接"),
    ],
)
def test_tags_go(text, expected):
    assert stage(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("前&nbsp;后", "前\xa0后"),
        ("AT&amp;T", "AT&T"),
        ("句号&#12290;", "句号。"),
        ("句号&#x3002;", "句号。"),
        ("前&amp;nbsp;后", "前\xa0后"),  # escaped twice
        ("&amp;unknown;", "&unknown;"),  # only the outer level is an entity
        ("&lt;p&gt;", "<p>"),  # one level: the result is text, not re-parsed
        ("&copy;2024", "©2024"),
    ],
)
def test_entities_decode(text, expected):
    assert stage(text) == expected
    assert set(kinds(text)) == {"entity"}


@pytest.mark.parametrize(
    "text",
    [
        '句子。<span style="display:none">32n即熱新聞——關注每天科技社會生活新變化gihot.com\n下一句。',
        '句子。<span style="display:none">藏</span>\n下一句。',
        '句子。<span style="display: none">藏<span>也藏</span>还藏</span>\n下一句。',
        '句子。<span style="DISPLAY : NONE">藏</span>\n下一句。',
        '句子。<span style="visibility:hidden">藏</span>\n下一句。',
        '句子。<span style="font-size:0">藏</span>\n下一句。',
        '句子。<span style="font-size: 0px;">藏</span>\n下一句。',
        "句子。<span hidden>藏</span>\n下一句。",
        "句子。<font style=display:none>藏</font>\n下一句。",
        '句子。<div style="height:0;overflow:hidden">藏</div>\n下一句。',
        '<style>.x{display:none}</style>句子。<div class="x">藏</div>\n下一句。',
        '<style>#ad , .y{ visibility : hidden }</style>句子。<p id="ad">藏</p><p class="a y">藏</p>\n下一句。',
        '句子。<span style="display:none">藏&nbsp;<b>粗</b></span>\n下一句。',
    ],
)
def test_hidden_spans_go_with_their_content(text):
    out = stage(text)
    assert out == "句子。\n下一句。"
    assert "hidden-span" in kinds(text)


def test_hidden_block_spans_lines():
    text = '<div style="display:none">\n广告一\n广告二\n</div>\n正文。'
    assert stage(text) == "正文。"


def test_unclosed_inline_span_stops_at_the_line_end():
    # A later </span> on another line must not swallow the article between.
    text = '一。<span style="display:none">广告\n二。<span>三。</span>'
    assert stage(text) == "一。\n二。三。"


def test_font_size_not_zero_is_visible():
    text = '<span style="font-size:0.8em">小字</span>'
    assert stage(text) == "小字"


def test_class_hidden_only_when_the_page_says_so():
    assert stage('<div class="x">正文</div>') == "正文"


# Touching tags are read as one run unless a hidden element needs them one
# by one; these cases put hidden elements, non-tags and script bodies inside
# such runs.
@pytest.mark.parametrize(
    "text, expected",
    [
        ('前<div><p><span style="display:none">广告</span></p></div>后', "前\n\n后"),
        ('前<div><div class="ad">广告</div></div>后<style>.ad{display:none}</style>', "前\n\n后"),
        ("<p><foo><b>粗</b>", "<foo>粗"),
        ('<p><script>var a = "<b>";</script><b>正文</b>', "正文"),
        ("第一段</b></p><p><i>第二段", "第一段\n第二段"),
        ("甲</b><i>乙", "甲乙"),
        ('<li id="44aaa"><tt id="44aaa"></tt></li><li id="44aaa"><tt id="44aaa"></tt></li>正文', "正文"),
    ],
)
def test_runs_of_touching_tags(text, expected):
    assert stage(text) == expected


RUN_PIECES = ["<div>", "</div>", "<p>", "</p>", "<span>", "</span>", '<span style="display:none">', "<b hidden>",
              '<div class="x">', "<style>.x{display:none}</style>", "<script>", "</script>", "<foo>", "<!-- c -->",
              "<br>", "<br/>", "&amp;", "正文", "\n", " ", "<", ">"]


@given(st.lists(st.sampled_from(RUN_PIECES), max_size=30))
def test_reading_runs_whole_changes_nothing(pieces):
    # The same spans as reading every tag alone (a run pattern that never matches).
    text = "".join(pieces)
    whole = markup._spans(text)
    saved = markup._PIECE_RUN
    markup._PIECE_RUN = re.compile(r"(?!)")
    try:
        one_by_one = markup._spans(text)
    finally:
        markup._PIECE_RUN = saved
    assert whole == one_by_one


@pytest.mark.parametrize("text", NEGATIVES)
def test_negatives_survive(text):
    assert stage(text) == text
    assert textrepair.repair(text) == text
    assert textrepair.explain(text) == []


def test_at_least_thirty_more_negatives():
    issue = {"a<b", "x > y", "<<三体>>", "《报告》", "if (a<b && c>d)", "AT&T"}
    assert len(set(NEGATIVES) - issue) >= 30


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_hold_no_markup(path):
    text = path.read_text(encoding="utf-8")
    out = textrepair.repair(text)
    assert TAG.search(out) is None
    assert ENTITY.search(out) is None
    assert "gihot" not in out and "display:none" not in out and "32n即熱新聞" not in out
    fixed, edits = textrepair.Repairer().repair_and_explain(text)
    assert apply_edits(text, edits) == fixed == out


def test_seed_000_hidden_spans_show_in_explain():
    text = read_seed("000")
    # The span follows a byte-shift run the mojibake stage repairs, so the two
    # edits merge into one whose kind names both.
    hidden = [e for e in textrepair.explain(text) if "hidden-span" in e.kind.split("+")]
    assert len(hidden) == 2
    assert all('span style="display:none">32n即熱新聞' in e.before and e.before.endswith("gihot.com") for e in hidden)


def test_seed_001_tags_show_in_explain():
    text = read_seed("001")
    removed = "".join(e.before for e in textrepair.explain(text) if "html" in e.kind.split("+"))
    assert removed.count('<li id="44aaa">') == 5 and '<tt id="44aaa"></tt>' in removed


@pytest.mark.parametrize("seed", ["000", "003", "004"])
def test_seed_article_matches_the_fixture(seed):
    # tests/data/article_<seed>.txt: the article's lines, checked by hand
    # against the seed page (title, byline, every paragraph; no page chrome).
    expected = (DATA / f"article_{seed}.txt").read_text(encoding="utf-8").splitlines()
    out = textrepair.repair(read_seed(seed))
    assert [line.strip() for line in out.splitlines() if line.strip()] == expected


@pytest.mark.parametrize("seed", ["001", "002"])
def test_every_article_paragraph_remains(seed):
    # Paragraphs: the long lines of the page that end a sentence, once
    # mojibake is repaired.
    text = read_seed(seed)
    before = textrepair.repair(text, markup=False, boilerplate=False)
    out = textrepair.repair(text)
    lines = [line.strip() for line in before.splitlines()]
    paragraphs = [line for line in lines if len(line) > 40 and line.endswith(("。", "！", "？", "”", "!"))]
    assert len(paragraphs) > 10
    assert all(p in out for p in paragraphs)


def test_markup_can_be_switched_off():
    text = "正文<br>&nbsp;"
    assert textrepair.repair(text, markup=False) == text


@pytest.mark.parametrize(
    "text",
    [
        "<" * 1_000_000,
        "<a " * 100_000,
        "<a b=" * 60_000,
        '<span style="display:none">x\n' * 10_000,
        "<div><span class=\"x\">" * 6_000 + "正文" + "</span></div>" * 6_000,
        "&amp;" * 30_000,
        "<!--" * 60_000,
        "<script>" * 30_000,
    ],
    ids=["lt", "open-a", "open-attr", "hidden-lines", "nested", "amp", "comment-opens", "script-opens"],
)
def test_pathological_inputs_stay_fast(text):
    # Linear inputs of a few hundred KB take well under a second; quadratic
    # ones would take many minutes, so the generous bound cannot flake on a
    # busy machine.
    start = time.perf_counter()
    stage(text)
    assert time.perf_counter() - start < 20
