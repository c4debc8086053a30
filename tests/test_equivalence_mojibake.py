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
