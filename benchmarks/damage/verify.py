"""Whether a mojibake edit is explained by the mechanism it claims.

``explains(kind, before, after)`` is True when damaging ``after`` (the
repair) with the mechanism ``kind`` can give back ``before`` (the text the
edit replaced):

* classic kinds (``utf8-as-gbk``, ``gbk-as-latin1``, …): ``after`` written
  by the mechanism's encoder and read by one of its readers (for
  ``utf8-as-gbk``: ``gbk`` with U+FFFD or dropping what it cannot read,
  ``gb18030``, Microsoft cp936) equals ``before``;
* ``gbk-shift``: some choice consistent with the farms' mechanism turns the
  cp936 bytes of ``after`` into ``before``: cuts before byte pairs that spell
  、，。？；！ (any may be spared, as the sites' caps allow; two cuts side by
  side only in the splitter's order), a decoder profile per run (a lone lead
  shown as ``?`` or dropped; a lead before an ASCII byte eating it, keeping
  it or dropped; UDA3 and private-use pairs kept or dropped; fullwidth folded
  or not), an ASCII mark of ``after`` written fullwidth, pinyin annotations
  inserted into the bytes (after a character or across two), and up to
  ``max_lost`` characters the repair could not restore (a ``?`` or U+FFFD
  of ``after``, or a character it left out), whose bytes may show only as
  a lone ``?`` or nothing, as a byte of a cut's mark, or as the trail of a
  known lead (else the repair would have seen them);
* ``lost-byte``: ``before`` is only loss marks (``?``, U+FFFD, ``锟斤拷``)
  and ``after`` drops, keeps or marks them;
* a joined kind (``gbk-shift+pinyin-annotation+hidden-span``, as
  ``explain()`` names overlapping edits of two stages): any mojibake part
  explains it, with annotations allowed for ``pinyin-annotation`` and a
  hidden span's tail for ``hidden-span``.

The edit must start and end between characters of the original (an engine
repairs a run whole); ``prefix`` and ``suffix`` are the text around it,
used for a key straddling the edit's start and for what ends a run (a cut
before the next mark, a control byte, the end of the text).

>>> explains("gbk-shift", "?!笆\\ue1a2奈濉睍r", "。“十四五”時")
True
>>> explains("gbk-shift", "???", "保卡", suffix=",覆蓋")
True
>>> explains("gbk-shift", "???", "海口", suffix=",覆蓋")  # the bytes cannot tell 保卡 from 海口
True
>>> explains("gbk-shift", "???", "中國", suffix=",覆蓋")
False
>>> explains("gbk-as-latin1", "ÖÐ¹ú£¬", "中国，"), explains("gbk-as-latin1", "ÖÐ¹ú£¬", "中国,")
(True, False)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterator

from . import classic, cp936, sites

__all__ = ["explains", "KINDS", "shift_explains", "classic_explains", "lost_explains"]

WILD_LEAD, WILD_TRAIL, WILD_ASCII = -1, -2, -3
_LEADS = range(0x81, 0xFF)
_MARKS = {tuple(cp936.encode_char(m)): k for k, m in enumerate("、，。？；！")}
_MARK_FIRST = {a for a, _b in _MARKS}
_MARK_BYTES = tuple(sorted({b for pair in _MARKS for b in pair}))
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_UNFOLD = {cp - 0xFEE0: cp for cp in range(0xFF01, 0xFF5F)}
# Profile axes: lone, bad, ctrl, uda3, pua, fold.
LONE, BAD, CTRL, UDA3, PUA, FOLD = range(6)


# ---------------------------------------------------------------------------
# classic mechanisms
# ---------------------------------------------------------------------------
def _python(codec: str, errors: str) -> Callable[[bytes], str]:
    return lambda data: data.decode(codec, errors)


def _code_page(codec: str) -> Callable[[bytes], str]:
    return lambda data: "".join(t.text for t in classic.code_page_tokens(data, codec))


def _cp936_reader(data: bytes) -> str:
    return cp936.decode(data, cp936.GATEWAY)


def _windows_reader(data: bytes) -> str:
    return cp936.decode(data, classic.WINDOWS)


def _cp936_writer(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        raw = cp936.encode_char(ch)
        if raw is None:
            raise UnicodeEncodeError("cp936", ch, 0, 1, "cp936 cannot write it")
        out += raw
    return bytes(out)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _encoder(codec: str) -> Callable[[str], bytes]:
    return lambda text: text.encode(codec)


_GBK_READERS = (_python("gbk", "replace"), _python("gbk", "ignore"), _python("gb18030", "replace"),
                _python("gb18030", "ignore"), _cp936_reader, _windows_reader)
_UTF8_READERS = (_python("utf-8", classic.LATIN1_FALLBACK), _python("utf-8", "replace"), _python("utf-8", "ignore"))
_BIG5_READERS = (_python("cp950", "replace"), _python("big5", "replace"), _python("cp950", "ignore"))

#: kind → (writers, readers) of the classic mechanisms.
CLASSIC = {
    "utf8-as-gbk": ((_utf8,), _GBK_READERS),
    "utf8-as-gbk-lost": ((_utf8,), _GBK_READERS),
    "utf8-as-gb18030": ((_utf8,), _GBK_READERS),
    "utf8-as-cp936": ((_utf8,), _GBK_READERS),
    "gbk-as-utf8": ((_cp936_writer,), _UTF8_READERS),
    "gbk-as-latin1": ((_cp936_writer,), (_code_page("latin-1"),)),
    "gbk-as-cp1252": ((_cp936_writer,), (_code_page("cp1252"),)),
    "gbk-as-cp1250": ((_cp936_writer,), (_code_page("cp1250"),)),
    "big5-as-gbk": ((_encoder("cp950"), _encoder("big5")), _GBK_READERS),
    "big5-as-gbk-python": ((_encoder("cp950"), _encoder("big5")), _GBK_READERS),
    "gbk-as-big5": ((_cp936_writer,), _BIG5_READERS),
    # UTF-8 read as a single-byte code page (ftfy's kind of mojibake: the
    # code pages ftfy.fix_encoding tries).
    "latin-mojibake": ((_utf8,), tuple(_code_page(c) for c in (
        "cp1252", "latin-1", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "mac_roman", "cp437"))),
}
KINDS = tuple(CLASSIC) + ("gbk-shift", "lost-byte")


def classic_explains(kind: str, before: str, after: str) -> bool:
    """Some writer and reader of ``kind`` turn ``after`` into ``before``."""
    writers, readers = CLASSIC[kind]
    for write in writers:
        try:
            data = write(after)
        except UnicodeEncodeError:
            continue
        for read in readers:
            # also as the middle of a text: a reader at the end of its input
            # may treat an unfinished sequence differently
            if read(data) == before or read(data + b"\n") == before + "\n":
                return True
    return False


_LOSS = re.compile(r"(?:\?|\ufffd|锟斤拷|锟斤|锟)+")


def lost_explains(before: str, after: str) -> bool:
    """``before`` holds only loss marks; ``after`` drops, keeps or marks them."""
    return bool(_LOSS.fullmatch(before)) and set(after) <= {"?", "\ufffd"}


# ---------------------------------------------------------------------------
# byte shift
# ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _lead_chars() -> dict[int, frozenset[str]]:
    """The characters each lead byte can start."""
    by_lead: dict[int, set[str]] = {}
    for lead in _LEADS:
        for trail in cp936.TRAILS:
            ch = cp936.pair(lead, trail)
            if ch:
                by_lead.setdefault(lead, set()).add(ch)
    return {k: frozenset(v) for k, v in by_lead.items()}


def _pua(ch: str) -> bool:
    return 0xE000 <= ord(ch) <= 0xF8FF


def _bind(prof: tuple, axis: int, value) -> tuple | None:
    if prof[axis] is None:
        return prof[:axis] + (value,) + prof[axis + 1:]
    return prof if prof[axis] == value else None


def _pair_outcomes(lead: int, trail: int, prof: tuple) -> Iterator[tuple[str, tuple]]:
    """What a decoder with (part of) a profile makes of two bytes."""
    ch = cp936.pair(lead, trail)
    uda3 = 0xA1 <= lead <= 0xA7 and trail < 0xA1
    if uda3:
        dropped = _bind(prof, UDA3, "drop")
        if dropped:
            yield "", dropped
        prof = _bind(prof, UDA3, "pua")
        if prof is None:
            return
    if _pua(ch):
        dropped = _bind(prof, PUA, False)
        if dropped:
            yield "", dropped
        prof = _bind(prof, PUA, True)
        if prof is None:
            return
    if 0xFF01 <= ord(ch) <= 0xFF5E:
        for fold in (True, False):
            bound = _bind(prof, FOLD, fold)
            if bound:
                yield (ch.translate(_FOLD) if fold else ch), bound
    else:
        yield ch, prof


def _wild_outcomes(chars: frozenset[str], want: str | None, prof: tuple):
    """A pair with an unknown trail: the character ``before`` needs, if the
    known lead can make it."""
    if want is None:
        return
    if want in chars:
        bound = prof
        if _pua(want):
            bound = _bind(prof, PUA, True)
        elif 0xFF01 <= ord(want) <= 0xFF5E:
            bound = _bind(prof, FOLD, False)
        if bound:
            yield want, bound
    if ord(want) in _UNFOLD and chr(_UNFOLD[ord(want)]) in chars:
        bound = _bind(prof, FOLD, True)
        if bound:
            yield want, bound


class _Shift:
    """The search behind :func:`shift_explains` (one instance per question)."""

    def __init__(self, before: str, slots: list[list[tuple[tuple, int]]], suffix: str, max_lost: int,
                 eat_suffix: bool) -> None:
        self.before = before
        self.slots = slots
        self.suffix = suffix
        self.max_lost = max_lost
        self.eat_suffix = eat_suffix

    # positions: (slot, alternative, offset); alternative None = not chosen yet
    def positions(self, s: int, a, o: int, lost: int):
        if s == len(self.slots):
            yield None, lost
            return
        if a is None:
            for k, (alt, cost) in enumerate(self.slots[s]):
                if lost + cost > self.max_lost:
                    continue
                if alt:
                    yield (s, k, 0), lost + cost
                else:
                    yield from self.positions(s + 1, None, 0, lost + cost)
        elif o < len(self.slots[s][a][0]):
            yield (s, a, o), lost
        else:
            yield from self.positions(s + 1, None, 0, lost)

    def emit(self, j: int, text: str) -> int | None:
        return j + len(text) if self.before.startswith(text, j) else None

    def run(self) -> bool:
        start = ((0, None, 0), 0, None, (None,) * 6, 0)
        seen = {start}
        stack = [start]
        while stack:
            for state in self.step(*stack.pop()):
                if state is True:
                    return True
                if state not in seen:
                    seen.add(state)
                    stack.append(state)
        return False

    def step(self, pos, j, pend, prof, lost):
        for here, lost2 in self.positions(*pos, lost):
            if here is None:
                yield from self.end(j, pend, prof)
                continue
            s, a, o = here
            item = self.slots[s][a][0][o]
            after_item = (s, a, o + 1)
            if pend is None:
                yield from self.read_start(item, here, after_item, j, prof, lost2)
            else:
                yield from self.read_trail(item, here, after_item, j, pend, prof, lost2)

    def read_start(self, item, here, nxt, j, prof, lost):
        if isinstance(item, str):  # a character written as an entity: whole or not at all
            k = self.emit(j, item)
            if k is not None:
                yield nxt, k, None, prof, lost
        elif item == WILD_LEAD:
            yield nxt, j, (WILD_LEAD, None), prof, lost
        elif item == WILD_ASCII:  # a lost ASCII byte shows only eaten by a lead, never read alone
            return
        elif item == WILD_TRAIL:  # read out of step: an unknown lead, as above
            yield nxt, j, (WILD_LEAD, None), prof, lost
        elif item < 0x80 or item in (0x80, 0xFF):
            k = self.emit(j, chr(item) if item < 0x80 else "\u20ac" if item == 0x80 else "?")
            if k is not None:
                yield nxt, k, None, prof, lost
        else:
            yield nxt, j, (item, None), prof, lost

    def lone(self, j: int, prof: tuple):
        for text in ("?", ""):
            bound = _bind(prof, LONE, text)
            k = self.emit(j, text)
            if bound and k is not None:
                yield k, bound

    def read_trail(self, item, here, nxt, j, pend, prof, lost):
        lead, need = pend
        for t in self.values(item):
            if need is not None:
                order = _MARKS.get((lead, t))
                if order is None or order <= need:
                    continue
            # a cut before this byte: the lead ends its piece alone, the
            # piece after it opens with a mark's pair
            firsts = tuple(_MARK_FIRST) if t == WILD_LEAD else (t,) if t in _MARK_FIRST else ()
            for first in firsts:
                for k, bound in self.lone(j, prof):
                    yield nxt, k, (first, _MARKS[(lead, first)] if need is not None else -1), bound, lost
            yield from self.pair(lead, t, here, nxt, j, prof, lost)

    @staticmethod
    def values(item) -> tuple:
        """The byte values worth trying for ``item`` read after a lead."""
        if item == WILD_ASCII:
            return tuple(range(0x21, 0x40)) + (0x7F,) + tuple(range(0x21))
        if item in (WILD_TRAIL, WILD_LEAD):  # unknown, or one of a mark's bytes after a cut
            return (item,) + _MARK_BYTES
        if isinstance(item, str):
            return (ord("&"),)  # the entity's first byte meets the lead
        return (item,)

    def pair(self, lead, t, here, nxt, j, prof, lost):
        """Two bytes read as one code.  A byte of a character the repair
        could not restore shows only in a mark after a cut (as a concrete
        byte) or as the trail of a known lead (踩 of 安全 with 全 lost);
        anything else would have shown the repairer which character it was."""
        if t in (WILD_TRAIL, WILD_LEAD):
            if lead != WILD_LEAD:
                want = self.before[j] if j < len(self.before) else None
                for text, bound in _wild_outcomes(_lead_chars().get(lead, frozenset()), want, prof):
                    yield nxt, j + len(text), None, bound, lost
        elif not (0x40 <= t <= 0xFE and t != 0x7F):
            yield from self.broken(here, nxt, j, prof, lost, t)
        elif lead != WILD_LEAD:
            for text, bound in _pair_outcomes(lead, t, prof):
                k = self.emit(j, text)
                if k is not None:
                    yield nxt, k, None, bound, lost

    def broken(self, here, nxt, j, prof, lost, t: int):
        """A lead byte before a byte that is no trail (t ≤ 0x3F, 0x7F, 0xFF)."""
        if t <= 0x20:
            bound = _bind(prof, CTRL, "keep")
            k = self.emit(j, "?")
            if bound and k is not None:
                yield here, k, None, bound, lost
            prof = _bind(prof, CTRL, "bad")
            if prof is None:
                return
        for mode, text, where in (("eat", "?", nxt), ("keep", "?", here), ("drop", "", here)):
            bound = _bind(prof, BAD, mode)
            k = self.emit(j, text)
            if bound and k is not None:
                yield where, k, None, bound, lost

    def end(self, j, pend, prof):
        if pend is None:
            if j == len(self.before):
                yield True
            return
        lead, need = pend
        if need is not None:
            # cut before the lead and again before the suffix's mark (。 then ！ in 住！)
            if any((lead, r[0]) in _MARKS and _MARKS[(lead, r[0])] > need and (r[0], r[1]) in _MARKS
                   and _MARKS[(r[0], r[1])] > _MARKS[(lead, r[0])] for r in self._suffix_bytes() if len(r) == 2):
                for k, _bound in self.lone(j, prof):
                    if k == len(self.before):
                        yield True
            return
        if not self.suffix or self._cut_before_suffix():
            for k, _bound in self.lone(j, prof):
                if k == len(self.before):
                    yield True
            return
        first = self._suffix_first_byte()
        if first is None or (0x40 <= first <= 0xFE and first != 0x7F):
            return
        outcomes = []
        if first <= 0x20:
            if _bind(prof, CTRL, "keep"):
                outcomes.append("?")
            prof = _bind(prof, CTRL, "bad")
        if prof is not None:
            for mode, text in (("keep", "?"), ("drop", ""), ("eat", "?")):
                if _bind(prof, BAD, mode) and (mode != "eat" or self.eat_suffix):
                    outcomes.append(text)
        if any(self.emit(j, text) == len(self.before) for text in outcomes):
            yield True

    def _suffix_bytes(self) -> list[bytes]:
        if not self.suffix:
            return []
        ch = self.suffix[0]
        out = []
        raw = cp936.encode_char(ch)
        if raw:
            out.append(raw)
        if ord(ch) in _UNFOLD:
            out.append(cp936.encode_char(chr(_UNFOLD[ord(ch)])))
        return [r for r in out if r]

    def _cut_before_suffix(self) -> bool:
        return any(len(r) == 2 and (r[0], r[1]) in _MARKS for r in self._suffix_bytes())

    def _suffix_first_byte(self) -> int | None:
        raw = cp936.encode_char(self.suffix[0])
        return raw[0] if raw else ord("&")


_ANNOTATION = re.compile(r"(?<=[\u3400-\u9fff])\([a-zü" + "".join("".join(v) for v in sites._TONES.values()) + r"]+\)")
_PINYIN = re.compile(r"[a-zü" + "".join("".join(v) for v in sites._TONES.values()) + r"]+\)")


@lru_cache(maxsize=4096)
def _readings(ch: str) -> tuple[str, ...]:
    """How a farm may write ``ch``'s readings: tone-marked (``lǜ``) or, as the
    toneless farms do (``關(guan) 於(yu)``), bare (``lv``)."""
    entry = sites.all_readings().get(ch)
    if not entry:
        return ()
    return tuple(dict.fromkeys([sites.marked(r) for r in entry[0]] + [r.rstrip("012345") for r in entry[0]]))


def _slots(after: str, prefix: str, max_lost: int, annotations: bool) -> list[list[tuple[tuple, int]]]:
    """The ways the original bytes may have looked, character by character."""
    lost = [((), 0), ((WILD_LEAD, WILD_TRAIL), 1), ((WILD_ASCII,), 1)] if max_lost else [((), 0)]
    slots: list[list[tuple[tuple, int]]] = []
    prev = cp936.encode_char(prefix[-1]) if prefix else None
    if annotations and prefix and _readings(prefix[-1]):  # the annotation of the character before the edit
        slots.append([((), 0)] + [(tuple(cp936.encode("(" + r + ")")), 0) for r in _readings(prefix[-1])])
    # annotations ``after`` still holds went in after any key that straddles
    # the two characters around them (keys go in code-point order)
    written = {m.end(): m.start() for m in _ANNOTATION.finditer(after)}
    for i, ch in enumerate(after):
        if i in written:
            before_note = written[i]
            prev = cp936.encode_char(after[before_note - 1]) if before_note else prev
        slots.append(lost)
        raw = cp936.encode_char(ch)
        writings = [raw] if raw else []
        if ord(ch) in _UNFOLD:
            writings.append(cp936.encode_char(chr(_UNFOLD[ord(ch)])))
        alts: list[tuple[tuple, int]] = [(tuple(w), 0) for w in writings] or [((ch,), 0)]
        if ch in "?\ufffd" and max_lost:
            alts.append(((WILD_LEAD, WILD_TRAIL), 1))
        for w in writings if annotations and prev and prev[-1] >= 0x81 else ():
            # a key made of the last byte before and this character's first
            key = cp936.pair(prev[-1], w[0]) if len(w) == 2 else None
            for reading in _readings(key) if key else ():
                alts.append(((w[0], *cp936.encode("(" + reading + ")"), w[1]), 0))
        slots.append(alts)
        if annotations and _readings(ch):
            slots.append([((), 0)] + [(tuple(cp936.encode("(" + r + ")")), 0) for r in _readings(ch)])
        prev = raw
    slots.append(lost)
    return slots


def shift_explains(before: str, after: str, prefix: str = "", suffix: str = "", max_lost: int = 2,
                   annotations: bool | None = None, eat_suffix: bool = False) -> bool:
    """The byte-shift mechanism turns ``after`` into ``before`` (module
    docstring); ``annotations=None`` allows inserted annotations when
    ``before`` shows an orphan ``pinyin)``."""
    if annotations is None:
        annotations = bool(_PINYIN.search(before))
    return _Shift(before, _slots(after, prefix, max_lost, annotations), suffix, max_lost, eat_suffix).run()


_HIDDEN = re.compile(r'<?span style="display:\s*none">[^\n]*')


def explains(kind: str, before: str, after: str, prefix: str = "", suffix: str = "", max_lost: int = 2) -> bool:
    """Whether damaging ``after`` by the mechanism ``kind`` can give
    ``before`` (see the module docstring).  Raises ``ValueError`` for a kind
    that names no mechanism this module knows."""
    parts = kind.split("+")
    known = [p for p in parts if p in KINDS]
    if not known:
        raise ValueError(f"no mechanism for edit kind {kind!r}; known: {', '.join(KINDS)}")
    annotations = "pinyin-annotation" in parts or None
    for part in known:
        if part == "lost-byte" and lost_explains(before, after):
            return True
        if part in CLASSIC and classic_explains(part, before, after):
            return True
        if part == "gbk-shift":
            if shift_explains(before, after, prefix, suffix, max_lost, annotations):
                return True
            hidden = _HIDDEN.search(before) if "hidden-span" in parts else None
            if hidden and hidden.end() == len(before) and shift_explains(
                    before[:hidden.start()], after, prefix, "<" + before[hidden.start():].lstrip("<") + suffix,
                    max_lost, annotations, eat_suffix=True):
                return True
    return False
