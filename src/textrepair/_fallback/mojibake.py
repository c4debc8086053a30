"""Pure-Python twin of native/mojibake.c: candidate byte-shift runs (``tr_mojibake_runs``) and the spans each
mechanism of the mojibake stage could apply to (``tr_mojibake_scan``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re
from bisect import bisect_left as _bisect_left
from functools import lru_cache
from itertools import islice as _islice
from typing import NamedTuple

from .. import _cjkcodec
from .. import _flags as F
from .._tables import reading_table


_FOLD_PUNCT = "!,;:?"
_SPLIT_START = "!,;?\u3002\u3001"  # characters whose GBK bytes start A1/A3 (the split pairs)
_RUN_CAP = 48
#: Up to this many candidate positions are tried one by one; more (damaged
#: or hostile pages) go to the plain regex scans, whose loop is in C.
_FEW = 64


def _few(text: str) -> int:
    """How many candidates of ``text`` are tried one by one: ``_FEW``, or
    one per 64 characters on a long page (a Python step per candidate
    costs about what the regex engine spends on 64 characters)."""
    return max(_FEW, len(text) >> 6)


@lru_cache(maxsize=1)
def _pinyin_letters() -> frozenset[str]:
    """The ASCII letters and the table's pinyin letters (one set lookup).

    >>> {"a", "Z", "ù"} <= _pinyin_letters(), "1" in _pinyin_letters()
    (True, False)
    """
    return frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") | frozenset(reading_table().letters)


def _tail_end(text: str, i: int) -> int:
    """End of ``letters)`` starting at ``i`` (1-7 pinyin letters), or -1."""
    j = i
    n = len(text)
    letters = _pinyin_letters()
    while j < n and j - i < 8 and text[j] in letters:
        j += 1
    if i < j <= i + 7 and j < n and text[j] == ")":
        return j + 1
    return -1


def _paren_end(text: str, i: int) -> int:
    """End of ``(letters)`` starting at ``i``, or -1."""
    if i < len(text) and text[i] == "(":
        return _tail_end(text, i + 1)
    return -1


_SPACES = frozenset("\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))
_ASCII_SPACES = frozenset(" \t\n\v\f\r\x1c\x1d\x1e\x1f")


def _wide(ch: str) -> bool:
    """A character that can come out of a two-byte GBK code (not ASCII, not a space)."""
    return ch >= "\x80" and ch not in _SPACES


def _ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _run_end(text: str, i: int) -> int:
    """Where a run that is still open at ``i`` ends (see tr_mojibake_runs).

    >>> t = "好?中文数据12,“x”F在"; _run_end(t, 1) == _run_end_reference(t, 1) == 11
    True
    """
    return _run_end_with(text, i, _PLAIN)


def _run_end_with(text: str, i: int, plain: re.Pattern[str] | None) -> int:
    """:func:`_run_end`; ``plain``, when given, takes at once the characters
    the loop would take one by one (:data:`_PLAIN`)."""
    n = len(text)
    start = i
    cap = i + _RUN_CAP
    while i < n and i < cap:
        if plain is not None:
            i = plain.match(text, i, cap).end()
            if i >= n or i >= cap:
                break
        ch = text[i]
        end = _paren_end(text, i)
        if end > 0:
            i = end
            continue
        if ch == "?":
            end = _tail_end(text, i + 1)
            if end < 0 and i > start + 1 and i + 2 < n and text[i + 1] in "!;," and _wide(text[i + 2]):
                return i  # the next split run starts here
            i = end if end > 0 else i + 1
            continue
        if ch == "\u20ac":
            return i + 1  # the lone byte 0x80 realigns the decoder too
        if _wide(ch):
            i += 1
        elif "\x40" <= ch <= "\x7e":
            return i + 1  # a trail byte in 0x40-0x7E realigns the decoder
        elif "\x21" <= ch <= "\x3f" and ch not in "<>\"'&()":
            i += 1  # digits and punctuation may be folded fullwidth forms
        else:
            return i
    return min(i, n)


def _run_end_reference(text: str, i: int) -> int:
    """Where a run that is still open at ``i`` ends (see tr_mojibake_runs),
    one character at a time (:func:`_run_end` skips the plain ones)."""
    return _run_end_with(text, i, None)


#: Characters a run simply takes in :func:`_run_end`: wide ones but the
#: lone 0x80, and ASCII punctuation but ``?`` and the markup characters.
_PLAIN = re.compile("[^\\x00-\\x20\"&'()<>?\\x40-\\x7f\u20ac%s]*" % "".join(sorted(_SPACES)))


def _run_start(text: str, p: int) -> int:
    """Start of a run anchored at ``p``: the character before it (and its
    annotation) belong to the run, since an annotation may straddle them."""
    if p >= 2 and text[p - 1] == ")":
        j = p - 2
        while j >= 0 and p - j <= 9 and text[j] != "(":
            j -= 1
        if j >= 1 and text[j] == "(" and _tail_end(text, j + 1) == p and _wide(text[j - 1]):
            return j - 1
    if p >= 1 and _wide(text[p - 1]):
        return p - 1
    return p


def _anchor(text: str, p: int) -> bool:
    """True where a byte-shift run may start at ``p``."""
    n = len(text)
    ch = text[p]
    nxt = text[p + 1] if p + 1 < n else ""
    if ch == "?":
        if _wide(nxt):
            return True
        k = p + 1
        while k < n and k - p <= 3 and text[k] in _FOLD_PUNCT:
            k += 1  # `??焖`, `???,覆`: lost bytes and folded split pairs
        if k > p + 1 and k < n and _wide(text[k]):
            return True
        if (k > p + 1 and k + 1 < n and "\x40" <= text[k] <= "\x7e" and (_wide(text[k + 1]) or _paren_end(text, k + 1) > 0)
                and p > 0 and _wide(text[p - 1])):
            return True  # `?,F在`, `?,F(xiàn)`: the piece's first pair realigns at once on an ASCII-range trail
        if k > p + 2 and p > 0 and _wide(text[p - 1]) and (k == n or text[k] in _ASCII_SPACES or text[k] in _SPACES or _ascii_letter(text[k])):
            return True  # `熱點?!?span`, `水平?!?\n`: the last lost byte was ASCII or the end
        return _tail_end(text, p + 1) > 0
    if ch in "!;" and _wide(nxt):
        # A split piece read from a straddling pair, annotation inside: `)!秷(bào)`.
        for k in range(p + 2, min(n, p + 6)):
            if _paren_end(text, k) > 0:
                return True
            if not _wide(text[k]):
                break
    if ch in "!;?," and p > 0 and _wide(text[p - 1]) and _wide(nxt):
        # A piece whose lone lead the decoder dropped with no mark: a folded
        # split pair between wide characters, salad right after it (`字!笆`).
        k = p + 1
        while k < n and k < p + 4 and _wide(text[k]):
            if rare_char().match(text, k):
                return True
            k += 1
    return False


def mojibake_runs(text: str) -> list[tuple[int, int, int]]:
    """Candidate byte-shift runs ``(start, end, kind)`` in code points, in order, not overlapping.

    >>> mojibake_runs("支持?!笆\\ue1a2奈濉睍r期")
    [(1, 10, 1)]
    >>> mojibake_runs("新進展?國家")
    [(2, 6, 1)]
    >>> mojibake_runs("這是真的嗎?")
    []
    """
    if "," not in text and "!" not in text and ";" not in text:
        return _shift_runs(text, [])  # the rare characters matter only after these marks
    return _shift_runs(text, _rare_starts(text))


def _shift_runs(text: str, rare: list[int]) -> list[tuple[int, int, int]]:
    """:func:`mojibake_runs`, given the :func:`_rare_starts` of ``text``."""
    if "?" not in text and "!" not in text and ";" not in text and "," not in text:
        return []
    return _runs(text, _marks_that_may_anchor(text, rare))


def _mojibake_runs_reference(text: str) -> list[tuple[int, int, int]]:
    """:func:`mojibake_runs` by its definition: :func:`_anchor` tried at every
    ``?!;,`` (the fast one skips marks where it cannot hold; tests compare them).

    >>> _mojibake_runs_reference("支持?!笆\\ue1a2奈濉睍r期")
    [(1, 10, 1)]
    """
    return _runs(text, [m.start() for m in _OTHER_MARKS.finditer(text)], _run_end_reference)


_OTHER_MARKS = re.compile("[!;,]")
_QMARKS = re.compile(r"\?+")


def _rare_starts(text: str) -> list[int]:
    """Where :func:`rare_char` matches (none in ASCII text)."""
    return [] if text.isascii() else [m.start() for m in rare_char().finditer(text)]


def _marks_that_may_anchor(text: str, rare: list[int]) -> list[int]:
    """The ``!;,`` where :func:`_anchor` may be true (a superset, in order),
    given the :func:`_rare_starts` of ``text``: a ``!`` or ``;`` with a ``(``
    two to five places on, and a mark one to three places before a rare
    character.  Clean pages fold many commas between Han characters and
    hold few rare ones, so this skips almost all of them.

    >>> _marks_that_may_anchor("好,好!好!x(shù) 中,好椈", [16])
    [3, 5, 14]
    """
    found = set()
    if "(" in text:
        for mark in "!;":
            p = text.find(mark)
            while p >= 0:
                if "(" in text[p + 2:p + 6]:
                    found.add(p)
                p = text.find(mark, p + 1)
    if not rare or ("," not in text and "!" not in text and ";" not in text):
        return sorted(found)
    if len(rare) > _few(text):  # many rare characters: one scan in C
        found.update(m.start() for m in _mark_before_rare().finditer(text))
    else:
        for r in rare:
            for p in range(max(0, r - 3), r):
                if text[p] in "!;,":
                    found.add(p)
    return sorted(found)


@lru_cache(maxsize=1)
def _mark_before_rare() -> re.Pattern[str]:
    # A mark one to three places before a rare character.
    return re.compile("[!;,](?=.{0,2}%s)" % rare_char().pattern, re.S)


def _runs(text: str, marks: list[int], run_end=_run_end) -> list[tuple[int, int, int]]:
    """The runs anchored at a ``?`` or at one of ``marks`` (positions of
    ``!;,`` in order, which must hold every one where :func:`_anchor` is true)."""
    runs: list[tuple[int, int, int]] = []
    n = len(text)
    last_end = 0
    k = 0
    q = text.find("?")
    p = 0
    while p < n:
        # The next position to try: the nearer of the next "?" and the next mark.
        while k < len(marks) and marks[k] < p:
            k += 1
        if 0 <= q < p:
            q = text.find("?", p)
        if k < len(marks) and (q < 0 or marks[k] < q):
            p = marks[k]
        elif q >= 0:
            p = q
        else:
            break
        if _anchor(text, p):
            start = max(_run_start(text, p), last_end)
            end = run_end(text, p)
            if runs and start <= runs[-1][1]:
                start = runs[-1][0]
                runs.pop()
            runs.append((start, end, F.MOJIBAKE_SHIFT))
            last_end = end
            p = max(end, p + 1)
        elif text[p] == "?":
            # Inside a run of "?", a position with "?" before it and four
            # after it cannot anchor (nothing wide within reach, no letter
            # next): jump to the run's last four.
            p = max(p + 1, _QMARKS.match(text, p).end() - 4)
        else:
            p += 1
    return runs


class MojibakeScan(NamedTuple):
    """Where each mechanism of the mojibake stage could apply, as lists of
    ``(start, end)`` in code points, each in order and not overlapping
    (see ``tr_mojibake_scan``)."""

    shift: list[tuple[int, int]]  # candidate byte-shift runs
    rare: list[tuple[int, int]]  # space-free stretches holding a rare character
    latin1: list[tuple[int, int]]  # GBK-read-as-code-page runs with a letter
    cp1252: list[tuple[int, int]]
    cp1250: list[tuple[int, int]]
    ftfy: list[tuple[int, int]]  # CJK-free stretches where ftfy's fixes could start


@lru_cache(maxsize=1)
def rare_char() -> re.Pattern[str]:
    """A non-ASCII, non-space character the model has (almost) never seen.

    >>> bool(rare_char().search("鏂伴椈")), bool(rare_char().search("新闻发布"))
    (True, False)
    """
    common = _cjkcodec.common_chars(_cjkcodec.char_model())
    return re.compile("[^\\x00-\\x7f\\s%s]" % "".join(re.escape(c) for c in sorted(common)))


_SPACE_RE = re.compile(r"[\s\u3000]")


#: Rare to the model, yet written by every clean page: they start no window.
WINDOW_EXEMPT = frozenset("【】「」『』〔〕〖〗")


def _in_annotation(text: str, p: int) -> bool:
    """Whether ``text[p]`` is a letter of a ``(letters)`` group (1-7 pinyin letters)."""
    q = p
    letters = _pinyin_letters()
    while q >= 0 and p - q < 7 and text[q] in letters:
        q -= 1
    if q < 0 or text[q] != "(":
        return False
    return _tail_end(text, q + 1) > p


def _starts_window(text: str, p: int) -> bool:
    """A rare character that starts a window: no bracket or corner quote,
    no tone letter inside an annotation (clean pages write both)."""
    return text[p] not in WINDOW_EXEMPT and not (text[p] in reading_table().letters and _in_annotation(text, p))


def rare_windows(text: str) -> list[tuple[int, int]]:
    """The space-delimited stretches of ``text`` that hold a rare character
    (one that :func:`_starts_window`).

    >>> rare_windows("新闻 发布会:鏂伴椈 好")
    [(3, 10)]
    >>> rare_windows("【新闻】 音樂(yuè) 鏂伴椈(yuè)x"), rare_windows("音樂(yuèx 好")
    ([(13, 22)], [(0, 7)])
    """
    return _windows(text, _rare_starts(text))


def _windows(text: str, rare: list[int]) -> list[tuple[int, int]]:
    """:func:`rare_windows`, given the :func:`_rare_starts` of ``text``."""
    windows: list[tuple[int, int]] = []
    done = 0
    k = 0
    backwards = ""
    while k < len(rare):
        p = rare[k]
        k += 1
        if not _starts_window(text, p):
            continue
        if not backwards:
            backwards = text[::-1]
        start = _stretch_start(text, backwards, p, done)
        space = _SPACE_RE.search(text, p)
        done = space.start() if space else len(text)
        windows.append((start, done))
        k = _bisect_left(rare, done, k)
    return windows


def _stretch_start(text: str, backwards: str, p: int, done: int) -> int:
    """Just after the last space before ``p``, but not before ``done``
    (``backwards`` is ``text`` reversed: the search runs to the left).

    >>> t = "ab cd好x"; [_stretch_start(t, t[::-1], p, done) for p, done in ((5, 0), (5, 4), (1, 0))]
    [3, 4, 0]
    """
    n = len(text)
    space = _SPACE_RE.search(backwards, n - p, n - done)
    return n - space.start() if space else done


def _rare_windows_reference(text: str) -> list[tuple[int, int]]:
    """:func:`rare_windows` by its definition: stretches grown one character
    at a time.

    >>> _rare_windows_reference("新闻 发布会:鏂伴椈 好")
    [(3, 10)]
    """
    windows: list[tuple[int, int]] = []
    done = 0
    for m in rare_char().finditer(text):
        p = m.start()
        if p < done or not _starts_window(text, p):
            continue
        start = p
        while start > done and not _SPACE_RE.match(text[start - 1]):
            start -= 1
        space = _SPACE_RE.search(text, p)
        done = space.start() if space else len(text)
        windows.append((start, done))
    return windows


@lru_cache(maxsize=None)
def code_page_run(codec: str) -> re.Pattern[str]:
    """Stretches a GBK text read as ``codec`` becomes: two or more high
    characters, each maybe followed by the ASCII trail byte of its pair."""
    high = "".join(re.escape(c) for c in sorted(_cjkcodec.code_page_high(codec)))
    return re.compile("(?:[%s][\x40-\x7e]?){2,}" % high)


@lru_cache(maxsize=None)
def ftfy_suspect() -> re.Pattern[str]:
    """What ftfy's encoding fixes could start from: a C1 control, or a lead
    character followed by a continuation character (or a space or U+FFFD)."""

    def chars(found: frozenset[str]) -> str:
        return "".join(re.escape(c) for c in sorted(found))

    return re.compile("[\x80-\x9f]|[%s][%s \ufffd]" % (chars(_cjkcodec.ftfy_chars(0xC0, 0x100)),
                                                     chars(_cjkcodec.ftfy_chars(0x80, 0xC0))))


@lru_cache(maxsize=1)
def _ftfy_positions() -> re.Pattern[str]:
    # Every position where ftfy_suspect could match (a look-ahead, so overlapping pairs count).
    lead, cont = ftfy_suspect().pattern.split("|", 1)[1].split("][")
    return re.compile("[\x80-\x9f]|%s](?=[%s)" % (lead, cont))


NO_CJK = re.compile("[^%s]+" % _cjkcodec.CJK_CLASS)


def _has_letter(run: str) -> bool:
    return any(map(str.isalpha, run))


_CODE_PAGES = ("latin-1", "cp1252", "cp1250")


@lru_cache(maxsize=1)
def _chain_starts() -> re.Pattern[str]:
    """Every position where a :func:`code_page_run` of any of the three code
    pages may start (a superset): a high character of one of them followed,
    maybe after one ASCII trail, by another.  Clean pages hold few (``”“``,
    ``——``), so each code page's pattern is tried only there.

    >>> [m.start() for m in _chain_starts().finditer("中文“引号”“x ÖÐ¹ú")]
    [5, 9, 10, 11]
    """
    high = "".join(re.escape(c) for c in sorted(set().union(*map(_cjkcodec.code_page_high, _CODE_PAGES))))
    return re.compile("[%s](?=[\x40-\x7e]?[%s])" % (high, high))


def _chains(text: str, codec: str, starts: list[int]) -> list[tuple[int, int]]:
    """The :func:`code_page_run` matches of ``codec`` that hold a letter,
    trying the pattern only at ``starts`` (which hold every position where
    one may start): what ``finditer`` finds, since matches never overlap.

    >>> t = "中文“引号”“x ÖÐ¹ú"; _chains(t, "latin-1", [5, 9, 10, 11]) == _chains_reference(t, "latin-1")
    True
    """
    pattern = code_page_run(codec)
    if len(starts) > _few(text):  # a page of them: one scan in C, from the first
        return [m.span() for m in _class_led_run(codec).finditer(text, starts[0]) if _has_letter(m.group())]
    found = []
    done = 0
    for p in starts:
        if p < done:
            continue
        m = pattern.match(text, p)
        if m is not None:
            done = m.end()
            if _has_letter(m.group()):
                found.append(m.span())
    return found


@lru_cache(maxsize=None)
def _class_led_run(codec: str) -> re.Pattern[str]:
    """:func:`code_page_run` written ``X(?:X)+`` rather than ``(?:X){2,}``:
    the same greedy matches (the high characters and the ASCII trails never
    overlap), but the pattern starts with a class, which the engine's
    search loop skips to (five times faster on Chinese text).

    >>> t = "中ÖÐ¹ú 文Ã©x"; _class_led_run("latin-1").findall(t) == code_page_run("latin-1").findall(t)
    True
    """
    unit = code_page_run(codec).pattern[len("(?:"):-len("){2,}")]
    return re.compile("%s(?:%s)+" % (unit, unit))


def _chains_reference(text: str, codec: str) -> list[tuple[int, int]]:
    """:func:`_chains` by its definition.

    >>> _chains_reference("中文“引号”“x ÖÐ¹ú", "latin-1")
    [(9, 13)]
    """
    return [m.span() for m in code_page_run(codec).finditer(text) if _has_letter(m.group())]


@lru_cache(maxsize=1)
def _ftfy_starts() -> re.Pattern[str]:
    """:func:`_ftfy_positions` written to start with one class (a C1 control
    or a lead character, the latter followed by a continuation character),
    which the regex engine's search loop skips to quickly."""
    lead, cont = ftfy_suspect().pattern.split("|", 1)[1].split("][")
    return re.compile("[\x80-\x9f%s](?:(?<=[\x80-\x9f])|(?=[%s))" % (lead[1:], cont))


def _ftfy_segments(text: str) -> list[tuple[int, int]]:
    """The :data:`NO_CJK` stretches that hold a position where ftfy's fixes
    could start; each is found around its first such position.

    >>> t = "中文Ã©x中文 abc Ã© 中"; _ftfy_segments(t) == _ftfy_segments_reference(t) == [(2, 5), (7, 15)]
    True
    """
    return _stretches_around(text, [m.start() for m in _ftfy_starts().finditer(text)])


def _stretches_around(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """The :data:`NO_CJK` stretches that hold one of ``positions`` (in order)."""
    found: list[tuple[int, int]] = []
    n = len(text)
    backwards = ""
    for q in positions:
        if found and q < found[-1][1]:
            continue  # in the stretch just found
        stretch = NO_CJK.match(text, q)
        if stretch is None:
            continue  # a CJK character is in no stretch
        if not backwards:
            backwards = text[::-1]
        found.append((n - NO_CJK.match(backwards, n - 1 - q).end(), stretch.end()))
    return found


def _ftfy_segments_reference(text: str) -> list[tuple[int, int]]:
    """:func:`_ftfy_segments` by its definition: every stretch, in order,
    kept when a position lies in it.

    >>> _ftfy_segments_reference("中文Ã©x中文 abc Ã© 中")
    [(2, 5), (7, 15)]
    """
    positions = [m.start() for m in _ftfy_positions().finditer(text)]
    if not positions:
        return []
    found = []
    k = 0
    for m in NO_CJK.finditer(text):
        start, end = m.span()
        while k < len(positions) and positions[k] < start:
            k += 1
        if k < len(positions) and positions[k] < end:
            found.append((start, end))
    return found


def mojibake_scan(text: str) -> MojibakeScan:
    """Every span where a mechanism of the mojibake stage could apply.

    >>> s = mojibake_scan("支持?!笆\\ue1a2奈濉睍r期 ÖÐ¹ú")
    >>> s.shift, s.rare, s.latin1, s.ftfy
    ([(1, 10)], [(0, 11), (12, 16)], [(12, 16)], [(11, 16)])
    """
    if text.isascii():  # every class but the shift runs' is non-ASCII
        return MojibakeScan([(s, e) for s, e, _k in _shift_runs(text, [])], [], [], [], [], [])
    few = _few(text)
    notable = [m.start() for m in _islice(_notable().finditer(text), few + 1)]
    if len(notable) <= few:
        # Few: sort them into the three kinds here rather than scan thrice.
        rare = [p for p in notable if rare_char().match(text, p)]
        starts = [p for p in notable if _chain_starts().match(text, p)]
        ftfy = _stretches_around(text, [p for p in notable if _ftfy_starts().match(text, p)])
    else:
        rare = _rare_starts(text)
        starts = [m.start() for m in _islice(_chain_starts().finditer(text), few + 1)]
        ftfy = _ftfy_segments(text)
    shift = [(s, e) for s, e, _k in _shift_runs(text, rare)]
    chains = [_chains(text, codec, starts) for codec in _CODE_PAGES]
    return MojibakeScan(shift, _windows(text, rare), *chains, ftfy)


@lru_cache(maxsize=1)
def _notable() -> re.Pattern[str]:
    """The positions where one of the scans of :func:`mojibake_scan` finds
    something: a :func:`rare_char`, a :func:`_chain_starts` or a
    :func:`_ftfy_starts` position (one pattern: the text is read once).

    >>> [m.start() for m in _notable().finditer("中文“引号”“x椈 Ã©\\x81")]
    [5, 8, 10, 11, 12]
    """
    wanted = set().union(*map(_cjkcodec.code_page_high, _CODE_PAGES), _cjkcodec.ftfy_chars(0xC0, 0x100),
                         map(chr, range(0x80, 0xA0)))
    spaces = {c for c in map(chr, range(0x80, 0x3001)) if c.isspace()}  # no space lies above U+3000
    quiet = (_cjkcodec.common_chars(_cjkcodec.char_model()) | spaces) - wanted
    first = "[^\\x00-\\x7f%s]" % "".join(re.escape(c) for c in sorted(quiet))
    # Each kind checked on the character just read (look-behind) and after it.
    chain, ftfy = _chain_starts().pattern, _ftfy_starts().pattern
    kinds = ["(?<=%s)" % rare_char().pattern,
             "(?<=%s)%s" % (chain[:chain.index("](") + 1], chain[chain.index("](") + 1:]),
             "(?<=%s)%s" % (ftfy[:ftfy.index("](") + 1], ftfy[ftfy.index("](") + 1:])]
    return re.compile("%s(?:%s)" % (first, "|".join(kinds)))


def _mojibake_scan_reference(text: str) -> MojibakeScan:
    """:func:`mojibake_scan` by its definition (tests compare them)."""
    shift = [(s, e) for s, e, _k in _mojibake_runs_reference(text)]
    if text.isascii():
        return MojibakeScan(shift, [], [], [], [], [])
    chains = [_chains_reference(text, codec) for codec in _CODE_PAGES]
    return MojibakeScan(shift, _rare_windows_reference(text), *chains, _ftfy_segments_reference(text))
