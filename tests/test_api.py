"""The public API: repair, explain, repair_bytes, Repairer, BACKEND."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS
from strategies import cjk_text
import textrepair
from textrepair import Edit, Repairer, apply_edits


@given(st.one_of(cjk_text, st.text(st.characters(blacklist_categories=()))))
def test_repair_never_raises_and_explain_is_consistent(text):
    repaired = textrepair.repair(text)
    assert isinstance(repaired, str)
    assert apply_edits(text, textrepair.explain(text)) == repaired


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("script", ["keep", "auto", "simplified"])
def test_explain_consistent_on_seeds(path, script):
    text = path.read_text(encoding="utf-8")
    edits = textrepair.explain(text, script=script)
    assert apply_edits(text, edits) == textrepair.repair(text, script=script)
    for e in edits:
        assert text[e.start : e.end] == e.before
        assert 0 < e.confidence <= 1


@pytest.mark.parametrize("bad", [b"abc", None, 3, ["a"]])
def test_non_str_raises_type_error(bad):
    with pytest.raises(TypeError, match="expects str"):
        textrepair.repair(bad)
    with pytest.raises(TypeError, match="expects str"):
        textrepair.explain(bad)


def test_repair_bytes():
    assert textrepair.repair_bytes("數(shù)據(jù)".encode()) == "數據"
    assert textrepair.repair_bytes(b"\xef\xbb\xbf" + "數(shù)據(jù)".encode()) == "數據"
    with pytest.raises(TypeError, match="expects bytes"):
        textrepair.repair_bytes("text")


def test_unknown_option():
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        textrepair.repair("x", colour=True)
    with pytest.raises(ValueError, match="script must be one of"):
        textrepair.repair("x", script="klingon")
    with pytest.raises(TypeError, match="True or False"):
        textrepair.repair("x", annotations="yes")


def test_repairer_pickles_and_matches_functions():
    r = Repairer(script="auto")
    clone = pickle.loads(pickle.dumps(r))
    assert clone == r and clone.options.script == "auto"
    text = SEEDS[0].read_text(encoding="utf-8")
    assert clone.repair(text) == textrepair.repair(text, script="auto")
    assert clone.repair_and_explain(text) == (clone.repair(text), clone.explain(text))


def test_switching_a_stage_off():
    assert textrepair.repair("數(shù)據(jù)", annotations=False) == "數(shù)據(jù)"


def test_backend_follows_environment():
    env = dict(os.environ, TEXTREPAIR_BACKEND="python")
    out = subprocess.run([sys.executable, "-c", "import textrepair; print(textrepair.BACKEND)"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "python"


def test_backend_is_c_when_built():
    from textrepair import _backend

    if "c" not in _backend.available():
        pytest.skip(f"C core not in use here: {_backend.REASON}")
    env = {k: v for k, v in os.environ.items() if k != "TEXTREPAIR_BACKEND"}
    out = subprocess.run([sys.executable, "-c", "import textrepair; print(textrepair.BACKEND)"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "c"


def test_edit_apply_rejects_mismatch():
    with pytest.raises(ValueError, match="does not match"):
        apply_edits("abc", [Edit("x", 0, 1, "z", "", 1.0)])
