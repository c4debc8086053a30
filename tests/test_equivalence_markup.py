"""``tr_markup_candidates`` and its Python twin find the same places."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS, load_json
from strategies import cjk_text
from textrepair import _backend, _fallback

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402

# Every branch of the scan: "<" and "&" before letters, "/", "!", "#", digits,
# CJK, the end of the text; multi-byte characters around them shift the
# byte-to-code-point count; lone surrogates take three bytes.
MARKUP_PIECES = ["<", "&", "<a", "<Z", "</", "<!", "<!--", "&#", "&#12290;", "&amp;", "&nbsp;", "<3", "<<", "&&", "< ",
                 "&;", "<span style=\"display:none\">", "</span>", "<br>", "《", "》", "数", "\U00020000", "\ud800",
                 "\n", " ", "x", "é", "\u3000", "<é", "&数", "<@", "&_"]
markup_text = st.lists(st.sampled_from(MARKUP_PIECES), max_size=40).map("".join)
inputs = st.one_of(cjk_text, markup_text, st.text(st.characters(blacklist_categories=()), max_size=60))


@given(inputs)
def test_markup_candidates(text):
    assert _cext.markup_candidates(text) == _fallback.markup_candidates(text)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_markup_candidates_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    assert _cext.markup_candidates(text) == _fallback.markup_candidates(text)


def test_markup_candidates_on_negatives():
    for text in load_json("markup_negative.json")["cases"]:
        assert _cext.markup_candidates(text) == _fallback.markup_candidates(text)


def test_markup_candidates_find_something_on_seed_001():
    text = next(p for p in SEEDS if p.name.startswith("001")).read_text(encoding="utf-8")
    assert len(_cext.markup_candidates(text)) == 12  # 5 <li>, 5 </li>, <tt>, </tt>


# --- tr_boilerplate_lines ------------------------------------------------------

from textrepair.stages import boilerplate  # noqa: E402

TRIGGERS = boilerplate._trigger_phrases()
LINE_PIECES = ["\n", " ", "\t", "\u3000", "|", "｜", ">", "分享到", "分享", "上一篇:", "首頁", "©", "•", "a", "新聞", "x y",
               "\ud800", "\U00020000", "Copyright", "copyrigh", ".com", ".co", "无码", "无", "18禁", "1"]
line_text = st.lists(st.sampled_from(LINE_PIECES), max_size=50).map("".join)
phrase = st.text(st.characters(blacklist_characters="\n\x00", blacklist_categories=("Cs",)), min_size=1, max_size=4)


@given(st.one_of(cjk_text, line_text), st.integers(0, 7))
def test_boilerplate_lines_with_the_shipped_triggers(text, min_items):
    assert _cext.boilerplate_lines(text, TRIGGERS, min_items) == _fallback.boilerplate_lines(text, TRIGGERS, min_items)


@given(st.one_of(cjk_text, line_text, st.text(max_size=40)), st.lists(phrase, max_size=6).map(tuple), st.integers(0, 4))
def test_boilerplate_lines_with_any_phrases(text, phrases, min_items):
    assert _cext.boilerplate_lines(text, phrases, min_items) == _fallback.boilerplate_lines(text, phrases, min_items)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_boilerplate_lines_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    c = _cext.boilerplate_lines(text, TRIGGERS, boilerplate.MENU_ITEMS)
    assert c == _fallback.boilerplate_lines(text, TRIGGERS, boilerplate.MENU_ITEMS)
