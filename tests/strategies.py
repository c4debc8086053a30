"""Hypothesis strategies for text like the damage textrepair meets."""

from __future__ import annotations

from hypothesis import strategies as st

from helpers import SEEDS

_SEED_TEXT = "".join(p.read_text(encoding="utf-8") for p in SEEDS)

PINYIN = ["shù", "jīng", "jì", "guan", "yu", "de", "lǜ", "lv", "Shù", "SHU", "ń", "m̀", "ê", "bào", "zhǎng", "x", ""]
TRICKY = ["(", ")", "?", "?!", "<", ">", "&", "&nbsp;", "<span style=\"display:none\">", "</p>", " ", "\u3000",
          "\xa0", "\ufffd", "\ue1a2", "\u200b", "\r\n", "\t", "，", "。", "“", "”", "(2023年)", "(BI)", "\x00"]

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
cjk_punct = st.sampled_from("，。、；：？！“”‘’《》（）【】·…—")
annotation = st.builds(lambda c, p, sp: f"{c}({p}){sp}", st.sampled_from("數經濟產業關於為習會義長樂数竖了的綠"),
                       st.sampled_from(PINYIN), st.sampled_from(["", " "]))
seed_fragment = st.integers(0, max(0, len(_SEED_TEXT) - 1)).flatmap(
    lambda i: st.integers(1, 200).map(lambda n: _SEED_TEXT[i : i + n])
)
any_char = st.characters(blacklist_categories=())  # every code point, surrogates included

piece = st.one_of(
    st.text(han, min_size=1, max_size=8),
    annotation,
    seed_fragment,
    st.sampled_from(TRICKY),
    cjk_punct,
    st.text(st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF), min_size=1, max_size=3),
    st.text(any_char, max_size=4),
    st.text(st.characters(max_codepoint=0x2FF), max_size=6),
)

cjk_text = st.lists(piece, max_size=30).map("".join)
