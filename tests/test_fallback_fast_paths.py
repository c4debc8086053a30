"""The fast paths of the pure-Python twins return what their straightforward
definitions (the private ``*_reference`` functions beside them) return."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS, load_json
from strategies import cjk_text

pytestmark = pytest.mark.single_backend

mojibake = importlib.import_module("textrepair._fallback.mojibake")

# Pieces on every branch: anchors, folded split pairs, annotations, rare and
# common Han, code-page and ftfy characters, C1 controls, spaces, surrogates.
PIECES = ["?", "!", ";", ",", "?!", "??", "?;", "?!?", "jǐn)", "(shù)", "(bào)", "wù)", "(BI)", "(", ")", "r", "P",
          "\u20ac", "\ue1a2", "\ue848", "\uf8ff", " ", "\u3000", "\xa0", "\u2028", "\x85", "\n", "\t", "<", "。", "、",
          "“", "”", "”“", "——", "……", "×”", "5", "abcdefgh)", "x", "A", "@", "~", "鏂伴椈", "椈", "锟斤拷", "\ufffd",
          "ÖÐ¹ú", "Ö", "Ð", "ú", "ů", "Ă", "Č", "©", "°", "\x81", "\x9d", "\x80", "â€™", "Ã©", "Ã", "€", "™", "╬",
          "中", "国", "好", "，", "\U00020000", "\ud800", "\udc00", "ù", "ǜ"]
pieces_text = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
inputs = st.one_of(cjk_text, pieces_text, st.text(st.characters(blacklist_categories=()), max_size=80),
                   st.text(st.characters(min_codepoint=0x80, max_codepoint=0x24FF), max_size=60))


def _pages() -> list[str]:
    from benchmarks.corpora import damaged_text, sentence_text

    pages = [p.read_text(encoding="utf-8") for p in SEEDS]
    pages += [case["context"] for case in load_json("mojibake_seeds.json")["runs"]]
    # Long documents: the fast paths switch to their many-candidates branch
    # by density there.
    return pages + [sentence_text(60_000), damaged_text(60_000)]


def _tricky() -> list[str]:
    """Long and hostile inputs, each past the point where the fast paths
    switch to their many-candidates branch."""
    return ["?" * 10000, "(" * 5000, "!" * 3000 + "(", "," * 3000, "中," * 3000, "中,椈" * 1000, "好!椈(shù)" * 500,
            "\ue000\ue1a2\uf8ff" * 1000, "\ufffd" * 500, "”“" * 1000, "Ã©中" * 1000, "ÖÐ¹ú " * 500, "\x81" * 300,
            "中\ud800," * 500, "a ,椈" * 200, "", "?", ",", "中文“引号”“x ÖÐ¹ú"]


def _check_mojibake(text: str) -> None:
    assert mojibake.mojibake_runs(text) == mojibake._mojibake_runs_reference(text)
    assert mojibake.rare_windows(text) == mojibake._rare_windows_reference(text)
    assert mojibake._ftfy_segments(text) == mojibake._ftfy_segments_reference(text)
    assert mojibake.mojibake_scan(text) == mojibake._mojibake_scan_reference(text)


@given(inputs)
def test_mojibake_fast_paths(text):
    _check_mojibake(text)


@pytest.mark.parametrize("text", _pages() + _tricky(), ids=lambda t: repr(t[:12]))
def test_mojibake_fast_paths_on_pages(text):
    _check_mojibake(text)


def test_mojibake_fast_paths_on_page_slices():
    # Every cut of the seed pages in windows of 300: runs, windows and
    # segments that start or end at the cut.
    for page in _pages()[:5]:
        for start in range(0, len(page), 97):
            _check_mojibake(page[start:start + 300])


def test_anchor_candidates_hold_every_anchor():
    # The marks skipped are those where the anchor test is false.
    for text in _pages() + _tricky():
        rare = mojibake._rare_starts(text)
        tried = set(mojibake._marks_that_may_anchor(text, rare))
        for p, ch in enumerate(text):
            if ch in "!;," and p not in tried:
                assert not mojibake._anchor(text, p), (text[:40], p)


@given(inputs)
def test_class_led_code_page_runs(text):
    for codec in mojibake._CODE_PAGES:
        assert ([m.span() for m in mojibake._class_led_run(codec).finditer(text)]
                == [m.span() for m in mojibake.code_page_run(codec).finditer(text)])


def test_chains_use_both_branches():
    few = "中文ÖÐ¹ú”“x"
    many = "ÖÐ¹ú " * 100
    for text in (few, many):
        starts = [m.start() for m in mojibake._chain_starts().finditer(text)]
        for codec in mojibake._CODE_PAGES:
            assert mojibake._chains(text, codec, starts) == mojibake._chains_reference(text, codec)
    assert mojibake._chains(few, "latin-1", [2, 3, 4]) == [(2, 6)]


# --- boilerplate_lines ------------------------------------------------------
boilerplate = importlib.import_module("textrepair._fallback.boilerplate")


def _default_phrases() -> tuple[tuple[str, ...], int]:
    from textrepair.options import Options
    from textrepair.stages import boilerplate as stage

    return stage.scan_args(Options())


LINE_PIECES = ["\n", " ", "\t", "\u3000", "  ", "分享到", "分享", "上一篇:", "上一篇", "上一", "字体", "字", ".com", "copy",
               "copyright", "|", ">", "©", "新", "聞", "a", "好", "\xa0", "\r", "网站二维码", "点击右上角QQ"]
line_text = st.lists(st.sampled_from(LINE_PIECES), max_size=60).map("".join)
phrase_sets = st.lists(st.sampled_from(["分享", "分享到", "上一篇", "上一篇:", "字体", "a", "a a", " ", "好好", "|", "新 聞",
                                        "©", "x", "", ".com", "聞\u3000"]), max_size=6).map(tuple)


@given(st.one_of(line_text, cjk_text, st.text(max_size=60)), phrase_sets, st.integers(0, 7))
def test_boilerplate_lines_fast_path(text, phrases, min_items):
    assert (boilerplate.boilerplate_lines(text, phrases, min_items)
            == boilerplate._boilerplate_lines_reference(text, phrases, min_items))


@given(st.one_of(line_text, cjk_text))
def test_boilerplate_lines_fast_path_default_phrases(text):
    phrases, min_items = _default_phrases()
    assert (boilerplate.boilerplate_lines(text, phrases, min_items)
            == boilerplate._boilerplate_lines_reference(text, phrases, min_items))


@pytest.mark.parametrize("text", _pages() + _tricky() + ["a b c d e f\n" * 50, "\t \u3000x" * 500, "|" * 1000],
                         ids=lambda t: repr(t[:12]))
def test_boilerplate_lines_fast_path_on_pages(text):
    phrases, min_items = _default_phrases()
    for args in ((phrases, min_items), (phrases, 0), ((), 2), (("分享", "a\nb"), 3), (("上一",), 1)):
        assert boilerplate.boilerplate_lines(text, *args) == boilerplate._boilerplate_lines_reference(text, *args)


# --- triage ---------------------------------------------------------------
triage = importlib.import_module("textrepair._fallback.triage")
CLASSES = [0, 1, 2, 4, 8, 16, 17, 31]


@given(st.one_of(inputs, line_text), st.sampled_from(CLASSES), phrase_sets, st.integers(0, 7))
def test_triage_fast_paths(text, classes, phrases, min_items):
    assert (triage.triage(text, classes, phrases, min_items)
            == triage._triage_reference(text, classes, phrases, min_items))


@pytest.mark.parametrize("text", _pages() + _tricky() + ["好!" * 200 + "好", "好;" * 200 + "x", "a b c d e f\n" * 50],
                         ids=lambda t: repr(t[:12]))
def test_triage_fast_paths_on_pages(text):
    phrases, min_items = _default_phrases()
    for classes in CLASSES:
        for args in ((phrases, min_items), ((), 0), (("分享",), 1)):
            assert triage.triage(text, classes, *args) == triage._triage_reference(text, classes, *args)


@pytest.mark.parametrize("classes", CLASSES)
def test_may_normalise_on_every_code_point(classes):
    everything = "".join(map(chr, range(0x110000)))
    normalise = importlib.import_module("textrepair._fallback.normalise")
    single = normalise._norm_pattern(classes)
    expected = {m.start() for m in triage._NOT_INERT.finditer(everything)}
    if single is not None:
        expected |= {p for m in single.finditer(everything) for p in range(*m.span())}
    assert {m.start() for m in triage._may_normalise(classes).finditer(everything)} == expected


def test_folded_mark_many_marks():
    for text in ("!" * 100 + "好!好", "好! " * 100, ";" * 200, "好;" * 100 + "x"):
        assert triage._folded_mark(text) == (triage._MARK.search(text) is not None)


# --- normalise_runs ---------------------------------------------------------
@given(st.one_of(inputs, line_text), st.sampled_from(CLASSES))
def test_normalise_runs_pattern(text, classes):
    # ``[x][x]*`` finds what ``[x]+`` finds.
    normalise = importlib.import_module("textrepair._fallback.normalise")
    bodies = normalise._norm_bodies(classes)
    plus = [m.span() for m in __import__("re").finditer(f"[{bodies}]+", text)] if bodies else []
    assert [run[:2] for run in normalise.normalise_runs(text, classes)] == plus


# --- remembered answers -------------------------------------------------------
def _snapshot(scan):
    return scan.stats, scan.matches(), scan.flags()


def test_scan_annotations_again_is_a_fresh_scan():
    annotations = importlib.import_module("textrepair._fallback.annotations")
    scan_module = importlib.import_module("textrepair._fallback.scan")
    text = "數(shù)字經(jīng)濟 音樂(yuè)"
    first = annotations.scan_annotations(text)
    pristine = _snapshot(first)
    first.judge()
    first.remove(range(len(first.matches())))
    second = annotations.scan_annotations(text)  # the same object: remembered
    assert second is not first and _snapshot(second) == pristine
    assert _snapshot(annotations.AnnotationScan(text)) == pristine
    second.judge()
    fresh = annotations.AnnotationScan(text)
    fresh.judge()
    assert second.removed() == fresh.removed() and second.flags() == fresh.flags()
    scan_module.forget()
    assert _snapshot(annotations.scan_annotations(text)) == pristine


def test_normalise_runs_again_is_a_fresh_list():
    normalise = importlib.import_module("textrepair._fallback.normalise")
    text = "中\u200b文\ufffd x"
    runs = normalise.normalise_runs(text, 31)
    expected = list(runs)
    runs.append((0, 0, 0))
    assert normalise.normalise_runs(text, 31) == expected
    assert normalise.normalise_runs(text, 1) == normalise._runs(text, 1) != expected


def test_remembered_by_identity_only():
    scan_module = importlib.import_module("textrepair._fallback.scan")
    remembered = scan_module.Remembered()
    text = "".join(["中", "文"])
    remembered.put(text, 1, "answer")
    assert remembered.get(text, 1) == "answer"
    assert remembered.get("".join(["中", "文"]), 1) is None  # equal, yet another object
    scan_module.forget()
    assert remembered.get(text, 1) is None


# --- annotation gaps -----------------------------------------------------------
annotations_module = importlib.import_module("textrepair._fallback.annotations")
GAP_PIECES = ["數(shù)", "數(shu) ", "音樂(yuè)", "樂(lè)", "音乐", "數", "樂", "很好", "，", "。", " ", "\u3000", "\n", "ab", "(c)",
              ",(,)", "(", ")", "\x00", "\u200b", "\U00020000", "𠀀(a)", "\ud800", "“", "”", "好" * 30, "樂樂樂" * 10]
gap_text = st.lists(st.sampled_from(GAP_PIECES), max_size=80).map("".join)


def _check_gaps(text: str) -> None:
    found = annotations_module.AnnotationScan(text)._found
    expected = annotations_module._gaps_reference(text, found)
    for long_gap in (0, 1, 24, 10 ** 9):  # every gap by regex scans, and none
        previous, annotations_module._LONG_GAP = annotations_module._LONG_GAP, long_gap
        try:
            assert annotations_module._gaps(text, found) == expected
        finally:
            annotations_module._LONG_GAP = previous


@given(st.one_of(gap_text, cjk_text))
def test_gaps_fast_path(text):
    _check_gaps(text)


@pytest.mark.parametrize("text", _pages(), ids=lambda t: repr(t[:12]))
def test_gaps_fast_path_on_pages(text):
    _check_gaps(text)


def _judged_snapshot(scan):
    scan.judge()
    return _snapshot(scan), scan.removed(True), scan.removed(False)


@given(st.one_of(gap_text, cjk_text, st.text(max_size=40)))
def test_candidate_parens_scan_as_definition(text):
    # Only the parentheses that can be annotations are tried: the same scan.
    assert (_judged_snapshot(annotations_module.AnnotationScan(text))
            == _judged_snapshot(annotations_module.AnnotationScan(text, annotations_module._PARENS)))


@pytest.mark.parametrize("text", _pages() + ["數(shù)(2023年)(shù)(x)(記者 張三)(Beijing)(bào)(abcdefghi)", ",(,)(,)"],
                         ids=lambda t: repr(t[:12]))
def test_candidate_parens_scan_on_pages(text):
    assert (_judged_snapshot(annotations_module.AnnotationScan(text))
            == _judged_snapshot(annotations_module.AnnotationScan(text, annotations_module._PARENS)))
