"""Pure-Python twin of native/shift.c: the judgement of a GBK byte-shift run
(:func:`shift_judge`, ``tr_shift_judge``), with its two parts that are entry
points of their own, the structure search (:func:`shift_paths`,
``tr_shift_paths``) and the bigram beam that reads a group of its slots
(:func:`slot_fillers`, ``tr_slot_fillers``).

The specification: the C core returns exactly what this module returns.

A run's tokens (:func:`tokens`) say every way each observed character may
have come out of the damaging decoder: its own bytes, a folded fullwidth
form's, a lone byte the decoder showed as ``?``, a piece the cutter started
there.  The search rebuilds the original byte stream token by token and
decodes it in step, as its author's GBK meant it.

A byte the damage lost is not guessed by the search.  The character it
belongs to becomes a :class:`Slot`: the set of characters the surviving byte
allows (``?`` + ``A3`` is one of ~100 characters whose trail is A3).  A path
through the run is its text with slots in it.  Paths are ranked by the
character bigram model, a slot counting as its best filler, so the ranking
compares structures (which ``?`` is a lost byte, which ``!`` a cut), not the
fillers of one structure: a beam of fillers would be all variations of the
last slot.  The judgement (:func:`fill`) then fills the slots of the best
paths with the word model, which needs the whole window to choose well, and
weighs the best reading against the run as it stands (:func:`shift_judge`).

A state is ``(score, pending, prevbyte, lastpair, prevchar, out, guesses,
need)``: ``pending`` is None (in step), a lead byte, or ``U`` (an unknown
lead); ``prevbyte`` the byte before the pending lead; ``lastpair`` the
character (or slot) the last two bytes formed when the last step completed a
pair; ``out`` the path so far as a cons list ``(previous, item)``; ``need``
the byte the next piece must start with (after a character whose two bytes
were each a piece of their own, see :func:`_step_unknown`), or None.  Only
``(pending, prevbyte, lastpair, prevchar, need)`` shape the future, so of the
states that agree on them the best one dominates (Viterbi).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from .. import _cjkcodec
from .._tables import reading_table
from . import lm
from .mojibake import rare_char

#: States kept after each token, and distinct paths returned.
BEAM = 16
PATHS = 8
#: Log-probability a path pays per byte it could not read (``TR_SHIFT_GUESS_COST``).
GUESS_COST = 2.0

# Atoms of a byte hypothesis, besides a byte (an int) and the annotation
# tuples ``("ann", chars, text)`` and ``("annchar", chars, text)``.
PIECE = "piece"  # a piece starts here: the decoder was in step or a lone lead was lost
U = "u"  # one unknown byte
UHI = "uhi"  # one unknown byte from 0x81: a lone lead byte the decoder dropped
LOSTB = "lost"  # one lost ASCII byte (swallowed as an invalid trail)
ALONE = "alone"  # the next byte is read in step, as a character of its own
DROPPAIR = "droppair"  # two bytes the decoder read as a private-use character and dropped

#: First bytes of the pairs cp936 reads as private-use characters (its
#: user-defined areas AAA1-AFFE, F8A1-FEFE and A140-A7A0): a decoder that
#: drops those characters drops such a pair.
_UDA_FIRST = tuple(range(0xA1, 0xA8)) + tuple(range(0xAA, 0xB0)) + tuple(range(0xF8, 0xFF))
LOST = "\x00"  # a lost ASCII byte in a path, replaced after decoding

_LEADS = _cjkcodec.LEADS
_TRAILS = _cjkcodec.TRAILS
_original_pair = _cjkcodec.original_pair
_encode_char = _cjkcodec.encode_char


class Slot:
    """A character of the original whose bytes are partly lost: one of
    ``chars``.  ``kind`` is ``"lead"`` (the lead byte is lost, ``byte`` is
    the trail), ``"trail"`` (the trail is lost, ``byte`` is the lead) or
    ``"pair"`` (both were lone bytes of their own pieces; ``byte`` is the
    trail the cut implies), ``"hitrail"`` (the trail is lost and was a lead
    byte from 0x81, the kind a decoder drops alone) or ``"uda"`` (the trail went with the next lead
    as a dropped private-use pair; ``byte`` is the lead).  ``guesses`` counts the unknown bytes.

    >>> s = Slot.of("lead", 0xA3)
    >>> "保" in s.chars and "模" in s.chars, s.guesses
    (True, 1)
    """

    __slots__ = ("kind", "byte", "chars", "guesses", "_hash")

    def __init__(self, kind: str, byte: int, chars: tuple[str, ...], guesses: int) -> None:
        self.kind = kind
        self.byte = byte
        self.chars = chars
        self.guesses = guesses
        self._hash = hash((kind, byte, chars))

    @staticmethod
    @lru_cache(maxsize=None)
    def of(kind: str, byte: int) -> "Slot":
        if kind == "lead":
            chars = tuple(ch for _lead, ch in _pairs_ending(byte))
        elif kind == "trail":
            chars = tuple(ch for _trail, ch in _pairs_starting(byte))
        elif kind == "uda":
            chars = tuple(ch for trail, ch in _pairs_starting(byte) if trail in _UDA_FIRST)
        elif kind == "hitrail":
            chars = tuple(ch for trail, ch in _pairs_starting(byte) if trail >= 0x81)
        else:
            chars = tuple(ch for _lead, ch in _pairs_ending(byte))
        return Slot(kind, byte, chars, 2 if kind in ("pair", "uda") else 1)

    def narrowed(self, allowed) -> "Slot | None":
        """The slot with only the characters in ``allowed`` (an annotation
        names them), or None when none is left."""
        chars = tuple(ch for ch in self.chars if ch in allowed)
        return Slot(self.kind, self.byte, chars, self.guesses) if chars else None

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Slot) and self.kind == other.kind and self.byte == other.byte
                and self.chars == other.chars)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Slot({self.kind!r}, {self.byte:#04x}, {len(self.chars)} chars)"


@lru_cache(maxsize=None)
def _pairs_ending(trail: int) -> tuple[tuple[int, str], ...]:
    """(lead, character) of every authored GBK pair with this trail byte."""
    return tuple((lead, ch) for lead in _LEADS if (ch := _original_pair(lead, trail)))


@lru_cache(maxsize=None)
def _pairs_starting(lead: int) -> tuple[tuple[int, str], ...]:
    """(trail, character) of every authored GBK pair with this lead byte."""
    return tuple((trail, ch) for trail in _TRAILS if (ch := _original_pair(lead, trail)))


def _shown(ch: str) -> str:
    """A character as the page shows it: fullwidth forms folded to ASCII."""
    cp = ord(ch)
    return chr(cp - 0xFEE0) if 0xFF01 <= cp <= 0xFF5E else ch


@lru_cache(maxsize=1 << 16)
def logp(prev, ch) -> float:
    """The bigram log-probability of ``ch`` after ``prev``, where a slot
    counts as its best filler ("" : no previous character).

    >>> logp("中", "国") == _cjkcodec.char_model().logp("中", "国")
    True
    >>> logp(Slot.of("lead", 0xA3), "卡") >= logp("保", "卡")
    True
    """
    model = _cjkcodec.char_model()
    if isinstance(prev, Slot):
        if isinstance(ch, Slot):
            prev = max(prev.chars, key=lambda c: model.logp("", _shown(c)))
        else:
            return max(model.logp(_shown(c), ch) for c in prev.chars)
    if isinstance(ch, Slot):
        return max(model.logp(_shown(prev) if prev else prev, _shown(c)) for c in ch.chars)
    return model.logp(prev, ch)


def _emit(state, item, pending, prevbyte, lastpair, guesses: int, need=None):
    score, _p, _pb, _lp, prevchar, out, g, _n = state
    shown = item if isinstance(item, Slot) else _shown(item)
    return (score + logp(prevchar, shown), pending, prevbyte, lastpair, shown, (out, shown), g + guesses, need)


def _step_byte(state, b: int) -> list:
    _s, pending, prevbyte, _lp, _pc, _out, _g, need = state
    if need is not None:
        if b != need:
            return []
        state = state[:7] + (None,)
    if pending is None:
        if b < 0x80:
            return [_emit(state, chr(b), None, b, None, 0)]
        if b == 0x80 or b == 0xFF:
            return []
        return [state[:1] + (b, prevbyte, None) + state[4:]]
    if pending == U:
        slot = Slot.of("lead", b)
        return [_emit(state, slot, None, b, slot, 1)] if slot.chars else []
    ch = _original_pair(pending, b)
    return [_emit(state, ch, None, b, ch, 0)] if ch else []


def _step_unknown(state, hi: bool = False) -> list:
    _s, pending, prevbyte, _lp, _pc, _out, _g, need = state
    if need is not None:
        return []  # the next piece starts with a known byte, not a lost one
    if pending is None:
        return [state[:1] + (U, prevbyte, None) + state[4:]]
    if pending == U:
        # Two lone bytes in a row: the second was a piece of its own, cut
        # before it (it starts a split pair with the next byte) and after it
        # (the next byte starts one too): A1 then A3 (。), or A3 then A1 (！).
        return [_emit(state, slot, None, trail, slot, 2, 0x144 - trail) for trail in (0xA1, 0xA3)
                if (slot := Slot.of("pair", trail)).chars]
    slot = Slot.of("hitrail" if hi else "trail", pending)
    return [_emit(state, slot, None, None, slot, 1)] if slot.chars else []


def _step_droppair(state) -> list:
    # The out-of-step decoder read the trail of the pending character and the
    # lead of the next as a private-use pair, and dropped it: the pending
    # character's trail is one of the areas' first bytes (one guess here), the
    # next lead is lost (its guess is counted where its slot is emitted).
    _s, pending, prevbyte, _lp, _pc, _out, _g, need = state
    if not isinstance(pending, int) or need is not None:
        return []
    slot = Slot.of("uda", pending)
    if not slot.chars:
        return []
    emitted = _emit(state, slot, None, None, slot, 1)
    return [emitted[:1] + (U,) + emitted[2:]]


def _step_ann(state, chars: frozenset[str], text: str) -> list:
    score, pending, prevbyte, lastpair, prevchar, out, g, need = state
    if need is not None:
        return []
    if pending is None:
        # In step: the annotation follows the whole character it names; keep it.
        if isinstance(lastpair, Slot):
            slot = lastpair.narrowed(chars)
            if slot is None:
                return []
            return [(score, None, prevbyte, None, slot, ((out[0], slot), text), g, None)]
        return [(score, None, prevbyte, None, prevchar, (out, text), g, None)] if lastpair in chars else []
    if prevbyte is None:
        return []
    if pending == U:
        # The lead byte is pinned by the reading.
        return [(score, lead, prevbyte, None, prevchar, out, g, None) for lead in _LEADS
                if _original_pair(prevbyte, lead) in chars]
    # Inside a character: the converter saw the two bytes straddling two characters.
    return [state] if _original_pair(prevbyte, pending) in chars else []


def _step(state, atom) -> list:
    if isinstance(atom, int):
        return _step_byte(state, atom)
    if atom == U:
        return _step_unknown(state)
    if atom == UHI:
        return _step_unknown(state, True)
    if atom == DROPPAIR:
        return _step_droppair(state)
    if atom == ALONE:
        return [state] if state[1] is None and state[7] is None else []
    if atom == PIECE:
        # A cut: after a whole character, after a lone lead byte that was lost,
        # or inside a character the out-of-step decoder had read as a trail.
        return [state]
    if atom == LOSTB:
        if state[1] is not None or state[7] is not None:
            return []
        # Not a guess: the byte is gone either way, and says so in the path.
        return [state[:1] + (None, 0, None) + state[4:5] + ((state[5], LOST), state[6], None)]
    kind, chars, text = atom
    if kind == "ann":
        return _step_ann(state, chars, text)
    found = []
    for ch in sorted(chars):
        states = [state]
        for b in _encode_char(ch):
            states = [t for s in states for t in _step_byte(s, b)]
        for s in states:
            found.extend(_step_ann(s, chars, text))
    return found


def _items(out) -> list:
    items = []
    while out:
        out, item = out
        items.append(item)
    items.reverse()
    return items


def _rank(state) -> float:
    return -state[0] + GUESS_COST * state[6]


def _merge(best: dict, states: list, by_guesses: bool = False) -> None:
    """Keep in ``best`` the best state of each future-shaping key; with
    ``by_guesses`` (a decoder that drops private-use pairs) the number of
    guesses is part of the key, so a reading that guessed more bytes (a
    dropped pair: 机器 for 击) survives to be filled by the word model, which
    the character bigrams alone would not let it."""
    for t in states:
        key = t[1:5] + t[6:] if by_guesses else t[1:5] + t[7:]
        kept = best.get(key)
        # Equal outputs with fewer guesses win; the first of equals stays.
        if kept is None or _rank(t) < _rank(kept):
            best[key] = t


def _drops_pairs(toks) -> bool:
    """Whether some option of the tokens holds a dropped private-use pair."""
    return any(DROPPAIR in option for _text, options in toks for option in options)


def shift_paths(toks, before: str, after: str, lost_lead: bool) -> list[tuple[float, list, int]]:
    """The best in-step readings of a run's tokens, at most ``PATHS`` distinct
    ones, best first: ``(score, items, guesses)`` where ``items`` are text
    pieces and :class:`Slot` s.  ``before``/``after``: the characters around
    the run ("" at an end); ``lost_lead``: the run may start after a lost lead byte.

    >>> toks = [("?", [(63,), (PIECE, 0xA3, 0xBF)]), ("笆", [(0xB0, 0xCA)])]
    >>> [items for _s, items, _g in shift_paths(toks, "", "", False)][0]
    ['?', '笆']
    """
    start = (0.0, None, None, None, before, (), 0, None)
    states = [start]
    by_guesses = _drops_pairs(toks)
    if lost_lead:
        states.append(start[:1] + (U,) + start[2:])
    for _text, options in toks:
        best: dict = {}
        for state in states:
            for option in options:
                branch = [state]
                for atom in option:
                    branch = [t for s in branch for t in _step(s, atom)]
                    if not branch:
                        break
                _merge(best, branch, by_guesses)
        if not best:
            return []
        states = sorted(best.values(), key=_rank)[:BEAM]
    finals = []
    for s in states:
        if s[1] is not None or s[7] is not None:
            continue
        total = s[0] + (logp(s[4], after) if after else 0.0)
        finals.append((total - GUESS_COST * s[6], total, s[5], s[6]))
    finals.sort(key=lambda f: -f[0])
    paths = []
    seen = set()
    for _adj, total, out, guesses in finals:
        items = _items(out)
        key = tuple(items)
        if key in seen:
            continue
        seen.add(key)
        paths.append((total, items, guesses))
        if len(paths) == PATHS:
            break
    return paths


def slot_fillers(slots, prev: str, nxt: str, width: int) -> list[str]:
    """Readings of a group of consecutive slots, likeliest first by the
    bigram model with their neighbours, at most ``width`` (``tr_slot_fillers``):
    a beam over the group, so two slots that make one word (保卡, 保护) are
    chosen together.  ``prev``/``nxt``: the characters around the group ("" at an end).

    >>> fillers = slot_fillers([Slot.of("lead", 0xA3)], "社", "卡", 64)
    >>> len(fillers), "保" in fillers
    (64, True)
    """
    model = _cjkcodec.char_model()
    beams = [(0.0, "", prev)]
    for slot in slots:
        shown = sorted({_shown(c) for c in slot.chars})
        grown = [(score + model.logp(last, c), seq + c, c) for score, seq, last in beams for c in shown]
        grown.sort(key=lambda b: -b[0])
        beams = grown[:width]
    if nxt:
        beams = sorted(((score + model.logp(last, nxt), seq, last) for score, seq, last in beams), key=lambda b: -b[0])
    return [seq for _score, seq, _last in beams]


# --- the judgement of a run ---------------------------------------------------------
# The constants of the judgement, in one place (the C core reads them from
# here: ``_cext`` passes them in ``tr_shift_params``).

#: Log-probability gain a reading needs over the run as it stands (after a
#: cost per byte it could not read, GUESS_COST).
MARGIN = 10.0
#: Gain over the run read most kindly (each punctuation cluster as one ，)
#: that only salad gives: shifted pairs decode to characters no text writes
#: together (``笆濉睍``), which the word model scores tens of nats down.
SALAD = 12.0
#: Mean bigram log-probability per character below which common characters
#: are salad (clean sentences average about -6).
SALAD_PER_CHAR = -8.0
#: Log-odds that a run is damage on a page where the cut shows near it (the
#: stage's ``REACH``): there a reading may score a little below the run as it
#: stands (``。】`` is rarer than ``?!?`` to the model, which never saw a
#: cut page) and still be taken.
PAGE_PRIOR = 10.0
#: Log-probability a reading with a dropped private-use pair must gain over
#: the best reading without one: the log-odds against a drop at a given pair
#: (0.131 of out-of-step pairs fall in cp936's private-use areas, measured by
#: ``data/measure_pua_gap.py``); its two lost bytes pay GUESS_COST each too.
PUA_GAP = 1.9
#: The temperature of a slot group's share among its readings: the word
#: model's preference between the characters a lost byte allows is less sure
#: than its log-probabilities say.  Calibrated on the synthetic benchmark
#: (``python -m benchmarks.mojibake_accuracy --n 2000``): of the applied edits
#: at confidence >= 0.9, 91.5%/97.7%/98.9% are right at 1/1.5/2, and 73%/71%/62%
#: of edits are there (the codec judge's temperature is 2.2).
SHARE_TEMPERATURE = 2.0
#: Characters of context on each side that the word model reads.
CONTEXT = 8
#: Paths whose slots are filled and judged (the search returns more).
JUDGED_PATHS = 4
#: Readings of a group of consecutive slots the word model tries: the
#: likeliest by the bigram model.
FILLERS = 64
#: Longest word the candidates are read from.
WORD_REACH = 6
#: Weight of the character bigram model beside the word model (tuned on the
#: synthetic benchmark: 0.25 and 0.5 restore as many byte-shift spans, and
#: 0.25 keeps the word list's 社保卡 against the bigrams' 社海口).
BIGRAM_WEIGHT = 0.25

#: Why a run stays, as :class:`Verdict` ``reason`` (``tr_shift_verdict.reason`` is the index).
REASONS = (None, "reads better as a repair, but clean text writes this too", "no byte of the reading survives")


class Verdict(NamedTuple):
    """What the stage makes of a run: ``out`` replaces it when ``apply``;
    otherwise ``reason`` says why it stays (None: nothing to report).
    ``certain``: an applied reading of a run with a sign of the cut, or of
    salad, which shows the text went through the cutter; ``near_cut``: a
    reading that is only held back because clean text could write the run,
    applied where certain damage is near (the stage's ``REACH``); ``score``:
    the reading's log-probability in its window, less its guesses;
    ``edge_guess``: the reading's last character is a guess from its lead
    byte alone (the run ended on a lead byte the decoder dropped).

    >>> Verdict(False)
    Verdict(apply=False, out='', confidence=0.0, reason=None, certain=False, near_cut=False, score=-inf, edge_guess=False)
    """

    apply: bool
    out: str = ""
    confidence: float = 0.0
    reason: str | None = None
    certain: bool = False
    near_cut: bool = False
    score: float = float("-inf")
    edge_guess: bool = False


def _edge_guess(items) -> bool:
    """Whether the path's last item is a slot guessed from a lead byte
    alone, the run having ended on a lead the decoder dropped (``hitrail``)."""
    return bool(items) and isinstance(items[-1], Slot) and items[-1].kind == "hitrail"


# --- the model's scores of a window ------------------------------------------------------

def window_score(text: str) -> float:
    """The natural-log score of ``text``: its word segmentation plus
    ``BIGRAM_WEIGHT`` times its bigram score.

    >>> window_score("電子社保卡,覆蓋") > window_score("電子社海口,覆蓋")
    True
    """
    return lm.word_score(text) + BIGRAM_WEIGHT * lm.char_score(text)


def window_scores(candidates: list[str], left: str, right: str) -> list[float]:
    """:func:`window_score` of ``left + c + right`` for each candidate."""
    words = lm.word_scores(candidates, left, right)
    return [w + BIGRAM_WEIGHT * lm.char_score(left + c + right) for w, c in zip(words, candidates)]


def posterior(scores: list[float], chosen: float, temperature: float = 1.0) -> float:
    """The share of ``chosen`` among ``scores`` (log-probabilities): the
    probability the model gives the chosen reading among its rivals.  The
    sum runs in order, one addition at a time (as C adds; ``sum()`` of
    floats compensates its rounding from Python 3.12 on).

    >>> round(posterior([0.0, math.log(3)], math.log(3)), 2)
    0.75
    """
    top = max(scores)
    total = 0.0
    for s in scores:
        total += math.exp((s - top) / temperature)
    return math.exp((chosen - top) / temperature) / total


# --- annotations: the readings a converter wrote --------------------------------------------

@lru_cache(maxsize=1)
def _chars_by_reading() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Characters of each numbered reading, and of each toneless one
    (``native/gen_tables.py`` renders the same two maps for C)."""
    toned: dict[str, set[str]] = {}
    toneless: dict[str, set[str]] = {}
    table = reading_table()
    for ch, readings in table.readings.items():
        # Converters annotate exactly the forms that differ from simplified.
        if ch not in table.traditional or _encode_char(ch) is None or len(_encode_char(ch)) != 2:
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


def _tail_end(text: str, i: int) -> int:
    """One past the ``)`` closing the syllable of 1-7 pinyin letters at
    ``text[i:]``, or -1."""
    j = i
    while j < len(text) and j - i < 8 and (text[j].isascii() and text[j].isalpha() or text[j] in reading_table().letters):
        j += 1
    return j + 1 if i < j <= i + 7 and j < len(text) and text[j] == ")" else -1


# --- tokens -------------------------------------------------------------------------------

_SPLIT_START = frozenset("!,;?\u3002\u3001")
#: The byte pairs before which the splitter cut (、，。？；！): a piece starts there.
_SPLIT_PAIRS = frozenset(c.encode("gbk") for c in "、，。？；！")


def tokens(run: str, dropped: bool = False, after: str = "", pua: bool = False) -> list[tuple[str, Sequence[tuple]]] | None:
    """The run as ``(observed, options)`` tokens; each option is a tuple of atoms:
    a byte (int), ``"u"``, ``"lost"``, ``("ann", chars, text)`` or ``("annchar", chars, text)``.
    ``dropped``: the decoder may have dropped a lone lead byte before a piece
    without a mark (a second kind of decoder the seeds show); ``after``: the
    character after the run; ``pua``: the decoder may have dropped the
    private-use characters an out-of-step pair made (a farm's decoder does).
    Returns None when a character cannot have come out of cp936.

    >>> [text for text, _options in tokens("數(shù)?!")]
    ['數', '(shù)', '?', '!']
    """
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
                    out.append((text, [(ann,), (U, ann)]))
                i = end
                continue
        if ch == "?":
            end = _tail_end(run, i + 1)
            chars = chars_for(run[i + 1 : end - 1]) if end > 0 else None
            if chars:
                text = "(" + run[i + 1 : end]
                out.append((run[i:end], [(U, ("ann", chars, text)), (U, ("annchar", chars, text))]))
                i = end
                continue
            nxt = run[i + 1] if i + 1 < n else ""
            options: list[tuple] = [(0x3F,), (PIECE, 0xA3, 0xBF)]
            if dropped:
                options.append((U, PIECE, 0xA3, 0xBF))
            if not nxt or nxt in _SPLIT_START:
                options.append((U,))
            if nxt.isascii() and nxt.isalpha():
                options.append((U, LOSTB))
            out.append((ch, options))
            i += 1
            continue
        nxt = run[i + 1] if i + 1 < n else after
        if ch.isascii() and ch.isalnum() and nxt.isascii() and nxt.isalnum():
            # A letter or digit of a Latin word: the decoder read it alone
            # (a realigning trail byte is one ASCII character between wide ones).
            out.append((ch, ((ALONE, ord(ch)),)))
            i += 1
            continue
        token = _plain_token(ch, dropped)
        if token is None:
            return None
        if pua and ch >= "\x80":
            token = (token[0], token[1] + tuple((DROPPAIR,) + o for o in token[1] if isinstance(o[0], int)))
        out.append(token)
        i += 1
    if dropped and run and (after in ("", "\r", "\n") and run[-1] == "!" or _lead_lost_before(run[-1], after)):
        # The paragraph's last byte, a lone lead after the ghost ！ (the trail
        # of 。”'s ”), dropped too; or the lead byte a wide last character
        # left, before a byte that cannot be its trail (``辽`` before ``50``).
        # Either way the lost byte was one the decoder drops alone: a lead
        # byte, from 0x81 (間's trail 0x67 would have shown as ``g``).
        out.append(("", [(UHI,), ()]))
    return out


def _lead_lost_before(last: str, after: str) -> bool:
    """Whether a run ending on ``last`` may end on a lead byte the decoder
    dropped: ``after`` cannot be a trail byte.  Not at the end of the text
    (``after`` ""): no mechanism leaves a lead byte last, and its trail would
    be a guess with nothing after it to vouch for it (a text cut short).

    >>> _lead_lost_before("辽", "5"), _lead_lost_before("辽", "p"), _lead_lost_before("辽", "")
    (True, False, False)
    """
    return last >= "\x80" and "" < after < "\x40"


@lru_cache(maxsize=1 << 14)
def _plain_token(ch: str, dropped: bool = False) -> tuple[str, tuple[tuple, ...]] | None:
    """The token of a character that is neither ``(`` nor ``?`` (its own
    bytes, or its fullwidth form's), or None when cp936 cannot write it.
    A run is mostly such characters and they repeat: each is worked out once.

    >>> _plain_token("笆")
    ('笆', ((176, 202),))
    >>> _plain_token("!", True)[1][1:]
    (('piece', 163, 161), ('u', 'piece', 163, 161))
    """
    raw = _encode_char(ch)
    if raw is None:
        return None
    options = []
    for pair in (raw, _cjkcodec.fullwidth_bytes(ch)):
        if pair is None:
            continue
        if pair in _SPLIT_PAIRS:
            # A piece starts here, after a piece that ended in step (or, with
            # ``dropped``, on a lone lead byte the decoder dropped unmarked).
            options.append((PIECE,) + tuple(pair))
            if dropped:
                options.append((U, PIECE) + tuple(pair))
        else:
            options.append(tuple(pair))
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
    return "".join(parts).translate(_cjkcodec.FOLD)


# --- signs of the cut ---------------------------------------------------------------------

#: What a cut leaves that clean text does not write: a ``?`` before a folded
#: ，/； or a 。/、 that starts a piece (a lone byte ended the piece before:
#: one ``?``; informal text writes ``???。``),
#: or before the tail of an annotation whose ``(`` was eaten; ``?!?`` before
#: an ASCII character (。” whose ” ate the byte after it: ``?!?span``); a
#: lone byte 0x80 (``€``) or a trail byte in 0x40-0x7E (a letter) between
#: two wide characters (or a wide character and an annotation); a
#: private-use character.  A run showing one is damage:
#: its best reading replaces it when it reads better than the run at all.
_SHIFT_SIGNS = re.compile(r"\?[,;](?=[^\s\d])|(?<!\?)\?[\u3002\u3001](?=[^\s\d])|\?[a-z\u00e0-\u01dc]{1,6}\)|\?!\?[\x21-\x7e]|"
                          r"[^\x00-\x7f]\u20ac|[^\x00-\x7f][\x40-\x7e](?:[^\x00-\x7f(]|\([a-z\u00e0-\u01dc]{1,6}\))|"
                          r"[\ue000-\uf8ff]")
#: Punctuation the page folded to ASCII; informal text writes any cluster of it.
_PUNCT_RUN = re.compile(r"[?!;,]+")
_PUA = re.compile("[\ue000-\uf8ff]")


def _sign_context(run: str, right: str) -> str:
    """What of the text after ``run`` its signs may read: the annotation
    right after it, which belongs to its last character (``腑h(huán)``);
    after a run that starts on the ghost ！ of 。“ (``?!``), the next
    character, since a trail letter that realigned the decoder ends the run
    (``?!案杏X`` before ``質``).  Clean text writes a letter between Han
    characters (``A面``, ``X光``), so no other run reads past its end.

    >>> _sign_context("腑h", "(huán)的"), _sign_context("錯?!案杏X", "質量"), _sign_context("了???外殼A", "面")
    ('(huán)', '質', '')
    """
    if right[:1] == "(":
        return right[:right.find(")") + 1]
    return right[:1] if _GHOST_START.match(run) else ""


#: A run that starts on the ghost ！ of 。“: the lone lead of 。 shown as ``?``.
_GHOST_START = re.compile(r"[^\x00-\x7f]?\?!")


def _closer_cost(left: str, reading: str, right: str) -> float:
    """What the closing mark ending ``reading`` costs the model beyond ”:
    the pairing, not the model, chose it (its news corpus closes a
    quotation with ” far more often than a title with 》).

    >>> _closer_cost("价格便", "宜。》", "") > 1, _closer_cost("价格便", "宜。”", "")
    (True, 0.0)
    """
    text = reading.replace(LOST, "")
    if text[-1:] == "\u201d":
        return 0.0
    return window_score(left + text[:-1] + "\u201d" + right) - window_score(left + text + right)


def signs(run: str) -> bool:
    """Whether ``run`` shows a sign of the cut that clean text does not write.

    >>> signs("社???,覆"), signs("辦???"), signs("高?,F"), signs("嗎?!"), signs("持?!笆\ue1a2")
    (True, False, True, False, True)
    >>> signs("點?!?span"), signs("好吧?!?"), signs("嗎?。我"), signs("嗎???。我")
    (True, False, True, False)
    """
    return bool(_SHIFT_SIGNS.search(run))


#: ``?!?`` ending a paragraph after a Han character, read as 。 and a closing
#: mark: the cut before the ghost ！ of 。” (or 。」, 。】), whose closing
#: mark lost its trail byte at the paragraph's end.
_FINAL_GHOST = re.compile(r"[\u3400-\u9fff]\?!\?$")
#: The same under a decoder that drops a lone lead byte with no mark: only
#: the ghost ！ is left of 。” (``好!``).
_FINAL_DROPPED = re.compile(r"[\u3400-\u9fff]!$")
_FINAL_READING = re.compile("\u3002[”’」』】》〉〕〗]$")


def _closes_paragraph(observed: str, reading: str, right: str, opened: str, dropped: bool = False) -> bool:
    """Whether a run ending its paragraph in ``?!?`` (``!`` where the
    decoder ``dropped`` lone bytes) reads as 。 and the closing mark of a
    quotation the paragraph opened (``opened``: the marks open before the
    run): informal text writes ``?!?`` too, but does not leave a quotation
    open at the end of its paragraph.

    >>> _closes_paragraph("情?!?", "情。】", "\\n", "【"), _closes_paragraph("情?!?", "情。。", "", "【")
    (True, False)
    >>> _closes_paragraph("情?!?", "情。”", "", ""), _closes_paragraph("情!", "情。」", "", "「", dropped=True)
    (False, True)
    """
    final = _FINAL_DROPPED if dropped else _FINAL_GHOST
    if right and right[0] not in "\r\n" or not final.search(observed) or not _FINAL_READING.search(reading):
        return False
    still_open = open_marks(opened + reading[:-1])
    return bool(still_open) and _OPENING[still_open[-1]] == reading[-1]


# --- paired marks ------------------------------------------------------------------------

#: Paired punctuation: a closing mark ends the innermost one still open.
_CLOSING = {"”": "“", "’": "‘", "」": "「", "』": "『", "】": "【", "》": "《", "〉": "〈", "〕": "〔", "〗": "〖",
            ")": "(", "]": "["}
_OPENING = {v: k for k, v in _CLOSING.items()}


def open_marks(text: str) -> str:
    """The paired marks ``text`` leaves open, innermost last.

    >>> open_marks("他說:“我們【甲】和《乙"), open_marks("a)b")
    ('“《', '')
    """
    stack: list[str] = []
    for ch in _MARKS.findall(text):  # the marks alone: a paragraph is mostly other text
        if ch in _OPENING:
            stack.append(ch)
        elif stack and stack[-1] == _CLOSING[ch]:
            stack.pop()
    return "".join(stack)


#: Every paired mark, opening or closing.
_MARKS = re.compile("[" + re.escape("".join(_CLOSING) + "".join(_OPENING)) + "]")


def _pairs_ok(reading: str, opened: str) -> bool:
    """Whether every closing mark of ``reading`` closes the innermost mark
    open before it: a lost byte of 」 is not read as ” after 「 (with no
    mark open in sight, any closing mark may close one opened further back).

    >>> _pairs_ok("。」", "「"), _pairs_ok("。”", "「"), _pairs_ok("。”", "")
    (True, False, True)
    """
    stack = list(opened)
    for ch in reading:
        if ch in _OPENING:
            stack.append(ch)
        elif ch in _CLOSING and stack:
            if stack[-1] != _CLOSING[ch]:
                return False
            stack.pop()
    return True


def _closing_variants(slots, readings: list[str], closer: str) -> list[str]:
    """``readings`` with the mark that closes what is open put in each slot
    that allows it, however rare the bigram model finds it there."""
    variants = []
    for k, slot in enumerate(slots):
        if closer in {_shown(c) for c in slot.chars}:
            variants += [r[:k] + closer + r[k + 1:] for r in readings]
    return variants


# --- filling the slots of a path ------------------------------------------------------------

def _word_fillers(slots, before: str, after: str, ranked: list[str]) -> list[str]:
    """Readings of consecutive slots that make a word of the word list with
    their neighbours or among themselves (社 + two slots: 社保卡): the
    bigram model knows too few modern words to propose them (it has 保卡 0
    times).  A slot the word does not reach takes its character from the
    best of ``ranked`` (the bigram model's readings).
    ``before``/``after``: the known text around the group."""
    fold = lm.fold_text
    options = []
    for slot in slots:
        by_fold: dict[str, list[str]] = {}
        for c in slot.chars:
            shown = _shown(c)
            by_fold.setdefault(fold(shown), []).append(shown)
        options.append(by_fold)
    fallback = ranked[0] if ranked else "".join(s.chars[0] for s in slots)
    found = set()
    for filling in lm.word_fits(fold(before), options, fold(after), WORD_REACH):
        # Every character that spells the word (後 and 后 both fold to 后).
        readings = [""]
        for k, c in enumerate(filling):
            variants = options[k][fold(c)] if c else [fallback[k]]
            readings = [r + v for r in readings for v in variants]
        found.update(readings)
    return sorted(found)


def _groups(items: list) -> list[tuple[int, int]]:
    """``(start, end)`` of each stretch of consecutive slots in ``items``.

    >>> _groups(["a", Slot.of("lead", 0xA3), Slot.of("lead", 0xA3), "b", Slot.of("trail", 0xB0)])
    [(1, 3), (4, 5)]
    """
    groups = []
    k = 0
    while k < len(items):
        if isinstance(items[k], str):
            k += 1
            continue
        j = k
        while j < len(items) and not isinstance(items[j], str):
            j += 1
        groups.append((k, j))
        k = j
    return groups


def fill(items: list, left: str, right: str, opened: str = "") -> tuple[str, float, float]:
    """Fill the slots of a path with the word model: ``(text, score,
    confidence)``, where score is the window's log-probability (annotations
    left out, as :func:`observed_text` leaves them out of the run) and
    confidence the product of each group's posterior among its readings.
    ``opened``: the paired marks open before the run (:func:`open_marks`);
    a reading whose closing mark does not close them is not considered."""
    pieces = [it if isinstance(it, str) else "" for it in items]
    groups = _groups(items)

    def read(lo: int, hi: int) -> str:
        # The text the model reads: no annotation (the only longer pieces), no lost byte.
        return "".join(p for p in pieces[lo:hi] if len(p) == 1 and p != LOST)

    candidates = {}
    for g in groups:
        start, end = g
        before, after = left + read(0, start), read(end, len(pieces)) + right
        # The likeliest readings by the bigram model with their neighbours:
        # a beam over the group, so two slots that make one word (保卡, 保护)
        # are chosen together; then the words of the word list.
        ranked = slot_fillers(items[start:end], before[-1:], after[:1], FILLERS)
        words = _word_fillers(items[start:end], before[-WORD_REACH:], after[:WORD_REACH], ranked)
        seen = set(ranked)
        found = ranked + [w for w in words if w not in seen]
        marks = opened + open_marks(read(0, start))
        if marks:
            # Each reading once: duplicates would share its posterior.
            known = set(found)
            for variant in _closing_variants(items[start:end], found[:8], _OPENING[marks[-1]]):
                if variant not in known:
                    known.add(variant)
                    found.append(variant)
        paired = [w for w in found if _pairs_ok(w, marks)]
        if paired and (not after or after[0] == "\n"):
            # A paragraph ends here: what opened in it closes if the bytes allow.
            fewest = min(len(open_marks(marks + w)) for w in paired)
            paired = [w for w in paired if len(open_marks(marks + w)) == fewest]
        if paired and (not after or after[0] < "\x80"):
            # A quotation opens on text, not on markup, ASCII or a line's end.
            paired = [w for w in paired if w[-1] not in _OPENING] or paired
        candidates[g] = paired or found
        for k, c in zip(range(start, end), candidates[g][0]):
            pieces[k] = c
    shares = {}
    for _round in range(2 if len(groups) > 1 else 1):
        for g in groups:
            start, end = g
            head = (left + read(0, start))[-CONTEXT:]
            tail = (read(end, len(pieces)) + right)[:CONTEXT]
            scores = window_scores(candidates[g], head, tail)
            best = max(range(len(scores)), key=scores.__getitem__)
            for k, c in zip(range(start, end), candidates[g][best]):
                pieces[k] = c
            shares[g] = posterior(scores, scores[best], SHARE_TEMPERATURE)
    confidence = 1.0
    for share in shares.values():
        confidence *= share
    return "".join(pieces), window_score(left + read(0, len(pieces)) + right), confidence


#: What a run of bare punctuation is made of (informal ``????``).
_BARE = frozenset("?!")
#: Slots a reading may fill beyond the characters it reads out of surviving bytes.
FREE_SLOTS = 2


def _read_and_slots(items, seen: set) -> tuple[int, int]:
    """The path's characters read out of surviving bytes that the run did not
    show (``seen``), and its slots (``read_and_slots``)."""
    read = sum(1 for it in items if isinstance(it, str) and len(it) == 1 and it not in seen and it != LOST)
    return read, sum(1 for it in items if isinstance(it, Slot))


def _guesses_within(items, observed: str) -> bool:
    """Whether the path fills no more slots than it reads characters out of
    surviving bytes, or ``FREE_SLOTS`` (a sign of the cut vouches for the
    run, not for a string of guesses: ``?????`` beside a cut is no ``。浚縣``)."""
    seen = set(observed)
    read, slots = _read_and_slots(items, seen)
    if seen <= _BARE:
        return slots == 0  # bare ``?``/``!``: its marks may be read (``?!?`` is 。”), nothing guessed
    return slots <= max(FREE_SLOTS, read)


def _support(items, observed: str, near: bool = False) -> bool:
    """Whether the path reads some character out of surviving bytes that the
    run did not show, and fills no more slots than that (or ``FREE_SLOTS``):
    a reading made only of slots and the run's own characters has nothing
    but the model behind it, and one re-paired character does not vouch
    for twenty guessed ones (``中???`` repeated is informal text).  A run
    read only because it is ``near`` certain damage must read more
    characters than it guesses (``???中???`` is no ``?。恐校勘?``).

    >>> _support(["中", Slot.of("lead", 0xA3)], "?\ue000"), _support(["中"], "中"), _support(["。"], "??")
    (True, False, False)
    """
    seen = set(observed)
    if seen <= _BARE:
        return False  # nothing but ``?`` and ``!``: no byte of any reading survives
    read, slots = _read_and_slots(items, seen)
    if near:
        return slots < read  # read near damage without a sign: more read than guessed
    return read > 0 and slots <= max(FREE_SLOTS, read)


# --- the verdict ------------------------------------------------------------------------

def shift_judge(run: str, left: str, right: str, opened: str = "", keeps_pua: bool = True) -> Verdict | None:
    """The verdict on a candidate run between its contexts (``tr_shift_judge``),
    or None when the run cannot be damage at all (no cp936 reading);
    ``opened``: the paired marks open before the run (:func:`open_marks`);
    ``keeps_pua``: the page holds private-use characters, so its decoder
    kept them.  A decoder that shows a lone lead byte as ``?`` is tried
    first; one that drops it only when that explains nothing.

    >>> shift_judge("持?!笆\ue1a2奈濉睍r", "關心和支", "期").out
    '持。“十四五”時'
    """
    if any(ch not in _OPENING for ch in opened):
        raise ValueError(f"opened holds a character that opens no paired mark: {opened!r}")
    verdict = _judge(run, left, right, opened, (False, False))
    if verdict is None or not verdict.apply:
        dropped = _judge(run, left, right, opened, (True, False))
        if dropped is not None and (dropped.apply or verdict is None or (dropped.near_cut and not verdict.near_cut)):
            verdict = dropped
    if keeps_pua:
        return verdict
    # A decoder that drops private-use characters (a farm's: its pages hold
    # none) loses two bytes where an out-of-step pair fell in a user-defined
    # area; its reading must beat the others by the cost of that gap.
    found = _judge(run, left, right, opened, (False, True))
    if found is not None and found.apply and (verdict is None or not verdict.apply
                                               or found.score > verdict.score + PUA_GAP):
        verdict = found
    return verdict


def _judge(run: str, left: str, right: str, opened: str, mode: tuple[bool, bool]) -> Verdict | None:
    """The verdict under one decoder: ``mode`` is (dropped, pua) of :func:`tokens`."""
    dropped, pua = mode
    if pua and _PUA.search(run):
        return None  # this decoder keeps private-use characters
    toks = tokens(run, dropped, right[:1], pua)
    if not toks:
        return None
    paths = shift_paths(toks, left[-1:], right[:1], run[0] in "!;")
    if not paths:
        return None
    observed = observed_text(toks)
    as_is = window_score(left + observed + right)
    judged = []
    for _score, items, guesses in paths[:JUDGED_PATHS]:
        text, score, share = fill(items, left, right, opened)
        judged.append((score - GUESS_COST * guesses, text, share, items, guesses))
    # The run read as it stands is a path too (every ``?`` a literal): the
    # verdict weighs the best other reading against it.
    judged = sorted((j for j in judged if j[1].replace(LOST, "") != observed), key=lambda j: -j[0])
    if not judged:
        return Verdict(False)
    total, out, share, items, guesses = judged[0]
    gain = total - as_is
    salad = total - window_score(_PUNCT_RUN.sub("\uff0c", left + observed + right)) >= SALAD
    closes = _closes_paragraph(observed, out, right, opened, dropped)
    if closes:
        gain += _closer_cost(left, out, right)
    shown = signs(run + _sign_context(run, right)) or (closes and not dropped)
    confidence = share * posterior([j[0] for j in judged], total)
    edge = _edge_guess(items)
    if shown and gain > 0 and _guesses_within(items, observed):
        return Verdict(True, out, confidence, certain=True, score=total, edge_guess=edge)
    if closes and gain > -PAGE_PRIOR and _guesses_within(items, observed):
        # ``好!`` is informal text too: read as 。” only near certain damage,
        # which vouches for a reading a little less likely to the model.
        return Verdict(False, out, confidence, REASONS[1], near_cut=True, score=total, edge_guess=edge)
    if salad and gain >= MARGIN and _support(items, observed):
        return Verdict(True, out, confidence, certain=True, score=total, edge_guess=edge)
    reason = REASONS[1] if not salad else REASONS[2]
    # Near certain damage, a run whose shifted characters are common ones
    # (no salad to the model) is read too; never a run of bare ``?``/``!``:
    # informal ``???`` or ``??!`` after Chinese is everyday text even there.
    for total, out, share, items, guesses in judged:
        if _support(items, observed, near=True) and total > as_is - PAGE_PRIOR:
            confidence = share * posterior([j[0] for j in judged], total)
            return Verdict(False, out, confidence, reason, near_cut=True, score=total, edge_guess=_edge_guess(items))
    return Verdict(False)


# --- runs clean text writes too (tr_shift_quiet) ------------------------------
# A page's byte-shift candidates that no judge needs to read unless a cut
# shows near them.  The stage asks for each run (:func:`weak_run`) and for
# the folded marks a dropping decoder's run may start on (:func:`alone_starts`);
# a clean page asks :func:`shift_quiet` once.

#: ASCII: what separates the pieces :func:`salad` scores.
_NOT_WIDE = re.compile(r"[\x00-\x7f]+")
#: A whole annotation: ``(`` and one to six pinyin letters and ``)``.
_READING = re.compile(r"\([a-z\u00e0-\u01dc]{1,6}\)")
#: A run read out of step that ends on a realigning trail byte before a wide
#: character (or an annotation's ``(``): ``具@`` before 回.
_REALIGNED = re.compile(r"[^\x00-\x7f][\x40-\x7e][^\x00-\x7f(]")
#: Where a run read out of step ends: after a trail byte in 0x40-0x7E or the
#: lone byte 0x80 (``€``), which realign the decoder, or after the next mark
#: (the next piece starts there; a lone byte before it was dropped).
_OUT_OF_STEP = re.compile(r"[^\x00-\x7f?!,;\s\u20ac]*(?:[\x40-\x7e\u20ac]|[?!,;](?![\x00-\x7f]))?")
#: The most characters a run that starts on a folded mark reaches.
MAX_PIECE = 48


def weak_run(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a run with no sign of the cut
    (``?!?`` ending a paragraph counts as one here), no rare character and
    no salad of common ones: clean text writes such runs too.

    >>> weak_run("這是真的吗?下一步,在深入推进", 4, 15), weak_run("很少!静妥郎戏诺氖且浑p", 1, 13)
    (True, False)
    """
    run = text[start:end]
    if rare_char().search(_READING.sub("", run)):
        return False  # a tone letter in a whole annotation is no rare character
    right = text[end:end + CONTEXT]
    if signs(run + _sign_context(run, right)) or _REALIGNED.match(run[-2:] + right[:1]):
        return False  # a cut shows, or the run realigns on a trail letter before a wide character
    if _FINAL_GHOST.search(run) and (not right or right[0] in "\r\n"):
        return False
    # Last, as it costs the most (the character model): common characters
    # in an order no text writes.
    return not salad(run)


def salad(run: str) -> bool:
    """Whether the wide characters of ``run`` are common ones in an order no
    text writes (shifted pairs: ``静妥郎戏诺``), by the character model.

    Each stretch of two or more between ASCII characters and annotations
    is scored alone: clean text puts its folded marks between sentences
    (``嗎?是的。`` is no salad, though 嗎是 is no bigram), one character has
    no order, and a tone letter is no character of the text.

    >>> salad("!静妥郎戏诺氖且浑p"), salad("!餐桌上放的是一雙"), salad("嗎?是的。")
    (True, False, False)
    """
    if "(" in run:  # no annotation without one
        run = _READING.sub(" ", run)
    pieces = [piece for piece in _NOT_WIDE.split(run) if len(piece) >= 2]
    n = sum(map(len, pieces))
    # each piece's char_score with no context, in one call
    return n >= 2 and sum(lm.char_scores(pieces)) < SALAD_PER_CHAR * n


def mark_starts(text: str) -> list[int]:
    """Where a folded ！ or ； stands between wide characters: a dropping
    decoder's run may start there with no ``?`` to show it
    (``少!静妥郎戏诺氖且浑p``).  (``str.find`` is 30 times faster here
    than a regular expression with a look-behind: clean pages pay this.)

    >>> mark_starts("好!静;a!b 中;文")
    [1, 9]
    """
    found = []
    for mark in "!;":
        i = text.find(mark, 1)
        while i >= 0:
            if text[i - 1] >= "\x80" and text[i + 1:i + 2] >= "\x80":
                found.append(i)
            i = text.find(mark, i + 1)
    return sorted(found)


def alone_starts(text: str, taken) -> list[tuple[int, int]]:
    """Runs starting on a folded mark between wide characters (with the
    character before it), outside the runs ``taken`` (sorted), that show
    damage on their own, wherever the page's other damage is: the wide
    characters read out of step are salad, or the run realigns on a trail
    byte in 0x40-0x7E between wide characters (``了!具@回``, the ghost ！ of
    。【 and 這).  They may overlap: the caller skips one that overlaps a run
    read before it.

    >>> alone_starts("品種也很少!静妥郎戏诺氖且浑p筷子", [])
    [(4, 15)]
    >>> alone_starts("设施一般,比较旧;肪潮冉铣。", [])
    [(7, 14)]
    >>> alone_starts("習慣了!具@回房間", [])
    [(2, 6)]
    >>> alone_starts("很不方便!我們明天再來吧,好嗎", [])
    []
    """
    out = []
    for mark in mark_starts(text):
        start = mark - 1
        end = min(_OUT_OF_STEP.match(text, mark + 1).end(), start + MAX_PIECE)
        if outside(taken, start, end) and (salad(wide_head(text, mark + 1, end)) or _REALIGNED.match(text, end - 2)):
            out.append((start, end))
    return out


def wide_head(text: str, start: int, end: int) -> str:
    """``text[start:end]`` (a match of ``_OUT_OF_STEP`` or a head of one:
    wide characters, then perhaps one realigning byte or mark) without an
    ASCII last character: the one piece :func:`salad` scores in it.

    >>> wide_head("好!具@回", 2, 4), wide_head("好!具\\u20ac", 2, 4)
    ('具', '具€')
    """
    head = text[start:end]
    return head[:-1] if head[-1:] < "\x80" else head


def outside(taken, start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps none of the runs ``taken`` (sorted,
    not overlapping each other).

    >>> outside([(0, 2), (5, 9)], 2, 5), outside([(0, 2), (5, 9)], 4, 6)
    (True, False)
    """
    i = bisect_left(taken, (end,))
    return not any(s < end and start < e for s, e in taken[max(0, i - 1):i])


def weak_runs(text: str, runs: Sequence[tuple[int, int]]) -> list[bool]:
    """:func:`weak_run` of each of ``runs`` (``tr_shift_weak``).

    >>> weak_runs("這是真的吗?下一步,在深入推进。很少!静妥郎戏诺氖且浑p", [(4, 15), (17, 29)])
    [True, False]
    """
    return [weak_run(text, start, end) for start, end in runs]


def shift_quiet(text: str, runs: Sequence[tuple[int, int]], marks: bool) -> bool:
    """Whether a page no cut has shown on leaves the byte-shift judge
    nothing to read (``tr_shift_quiet``): every run of ``runs`` (the scan's,
    each at most ``MAX_RUN`` long) is weak, and, with ``marks`` (a folded ！
    or ； stands between wide characters), no run starts alone on one.

    >>> shift_quiet("這是真的吗?下一步,在深入推进。", [(4, 15)], False)
    True
    >>> shift_quiet("品種也很少!静妥郎戏诺氖且浑p筷子", [], True)
    False
    """
    if not all(weak_run(text, start, end) for start, end in runs):
        return False
    return not (marks and alone_starts(text, []))
