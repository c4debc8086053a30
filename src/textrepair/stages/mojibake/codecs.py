"""Text decoded with the wrong codec: UTF-8 read as GBK, GBK read as
Latin-1/cp1252/cp1250, Big5 and GBK confused, ``锟斤拷``; and Latin-script
mojibake, which goes to ftfy.  Each mechanism turns a suspicious stretch back
into bytes under the decoder that damaged it and decodes them with the codec
they were written in; a stretch changes only when the model finds the result
far more plausible."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from ... import _backend
from ..._cjkcodec import FOLD, char_model, code_page_char, encode_char, fold
from ..._fallback import NO_CJK, code_page_run, ftfy_suspect, rare_char
from .codecs_utf8 import utf8_repairs
from .common import _logistic, _outside, _overlaps, _remembered, _trim

_REPLACED = "锟斤拷"  # two U+FFFD in UTF-8 read as GBK: the bytes were lost before


def _lost_marks(text: str, lost: str, taken) -> list[tuple[int, int, str, float, str]]:
    """``锟斤拷`` (and ``锟�``): report it; drop or mark it as ``lost`` says."""
    if lost == "keep" or "锟" not in text:
        return []
    found = []
    for m in re.finditer("锟斤拷|锟\ufffd", text):
        if not _overlaps(taken, m.start(), m.end()):
            found.append((m.start(), m.end(), "" if lost == "drop" else "\ufffd", 0.9, "lost-byte"))
    return found



# --- text decoded with the wrong codec --------------------------------------------
# Each mechanism turns a suspicious stretch back into bytes under the decoder
# that damaged it and decodes them with the codec they were written in.  A
# stretch changes only when the model finds the result far more plausible.

CODEC_MARGIN = 10.0
#: A repair must read at least as much like Chinese (mean log-probability per
#: character) as the least Chinese-looking of the benchmark's 2,000 clean
#: sentences (-12.3): rare-character salad (`MÄ£ÄM` → 模腗) is not a repair.
CODEC_FLOOR = -12.5
_SINGLE_BYTE = {"gbk-as-latin1": "latin-1", "gbk-as-cp1252": "cp1252", "gbk-as-cp1250": "cp1250"}


class _Utf8Segments:
    """Which CJK-free stretches of a text, read back as a code page's bytes, are
    UTF-8 with some non-ASCII (ftfy's case).  Stretches are found once per text,
    on the first question (most texts never ask), and each verdict is kept, so
    many runs in one long stretch cost one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] | None = None
        self.starts: list[int] = []
        self.verdicts: dict[tuple[int, str], bool] = {}

    def holds(self, start: int, codec: str) -> bool:
        """True when the stretch holding ``start`` is UTF-8 read as ``codec``."""
        if self.spans is None:
            self.spans = [m.span() for m in _NO_CJK.finditer(self.text)]
            self.starts = [s for s, _e in self.spans]
        i = bisect_right(self.starts, start) - 1
        if i < 0 or self.spans[i][1] <= start:
            return False
        key = (i, codec)
        if key not in self.verdicts:
            self.verdicts[key] = _is_utf8_as(self.text[slice(*self.spans[i])], codec)
        return self.verdicts[key]


def _is_utf8_as(segment: str, codec: str) -> bool:
    table = _byte_table(codec)
    try:
        raw = bytes(table[c] for c in segment)
        raw.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return False
    return not raw.isascii()


_WIDE_RUN = re.compile(r"[^\x00-\x7f\s\u3000\u3001\u3002\uff0c\u201c\u201d\u300a\u300b\uff08\uff09\ufffd]"
                       r"[^\x00-\x7f\s\u3000]+")
#: The class of _WIDE_RUN's tail, which holds its first character's class too.
_WIDE_CHAR = re.compile(r"[^\x00-\x7f\s\u3000]")


def _wide_runs_with_rare(text: str, windows, rare: re.Pattern, taken=()) -> Iterator[re.Match]:
    """The matches of ``_WIDE_RUN`` in ``windows`` that may hold a ``rare``
    character outside ``taken`` (sorted spans), in order: a subset of
    ``finditer``'s that keeps every match holding one.

    A match lies inside one maximal run of ``_WIDE_CHAR`` (greedy, to its
    end) and ``finditer`` finds at most one per run: the one ``search`` finds
    from the run's start.  Clean Chinese has a run per clause and almost no
    rare character, so starting from the rare characters' runs skips the rest.
    A rare character inside ``taken`` (a repaired shift run is full of them)
    starts nothing: its run's match meets ``taken``, and any match it would
    find beyond its run is found again from that match's own rare character.

    >>> [m.group() for m in _wide_runs_with_rare("新闻,发布会:鏂伴椈,好", [(0, 12)], _rare_char())]
    ['鏂伴椈']
    """
    wide = _WIDE_CHAR.match
    for window_start, window_end in windows:
        done = window_start
        exhausted = False
        for piece_start, piece_end in _outside(window_start, window_end, taken):
            if piece_end <= done:
                continue
            for hit in rare.finditer(text, max(piece_start, done), piece_end):
                p = hit.start()
                if p < done:
                    continue
                run_start = p
                while run_start > done and wide(text, run_start - 1):
                    run_start -= 1
                m = _WIDE_RUN.search(text, run_start, window_end)
                if m is None:
                    exhausted = True
                    break
                done = m.end()
                yield m
            if exhausted:
                break


_byte_char = code_page_char


@lru_cache(maxsize=None)
def _byte_table(codec: str) -> dict[str, int]:
    table = {_byte_char(b, codec): b for b in range(0x80, 0x100)}
    table.update({chr(b): b for b in range(0x80)})
    return table


def _single_byte_to_gbk(run: str, codec: str) -> str | None:
    table = _byte_table(codec)
    try:
        raw = bytes(table[c] for c in run)
    except KeyError:
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None  # UTF-8 read as a code page: ftfy's case (`â€™` is ’)
    try:
        return raw.decode("gbk")
    except UnicodeDecodeError:
        return None


_latin_run = code_page_run


def _has_letter(run: str) -> bool:
    """At least one letter: a pair of NBSPs or a lone sign (©, °) is far likelier real."""
    return any(c.isalpha() for c in run)


def _lookahead(data: list[int | None], i: int, codec: str) -> str:
    """The character the known bytes at ``i`` start, or "" (context for a guess)."""
    for size in (1, 2, 3, 4):
        chunk = data[i : i + size]
        if None in chunk or len(chunk) < size:
            return ""
        try:
            return bytes(chunk).decode(codec)
        except UnicodeDecodeError:
            continue
    return ""


def _utf8_fill(data: list[int | None], before: str) -> str | None:
    """Decode UTF-8 whose unknown bytes (None) are guessed with the model."""
    model = char_model()
    out = []
    prev = before
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b is not None and b < 0x80:
            out.append(chr(b))
            prev = chr(b)
            i += 1
            continue
        if b is not None and 0xC2 <= b < 0xE0:
            size = 2
        elif b is None or 0xE0 <= b < 0xF0:
            size = 3
        elif 0xF0 <= b < 0xF5:
            size = 4
        else:
            return None
        chunk = data[i : i + size]
        if len(chunk) < size or chunk.count(None) > 1:
            return None
        best = None
        for fill in range(0x80, 0xC0) if None in chunk[1:] else (0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9) if None in chunk else (0,):
            raw = bytes(fill if x is None else x for x in chunk)
            try:
                ch = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            score = model.logp(prev, ch)
            if None in chunk:
                nxt = _lookahead(data, i + size, "utf-8")
                if nxt:
                    score += model.logp(ch, nxt)
            if best is None or score > best[0]:
                best = (score, ch)
        if best is None:
            return None
        out.append(best[1])
        prev = best[1]
        i += size
    return "".join(out)


def _big5_fill(run: str, before: str) -> str | None:
    """Big5 bytes read by cp936, back to Big5; a byte cp936 could not pair
    (shown as U+FFFD, mostly the A1 lead of Big5 punctuation) is guessed."""
    data: list[int | None] = []
    for ch in run:
        if ch == "\ufffd":
            data.append(None)
            continue
        raw = encode_char(ch)
        if raw is None:
            return None
        data.extend(raw)
    model = char_model()
    out = []
    prev = before
    i = 0
    while i < len(data):
        b = data[i]
        if b is not None and b < 0x80:
            out.append(chr(b))
            prev = chr(b)
            i += 1
            continue
        pair = data[i : i + 2]
        if len(pair) < 2 or pair[1] is None:
            return None
        best = None
        nxt = _lookahead(data, i + 2, "big5")
        for lead in range(0x81, 0xFF) if b is None else (b,):
            try:
                ch = bytes((lead, pair[1])).decode("big5")
            except UnicodeDecodeError:
                continue
            score = model.logp(prev, fold(ch)) + (model.logp(fold(ch), nxt) if nxt and b is None else 0.0)
            if best is None or score > best[0]:
                best = (score, fold(ch))
        if best is None:
            return None
        out.append(best[1])
        prev = best[1]
        i += 2
    return "".join(out)


def _utf8_as_gbk(run: str, before: str) -> str | None:
    data: list[int | None] = []
    for ch in run:
        if ch == "\ufffd":
            data.append(None)
            continue
        raw = encode_char(ch)
        if raw is None:
            return None
        data.extend(raw)
    if not any(b is not None and b >= 0xE0 for b in data):
        return None
    return _utf8_fill(data, before)


def _recode(run: str, wrong: str, right: str) -> str | None:
    try:
        raw = b"".join(_cp936_bytes(ch) for ch in run) if wrong == "cp936" else run.encode(wrong)
        return raw.decode(right)
    except (UnicodeEncodeError, UnicodeDecodeError, TypeError):
        return None


def _cp936_bytes(ch: str) -> bytes:
    raw = encode_char(ch)
    if raw is None:
        raise TypeError(ch)
    return raw


def _han_only(fixed: str) -> bool:
    """At least two Han characters, and no other non-ASCII letter left over."""
    han = len(_CJK.findall(fixed))
    return han >= 2 and all(c < "\x80" or _CJK.match(c) or not c.isalpha() for c in fixed)


#: (edit kind, pattern finder, transform) of each mechanism.
@lru_cache(maxsize=None)
def _mechanisms():
    return (
        ("big5-as-gbk", _BIG5_RUN, lambda run, before: _big5_fill(run, before) if _big5_sign(run) else None),
        ("gbk-as-big5", _WIDE_RUN, lambda run, _b: _recode(run, "big5", "gbk")),
        ("gbk-as-latin1", _latin_run("latin-1"), lambda run, _b: _single_byte_to_gbk(run, "latin-1")),
        ("gbk-as-cp1252", _latin_run("cp1252"), lambda run, _b: _single_byte_to_gbk(run, "cp1252")),
        ("gbk-as-cp1250", _latin_run("cp1250"), lambda run, _b: _single_byte_to_gbk(run, "cp1250")),
    )


_CJK = re.compile("[\u4e00-\u9fff]")
# Big5 read by cp936 leaves ASCII where a trail byte came out alone (`�C` is 。).
# Big5's commonest lead bytes A4-A5 are kana in GBK, A3 bopomofo; unpaired
# bytes show as U+FFFD.  Japanese has kana too, but in runs.
_KANA = re.compile("[\u3040-\u30ff\u3100-\u312f]")
_KANA_PAIR = re.compile("[\u3040-\u30ff\u3100-\u312f]{2}")


def _big5_sign(run: str) -> bool:
    if "\ufffd" in run or re.search("[\ue000-\uf8ff]", run):
        return True
    return bool(_KANA.search(run)) and not _KANA_PAIR.search(run)
_BIG5_RUN = re.compile(r"[^\x00-\x7f\s\u3000][^\s\u3000]+")


#: Where each single-byte mechanism's runs may be (MojibakeScan fields).
_SCAN_FIELD = {"gbk-as-latin1": "latin1", "gbk-as-cp1252": "cp1252", "gbk-as-cp1250": "cp1250"}


def _rare_char():
    """A non-ASCII, non-space character the model has (almost) never seen
    (count below ``RARE_BELOW``; see ``_fallback.rare_char``).

    The wide mechanisms (UTF-8, Big5 or GBK read by the wrong double-byte
    codec) turn text into salad of rare characters, private-use characters and
    U+FFFD; a run with none of them is not tried, which keeps clean Chinese
    cheap.  The scan reports the space-delimited stretches that hold one
    (the wide mechanisms' runs never cross a space).

    >>> bool(_rare_char().search("鏂伴椈")), bool(_rare_char().search("新闻发布"))
    (True, False)
    """
    return rare_char()


def _judge_recoding(transform, run: str, before: str, after: str) -> tuple[float, str] | None:
    """(gain over the run as it stands, the recoded text) or None when the
    recoding is no Chinese or reads too badly."""
    fixed = transform(run, before)
    if not fixed or fixed == run or not _han_only(fixed):
        return None
    fixed = fixed.translate(FOLD)
    score = _backend.impl.char_score
    if score(fixed, before) / len(fixed) < CODEC_FLOOR:
        return None
    return score(fixed, before, after) - score(run, before, after), fixed


def codec_repairs(text: str, taken: list[tuple[int, int]] = (), scan=None) -> list[tuple[int, int, str, float, str]]:
    """Stretches decoded with the wrong codec, as ``(start, end, after, confidence, kind)``;
    ``scan`` is the text's ``mojibake_scan`` when the caller has it.

    >>> codec_repairs("发布会:鏂伴椈鍙戝竷")[0][2]
    '新闻发布'
    >>> codec_repairs("ÖÐ¹ú")[0][2:]
    ('中国', 0.99, 'gbk-as-latin1')
    """
    if text.isascii():
        return []  # every mechanism needs a non-ASCII character
    if scan is None:
        scan = _backend.impl.mojibake_scan(text)
    if not (scan.rare or scan.latin1 or scan.cp1252 or scan.cp1250):
        return []  # no rare character and no code-page run: nothing to try
    utf8 = _Utf8Segments(text)
    found: dict[tuple[int, int], tuple[float, str, str]] = {}
    runs_of: dict[tuple[re.Pattern, str], list[re.Match]] = {}  # the wide mechanisms share their runs
    for kind, pattern, transform in _mechanisms():
        # The scan's spans of each kind hold every match of its pattern whole.
        field = _SCAN_FIELD.get(kind, "rare")
        runs = runs_of.get((pattern, field))
        if runs is None:
            runs = runs_of[pattern, field] = _untaken_runs(text, pattern, getattr(scan, field), taken,
                                                           kind not in _SINGLE_BYTE)
        for m in runs:
            start, end = m.span()
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            if kind in _SINGLE_BYTE and (not _has_letter(m.group())
                                         or utf8.holds(start, _SINGLE_BYTE[kind])):
                continue  # no letter, or UTF-8 read as a code page (ftfy's case)
            judged = _remembered((kind, before, m.group(), after),
                                 lambda: _judge_recoding(transform, m.group(), before, after))
            if judged is None:
                continue
            gain, fixed = judged
            if gain >= CODEC_MARGIN and gain > found.get((start, end), (0.0,))[0]:
                found[(start, end)] = (gain, fixed, kind)
    for start, end, after, conf, kind in utf8_repairs(text, scan.rare, taken):
        if conf > found.get((start, end), (0.0,))[0]:
            found[(start, end)] = (1000.0 + conf, after, kind, conf)
    chosen: list[tuple[int, int, str, float, str]] = []
    covered = bytearray(len(text))  # one mark per code point a chosen repair covers
    for (start, end), (gain, fixed, kind, *conf) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        if any(covered[start:end]):
            continue
        covered[start:end] = b"\x01" * (end - start)
        confidence = conf[0] if conf else round(max(0.5, min(0.99, _logistic((gain - CODEC_MARGIN) / 4))), 3)
        chosen.append((start, end, fixed, confidence, kind))
    return sorted(chosen)


def _untaken_runs(text: str, pattern: re.Pattern, windows, taken, need_rare: bool) -> list[re.Match]:
    """The matches of ``pattern`` in ``windows`` that meet no ``taken`` span;
    with ``need_rare``, only those holding a rare character (a run of common
    characters is clean text, not salad)."""
    rare = _rare_char()
    if pattern is _WIDE_RUN:
        assert need_rare, "_wide_runs_with_rare skips runs without a rare character"
        matches = _wide_runs_with_rare(text, windows, rare, taken)
    else:
        matches = (m for ws, we in windows for m in pattern.finditer(text, ws, we))
    return [m for m in matches if not _overlaps(taken, m.start(), m.end())
            and (not need_rare or rare.search(text, m.start(), m.end()))]


# --- Latin-script mojibake: delegated to ftfy ------------------------------------
# Only ftfy.fix_encoding (never its fix_text, whose other fixes would change
# Chinese punctuation and width), and only on stretches that hold no CJK
# character at all, so it cannot touch Han text that is already right.

_NO_CJK = NO_CJK


# ftfy changes a text only when it can read it back, in one of its single-byte
# code pages, as bytes holding a UTF-8 lead byte (0xC0-0xFF) followed by a
# continuation byte (0x80-0xBF, or a space or U+FFFD standing for a lost one),
# or when it holds a C1 control.  A stretch without such a pair is never handed
# to ftfy: that keeps curly quotes, dashes and dots in Chinese text cheap.  The
# scan reports the CJK-free stretches that hold such a pair.
_ftfy_suspect = ftfy_suspect


def latin_repairs(text: str, taken=(), scan=None) -> list[tuple[int, int, str, float, str]]:
    """ftfy's encoding fixes on the CJK-free stretches outside ``taken``
    (``scan``: the text's ``mojibake_scan``, when the caller has it).

    >>> latin_repairs("新闻 The Mona Lisa doesnâ€™t have eyebrows.")[0][2]
    '’'
    >>> latin_repairs("他说“好”——真的…")
    []
    """
    if scan is None:
        scan = _backend.impl.mojibake_scan(text)
    if not scan.ftfy:
        return []  # no CJK-free stretch holds a pair ftfy could start from
    suspect = _ftfy_suspect()
    import ftfy  # runtime dependency; imported late, it is slow to import

    found = []
    for seg_start, seg_end in scan.ftfy:
        for start, end in _outside(seg_start, seg_end, taken):
            segment = text[start:end]
            if segment.isascii() or not suspect.search(segment):
                continue
            fixed = ftfy.fix_encoding(segment)
            if fixed == segment:
                continue
            lo, hi = _trim(segment, fixed)
            found.append((start + lo, end - hi, fixed[lo : len(fixed) - hi], 0.9, "latin-mojibake"))
    return found


