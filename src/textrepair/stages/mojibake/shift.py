"""GBK byte-shift runs: a splitter cut the bytes of a page before every pair
spelling 、，。？；！ and a cp936 decoder read each piece alone (see the
stage's docstring).  This module turns a candidate run back into bytes,
trying every way each character may have been produced, and decides
whether the best reading replaces the run."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ... import _backend
from ..._cjkcodec import FOLD, encode_char, fullwidth_bytes
from ..._fallback import GUESS_COST, rare_char
from ..._fallback import BEAM_LOST as _LOST
from ..._fallback import BEAM_LOSTB as _LOSTB
from ..._fallback import BEAM_PIECE as _PIECE
from ..._fallback import BEAM_U as _U
from ..._tables import reading_table
from .common import _logistic, _remembered

#: log-probability gain a repair needs over the text as it stands, plus a
#: cost per byte it had to guess.  Calibrated on seeds/ and tests/data/negative.json.
MARGIN = 10.0
# GUESS_COST and BEAM (the beam's width) belong to the search: see _fallback.

_TAG_AFTER = re.compile(r"/?[A-Za-z][A-Za-z0-9]*[\s>/]")
#: As much of the text after a run as _TAG_AFTER can read (it stops at the
#: first character outside its name), so no run copies the rest of the text.
_TAG_AFTER_REACH = re.compile(r"/?[A-Za-z0-9]*.?", re.S)
_SPLIT_START = frozenset("!,;?\u3002\u3001")

#: The byte pairs before which the splitter cut (、，。？；！): a piece starts there.
_SPLIT_PAIRS = frozenset(c.encode("gbk") for c in "、，。？；！")

# Atoms of a byte hypothesis (_PIECE, _U, _LOSTB) are the search's: see _fallback.


@lru_cache(maxsize=1)
def _chars_by_reading() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Characters of each numbered reading, and of each toneless one."""
    toned: dict[str, set[str]] = {}
    toneless: dict[str, set[str]] = {}
    table = reading_table()
    for ch, readings in table.readings.items():
        # Converters annotate exactly the forms that differ from simplified.
        if ch not in table.traditional or encode_char(ch) is None or len(encode_char(ch)) != 2:
            continue
        for r in readings:
            toned.setdefault(r, set()).add(ch)
            toneless.setdefault(r.rstrip("0123456789"), set()).add(ch)
    return ({k: frozenset(v) for k, v in toned.items()}, {k: frozenset(v) for k, v in toneless.items()})


def chars_for(syllable: str) -> frozenset[str] | None:
    """Traditional-only GBK characters one of whose readings is ``syllable``
    (toned or not), or None.

    >>> "數" in chars_for("shù")
    True
    """
    spelled = reading_table().spell(syllable)
    if spelled is None:
        return None
    word, tone = spelled
    toned, toneless = _chars_by_reading()
    found = toned.get(word) if tone else toneless.get(word)
    return found or None


# --- tokens -------------------------------------------------------------------

def _tail_end(text: str, i: int) -> int:
    j = i
    while j < len(text) and j - i < 8 and (text[j].isascii() and text[j].isalpha() or text[j] in reading_table().letters):
        j += 1
    return j + 1 if i < j <= i + 7 and j < len(text) and text[j] == ")" else -1


def tokens(run: str) -> list[tuple[str, Sequence[tuple]]] | None:
    """The run as ``(observed, options)`` tokens; each option is a tuple of atoms:
    a byte (int), ``"u"``, ``"lost"``, ``("ann", chars, text)`` or ``("annchar", chars, text)``.
    Returns None when a character cannot have come out of cp936."""
    out: list[tuple[str, Sequence[tuple]]] = []
    i = 0
    n = len(run)
    while i < n:
        ch = run[i]
        if ch == "(":
            end = _tail_end(run, i + 1)
            chars = chars_for(run[i + 1 : end - 1]) if end > 0 else None
            if chars:
                text = run[i:end]
                ann = ("ann", chars, text)
                if i and run[i - 1] in chars:
                    out.append((text, [(ann,)]))
                else:  # not the reading of the character before: a byte went missing
                    out.append((text, [(ann,), (_U, ann)]))
                i = end
                continue
        if ch == "?":
            end = _tail_end(run, i + 1)
            chars = chars_for(run[i + 1 : end - 1]) if end > 0 else None
            if chars:
                text = "(" + run[i + 1 : end]
                out.append((run[i:end], [(_U, ("ann", chars, text)), (_U, ("annchar", chars, text))]))
                i = end
                continue
            nxt = run[i + 1] if i + 1 < n else ""
            options: list[tuple] = [(0x3F,), (_PIECE, 0xA3, 0xBF)]
            if not nxt or nxt in _SPLIT_START:
                options.append((_U,))
            if nxt.isascii() and nxt.isalpha():
                options.append((_U, _LOSTB))
            out.append((ch, options))
            i += 1
            continue
        token = _plain_token(ch)
        if token is None:
            return None
        out.append(token)
        i += 1
    return out


@lru_cache(maxsize=1 << 14)
def _plain_token(ch: str) -> tuple[str, tuple[tuple, ...]] | None:
    """The token of a character that is neither ``(`` nor ``?`` (its own
    bytes, or its fullwidth form's), or None when cp936 cannot write it.
    A run is mostly such characters and they repeat: each is worked out once.

    >>> _plain_token("笆")
    ('笆', ((176, 202),))
    """
    raw = encode_char(ch)
    if raw is None:
        return None
    options = [(_PIECE,) + tuple(raw) if raw in _SPLIT_PAIRS else tuple(raw)]
    wide = fullwidth_bytes(ch)
    if wide is not None:
        options.append((_PIECE,) + tuple(wide) if wide in _SPLIT_PAIRS else tuple(wide))
    return ch, tuple(options)


def observed_text(toks: list[tuple[str, Sequence[tuple]]]) -> str:
    """The run as it stands, without the annotations that follow a character
    they are a reading of (those are no evidence either way); an annotation
    that names another character stays, as text the run must explain.
    Fullwidth forms are folded, as the model and the hypotheses see them:
    otherwise folding alone would look like a repair (``?，`` → ``?,``).

    >>> observed_text(tokens("?，"))
    '?,'
    """
    parts: list[str] = []
    for text, options in toks:
        atom = options[0][-1]
        if isinstance(atom, tuple) and atom[0] == "ann" and len(options) == 1:
            continue
        parts.append(text)
    return "".join(parts).translate(FOLD)


# --- beam search -----------------------------------------------------------------
# The search itself is a C entry point (tr_mojibake_best) with its Python twin
# _fallback.mojibake_best, which documents the states and steps.

def best_hypothesis(toks, before: str, after: str, lost_lead: bool) -> tuple[float, str, int] | None:
    """The best-scoring in-step reading of the tokens: (score, text, guesses) or None.

    >>> best_hypothesis(tokens("持?!笆\\ue1a2奈濉睍r"), "", "期", False)[1:]
    ('持。“十四五”時', 1)
    """
    return _backend.impl.mojibake_best(toks, before, after, lost_lead)


#: What a cut leaves that clean text does not write: a ``?`` before a folded
#: ，/； (a ghost pair's piece) or before the tail of an annotation whose ``(``
#: was eaten; ``?!?`` before ASCII or the run's end (。” whose ” lost the
#: byte after it: ``?!?span``, ``?!?\n``); a lone byte 0x80 (``€``) or a
#: trail byte in 0x40-0x7E (a letter) between two wide characters.
_SHIFT_SIGNS = re.compile(r"\?[,;](?=[^\s\d])|\?[a-z\u00e0-\u01dc]{1,6}\)|\?!\?(?:[\x00-\x7f]|$)|"
                          r"[^\x00-\x7f]\u20ac|[^\x00-\x7f][\x40-\x7e][^\x00-\x7f(]")


def damage_evidence(run: str) -> bool:
    """Whether a candidate run shows a sign of the cut that clean text lacks:
    a rare or private-use character (shifted pairs decode to salad such as
    ``笆濉睍``), or one of ``_SHIFT_SIGNS``.  Informal ``???`` or ``?!`` after
    common characters is everyday text: the model alone never turns it into
    characters, however much it prefers them.

    >>> damage_evidence("持?!笆\ue1a2奈濉睍r"), damage_evidence("社???,覆"), damage_evidence("辦???")
    (True, True, False)
    >>> damage_evidence("高?,F"), damage_evidence("嗎?!")
    (True, False)
    """
    return bool(rare_char().search(run) or _SHIFT_SIGNS.search(run))


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



def _judge_run(run: str, before: str, after: str):
    """(score of the run as it stands, best hypothesis) or None."""
    toks = tokens(run)
    if not toks:
        return None
    best = best_hypothesis(toks, before, after, run[0] in "!;")
    if best is None:
        return None
    return _backend.impl.char_score(observed_text(toks), before, after), best


def repair_run(text: str, start: int, end: int, lost: str = "drop") -> tuple[int, int, str, float] | None:
    """The repair of ``text[start:end]`` as ``(start, end, after, confidence)``, trimmed
    to the characters that change, or None when the run is best left alone."""
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    judged = _remembered(("run", before, run, after), lambda: _judge_run(run, before, after))
    if judged is None:
        return None
    observed, (score, out, guesses) = judged
    gain = score - observed - GUESS_COST * guesses
    if gain < MARGIN or not damage_evidence(run):
        return None
    out, unrecovered = _restore_lost(out, _TAG_AFTER_REACH.match(text, end).group(), lost)
    # Trim what did not change.
    lo = 0
    while lo < min(len(out), len(run)) and out[lo] == run[lo]:
        lo += 1
    hi = 0
    while hi < min(len(out), len(run)) - lo and out[-1 - hi] == run[-1 - hi]:
        hi += 1
    if lo == len(run) and lo == len(out):
        return None
    confidence = round(max(0.5, min(0.99, _logistic((gain - MARGIN) / 4) - 0.05 * guesses)), 3)
    if unrecovered:
        confidence = min(confidence, 0.6)
    return start + lo, end - hi, out[lo : len(out) - hi], confidence


