"""Text and bytes that remember where they came from.

Every damage step works on a :class:`Char` list or a :class:`Stream` of
bytes, and each character or byte carries the indices of the clean
characters it came from (``origin``; empty for inserted text such as an
annotation or a hidden span) and the names of what happened to it
(``tags``).  At the end :func:`spans` lines the damaged text up with the
clean text: a damaged character is *exact* when it is one whole clean
character, correctly decoded, and nothing else holds a byte of it; the
stretches between exact characters are the damaged spans, each with its
original.

>>> chars = traced("中文")
>>> stream = encode(chars)
>>> stream.data.hex(), stream.origin
('d6d0cec4', ((0,), (0,), (1,), (1,)))
>>> out = decode(stream, [1], cp936.GATEWAY)
>>> "".join(c.text for c in out)
'?形?'
>>> [(s.target, s.damaged) for s in spans(out, "中文")]
[('中文', '?形?')]
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, NamedTuple, Sequence

from . import cp936

__all__ = ["Char", "Stream", "Span", "traced", "inserted", "text_of", "encode", "decode", "unescape",
           "extract_visible", "fold", "FOLD", "folded", "same", "spans", "aligned"]

#: Fullwidth forms FF01–FF5E to ASCII: the farms folded after decoding.
FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


class Char(NamedTuple):
    """One character of (damaged) text: ``text`` is one character, or empty
    when a decoder dropped the bytes; ``origin`` the clean characters whose
    bytes it holds; ``tags`` what happened on the way."""

    text: str
    origin: tuple[int, ...]
    tags: frozenset[str] = frozenset()


class Stream(NamedTuple):
    """Bytes with, per byte, its origin, tags and ``unit`` (which character
    of the encoded text wrote it; a character's bytes share one unit)."""

    data: bytes
    origin: tuple[tuple[int, ...], ...]
    tags: tuple[frozenset[str], ...]
    unit: tuple[int, ...]
    units: tuple[str, ...]


class Span(NamedTuple):
    """A damaged stretch: ``damaged`` (at ``start:end`` of the damaged text)
    stands where the target has ``target`` (clean characters
    ``clean_start:clean_end``)."""

    start: int
    end: int
    damaged: str
    clean_start: int
    clean_end: int
    target: str
    tags: frozenset[str]


def traced(text: str, offset: int = 0) -> list[Char]:
    """Clean text: character ``k`` comes from clean character ``offset + k``."""
    return [Char(ch, (offset + k,)) for k, ch in enumerate(text)]


def inserted(text: str, *tags: str) -> list[Char]:
    """Text the damage inserts (no clean origin)."""
    return [Char(ch, (), frozenset(tags)) for ch in text]


def text_of(chars: Iterable[Char]) -> str:
    return "".join(c.text for c in chars)


def encode(chars: Sequence[Char], encoder: Callable[[str], bytes] = cp936.encode) -> Stream:
    """The bytes of ``chars``, each byte remembering its character."""
    data = bytearray()
    origin: list[tuple[int, ...]] = []
    tags: list[frozenset[str]] = []
    unit: list[int] = []
    units: list[str] = []
    for c in chars:
        raw = encoder(c.text)
        if not raw:
            continue
        data += raw
        origin += [c.origin] * len(raw)
        tags += [c.tags] * len(raw)
        unit += [len(units)] * len(raw)
        units.append(c.text)
    return Stream(bytes(data), tuple(origin), tuple(tags), tuple(unit), tuple(units))


def _merge(stream: Stream, start: int, end: int) -> tuple[tuple[int, ...], frozenset[str]]:
    origin: set[int] = set()
    tags: frozenset[str] = frozenset()
    for k in range(start, end):
        origin.update(stream.origin[k])
        tags |= stream.tags[k]
    return tuple(sorted(origin)), tags


def aligned(stream: Stream, pos: int) -> bool:
    """Whether ``pos`` falls between two characters of the encoded text."""
    return pos <= 0 or pos >= len(stream.data) or stream.unit[pos - 1] != stream.unit[pos]


def decode(stream: Stream, cuts: Sequence[int], profile: cp936.Profile,
           cut_tags: dict[int, frozenset[str]] | None = None) -> list[Char]:
    """Cut ``stream`` at ``cuts`` and decode each piece on its own.

    A token decoded out of step with the characters that wrote its bytes is
    tagged ``shifted``; the token that brings decoding back in step is
    tagged with how (``realign:ascii-trail``, ``realign:euro-trail``, …);
    ``cut_tags`` adds tags to the token that holds the byte before a cut.
    """
    out: list[Char] = []
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(stream.data))), len(stream.data)]
    cut_tags = cut_tags or {}
    read = [(start, end, token) for start, end in zip(bounds, bounds[1:])
            for token in cp936.tokens(stream.data[start:end], profile)]
    gone = _whole_units_lost(stream, [(start + t.start, start + t.end) for start, _end, t in read if t.event in LOSSY])
    for start, end, token in read:
        a, b = start + token.start, start + token.end
        origin, tags = _merge(stream, a, b)
        if any(stream.unit[k] in gone for k in range(a, b)):
            tags |= {"char-lost"}
        extra = set()
        if token.event:
            extra.add(token.event)
        if token.event == "eaten":
            extra.add("eaten:" + chr(stream.data[b - 1]))
        if b in cut_tags and a < b:
            extra |= cut_tags[b]
        if aligned(stream, b) and not aligned(stream, a):
            extra.add(_realign_tag(stream, a, b, token, end))
        elif not aligned(stream, a) or not aligned(stream, b):
            extra.add("shifted")
        out.append(Char(token.text, origin, tags | frozenset(extra)))
    return out


#: Token events whose bytes the decoded text no longer holds.
LOSSY = frozenset({"lone", "lone-dropped", "eaten", "lead-before-control", "lead-before-ascii", "lead-dropped",
                   "pua-dropped", "uda3-dropped", "invalid"})


def _whole_units_lost(stream: Stream, lost: Sequence[tuple[int, int]]) -> set[int]:
    """The characters of two or more bytes every byte of which fell in a
    ``lost`` range: no reading of the damaged text can know them."""
    gone = {k for a, b in lost for k in range(a, b)}
    width: dict[int, int] = {}
    hit: dict[int, int] = {}
    for k, u in enumerate(stream.unit):
        width[u] = width.get(u, 0) + 1
        if k in gone:
            hit[u] = hit.get(u, 0) + 1
    return {u for u, n in hit.items() if n == width[u] and n >= 2}


def _realign_tag(stream: Stream, a: int, b: int, token: cp936.Token, piece_end: int) -> str:
    if b == piece_end and token.event.startswith("lone"):
        return "realign:piece-end"
    if b - a == 1 and stream.data[a] == 0x80:
        return "realign:euro-trail"
    if b - a == 1 and stream.data[a] < 0x80:
        return "realign:ascii-trail"
    if token.event:
        return "realign:" + token.event
    return "realign:pair"


_ENTITY = re.compile(r"&#(\d+);")


def _rebuild(chars: Sequence[Char], text: str, edits: list[tuple[int, int, str | None]]) -> list[Char]:
    """Apply ``(start, end, replacement)`` to the characters of ``chars``
    (positions in ``text``, the joined text): ``None`` deletes, a string
    replaces the stretch by one character holding every origin and tag."""
    # position of each non-empty char in the joined text
    pos = []
    p = 0
    for c in chars:
        pos.append(p)
        p += len(c.text)
    out: list[Char] = []
    k = 0
    n = len(chars)
    for start, end, repl in edits:
        while k < n and (pos[k] < start or (pos[k] == start and not chars[k].text)):
            out.append(chars[k])
            k += 1
        group = []
        while k < n and pos[k] < end:
            group.append(chars[k])
            k += 1
        if repl is not None:
            origin = tuple(sorted({i for c in group for i in c.origin}))
            tags = frozenset().union(*(c.tags for c in group))
            out.append(Char(repl, origin, tags))
    out.extend(chars[k:])
    return out


def unescape(chars: Sequence[Char]) -> list[Char]:
    """Numeric entities (``&#160;``) back to characters."""
    text = text_of(chars)
    edits = [(m.start(), m.end(), chr(int(m.group(1)))) for m in _ENTITY.finditer(text)]
    return _rebuild(chars, text, edits) if edits else list(chars)


_HIDDEN_SPAN = re.compile(r'<span style="display:none">.*?</span>', re.S)
_TAG = re.compile(r"</?(span|p|div|br|tt|li)\b[^<>]*>")


def extract_visible(chars: Sequence[Char]) -> list[Char]:
    """What the farms' extractor kept: well-formed hidden spans vanish, tags
    are stripped, a tag whose ``<`` was eaten (``span style=…>``) stays."""
    text = text_of(chars)
    edits = [(m.start(), m.end(), None) for m in _HIDDEN_SPAN.finditer(text)]
    chars = _rebuild(chars, text, edits) if edits else list(chars)
    text = text_of(chars)
    edits = [(m.start(), m.end(), None) for m in _TAG.finditer(text)]
    return _rebuild(chars, text, edits) if edits else chars


def fold(chars: Sequence[Char]) -> list[Char]:
    """Fullwidth forms to ASCII, after decoding (forensics §2.1)."""
    return [c._replace(text=c.text.translate(FOLD)) if c.text else c for c in chars]


def folded(ch: str) -> str:
    """What a clean character reads as on a folded page (``，`` → ``,``)."""
    return ch.translate(FOLD)


def same(ch: str) -> str:
    return ch


def spans(chars: Sequence[Char], clean: str, target: Callable[[str], str] = same) -> list[Span]:
    """The damaged spans of ``chars`` against ``clean``; ``target`` says what
    a clean character should read as (:func:`folded` on folded pages)."""
    seen: dict[int, int] = {}
    for c in chars:
        for i in c.origin:
            seen[i] = seen.get(i, 0) + 1
    visible = [c for c in chars if c.text]
    anchors = [(-1, -1)]
    for j, c in enumerate(visible):
        if len(c.origin) == 1 and seen[c.origin[0]] == 1 and c.text == target(clean[c.origin[0]]):
            anchors.append((c.origin[0], j))
    anchors.append((len(clean), len(visible)))
    # tags of dropped characters go to the span that holds their origin
    hidden_tags: dict[int, frozenset[str]] = {}
    for c in chars:
        if not c.text and c.tags:
            for i in c.origin:
                hidden_tags[i] = hidden_tags.get(i, frozenset()) | c.tags
    out = []
    for (i1, j1), (i2, j2) in zip(anchors, anchors[1:]):
        if i2 - i1 > 1 or j2 - j1 > 1:
            part = visible[j1 + 1:j2]
            tags = frozenset().union(*(c.tags for c in part),
                                     *(hidden_tags.get(i, frozenset()) for i in range(i1 + 1, i2)))
            dropped = [c for c in chars if not c.text and c.origin and i1 < c.origin[0] < i2]
            tags = tags.union(*(c.tags for c in dropped))
            out.append(Span(j1 + 1, j2, text_of(part), i1 + 1, i2,
                            "".join(target(ch) for ch in clean[i1 + 1:i2]), tags))
    return out
