"""Benchmark cases: a clean text damaged by one named mechanism, with the
text a repairer should give back and every damaged span.

Byte-shift family (the target is the clean text folded to ASCII
punctuation, as the farm pages are):

* ``gbk-shift``: seed 001's gateway: cut, ``?`` for a lone lead, PUA kept;
* ``gbk-shift-drop``: a decoder that drops a lone lead and a lead before an
  ASCII byte with no mark (seed 004's final decode);
* ``gbk-shift-farm``: seeds 000/003's decoder: a lead eats the next ASCII
  byte (two bytes behind one ``?``), UDA3 and private-use pairs dropped;
* ``gbk-shift-annotated``: seed 003's farm: byte-level pinyin annotation
  (every key of the three seed sites) before the cut, so annotations are
  eaten and realign runs (needs the annotation stage);
* ``gbk-shift-annotated-stored``: seed 004's farm: annotate, decode, store,
  re-encode, cut, decode with drops; keys straddling two characters;
* ``gbk-shift-hidden-span``: seed 000's farm: a hidden spam span after each
  paragraph-final ``。”``, annotated and cut, whose ``<`` a lead byte eats
  (needs the annotation and markup stages; the target has no spam).

Classic family (the target keeps its fullwidth punctuation: the bytes
spell it): every mechanism of :mod:`.classic`.

>>> case = make("gbk-shift", "社保卡，覆蓋")
>>> case.damaged, case.target, [(s.damaged, s.target) for s in case.spans]
('社???,覆蓋', '社保卡,覆蓋', [('???', '保卡')])
>>> make("gbk-as-latin1", "中国，好", part=(2, 4)).damaged
'中国£¬ºÃ'
"""

from __future__ import annotations

import random
from typing import Callable, NamedTuple, Sequence

from . import classic, cp936, farm, sites
from .trace import Char, Span, fold, folded, same, spans, text_of, traced

__all__ = ["Case", "SHIFT", "CLASSIC", "NAMES", "STAGES", "make", "shift_spans"]


class Case(NamedTuple):
    """``damaged`` is ``clean`` after the mechanism ``name``; ``target`` what
    a repair should give; ``stages`` the stages besides mojibake the repair
    needs (``annotations``, ``markup``)."""

    name: str
    clean: str
    damaged: str
    target: str
    spans: tuple[Span, ...]
    stages: tuple[str, ...]


def _gateway(chars: Sequence[Char], rng: random.Random) -> list[Char]:
    return farm.pipeline(chars, "001", rng=rng)


def _drop(chars: Sequence[Char], rng: random.Random) -> list[Char]:
    return fold(farm.shift(chars, cp936.FARM_DROP, rng=rng))


def _farm(chars: Sequence[Char], rng: random.Random) -> list[Char]:
    return fold(farm.shift(chars, cp936.FARM_EAT, rng=rng))


def _annotated(chars: Sequence[Char], rng: random.Random) -> list[Char]:
    return farm.pipeline(chars, "003", table=sites.union(), rng=rng, caps={})


def _stored(chars: Sequence[Char], rng: random.Random) -> list[Char]:
    return farm.pipeline(chars, "004", table=sites.union(), rng=rng)


def _hidden(chars: Sequence[Char], rng: random.Random) -> list[Char]:
    return farm.pipeline(farm.inject_hidden_spans(chars), "000", table=sites.union(), rng=rng)


#: Byte-shift cases: (damage, stages the repair needs).
SHIFT: dict[str, tuple[Callable[[Sequence[Char], random.Random], list[Char]], tuple[str, ...]]] = {
    "gbk-shift": (_gateway, ()),
    "gbk-shift-drop": (_drop, ()),
    "gbk-shift-farm": (_farm, ()),
    "gbk-shift-annotated": (_annotated, ("annotations",)),
    "gbk-shift-annotated-stored": (_stored, ("annotations",)),
    "gbk-shift-hidden-span": (_hidden, ("annotations", "markup")),
}
CLASSIC = tuple(classic.MECHANISMS)
NAMES = tuple(SHIFT) + CLASSIC
STAGES = {name: stages for name, (_f, stages) in SHIFT.items()} | {name: () for name in CLASSIC}


def shift_spans(found: Sequence[Span]) -> list[Span]:
    """The spans a byte shift made (not the well-formed annotations)."""
    return [s for s in found if not s.tags <= {"annotation"}]


def make(name: str, text: str, part: tuple[int, int] | None = None, rng: random.Random | None = None) -> Case | None:
    """Damage ``text`` (or its characters ``part``, for the classic
    mechanisms) with ``name``; None when the mechanism leaves it as it was
    or cannot write it (a character Big5 lacks)."""
    rng = rng or random.Random(0)
    chars = traced(text)
    if name in SHIFT:
        damage, stages = SHIFT[name]
        out = damage(chars, rng)
        found = spans(out, text, folded)
        if not shift_spans(found):
            return None
        target = text.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})
        return Case(name, text, text_of(out), target, tuple(found), stages)
    if name not in classic.MECHANISMS:
        raise ValueError(f"unknown case {name!r}; one of {', '.join(NAMES)}")
    start, end = part or (0, len(text))
    try:
        out = chars[:start] + classic.misread(chars[start:end], name) + chars[end:]
    except UnicodeEncodeError:
        return None
    found = spans(out, text, same)
    if not found:
        return None
    return Case(name, text, text_of(out), text, tuple(found), ())
