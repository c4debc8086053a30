"""GBK read one byte at a time: as Latin-1, cp1252 or cp1250 (``中国，`` →
``ÖÐ¹ú£¬``), or as UTF-8 with each byte that is no UTF-8 read as Latin-1
(``液压系统`` → ``Һѹϵͳ``).

**Code pages.**  Each character of a stretch goes back to the one byte the
code page shows it for (a byte the code page leaves undefined shows as the
Latin-1 character of the same value, as browsers do); the bytes are read
as GBK.  A stretch is the whole run of code-page characters and ASCII on a
line, so a paragraph with digits and punctuation inside comes back whole
(``2023Äê12ÔÂ,`` is ``2023年12月,``); it is read pair by pair, and an
island is a run of GBK characters and ASCII between bytes GBK cannot pair.
The reading keeps what the bytes spell (``£¬`` is A3 AC, ``，``).  An
island whose bytes are UTF-8 is UTF-8 read as a code page, ftfy's case.

**GBK read as UTF-8.**  A character below U+0100 is either a byte the UTF-8
decoder rejected and showed as Latin-1, or a two-byte UTF-8 sequence; any
other character is its UTF-8 bytes.  The island is the run of characters
below U+0800 (what two GBK bytes become) with at most two other characters
between them (three bytes of UTF-8 from two GBK characters); the choice
per character is the one that keeps GBK's pairs whole, and the reading
must decode to the damaged text again.

>>> [r[:3] for r in code_page_repairs("价格：2023Äê12ÔÂ,ºÜºÃ", [(3, 18)], "latin-1")]
[(7, 18, '年12月,很好')]
>>> [r[2] for r in utf8_fallback_repairs("Һѹϵͳ", [(0, 4)])]
['液压系统']
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from ... import _backend
from ..._cjkcodec import code_page_char, original_pair
from .codecs_judge import TEMPERATURE, Reading, confidence, folded, judge
from .model import fold, posterior, word_fits
from .common import _overlaps, _trim

__all__ = ["code_page_repairs", "utf8_fallback_repairs", "KINDS"]

KINDS = {"latin-1": "gbk-as-latin1", "cp1252": "gbk-as-cp1252", "cp1250": "gbk-as-cp1250"}
#: An island needs this many GBK characters (one alone in Latin text is
#: likelier a word: ``español`` holds F1 6F, a valid pair).
_MIN_PAIRS = 2


@lru_cache(maxsize=None)
def _byte_of(codec: str) -> dict[int, int]:
    """``str.translate`` table: each character the code page shows, to its byte."""
    table = {ord(code_page_char(b, codec)): b for b in range(0x80, 0x100)}
    table.update({b: b for b in range(0x80)})
    return table


@lru_cache(maxsize=None)
def _stretch_re(codec: str) -> re.Pattern[str]:
    high = "".join(re.escape(code_page_char(b, codec)) for b in range(0x80, 0x100))
    return re.compile("[%s\\x20-\\x7e\\t]+" % high)


def _stretches(text: str, chains, codec: str) -> list[tuple[int, int]]:
    """The stretches of code-page characters and ASCII (no line break) that
    hold the scan's chains, each once."""
    pattern = _stretch_re(codec)
    out: list[tuple[int, int]] = []
    for start, end in chains:
        if out and start < out[-1][1]:
            continue
        s = start
        while s > 0 and pattern.match(text, s - 1, s):
            s -= 1
            if out and s <= out[-1][1]:
                s = out[-1][1]
                break
        m = pattern.match(text, s)
        out.append((s, max(m.end() if m else end, end)))
    return out


def _pairs(raw: bytes) -> list[tuple[int, int, str]]:
    """GBK read pair by pair: ``(start, end, char)`` per character, None-free;
    a byte GBK cannot pair gives ``(i, i + 1, "")``."""
    out = []
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b < 0x80:
            out.append((i, i + 1, chr(b)))
            i += 1
            continue
        ch = original_pair(b, raw[i + 1]) if i + 1 < n else None
        if ch is None:
            out.append((i, i + 1, ""))
            i += 1
        else:
            out.append((i, i + 2, ch))
            i += 2
    return out


def _islands(pairs: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Runs of GBK characters and ASCII between unpaired bytes, trimmed of
    ASCII at both ends: ``(first byte, end byte, reading)``, with at least
    ``_MIN_PAIRS`` characters."""
    out = []
    run: list[tuple[int, int, str]] = []
    for item in pairs + [(0, 0, "")]:
        if item[2]:
            run.append(item)
            continue
        while run and len(run[0][2]) == 1 and run[0][1] - run[0][0] == 1:
            run.pop(0)
        while run and run[-1][1] - run[-1][0] == 1:
            run.pop()
        if sum(e - s == 2 for s, e, _c in run) >= _MIN_PAIRS:
            out.append((run[0][0], run[-1][1], "".join(c for _s, _e, c in run)))
        run = []
    return out


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not raw.isascii()


def _latin_utf8(raw: bytes) -> bool:
    """Whether ``raw`` is the UTF-8 of U+0080-U+00FF, some of it lost:
    text read as Latin-1 twice (``Â¹Ãº``), whose C1 controls were taken
    out (``Ã\\x92`` left as ``Ã``).  Every other byte is C2 or C3 there;
    in Chinese GBK one in forty (鹿煤录妹 are C2 and C3 rows).

    >>> _latin_utf8("Â¹ÃºÂ¼ÃÃÂ³".encode("latin-1")), _latin_utf8("¹ú¼ÒÍ³¼Æ".encode("latin-1"))
    (True, False)
    """
    marks = raw.count(0xC2) + raw.count(0xC3)
    return marks >= 2 and marks * 10 >= sum(b >= 0x80 for b in raw) * 3


#: Characters either side of a stretch that :func:`_among_latin_utf8` looks at.
_AROUND = 40


def _among_latin_utf8(text: str, start: int, end: int) -> bool:
    """Whether the text around ``text[start:end]`` is the UTF-8 of
    U+0080-U+00FF read as Latin-1 (``Ã`` and ``Â`` lead every other
    character): a short stretch a code page shows inside it (``¸Â®a``
    where cp1250 stops at each ``Ã``) is part of that, ftfy's layer.

    >>> twice = "國家".encode("big5").decode("latin-1").encode("utf-8").decode("latin-1")
    >>> _among_latin_utf8("x" + twice * 8, 5, 9), _among_latin_utf8("¹ú¼Ò" * 10, 4, 8)
    (True, False)
    """
    around = text[max(0, start - _AROUND):end + _AROUND]
    marks = around.count("Ã") + around.count("Â")
    return marks >= 4 and marks * 10 >= sum(ch >= "\x80" for ch in around) * 3


def _foreign(text: str, i: int, codec: str) -> bool:
    """Whether ``text[i]`` is what two GBK bytes read as UTF-8 make and the
    code page never shows."""
    return 0 <= i < len(text) and bool(_TWO_BYTE_NEAR.match(text, i)) and ord(text[i]) not in _byte_of(codec)


def code_page_repairs(text: str, chains, codec: str, taken=()) -> list[tuple[int, int, str, float, str]]:
    """GBK read as ``codec`` in the stretches holding ``chains`` (the scan's
    spans for that code page), as ``(start, end, after, confidence, kind)``."""
    table = _byte_of(codec)
    out = []
    for s_start, s_end in _stretches(text, chains, codec):
        stretch = text[s_start:s_end]
        raw = stretch.translate(table).encode("latin-1")
        try:
            whole = raw.decode("gbk")
        except UnicodeDecodeError:
            islands = _islands(_pairs(raw))
        else:  # the common case, at C speed: the stretch is GBK throughout
            islands = [(0, len(raw), whole)] if len(raw) - len(whole) >= _MIN_PAIRS else []
        for first, last, reading in islands:
            start, end = s_start + first, s_start + last  # one character per byte
            damaged = text[start:end]
            lo, hi = _trim(damaged, reading)
            start, end, reading = start + lo, end - hi, reading[lo:len(reading) - hi]
            part = raw[first + lo:last - hi]
            if _overlaps(taken, start, end) or _utf8(part) or _latin_utf8(part) or _among_latin_utf8(text, start, end):
                continue  # taken, or UTF-8 read as a code page (ftfy's case)
            if _foreign(text, start - 1, codec) or _foreign(text, end, codec):
                continue  # beside a character no code page shows: GBK read as UTF-8, not this
            if _written_out(damaged) or _wordless_letters(text, start, end, reading):
                continue  # an alphabet, or letters read as no word: not GBK (see those)
            gain = judge(text, start, end, reading)
            if gain is not None:
                out.append(Reading(start, end, reading, confidence(gain, 1.0), KINDS[codec], gain))
    return out


#: Letters in code point order, this many in a row: an alphabet written out.
_IN_ORDER = 4


def _written_out(damaged: str) -> bool:
    """Whether ``damaged`` holds ``_IN_ORDER`` characters above ASCII in
    code point order (``ÀÁÂÃ``): a text listing the letters (``ÀÁÂÃÄÅ 是带
    变音符的拉丁字母`` had become ``懒旅呐``).  GBK read as a code page shows
    four bytes in a row in that order only for two characters whose codes
    follow each other that way (C0 C1 C2 C3), next to never in text.

    >>> _written_out("ÀÁÂÃÄÅ"), _written_out("ÖÐ¹ú£¬"), _written_out("ÀÁÂ")
    (True, False, False)
    """
    run = 1
    for a, b in zip(damaged, damaged[1:]):
        run = run + 1 if a >= "\x80" and ord(b) == ord(a) + 1 else 1
        if run >= _IN_ORDER:
            return True
    return False


#: A reading of this many Han characters or fewer, out of letters alone, must make a word.
_FEW_HAN = 3
#: Latin-1's letters above ¿ (× and ÷ are no letters): both bytes of a GBK
#: character shown so have their high bits set, C0-FF.
_HIGH_LETTERS = re.compile("[\xc0-\xd6\xd8-\xf6\xf8-\xff]+")


def _wordless_letters(text: str, start: int, end: int, reading: str) -> bool:
    """Whether ``text[start:end]`` is Latin-1 letters from À up only (a list
    of them: ``ÀÉÎÕÜ 是大写元音`` had become 郎握) read as at most
    ``_FEW_HAN`` Han characters that make no word of the word list with
    their neighbours.  GBK read as Latin-1 shows most text with a symbol
    among its letters (a trail byte A1-BF: ``ÖÐ¹ú``, ``ºÃµÄ``); a short
    reading of letters alone is vouched for only by a word (``ÕÅÈý`` → 张三).

    >>> _wordless_letters("ÀÉÎÕÜ是", 0, 4, "郎握"), _wordless_letters("ÕÅÈý说", 0, 4, "张三")
    (True, False)
    """
    han = [k for k, c in enumerate(reading) if "\u4e00" <= c <= "\u9fff"]
    if not han or len(han) > _FEW_HAN or not _HIGH_LETTERS.fullmatch(text, start, end):
        return False
    left, right = text[max(0, start - 4):start], text[end:end + 4]
    fits = word_fits(fold(left), [{fold(c): [c]} for c in reading], fold(right), 6)
    return any(not any(fit[k] for fit in fits) for k in han)


# --- GBK read as UTF-8, a rejected byte shown as Latin-1 ---------------------------

def _latin1_fallback(exc: UnicodeDecodeError):
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("textrepair-latin1-fallback", _latin1_fallback)

_TWO_BYTE = re.compile("[\u0100-\U0010ffff]")
#: What two GBK bytes read as UTF-8 make and no code page shows (Һ ѹ ϵ).
_TWO_BYTE_NEAR = re.compile("[\u0250-\u07ff]")
#: Two GBK bytes read as UTF-8 make a character below U+0800 (or a Latin-1 one).
_CORE = re.compile("[\x80-\u07ff]")
_ISLAND = re.compile("(?:[\x80-\u07ff][\x21-\x7e]*)+(?:[^\x00-\u07ff\\s\u3000\ud800-\udfff]{1,2}"
                     "(?:[\x80-\u07ff][\x21-\x7e]*)+)*[^\x00-\u07ff\\s\u3000\ud800-\udfff]?")


#: The letters of the modern alphabets that share UTF-8's two-byte range with
#: GBK read as UTF-8 (Unicode's blocks, their letters as written today):
#: Latin-1 and Latin Extended-A (Turkish ı, Latvian ā, Czech ř), basic Greek,
#: basic Cyrillic, Armenian, Hebrew and Arabic letters.
_ALPHABETS = (
    ("latin", "[A-Za-z\xc0-\xd6\xd8-\xf6\xf8-\u017f]"),
    ("greek", "[\u0386\u0388-\u03ce]"),
    ("cyrillic", "[\u0400-\u045f]"),
    ("armenian", "[\u0531-\u0556\u0561-\u0587]"),
    ("hebrew", "[\u05d0-\u05ea]"),
    ("arabic", "[\u0621-\u064a]"),
)
_WORD_OF = [(name, re.compile("%s*" % cls)) for name, cls in _ALPHABETS]
#: Marks and symbols any alphabet's text holds (combining marks, ™, ·, °).
_NEUTRAL = re.compile("[\x00-\x40\x5b-\x60\x7b-\x7f\xa0-\xbf\xd7\xf7\u0300-\u036f\u2000-\u2bff]")


def _one_alphabet(run: str) -> bool:
    """Whether every letter of ``run`` is a letter of one modern alphabet:
    then it is that language's text (``Ελληνικά``, ``Hırsızı``), not GBK
    bytes, whose characters fall in the two-byte range by their lead byte and
    so mix scripts and rare letters (``Һѹϵͳ``: Cyrillic Һ, Greek ϵ).

    >>> _one_alphabet("Ελληνικά"), _one_alphabet("līdzvadītāja"), _one_alphabet("AHÅ™")
    (True, True, True)
    >>> _one_alphabet("Һѹϵͳ"), _one_alphabet("ÖÐÈËÃñ¹²ºÍ¹úÏÖ")
    (False, True)

    (The second is Latin-1 alone: the code pages' case, read there.)
    """
    letters = _NEUTRAL.sub("", run)
    return any(pattern.fullmatch(letters) for _name, pattern in _WORD_OF)


#: How far a word grows each way (a bound, so a long line costs no more).
_WORD_REACH = 32
_WORD_EDGE = re.compile("[\\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _word(text: str, start: int, end: int) -> str:
    """``text[start:end]`` grown to the whitespace or CJK around it (at most
    ``_WORD_REACH`` characters each way).

    >>> _word("希腊语Ελληνικά 是", 4, 6)
    'Ελληνικά'
    """
    lo = max(0, start - _WORD_REACH)
    while start > lo and not _WORD_EDGE.match(text, start - 1):
        start -= 1
    edge = _WORD_EDGE.search(text, end, min(len(text), end + _WORD_REACH))
    return text[start:edge.start() if edge else min(len(text), end + _WORD_REACH)]


def _options(ch: str) -> list[bytes]:
    """The bytes the UTF-8-with-Latin-1 reader may have shown as ``ch``,
    likeliest first."""
    if ch < "\x80":
        return [ch.encode("ascii")]
    if ch < "\u0100":
        return [ch.encode("latin-1"), ch.encode("utf-8")]
    return [ch.encode("utf-8")]


def _to_gbk(run: str) -> tuple[bytes, float] | None:
    """Bytes for ``run`` whose GBK pairs stay whole and read best: each
    character below U+0100 is a Latin-1 byte or two UTF-8 bytes, and both
    may keep the pairs whole, so a Viterbi search over the characters
    (state: a lead byte waiting for its trail, and the last character read)
    scores the GBK characters with the bigram model."""
    if not any("\x80" <= c < "\u0100" for c in run):
        return run.encode("utf-8"), 1.0
    fast = _fast(run)
    best = _viterbi(run) if _readable(run) else None
    if best is None or (fast is not None and best[0] != fast
                        and best[0].decode("utf-8", "textrepair-latin1-fallback") != run):
        return (fast, 0.9) if fast is not None else None
    if fast is not None and best[0] != fast:
        # Both give the run back: the model's choice, as sure as its lead over the other.
        old, new = (_bigram(raw.decode("gbk")) for raw in (fast, best[0]))
        return best[0], min(best[1], posterior([old / TEMPERATURE, new / TEMPERATURE], new / TEMPERATURE))
    return best


def _bigram(text: str) -> float:
    return _backend.impl.char_score(folded(text))


def _readable(run: str) -> bool:
    """Whether some choice of bytes for ``run`` reads as GBK to the end: the
    states of :func:`_viterbi` without their scores (whether a step reads
    depends on the lead byte alone), so False exactly where it finds no path.

    >>> _readable("Һѹϵͳ"), _readable("ù)字")
    (True, False)
    """
    leads = _START
    for ch in run:
        if len(leads) == 1:
            (lead,) = leads
            leads = _next_leads(ch, lead)
        else:
            leads = frozenset().union(*[_next_leads(ch, lead) for lead in leads])
        if not leads:
            return False
    return -1 in leads


_START = frozenset((-1,))
_NEXT_LEADS: dict = {}


def _next_leads(ch: str, lead: int) -> frozenset:
    """The lead bytes a GBK reader holding ``lead`` may hold after ``ch`` (remembered)."""
    key = (ch, lead)
    found = _NEXT_LEADS.get(key)
    if found is None:
        found = frozenset(step[0] for step in (_read_gbk(option, lead, "") for option in _options(ch))
                          if step is not None)
        if len(_NEXT_LEADS) < 1 << 16:
            _NEXT_LEADS[key] = found
    return found


def _viterbi(run: str) -> tuple[bytes, float] | None:
    logp = _backend.impl.char_logp
    # state (pending lead or -1, last character) -> (score, chosen options as a
    # linked list (option, earlier): a copied list made a long run quadratic)
    best: dict[tuple[int, str], tuple[float, tuple | None]] = {(-1, ""): (0.0, None)}
    for ch in run:
        nxt: dict[tuple[int, str], tuple[float, tuple | None]] = {}
        for option in _options(ch):
            for (lead, last), (score, chosen) in best.items():
                step = _read_gbk(option, lead, last)
                if step is None:
                    continue
                lead2, last2, emitted = step
                last2 = folded(last2)
                total = score
                prev = last
                for c in folded(emitted):
                    total += logp(prev, c) if prev else logp("\x00", c)
                    prev = c
                key = (lead2, last2)
                if key not in nxt or total > nxt[key][0]:
                    nxt[key] = (total, (option, chosen))
        if not nxt:
            return None
        best = nxt
    ends = [v for (lead, _l), v in best.items() if lead < 0]
    if not ends:
        return None
    top = max(ends, key=lambda v: v[0])
    share = posterior([v[0] / TEMPERATURE for v in ends], top[0] / TEMPERATURE)
    options, link = [], top[1]
    while link is not None:
        option, link = link
        options.append(option)
    return b"".join(reversed(options)), share


def _fast(run: str) -> bytes | None:
    """Every character below U+0100 as its Latin-1 byte, when that reads as
    GBK and gives the run back (the common case, at C speed)."""
    raw = b"".join(c.encode("latin-1") if c < "\u0100" else c.encode("utf-8") for c in run)
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return None
    if raw.decode("utf-8", "textrepair-latin1-fallback") != run:
        return None
    return raw


def _read_gbk(option: bytes, lead: int, last: str):
    """Feed ``option`` to a GBK reader holding ``lead`` (-1: none): the new
    lead, the last character and the characters read, or None."""
    emitted = ""
    for b in option:
        if lead >= 0:
            ch = original_pair(lead, b)
            if ch is None:
                return None
            emitted += ch
            lead = -1
        elif b < 0x80:
            emitted += chr(b)
        elif 0x81 <= b <= 0xFE:
            lead = b
        else:
            return None
    return lead, (emitted[-1] if emitted else last), emitted


#: GBK characters a reading must have before :func:`_nothing_rejected` asks,
#: and the share of them below which too few bytes were shown as rejected
#: (1 in ``_REJECTED_SHARE``): readings of 6 characters or more of the
#: benchmark's GBK-as-UTF-8 sentences show at least 1 in 3 (median 1.3 per
#: character); a decoder that dropped them, 1 in 30.
_REJECTS_BY = 6
_REJECTED_SHARE = 5


def _nothing_rejected(damaged: str, raw: bytes, reading: str) -> bool:
    """Whether a reading of ``_REJECTS_BY`` GBK characters or more took
    (next to) no character of ``damaged`` for a byte the decoder rejected
    (shown as Latin-1).  UTF-8 accepts a GBK pair only when its lead is
    C2-DF and its trail 80-BF, about one common character in eight (液压系统
    is such a one); in a longer stretch the decoder showed rejected bytes, and a
    stretch without them was read by a decoder that dropped them
    (``errors="ignore"``), its pairs out of step (``ҷչĸίԱݾ־ֳ`` had become
    曳展母委员菥志殖 at 0.99).

    >>> _nothing_rejected("Һѹϵͳ", bytes.fromhex("d2bad1b9cfb5cdb3"), "液压系统")
    False
    """
    han = sum(c >= "\u4e00" for c in reading)
    if han < _REJECTS_BY:
        return False
    shown = len(damaged.encode("utf-8")) - len(raw)  # each byte read as Latin-1 is one byte shorter
    return shown * _REJECTED_SHARE < han


def utf8_fallback_repairs(text: str, windows, taken=()) -> list[tuple[int, int, str, float, str]]:
    """GBK read as UTF-8 with a Latin-1 fallback, in ``windows``.

    An island in or beside a U+FFFD is none: that decoder showed the bytes it
    rejected as U+FFFD, and lost them (GBK read with ``errors="replace"``).
    The letters between are pairs it happened to accept, out of step with
    GBK's (局局长 BE D6 BE D6 B3 A4 shows ``\ufffd־ֳ``: D6 BE and D6 B3), and
    reading them as GBK gives other characters (``°\ufffd`` had become 帮拷).

    >>> utf8_fallback_repairs("\ufffd־ֳ\ufffd", [(0, 4)])
    []
    """
    out = []
    for w_start, w_end in windows:
        for m in _ISLAND.finditer(text, w_start, w_end):
            start, end = m.span()
            if _overlaps(taken, start, end):
                continue
            damaged = m.group()
            if not _TWO_BYTE.search(damaged):
                continue  # Latin-1 alone: the code pages read these bytes the same
            if "\ufffd" in text[max(0, start - 1):end + 1]:
                continue  # a decoder that replaces: no byte of it is known (see above)
            found = _to_gbk(damaged)
            if found is None:
                continue
            raw, share = found
            try:
                reading = raw.decode("gbk")
            except UnicodeDecodeError:
                continue
            if raw.decode("utf-8", "textrepair-latin1-fallback") != damaged:
                continue  # the reader would not have shown these bytes so
            if sum(c >= "\u4e00" for c in reading) < _MIN_PAIRS:
                continue
            if _nothing_rejected(damaged, raw, reading):
                continue  # a long stretch and no byte shown as Latin-1: bytes were dropped, pairs unknown
            # (Last of the tests that only reject, as it costs the most where most runs fail.)
            if _one_alphabet(_word(text, start, end)) or _written_out(damaged):
                continue  # a word of one alphabet, or the alphabet itself: that language, not GBK
            lo, hi = _trim(damaged, reading)
            s, e, after = start + lo, end - hi, reading[lo:len(reading) - hi]
            gain = judge(text, s, e, after)
            if gain is not None:
                out.append(Reading(s, e, after, confidence(gain, share), "gbk-as-utf8", gain))
    return out
