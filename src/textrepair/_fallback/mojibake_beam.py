"""Pure-Python twin of native/mojibake_beam.c: the beam search of a byte-shift run
(``tr_mojibake_best``), scored by the character model of ``lm.py``.

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

from functools import lru_cache

from .. import _cjkcodec
from .lm import char_model as _char_model


# The beam search of the mojibake stage's byte-shift repair (stages/mojibake.py
# builds the tokens).  A state is (score, pending, prevbyte, lastpair, prevchar,
# out, guesses): pending is None (in step), a lead byte, or BEAM_U (an unknown
# lead); prevbyte is the byte before the pending lead; lastpair is the
# character the last two bytes formed when the last step completed a pair; out
# is the text so far as a cons list (previous out, piece), so extending it
# costs O(1).  Only (pending, prevbyte, lastpair, prevchar) shape the future,
# so of the states that agree on them the best one dominates the rest (Viterbi).

#: States kept after each token (``TR_BEAM_WIDTH``).
BEAM = 16
#: Log-probability a repair pays per byte it had to guess (``TR_BEAM_GUESS_COST``);
#: calibrated with the stage's MARGIN on seeds/ and tests/data/negative.json.
GUESS_COST = 2.0

# Atoms of a byte hypothesis (besides a byte, an int, and the annotation
# tuples ``("ann", chars, text)`` and ``("annchar", chars, text)``).
BEAM_PIECE = "piece"  # a piece starts here: the decoder was in step or a lone lead was lost
BEAM_U = "u"  # one unknown byte
BEAM_LOSTB = "lost"  # one lost ASCII byte (swallowed as an invalid trail)
BEAM_LOST = "\x00"  # a lost ASCII byte in the output, replaced after decoding

# Module-level names: the search calls these hundreds of thousands of times.
_original_pair = _cjkcodec.original_pair
_encode_char = _cjkcodec.encode_char
_LEADS = _cjkcodec.LEADS
_TRAILS = _cjkcodec.TRAILS


@lru_cache(maxsize=None)
def _pairs_ending(trail: int) -> tuple[tuple[int, str], ...]:
    """(lead, character) of every authored GBK pair with this trail byte."""
    return tuple((lead, ch) for lead in _LEADS if (ch := _original_pair(lead, trail)))


@lru_cache(maxsize=None)
def _pairs_starting(lead: int) -> tuple[tuple[int, str], ...]:
    """(trail, character) of every authored GBK pair with this lead byte."""
    return tuple((trail, ch) for trail in _TRAILS if (ch := _original_pair(lead, trail)))


def _emit(state, ch: str, pending, prevbyte, lastpair, guesses: int):
    score, _p, _pb, _lp, prevchar, out, g = state
    cp = ord(ch)  # _cjkcodec.fold, inlined: the search's hottest line
    shown = chr(cp - 0xFEE0) if 0xFF01 <= cp <= 0xFF5E else ch
    return (score + _char_model().logp(prevchar, shown), pending, prevbyte, lastpair, shown,
            (out, shown), g + guesses)


def _step_byte(state, b: int) -> list:
    _s, pending, prevbyte, _lp, _pc, _out, _g = state
    if pending is None:
        if b < 0x80:
            return [_emit(state, chr(b), None, b, None, 0)]
        if b == 0x80 or b == 0xFF:
            return []
        return [state[:1] + (b, prevbyte, None) + state[4:]]
    if pending == BEAM_U:
        return [_emit(state, ch, None, b, ch, 1) for _lead, ch in _pairs_ending(b)]
    ch = _original_pair(pending, b)
    return [_emit(state, ch, None, b, ch, 0)] if ch else []


def _step_unknown(state) -> list:
    _s, pending, prevbyte, _lp, _pc, _out, _g = state
    if pending is None:
        return [state[:1] + (BEAM_U, prevbyte, None) + state[4:]]
    if pending == BEAM_U:
        # Two lone bytes in a row: the second was a piece of its own, cut
        # before it and after it, so it starts a split pair (A1 or A3).
        return [_emit(state, ch, None, trail, ch, 2) for trail in (0xA1, 0xA3) for _lead, ch in _pairs_ending(trail)]
    return [_emit(state, ch, None, trail, ch, 1) for trail, ch in _pairs_starting(pending)]


def _step_ann(state, chars: frozenset[str], text: str) -> list:
    score, pending, prevbyte, lastpair, prevchar, out, g = state
    if pending is None:
        # In step: the annotation follows the whole character it names; keep it.
        return [(score, None, prevbyte, None, prevchar, (out, text), g)] if lastpair in chars else []
    if prevbyte is None:
        return []
    if pending == BEAM_U:
        # The lead byte is pinned by the reading.
        return [(score, lead, prevbyte, None, prevchar, out, g) for lead in _LEADS
                if _original_pair(prevbyte, lead) in chars]
    # Inside a character: the converter saw the two bytes straddling two characters.
    return [state] if _original_pair(prevbyte, pending) in chars else []


def _step(state, atom) -> list:
    if isinstance(atom, int):
        return _step_byte(state, atom)
    if atom == BEAM_U:
        return _step_unknown(state)
    if atom == BEAM_PIECE:
        return [state] if state[1] is None or state[1] == BEAM_U else []
    if atom == BEAM_LOSTB:
        if state[1] is not None:
            return []
        # Not a guess: the byte is gone either way, and says so in the output.
        return [state[:1] + (None, 0, None) + state[4:5] + ((state[5], BEAM_LOST), state[6])]
    kind, chars, text = atom
    if kind == "ann":
        return _step_ann(state, chars, text)
    found = []
    for ch in chars:
        raw = _encode_char(ch)
        states = [state]
        for b in raw:
            states = [t for s in states for t in _step_byte(s, b)]
        for s in states:
            found.extend(_step_ann(s, chars, text))
    return found


def _text_of(out) -> str:
    pieces = []
    while out:
        out, piece = out
        pieces.append(piece)
    return "".join(reversed(pieces))


def _rank(state) -> float:
    return -state[0] + GUESS_COST * state[6]


def _merge(best: dict[tuple, tuple], states: list) -> None:
    """Keep in ``best`` the best state of each future-shaping key."""
    for t in states:
        key = t[1:5]
        kept = best.get(key)
        # Equal outputs with fewer guesses win; the first of equals stays.
        if kept is None or _rank(t) < _rank(kept):
            best[key] = t


def _best_states(states: list) -> list:
    best: dict[tuple, tuple] = {}
    _merge(best, states)
    return sorted(best.values(), key=_rank)[:BEAM]


def mojibake_best(toks, before: str, after: str, lost_lead: bool) -> tuple[float, str, int] | None:
    """The best-scoring in-step reading of a run's tokens (``stages.mojibake.tokens``):
    ``(score, text, guesses)`` or None.  ``before``/``after``: the characters
    around the run ("" at an end); ``lost_lead``: the run may start after a
    lost lead byte.

    >>> toks = [("?", [(63,), (BEAM_PIECE, 0xA3, 0xBF)]), ("笆", [(0xB0, 0xCA)])]
    >>> mojibake_best(toks, "", "", False)[1]
    '?笆'
    """
    start = (0.0, None, None, None, before, (), 0)
    states = [start]
    if lost_lead:
        states.append(start[:1] + (BEAM_U,) + start[2:])
    for _text, options in toks:
        best: dict[tuple, tuple] = {}
        for state in states:
            for option in options:
                branch = [state]
                for atom in option:
                    branch = [t for s in branch for t in _step(s, atom)]
                    if len(branch) > BEAM:  # an unknown byte fans out ~190 ways
                        branch = _best_states(branch)
                    if not branch:
                        break
                _merge(best, branch)
        if not best:
            return None
        states = sorted(best.values(), key=_rank)[:BEAM]
    model = _char_model()
    finals = []
    for s in states:
        if s[1] is not None:
            continue
        total = s[0] + (model.logp(s[4], after) if after else 0.0)
        finals.append((total - GUESS_COST * s[6], total, s[5], s[6]))
    if not finals:
        return None
    finals.sort(key=lambda f: -f[0])
    _adj, total, out, guesses = finals[0]
    return total, _text_of(out), guesses
