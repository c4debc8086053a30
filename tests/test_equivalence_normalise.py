"""tr_normalise_runs and its Python twin agree on generated input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS
from strategies import cjk_text
from textrepair import _backend, _fallback

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402

any_text = st.text(st.characters(blacklist_categories=()), max_size=60)
# Hostile: dense runs of every class, their borders, and the code points next to each range.
edges = st.sampled_from(["\x00", "\x08", "\t", "\n", "\x0b", "\r", "\x1f", " ", "!", ",", ".", ":", ";", "?", "\x7e",
                         "\x7f", "\x80", "\x9f", "\xa0", "\xac", "\xad", "\xae", "\u1fff", "\u2000", "\u200a",
                         "\u200b", "\u200d", "\u200e", "\u2027", "\u2028", "\u2029", "\u202a", "\u202f", "\u205f",
                         "\u2060", "\u2061", "\u2fff", "\u3000", "\u3001", "\u3fff", "\u4000", "\ud800", "\udfff",
                         "\ueeff", "\uefff", "\uf000", "\ufeff", "\uff0f", "\uff10", "\uff19", "\uff1a", "\uff20",
                         "\uff21", "\uff3a", "\uff3b", "\uff40", "\uff41", "\uff5a", "\uff5b", "\ufffc", "\ufffd",
                         "\U00010000", "\U0010ffff", "中"])
hostile = st.lists(edges, max_size=80).map("".join)
inputs = st.one_of(cjk_text, any_text, hostile)
masks = st.integers(0, 31)


@given(inputs, masks)
def test_normalise_runs(text, classes):
    assert _cext.normalise_runs(text, classes) == _fallback.normalise_runs(text, classes)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_agree(path):
    text = path.read_text(encoding="utf-8")
    for classes in range(32):
        assert _cext.normalise_runs(text, classes) == _fallback.normalise_runs(text, classes)


def test_many_runs_exceed_the_first_buffer():
    text = "中 " * 5000 + "\u200b" * 3
    _cext.forget()
    assert _cext.normalise_runs(text, 31) == _fallback.normalise_runs(text, 31)
    assert len(_cext.normalise_runs(text, 31)) == 5000  # the last space joins the ZWSPs
