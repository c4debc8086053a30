"""The byte-shift ("GBK cut") damage and the content farms' pipelines,
as forensics REPORT §2 measured them on the seed pages.

* The cp936 bytes are cut just before every byte pair that spells one of
  、，。？；！, one mark at a time in that order, straddling pairs included
  (:func:`cut_points`); each piece is decoded on its own (:func:`shift`).
  A cut inside a character is a *ghost*: the byte before it ends its piece
  alone, and the next piece is read one byte late.
* Farms annotate the bytes first: for each key character, in code-point
  order, ``bytes.replace(key, key + "(pinyin)")``, which also matches keys
  straddling two characters (:func:`annotate`).
* Seed 000 hides a spam span after paragraph-final ``。”`` before all that
  (:func:`inject_hidden_spans`); the extractor drops well-formed hidden spans.
* The decoded text is folded from fullwidth to ASCII.

:func:`pipeline` chains them as each seed site did:

* ``001`` gateway: cut → decode (``?`` for a lone lead, PUA kept) → fold;
* ``000`` farm: inject spans → annotate → cut → decode (eat) → extract → fold;
* ``003`` farm: annotate → cut (at most three ghost ！) → decode (eat, UDA3
  and PUA dropped) → fold;
* ``004`` farm: annotate → decode (eat) → store → re-encode → cut → decode
  (a lone lead dropped) → fold.

>>> damaged("我們認為規模化流通是關鍵。", "001")
'我們認為規?;\\ue1f6魍ㄊ顷P鍵。'
>>> damaged("支持數字企業", "004")
'支持?jǐn)?shù)字企業(yè)'
"""

from __future__ import annotations

import random
from typing import Sequence

from . import cp936, sites
from .trace import Char, Stream, decode, encode, extract_visible, fold, inserted, text_of, traced, unescape

__all__ = ["ORDER", "STYLES", "HIDDEN_SPAM", "cut_points", "shift", "shift_stream", "annotate", "store",
           "inject_hidden_spans", "pipeline", "damaged"]

#: The splitter's marks, in the order it handles them.
ORDER = ("、", "，", "。", "？", "；", "！")
STYLES = ("001", "000", "003", "004")
HIDDEN_SPAM = '<span style="display:none">32n即熱新聞——關注每天科技社會生活新變化gihot.com</span>'
#: Characters that open a ghost ！'s second half in the sub-cases the
#: benchmark names (。“ is the commonest; 。」 and 。】 are the issue's).
_NAMED_AFTER = "“”「」『』【】《〈"


def cut_points(stream: Stream, order: Sequence[str] = ORDER, p_cut: float = 1.0, caps: dict | None = None,
               rng: random.Random | None = None) -> dict[int, str]:
    """Byte offsets of the cuts, each with its mark.  A mark's pair that
    crosses an earlier cut is not seen (so 、 protects the ghost ！ in
    ``模、``); ``caps`` limits the cuts per mark and ``p_cut`` spares each
    with that probability (seed 003 spared its fourth ghost ！).

    >>> cut_points(encode(traced("模、技")))
    {2: '、'}
    """
    rng = rng or random.Random(0)
    caps = dict(caps or {})
    data = stream.data
    cuts: dict[int, str] = {}
    for mark in order:
        pattern = cp936.encode(mark)
        used = 0
        i = data.find(pattern)
        while i != -1:
            if (i + 1) not in cuts and (mark not in caps or used < caps[mark]) and (
                    p_cut >= 1.0 or rng.random() < p_cut):
                cuts[i] = mark
                used += 1
            i = data.find(pattern, i + 1)
    return {i: m for i, m in sorted(cuts.items()) if i > 0}


def _ghost_tags(stream: Stream, pos: int, mark: str) -> frozenset[str]:
    """Names for a cut inside a character: its mark, the two characters
    whose bytes spell it and whether they end a paragraph."""
    first, second = stream.unit[pos], stream.unit[pos + 1]
    tags = {"ghost", "ghost:" + mark}
    before, after = stream.units[first], stream.units[second]
    if before == "。" and after in _NAMED_AFTER:
        tags.add("ghost:" + mark + " in 。" + after)
    k = pos + 1
    while k < len(stream.unit) and stream.unit[k] == second:
        k += 1
    if after in _NAMED_AFTER and (k == len(stream.unit) or stream.units[stream.unit[k]] in ("\n", "\r")):
        tags.add("paragraph-final")
    return frozenset(tags)


def shift_stream(stream: Stream, profile: cp936.Profile = cp936.GATEWAY, **cut) -> list[Char]:
    """Cut a byte stream and decode its pieces one by one."""
    cuts = cut_points(stream, **cut)
    tags = {pos: _ghost_tags(stream, pos, mark) for pos, mark in cuts.items()
            if stream.unit[pos - 1] == stream.unit[pos]}
    return unescape(decode(stream, list(cuts), profile, tags))


def shift(chars: Sequence[Char], profile: cp936.Profile = cp936.GATEWAY, **cut) -> list[Char]:
    """The byte-shift damage of text (not folded yet).

    >>> text_of(shift(traced("社保卡，覆蓋")))
    '社?？?，覆蓋'
    """
    return shift_stream(encode(chars), profile, **cut)


def annotate(stream: Stream, table: dict[str, str]) -> Stream:
    """The farms' byte-level annotation: for each key in code-point order,
    every match of its bytes (straddling two characters too) is followed by
    the bytes of ``(reading)``.

    >>> text_of(decode(annotate(encode(traced("支持數字")), {"數": "shù", "謹": "jǐn"}), [], cp936.FARM_STORE))
    '支持?jǐn)?shù)字'
    """
    for key in sorted(table):
        pattern = cp936.encode(key)
        found = []
        i = stream.data.find(pattern)
        while i != -1:
            found.append(i)
            i = stream.data.find(pattern, i + len(pattern))
        if found:
            stream = _insert_after(stream, found, len(pattern), "(" + table[key] + ")")
    return stream


def _insert_after(stream: Stream, found: list[int], width: int, note: str) -> Stream:
    data, origin, tags, unit = bytearray(), [], [], []
    units = list(stream.units)
    prev = 0
    for i in found:
        end = i + width
        data += stream.data[prev:end]
        origin += stream.origin[prev:end]
        tags += stream.tags[prev:end]
        unit += stream.unit[prev:end]
        whole = stream.unit[i] == stream.unit[end - 1] and (i == 0 or stream.unit[i - 1] != stream.unit[i])
        kind = frozenset({"annotation"} if whole else {"annotation", "cross-key"})
        for ch in note:
            raw = cp936.encode(ch)
            data += raw
            origin += [()] * len(raw)
            tags += [kind] * len(raw)
            unit += [len(units)] * len(raw)
            units.append(ch)
        prev = end
    data += stream.data[prev:]
    origin += stream.origin[prev:]
    tags += stream.tags[prev:]
    unit += stream.unit[prev:]
    return Stream(bytes(data), tuple(origin), tuple(tags), tuple(unit), tuple(units))


def store(stream: Stream, profile: cp936.Profile = cp936.FARM_STORE) -> list[Char]:
    """Seed 004's farm decoding its annotated bytes in one piece and storing
    the text: a key matched across two characters leaves ``?`` (a lead byte
    that ate the ``(``) and an orphan ``reading)``."""
    return unescape(decode(stream, [], profile))


def inject_hidden_spans(chars: Sequence[Char], spam: str = HIDDEN_SPAM, after: Sequence[str] = ("。”",),
                        p: float = 1.0, rng: random.Random | None = None) -> list[Char]:
    """Seed 000: a hidden ``<span>`` of spam after every paragraph that ends
    in ``。”`` (with probability ``p``).

    >>> text_of(inject_hidden_spans(traced("好。”\\n壞。"), "<span>x</span>"))
    '好。”<span>x</span>\\n壞。'
    """
    rng = rng or random.Random(0)
    out: list[Char] = []
    line: list[Char] = []
    for c in list(chars) + [Char("\n", (-1,))]:
        if c.text == "\n":
            ends = text_of(line)
            out += line
            if any(ends.endswith(a) for a in after) and rng.random() < p:
                out += inserted(spam, "hidden-span")
            if c.origin != (-1,):
                out.append(c)
            line = []
        else:
            line.append(c)
    return out


def pipeline(chars: Sequence[Char], style: str, table: dict[str, str] | None = None,
             rng: random.Random | None = None, **cut) -> list[Char]:
    """The whole damage chain of one seed site (see the module docstring);
    ``table`` replaces the site's annotation table, ``cut`` goes to
    :func:`cut_points`."""
    rng = rng or random.Random(0)
    if style == "001":
        return fold(shift(chars, cp936.GATEWAY, rng=rng, **cut))
    if style not in STYLES:
        raise ValueError(f"unknown farm style {style!r}; one of {', '.join(STYLES)}")
    table = sites.table(style) if table is None else table
    if style == "004":
        stored = store(annotate(encode(chars), table))
        return fold(shift(stored, cp936.FARM_DROP, rng=rng, **cut))
    if style == "003":
        cut.setdefault("caps", {"！": 3})
    out = shift_stream(annotate(encode(chars), table), cp936.FARM_EAT, rng=rng, **cut)
    return fold(extract_visible(out))


def damaged(text: str, style: str = "001", **kw) -> str:
    """``text`` as the site ``style`` would have shown it."""
    return text_of(pipeline(traced(text), style, **kw))
