"""``tr_triage`` and its Python twin agree: the same stage bits and the same
mojibake spans; and the triage never calls a text idle that the pipeline
would change or report on."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SEEDS
from strategies import cjk_text
from test_equivalence_mojibake import SCAN_PIECES, scan_inputs
from textrepair import _backend, _fallback, _flags as F
from textrepair._fallback.triage import NFC_INERT
from textrepair.options import Options
from textrepair.stages import boilerplate, normalise

pytestmark = pytest.mark.single_backend

if "c" not in _backend.available():
    pytest.skip("C core not available in this process (forced or not built)", allow_module_level=True)

from textrepair import _cext  # noqa: E402

# Pieces on every branch of the triage: each stage's trigger, the windows'
# exempt brackets and annotated tone letters, characters NFC composes, the
# boilerplate phrases and spaced menus, lost text.
TRIAGE_PIECES = SCAN_PIECES + ["【", "】", "「", "」", "『", "』", "〔", "〗", "(yuè)", "(lǜ", "ǜ)", "(", "á", "ǎ",
                               "e\u0301", "\u0301", "\u1161", "\u3099", "\u302a", "\uac00", "\ufa0c", "&amp;",
                               "<b>", "&", "??", "????", "锟", "上一篇:", "分享到", "a b c d e f g", "\u200b",
                               "\x00", "\x7f", "\uff10", "\uff01", " ", "\n"]
triage_text = st.lists(st.one_of(st.sampled_from(TRIAGE_PIECES),
                                 st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20), min_size=1,
                                         max_size=3)), max_size=40).map("".join)
triage_inputs = st.one_of(scan_inputs, triage_text, cjk_text)
CLASSES = st.sampled_from([0, normalise.classes(Options()), 31, F.__dict__["NORM_SPACE"]])


def _both(text: str, classes: int, args=None):
    phrases, items = args or boilerplate.scan_args(Options())
    return _cext.triage(text, classes, phrases, items), _fallback.triage(text, classes, phrases, items)


@given(triage_inputs, CLASSES)
def test_triage(text, classes):
    c, python = _both(text, classes)
    assert c == python


@given(triage_inputs, st.lists(st.sampled_from(["分享", "上一", "a", "é", "数据"]), max_size=3), st.integers(0, 7))
def test_triage_with_other_phrases(text, phrases, items):
    c, python = _both(text, 17, (tuple(phrases), items))
    assert c == python


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_triage_on_seeds(path):
    text = path.read_text(encoding="utf-8")
    c, python = _both(text, normalise.classes(Options()))
    assert c == python and c[0] & F.TRI_MOJIBAKE


@pytest.mark.parametrize("unit, times", [("好,静妥郎", 511), ("好,静妥郎", 513), ("?中(zhōng)!文;", 200),
                                         ("支持?!笆\ue1a2奈濉睍r期", 300), ("a?b,", 1000)])
def test_triage_with_more_marks_than_it_lists(unit, times):
    # tr_triage lists the positions of ?!;, for the byte-shift runs up to a
    # bound, and reads a text with more of them again: both find the same runs.
    text = unit * times
    c, python = _both(text, normalise.classes(Options()))
    assert c == python


def test_han_rare_bitmap():
    assert _cext.triage_han_rare() == _fallback.triage_han_rare() != b""


def _composes(cp: int, seconds: frozenset[int]) -> bool:
    # What the normalise stage's NFC part starts from (stages/normalise.py, _nfc_tables).
    return bool(unicodedata.combining(chr(cp))) or cp in seconds


def test_nfc_inert_characters_never_compose():
    """No character of NFC_INERT starts a stretch the NFC part of the normalise stage rewrites."""
    # The second halves of every canonical pair: what NFC may join to the character before.
    seconds = set()
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    seconds |= set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul vowel and final jamo
    bad = [hex(cp) for lo, hi in NFC_INERT for cp in range(lo, hi + 1)
           if not 0xD800 <= cp < 0xE000 and _composes(cp, frozenset(seconds))]
    assert bad == []
