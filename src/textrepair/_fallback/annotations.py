"""Pure-Python twin of native/annotations.c: the pinyin annotations of a text
(``tr_find_annotations``), the local judgement of each (``tr_judge_annotations``)
and the text without those judged damage (``tr_remove_annotations``).

The specification: the C core returns exactly what this module returns.
README ("The annotation rule") explains the rule; the thresholds below are
the measured ones it documents, and the header repeats them (a test checks).
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from functools import lru_cache

from .. import _flags as F
from .._tables import reading_table
from .scan import Remembered

__all__ = ["AnnotationScan", "COVER", "DENSE", "ECHO", "GLOSSY", "STYLE", "TRAD", "WINDOW", "scan_annotations"]

#: Code points either side of an annotation that its judgement reads: its
#: halves (the annotations at most this far before it, and after it), the
#: same character's other annotations, and the unannotated uses that count
#: against it.  Four times the widest gap between neighbouring annotations on
#: a converter page (53 on the seeds, 48 on generated pages); the wider the
#: window, the more often a page's verdict reaches into its neighbour's.
WINDOW = 200
# Thresholds as (numerator, denominator): a share is met when
# denominator * part >= numerator * whole (integers, as in C).  README ("The
# annotation rule") tabulates the shares measured on converter pages and on
# clean texts (tests/annotation_corpus.py prints them).
#: Converter of traditional forms: at least this share of a half's annotated
#: characters are traditional-only (1 in every half of every converter page
#: measured; 0 in simplified primers; the page rule's value).
TRAD = (2, 3)
#: Every-character converter: at least this share of the Han characters from
#: a half's first annotation to its last are annotated (1 on such pages; at
#: most 0.56 in halves of four or more on the seed converter pages).
DENSE = (4, 5)
#: ... writing one style: this share of the annotations that show a tone mark
#: or omit one (a neutral tone does neither) do the same (1 in every half of
#: every page measured, converter or primer; lower only where two meet).
STYLE = (9, 10)
#: ... or glossing punctuation as itself: echoes at least this share of the
#: other visible characters in the span (1 on such pages; 0 in primers).
ECHO = (9, 10)
#: Converters annotate every occurrence of a character: an unannotated use
#: between a half's annotations, near one of the same character, is a miss,
#: and a half needs at least this share of annotations among annotations and
#: misses (1 in every half of every converter page measured; the page rule's
#: value, which keeps converter pages that meet others with fewer characters).
COVER = (1, 2)
#: A half where at least this share of the annotations are a teacher's (a
#: character read two ways, or quoted alone) is a teaching text (0 in every
#: half of every converter page; at least 0.50 in teaching texts).
GLOSSY = (1, 4)

# At most 8 code points between the parentheses, none of them a parenthesis.
# (The pattern starts with its literal "(" so the regex engine can jump to
# candidates; the annotated character is read outside it.)
_PARENS = re.compile(r"\(([^()]{1,8})\)")


@lru_cache(maxsize=1)
def _candidate_parens() -> re.Pattern[str]:
    """The matches of ``_PARENS`` that can be annotations: one character
    inside (an echo, or a one-letter reading), or only pinyin letters (what
    ``ReadingTable.spell`` reads).  Parentheses never nest in either, so
    ``finditer`` yields the same matches less the others (``(2023年)``),
    which the scan would only have skipped.

    >>> [m.group(1) for m in _candidate_parens().finditer("數(shù)(2023年)(x)(記者 張三)(Beijing)")]
    ['shù', 'x', 'Beijing']
    """
    letters = "".join(re.escape(c) for c in sorted(set(reading_table().letters) | set(string.ascii_letters)))
    return re.compile(r"\(([^()]|[%s]{2,8})\)" % letters)


_OPEN_QUOTES = frozenset("“‘「『\"'")
_CLOSE_QUOTES = frozenset("”’」』\"'")
# Code points that are no visible character: C0/C1 controls, DEL, and the
# Unicode space separators (and line/paragraph separators).
_INVISIBLE = frozenset(
    [*range(0x21), *range(0x7F, 0xA1), 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])

_SIG_T, _SIG_EO, _SIG_EE = 1, 2, 4  # the converter signatures a half shows
_NONE, _CLEAN, _CONV = 0, 1, 2  # a half's verdict


def _echoable(cp: int, readings) -> bool:
    """A visible character without a reading, other than a parenthesis: the
    kind an every-character converter glosses as itself (``,(,)``)."""
    return cp not in _INVISIBLE and cp != 0x28 and cp != 0x29 and chr(cp) not in readings


def _reading_of(table, han: str, syllable: str) -> tuple[int, int, int] | None:
    """``(flags, reading, letters)`` of ``han(syllable)`` or None when the
    syllable is not a reading of ``han``.  ``reading`` is the index of the
    reading it spells in the table's list (for a syllable without tone mark
    that is no neutral reading: of the first with its letters), ``letters``
    the index of the first reading with its letters."""
    ordered = table.ordered.get(han)
    if ordered is None:
        return None
    spelled = table.spell(syllable)
    if spelled is None:
        return None
    word, tone = spelled
    letters = next((k for k, r in enumerate(ordered) if r.rstrip("0123456789") == word.rstrip("0123456789")), -1)
    if letters < 0:
        return None
    flags = 0
    if tone:
        if word not in ordered:
            return None
        reading = ordered.index(word)
        flags |= F.ANN_TONED
    elif word in ordered:
        reading = ordered.index(word)
        flags |= F.ANN_NEUTRAL
    else:
        reading = letters
    if han in table.traditional:
        flags |= F.ANN_TRAD
    return flags, reading, letters


def _follows(text: str, last: list, start: int) -> bool:
    """Does an annotation at ``start`` come right after the ``last`` one
    (or after the space of one without tone mark)?  Then it annotates the same character.

    >>> _follows("關(guan) (guan)", [1, 7, ord("關"), 0, 0, 0], 8)
    True
    """
    end, flags = last[1], last[3]
    return start == end or (start == end + 1 and text[end] == " " and not flags & F.ANN_TONED)


class AnnotationScan:
    """The annotations found in one text (see ``tr_find_annotations``).

    ``stats`` is ``(found, traditional, toneless, toneless_spaced)`` (echoes
    count only in ``found``); ``matches()`` lists ``(start, end, han, flags,
    reading, letters)`` with offsets in code points; ``judge()`` adds the
    verdict flags (``ANN_REMOVE``, ``ANN_EAT_SPACE``, ``ANN_GLOSS``);
    ``removed(eat_space)`` is the text without the entries flagged
    ``ANN_REMOVE`` (and the space after those flagged ``ANN_EAT_SPACE``).
    """

    __slots__ = ("_text", "_found", "stats", "_judged")

    def __init__(self, text: str, parens: re.Pattern[str] | None = None) -> None:
        """Scan ``text``, trying the matches of ``parens`` (by default
        :func:`_candidate_parens`; ``_PARENS``, the definition, gives the
        same scan)."""
        table = reading_table()
        readings = table.readings
        # Converter pages repeat the same few annotations: judge each once.
        verdicts: dict[str, tuple[int, int, int] | None] = {}
        found: list[list[int]] = []
        # Every annotation ends with ")": without one there is nothing to find.
        for m in (parens or _candidate_parens()).finditer(text) if ")" in text else ():
            start, end = m.span()
            if start == 0:
                continue
            han = text[start - 1]
            chained = bool(found) and _follows(text, found[-1], start)
            if chained:
                han = chr(found[-1][2])  # the converter ran twice: 數(shù)(shù)
            key = han + text[start:end]
            verdict = verdicts.get(key, False)
            if verdict is False:
                verdict = verdicts[key] = self._candidate(table, readings, han, m.group(1))
            if verdict is None:
                continue
            flags, reading, letters = verdict
            if chained:
                flags |= F.ANN_CHAINED
            if text.startswith(" ", end):
                flags |= F.ANN_SPACE_AFTER
            pos = start - 1 if not chained else found[-1][6]
            if pos > 0 and text[pos - 1] in _OPEN_QUOTES and end < len(text) and text[end] in _CLOSE_QUOTES:
                flags |= F.ANN_QUOTED
            found.append([start, end, ord(han), flags, reading, letters, pos])
        plain = [f[3] for f in found if not f[3] & F.ANN_ECHO]
        toneless = [f for f in plain if not f & F.ANN_TONED]
        self._text = text
        self._found = found
        self._judged = False
        self.stats = (len(found), sum(1 for f in plain if f & F.ANN_TRAD), len(toneless),
                      sum(1 for f in toneless if f & F.ANN_SPACE_AFTER))

    @classmethod
    def _again(cls, text: str, found: list[list[int]], stats: tuple[int, int, int, int]) -> AnnotationScan:
        """A scan of ``text`` made from an earlier one's findings (copied:
        judging or removing changes a scan's own rows)."""
        scan = cls.__new__(cls)
        scan._text = text
        scan._found = [row[:] for row in found]
        scan._judged = False
        scan.stats = stats
        return scan

    @staticmethod
    def _candidate(table, readings, han: str, inside: str) -> tuple[int, int, int] | None:
        """The reading annotation ``han(inside)``, or the echo ``,(,)``, or None."""
        judged = _reading_of(table, han, inside)
        if judged is not None:
            return judged
        if inside == han and _echoable(ord(han), readings):
            return F.ANN_ECHO, 0, 0
        return None

    def matches(self, indices=None) -> list[tuple[int, int, int, int, int, int]]:
        """Every annotation, or those at ``indices``."""
        found = self._found
        return [tuple(f[:6]) for f in (found if indices is None else (found[i] for i in indices))]

    def flags(self) -> list[int]:
        return [f[3] for f in self._found]

    def judge(self) -> None:
        """Flag each annotation by the local rule (``tr_judge_annotations``)."""
        if not self._judged:
            self._judged = True
            _judge_all(self._text, self._found)

    def remove(self, indices) -> None:
        """Flag the annotations at these indices ``ANN_REMOVE`` too."""
        for i in indices:
            self._found[i][3] |= F.ANN_REMOVE

    def removed(self, eat_space: bool = True) -> str:
        text = self._text
        pieces = []
        pos = 0
        for start, end, _han, flags, *_rest in self._found:
            if not flags & F.ANN_REMOVE:
                continue
            if eat_space and flags & F.ANN_EAT_SPACE and text.startswith(" ", end):
                end += 1
            pieces.append(text[pos:start])
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces)


def scan_annotations(text: str) -> AnnotationScan:
    """Find every ``(reading)`` that directly follows a character it is a
    reading of, and every ``(x)`` after a visible non-Han ``x``.

    >>> scan = scan_annotations("數(shù)字經(jīng)濟")
    >>> scan.judge()
    >>> scan.removed()
    '數字經濟'
    """
    kept = _last.get(text, None)
    if kept is not None:
        return AnnotationScan._again(text, *kept)
    scan = AnnotationScan(text)
    _last.put(text, None, ([row[:] for row in scan._found], scan.stats))
    return scan


#: The findings of the last text scanned (the pipeline's triage confirms
#: the annotation bit with a scan, then the stage scans the same text).
_last = Remembered()


# --- the judgement -------------------------------------------------------------

def _share(part: int, whole: int, ratio: tuple[int, int]) -> bool:
    return ratio[1] * part >= ratio[0] * whole


def _gaps(text: str, found: list[list[int]]) -> list[tuple[int, int, int]]:
    """For each annotation after the first: (Han characters, other visible
    characters, misses) in the text between the one before it and its
    character; zeros when the two are more than WINDOW apart (no half holds
    both).  A miss is a use of a character that has an annotation of the same
    character at most WINDOW away.

    Long gaps (clean text between a primer's few annotations) are counted
    with regex scans, short ones (a converter page's) one character at a time.

    >>> t = "音樂(yuè)很好，音乐與音樂 \\u3000ab(c)。" * 3 + "樂(lè)"
    >>> f = AnnotationScan(t)._found; _gaps(t, f) == _gaps_reference(t, f)
    True
    """
    readings = reading_table().readings
    near = _annotated_at(found)
    uses = None  # a pattern of the annotated characters, made for the first long gap
    out = [(0, 0, 0)]
    for prev, f in zip(found, found[1:]):
        han = vis = miss = 0
        start, end = prev[1], f[6]
        if end - prev[6] > WINDOW:
            pass
        elif end - start < _LONG_GAP or _ASTRAL.search(text, start, end):
            han, vis, miss = _gap_counts(text, start, end, readings, near)
        else:
            gap = text[start:end]
            unread = _read_runs().sub("", gap)  # the characters without a reading
            han = len(gap) - len(unread)
            vis = len(_unseen().sub("", unread))
            if near:
                if uses is None:
                    uses = re.compile("[%s]" % "".join(re.escape(c) for c in sorted(near)))
                for m in uses.finditer(text, start, end):
                    q = m.start()
                    spots = near[text[q]]
                    k = bisect_left(spots, q - WINDOW)
                    miss += k < len(spots) and spots[k] <= q + WINDOW
        out.append((han, vis, miss))
    return out


#: Gaps at least this long are counted by regex scans in :func:`_gaps`.
_LONG_GAP = 24
#: Above the BMP a class of the Han characters would be a list of ranges the
#: regex engine walks for every character: gaps with such characters are
#: counted one at a time.
_ASTRAL = re.compile("[\\U00010000-\\U0010ffff]")


@lru_cache(maxsize=1)
def _read_runs() -> re.Pattern[str]:
    """Runs of BMP characters with a reading (``ch in readings``)."""
    return re.compile("[%s]+" % _class_body(sorted(c for c in map(ord, reading_table().readings) if c < 0x10000)))


@lru_cache(maxsize=1)
def _unseen() -> re.Pattern[str]:
    """What :func:`_echoable` rejects among characters without a reading:
    the invisible ones and the parentheses."""
    return re.compile("[%s]" % _class_body(sorted(_INVISIBLE | {0x28, 0x29})))


def _class_body(code_points: list[int]) -> str:
    """A regex set body of sorted code points, consecutive ones as ranges.

    >>> _class_body([0x28, 0x29, 0x2a, 0x4e00])
    '\\\\U00000028-\\\\U0000002a\\\\U00004e00'
    """
    pieces = []
    i = 0
    while i < len(code_points):
        j = i
        while j + 1 < len(code_points) and code_points[j + 1] == code_points[j] + 1:
            j += 1
        a, b = code_points[i], code_points[j]
        pieces.append(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}")
        i = j + 1
    return "".join(pieces)


def _gaps_reference(text: str, found: list[list[int]]) -> list[tuple[int, int, int]]:
    """For each annotation after the first: (Han characters, other visible
    characters, misses) in the text between the one before it and its
    character, one character at a time (:func:`_gaps` by its definition)."""
    readings = reading_table().readings
    near = _annotated_at(found)
    out = [(0, 0, 0)]
    for prev, f in zip(found, found[1:]):
        if f[6] - prev[6] <= WINDOW:
            out.append(_gap_counts(text, prev[1], f[6], readings, near))
        else:
            out.append((0, 0, 0))
    return out


def _annotated_at(found: list[list[int]]) -> dict[str, list[int]]:
    """Per annotated character (echoes aside), where its annotations stand, in order."""
    near: dict[str, list[int]] = {}
    for f in found:
        if not f[3] & F.ANN_ECHO:
            near.setdefault(chr(f[2]), []).append(f[6])
    return near


def _gap_counts(text: str, start: int, end: int, readings, near: dict[str, list[int]]) -> tuple[int, int, int]:
    """(Han characters, other visible characters, misses) of ``text[start:end]``,
    one character at a time."""
    han = vis = miss = 0
    for q in range(start, end):
        ch = text[q]
        if ch in readings:
            han += 1
            spots = near.get(ch)
            if spots is not None:
                k = bisect_left(spots, q - WINDOW)
                miss += k < len(spots) and spots[k] <= q + WINDOW
        elif _echoable(ord(ch), readings):
            vis += 1
    return han, vis, miss


def _glosses(found: list[list[int]]) -> list[bool]:
    """A teacher's gloss: another annotation of the same character at most
    WINDOW away reads it otherwise (other letters, or another tone where both
    show one), or the annotation is quoted alone (``「還(hái)」``) with no
    unquoted annotation of the same letters nearby.  Each character's
    annotations are walked both ways, keeping the nearest position of each
    letters, reading and unquoted letters seen so far."""
    out = [False] * len(found)
    groups: dict[int, list[int]] = {}
    for i, f in enumerate(found):
        if not f[3] & F.ANN_ECHO:
            groups.setdefault(f[2], []).append(i)
    informed = F.ANN_TONED | F.ANN_NEUTRAL
    for members in groups.values():
        if len(members) == 1:
            out[members[0]] = bool(found[members[0]][3] & F.ANN_QUOTED)
            continue
        conflict = set()
        unquoted = set()
        for order in (members, members[::-1]):
            last_letters: dict[int, int] = {}
            last_reading: dict[int, int] = {}
            last_unquoted: dict[int, int] = {}
            for i in order:
                _s, _e, _h, flags, reading, letters, pos = found[i]
                for other, p in last_letters.items():
                    if other != letters and abs(pos - p) <= WINDOW:
                        conflict.add(i)
                if flags & informed:
                    for other, p in last_reading.items():
                        if other != reading and abs(pos - p) <= WINDOW:
                            conflict.add(i)
                    last_reading[reading] = pos
                p = last_unquoted.get(letters)
                if p is not None and abs(pos - p) <= WINDOW:
                    unquoted.add(i)
                last_letters[letters] = pos
                if not flags & F.ANN_QUOTED:
                    last_unquoted[letters] = pos
        for i in members:
            out[i] = i in conflict or (bool(found[i][3] & F.ANN_QUOTED) and i not in unquoted)
    return out


# A half's counts, in this order; the last three are over the gaps between
# its annotations, the others over the annotations themselves.
_PLAIN, _ECHO, _UNCHAINED, _TRAD, _TONED, _OMITTED, _GLOSS, _SPACED, _UNTONED, _HAN, _VIS, _MISS = range(12)


class _Sums:
    """Prefix sums of the per-annotation counts a half's verdict reads."""

    __slots__ = ("own", "gaps")

    def __init__(self, found: list[list[int]], gloss: list[bool], gaps: list[tuple[int, int, int]]) -> None:
        own = [(0,) * 9]
        acc = [0] * 9
        for f, g in zip(found, gloss):
            flags = f[3]
            plain = not flags & F.ANN_ECHO
            toned = plain and bool(flags & F.ANN_TONED)
            row = (plain, not plain, plain and not flags & F.ANN_CHAINED, plain and bool(flags & F.ANN_TRAD),
                   toned, plain and not flags & (F.ANN_TONED | F.ANN_NEUTRAL), g,
                   plain and not toned and bool(flags & F.ANN_SPACE_AFTER), plain and not toned)
            acc = [x + y for x, y in zip(acc, row)]
            own.append(tuple(acc))
        self.own = own
        gap_acc = [(0, 0, 0)]
        h = v = m = 0
        for gh, gv, gm in gaps:
            h, v, m = h + gh, v + gv, m + gm
            gap_acc.append((h, v, m))
        self.gaps = gap_acc

    def half(self, a: int, b: int) -> list[int]:
        """Counts over annotations a..b, and over the gaps between them."""
        own, gaps = self.own, self.gaps
        return ([x - y for x, y in zip(own[b + 1], own[a])] + [x - y for x, y in zip(gaps[b + 1], gaps[a + 1])])


def _verdict(h: list[int]) -> tuple[int, int]:
    """(verdict, signatures) of one half."""
    n, e = h[_PLAIN], h[_ECHO]
    if n < 1 or n + e < 2:
        return _NONE, 0
    sigs = 0
    styled = h[_TONED] + h[_OMITTED]
    if n >= 2 and _share(h[_TRAD], n, TRAD):  # echoes are no evidence of this one
        sigs |= _SIG_T
    if _share(h[_UNCHAINED], h[_UNCHAINED] + h[_HAN], DENSE):
        if h[_OMITTED] > 0 and _share(h[_OMITTED], styled, STYLE):
            sigs |= _SIG_EO
        if e > 0 and _share(e, e + h[_VIS], ECHO) and _share(h[_TONED], styled, STYLE):
            sigs |= _SIG_EE
    if not sigs or not _share(n, n + h[_MISS], COVER) or _share(h[_GLOSS], n + e, GLOSSY):
        return _CLEAN, 0
    return _CONV, sigs


def _fits(flags: int, h: list[int], sigs: int, contested: bool) -> bool:
    """Is the annotation the kind of the converter the half shows?  Where the
    other half is a clean text's, a converter of traditional forms claims
    only its own forms."""
    if contested and sigs == _SIG_T and not flags & F.ANN_TRAD:
        return False
    if flags & (F.ANN_ECHO | F.ANN_NEUTRAL):
        return True
    if flags & F.ANN_TONED:
        return bool(sigs & _SIG_EE) or (bool(sigs & _SIG_T) and h[_TONED] >= h[_OMITTED])
    return bool(sigs & _SIG_EO) or (bool(sigs & _SIG_T) and h[_OMITTED] >= h[_TONED])


def _judge_all(text: str, found: list[list[int]]) -> None:
    count = len(found)
    if count == 0:
        return
    gloss = _glosses(found)
    sums = _Sums(found, gloss, _gaps(text, found))
    lo = hi = 0
    for i, f in enumerate(found):
        pos = f[6]
        while found[lo][6] < pos - WINDOW:
            lo += 1
        while hi + 1 < count and found[hi + 1][6] <= pos + WINDOW:
            hi += 1
        left, right = sums.half(lo, i), sums.half(i, hi)
        (lv, ls), (rv, rs) = _verdict(left), _verdict(right)
        flags = f[3]
        if gloss[i]:
            f[3] = flags | F.ANN_GLOSS
            continue
        if (lv == _CONV and _fits(flags, left, ls, rv == _CLEAN)) or (rv == _CONV and _fits(flags, right, rs, lv == _CLEAN)):
            flags |= F.ANN_REMOVE
            if flags & F.ANN_SPACE_AFTER and not flags & (F.ANN_TONED | F.ANN_ECHO):
                whole = sums.half(lo, hi)
                if 2 * whole[_SPACED] > whole[_UNTONED]:
                    flags |= F.ANN_EAT_SPACE
        f[3] = flags
