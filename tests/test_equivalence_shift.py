"""``tr_shift_judge`` / ``tr_shift_paths`` / ``tr_slot_fillers`` / ``tr_word_fits``
and their Python twins (``_fallback.shift.shift_judge`` / ``shift_paths`` /
``slot_fillers``, ``_fallback.lm.word_fits``) agree exactly: the same verdicts
(every field, confidence and score equal to the bit), the same paths in the
same order (slots equal by value, scores equal to the bit), the same readings
of slot groups in the same order, the same sets of word fillings.

The runs come from real damage: the seed pages, the damage generator of
``benchmarks/damage`` applied to the seed pages' pre-damage text, and random
mixtures of CJK, ASCII, ``?!;,`` and private-use characters; each is judged
between the contexts the stage cuts (``stages.mojibake.shift``), with the
marks its paragraph leaves open, on a page that keeps private-use characters
and on one that does not; each is also tokenised as the judgement does
(``_fallback.shift.tokens``, in each of its decoder modes), and the slots of
every path are filled as it fills them.  Hostile token sequences put every
atom in every state."""

from __future__ import annotations

import random
import sys
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ROOT, SEEDS
from strategies import cjk_text, seed_fragment
from textrepair import _backend, _fallback
from textrepair._cjkcodec import LEADS, TRAILS, char_model, encode_char, original_pair
from textrepair._fallback import shift as twin
from textrepair._fallback.shift import Slot
from textrepair.stages.mojibake import shift as stage

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks.damage import cases  # noqa: E402

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402
from textrepair._speedups import ffi, lib  # noqa: E402


def same_paths(c, py) -> bool:
    """Equal paths: items equal and of the same types (a Slot by value, with
    its guesses), scores equal to the bit (repr tells -0.0 from 0.0)."""
    if len(c) != len(py):
        return False
    for (s1, i1, g1), (s2, i2, g2) in zip(c, py):
        if repr(s1) != repr(s2) or type(s1) is not float or g1 != g2 or type(g1) is not int or type(g2) is not int:
            return False
        if i1 != i2 or [type(x) for x in i1] != [type(x) for x in i2]:
            return False
        if any(isinstance(x, Slot) and x.guesses != y.guesses for x, y in zip(i1, i2)):
            return False
    return True


def assert_same_fillings(items: list, left: str, right: str) -> int:
    """The stage's slot readings and word fillings of every group of a path,
    from both backends (the inputs ``shift.fill`` makes); the groups' number."""
    from textrepair.stages.mojibake.model import fold

    pieces = [it if isinstance(it, str) else "" for it in items]

    def read(lo: int, hi: int) -> str:
        return "".join(p for p in pieces[lo:hi] if len(p) == 1 and p != twin.LOST)

    groups = twin._groups(items)
    for start, end in groups:
        group = items[start:end]
        before, after = left + read(0, start), read(end, len(pieces)) + right
        args = (group, before[-1:], after[:1], twin.FILLERS)
        assert _cext.slot_fillers(*args) == twin.slot_fillers(*args), args
        options = []
        for slot in group:
            by_fold: dict[str, list[str]] = {}
            for ch in slot.chars:
                shown = twin._shown(ch)
                by_fold.setdefault(fold(shown), []).append(shown)
            options.append(by_fold)
        fits = (fold(before[-twin.WORD_REACH:]), options, fold(after[:twin.WORD_REACH]), twin.WORD_REACH)
        assert _cext.word_fits(*fits) == _fallback.word_fits(*fits), group
    return len(groups)


def searches(text: str) -> list[tuple[tuple, str, str]]:
    """The arguments ``shift._judge`` passes to the search for every candidate
    run of ``text`` in every decoder mode, with the run's contexts."""
    calls = []
    for start, end in _fallback.mojibake_scan(text).shift:
        run = text[start:end]
        left, right = text[max(0, start - twin.CONTEXT):start], text[end:end + twin.CONTEXT]
        for dropped, pua in ((False, False), (True, False), (False, True)):
            toks = twin.tokens(run, dropped, right[:1], pua)
            if toks:
                calls.append(((toks, left[-1:], right[:1], run[0] in "!;"), left, right))
    return calls


def assert_same_searches(text: str) -> tuple[int, int]:
    """Both backends on every search of ``text`` and every slot group of
    its best paths; (searches, groups)."""
    calls = searches(text)
    groups = 0
    for args, left, right in calls:
        c, py = _cext.shift_paths(*args), _fallback.shift_paths(*args)
        assert same_paths(c, py), (args, c, py)
        for _score, items, _guesses in py[:twin.JUDGED_PATHS]:
            groups += assert_same_fillings(items, left, right)
    return len(calls), groups


def same_verdict(c, py) -> bool:
    """Equal verdicts: every field, and of the same types; confidence and
    score equal to the bit (repr tells -0.0 from 0.0)."""
    if c is None or py is None:
        return c is py
    return (tuple(c[:2]) + tuple(c[3:6]) == tuple(py[:2]) + tuple(py[3:6]) and repr(c[2]) == repr(py[2])
            and repr(c[6]) == repr(py[6]) and [type(x) for x in c] == [type(x) for x in py]
            and type(c) is type(py) is twin.Verdict)


def judgements(text: str) -> list[tuple]:
    """The arguments the stage passes to ``shift_judge`` for every candidate
    run of ``text`` (the marks its paragraph leaves open, nothing applied
    before it), on a page with private-use characters and on one without."""
    calls = []
    for start, end in _fallback.mojibake_scan(text).shift:
        run = text[start:end]
        left, right = text[max(0, start - twin.CONTEXT):start], text[end:end + twin.CONTEXT]
        opened = twin.open_marks(stage._paragraph_before(text, start))
        calls += [(run, left, right, opened, True), (run, left, right, opened, False)]
    return calls


def assert_same_judgements(text: str) -> tuple[int, int]:
    """Both backends on every judgement of ``text``; (judgements, verdicts applied)."""
    calls = judgements(text)
    applied = 0
    for args in calls:
        c, py = _cext.shift_judge(*args), twin.shift_judge(*args)
        assert same_verdict(c, py), (args, c, py)
        applied += bool(py and py.apply)
    return len(calls), applied


# --- real damage ---------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_shift_on_seeds(path):
    found, _groups = assert_same_searches(path.read_text(encoding="utf-8"))
    assert found >= (0 if path.name.startswith("002") else 10)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_judge_on_seeds(path):
    judged, applied = assert_same_judgements(path.read_text(encoding="utf-8"))
    assert applied >= (0 if path.name.startswith("002") else 4), (judged, applied)


_LINES = [line.strip() for p in sorted((ROOT / "tests" / "data" / "originals").glob("*_predamage.txt"))
          for line in p.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 12]


def damaged(name: str, picks: list[int], seed: int) -> str:
    """Pre-damage lines of the seed pages through the damage case ``name``."""
    case = cases.make(name, "\n".join(_LINES[k % len(_LINES)] for k in picks), rng=random.Random(seed))
    return case.damaged if case else ""


@given(st.sampled_from(sorted(cases.SHIFT)), st.lists(st.integers(0, 10_000), min_size=1, max_size=4),
       st.integers(0, 1 << 30))
def test_shift_on_generated_damage(name, picks, seed):
    assert_same_searches(damaged(name, picks, seed))


@given(st.sampled_from(sorted(cases.SHIFT)), st.lists(st.integers(0, 10_000), min_size=1, max_size=3),
       st.integers(0, 1 << 30))
@settings(max_examples=60)
def test_judge_on_generated_damage(name, picks, seed):
    assert_same_judgements(damaged(name, picks, seed))


def test_shift_on_every_damage_case():
    # Each case of the generator, many runs with slots in their paths: the
    # search, the readings and the word fillings all meet real work.
    rng = random.Random(18)
    for name in sorted(cases.SHIFT):
        found = groups = 0
        for k in range(20):
            a, b = assert_same_searches(damaged(name, [rng.randrange(10_000) for _ in range(3)], k))
            found, groups = found + a, groups + b
        assert found >= 10 and groups >= 5, (name, found, groups)


def test_judge_on_every_damage_case():
    # Each case of the generator: runs whose reading applies, and runs that stay.
    rng = random.Random(20)
    for name in sorted(cases.SHIFT):
        judged = applied = 0
        for k in range(12):
            a, b = assert_same_judgements(damaged(name, [rng.randrange(10_000) for _ in range(3)], k))
            judged, applied = judged + a, applied + b
        assert judged >= 4 and applied >= 2, (name, judged, applied)


@pytest.mark.parametrize("args, kind", [
    (("持?!笆\ue1a2奈濉睍r", "關心和支", "期", "", True), "apply"),
    (("點?!?s", "商等成為消費新熱", "pan styl", "“", True), "apply"),  # a lost '<': the reading holds "\0"
    (("?shu)!!", "", ">a", "", False), "apply"),  # an annotation whose '(' a lead byte ate
    (("?鹫瞥凶?", "我們都很", "。他說", "", True), "near"),  # 。筐掌承租: more read than guessed
    (("??萊跌", "我們都很", "。他說", "", True), "near"),
    (("a?b", "我們都很", "。他說", "", True), "stay"),  # read near damage, it would guess as much as it reads
    (("??????", "我們都很", "。他說", "", True), "stay"),  # bare ? supports no reading
    (("措?取得了哪些新進展?謝謝。", "用方面有什么新舉", "", "", True), "stay"),
    (("好??!", "我們都很", "。他說", "“", False), "stay"),
    (("?shu)", "", "", "", True), None),  # no path: nothing before the annotation names its character
    (("中\U0001F600?", "", "", "", True), None),  # cp936 cannot write it
    (("", "中", "國", "", False), None),
])
def test_judge_kinds(args, kind):
    c, py = _cext.shift_judge(*args), twin.shift_judge(*args)
    assert same_verdict(c, py), (c, py)
    found = None if py is None else "apply" if py.apply else "near" if py.near_cut else "stay"
    assert found == kind, py
    if kind == "near":
        assert py.reason == twin.REASONS[1] and py.score > float("-inf")


_COMMON = "".join(sorted(ch for ch, n in char_model().uni.items() if n > 20000 and encode_char(ch)
                         and len(encode_char(ch)) == 2))
mixture = st.lists(st.one_of(st.text(st.sampled_from(_COMMON), min_size=1, max_size=6),
                             st.text(st.sampled_from("?!;,?!?"), min_size=1, max_size=4),
                             st.text(st.sampled_from("abcXYZ019 <>/"), min_size=1, max_size=4),
                             st.sampled_from(["\ue1a2", "\ue5e5", "\uf8f5", "€", "(shù)", "?shu)", "(jīng)", "?!?",
                                              "，", "。", "“", "”", "！", "？", "\n"])),
                   max_size=24).map("".join)


@given(st.one_of(mixture, cjk_text, seed_fragment))
def test_shift_on_mixtures(text):
    assert_same_searches(text)


@given(st.one_of(mixture, cjk_text, seed_fragment))
@settings(max_examples=100)
def test_judge_on_mixtures(text):
    assert_same_judgements(text)


_OPENERS = "".join(twin._OPENING)


@given(mixture, st.text(st.sampled_from("中国，。“”「」【】\n(a?!"), max_size=10),
       st.text(st.sampled_from("中国，。“”「」【】\n\r(a)?!<shù"), max_size=10), st.text(st.sampled_from(_OPENERS), max_size=3),
       st.booleans())
@settings(max_examples=100)
def test_judge_on_whole_mixtures(run, left, right, opened, keeps_pua):
    # The whole text as one run, between any contexts, whatever the scanner would make of it.
    args = (run, left, right, opened, keeps_pua)
    c, py = _cext.shift_judge(*args), twin.shift_judge(*args)
    assert same_verdict(c, py), (args, c, py)


@given(mixture, st.booleans(), st.booleans(), st.sampled_from(["", "a", "中", "，", "\n", "\ud800"]),
       st.sampled_from(["", "a", "中", "，", "\ue1a2", "\U00020000"]))
def test_shift_on_whole_mixtures(text, dropped, pua, before, after):
    # The whole text as one run, whatever the scanner would make of it.
    toks = twin.tokens(text, dropped, after, pua)
    if toks is not None:
        args = (toks, before, after, text[:1] in ("!", ";"))
        c, py = _cext.shift_paths(*args), _fallback.shift_paths(*args)
        assert same_paths(c, py), (c, py)
        for _score, items, _guesses in py:
            assert_same_fillings(items, before, after)


# --- hostile token sequences: every atom in every state -------------------------------------

_CHARS = [twin.chars_for(s) for s in ("shù", "jīng", "guan", "wù", "bào", "zhǎng", "de", "le")]
annotation_atom = st.builds(lambda kind, k, text: (kind, _CHARS[k], text), st.sampled_from(["ann", "annchar"]),
                            st.integers(0, len(_CHARS) - 1), st.sampled_from(["(shu)", "(jing)", "x", "\x00", ""]))
atom = st.one_of(st.integers(0, 255), st.sampled_from([0x3F, 0xA1, 0xA3, 0xB0, 0xD6, 0xC9, 0x41, 0x80, 0xFF, 0xAE]),
                 st.sampled_from([twin.PIECE, twin.U, twin.LOSTB, twin.ALONE, twin.DROPPAIR, twin.UHI]), annotation_atom)
option = st.lists(atom, min_size=0, max_size=4).map(tuple)
token = st.tuples(st.just("x"), st.one_of(st.lists(option, min_size=1, max_size=3),
                                          st.lists(option, min_size=1, max_size=3).map(tuple)))
neighbour = st.one_of(st.just(""), st.sampled_from(list("中国?!a。“，") + ["\ue1a2", "\ud800", "\x00"]))


@given(st.lists(token, max_size=8), neighbour, neighbour, st.booleans())
def test_shift_on_hostile_tokens(toks, before, after, lost_lead):
    c, py = _cext.shift_paths(toks, before, after, lost_lead), _fallback.shift_paths(toks, before, after, lost_lead)
    assert same_paths(c, py), (c, py)
    for _score, items, _guesses in py:
        assert_same_fillings(items, before, after)


# --- slot readings and word fillings on their own --------------------------------------------

_KINDS = ["lead", "trail", "pair", "uda", "hitrail"]


@st.composite
def slots(draw):
    """A slot as the search makes it, or narrowed by an annotation's characters."""
    while True:
        slot = Slot.of(draw(st.sampled_from(_KINDS)), draw(st.integers(0, 255)))
        if slot.chars:
            break
    if draw(st.booleans()):
        keep = draw(st.sets(st.sampled_from(slot.chars), min_size=1))
        slot = slot.narrowed(keep)
    return slot


any_neighbour = st.one_of(st.just(""), st.sampled_from(_COMMON), st.characters(blacklist_categories=()),
                          st.sampled_from(["，", "！", "\uff41", "?"]))


@given(st.lists(slots(), max_size=4), any_neighbour, any_neighbour, st.integers(0, 80))
def test_slot_fillers(group, prev, nxt, width):
    c, py = _cext.slot_fillers(group, prev, nxt, width), twin.slot_fillers(group, prev, nxt, width)
    assert c == py


def test_slot_fillers_ties_keep_their_order():
    # Characters the model never saw share one probability: a wide slot of
    # them is all ties, broken by the sort's stability (beam-major, then code point).
    unseen = Slot("lead", 0x41, tuple(chr(0x30000 + k) for k in range(40)), 1)
    group = [unseen, unseen, Slot.of("trail", 0xB0)]
    for width in (1, 7, 64):
        assert _cext.slot_fillers(group, "", "", width) == twin.slot_fillers(group, "", "", width)
    assert twin.slot_fillers(group[:2], "", "", 3) == ["\U00030000" * 2, "\U00030000\U00030001", "\U00030000\U00030002"]


_WORDS = sorted({text[s:e] for text in (p.read_text(encoding="utf-8") for p in SEEDS)
                 for s, e, _lp, in_table in _fallback.word_segments(text) if in_table and e - s >= 2})


@st.composite
def word_windows(draw):
    """A word of the list (or two) laid over known text and slots, each slot
    allowing the word's character among decoys: (before, options, after, reach)."""
    text = "".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3)))
    lo = draw(st.integers(0, len(text) - 1))
    hi = draw(st.integers(lo + 1, min(len(text), lo + 4)))
    options = []
    for ch in text[lo:hi]:
        decoys = draw(st.lists(st.sampled_from(_COMMON), max_size=6))
        allowed: dict[str, list[str]] = {}
        for c in [ch] * draw(st.booleans()) + decoys:
            allowed.setdefault(_fallback.fold_text(c), []).append(c)
        options.append(allowed)
    return _fallback.fold_text(text[:lo]), options, _fallback.fold_text(text[hi:]), draw(st.integers(-1, 8))


@given(word_windows())
def test_word_fits(window):
    assert _cext.word_fits(*window) == _fallback.word_fits(*window)


def test_word_fits_finds_words():
    fits = _cext.word_fits("社", [{"保": ["保"], "海": ["海"]}, {"卡": ["卡"], "口": ["口"]}], ",", 6)
    assert ("保", "卡") in fits and fits == _fallback.word_fits("社", [{"保": ["保"], "海": ["海"]},
                                                                     {"卡": ["卡"], "口": ["口"]}], ",", 6)


# --- the C interface --------------------------------------------------------------------------

def test_constants_agree():
    assert lib.TR_SHIFT_BEAM == twin.BEAM and lib.TR_SHIFT_PATHS == twin.PATHS
    assert lib.TR_SHIFT_GUESS_COST == twin.GUESS_COST
    assert [lib.TR_SLOT_LEAD, lib.TR_SLOT_TRAIL, lib.TR_SLOT_PAIR, lib.TR_SLOT_UDA, lib.TR_SLOT_HITRAIL] == [0, 1, 2, 3, 4]
    assert _cext._SLOT_KINDS == tuple(_KINDS)


def test_slots_come_from_the_authored_pairs():
    # A full slot crosses as (kind, byte) and is rebuilt from the same table.
    for byte in (0xA1, 0xA3, 0xBF, 0x41):
        assert Slot.of("lead", byte).chars == tuple(ch for lead in LEADS if (ch := original_pair(lead, byte)))
    assert Slot.of("uda", 0xB0).chars == tuple(original_pair(0xB0, t) for t in TRAILS
                                               if t in twin._UDA_FIRST and original_pair(0xB0, t))
    # A trail the decoder dropped alone was a lead byte: 間 (E9 67) is not one.
    assert "間" in Slot.of("trail", 0xE9).chars and "間" not in Slot.of("hitrail", 0xE9).chars


def _call(prog, ann, cap, model=None):
    paths = ffi.new("tr_shift_path[]", lib.TR_SHIFT_PATHS)
    npaths, out_len = ffi.new("size_t *"), ffi.new("size_t *")
    out = ffi.new("int32_t[]", max(cap, 1))
    status = lib.tr_shift_paths(model or _cext._shift_model().struct.chars, ffi.new("int32_t[]", prog or [0]), len(prog),
                                ffi.new("uint32_t[]", ann or [0]), len(ann), -1, -1, 0, paths, npaths, out, cap,
                                out_len)
    return status, npaths[0], out_len[0]


def test_small_output_buffer():
    toks = twin.tokens("辦???", True)
    prog, ann, _texts = _cext._shift_program(toks)
    status, npaths, needed = _call(prog, ann, 1 << 16)
    assert status == 0 and npaths == len(twin.shift_paths(toks, "", "", False)) > 1 and needed > 8
    assert _call(prog, ann, needed - 1)[0] == 2 and _call(prog, ann, needed - 1)[2] == needed
    assert _call(prog, ann, 0)[:1] == (2,)
    assert _call(prog, ann, needed) == (0, npaths, needed)


_REC = [2, lib.TR_SHIFT_TEXT, 0x6570, 2 << 16 | 0xCAFD, 0x6578, 2 << 16 | 0xCAFE]


@pytest.mark.parametrize("prog, ann", [
    ([], []), ([1], []), ([-1], []), ([1, 1, 1, lib.TR_ATOM_UHI + 1], []), ([1, 1, 2, 65], []), ([0, 7], []),
    ([1, 1, 1, lib.TR_ATOM_ANN], []), ([1, 1, 1, lib.TR_ATOM_ANN], [5, 0x6578, 0xCAFD]),
    ([1, 1, 1, lib.TR_ATOM_ANN + 2], _REC),  # not the start of a record
    ([1, 1, 1, lib.TR_ATOM_ANN], _REC[:4]),  # a truncated record
    ([1, 1, 1, lib.TR_ATOM_ANN], [2, 0x41, 0x6578, 2 << 16, 0x6570, 2 << 16]),  # characters out of order
    ([1, 1, 1, lib.TR_ATOM_ANNCHAR], [1, 0x41, 0x6578, 3 << 16]),  # three bytes
    ([1, 1, 1, lib.TR_ATOM_ANNCHAR], [1, 0x41, 0x6578, 1 << 16 | 0x100]),  # one byte that is not
    ([1, 1, 1, lib.TR_ATOM_ANN], [0, lib.TR_SHIFT_TEXT + (1 << 24)]),  # text index out of range
])
def test_malformed_program(prog, ann):
    assert _call(prog, ann, 16)[0] == -2


def test_well_formed_records():
    assert _call([1, 1, 1, lib.TR_ATOM_ANN + 6], _REC + [0, 0x41], 16)[0] == 0
    assert _call([1, 1, 2, 0xCA, lib.TR_ATOM_ANNCHAR], _REC, 64)[0] == 0


def test_no_pair_table():
    prog, ann, _texts = _cext._shift_program(twin.tokens("社?"))
    plain = ffi.new("tr_char_model *", _cext._model().chars[0])
    assert _call(prog, ann, 64, plain)[0] == -2


def test_no_reading():
    assert _cext.shift_paths([("x", [(0x80,)])], "", "", False) == [] == _fallback.shift_paths(
        [("x", [(0x80,)])], "", "", False)
    assert _cext.shift_paths([], "中", "国", True) == _fallback.shift_paths([], "中", "国", True)


def test_decreasing_ends():
    out = ffi.new("int32_t[]", 16)
    found = ffi.new("size_t *")
    text = ffi.new("uint32_t[]", [0x4E2D] * 4)
    ends = ffi.new("size_t[]", [2, 1])
    assert lib.tr_word_fits(_cext._model().words, text, 0, text, ends, 2, text, 0, 6, out, 8, found) == -2
    assert lib.tr_slot_fillers(_cext._model().chars, text, ends, 2, -1, -1, 4, ffi.cast("uint32_t *", out),
                               found) == -2


def test_word_fits_small_buffer():
    before, after = ffi.new("uint32_t[]", [ord("社")]), ffi.new("uint32_t[]", [ord(",")])
    options = ffi.new("uint32_t[]", [ord(c) for c in "保保海海卡卡口口"])
    ends = ffi.new("size_t[]", list(accumulate([2, 2])))
    found = ffi.new("size_t *")
    out = ffi.new("int32_t[]", 64)
    model = _cext._model().words
    assert lib.tr_word_fits(model, before, 1, options, ends, 2, after, 1, 6, out, 32, found) == 0
    needed = found[0]
    assert needed >= 1
    assert lib.tr_word_fits(model, before, 1, options, ends, 2, after, 1, 6, out, needed - 1, found) == 2
    assert found[0] == needed


# --- tr_shift_judge's interface ---------------------------------------------------------------

def test_judge_constants_are_the_twins():
    p = _cext._shift_model().struct.params
    assert (p.margin, p.salad, p.page_prior, p.pua_gap, p.bigram_weight, p.share_temperature) == (
        twin.MARGIN, twin.SALAD, twin.PAGE_PRIOR, twin.PUA_GAP, twin.BIGRAM_WEIGHT, twin.SHARE_TEMPERATURE)
    assert (p.context, p.judged_paths, p.fillers, p.word_reach, p.free_slots) == (
        twin.CONTEXT, twin.JUDGED_PATHS, twin.FILLERS, twin.WORD_REACH, twin.FREE_SLOTS)
    assert [lib.TR_SHIFT_REASON_NONE, lib.TR_SHIFT_REASON_CLEAN, lib.TR_SHIFT_REASON_NO_BYTE] == [0, 1, 2]
    assert twin.REASONS[0] is None and len(twin.REASONS) == 3


def test_judge_encoder_is_the_codecs():
    # The table C reads answers encode_char for every BMP character from 0x80.
    encode = _cext._shift_model().struct.encode
    for cp in range(0x80, 0x10000):
        raw = encode_char(chr(cp)) if not 0xD800 <= cp < 0xE000 else None
        assert encode[cp] == (int.from_bytes(raw, "big") if raw else 0), hex(cp)
    assert encode[0x20AC] == 0x80 and encode[ord("中")] == 0xD6D0


def test_judge_reads_every_annotated_syllable():
    # The syllable table C reads is rendered from the same file and codec
    # as chars_for: an annotation of each reading is a token of the same characters.
    toned, toneless = twin._chars_by_reading()
    for table in (toned, toneless):
        for syllable in sorted(table)[::37]:
            run = "?" + syllable + ")"
            if twin.tokens(run) and len(twin.tokens(run)) == 1:
                args = (run, "數", "", "", True)
                assert same_verdict(_cext.shift_judge(*args), twin.shift_judge(*args)), syllable


def test_judge_refuses_opened_that_opens_nothing():
    for impl in (_cext, twin):
        with pytest.raises(ValueError):
            impl.shift_judge("社???,", "電子", "覆蓋", "a", True)


def _judge(run: str, model=None, cap: int = 256, opened: str = "", left: str = "", right: str = ""):
    def u32(text):
        return ffi.new("uint32_t[]", [ord(c) for c in text] or [0])
    verdict = ffi.new("tr_shift_verdict *")
    out, out_len = ffi.new("uint32_t[]", max(cap, 1)), ffi.new("size_t *")
    status = lib.tr_shift_judge(model or _cext._shift_model().struct, u32(run), len(run), u32(left), len(left),
                                u32(right), len(right), u32(opened), len(opened), 1, verdict, out, cap, out_len)
    return status, out_len[0], verdict[0]


def test_judge_small_output_buffer():
    run = "持?!笆\ue1a2奈濉睍r"
    status, needed, v = _judge(run, left="關心和支", right="期")
    assert status == 0 and v.apply and needed == len("持。“十四五”時")
    assert _judge(run, cap=needed - 1, left="關心和支", right="期")[:2] == (2, needed)
    assert _judge(run, cap=needed, left="關心和支", right="期")[:2] == (0, needed)
    assert _judge("", cap=0)[0] == 1 and _judge("\U0001F600")[0] == 1  # no run; no cp936 reading


def test_judge_refuses_a_malformed_model():
    good = _cext._shift_model().struct
    for field, value in (("chars", ffi.NULL), ("words", ffi.NULL), ("encode", ffi.NULL)):
        bad = ffi.new("tr_shift_model *", good[0])
        setattr(bad, field, value)
        assert _judge("社???,", bad)[0] == -2
    bad = ffi.new("tr_shift_model *", good[0])
    bad.chars = _cext._model().chars  # no pair table
    assert _judge("社???,", bad)[0] == -2
    bad = ffi.new("tr_shift_model *", good[0])
    bad.params.fillers = 0
    assert _judge("社???,", bad)[0] == -2
    bad = ffi.new("uint32_t[]", [0x110000])
    verdict, out, out_len = ffi.new("tr_shift_verdict *"), ffi.new("uint32_t[]", 16), ffi.new("size_t *")
    assert lib.tr_shift_judge(good, bad, 1, bad, 0, bad, 0, bad, 0, 1, verdict, out, 16, out_len) == -2


# --- tr_shift_quiet ---------------------------------------------------------------------

def assert_same_quiet(text: str, runs, marks: bool) -> None:
    assert _cext.shift_quiet(text, runs, marks) == twin.shift_quiet(text, runs, marks), (text, runs, marks)


def _scanned_runs(text: str):
    return stage._bounded(text, _fallback.mojibake_scan(text).shift)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_quiet_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    runs = _scanned_runs(text)
    for marks in (False, True):
        assert_same_quiet(text, runs, marks)
    for run in runs:  # each run alone, the weak test of every one of them
        assert_same_quiet(text, [run], False)


quiet_text = st.one_of(mixture, cjk_text, seed_fragment,
                       st.lists(st.sampled_from(["嗎", "好", "静妥郎戏诺", "具", "@", "回", "!", ";", "?", "(", ")", "(shù)",
                                                 "ǚ", "\u3000", "\xa0", "\u20ac", "\n", "\r", "a", "٣", "?!?", "\ue000",
                                                 "。", "、", ","]), max_size=30).map("".join))


@given(quiet_text, st.booleans())
def test_quiet_on_scanned_runs(text, marks):
    assert_same_quiet(text, _scanned_runs(text), marks)


@given(quiet_text, st.data())
def test_quiet_on_any_run(text, data):
    # any stretch of the text, not only the ones the scan finds: every branch of the weak test
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert_same_quiet(text, [(start, end)], data.draw(st.booleans()))


def test_quiet_refuses_a_run_outside_the_text():
    with pytest.raises(ValueError):
        _cext.shift_quiet("好", [(0, 2)], False)


@given(quiet_text, st.data())
def test_weak_runs_on_any_runs(text, data):
    runs = []
    for _ in range(data.draw(st.integers(0, 4))):
        start = data.draw(st.integers(0, len(text)))
        runs.append((start, data.draw(st.integers(start, len(text)))))
    assert _cext.weak_runs(text, runs) == twin.weak_runs(text, runs)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_weak_runs_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    runs = _scanned_runs(text)
    assert _cext.weak_runs(text, runs) == twin.weak_runs(text, runs)


@given(quiet_text, st.data())
def test_alone_starts_outside_any_taken(text, data):
    taken = []
    at = 0
    for _ in range(data.draw(st.integers(0, 3))):  # sorted, apart, as the stage's
        if at > len(text):
            break
        start = data.draw(st.integers(at, len(text)))
        end = data.draw(st.integers(start, len(text)))
        taken.append((start, end))
        at = end + 1
    assert _cext.alone_starts(text, taken) == twin.alone_starts(text, taken)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_alone_starts_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    assert _cext.alone_starts(text, []) == twin.alone_starts(text, [])
    taken = sorted(_scanned_runs(text))
    assert _cext.alone_starts(text, taken) == twin.alone_starts(text, taken)


def test_alone_starts_more_than_the_first_room():
    text = "很少!静妥郎戏诺氖且浑p筷子" * 40  # 40 runs: the wrapper asks again with the room they need
    assert _cext.alone_starts(text, []) == twin.alone_starts(text, []) and len(twin.alone_starts(text, [])) == 40
