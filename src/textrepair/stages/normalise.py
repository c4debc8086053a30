"""Normalise layout: invisible characters, NFC, truncated paragraphs,
whitespace, width.  Each part has its option (see :class:`Options`); on by
default are only the parts clean text never needs (invisible characters,
NFC, a dangling U+FFFD at a paragraph end), so clean text passes unchanged.

The C core finds the maximal runs of characters some enabled part may change
(``tr_normalise_runs``); each run is rewritten as a whole, with its
neighbours as context, so a character deleted in a run never decides the
fate of another (which keeps the stage idempotent):

* invisible characters are dropped (ZWJ and ZWNJ only when the characters
  around them are CJK or ASCII: in emoji and Indic or Arabic text they matter);
* a paragraph's tail of U+FFFD and spaces holding one to three U+FFFD loses
  them (kind ``"truncated"``): a character cut in two; not when the
  paragraph holds U+FFFD before its tail too (text whose bytes were lost
  throughout, such as GBK read as UTF-8, keeps every mark);
* whitespace (option): a run at the start of the text goes, one at the end
  becomes a single ``\\n`` (or nothing without a line break), one holding
  line breaks becomes ``\\n`` or, for two or more, ``\\n\\n``; inside a line
  NBSP and the typographic spaces become ``' '``;
* fullwidth digits and letters become ASCII (option);
* ASCII ``, . : ; ! ?`` between two Han characters become ``，。：；！？``
  (option), never in a token that holds ``://`` or ``www.``.

NFC runs last and composes only what is decomposed: each stretch of a base
character and the combining characters after it (those of a non-zero
combining class, and those NFC composes with what precedes them, such as
Hangul vowel and final jamo) becomes its NFC form, unless a character in it
is one NFC maps on its own (a singleton such as the CJK compatibility
ideograph ``兀`` U+FA0C, which Python's own Big5 decoder produces, or a
composition exclusion such as Devanagari ``क़`` U+0958): those stretches, and
those characters anywhere, stay as written.  The combining characters of a
stretch are put in canonical order by a stable sort before
:func:`unicodedata.normalize` sees them, so a flood of marks costs linear
time (``unicodedata`` reorders by insertion, quadratic in marks out of order).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .. import _backend
from .._flags import NORM_FFFD, NORM_FULLWIDTH, NORM_INVISIBLE, NORM_PUNCT, NORM_SPACE
from ..edits import Edit, compose, splice
from ..options import Options

NAME = "normalise"
NEEDS = None  # NFC may apply to any text
KIND = "normalise"

#: Characters that end a line (``\\r`` ends one unless ``\\n`` follows).
BREAKS = "\n\r\u2028\u2029"
_BREAK = re.compile(f"[{BREAKS}]")
#: Horizontal spaces: a paragraph's truncated tail may hold them.
SPACES = " \t\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
#: Spaces that become ``' '`` inside a line (tabs and U+3000 stay).
TO_SPACE = "\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
JOINERS = "\u200c\u200d"
_SPACE = re.compile(r"\s")  # str.isspace(), as the re module defines \s
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.S)
FULLWIDTH_PUNCT = {",": "，", ".": "。", ":": "：", ";": "；", "!": "！", "?": "？"}
MAX_TRUNCATED = 3  # a UTF-8 character cut in two leaves at most three bytes
_CONFIDENCE = {"invisible": 0.99, "truncated": 0.9, "whitespace": 0.99, "fullwidth": 0.95,
               "punctuation": 0.8, "nfc": 1.0}


def classes(options: Options) -> int:
    """The ``NORM_*`` classes the enabled parts look at.

    >>> classes(Options()) == NORM_INVISIBLE | NORM_FFFD
    True
    """
    found = 0
    if options.normalise_invisible:
        found |= NORM_INVISIBLE
    if options.normalise_truncated:
        found |= NORM_FFFD
    if options.normalise_whitespace:
        found |= NORM_SPACE
    if options.normalise_fullwidth:
        found |= NORM_FULLWIDTH
    if options.normalise_punctuation:
        found |= NORM_PUNCT
    return found


def is_han(ch: str) -> bool:
    """A CJK unified or compatibility ideograph.

    >>> is_han("中"), is_han("，")
    (True, False)
    """
    cp = ord(ch)
    return (0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3134F)


def _cjk_or_ascii(ch: str) -> bool:
    """Where a ZWJ/ZWNJ has no job: next to CJK, ASCII, a space, U+FFFD or nothing."""
    if not ch or ch < "\x80" or is_han(ch) or ch in SPACES or ch in BREAKS or ch == "\ufffd":
        return True
    cp = ord(ch)
    return 0x3000 <= cp <= 0x30FF or 0xFF00 <= cp <= 0xFFEF


def _deletable(ch: str, options: Options) -> bool:
    """An invisible character the invisible part drops (joiners aside)."""
    if not options.normalise_invisible or ch in JOINERS:
        return False
    cp = ord(ch)
    if cp < 0x20:
        return ch not in "\t\n\r"
    return 0x7F <= cp <= 0x9F or ch in "\xad\u200b\u2060\ufeff"


class _Rewriter:
    """Rewrites the runs of one text; holds the text and the options."""

    def __init__(self, text: str, options: Options) -> None:
        self.text = text
        self.options = options
        self.n = len(text)
        self._stretch = (0, 0)  # the last stretch of transparent characters walked
        self._tail = (0, 0, False)  # the last paragraph tail judged, and the verdict

    # -- context

    def transparent(self, ch: str) -> bool:
        """A character that will not be in the output whatever its neighbours:
        the deletable invisibles and the joiners (which go with them or stay
        between characters that need them)."""
        return _deletable(ch, self.options) or (self.options.normalise_invisible and ch in JOINERS)

    def neighbour(self, i: int, step: int) -> str:
        """The nearest character from ``i`` in direction ``step`` that is not
        transparent, or "" at the text's edge.  (A stretch of transparent
        characters is walked once: its ends are remembered.)"""
        text = self.text
        if not (0 <= i < self.n) or not self.transparent(text[i]):
            return text[i] if 0 <= i < self.n else ""
        lo, hi = self._stretch
        if not lo <= i < hi:
            lo = hi = i
            while lo > 0 and self.transparent(text[lo - 1]):
                lo -= 1
            while hi < self.n and self.transparent(text[hi]):
                hi += 1
            self._stretch = (lo, hi)
        j = lo - 1 if step < 0 else hi
        return text[j] if 0 <= j < self.n else ""

    def truncated_tail(self, i: int) -> bool:
        """True when the U+FFFD at ``i`` is in a paragraph's last stretch of
        U+FFFD, spaces and transparent characters, which holds one to three U+FFFD."""
        lo, hi, verdict = self._tail
        if lo <= i < hi:
            return verdict
        text = self.text

        def in_tail(ch: str) -> bool:
            return ch == "\ufffd" or ch in SPACES or self.transparent(ch)

        end = i
        while end < self.n and in_tail(text[end]):
            end += 1
        start = i
        while start > 0 and in_tail(text[start - 1]):
            start -= 1
        verdict = (end == self.n or text[end] in BREAKS) and 1 <= text.count("\ufffd", start, end) <= MAX_TRUNCATED
        if verdict and self._replaced_before(start):
            verdict = False  # U+FFFD inside too: lost text (GBK read as UTF-8), not a cut
        self._tail = (start, end, verdict)
        return verdict

    def _replaced_before(self, i: int) -> bool:
        """Whether the paragraph holding ``i`` has a U+FFFD before it.  Looked
        for back from ``i`` to the nearest U+FFFD only, so the tails of a
        text's paragraphs cost one pass in all (a search back to each
        paragraph's start per break character had scanned the whole text
        before every tail: ``好x\ufffd\n``×80,000 took 2.6 s, now 1.2 s)."""
        p = self.text.rfind("\ufffd", 0, i)
        return p >= 0 and _BREAK.search(self.text, p, i) is None

    def in_url(self, i: int) -> bool:
        """True when the token around ``i`` (at most 80 characters each way)
        looks like a URL.  Regexes over the two windows, not a Python loop:
        a line of ASCII punctuation asks once per character."""
        text = self.text
        left = text[max(0, i - 80) : i]
        last_space = _UP_TO_LAST_SPACE.match(left)
        if last_space:
            left = left[last_space.end() :]
        right = text[i : i + 80]
        first_space = _SPACE.search(right)
        if first_space:
            right = right[: first_space.start()]
        token = left + right
        return "://" in token or "www." in token.lower()

    # -- one run

    def rewrite(self, start: int, end: int) -> tuple[str, list[str]]:
        """The new text of ``text[start:end]`` and the kinds of change made."""
        text, options = self.text, self.options
        kinds: list[str] = []
        # Pass 1: drop what goes, map what is mapped; whitespace is kept in
        # place, marked by its position, for pass 2.
        kept: list[str] = []
        for i in range(start, end):
            ch = text[i]
            if _deletable(ch, options):
                _note(kinds, "invisible")
                continue
            if ch in JOINERS and options.normalise_invisible:
                if _cjk_or_ascii(self.neighbour(i - 1, -1)) and _cjk_or_ascii(self.neighbour(i + 1, 1)):
                    _note(kinds, "invisible")
                    continue
            elif ch == "\ufffd" and options.normalise_truncated and self.truncated_tail(i):
                _note(kinds, "truncated")
                continue
            elif options.normalise_fullwidth and ("\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a"
                                                  or "\uff41" <= ch <= "\uff5a"):
                ch = chr(ord(ch) - 0xFEE0)
                _note(kinds, "fullwidth")
            elif options.normalise_punctuation and ch in FULLWIDTH_PUNCT:
                if is_han_or_empty(self.neighbour(i - 1, -1), False) and \
                        is_han_or_empty(self.neighbour(i + 1, 1), False) and not self.in_url(i):
                    ch = FULLWIDTH_PUNCT[ch]
                    _note(kinds, "punctuation")
            kept.append(ch)
        if options.normalise_whitespace:
            kept = self.whitespace(kept, start, end, kinds)
        return "".join(kept), kinds

    def whitespace(self, kept: list[str], start: int, end: int, kinds: list[str]) -> list[str]:
        """Pass 2: each stretch of whitespace among the kept characters."""
        before = self.neighbour(start - 1, -1)
        after = self.neighbour(end, 1)
        out: list[str] = []
        j = 0
        while j < len(kept):
            if not _is_space(kept[j]):
                out.append(kept[j])
                j += 1
                continue
            k = j
            while k < len(kept) and _is_space(kept[k]):
                k += 1
            stretch = "".join(kept[j:k])
            prev = out[-1] if out else before
            nxt = kept[k] if k < len(kept) else after
            new = _new_whitespace(stretch, prev, nxt)
            if new != stretch:
                _note(kinds, "whitespace")
            out.append(new)
            j = k
        return out


def is_han_or_empty(ch: str, empty: bool) -> bool:
    """``is_han(ch)``, or ``empty`` at the text's edge."""
    return empty if not ch else is_han(ch)


def _is_space(ch: str) -> bool:
    return ch in SPACES or ch in BREAKS


def _breaks(stretch: str) -> int:
    """Line breaks in a stretch of whitespace (``\\r\\n`` is one, U+2029 two).

    >>> _breaks("\\r\\n \\n"), _breaks("\\u2029")
    (2, 2)
    """
    return (stretch.count("\n") + stretch.count("\r") - stretch.count("\r\n") + stretch.count("\u2028")
            + 2 * stretch.count("\u2029"))


def _new_whitespace(stretch: str, prev: str, nxt: str) -> str:
    """What a stretch of whitespace between ``prev`` and ``nxt`` becomes.

    >>> _new_whitespace("  \\n\\xa0\\n\\n\\u3000\\u3000", "。", "我")
    '\\n\\n'
    >>> _new_whitespace("\\xa0", "a", "b"), _new_whitespace("\\t", "", "a")
    (' ', '')
    """
    breaks = _breaks(stretch)
    if not prev:
        return ""  # leading whitespace and blank lines
    if breaks == 0:
        if not nxt:
            return ""  # trailing spaces
        return "".join(" " if ch in TO_SPACE else ch for ch in stretch)
    if not nxt or breaks == 1:
        return "\n"
    return "\n\n"


def _note(kinds: list[str], kind: str) -> None:
    if kind not in kinds:
        kinds.append(kind)


def _run_edits(text: str, options: Options) -> list[Edit]:
    """Edits of every run the C scan finds (offsets in ``text``)."""
    wanted = classes(options)
    if not wanted:
        return []
    runs = _backend.impl.normalise_runs(text, wanted)
    if not runs:
        return []
    rewriter = _Rewriter(text, options)
    edits = []
    for start, end, _classes in runs:
        new, kinds = rewriter.rewrite(start, end)
        if new != text[start:end]:
            confidence = min(_CONFIDENCE[k] for k in kinds)
            edits.append(Edit("+".join(kinds), start, end, text[start:end], new, confidence))
    return edits


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
#: Hangul vowel and final jamo compose with the syllable or jamo before them
#: by the algorithm of Unicode chapter 3.12, not by a decomposition mapping.
_HANGUL_V_T = range(0x1161, 0x1176), range(0x11A8, 0x11C3)


@lru_cache(maxsize=1)
def _nfc_tables() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    """Patterns of the runs of combining characters (for text within the
    BMP, which a regex tests fast, and for any text), and the characters NFC
    maps on their own, all derived from :mod:`unicodedata` (the tables of
    the running Python, so they agree with its ``normalize``).  A character
    combines when its combining class is not zero or when it is the second
    half of a primary composite; it is mapped on its own when its NFC form
    differs from it (singletons, composition exclusions, non-starter
    decompositions).  Built once, on the first text that needs it (~0.1 s)."""
    combining: list[int] = [cp for r in _HANGUL_V_T for cp in r]
    mapped: list[str] = []
    for cp in range(0x300, 0x30000):  # no combining character or decomposition lies outside
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if unicodedata.combining(ch):
            combining.append(cp)
        decomposition = unicodedata.decomposition(ch)
        if decomposition and decomposition[0] != "<":
            if unicodedata.normalize("NFC", ch) != ch:
                mapped.append(ch)
            else:
                parts = decomposition.split()
                if len(parts) == 2:
                    combining.append(int(parts[1], 16))
    bmp = _char_class([cp for cp in combining if cp < 0x10000])
    astral = _char_class([cp for cp in combining if cp >= 0x10000])
    # The look-ahead keeps BMP characters off the slow astral class.
    any_plane = f"(?:[{bmp}]|(?=[\U00010000-\U0010FFFF])[{astral}])+"
    return re.compile(f"[{bmp}]+"), re.compile(any_plane), frozenset(mapped)


def _char_class(code_points: list[int]) -> str:
    """A regex character class body for a set of code points, as ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(set(code_points)):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


def _nfc_stretch(stretch: str) -> str:
    """NFC of a base and its combining characters; each run of characters of
    non-zero combining class is first sorted by class (stably: the canonical
    order), which keeps :func:`unicodedata.normalize` linear."""
    pieces: list[str] = []
    run: list[str] = []
    for ch in stretch:
        if unicodedata.combining(ch):
            run.append(ch)
            continue
        if run:
            pieces.append("".join(sorted(run, key=unicodedata.combining)))
            run = []
        pieces.append(ch)
    if run:
        pieces.append("".join(sorted(run, key=unicodedata.combining)))
    return unicodedata.normalize("NFC", "".join(pieces))


def _nfc_edits(text: str) -> list[Edit]:
    """One ``"nfc"`` edit per stretch NFC composes, from its first to its last changed character.

    >>> [(len(e.before), e.after) for e in _nfc_edits("lu\\u0308\\u030c \\ufa0c")]
    [(3, 'ǚ')]
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return []  # nothing to compose (and the tables cost 0.1 s to build)
    bmp_runs, any_runs, mapped = _nfc_tables()
    runs = any_runs if _ASTRAL.search(text) else bmp_runs
    edits = []
    for run in runs.finditer(text):
        start = max(run.start() - 1, 0)  # the base the run follows
        stretch = text[start : run.end()]
        if not mapped.isdisjoint(stretch):
            continue  # never map a singleton or an excluded character
        fixed = _nfc_stretch(stretch)
        if fixed == stretch:
            continue
        head = 0
        while head < min(len(stretch), len(fixed)) and stretch[head] == fixed[head]:
            head += 1
        tail = 0
        while tail < min(len(stretch), len(fixed)) - head and stretch[-1 - tail] == fixed[-1 - tail]:
            tail += 1
        edits.append(Edit("nfc", start + head, start + len(stretch) - tail, stretch[head : len(stretch) - tail],
                          fixed[head : len(fixed) - tail], _CONFIDENCE["nfc"]))
    return edits


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """The normalised text and an edit per changed run (and per line NFC changed).

    >>> fix("國家\\u200b數據\\ufffd", Options())[0]
    '國家數據'
    >>> [e.kind for e in fix("國家\\u200b數據\\ufffd", Options())[1]]
    ['invisible', 'truncated']
    """
    edits = _run_edits(text, options)
    fixed = splice(text, ((e.start, e.end, e.after) for e in edits)) if edits else text
    if options.normalise_nfc:
        nfc = _nfc_edits(fixed)
        if nfc:
            composed = splice(fixed, ((e.start, e.end, e.after) for e in nfc))
            edits = compose(text, edits, fixed, nfc)
            fixed = composed
    return fixed, edits


def fix_text(text: str, options: Options) -> str:
    """The normalised text.

    >>> fix_text("数据\\u00ad要素", Options())
    '数据要素'
    >>> fix_text("中国,北京", Options(normalise_punctuation=True))
    '中国，北京'
    """
    edits = _run_edits(text, options)
    fixed = splice(text, ((e.start, e.end, e.after) for e in edits)) if edits else text
    if options.normalise_nfc:
        nfc = _nfc_edits(fixed)
        if nfc:
            fixed = splice(fixed, ((e.start, e.end, e.after) for e in nfc))
    return fixed
