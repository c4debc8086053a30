"""Text decoded with the wrong codec: UTF-8 read as GBK/GB18030/cp936
(:mod:`.codecs_utf8`), GBK read as Latin-1/cp1252/cp1250 or as UTF-8 with a
Latin-1 fallback (:mod:`.codecs_single`), Big5 and GBK confused
(:mod:`.codecs_big5`), ``锟斤拷`` (bytes lost before); and Latin-script
mojibake, which goes to ftfy.

Each mechanism turns a stretch that shows its signature back into bytes
under the decoder that damaged it and reads them with the codec they were
written in; :mod:`.codecs_judge` lets a reading replace the stretch only
when the model finds it clearly better, and gives its confidence.  Readings
emit the characters their bytes spell (``£¬`` is ``，``): the fold of
fullwidth punctuation to ASCII belongs to the byte-shift pages alone.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from ... import _backend
from ..._fallback import ftfy_suspect
from ..._fallback.readings import _ANNOTATION, TONE_LETTERS
from .codecs_big5 import big5_repairs, gbk_as_big5_repairs
from .codecs_single import code_page_repairs, utf8_fallback_repairs
from .codecs_judge import CONTEXT, paragraph_after, paragraph_before
from .codecs_utf8 import utf8_repairs
from .common import _outside, _overlaps, _remembered, _trim

__all__ = ["codec_repairs", "latin_repairs"]

_REPLACED = "锟斤拷"  # two U+FFFD in UTF-8 read as GBK: the bytes were lost before


def _lost_marks(text: str, lost: str, taken) -> list[tuple[int, int, str, float, str]]:
    """``锟斤拷`` (and ``锟�``): UTF-8 of U+FFFD read as GBK, bytes lost before
    this text was made; reported as a lost-byte edit that drops or marks it
    as ``lost`` says (``keep``: left as it is, nothing reported).

    >>> _lost_marks("好锟斤拷的", "mark", [])
    [(1, 4, '\\ufffd', 0.9, 'lost-byte')]
    """
    if lost == "keep" or "锟" not in text:
        return []
    found = []
    for m in re.finditer("锟斤拷|锟\\ufffd", text):
        if not _overlaps(taken, m.start(), m.end()):
            found.append((m.start(), m.end(), "" if lost == "drop" else "\ufffd", 0.9, "lost-byte"))
    return found


#: Where each code page's chains are in the scan.
_CODE_PAGES = (("latin-1", "latin1"), ("cp1252", "cp1252"), ("cp1250", "cp1250"))


def _per_window(mechanism, text: str, windows, taken, keys: dict | None = None, reads_before: bool = False) -> list:
    """``mechanism`` on each window; a window met again in the same
    surroundings (its text, its neighbours, the paragraphs before and after it), in
    this pass or a later one of the same pipeline call, reads the same, so
    it is read once (``鏂伴椈 ``×n costs one reading; a page left mostly
    unread is not read again whole in every pass).  ``keys``: the
    surroundings of windows already met, by span (shared by the mechanisms
    of one text).  A window that overlaps ``taken`` is read as it is and
    not remembered: its reading left the taken part out.  ``reads_before``:
    the mechanism takes the readings of the windows before it in its
    paragraph (``read``), and they are part of its surroundings."""
    found = []
    if keys is None:
        keys = {}
    for w_start, w_end in windows:
        key = keys.get((w_start, w_end))
        if key is None:
            key = keys[w_start, w_end] = (text[w_start:w_end], text[max(0, w_start - CONTEXT):w_start],
                                          text[w_end:w_end + CONTEXT], w_end == len(text),
                                          paragraph_before(text, w_start), paragraph_after(text, w_end))
        extra = {}
        if reads_before:
            low = w_start - len(key[4])  # the readings read_before puts in the paragraph
            extra["read"] = read = [r for r in found if r.end > low and r.start < w_start]
            key = key + tuple((r.start - w_start, r.end - w_start, r.after) for r in read)
        if _overlaps(taken, w_start, w_end):
            found += mechanism(text, [(w_start, w_end)], taken, **extra)
            continue
        here = _remembered(("window", mechanism, key), lambda: [
            r._replace(start=r.start - w_start, end=r.end - w_start)
            for r in mechanism(text, [(w_start, w_end)], taken, **extra)])
        found += [r._replace(start=r.start + w_start, end=r.end + w_start) for r in here]
    return found


_HAN_OR_PUA = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\ue000-\uf8ff]")
_LATIN1_SPACES = frozenset("\x85\xa0")


def _across_latin1_spaces(text: str, windows) -> list[tuple[int, int]]:
    """The windows joined where only U+00A0 or U+0085 parts them: GBK read
    as UTF-8 shows a lone byte A0 or 85 (爲 is A0 AA) as those spaces.

    >>> _across_latin1_spaces("ab\xa0cd ef", [(0, 2), (3, 5), (6, 8)])
    [(0, 5), (6, 8)]
    """
    out: list[tuple[int, int]] = []
    for start, end in windows:
        if out and start > out[-1][1] and all(c in _LATIN1_SPACES for c in text[out[-1][1]:start]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _triggered(text: str, windows, taken) -> list[tuple[int, int]]:
    """The windows holding a rare character that may be a sign of a wrong
    codec (``codec_triggers``: ``tr_codec_triggers``, twin
    ``_fallback/readings.py``): a window whose only rare characters are tone
    letters inside pinyin annotations or byte-shift damage already taken
    starts no reading (on the damaged seed pages they were 78% of the
    windows; on the seeds, the accuracy benchmark's items and the pipeline
    fuzz documents none of them led to a repair).

    >>> _triggered("數(shù)字 鏂伴椈", [(0, 6), (7, 11)], [])
    [(7, 11)]
    """
    if not windows:
        return []
    return [w for w, keep in zip(windows, _backend.impl.codec_triggers(text, windows, taken)) if keep]


#: Characters either side of a rare one that its wrong-codec readings look
#: at: a stretch read with the wrong codec shows rare characters every few
#: characters (``鏂伴椈``), so a clean paragraph's one rare character
#: (``鉆``) costs a reading of its neighbourhood, not of the whole paragraph.
RARE_REACH = 24


def _around_rare(text: str, windows) -> list[tuple[int, int]]:
    """Each window without the inside of its stretches of common characters
    longer than ``2 * RARE_REACH``: what stays is within ``RARE_REACH`` of a
    rare character (found by one regular expression per window, so a window
    of nothing but rare characters costs no Python step per character).  The
    tone letters of pinyin annotations count as common here, as they start
    no reading (:func:`_triggered`): a paragraph annotated throughout is
    read around its one rare character, not as a whole.

    >>> _around_rare("好" * 40 + "椈" + "好" * 40, [(0, 81)])
    [(16, 65)]
    >>> _around_rare("數(shù)" * 20 + "椈" + "好" * 40, [(0, 161)])
    [(96, 145)]
    """
    out: list[tuple[int, int]] = []
    common = _common_run()
    for start, end in windows:
        if end - start <= 2 * RARE_REACH + 1:
            out.append((start, end))  # short: all of it is near its rare character
            continue
        lo = start
        for m in common.finditer(text, start, end):
            if m.end() - m.start() <= RARE_REACH:
                continue  # cut short by a tone letter outside an annotation
            cut_lo = m.start() + RARE_REACH if m.start() > start else m.start()
            cut_hi = m.end() - RARE_REACH if m.end() < end else m.end()
            if cut_hi - cut_lo <= 0:
                continue
            if cut_lo > lo:
                out.append((lo, cut_lo))
            lo = cut_hi
        if lo < end:
            out.append((lo, end))
    return out


@lru_cache(maxsize=1)
def _common_run() -> re.Pattern[str]:
    """A stretch of more than ``RARE_REACH`` characters none of which is
    rare, a pinyin annotation (the one ``excused`` reads) counting as common
    (enough at a window's edge; inside one, only its part farther than
    ``RARE_REACH`` from both ends is cut).  The lookahead asks for
    ``RARE_REACH + 1`` characters that are common or tone letters before a
    match may start, so a window of rare characters costs no Python step per
    character; a match cut short by a tone letter outside an annotation is
    skipped by the caller."""
    from ..._cjkcodec import char_model, common_chars

    common = "\\x00-\\x7f" + "".join(re.escape(c) for c in sorted(common_chars(char_model())))
    lookahead = "(?=[%s%s]{%d})" % (common, TONE_LETTERS, RARE_REACH + 1)
    return re.compile("%s(?:%s|[%s])+" % (lookahead, _ANNOTATION.pattern, common))


def codec_repairs(text: str, taken: list[tuple[int, int]] = (), scan=None) -> list[tuple[int, int, str, float, str]]:
    """Stretches decoded with the wrong codec, as ``(start, end, after, confidence, kind)``;
    ``scan`` is the text's ``mojibake_scan`` when the caller has it.  Where
    readings of several mechanisms overlap, the one that gains most wins.

    >>> codec_repairs("发布会:鏂伴椈鍙戝竷")[0][2]
    '新闻发布'
    >>> codec_repairs("ÖÐ¹ú£¬ºÃ")[0][2:]
    ('中国，好', 0.99, 'gbk-as-latin1')
    """
    if text.isascii():
        return []  # every mechanism needs a non-ASCII character
    if scan is None:
        scan = _backend.impl.mojibake_scan(text)
    if not (scan.rare or scan.latin1 or scan.cp1252 or scan.cp1250):
        return []  # no rare character and no code-page run: nothing to try
    found = []
    rare = _triggered(text, _around_rare(text, scan.rare), taken)
    if rare:
        # Two-byte codes read wrongly leave Han or private-use characters; a
        # window without any (Һѹϵͳ×n) is no work for them.
        han = [(s, e) for s, e in rare if _HAN_OR_PUA.search(text, s, e)]
        keys: dict = {}
        for mechanism in (utf8_repairs, big5_repairs, gbk_as_big5_repairs):
            found += _per_window(mechanism, text, han, taken, keys, reads_before=True)
        found += _per_window(utf8_fallback_repairs, text, _triggered(
            text, _around_rare(text, _across_latin1_spaces(text, scan.rare)), taken), taken, keys)
    for codec, field in _CODE_PAGES:
        chains = getattr(scan, field)
        if chains:
            found += code_page_repairs(text, chains, codec, taken)
    found = _not_ftfys(text, found, scan.ftfy)
    chosen = []
    covered = bytearray(len(text))  # one mark per code point a chosen reading covers
    for r in sorted(found, key=lambda r: (-r.gain, r.start)):
        if not any(covered[r.start:r.end]):
            covered[r.start:r.end] = b"\x01" * (r.end - r.start)
            chosen.append(tuple(r[:5]))
    return sorted(chosen)


#: Readings of Latin-1 characters as GBK bytes.
_SINGLE_BYTE_KINDS = frozenset({"gbk-as-utf8", "gbk-as-latin1", "gbk-as-cp1252", "gbk-as-cp1250"})


def _not_ftfys(text: str, found: list, segments) -> list:
    """``found`` without the GBK readings of a CJK-free stretch that ftfy's
    ``fix_encoding`` reads as UTF-8 (``CÃ™IS`` is ``CÙIS``, not C免劉IS):
    Latin-script mojibake is ftfy's case, and it knows that text best.

    >>> [r.kind for r in _not_ftfys("CÃ™IS", codec_repairs_raw("CÃ™IS"), [(0, 5)])]
    []
    """
    if not segments or not any(r.kind in _SINGLE_BYTE_KINDS for r in found):
        return found
    import ftfy  # runtime dependency; imported late, it is slow to import

    kept_by: dict[tuple[int, int], bytearray | None] = {}
    kept = []
    for r in found:
        if r.kind in _SINGLE_BYTE_KINDS:
            segment = next(((s, e) for s, e in segments if s <= r.start and r.end <= e), None)
            if segment is not None:
                if segment not in kept_by:
                    kept_by[segment] = _ftfy_keeps(text[slice(*segment)], ftfy)
                same = kept_by[segment]
                # ftfy must rewrite the reading's non-ASCII characters, all but
                # one (where two strings share an end, which one matched is
                # arbitrary: ``Ä�`` → ``�``); a few fixes inside a GBK stretch
                # are chance (``ÖÐ¹ú``'s ``Ð¹`` is UTF-8 for й; Ö and ú stay).
                if same is not None and _unchanged(text, r, segment[0], same) <= 1:
                    continue
        kept.append(r)
    return kept


def _fix_encoding(segment: str, ftfy) -> str:
    """``ftfy.fix_encoding(segment)``, asked once per pipeline call: a page
    repeats its CJK-free stretches (``”“`` between quotations), and every
    pass meets them again."""
    return _remembered(("ftfy", segment), lambda: ftfy.fix_encoding(segment))


#: ftfy's fix is compared character by character up to this length.
_FTFY_COMPARE = 4000


def _ftfy_keeps(segment: str, ftfy) -> bytearray | None:
    """Per character of ``segment``, 1 where ftfy's ``fix_encoding`` keeps
    it; None when ftfy changes nothing."""
    fixed = _fix_encoding(segment, ftfy)
    if fixed == segment:
        return None
    same = bytearray(len(segment))
    if len(segment) > _FTFY_COMPARE:
        return bytearray(b"\x01") * len(segment)  # too long to compare: ftfy claims nothing
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, segment, fixed, autojunk=False).get_opcodes():
        if tag == "equal":
            same[i1:i2] = b"\x01" * (i2 - i1)
    return same


def _unchanged(text: str, r, offset: int, same: bytearray) -> int:
    """How many non-ASCII characters of reading ``r`` ftfy keeps."""
    return sum(1 for i in range(r.start, r.end) if text[i] >= "\x80" and same[i - offset])


def codec_repairs_raw(text: str) -> list:
    """Every mechanism's readings of ``text`` before any is chosen (for tests)."""
    scan = _backend.impl.mojibake_scan(text)
    found = _per_window(utf8_fallback_repairs, text, _across_latin1_spaces(text, scan.rare), ())
    for codec, field in _CODE_PAGES:
        if getattr(scan, field):
            found += code_page_repairs(text, getattr(scan, field), codec, ())
    return found


# --- Latin-script mojibake: delegated to ftfy ------------------------------------
# Only ftfy.fix_encoding (never its fix_text, whose other fixes would change
# Chinese punctuation and width), and only on stretches that hold no CJK
# character at all, so it cannot touch Han text that is already right.



# ftfy changes a text only when it can read it back, in one of its single-byte
# code pages, as bytes holding a UTF-8 lead byte (0xC0-0xFF) followed by a
# continuation byte (0x80-0xBF, or a space or U+FFFD standing for a lost one),
# or when it holds a C1 control.  A stretch without such a pair is never handed
# to ftfy: that keeps curly quotes, dashes and dots in Chinese text cheap.  The
# scan reports the CJK-free stretches that hold such a pair.
_ftfy_suspect = ftfy_suspect
_CJK_NEXT = re.compile("[\u3000-\u9fff\uf900-\uffef]")


def _spells_text(after: str) -> bool:
    """Whether ftfy's fix gives characters that stand as text: something,
    no U+FFFD, no combining mark or control alone (``Ч�`` → ``�`` inside
    Big5 read as GBK is no Latin word).

    >>> _spells_text("’"), _spells_text(""), _spells_text("\u0362")
    (True, False, False)
    """
    return bool(after) and all(unicodedata.category(c)[0] not in "MC" and c != "\ufffd" for c in after)


#: What ftfy's fix beside Chinese may spell: ASCII, Latin-1, Latin
#: Extended-A, Vietnamese (Latin Extended Additional and ƠơƯư), general
#: punctuation, currency and letterlike symbols (``’``, ``é``, ``€``, ``™``).
_LATIN_TEXT = re.compile("[\x00-\u017f\u01a0\u01a1\u01af\u01b0\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]*")


def _spells_latin(after: str) -> bool:
    """Whether ftfy's fix spells Latin text (:data:`_LATIN_TEXT`).  Beside
    Chinese, a fix that spells Greek, Cyrillic, Arabic, syllabics or rare
    Latin letters (Ƿ, ǳ) out of a code-page stretch was GBK damage read a
    byte out of step, not Latin text (``Ď˘¸şÓĐ±ŁĂÜŇĺÎńŁ¬`` → ``Ϣ¸şÓбŁĂÜŇĺÎń٬``).

    >>> _spells_latin("doesn’t été"), _spells_latin("Ϣ¸şÓб"), _spells_latin("Ƿǳ")
    (True, False, False)
    """
    return _LATIN_TEXT.fullmatch(after) is not None


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
        if _overlaps(taken, seg_start, seg_end):
            continue  # a wrong-codec reading took part of it: the rest is that damage, not ftfy's
        for start, end in _outside(seg_start, seg_end, taken):
            segment = text[start:end]
            if segment.isascii() or not suspect.search(segment):
                continue
            fixed = _fix_encoding(segment, ftfy)
            if fixed == segment:
                continue
            # Inside Chinese text a CJK-free stretch is as often GBK damage no codec reading took: less sure.
            inside = _CJK_NEXT.match(text, max(0, seg_start - 1)) or _CJK_NEXT.match(text, seg_end)
            if not _beside_cjk(text, seg_start, seg_end):  # on lines of its own: maybe GBK under ftfy's layer
                fixed, sure, kind = _read_again(segment, fixed, ftfy)
            else:
                sure, kind = 1.0, "latin-mojibake"
            lo, hi = _trim(segment, fixed)
            after = fixed[lo : len(fixed) - hi]
            if inside and kind == "latin-mojibake" and not (_spells_text(after) and _spells_latin(after)):
                continue  # ftfy deleting, making a mark or a non-Latin letter beside Chinese: no Latin text
            found.append((start + lo, end - hi, after, round((0.6 if inside else 0.9) * sure, 3), kind))
    return found


#: The readings of a code page's text as GBK.
_CODE_PAGE_KINDS = frozenset({"gbk-as-latin1", "gbk-as-cp1252", "gbk-as-cp1250"})


def _beside_cjk(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` touches CJK text on its own line (a
    stretch that starts or ends with a line break touches nothing there).

    >>> _beside_cjk("题\\nÂ¹", 1, 4), _beside_cjk("题Â¹", 1, 3), _beside_cjk("Â¹好", 0, 2)
    (False, True, True)
    """
    segment = text[start:end]
    head = segment[:len(segment) - len(segment.lstrip())]
    tail = segment[len(segment.rstrip()):]
    left = start > 0 and "\n" not in head and "\r" not in head and _CJK_NEXT.match(text, start - 1)
    right = "\n" not in tail and "\r" not in tail and _CJK_NEXT.match(text, end)
    return bool(left or right)


def _lines_read(step: str, readings: list, fixed: str) -> str | None:
    """``step`` with ``readings`` applied on each line they read whole (all
    its non-ASCII text), ftfy's ``fixed`` on the others; None when they
    read no line whole."""
    if not readings:
        return None
    lines = step.split("\n")
    fixed_lines = fixed.split("\n")
    if len(lines) != len(fixed_lines):
        return None
    out = []
    any_read = False
    pos = 0  # offset of the line in ``step``
    k = 0
    for line, ftfy_line in zip(lines, fixed_lines):
        end = pos + len(line)
        pieces, at = [], pos
        while k < len(readings) and readings[k][0] < end:
            start, stop, after = readings[k][:3]
            if stop > end:
                break  # a reading over a line break: this line is not read whole
            pieces += [step[at:start], after]
            at = stop
            k += 1
        pieces.append(step[at:end])
        if len(pieces) > 1 and all(p.isascii() for p in pieces[::2]):
            out.append("".join(pieces))
            any_read = True
        else:
            out.append(ftfy_line)
            while k < len(readings) and readings[k][0] < end:
                k += 1
        pos = end + 1
    return "\n".join(out) if any_read else None


def _read_again(segment: str, fixed: str, ftfy) -> tuple[str, float, str]:
    """ftfy's fix of ``segment`` (``fixed``) with the wrong-codec readings
    of it applied, their least confidence and the edit's kind.  A page
    decoded wrongly twice (GBK read as Latin-1, and its UTF-8 read as
    Latin-1 again: ``Â¹Ãº``) is one layer for ftfy and one for GBK: the
    readings look after each of ftfy's steps, as its later steps read GBK
    pairs that spell UTF-8 too (``Í³`` → ``ͳ``), and a line is taken read
    only when they read all of its non-ASCII text; in this pass (a later
    one comes after the invisible characters' stage took a soft hyphen that
    is a GBK byte, ``¾\\xad`` of 经).  Only a code page's reading is
    taken, and only of a stretch that stands alone (beside Chinese a
    CJK-free stretch is as often GBK read a byte out of step, which ftfy
    reads as UTF-8 into other scripts).

    >>> import ftfy
    >>> twice = "国家统计局".encode("gbk").decode("latin-1").encode("utf-8").decode("latin-1")
    >>> _read_again(twice, ftfy.fix_encoding(twice), ftfy)
    ('国家统计局', 0.99, 'latin-mojibake+gbk-as-latin1')
    >>> _read_again("doesnâ€™t", "doesn’t", ftfy)
    ('doesn’t', 1.0, 'latin-mojibake')
    """
    plan = _remembered(("ftfy plan", segment), lambda: ftfy.fix_encoding_and_explain(segment).explanation)
    for i in range(1, len(plan) + 1):
        step = fixed if i == len(plan) else ftfy.apply_plan(segment, plan[:i])
        if not isinstance(step, str):
            continue  # bytes between steps (a transcoding step)
        readings = [r for r in codec_repairs(step) if r[4] in _CODE_PAGE_KINDS] if not step.isascii() else []
        read = _lines_read(step, readings, fixed)
        if read is not None:
            return read, min(r[3] for r in readings), "latin-mojibake+" + readings[0][4]
    return fixed, 1.0, "latin-mojibake"


