"""The C core and its pure-Python twin give identical results on generated
input.  One test per C entry point; each compares both backends directly."""

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

# Text of any code point (surrogates too: the C path takes them via surrogatepass).
any_text = st.text(st.characters(blacklist_categories=()), max_size=60)
inputs = st.one_of(cjk_text, any_text)


@given(inputs)
def test_scan_flags(text):
    assert _cext.scan_flags(text) == _fallback.scan_flags(text)


@given(inputs, st.booleans())
def test_scan_annotations(text, eat_space):
    c, py = _cext.scan_annotations(text), _fallback.scan_annotations(text)
    assert c.stats == py.stats
    assert c.occurrences() == py.occurrences()
    assert c.matches() == py.matches()
    assert c.removed(eat_space) == py.removed(eat_space)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_agree(path):
    text = path.read_text(encoding="utf-8")
    assert _cext.scan_flags(text) == _fallback.scan_flags(text)
    c, py = _cext.scan_annotations(text), _fallback.scan_annotations(text)
    assert (c.stats, c.occurrences(), c.matches(), c.removed(True)) == (
        py.stats, py.occurrences(), py.matches(), py.removed(True))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_pipeline_agrees_on_seeds(path):
    import textrepair

    text = path.read_text(encoding="utf-8")
    results = {}
    for name in ("c", "python"):
        _backend.use(name)
        results[name] = (textrepair.repair(text), textrepair.explain(text))
    assert results["c"] == results["python"]


def test_flag_constants_match_header():
    from textrepair import _flags
    from textrepair._speedups import lib

    names = [n for n in dir(_flags) if n.isupper()]
    assert names
    for name in names:
        assert getattr(lib, "TR_" + name) == getattr(_flags, name), name


@pytest.mark.parametrize(
    "text",
    ["數(shù)" * 1000, "關(guan) " * 700 + "(", "(" * 5000 + "數(shù)", ")" * 3000 + "數(shù)" * 3, "()" * 2000],
    ids=["dense-toned", "dense-spaced", "open-parens", "close-parens", "empty-pairs"],
)
def test_scan_annotations_dense_and_hostile(text):
    # Denser than the C wrapper's first buffer guess (one per 16 bytes), and
    # long runs of parentheses that the C scan skips with memchr.
    c, py = _cext.scan_annotations(text), _fallback.scan_annotations(text)
    _cext.forget()
    assert (c.stats, c.occurrences(), c.matches(), c.removed(True)) == (
        py.stats, py.occurrences(), py.matches(), py.removed(True))
