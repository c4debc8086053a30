"""The triage (``pipeline._triage``, one C call) only ever skips work that
would change nothing: a text it calls idle comes back as the same object,
with no edit and no finding, exactly as every stage run over it would leave
it; and ordinary clean pages are idle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textrepair
from clean_corpus import documents
from helpers import SEEDS
from test_equivalence_triage import triage_inputs
from textrepair import _backend, pipeline
from textrepair import _flags as F
from textrepair.options import Options

OPTIONS = [Options(), Options(script="auto"), Options(normalise_whitespace=True), Options(mojibake_lost="keep"),
           Options(markup=False, boilerplate=False)]


def _every_stage(text: str, options: Options):
    """The pipeline with no triage: every enabled stage in every pass."""
    impl = _backend.impl
    try:
        return pipeline._run(impl, text, options, True, True)
    finally:
        impl.forget()


def _check(text: str, options: Options) -> bool:
    idle = pipeline._triage(_backend.impl, text, options) is None
    _backend.impl.forget()
    if idle:
        assert _every_stage(text, options) == (text, [], [])
        repairer = textrepair.Repairer(options)
        assert repairer.repair(text) is text
        assert repairer.explain(text) == [] and repairer.findings(text) == []
    else:
        assert textrepair.Repairer(options).repair_and_explain(text) == _every_stage(text, options)[:2]
    return idle


@given(triage_inputs, st.sampled_from(OPTIONS))
def test_an_idle_text_is_one_no_stage_changes(text, options):
    _check(text, options)


def test_the_clean_corpus():
    docs = documents()
    idle = sum(_check(d.text, Options()) for d in docs[::7])
    assert idle > len(docs[::7]) // 2  # most clean documents cost the triage alone


def test_a_clean_page_is_idle_and_a_damaged_one_is_not():
    from benchmarks.corpora import clean_article

    article = clean_article()
    assert "【" in article and "?" in article and "×”" in article
    assert _check(article, Options())
    for path in SEEDS:
        if not path.name.startswith("002"):
            assert not _check(path.read_text(encoding="utf-8"), Options())


def test_repair_returns_the_very_input():
    text = "国家数据局局长刘烈宏,福建省委常委「郭宁宁」出席发布会?下一步【智慧城市网】"
    assert textrepair.repair(text) is text
    assert textrepair.explain(text) == []


@pytest.mark.parametrize("text, marked", [("好!静妥郎", True), ("旧;肪潮", True), ("好!\n静", False), ("好! 静", False),
                                          ("a!静", False), ("好,静", False)])
def test_a_mark_between_wide_characters_sets_its_bit(text, marked):
    bits, _scan = _backend.impl.triage(text, 0, (), 0)
    assert bool(bits & F.TRI_MARK) is marked
