"""Pure-Python twin of native/shift.c: the structure search of a byte-shift run
(:func:`shift_paths`, ``tr_shift_paths``) and the bigram beam that reads a
group of its slots (:func:`slot_fillers`, ``tr_slot_fillers``).

The specification: the C core returns exactly what this module returns.

A run's tokens (``stages.mojibake.shift.tokens``) say every way each observed
character may have come out of the damaging decoder: its own bytes, a folded
fullwidth form's, a lone byte the decoder showed as ``?``, a piece the cutter
started there.  The search rebuilds the original byte stream token by token
and decodes it in step, as its author's GBK meant it.

A byte the damage lost is not guessed here.  The character it belongs to
becomes a :class:`Slot`: the set of characters the surviving byte allows
(``?`` + ``A3`` is one of ~100 characters whose trail is A3).  A path through
the run is its text with slots in it; the stage fills the slots with the word
model, which needs the whole window to choose well.  Paths are ranked by the
character bigram model, a slot counting as its best filler, so the ranking
compares structures (which ``?`` is a lost byte, which ``!`` a cut), not the
fillers of one structure: a beam of fillers would be all variations of the
last slot.

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

from functools import lru_cache

from .. import _cjkcodec

#: States kept after each token, and distinct paths returned.
BEAM = 16
PATHS = 8
#: Log-probability a path pays per byte it could not read (``TR_SHIFT_GUESS_COST``).
GUESS_COST = 2.0

# Atoms of a byte hypothesis, besides a byte (an int) and the annotation
# tuples ``("ann", chars, text)`` and ``("annchar", chars, text)``.
PIECE = "piece"  # a piece starts here: the decoder was in step or a lone lead was lost
U = "u"  # one unknown byte
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
    trail the cut implies) or ``"uda"`` (the trail went with the next lead
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


def _step_unknown(state) -> list:
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
    slot = Slot.of("trail", pending)
    return [_emit(state, slot, None, None, slot, 1)] if slot.chars else []


def _step_droppair(state) -> list:
    # The out-of-step decoder read the trail of the pending character and the
    # lead of the next as a private-use pair, and dropped it: the pending
    # character's trail is one of the areas' first bytes, the next lead is lost.
    _s, pending, prevbyte, _lp, _pc, _out, _g, need = state
    if not isinstance(pending, int) or need is not None:
        return []
    slot = Slot.of("uda", pending)
    if not slot.chars:
        return []
    emitted = _emit(state, slot, None, None, slot, 2)
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


def _merge(best: dict, states: list) -> None:
    """Keep in ``best`` the best state of each future-shaping key."""
    for t in states:
        key = t[1:5] + t[7:]
        kept = best.get(key)
        # Equal outputs with fewer guesses win; the first of equals stays.
        if kept is None or _rank(t) < _rank(kept):
            best[key] = t


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
                _merge(best, branch)
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
