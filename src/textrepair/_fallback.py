"""Pure-Python twins of every C entry point in ``native/``.

These functions are the specification: the C core must return exactly what
they return, which the property tests in ``tests/test_equivalence.py`` check.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from . import _cjkcodec
from . import _flags as F
from ._tables import reading_table

# --- scan.c ---------------------------------------------------------------

_SINGLE = (("<", F.HAS_LT), ("&", F.HAS_AMP), ("(", F.HAS_PAREN), ("?", F.HAS_QMARK),
           ("\r", F.HAS_CR), ("\t", F.HAS_TAB), ("\ufffd", F.HAS_FFFD))
# The classes of code points behind the other flags, as regex set bodies.
_CLASS_SETS = (
    (F.HAS_LATIN1, "\x80-\xff"),
    (F.HAS_SPACE, "\xa0\u2000-\u200a\u202f\u205f\u3000"),
    (F.HAS_INVISIBLE, "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff"),
    (F.HAS_PUA, "\ue000-\uf8ff\U000f0000-\U0010ffff"),
    (F.HAS_FULLWIDTH, "\uff01-\uff5e"),
)
_ALL_CLASSES = sum(bit for bit, _ in _CLASS_SETS)
_CLASS_PATTERNS = tuple((bit, re.compile(f"[{body}]")) for bit, body in _CLASS_SETS)


@lru_cache(maxsize=None)
def _union(missing: int) -> re.Pattern[str]:
    """One pattern for every class whose bit is in ``missing``."""
    return re.compile("[" + "".join(body for bit, body in _CLASS_SETS if bit & missing) + "]")


def _classes_of(ch: str) -> int:
    return sum(bit for bit, pattern in _CLASS_PATTERNS if pattern.match(ch))


def scan_flags(text: str) -> int:
    """Which kinds of damage may be present (``HAS_*`` bits).

    >>> scan_flags("數(shu)") == F.HAS_PAREN
    True
    >>> scan_flags("\xa0\ue000\uff01") == F.HAS_SPACE | F.HAS_LATIN1 | F.HAS_PUA | F.HAS_FULLWIDTH
    True
    """
    flags = 0
    for ch, bit in _SINGLE:
        if ch in text:
            flags |= bit
    # One pass for all classes: search for any class not yet seen, and after
    # each hit drop the classes it showed, so the text is read about once.
    missing, pos = _ALL_CLASSES, 0
    while missing:
        hit = _union(missing).search(text, pos)
        if hit is None:
            break
        found = _classes_of(hit.group())
        flags |= found
        missing &= ~found
        pos = hit.end()
    return flags


def forget() -> None:
    """Twin of ``_cext.forget``, which drops its cached encoding; nothing to drop here.

    >>> forget()
    """


# --- annotations.c ----------------------------------------------------------

# At most 8 code points between the parentheses, none of them a parenthesis.
# (The pattern starts with its literal "(" so the regex engine can jump to
# candidates; the annotated character is read outside it.)
_PARENS = re.compile(r"\(([^()]{1,8})\)")


def _judge(table, han: str, syllable: str) -> int:
    """``ANN_TONED | ANN_TRAD`` flags of ``han(syllable)``, or -1 when the
    syllable is not a reading of ``han``."""
    readings = table.readings.get(han)
    if readings is None:
        return -1
    spelled = table.spell(syllable)
    if spelled is None:
        return -1
    word, tone = spelled
    if not (word in readings if tone else word in table.toneless[han]):
        return -1
    flags = F.ANN_TONED if tone else 0
    if han in table.traditional:
        flags |= F.ANN_TRAD
    return flags


def _follows(text: str, last: tuple[int, int, int, int], start: int) -> bool:
    """Does an annotation at ``start`` come right after the ``last`` one
    (or after the space of a toneless one)?  Then it annotates the same character.

    >>> _follows("關(guan) (guan)", (1, 7, ord("關"), 0), 8)
    True
    """
    _s, end, _han, flags = last
    return start == end or (start == end + 1 and text[end] == " " and not flags & F.ANN_TONED)


class AnnotationScan:
    """The annotations found in one text (see ``tr_find_annotations``).

    ``stats`` is ``(found, traditional, toneless, toneless_spaced)``;
    ``occurrences()`` counts the annotated characters in the whole text,
    annotated or not (``tr_count_annotated``: a pass over the text, so it is
    taken only on demand); ``matches()`` lists ``(start, end, han, flags)``
    with offsets in code points; ``removed(eat_space)`` is the text without them.
    """

    __slots__ = ("_text", "_matches", "stats")

    def __init__(self, text: str) -> None:
        table = reading_table()
        # Converter pages repeat the same few annotations: judge each once.
        verdicts: dict[str, int] = {}
        matches: list[tuple[int, int, int, int]] = []
        # Every annotation ends with ")": without one there is nothing to find.
        found = _PARENS.finditer(text) if ")" in text else ()
        for m in found:
            start, end = m.span()
            if start == 0:
                continue
            han = text[start - 1]
            if matches and _follows(text, matches[-1], start):
                han = chr(matches[-1][2])  # the converter ran twice: 數(shù)(shù)
            key = han + text[start:end]
            flags = verdicts.get(key)
            if flags is None:
                flags = verdicts[key] = _judge(table, key[0], m.group(1))
            if flags < 0:
                continue
            if text.startswith(" ", end):
                flags |= F.ANN_SPACE_AFTER
            matches.append((start, end, ord(key[0]), flags))
        toned = sum(1 for m in matches if m[3] & F.ANN_TONED)
        traditional = sum(1 for m in matches if m[3] & F.ANN_TRAD)
        toneless_spaced = sum(1 for m in matches if m[3] & (F.ANN_TONED | F.ANN_SPACE_AFTER) == F.ANN_SPACE_AFTER)
        self._text = text
        self._matches = matches
        self.stats = (len(matches), traditional, len(matches) - toned, toneless_spaced)

    def occurrences(self) -> int:
        text = self._text
        return sum(text.count(chr(cp)) for cp in {m[2] for m in self._matches})

    def matches(self) -> list[tuple[int, int, int, int]]:
        return list(self._matches)

    def removed(self, eat_space: bool) -> str:
        text = self._text
        pieces = []
        pos = 0
        for start, end, _han, flags in self._matches:
            if eat_space and flags & F.ANN_SPACE_AFTER and not flags & F.ANN_TONED:
                end += 1
            pieces.append(text[pos:start])
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces)


def scan_annotations(text: str) -> AnnotationScan:
    """Find every ``(reading)`` that directly follows a character it is a reading of.

    >>> scan_annotations("數(shù)字").removed(False)
    '數字'
    """
    return AnnotationScan(text)


# --- mojibake.c ---------------------------------------------------------------

_FOLD_PUNCT = "!,;:?"
_SPLIT_START = "!,;?\u3002\u3001"  # characters whose GBK bytes start A1/A3 (the split pairs)
_RUN_CAP = 48


def _pinyin_letter(ch: str) -> bool:
    return _ascii_letter(ch) or ch in reading_table().letters


def _tail_end(text: str, i: int) -> int:
    """End of ``letters)`` starting at ``i`` (1-7 pinyin letters), or -1."""
    j = i
    n = len(text)
    while j < n and j - i < 8 and _pinyin_letter(text[j]):
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
    """Where a run that is still open at ``i`` ends (see tr_mojibake_runs)."""
    n = len(text)
    start = i
    cap = i + _RUN_CAP
    while i < n and i < cap:
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
    runs: list[tuple[int, int, int]] = []
    if "?" not in text and "!" not in text and ";" not in text:
        return runs
    n = len(text)
    last_end = 0
    found = _ANCHOR_CHAR.search(text)
    while found is not None:
        p = found.start()
        if _anchor(text, p):
            start = max(_run_start(text, p), last_end)
            end = _run_end(text, p)
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
        found = _ANCHOR_CHAR.search(text, p) if p < n else None
    return runs


_ANCHOR_CHAR = re.compile("[?!;]")
_QMARKS = re.compile(r"\?+")


# --- markup.c -----------------------------------------------------------------

# A "<" before a tag-name letter, "/" or "!", or an "&" before a name or "#".
_MARKUP_CANDIDATE = re.compile(r"<[A-Za-z/!]|&[A-Za-z#]")


def markup_candidates(text: str) -> list[int]:
    """Offsets (code points) where markup may start, in order: the only
    places the markup stage tokenizes.

    >>> markup_candidates("a<b && c>d <p>x&amp;<<三体>> & #")
    [1, 11, 15]
    """
    if "<" not in text and "&" not in text:
        return []
    return [m.start() for m in _MARKUP_CANDIDATE.finditer(text)]


# --- boilerplate.c ------------------------------------------------------------

from bisect import bisect_right as _bisect_right  # noqa: E402  (this section's own imports)
from itertools import accumulate as _accumulate  # noqa: E402

_SEPARATORS = " \t\u3000"


@lru_cache(maxsize=16)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    wanted = sorted({p for p in phrases if p}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in wanted)) if wanted else None


@lru_cache(maxsize=16)
def _items_pattern(min_items: int) -> re.Pattern[str]:
    # At least ``min_items`` runs of non-separators on one line, anchored at
    # the line start so a long line is read once.
    sep, item = f"[{_SEPARATORS}]", f"[^{_SEPARATORS}\\n]"
    return re.compile(f"^{sep}*(?:{item}+{sep}+){{{min_items - 1}}}{item}", re.M)


def boilerplate_lines(text: str, phrases: tuple[str, ...], min_items: int) -> list[int]:
    """Indices of the lines (split at ``\\n``) holding one of ``phrases`` or,
    when ``min_items`` > 0, at least that many items separated by spaces,
    tabs or U+3000.

    >>> boilerplate_lines("正文。\\n分享到:\\n新 聞 要 聞\\nx", ("分享",), 4)
    [1, 2]
    """
    if "\n" not in text:
        ends = [len(text) + 1]
    else:
        ends = list(_accumulate(len(line) + 1 for line in text.split("\n")))
    found: set[int] = set()
    patterns = [_phrase_pattern(phrases)]
    if min_items > 0:
        patterns.append(_items_pattern(min_items))
    for pattern in patterns:
        if pattern is not None:
            found.update(_bisect_right(ends, m.start()) for m in pattern.finditer(text))
    return sorted(found)

# --- mojibake.c: tr_mojibake_scan ------------------------------------------------

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


def rare_windows(text: str) -> list[tuple[int, int]]:
    """The space-delimited stretches of ``text`` that hold a rare character.

    >>> rare_windows("新闻 发布会:鏂伴椈 好")
    [(3, 10)]
    """
    windows: list[tuple[int, int]] = []
    done = 0
    for m in rare_char().finditer(text):
        p = m.start()
        if p < done:
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
    return any(c.isalpha() for c in run)


def _ftfy_segments(text: str) -> list[tuple[int, int]]:
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
    shift = [(s, e) for s, e, _k in mojibake_runs(text)]
    if text.isascii():  # every other class is non-ASCII
        return MojibakeScan(shift, [], [], [], [], [])
    chains = [[m.span() for m in code_page_run(codec).finditer(text) if _has_letter(m.group())]
              for codec in ("latin-1", "cp1252", "cp1250")]
    return MojibakeScan(shift, rare_windows(text), *chains, _ftfy_segments(text))
# --- normalise.c --------------------------------------------------------------

# The code points of each class, as regex set bodies (see tr_normalise_runs).
_NORM_SETS = (
    (F.NORM_INVISIBLE, "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200d\u2060\ufeff"),
    (F.NORM_SPACE, " \t\n\r\xa0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"),
    (F.NORM_FULLWIDTH, "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"),
    (F.NORM_PUNCT, ",.:;!?"),
    (F.NORM_FFFD, "\ufffd"),
)
_NORM_SINGLE = tuple((bit, re.compile(f"[{body}]")) for bit, body in _NORM_SETS)


@lru_cache(maxsize=None)
def _norm_pattern(classes: int) -> re.Pattern[str] | None:
    bodies = "".join(body for bit, body in _NORM_SETS if bit & classes)
    return re.compile(f"[{bodies}]+") if bodies else None


def _norm_class(ch: str) -> int:
    for bit, pattern in _NORM_SINGLE:
        if pattern.match(ch):
            return bit
    return 0


def normalise_runs(text: str, classes: int) -> list[tuple[int, int, int]]:
    """Maximal runs ``(start, end, classes)`` of code points in the enabled
    ``classes`` (``NORM_*`` bits), in order; a run's classes are those it holds.

    >>> normalise_runs("中\u200b文\ufffd", F.NORM_INVISIBLE | F.NORM_FFFD)
    [(1, 2, 1), (3, 4, 16)]
    >>> normalise_runs("a, b", F.NORM_SPACE | F.NORM_PUNCT)
    [(1, 3, 10)]
    """
    pattern = _norm_pattern(classes)
    if pattern is None:
        return []
    runs = []
    for m in pattern.finditer(text):
        found = 0
        for ch in set(m.group()):
            found |= _norm_class(ch)
        runs.append((m.start(), m.end(), found & classes))
    return runs


# --- mojibake_beam.c: tr_mojibake_best, tr_char_logp, tr_char_score ------------------------------
# The beam search of the mojibake stage's byte-shift repair (stages/mojibake.py
# builds the tokens).  A state is (score, pending, prevbyte, lastpair, prevchar,
# out, guesses): pending is None (in step), a lead byte, or BEAM_U (an unknown
# lead); prevbyte is the byte before the pending lead; lastpair is the
# character the last two bytes formed when the last step completed a pair; out
# is the text so far as a cons list (previous out, piece), so extending it
# costs O(1).  Only (pending, prevbyte, lastpair, prevchar) shape the future,
# so of the states that agree on them the best one dominates the rest (Viterbi).

#: States kept after each token (``TR_BEAM_WIDTH``).
BEAM = 16
#: Log-probability a repair pays per byte it had to guess (``TR_BEAM_GUESS_COST``);
#: calibrated with the stage's MARGIN on seeds/ and tests/data/negative.json.
GUESS_COST = 2.0

# Atoms of a byte hypothesis (besides a byte, an int, and the annotation
# tuples ``("ann", chars, text)`` and ``("annchar", chars, text)``).
BEAM_PIECE = "piece"  # a piece starts here: the decoder was in step or a lone lead was lost
BEAM_U = "u"  # one unknown byte
BEAM_LOSTB = "lost"  # one lost ASCII byte (swallowed as an invalid trail)
BEAM_LOST = "\x00"  # a lost ASCII byte in the output, replaced after decoding

# Module-level names: the search calls these hundreds of thousands of times.
_char_model = _cjkcodec.char_model
_original_pair = _cjkcodec.original_pair
_encode_char = _cjkcodec.encode_char
_LEADS = _cjkcodec.LEADS
_TRAILS = _cjkcodec.TRAILS


@lru_cache(maxsize=None)
def _pairs_ending(trail: int) -> tuple[tuple[int, str], ...]:
    """(lead, character) of every authored GBK pair with this trail byte."""
    return tuple((lead, ch) for lead in _LEADS if (ch := _original_pair(lead, trail)))


@lru_cache(maxsize=None)
def _pairs_starting(lead: int) -> tuple[tuple[int, str], ...]:
    """(trail, character) of every authored GBK pair with this lead byte."""
    return tuple((trail, ch) for trail in _TRAILS if (ch := _original_pair(lead, trail)))


def _emit(state, ch: str, pending, prevbyte, lastpair, guesses: int):
    score, _p, _pb, _lp, prevchar, out, g = state
    cp = ord(ch)  # _cjkcodec.fold, inlined: the search's hottest line
    shown = chr(cp - 0xFEE0) if 0xFF01 <= cp <= 0xFF5E else ch
    return (score + _char_model().logp(prevchar, shown), pending, prevbyte, lastpair, shown,
            (out, shown), g + guesses)


def _step_byte(state, b: int) -> list:
    _s, pending, prevbyte, _lp, _pc, _out, _g = state
    if pending is None:
        if b < 0x80:
            return [_emit(state, chr(b), None, b, None, 0)]
        if b == 0x80 or b == 0xFF:
            return []
        return [state[:1] + (b, prevbyte, None) + state[4:]]
    if pending == BEAM_U:
        return [_emit(state, ch, None, b, ch, 1) for _lead, ch in _pairs_ending(b)]
    ch = _original_pair(pending, b)
    return [_emit(state, ch, None, b, ch, 0)] if ch else []


def _step_unknown(state) -> list:
    _s, pending, prevbyte, _lp, _pc, _out, _g = state
    if pending is None:
        return [state[:1] + (BEAM_U, prevbyte, None) + state[4:]]
    if pending == BEAM_U:
        # Two lone bytes in a row: the second was a piece of its own, cut
        # before it and after it, so it starts a split pair (A1 or A3).
        return [_emit(state, ch, None, trail, ch, 2) for trail in (0xA1, 0xA3) for _lead, ch in _pairs_ending(trail)]
    return [_emit(state, ch, None, trail, ch, 1) for trail, ch in _pairs_starting(pending)]


def _step_ann(state, chars: frozenset[str], text: str) -> list:
    score, pending, prevbyte, lastpair, prevchar, out, g = state
    if pending is None:
        # In step: the annotation follows the whole character it names; keep it.
        return [(score, None, prevbyte, None, prevchar, (out, text), g)] if lastpair in chars else []
    if prevbyte is None:
        return []
    if pending == BEAM_U:
        # The lead byte is pinned by the reading.
        return [(score, lead, prevbyte, None, prevchar, out, g) for lead in _LEADS
                if _original_pair(prevbyte, lead) in chars]
    # Inside a character: the converter saw the two bytes straddling two characters.
    return [state] if _original_pair(prevbyte, pending) in chars else []


def _step(state, atom) -> list:
    if isinstance(atom, int):
        return _step_byte(state, atom)
    if atom == BEAM_U:
        return _step_unknown(state)
    if atom == BEAM_PIECE:
        return [state] if state[1] is None or state[1] == BEAM_U else []
    if atom == BEAM_LOSTB:
        if state[1] is not None:
            return []
        # Not a guess: the byte is gone either way, and says so in the output.
        return [state[:1] + (None, 0, None) + state[4:5] + ((state[5], BEAM_LOST), state[6])]
    kind, chars, text = atom
    if kind == "ann":
        return _step_ann(state, chars, text)
    found = []
    for ch in chars:
        raw = _encode_char(ch)
        states = [state]
        for b in raw:
            states = [t for s in states for t in _step_byte(s, b)]
        for s in states:
            found.extend(_step_ann(s, chars, text))
    return found


def _text_of(out) -> str:
    pieces = []
    while out:
        out, piece = out
        pieces.append(piece)
    return "".join(reversed(pieces))


def _rank(state) -> float:
    return -state[0] + GUESS_COST * state[6]


def _merge(best: dict[tuple, tuple], states: list) -> None:
    """Keep in ``best`` the best state of each future-shaping key."""
    for t in states:
        key = t[1:5]
        kept = best.get(key)
        # Equal outputs with fewer guesses win; the first of equals stays.
        if kept is None or _rank(t) < _rank(kept):
            best[key] = t


def _best_states(states: list) -> list:
    best: dict[tuple, tuple] = {}
    _merge(best, states)
    return sorted(best.values(), key=_rank)[:BEAM]


def mojibake_best(toks, before: str, after: str, lost_lead: bool) -> tuple[float, str, int] | None:
    """The best-scoring in-step reading of a run's tokens (``stages.mojibake.tokens``):
    ``(score, text, guesses)`` or None.  ``before``/``after``: the characters
    around the run ("" at an end); ``lost_lead``: the run may start after a
    lost lead byte.

    >>> toks = [("?", [(63,), (BEAM_PIECE, 0xA3, 0xBF)]), ("笆", [(0xB0, 0xCA)])]
    >>> mojibake_best(toks, "", "", False)[1]
    '?笆'
    """
    start = (0.0, None, None, None, before, (), 0)
    states = [start]
    if lost_lead:
        states.append(start[:1] + (BEAM_U,) + start[2:])
    for _text, options in toks:
        best: dict[tuple, tuple] = {}
        for state in states:
            for option in options:
                branch = [state]
                for atom in option:
                    branch = [t for s in branch for t in _step(s, atom)]
                    if len(branch) > BEAM:  # an unknown byte fans out ~190 ways
                        branch = _best_states(branch)
                    if not branch:
                        break
                _merge(best, branch)
        if not best:
            return None
        states = sorted(best.values(), key=_rank)[:BEAM]
    model = _char_model()
    finals = []
    for s in states:
        if s[1] is not None:
            continue
        total = s[0] + (model.logp(s[4], after) if after else 0.0)
        finals.append((total - GUESS_COST * s[6], total, s[5], s[6]))
    if not finals:
        return None
    finals.sort(key=lambda f: -f[0])
    _adj, total, out, guesses = finals[0]
    return total, _text_of(out), guesses


def char_logp(prev: str, ch: str) -> float:
    """log P(ch | prev) under the stage's character model ("" : no previous character).

    >>> char_logp("中", "国") > char_logp("中", "鍀")
    True
    """
    return _char_model().logp(prev, ch)


def char_score(text: str, before: str = "", after: str = "") -> float:
    """log P of ``text`` between its neighbours ("" at an end) under the character model.

    >>> char_score("中国") > char_score("涓浗")
    True
    """
    return _char_model().score(text, before, after)
