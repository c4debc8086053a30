"""GBK byte-shift runs: a splitter cut the bytes of a page before every pair
spelling 、，。？；！ and a cp936 decoder read each piece alone (see the
stage's docstring).  The judgement of one run -- turning it back into
bytes every way each character may have been produced, filling the lost
characters with the word model, weighing the best reading against the run
as it stands -- is ``_backend.impl.shift_judge`` (``tr_shift_judge`` in
native/shift.c, twin ``_fallback/shift.py``, where its constants live).
This module decides which runs to judge, where the cut shows on the page,
and splices the verdicts."""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left

from ... import _backend
from ..._cjkcodec import FOLD, encode_char as _encode_char
from ..._fallback.shift import CONTEXT, LOST as _LOST, Verdict, open_marks, signs
from ..._fallback.shift import _OUT_OF_STEP, _PUA, _SHIFT_SIGNS, MAX_PIECE, _sign_context
from ..._fallback.shift import outside as _outside
from ...edits import report
from .codecs_judge import read_before
from .common import BOPOMOFO, HIRAGANA, KATAKANA, _remembered, _trim, call_memory

__all__ = ["KIND", "OPEN_REACH", "REACH", "repairs"]

KIND = "gbk-shift"

_TAG_AFTER = re.compile(r"/?[A-Za-z][A-Za-z0-9]*[\s>/]")
#: As much of the text after a run as _TAG_AFTER can read (it stops at the
#: first character outside its name), so no run copies the rest of the text.
_TAG_AFTER_REACH = re.compile(r"/?[A-Za-z0-9]*.?", re.S)

#: How far back (in characters, within the paragraph) open marks are looked for.
OPEN_REACH = 400


def _restore_lost(out: str, rest: str, lost: str) -> tuple[str, bool]:
    """Put back lost ASCII bytes: ``<`` before a tag name, else per ``lost``
    (``rest``: what follows the run, as far as a tag name may reach)."""
    if _LOST not in out:
        return out, False
    pieces = out.split(_LOST)
    result = pieces[0]
    unrecovered = False
    for k, piece in enumerate(pieces[1:], 1):
        following = piece + ("".join(pieces[k + 1 :]) if k + 1 < len(pieces) else "") + rest
        if _TAG_AFTER.match(following):
            result += "<" + piece
        else:
            unrecovered = True
            result += {"keep": "?", "drop": "", "mark": "\ufffd"}[lost] + piece
    return result, unrecovered


#: How near (in characters) certain cut damage must be for a run that clean
#: text could also write (``好??!``, ``錢???``) to be read as damage: the
#: cutter damages whole pages, so a page with salad in it is a cut page.
REACH = 2000


def repairs(text: str, runs, lost: str = "drop") -> list[tuple[int, int, str, float]]:
    """The repairs of the candidate ``runs`` (``(start, end)``) of ``text``,
    as ``(start, end, after, confidence)``; what stays is reported as a finding.

    A run with neither a sign of the cut nor a rare character could only be
    read near certain damage: it is judged only there, so a clean page's
    question marks cost a regular expression, not a search."""
    judged = []
    applied: list[tuple[int, int, str]] = []  # runs read so far, for the marks they open
    # A page whose decoder kept private-use characters keeps that decoder
    # after an earlier pass of this call repaired them all away.
    kept = call_memory("keeps pua")
    if not kept and _PUA.search(text):
        kept.append(True)
    keeps_pua = bool(kept)
    weak = []
    bounded = _bounded(text, runs)
    for (start, end), is_weak in zip(bounded, _backend.impl.weak_runs(text, bounded)):
        if is_weak:
            weak.append((start, end))
            continue
        verdict = _verdict(text, start, end, applied, keeps_pua)
        if verdict is None and _cut_unread(text, start, end):
            report(KIND, start, end, text[start:end], UNREAD)
        pieces = [] if verdict is None or verdict.apply else _pieces(text, start, end, applied, keeps_pua)
        for piece_start, piece_end, piece in pieces or [(start, end, verdict)]:
            if piece is not None:
                judged.append((piece_start, piece_end, piece))
                if piece.apply:
                    applied.append((piece_start, piece_end, piece.out))
    # A page whose cut shows its lone bytes as ``?`` (``?!``) has a decoder
    # that drops none, so a paragraph-final ``!`` there is what it says.
    shows_lone = call_memory("lone shown")
    if not shows_lone and any(v.certain and _shows_lone(text[start:end], v.out) for start, end, v in judged):
        shows_lone.append(True)
    if not shows_lone:
        # A run the scan found and the judge left may hold a dropping
        # decoder's run that reads alone (``宜!疚掖蛩阒辽`` in a longer one).
        taken = sorted([(s, e) for s, e, v in judged if v.apply] + weak)
        salads: list[tuple[int, int, Verdict]] = []
        for start, end in _backend.impl.alone_starts(text, taken):
            if salads and start < salads[-1][1]:
                continue
            verdict = _verdict(text, start, end, applied, keeps_pua)
            if verdict is not None and verdict.apply:
                salads.append((start, end, verdict))
        if salads:
            spans = [(s, e) for s, e, _v in salads]
            judged = [j for j in judged if _outside(spans, j[0], j[1])] + salads
            applied = sorted(applied + [(s, e, v.out) for s, e, v in salads])
    # Where the cut showed, in this pass or an earlier one of the same call
    # (a repaired run is no candidate any more, but its page is still cut).
    seen = call_memory("cut")
    seen += [start for start, _end, v in judged if v.certain]
    cut = sorted(seen)
    if cut and not shows_lone:
        taken = sorted([(s, e) for s, e, _v in judged] + weak)
        finals = _final_marks(text, taken)
        weak += finals + _dropped_starts(text, sorted(taken + finals))
    for start, end in weak:
        if _near(cut, start):
            verdict = _verdict(text, start, end, applied, keeps_pua)
            if verdict is not None:
                judged.append((start, end, verdict))
    found = []
    for start, end, verdict in sorted(judged, key=lambda j: j[0]):
        if verdict.apply or (verdict.near_cut and _near(cut, start)):
            fixed = _repair(text, start, end, verdict, lost)
            if fixed is not None and _held_back(text, *fixed[:3], verdict):
                report(KIND, fixed[0], fixed[1], text[fixed[0]:fixed[1]],
                       f"{UNSURE} ({verdict.confidence:.2f}): {fixed[2]!r}")
            elif fixed is not None:
                found.append(fixed)
        elif verdict.reason:
            report(KIND, start, end, text[start:end], f"{verdict.reason}: {verdict.out.replace(_LOST, '?')!r}")
    return found


#: A short run (``?。?``, ``??``) whose best reading has a confidence below
#: MIN_CONFIDENCE is reported, not repaired: it is damage, but its few
#: surviving bytes do not say which character they belonged to, and its
#: reading would invent one (``差?。?!`` read ``差啊,!`` for ``差!!!``).
#: Measured on the synthetic benchmark's six byte-shift cases (300 items
#: each; ``python -m benchmarks.mojibake_accuracy``): of the edits the stage
#: applied to runs of at most 4 characters, none of 38 below 0.15 was right
#: (but those giving an eaten ``<`` back, below), none of 16 from 0.15 to
#: 0.25; seed 001's ``社???,`` → 社保卡, right, is read at 0.17.  On longer
#: runs most characters come from surviving bytes, and a reading below 0.15
#: is mostly right (CER), though rarely exactly: it stays applied -- unless
#: its last character is a guess from a lead byte alone (``edge_guess``):
#: a text cut short inside a run (``…奈濉逼陂`` then a new paragraph) ends
#: on the lead byte of 間 whose trail ``g`` the cut took, and no reading of
#: that lead is more than a guess (期闆 at 0.09).
SHORT_RUN = 4
MIN_CONFIDENCE = 0.15
#: No reading below FLOOR is applied, however long its run (a fuzz
#: document's ``?`` × 60 before ``hè)施`` had been read ``所熓‐`` at 0.01).
#: On the six byte-shift cases (600 items each) the one edit of 3,362 below
#: 0.02 was wrong; below 0.05 there were 5, none exactly right, but the
#: brief's own ``支持?!笆…睍r期???中???`` is read right at 0.048.
FLOOR = 0.02


def _unsure(run: str, out: str, verdict: Verdict) -> bool:
    """Whether ``out``, the reading of ``run``, is too unsure to apply.  A
    reading that gives a tag after it back its ``<`` (``?!?span`` → ``。”<span``)
    has the tag for evidence of its last byte: it stays applied."""
    if verdict.confidence < FLOOR:
        return True
    return ((len(run) <= SHORT_RUN or verdict.edge_guess) and verdict.confidence < MIN_CONFIDENCE
            and out.count("<") <= run.count("<"))


UNSURE = "damage, but no reading is clearly the one its bytes spell"
UNREAD = "damage (the cut shows), but no reading of its bytes ends where it ends: a byte is missing"
#: What a run of bare marks shows: no byte of a character survives as one.
_BARE_MARKS = frozenset("?!,;")


def _held_back(text: str, start: int, end: int, out: str, verdict: Verdict) -> bool:
    """Whether ``out``, the reading of ``text[start:end]``, is reported
    instead of applied: too unsure, a wordless guess, or -- read only near
    damage -- a change to the ASCII text the run shows."""
    run = text[start:end]
    return (_unsure(run, out, verdict) or _wordless_guess(text, start, end, out)
            or (not verdict.apply and _makes_letters(run, out)))


def _makes_letters(run: str, out: str) -> bool:
    """Whether ``out`` changes the ASCII text ``run`` shows (besides the
    cutter's marks ``?!,;``): a reading read only near damage that makes a
    letter out of a symbol's trail byte or swallows one into a Han
    character (``??㎡`` → ``。咯O``, ``??°C`` → ``。俊鉉``) has nothing but the
    model behind it.

    >>> _makes_letters("??㎡", "。咯O"), _makes_letters("??°C", "。俊鉉"), _makes_letters("?;邮", "。机子")
    (True, True, False)
    """
    return _ascii_text(run) != _ascii_text(out)


def _ascii_text(text: str) -> list[str]:
    return sorted(c for c in text if c.isascii() and c not in _BARE_MARKS and c != _LOST)


def _wordless_guess(text: str, start: int, end: int, out: str) -> bool:
    """Whether ``out`` reads a run of bare marks (``???``) as Han characters
    that make no word of the word list with the text around them.  Such a
    run shows no byte of the characters it would restore: only a word
    vouches for them (``社???,`` → 社保卡 is one word); a lone character is
    the model's guess, and informal ``呢???,`` is no ``呢小?,``.

    >>> _wordless_guess("電子社???,覆蓋", 3, 6, "保卡"), _wordless_guess("快递呢???,有的", 3, 5, "小")
    (False, True)
    """
    run = text[start:end]
    if not run or not all(c in _BARE_MARKS for c in run) or out.count("<") > run.count("<"):
        return False  # (a reading that gives a tag its ``<`` back has the tag for evidence)
    left = text[max(0, start - 4):start]
    han = [len(left) + i for i, c in enumerate(out) if _HAN.match(c)]
    if not han:
        return False
    in_words = set()
    for a, b, _lp, in_table in _backend.impl.word_segments(left + out + text[end:end + 4]):
        if in_table and b - a >= 2:
            in_words.update(range(a, b))
    return any(i not in in_words for i in han)


def _cut_unread(text: str, start: int, end: int) -> bool:
    """Whether the run the judge found no reading for shows the cut and
    cp936 writes every character of it: bytes of cut text that stop inside
    a character (a text cut short after ``…奈濉逼陂``), to report.  A run
    holding a character cp936 cannot write is no GBK damage at all, nor is
    one :func:`_no_run` turns away.

    >>> _cut_unread("轉?!笆\ue1a2奈濉逼陂", 1, 9), _cut_unread("好?!한국", 1, 5)
    (True, False)
    """
    if _no_run(text, start, end):
        return False
    run = text[start:end]
    return bool(signs(run + _sign_context(run, text[end:end + CONTEXT]))) and all(
        c.isascii() or _encode_char(c) is not None for c in run)


#: The longest run judged as one: real runs are a clause long (the seeds'
#: longest is 56 characters); a longer one is judged in pieces, so its cost
#: stays linear on both backends (``?!笆\ue1a2奈濉睍r`` × 10,000 is one run).
MAX_RUN = 400


def _bounded(text: str, runs) -> list[tuple[int, int]]:
    """``runs`` with each run longer than ``MAX_RUN`` cut into pieces, each
    cut before a ``?`` (where a piece of the cutter's starts) when one falls
    in the piece's second half.

    >>> _bounded("?ab" * 300, [(0, 900)])
    [(0, 399), (399, 798), (798, 900)]
    """
    out = []
    for start, end in runs:
        while end - start > MAX_RUN:
            cut = text.rfind("?", start + MAX_RUN // 2, start + MAX_RUN)
            cut = cut if cut > start else start + MAX_RUN
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


#: Where a piece of the cutter's may start inside a run: after a lone byte
#: shown as ``?``, on a folded ，or ； (a ！ there is the ghost of 。“, read
#: with the ``?`` before it), before a wide character.
_PIECE_START = re.compile(r"(?<=\?)[;,](?=[^\x00-\x7f])")


def _pieces(text: str, start: int, end: int, applied, keeps_pua: bool) -> list[tuple[int, int, Verdict]]:
    """The verdicts on the pieces of a run that is not read as a whole, cut
    where the cutter's pieces may start (``典?!拔蘼…坷\ue319?`` then
    ``,无论…这本书?!?``: two cuts that the scan joined into one run), when
    some piece is read; else []."""
    cuts = [m.start() for m in _PIECE_START.finditer(text, start + 2, end)]
    if not cuts:
        return []
    found = []
    local = list(applied)
    for lo, hi in zip([start] + cuts, cuts + [end]):
        verdict = _verdict(text, lo, hi, local, keeps_pua)
        if verdict is not None:
            found.append((lo, hi, verdict))
            if verdict.apply:
                local.append((lo, hi, verdict.out))
    return found if any(v.apply for _lo, _hi, v in found) else []


#: An HTML character reference just before a position, escaped again or not
#: (``&amp;nbsp;``): its ``;`` ends it, it is no folded ； of the cutter's
#: (``&#12290;為`` is no ``。粸閞``).
_ENTITY_BEFORE = re.compile(r"&(?:amp;)*(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})$")


#: Two letters in a row of the scripts cp936 writes besides Han -- Greek,
#: Cyrillic, kana, bopomofo: text in that script (``??このため``,
#: ``??Привет``, ``??ㄅㄆ``); a run of Chinese read a byte out of step shows
#: them next to never.
_FOREIGN_PAIR = re.compile(f"[\u0391-\u03c9\u0401-\u0451{HIRAGANA}{KATAKANA}{BOPOMOFO}]{{2}}")


def _no_run(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is no byte-shift run at all, whatever the
    judge would read: it starts on the ``;`` of a character reference or
    holds Greek, Cyrillic, Japanese or bopomofo.

    >>> _no_run("謝謝&#12290;為(guan)", 9, 11), _no_run("呢??このため", 1, 7), _no_run("呢??中文", 1, 5)
    (True, True, False)
    """
    if text[start:start + 1] == ";" and _ENTITY_BEFORE.search(text, max(0, start - 40), start):
        return True
    return bool(_FOREIGN_PAIR.search(text, start, end))


def _verdict(text: str, start: int, end: int, applied, keeps_pua: bool) -> Verdict | None:
    """The judge's verdict on ``text[start:end]``; None for no run at all
    (:func:`_no_run`, or no cp936 reading)."""
    if _no_run(text, start, end):
        return None
    run = text[start:end]
    left = text[max(0, start - CONTEXT):start]
    right = text[end:end + CONTEXT]
    opened = open_marks(_paragraph_before(text, start, applied))
    return _remembered(("run", left, run, right, opened, keeps_pua),
                       lambda: _backend.impl.shift_judge(run, left, right, opened, keeps_pua))


def _shows_lone(run: str, out: str) -> bool:
    """Whether the reading ``out`` of a cut ``run`` took some ``?`` for a lone
    byte: its decoder marks the bytes it cannot read.

    A lone byte ends its piece, so the next character starts one: a mark
    (the ghost or a real one) or the end of the run.  A ``?`` before salad
    is a ghost ``？`` whose lone byte a dropping decoder took (``事?赐`` is
    ``事。看``).

    >>> _shows_lone("持?!笆\ue1a2奈濉睍r", "持。“十四五”時"), _shows_lone("個!靶〖", "個。“小")
    (True, False)
    >>> _shows_lone("事?赐赀@", "事。看完這")
    False
    """
    return out.count("?") < run.count("?") and bool(_LONE_SHOWN.search(run))


#: A ``?`` a lone byte may have left: before a mark or at the end of its run.
_LONE_SHOWN = re.compile(r"\?(?=[、,，。?？;；!！]|$)")


#: A paragraph ending in ``!`` after a Han character: 。” where the decoder
#: dropped the lone bytes on both sides of the ghost ！ (``好!``).
_FINAL_MARK = re.compile(r"[\u3400-\u9fff]!(?=\r?\n|$)")


def _final_marks(text: str, taken) -> list[tuple[int, int]]:
    """The paragraph-final ``!`` runs of ``text`` outside the runs ``taken``
    (sorted):
    clean text ends paragraphs so too, so they are judged only on a page
    the cut has damaged (and only near the damage).

    >>> _final_marks("好!\\n他說:“走吧!\\n", [(0, 2)])
    [(8, 10)]
    """
    return [m.span() for m in _FINAL_MARK.finditer(text) if _outside(taken, *m.span())]


#: A ``!`` between wide characters: the ghost ！ of 。“ (or 。「, 。【) whose
#: lead byte a dropping decoder lost with no mark (``個!感‰u``).
_DROPPED_START = re.compile(r"[^\x00-\x7f]![^\x00-\x7f]")
def _dropped_starts(text: str, taken) -> list[tuple[int, int]]:
    """Runs starting on a folded ！ between wide characters, outside the runs
    ``taken`` (sorted): on a page whose decoder drops lone bytes (the scan anchors
    them only beside a rare character), judged only near the damage.

    >>> _dropped_starts("好!缸匀缓笫!我", [])
    [(0, 7)]
    """
    out: list[tuple[int, int]] = []
    for m in _DROPPED_START.finditer(text):
        if out and m.start() + 1 < out[-1][1]:
            continue  # its ! ends the run before
        start = max(m.start(), out[-1][1] if out else 0)
        end = min(_OUT_OF_STEP.match(text, m.start() + 2).end(), start + MAX_PIECE)
        if _outside(taken, start, end):
            out.append((start, end))
    return out


def _paragraph_before(text: str, start: int, applied=()) -> str:
    """The text of the paragraph before ``start``, at most ``OPEN_REACH``
    characters, with the runs ``applied`` before it read as repaired."""
    return read_before(text, start, applied, OPEN_REACH)


def _near(cut: list[int], start: int, reach: int = REACH) -> bool:
    """Whether a position of ``cut`` (sorted) is within ``reach`` of ``start``."""
    i = bisect_left(cut, start)
    return any(0 <= j < len(cut) and abs(cut[j] - start) <= reach for j in (i - 1, i))


_BARE_RUN = re.compile(r"[?!]+")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def _first_unfounded(run: str, out: str) -> tuple[int, int] | None:
    """Where the reading first turns bare ``?``/``!`` standing between
    characters it keeps into Han characters, far from every sign of the cut
    (``run``, ``out``: positions in each), or None.  No byte of such a
    character survives and no sign says a cut is there: it is a guess (a run
    can reach from real damage into informal ``???``).

    >>> _first_unfounded("持?!笆\ue1a2奈濉睍r期???中???本", "持。“十四五”時期啊?中小?本")
    (10, 9)
    >>> _first_unfounded("社???,覆", "社保卡,覆") is None
    True
    """
    signs_at = [m.span() for m in _SHIFT_SIGNS.finditer(run)]
    matcher = difflib.SequenceMatcher(None, run, out, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or not _BARE_RUN.fullmatch(run[i1:i2]) or not _HAN.search(out[j1:j2]):
            continue
        if not any(s < i2 and i1 < e for s, e in signs_at):
            return i1, j1
    return None


def _repair(text: str, start: int, end: int, verdict: Verdict, lost: str) -> tuple[int, int, str, float] | None:
    run = text[start:end]
    out, unrecovered = _restore_lost(verdict.out, _TAG_AFTER_REACH.match(text, end).group(), lost)
    # The judge reads the run as the seed pages show it, fullwidth forms
    # folded; where its reading is the run itself, the run's own characters
    # stay (clean text in a run keeps its （）and ，).
    folded = run.translate(FOLD)
    cut = _first_unfounded(folded, out)
    if cut is not None:
        # Apply the reading only up to a guess nothing vouches for; the rest
        # of the run stays as it is (``期???中???`` after a repaired cut).
        i, j = cut
        folded, out, end = folded[:i], out[:j], start + i
        run = run[:i]
    lo, hi = _trim(folded, out)
    if lo == len(run) and lo == len(out):
        return None
    confidence = round(max(0.01, min(0.99, verdict.confidence)), 3)
    if unrecovered:
        confidence = min(confidence, 0.6)
    return start + lo, end - hi, out[lo : len(out) - hi], confidence
