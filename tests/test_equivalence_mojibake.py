"""``tr_mojibake_runs`` and its Python twin find the same candidate runs."""

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

# Pieces that sit on every branch of the scan: anchors, folded split pairs,
# swallowed-paren tails, annotations, realigning letters, 0x80, spaces.
MOJIBAKE_PIECES = ["?", "!", ";", ",", "?!", "??", "?;", "?!?", "jǐn)", "(shù)", "(bào)", "wù)", "(BI)", "r",
                   "P", "\u20ac", "\ue1a2", "\ue848", " ", "\u3000", "\xa0", "\n", "<", "(", ")", "。", "、",
                   "“", "”", "5", "%", "abcdefgh)", "x"]
mojibake_text = st.lists(
    st.one_of(st.sampled_from(MOJIBAKE_PIECES), st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20),
                                                        min_size=1, max_size=4)),
    max_size=40,
).map("".join)
inputs = st.one_of(cjk_text, mojibake_text, st.text(st.characters(blacklist_categories=()), max_size=60))


@given(inputs)
def test_mojibake_runs(text):
    assert _cext.mojibake_runs(text) == _fallback.mojibake_runs(text)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_mojibake_runs_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    assert _cext.mojibake_runs(text) == _fallback.mojibake_runs(text)


def test_mojibake_runs_on_fixtures():
    for case in load_json("mojibake_seeds.json")["runs"]:
        text = case["context"]
        assert _cext.mojibake_runs(text) == _fallback.mojibake_runs(text) != []


# --- tr_mojibake_scan ---------------------------------------------------------
# Characters on every branch of the scan's classes: common and rare Han, PUA,
# U+FFFD, code-page characters (letters and signs), ftfy's lead and
# continuation characters, C1 controls, CJK punctuation, spaces of every kind.
SCAN_PIECES = MOJIBAKE_PIECES + ["鏂伴椈", "锟斤拷", "\ufffd", "ÖÐ¹ú", "Ö", "Ð", "¹", "ú", "Ó", "ů", "Ă", "Č",
                                 "í", "Ľ", "ţ", "”“", "×”", "©", "°", "\x81", "\x9d", "â€™", "Ã©", "Ã", "€",
                                 "™", "╬", "\uf8ff", "中", "国", "，", "。", "\u3000", "\u2028", "\x85", "\t",
                                 "A", "z", "@", "~", "\U00020000", "\ud800"]
scan_text = st.lists(st.sampled_from(SCAN_PIECES), max_size=40).map("".join)
scan_inputs = st.one_of(inputs, scan_text, st.text(st.characters(min_codepoint=0x80, max_codepoint=0x24FF),
                                                   max_size=40))


@given(scan_inputs)
def test_mojibake_scan(text):
    assert _cext.mojibake_scan(text) == _fallback.mojibake_scan(text)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_mojibake_scan_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    assert _cext.mojibake_scan(text) == _fallback.mojibake_scan(text)


def test_mojibake_scan_classes_every_code_point():
    # Each code point alone between spaces and between two CJK characters, so
    # every class of every code point shows in some span: the generated C
    # table and the Python definitions agree everywhere.
    for lo in range(0x80, 0x110000, 0x20000):
        cps = range(lo, min(lo + 0x20000, 0x110000))
        for text in (" ".join(chr(c) for c in cps), "中".join(chr(c) + chr(c) + "a" for c in cps)):
            assert _cext.mojibake_scan(text) == _fallback.mojibake_scan(text)


def test_mojibake_scan_dense():
    # More spans than the C wrapper's first buffer holds.
    text = "\ue000 ÖÐ " * 5000
    assert _cext.mojibake_scan(text) == _fallback.mojibake_scan(text)
    assert len(_fallback.mojibake_scan(text).rare) == 10000


@pytest.mark.parametrize("count", range(1, 13))
def test_mojibake_runs_on_question_mark_runs(count):
    # The Python twin jumps through long runs of "?": every neighbour that
    # could make a position inside one an anchor, on either side.
    for before in ("", "數", "a", " ", "!", "\ue1a2"):
        for after in ("", "數", "shù)", "!數", ";", "\n", "b"):
            text = before + "?" * count + after
            assert _cext.mojibake_runs(text) == _fallback.mojibake_runs(text), text
