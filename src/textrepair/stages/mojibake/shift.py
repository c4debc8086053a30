"""GBK byte-shift runs: a splitter cut the bytes of a page before every pair
spelling 、，。？；！ and a cp936 decoder read each piece alone (see the
stage's docstring).  This module turns a candidate run back into bytes,
trying every way each character may have been produced, and decides
whether the best reading replaces the run."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from ... import _backend
from ..._cjkcodec import FOLD, encode_char, fullwidth_bytes
from ..._fallback import rare_char
from ..._fallback.shift import GUESS_COST
from ..._fallback.shift import LOST as _LOST
from ..._fallback.shift import LOSTB as _LOSTB
from ..._fallback.shift import PIECE as _PIECE
from ..._fallback.shift import U as _U
from ..._fallback.shift import ALONE as _ALONE
from ..._fallback.shift import DROPPAIR as _DROPPAIR
from ..._tables import reading_table
from ...edits import report
from .common import _remembered, _trim, call_memory

KIND = "gbk-shift"

#: Log-probability gain a reading needs over the run as it stands (after a
#: cost per byte it could not read, GUESS_COST).
MARGIN = 10.0

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


def tokens(run: str, dropped: bool = False, after: str = "", pua: bool = False) -> list[tuple[str, Sequence[tuple]]] | None:
    """The run as ``(observed, options)`` tokens; each option is a tuple of atoms:
    a byte (int), ``"u"``, ``"lost"``, ``("ann", chars, text)`` or ``("annchar", chars, text)``.
    ``dropped``: the decoder may have dropped a lone lead byte before a piece
    without a mark (a second kind of decoder the seeds show); ``after``: the
    character after the run; ``pua``: the decoder may have dropped the
    private-use characters an out-of-step pair made (a farm's decoder does).
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
            if dropped:
                options.append((_U, _PIECE, 0xA3, 0xBF))
            if not nxt or nxt in _SPLIT_START:
                options.append((_U,))
            if nxt.isascii() and nxt.isalpha():
                options.append((_U, _LOSTB))
            out.append((ch, options))
            i += 1
            continue
        nxt = run[i + 1] if i + 1 < n else after
        if ch.isascii() and ch.isalnum() and nxt.isascii() and nxt.isalnum():
            # A letter or digit of a Latin word: the decoder read it alone
            # (a realigning trail byte is one ASCII character between wide ones).
            out.append((ch, ((_ALONE, ord(ch)),)))
            i += 1
            continue
        token = _plain_token(ch, dropped)
        if token is None:
            return None
        if pua and ch >= "\x80":
            token = (token[0], token[1] + tuple((_DROPPAIR,) + o for o in token[1] if isinstance(o[0], int)))
        out.append(token)
        i += 1
    return out


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
    raw = encode_char(ch)
    if raw is None:
        return None
    options = []
    for pair in (raw, fullwidth_bytes(ch)):
        if pair is None:
            continue
        if pair in _SPLIT_PAIRS:
            # A piece starts here, after a piece that ended in step (or, with
            # ``dropped``, on a lone lead byte the decoder dropped unmarked).
            options.append((_PIECE,) + tuple(pair))
            if dropped:
                options.append((_U, _PIECE) + tuple(pair))
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
    return "".join(parts).translate(FOLD)


# --- judging a run ---------------------------------------------------------------
# The search (tr_shift_paths, twin _fallback/shift.py) ranks the structures of
# a run -- which ``?`` is a lost byte, which ``!`` a cut -- with a lost
# character standing as a Slot of the characters its surviving byte allows.
# The word model then fills the slots and judges the whole reading against
# the run as it stands, in a window of context.

#: Characters of context on each side that the word model reads.
CONTEXT = 8
#: Paths whose slots are filled and judged (the search returns more).
JUDGED_PATHS = 4
#: Readings of a group of consecutive slots the word model tries: the
#: likeliest by the bigram model.
FILLERS = 64


#: What a cut leaves that clean text does not write: a ``?`` before a folded
#: ，/； or a 。/、 that starts a piece (a lone byte ended the piece before),
#: or before the tail of an annotation whose ``(`` was eaten; ``?!?`` before
#: an ASCII character (。” whose ” ate the byte after it: ``?!?span``); a
#: lone byte 0x80 (``€``) or a trail byte in 0x40-0x7E (a letter) between
#: two wide characters (or a wide character and an annotation); a
#: private-use character.  A run showing one is damage:
#: its best reading replaces it when it reads better than the run at all.
_SHIFT_SIGNS = re.compile(r"\?[,;\u3002\u3001](?=[^\s\d])|\?[a-z\u00e0-\u01dc]{1,6}\)|\?!\?[\x21-\x7e]|"
                          r"[^\x00-\x7f]\u20ac|[^\x00-\x7f][\x40-\x7e](?:[^\x00-\x7f(]|\([a-z\u00e0-\u01dc]{1,6}\))|"
                          r"[\ue000-\uf8ff]")
#: Punctuation the page folded to ASCII; informal text writes any cluster of it.
_PUNCT_RUN = re.compile(r"[?!;,]+")
_PUA = re.compile("[\ue000-\uf8ff]")
#: Gain over the run read most kindly (each punctuation cluster as one ，)
#: that only salad gives: shifted pairs decode to characters no text writes
#: together (``笆濉睍``), which the word model scores tens of nats down.
SALAD = 12.0
#: Log-odds that a run is damage on a page where the cut shows near it
#: (:data:`REACH`): there a reading may score a little below the run as it
#: stands (``。】`` is rarer than ``?!?`` to the model, which never saw a
#: cut page) and still be taken.
PAGE_PRIOR = 10.0


def signs(run: str) -> bool:
    """Whether ``run`` shows a sign of the cut that clean text does not write.

    >>> signs("社???,覆"), signs("辦???"), signs("高?,F"), signs("嗎?!"), signs("持?!笆\ue1a2")
    (True, False, True, False, True)
    >>> signs("點?!?span"), signs("好吧?!?")
    (True, False)
    """
    return bool(_SHIFT_SIGNS.search(run))


#: ``?!?`` ending a paragraph after a Han character, read as 。 and a closing
#: mark: the cut before the ghost ！ of 。” (or 。」, 。】), whose closing
#: mark lost its trail byte at the paragraph's end.
_FINAL_GHOST = re.compile(r"[\u3400-\u9fff]\?!\?$")
_FINAL_READING = re.compile("\u3002[”’」』】》〉〕〗]$")


def _closes_paragraph(observed: str, reading: str, right: str, opened: str) -> bool:
    """Whether a run ending its paragraph in ``?!?`` reads as 。 and the
    closing mark of a quotation the paragraph opened (``opened``: the marks
    open before the run): informal text writes ``?!?`` too, but does not
    leave a quotation open at the end of its paragraph.

    >>> _closes_paragraph("情?!?", "情。】", "\\n", "【"), _closes_paragraph("情?!?", "情。。", "", "【")
    (True, False)
    >>> _closes_paragraph("情?!?", "情。”", "", "")
    False
    """
    if right and right[0] not in "\r\n" or not _FINAL_GHOST.search(observed) or not _FINAL_READING.search(reading):
        return False
    still_open = open_marks(opened + reading[:-1])
    return bool(still_open) and _OPENING[still_open[-1]] == reading[-1]


class Verdict:
    """What the stage makes of a run: ``out`` replaces it when ``apply``;
    otherwise ``reason`` says why it stays (None: nothing to report).
    ``certain``: an applied reading of a run with a sign of the cut, or of
    salad, which shows the text went through the cutter; ``near_cut``: a
    reading that is only held back because clean text could write the run,
    applied where certain damage is near (see :data:`REACH`)."""

    __slots__ = ("apply", "out", "confidence", "reason", "certain", "near_cut", "score")

    def __init__(self, apply: bool, out: str = "", confidence: float = 0.0, reason: str | None = None,
                 certain: bool = False, near_cut: bool = False, score: float = float("-inf")) -> None:
        self.score = score
        self.apply = apply
        self.out = out
        self.confidence = confidence
        self.reason = reason
        self.certain = certain
        self.near_cut = near_cut


def _items_text(items) -> str:
    return "".join(items)


def _group_fillers(slots, prev: str, nxt: str) -> list[str]:
    """Readings of consecutive slots, likeliest first by the bigram model
    with their neighbours, at most ``FILLERS``: a beam over the group, so
    two slots that make one word (保卡, 保护) are chosen together."""
    return _backend.impl.slot_fillers(slots, prev, nxt, FILLERS)


def _shown(ch: str) -> str:
    cp = ord(ch)
    return chr(cp - 0xFEE0) if 0xFF01 <= cp <= 0xFF5E else ch


#: Longest word the candidates are read from.
WORD_REACH = 6


def _word_fillers(slots, before: str, after: str, ranked: list[str]) -> list[str]:
    """Readings of consecutive slots that make a word of the word list with
    their neighbours or among themselves (社 + two slots: 社保卡): the
    bigram model knows too few modern words to propose them (it has 保卡 0
    times).  A slot the word does not reach takes its character from the
    best of ``ranked`` (the bigram model's readings).
    ``before``/``after``: the known text around the group."""
    from .model import fold, word_fits

    options = []
    for slot in slots:
        by_fold: dict[str, list[str]] = {}
        for c in slot.chars:
            shown = _shown(c)
            by_fold.setdefault(fold(shown), []).append(shown)
        options.append(by_fold)
    fallback = ranked[0] if ranked else "".join(s.chars[0] for s in slots)
    found = set()
    for filling in word_fits(fold(before), options, fold(after), WORD_REACH):
        # Every character that spells the word (後 and 后 both fold to 后).
        readings = [""]
        for k, c in enumerate(filling):
            variants = options[k][fold(c)] if c else [fallback[k]]
            readings = [r + v for r in readings for v in variants]
        found.update(readings)
    return sorted(found)


#: Paired punctuation: a closing mark ends the innermost one still open.
_CLOSING = {"”": "“", "’": "‘", "」": "「", "』": "『", "】": "【", "》": "《", "〉": "〈", "〕": "〔", "〗": "〖",
            ")": "(", "]": "["}
_OPENING = {v: k for k, v in _CLOSING.items()}
#: How far back (in characters, within the paragraph) open marks are looked for.
OPEN_REACH = 400


def open_marks(text: str) -> str:
    """The paired marks ``text`` leaves open, innermost last.

    >>> open_marks("他說:“我們【甲】和《乙"), open_marks("a)b")
    ('“《', '')
    """
    stack: list[str] = []
    for ch in text:
        if ch in _OPENING:
            stack.append(ch)
        elif ch in _CLOSING and stack and stack[-1] == _CLOSING[ch]:
            stack.pop()
    return "".join(stack)


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


def _groups(items: list) -> list[tuple[int, int]]:
    """``(start, end)`` of each stretch of consecutive slots in ``items``."""
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
    from .model import posterior, window_score, window_scores

    pieces = [it if isinstance(it, str) else "" for it in items]
    groups = _groups(items)

    def read(lo: int, hi: int) -> str:
        # The text the model reads: no annotation (the only longer pieces), no lost byte.
        return "".join(p for p in pieces[lo:hi] if len(p) == 1 and p != _LOST)

    candidates = {}
    for g in groups:
        start, end = g
        before, after = left + read(0, start), read(end, len(pieces)) + right
        ranked = _group_fillers(items[start:end], before[-1:], after[:1])
        words = _word_fillers(items[start:end], before[-WORD_REACH:], after[:WORD_REACH], ranked)
        seen = set(ranked)
        found = ranked + [w for w in words if w not in seen]
        marks = opened + open_marks(read(0, start))
        if marks:
            found += _closing_variants(items[start:end], found[:8], _OPENING[marks[-1]])
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
            shares[g] = posterior(scores, scores[best])
    confidence = 1.0
    for share in shares.values():
        confidence *= share
    return "".join(pieces), window_score(left + read(0, len(pieces)) + right), confidence


def _support(items, observed: str) -> bool:
    """Whether the path reads some character out of surviving bytes that the
    run did not show: a reading made only of slots and the run's own
    characters has nothing but the model behind it."""
    seen = set(observed)
    return any(isinstance(it, str) and len(it) == 1 and it not in seen and it != _LOST for it in items)


def judge(run: str, left: str, right: str, opened: str = "", keeps_pua: bool = True) -> Verdict | None:
    """The verdict on a candidate run between its contexts, or None when the
    run cannot be damage at all (no cp936 reading); ``opened``: the paired
    marks open before the run; ``keeps_pua``: the page holds private-use
    characters, so its decoder kept them.  A decoder that shows a lone lead
    byte as ``?`` is tried first; one that drops it only when that explains nothing."""
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


#: Log-probability a reading with a dropped private-use pair must gain over
#: the best reading without one (two more lost bytes could explain anything).
PUA_GAP = 8.0


def _judge(run: str, left: str, right: str, opened: str, mode: tuple[bool, bool]) -> Verdict | None:
    from .model import posterior, window_score

    dropped, pua = mode
    if pua and _PUA.search(run):
        return None  # this decoder keeps private-use characters
    toks = tokens(run, dropped, right[:1], pua)
    if not toks:
        return None
    paths = _backend.impl.shift_paths(toks, left[-1:], right[:1], run[0] in "!;")
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
    judged = sorted((j for j in judged if j[1].replace(_LOST, "") != observed), key=lambda j: -j[0])
    if not judged:
        return Verdict(False)
    total, out, share, items, guesses = judged[0]
    gain = total - as_is
    salad = total - window_score(_PUNCT_RUN.sub("\uff0c", left + observed + right)) >= SALAD
    # An annotation right after the run belongs to its last character (`腑h(huán)`).
    shown = signs(run + right[:right.find(")") + 1] if right[:1] == "(" else run) or \
        _closes_paragraph(observed, out, right, opened)
    confidence = share * posterior([j[0] for j in judged], total)
    if shown and gain > 0:
        return Verdict(True, out, confidence, certain=True, score=total)
    if salad and gain >= MARGIN and _support(items, observed):
        return Verdict(True, out, confidence, certain=True, score=total)
    reason = "reads better as a repair, but clean text writes this too" if not salad else \
        "no byte of the reading survives"
    # Near certain damage, a run whose shifted characters are common ones
    # (no salad to the model) is read too; never a run of bare ``?``/``!``:
    # informal ``???`` or ``??!`` after Chinese is everyday text even there.
    for total, out, share, items, guesses in judged:
        if _support(items, observed) and total > as_is - PAGE_PRIOR:
            confidence = share * posterior([j[0] for j in judged], total)
            return Verdict(False, out, confidence, reason, near_cut=True, score=total)
    return Verdict(False)


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
    keeps_pua = bool(_PUA.search(text))
    weak = []
    for start, end in runs:
        if _weak(text, start, end):
            weak.append((start, end))
            continue
        verdict = _verdict(text, start, end, applied, keeps_pua)
        if verdict is not None:
            judged.append((start, end, verdict))
            if verdict.apply:
                applied.append((start, end, verdict.out))
    # Where the cut showed, in this pass or an earlier one of the same call
    # (a repaired run is no candidate any more, but its page is still cut).
    seen = call_memory("cut")
    seen += [start for start, _end, v in judged if v.certain]
    cut = sorted(seen)
    for start, end in weak:
        if _near(cut, start):
            verdict = _verdict(text, start, end, applied, keeps_pua)
            if verdict is not None:
                judged.append((start, end, verdict))
    found = []
    for start, end, verdict in sorted(judged, key=lambda j: j[0]):
        if verdict.apply or (verdict.near_cut and _near(cut, start)):
            fixed = _repair(text, start, end, verdict, lost)
            if fixed is not None:
                found.append(fixed)
        elif verdict.reason:
            report(KIND, start, end, text[start:end], f"{verdict.reason}: {verdict.out.replace(_LOST, '?')!r}")
    return found


def _verdict(text: str, start: int, end: int, applied, keeps_pua: bool) -> Verdict | None:
    run = text[start:end]
    left = text[max(0, start - CONTEXT):start]
    right = text[end:end + CONTEXT]
    opened = open_marks(_paragraph_before(text, start, applied))
    return _remembered(("run", left, run, right, opened, keeps_pua),
                       lambda: judge(run, left, right, opened, keeps_pua))


#: Mean bigram log-probability per character below which common characters
#: are salad (clean sentences average about -6).
SALAD_PER_CHAR = -8.0
_NOT_WIDE = re.compile(r"[\x00-\x7f]+")


def _weak(text: str, start: int, end: int) -> bool:
    """A run with no sign of the cut (``?!?`` ending a paragraph counts as
    one here), no rare character and no salad of common ones: clean text
    writes such runs too."""
    run = text[start:end]
    if rare_char().search(run):
        return False
    wide = _NOT_WIDE.sub("", run)
    if len(wide) >= 2 and _backend.impl.char_score(wide) < SALAD_PER_CHAR * len(wide):
        return False  # common characters in an order no text writes
    right = text[end:end + CONTEXT]
    if signs(run + right[:right.find(")") + 1] if right[:1] == "(" else run):
        return False
    return not (_FINAL_GHOST.search(run) and (not right or right[0] in "\r\n"))


def _paragraph_before(text: str, start: int, applied=()) -> str:
    """The text of the paragraph before ``start``, at most ``OPEN_REACH``
    characters, with the runs ``applied`` before it read as repaired."""
    lo = max(0, start - OPEN_REACH)
    line = text.rfind("\n", lo, start)
    lo = line + 1 if line >= 0 else lo
    pieces = []
    for s, e, out in applied:
        if e <= lo or s >= start:
            continue
        pieces.append(text[lo:max(lo, s)])
        pieces.append(out)
        lo = e
    pieces.append(text[lo:start])
    return "".join(pieces)


def _near(cut: list[int], start: int) -> bool:
    i = bisect_left(cut, start)
    return any(0 <= j < len(cut) and abs(cut[j] - start) <= REACH for j in (i - 1, i))


def _repair(text: str, start: int, end: int, verdict: Verdict, lost: str) -> tuple[int, int, str, float] | None:
    run = text[start:end]
    out, unrecovered = _restore_lost(verdict.out, _TAG_AFTER_REACH.match(text, end).group(), lost)
    lo, hi = _trim(run, out)
    if lo == len(run) and lo == len(out):
        return None
    confidence = round(max(0.01, min(0.99, verdict.confidence)), 3)
    if unrecovered:
        confidence = min(confidence, 0.6)
    return start + lo, end - hi, out[lo : len(out) - hi], confidence
