"""Repair CJK mojibake: GBK byte-shift runs, and text decoded with the wrong
codec (UTF-8 read as GBK, GBK read as Latin-1/cp1252/cp1250, Big5 and GBK
confused); ``锟斤拷`` is reported as bytes lost before.

**Byte-shift runs.**  A splitter cut the GBK bytes of a page before every
byte pair spelling 、，。？；！ -- also pairs that straddle two characters
(``。“`` is ``A1 A3 A1 B0`` and holds ``A3 A1`` = ！) -- and a Microsoft cp936
decoder read each piece alone.  The lone lead byte at a piece's end became
``?``; the next piece was read one byte late (``B0 CA`` = 笆 instead of ``A1
B0`` = “) until a trail byte in 0x40–0x7E came out as an ASCII letter and
realigned it.  A converter had inserted ``(pinyin)`` into the bytes at any
offset, even inside a character; a lone lead byte before it swallowed its
``(``.  Fullwidth forms were folded to ASCII afterwards.

One C scan (``tr_mojibake_scan``) finds, in a single pass, every stretch
where some mechanism could apply (candidate runs, rare-character windows,
code-page chains, stretches ftfy could fix); each sub-pass below then looks
only there, so clean text costs little more than the scan.  Each run is
judged (``shift.py``; the judgement is ``tr_shift_judge``, twin
``_fallback/shift.py``): it is turned back into bytes, trying every way each
character may have been produced (a folded ``!`` is ``21`` or ``A3 A1``; a
``?`` is a literal, ``？``, or a lost lead byte, perhaps with the byte it
swallowed); an annotation names the character of the two bytes before it,
which pins down the bytes a ``?`` lost.  A search decodes each hypothesis in
step, a character with lost bytes standing as the characters its surviving
byte allows; the word model (``data/word_model.bin``) with the character
bigram model fills those and scores the reading, and the best one replaces
the run only when it beats the text as it stands by a wide margin, so clean
text never changes.

>>> fix_text("感謝各位對數據工作的關心和支持?!笆\\ue1a2奈濉睍r期", Options())
'感謝各位對數據工作的關心和支持。“十四五”時期'
"""

from __future__ import annotations


from __future__ import annotations

from functools import lru_cache

from ... import _backend
from ...edits import Edit
from ...options import Options
from . import shift
from .codecs import _lost_marks, codec_repairs, latin_repairs
from .common import _spans, call_memory, remembering
from .lost import lost_paragraphs, report_lost
from .shift import repairs as shift_repairs

__all__ = ["KIND", "NAME", "NEEDS", "fix", "fix_text", "idle", "offer_scan", "remembering"]

NAME = "mojibake"
NEEDS = None
KIND = "gbk-shift"


def offer_scan(text: str, scan) -> None:
    """Keep ``scan`` (``text``'s ``mojibake_scan``, which the pipeline's
    triage made) for this stage's first look at that very text object, in
    this pipeline call."""
    call_memory("scan")[:] = [(text, scan)]


def _scan(text: str):
    offered = call_memory("scan")
    if offered and offered[0][0] is text:
        return offered[0][1]
    return _backend.impl.mojibake_scan(text)


def _repairs(text: str, options: Options) -> list[tuple[int, int, str, float, str]]:
    scan = _scan(text)
    found = [fixed + (KIND,) for fixed in shift_repairs(text, scan.shift, options.mojibake_lost)]
    found += _lost_marks(text, options.mojibake_lost, _spans(found))
    found += codec_repairs(text, _spans(found), scan)
    found += latin_repairs(text, _spans(found), scan)
    report_lost(text)
    return sorted(found)


def idle(text: str, scan, options: Options, lost: bool = True, marks: bool = True) -> bool:
    """True when :func:`fix` would return ``text`` with no edit and report
    nothing (``scan``: the text's ``mojibake_scan``; ``lost``: False when
    the text holds neither ``??`` nor ``锟``; ``marks``: False when no
    ``!`` or ``;`` stands between non-ASCII characters): no rare window and no
    code-page chain (the wrong-codec readings need one), no stretch ftfy's
    badness test flags (ftfy leaves any other alone), no ``锟`` to mark, no
    lost paragraph, no run a folded ！ or ； starts into salad (a dropping
    decoder's, ``alone_starts``), and only byte-shift runs that clean text
    writes too (``weak_run``), which are judged only near a cut this call
    saw: ``shift_quiet`` of ``_fallback.shift``, ``tr_shift_quiet`` in C.

    >>> scan = _backend.impl.mojibake_scan("这是真的吗?下一步,在深入推进。")
    >>> idle("这是真的吗?下一步,在深入推进。", scan, Options()), len(scan.shift)
    (True, 1)
    >>> idle("新进展?國家", _backend.impl.mojibake_scan("新进展?國家"), Options())
    True
    >>> idle("很少!静妥郎戏诺氖且浑p筷子", _backend.impl.mojibake_scan("很少!静妥郎戏诺氖且浑p筷子"), Options())
    False
    >>> idle("支持?!笆\ue1a2奈濉睍r期", _backend.impl.mojibake_scan("支持?!笆\ue1a2奈濉睍r期"), Options())
    False
    """
    if scan.rare or scan.latin1 or scan.cp1252 or scan.cp1250:
        return False
    if lost and ("\u951f" in text and options.mojibake_lost != "keep" or "??" in text and lost_paragraphs(text)):
        return False
    if scan.ftfy:
        if any(_stretch_is_bad(text[start:end]) for start, end in scan.ftfy):
            return False
    if scan.shift and call_memory("cut"):
        return False
    if not scan.shift and not marks:
        return True
    # every run one clean text writes too, no run alone on a folded mark: one call
    return _backend.impl.shift_quiet(text, shift._bounded(text, scan.shift) if scan.shift else [], marks)


def _stretch_is_bad(stretch: str) -> bool:
    """ftfy's badness test of one stretch; a short one's verdict is kept:
    clean pages hand it the same few pairs again and again (``×”``, ``”“``).

    >>> _stretch_is_bad("×”"), _stretch_is_bad("Ã©")
    (False, True)
    """
    return _short_is_bad(stretch) if len(stretch) <= 8 else _is_bad()(stretch)


@lru_cache(maxsize=4096)
def _short_is_bad(stretch: str) -> bool:
    return _is_bad()(stretch)


@lru_cache(maxsize=1)
def _is_bad():
    """ftfy's badness test: ``ftfy.fix_encoding`` returns a text it passes
    as it is (imported late, ftfy is slow to import)."""
    from ftfy.badness import is_bad

    return is_bad


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """Like :func:`fix_text`, with an :class:`Edit` per repaired run.

    >>> fix("熱點?!?span>", Options())[0]
    '熱點。”<span>'
    """
    repairs = _repairs(text, options)
    if not repairs:
        return text, []
    pieces = []
    edits = []
    pos = 0
    for start, end, after, confidence, kind in repairs:
        pieces.append(text[pos:start])
        pieces.append(after)
        edits.append(Edit(kind, start, end, text[start:end], after, confidence))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces), edits


def fix_text(text: str, options: Options) -> str:
    """The text with its mojibake repaired.

    >>> fix_text("新進展?國家數據局", Options())
    '新進展?國家數據局'
    """
    return fix(text, options)[0]


