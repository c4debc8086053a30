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


def _annotation_results(scan, eat_space: bool = True):
    """Everything an AnnotationScan reports: what it found, its verdicts,
    and the text without the annotations judged converter output."""
    found = (scan.stats, scan.matches())
    scan.judge()
    return found, scan.matches(), scan.removed(eat_space)


def _assert_annotations_agree(text: str, eat_space: bool = True) -> None:
    c = _annotation_results(_cext.scan_annotations(text), eat_space)
    _cext.forget()
    assert c == _annotation_results(_fallback.scan_annotations(text), eat_space)


# Annotations in the styles the judgement tells apart, to build dense inputs from.
annotated = st.builds(
    lambda c, p, sp: f"{c}({p}){sp}",
    st.sampled_from("數經濟長樂還们的得数长乐,。、a1「」“”"),
    st.sampled_from(["shù", "shu", "jīng", "jing", "zhǎng", "cháng", "yuè", "lè", "hái", "huán", "men", "mén",
                     "de", "dé", "shǔ", ",", "。", "、", "a", "1", "「"]),
    st.sampled_from(["", "", " "]))
annotated_text = st.lists(st.one_of(annotated, st.sampled_from(["「", "」", "“", "”", "長江", "数据", " ", "\n"]),
                                    cjk_text), max_size=60).map("".join)


@given(inputs, st.booleans())
def test_scan_annotations(text, eat_space):
    _assert_annotations_agree(text, eat_space)


@given(annotated_text, st.booleans())
def test_judge_annotations(text, eat_space):
    _assert_annotations_agree(text, eat_space)


def test_judge_annotations_generated_documents():
    import annotation_corpus as corpus

    docs = ([corpus.gloss_document(i) for i in range(40)] + [corpus.traditional_farm(i)[0] for i in range(12)]
            + [corpus.every_character_farm(i)[0] for i in range(12)] + [corpus.primer(i) for i in range(12)])
    for doc in docs:
        _assert_annotations_agree(doc)
    _assert_annotations_agree("\n".join(docs))


def test_judgement_constants_match_header():
    from textrepair._fallback import annotations as spec
    from textrepair._speedups import lib

    assert spec.WINDOW == lib.TR_ANN_WINDOW
    for name in ("TRAD", "DENSE", "STYLE", "ECHO", "COVER", "GLOSSY"):
        assert getattr(spec, name) == (getattr(lib, f"TR_ANN_{name}_NUM"), getattr(lib, f"TR_ANN_{name}_DEN")), name


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_agree(path):
    text = path.read_text(encoding="utf-8")
    assert _cext.scan_flags(text) == _fallback.scan_flags(text)
    _assert_annotations_agree(text)
    _assert_annotations_agree(text, eat_space=False)


def test_seeds_concatenated_and_repeated_agree():
    text = "".join(path.read_text(encoding="utf-8") for path in SEEDS)
    _assert_annotations_agree(text * 20)


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
    ["數(shù)" * 1000, "關(guan) " * 700 + "(", "(" * 5000 + "數(shù)", ")" * 3000 + "數(shù)" * 3, "()" * 2000,
     ",(,)" * 2000, "數(shù)(shǔ)(shuò)" * 300, "「數(shù)」" * 500, "數(shù)(shù)(shù) " * 400],
    ids=["dense-toned", "dense-spaced", "open-parens", "close-parens", "empty-pairs", "echoes", "readings",
         "quoted", "chains"],
)
def test_scan_annotations_dense_and_hostile(text):
    # Denser than the C wrapper's first buffer guess (one per 16 bytes), and
    # long runs of parentheses that the C scan skips with memchr.
    _assert_annotations_agree(text)
