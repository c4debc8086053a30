"""The C core behind the same signatures as ``_fallback``.

Text crosses into C as UTF-8 (``surrogatepass``, so every ``str`` can); the
C functions report offsets in code points, so nothing is re-counted here.
"""

from __future__ import annotations

from ._speedups import ffi, lib  # ImportError here selects the Python backend

_SIZE_MAX = (1 << (8 * ffi.sizeof("size_t"))) - 1  # (size_t)-1: C's allocation failure

# Buffers C fills completely before they are read: skip cffi's zeroing.
_new_unzeroed = ffi.new_allocator(should_clear_after_alloc=False)

# The last text encoded and its bytes: the pipeline scans a text and then
# hands the same object to a stage, which would encode it again.  One entry,
# replaced as a whole (so threads see a consistent pair), and dropped by
# :func:`forget` when a repair ends so no large text outlives its call.
_last: tuple[str, bytes] | None = None


def _utf8(text: str) -> bytes:
    global _last
    last = _last
    if last is not None and last[0] is text:
        return last[1]
    data = text.encode("utf-8", "surrogatepass")
    _last = (text, data)
    return data


def forget() -> None:
    """Drop the cached encodings (the pipeline calls this after each run)."""
    global _last
    _last = None
    _scratch.encoded = None


def scan_flags(text: str) -> int:
    data = _utf8(text)
    return lib.tr_scan_flags(data, len(data))


class AnnotationScan:
    """C twin of ``_fallback.AnnotationScan``; the matches stay in C memory
    until someone asks for them."""

    __slots__ = ("_data", "_buffer", "_count", "stats", "_judged")

    def __init__(self, text: str) -> None:
        data = _utf8(text)
        # An annotation takes at least 4 bytes ("字(a)" and more), so this
        # guess holds the densest converter pages; a denser text is scanned
        # again with a buffer of the exact size.  (Counting "(" first would
        # cost a pass over every text.)
        cap = len(data) // 16 + 16
        buffer = _new_unzeroed("tr_annotation[]", cap)
        stats = ffi.new("tr_annotation_stats *")
        lib.tr_find_annotations(data, len(data), buffer, cap, stats)
        if stats.found > cap:
            cap = stats.found
            buffer = _new_unzeroed("tr_annotation[]", cap)
            lib.tr_find_annotations(data, len(data), buffer, cap, stats)
        self._data = data
        self._buffer = buffer
        self._count = stats.found
        self._judged = False
        self.stats = (stats.found, stats.traditional, stats.toneless, stats.toneless_spaced)

    def matches(self, indices=None) -> list[tuple[int, int, int, int, int, int]]:
        b = self._buffer
        return [(b[i].start_char, b[i].end_char, b[i].han, b[i].flags, b[i].reading, b[i].letters)
                for i in (range(self._count) if indices is None else indices)]

    def flags(self) -> list[int]:
        b = self._buffer
        return [b[i].flags for i in range(self._count)]

    def judge(self) -> None:
        if not self._judged:
            if lib.tr_judge_annotations(self._data, len(self._data), self._buffer, self._count) != 0:
                raise MemoryError("tr_judge_annotations could not allocate")
            self._judged = True

    def remove(self, indices) -> None:
        b = self._buffer
        for i in indices:
            b[i].flags |= lib.TR_ANN_REMOVE

    def removed(self, eat_space: bool = True) -> str:
        data = self._data
        out = _new_unzeroed("uint8_t[]", max(len(data), 1))
        size = lib.tr_remove_annotations(data, len(data), self._buffer, self._count, int(eat_space), out)
        # Decode straight from the C buffer: no intermediate bytes copy.
        return str(ffi.buffer(out, size), "utf-8", "surrogatepass")


def scan_annotations(text: str) -> AnnotationScan:
    return AnnotationScan(text)


# --- mojibake.c ---------------------------------------------------------------

def mojibake_runs(text: str) -> list[tuple[int, int, int]]:
    data = _utf8(text)
    # Every run starts at one of these bytes, which bounds the buffer.
    cap = data.count(b"?") + data.count(b"!") + data.count(b";") + data.count(b",")
    if not cap:
        return []
    buffer = ffi.new("tr_mojibake_run[]", cap)
    found = ffi.new("size_t *")
    if lib.tr_mojibake_runs(data, len(data), buffer, cap, found) != 0:
        raise MemoryError("tr_mojibake_runs could not allocate")
    return [(buffer[i].start_char, buffer[i].end_char, buffer[i].kind) for i in range(found[0])]


# --- markup.c -----------------------------------------------------------------

def markup_candidates(text: str) -> list[int]:
    if "<" not in text and "&" not in text:
        return []  # faster than encoding a clean text
    data = _utf8(text)
    # Every candidate is a "<" or "&" byte, which bounds the buffer.
    cap = data.count(b"<") + data.count(b"&")
    if not cap:
        return []
    buffer = _new_unzeroed("size_t[]", cap)
    found = lib.tr_markup_candidates(data, len(data), buffer, cap)
    return ffi.unpack(buffer, found)


# --- boilerplate.c ------------------------------------------------------------

def boilerplate_lines(text: str, phrases: tuple[str, ...], min_items: int) -> list[int]:
    data = _utf8(text)
    blob = _phrase_blob(phrases)
    cap = data.count(b"\n") + 1  # one entry per line at most
    buffer = _new_unzeroed("size_t[]", cap)
    found = ffi.new("size_t *")
    status = lib.tr_boilerplate_lines(data, len(data), blob, len(blob), min_items, buffer, cap, found)
    if status == -1:
        raise MemoryError("tr_boilerplate_lines could not allocate")
    if status == -2:
        raise ValueError("tr_boilerplate_lines takes at most 4096 phrases")
    return ffi.unpack(buffer, found[0])


_blobs: dict[tuple[str, ...], bytes] = {}


def _phrase_blob(phrases: tuple[str, ...]) -> bytes:
    """The phrases as C reads them (cached: the stage passes the same tuple)."""
    blob = _blobs.get(phrases)
    if blob is None:
        blob = b"".join(p.encode("utf-8", "surrogatepass") + b"\0" for p in phrases)
        if len(_blobs) < 16:
            _blobs[phrases] = blob
    return blob
_SCAN_KINDS = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5}  # TR_MOJIBAKE_* -> MojibakeScan field


def mojibake_scan(text: str):
    """C twin of ``_fallback.mojibake_scan``."""
    from ._fallback import MojibakeScan

    data = _utf8(text)
    # A first guess that holds ordinary text; a denser one is scanned again.
    cap = len(data) // 32 + 64
    found = ffi.new("size_t *")
    buffer = _new_unzeroed("tr_mojibake_run[]", cap)
    if lib.tr_mojibake_scan(data, len(data), buffer, cap, found) != 0:
        raise MemoryError("tr_mojibake_scan could not allocate")
    if found[0] > cap:
        cap = found[0]
        buffer = _new_unzeroed("tr_mojibake_run[]", cap)
        if lib.tr_mojibake_scan(data, len(data), buffer, cap, found) != 0:
            raise MemoryError("tr_mojibake_scan could not allocate")
    lists: tuple[list, ...] = ([], [], [], [], [], [])
    kinds = _SCAN_KINDS
    for i in range(found[0]):
        span = buffer[i]
        lists[kinds[span.kind]].append((span.start_char, span.end_char))
    return MojibakeScan(*lists)
# --- normalise.c --------------------------------------------------------------

def normalise_runs(text: str, classes: int) -> list[tuple[int, int, int]]:
    data = _utf8(text)
    # Clean text has no run: a small first buffer, and a second call when it is short.
    cap = 64
    buffer = _new_unzeroed("tr_norm_run[]", cap)
    found = ffi.new("size_t *")
    lib.tr_normalise_runs(data, len(data), classes, buffer, cap, found)
    if found[0] > cap:
        cap = found[0]
        buffer = _new_unzeroed("tr_norm_run[]", cap)
        lib.tr_normalise_runs(data, len(data), classes, buffer, cap, found)
    return [(buffer[i].start_char, buffer[i].end_char, buffer[i].classes) for i in range(found[0])]


# --- lm.c: the language model ------------------------------------------------------------

import sys  # noqa: E402  (this section's own imports)
import threading  # noqa: E402
from array import array  # noqa: E402
from functools import lru_cache  # noqa: E402
from itertools import accumulate  # noqa: E402

class _Model:
    """The mapped data files as ``tr_char_model`` and ``tr_word_model``: the
    structs point into the very ``memoryview``s the twin (``_fallback.lm``)
    reads, so both read one mapping of each file and nothing is copied."""

    __slots__ = ("chars", "words", "_keep")

    def __init__(self) -> None:
        from ._fallback import lm

        chars, words = lm.char_model(), lm.word_model()
        keep = [chars, words]

        def pointer(ctype: str, view):
            data = ffi.from_buffer(ctype, view)
            keep.append(data)
            return data

        m = ffi.new("tr_char_model *")
        m.chars, m.slots = chars.chars, chars.slots
        m.cp = pointer("uint32_t[]", chars.cp)
        m.bmp_index = pointer("uint16_t[]", chars.bmp)
        m.ln_uni = pointer("double[]", chars.ln_uni)
        m.ln_cont = pointer("double[]", chars.ln_cont)
        m.ln_gamma = pointer("double[]", chars.ln_gamma)
        m.bi_key = pointer("uint32_t[]", chars.keys)
        m.bi_logp = pointer("double[]", chars.values)
        m.ln_uni_unknown, m.ln_cont_unknown = chars.ln_uni_unknown, chars.ln_cont_unknown
        m.pair = ffi.NULL
        w = ffi.new("tr_word_model *")
        w.chars = m
        w.slots = words.slots
        w.slot = pointer("uint32_t[]", words.slot)
        w.ln_beta, w.max_len = words.ln_beta, words.max_len
        fold = words.fold_tables
        w.folds = len(fold["from"])
        w.fold_from = pointer("uint32_t[]", fold["from"])
        w.fold_to = pointer("uint32_t[]", fold["to"])
        w.fold_bmp, w.child_at, w.child = ffi.NULL, ffi.NULL, ffi.NULL  # the shift model's copy has them
        keep.append(m)
        self.chars, self.words, self._keep = m, w, keep


_models: list[_Model] = []


def _model() -> _Model:
    """The one model of this process, mapped on first use."""
    if not _models:
        _models.append(_Model())
    return _models[0]


_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # C's uint32_t in memory


def _u32(text: str):
    """``text`` as a C uint32_t array of its code points (a view of the encoded bytes)."""
    return ffi.from_buffer("uint32_t[]", text.encode(_UTF32, "surrogatepass"))


def char_logp(prev: str, ch: str) -> float:
    """C twin of ``_fallback.char_logp``."""
    return lib.tr_char_logp(_model().chars, ord(prev) if prev else -1, ord(ch))


def char_score(text: str, before: str = "", after: str = "") -> float:
    """C twin of ``_fallback.char_score``."""
    return lib.tr_char_score(_model().chars, _u32(text), len(text), ord(before) if before else -1,
                             ord(after) if after else -1)


def char_scores(candidates, left: str = "", right: str = "") -> list[float]:
    """C twin of ``_fallback.char_scores``."""
    return _window_scores(((lib.tr_char_scores, _model().chars),), candidates, left, right)[0]


def _window_scores(calls, candidates, left: str, right: str) -> list[list[float]]:
    """For each ``(function, model)`` of ``calls`` (tr_char_scores or
    tr_word_scores and its model), the scores of each candidate between
    ``left`` and ``right``, one C call each; the text is encoded once for all."""
    candidates = list(candidates)
    n = len(candidates)
    if not n:
        return [[] for _ in calls]
    ends = ffi.new("size_t[]", list(accumulate(map(len, candidates))))
    lo, mid, hi = _u32(left), _u32("".join(candidates)), _u32(right)
    out = []
    for function, model in calls:
        scores = _new_unzeroed("double[]", n)
        status = function(model, lo, len(left), mid, ends, n, hi, len(right), scores)
        if status:  # the ends are increasing here: only an allocation can fail
            raise MemoryError(f"window scores failed ({status})")
        out.append(ffi.unpack(scores, n))
    return out


def best_gain(old: str, read: str) -> tuple[int, int] | None:
    """C twin of ``_fallback.best_gain``."""
    if len(old) != len(read):
        raise ValueError("best_gain: old and read differ in length")
    bounds = ffi.new("size_t[2]")
    if lib.tr_best_gain(_model().chars, _u32(old), _u32(read), len(old), bounds, bounds + 1):
        return bounds[0], bounds[1]
    return None


def utf8_islands(codes, lost: bool) -> list[tuple[int, int]]:
    """C twin of ``_fallback.utf8_islands`` (``codes``: a sequence of 16-bit
    values, or bytes holding them in native order)."""
    if isinstance(codes, (bytes, bytearray)):
        data = ffi.from_buffer("uint16_t[]", codes)
        n = len(codes) // 2
    else:
        data = ffi.new("uint16_t[]", list(codes))
        n = len(codes)
    cap = n // 4 + 1
    while True:
        out = _new_unzeroed("size_t[]", 2 * cap)
        found = lib.tr_utf8_islands(data, n, int(bool(lost)), out, cap)
        if found == _SIZE_MAX:
            raise MemoryError("tr_utf8_islands could not allocate")
        if found <= cap:
            return [(out[2 * k], out[2 * k + 1]) for k in range(found)]
        cap = found


def codec_triggers(text: str, windows, taken) -> list[bool]:
    """C twin of ``_fallback.codec_triggers``."""
    if not windows:
        return []
    bounds = ffi.new("size_t[]", [x for w in windows for x in w])
    spans = ffi.new("size_t[]", [x for s in taken for x in s] or [0])
    keep = ffi.new("uint8_t[]", len(windows))
    lib.tr_codec_triggers(_u32(text), len(text), bounds, len(windows), spans, len(taken), keep)
    return [bool(k) for k in keep]


_SIZE_MAX = int(ffi.cast("size_t", -1))


_folded_chars: dict[str, str] = {}


def fold_text(text: str) -> str:
    """C twin of ``_fallback.fold_text``.  The stage folds the characters of
    each slot one at a time: C's answer for a single character is kept (a
    call across the FFI costs more than the fold)."""
    if len(text) == 1:
        found = _folded_chars.get(text)
        if found is None:
            found = _fold(text)
            if len(_folded_chars) < 1 << 16:
                _folded_chars[text] = found
        return found
    return _fold(text)


def _fold(text: str) -> str:
    out = _new_unzeroed("uint32_t[]", max(len(text), 1))
    lib.tr_lm_fold(_model().words, _u32(text), len(text), out)
    return ffi.buffer(out, 4 * len(text))[:].decode(_UTF32, "surrogatepass")


def word_score(text: str) -> float:
    """C twin of ``_fallback.word_score``."""
    score = ffi.new("double *")
    if lib.tr_word_score(_model().words, _u32(text), len(text), score):
        raise MemoryError("tr_word_score could not allocate")
    return score[0]


def word_scores(candidates, left: str = "", right: str = "") -> list[float]:
    """C twin of ``_fallback.word_scores``."""
    return _window_scores(((lib.tr_word_scores, _model().words),), candidates, left, right)[0]


def word_and_char_scores(candidates, left: str = "", right: str = "") -> tuple[list[float], list[float]]:
    """C twin of ``_fallback.word_and_char_scores``: the candidates and the
    context encoded once for both models' calls."""
    model = _model()
    words, chars = _window_scores(((lib.tr_word_scores, model.words), (lib.tr_char_scores, model.chars)),
                                  candidates, left, right)
    return words, chars


def word_segments(text: str) -> list[tuple[int, int, float, bool]]:
    """C twin of ``_fallback.word_segments``."""
    count = ffi.new("size_t *")
    score = ffi.new("double *")
    cap = len(text)  # a token holds at least one character
    out = _new_unzeroed("tr_word_token[]", max(cap, 1))
    if lib.tr_word_segment(_model().words, _u32(text), len(text), out, cap, count, score):
        raise MemoryError("tr_word_segment could not allocate")
    return [(t.start_char, t.end_char, t.logp, bool(t.in_table)) for t in (out[i] for i in range(count[0]))]


def word_fits(before: str, options, after: str, reach: int) -> set[tuple[str, ...]]:
    """C twin of ``_fallback.word_fits``."""
    if reach <= 0:
        return set()  # no word reaches a slot
    pairs: list[int] = []
    ends = []
    for allowed in options:
        for c, shown in allowed.items():
            pairs += (ord(c), ord(shown[0]))
        ends.append(len(pairs) // 2)
    g = len(options)
    found = ffi.new("size_t *")
    args = (_model().words, _u32(before), len(before), ffi.new("uint32_t[]", pairs or [0]), ffi.new("size_t[]", ends or [0]),
            g, _u32(after), len(after), reach)
    cap = 64
    while True:
        out = _new_unzeroed("int32_t[]", max(cap * g, 1))
        status = lib.tr_word_fits(*args, out, cap, found)
        if status != 2:
            break
        cap = found[0]  # more fillings than room: ask again with room for all
    if status:
        raise MemoryError("tr_word_fits could not allocate")
    values = ffi.unpack(out, found[0] * g)
    return {tuple(chr(v) if v >= 0 else "" for v in values[i:i + g]) for i in range(0, len(values), g)}


# --- shift.c: tr_shift_judge, tr_shift_paths, tr_slot_fillers --------------------------------
# The tokens of a run cross to tr_shift_paths as a program of int32 (textrepair.h):
# [ntok, then per token: nopt, then per option: natom, atoms...], annotations
# as records; tr_shift_judge makes its own program from the run.

_SHIFT_ATOMS = {"piece": lib.TR_ATOM_PIECE, "u": lib.TR_ATOM_U, "lost": lib.TR_ATOM_LOST,
                "alone": lib.TR_ATOM_ALONE, "droppair": lib.TR_ATOM_DROPPAIR, "uhi": lib.TR_ATOM_UHI}
_SLOT_KINDS = ("lead", "trail", "pair", "uda", "hitrail")  # TR_SLOT_LEAD .. TR_SLOT_HITRAIL


def _shift_atom(atom) -> int:
    """The program entry of a byte or a named atom."""
    if isinstance(atom, int):
        if not 0 <= atom <= 255:
            raise ValueError(f"byte atom {atom} out of range")
        return atom
    return _SHIFT_ATOMS[atom]


@lru_cache(maxsize=1 << 14)
def _shift_fragment(options: tuple[tuple, ...]) -> tuple[int, ...] | None:
    """The program of one token whose atoms are bytes and named atoms only
    (None when it holds an annotation: those go through the records)."""
    fragment = [len(options)]
    for option in options:
        fragment.append(len(option))
        for atom in option:
            if not isinstance(atom, (int, str)):
                return None
            fragment.append(_shift_atom(atom))
    return tuple(fragment)


@lru_cache(maxsize=1 << 12)
def _shift_chars(chars: frozenset, spelled: bool) -> tuple[int, ...]:
    """The characters of an annotation record (see textrepair.h), each with
    its cp936 bytes, in code point order.  Only single characters can be a
    pair's character, so only they are kept; ``spelled``: an ``annchar``
    atom reads the record, so every character needs its bytes.  (The stage's
    sets come from one table, so each is worked out once.)"""
    record: list[int] = []
    for ch in sorted(chars):
        if not isinstance(ch, str) or len(ch) != 1:
            if spelled:
                raise ValueError(f"annotated character {ch!r} is not one character")
            continue
        raw = _encode_char(ch)
        if raw is None:
            if spelled:
                raise ValueError(f"annotated character {ch!r} has no cp936 bytes")
            raw = b"\0"  # never read: an "ann" atom only asks membership
        record += (ord(ch), len(raw) << 16 | int.from_bytes(raw, "big"))
    return tuple(record)


def _shift_program(toks) -> tuple[list[int], list[int], list[str]]:
    """(program, annotation records, text of each annotation item) of the tokens."""
    prog = [len(toks)]
    ann: list[int] = []
    texts: list[str] = []
    text_ids: dict[str, int] = {}
    records: dict[tuple[int, str, bool], int] = {}  # (id of the chars, text, spelled) -> offset
    for _text, options in toks:
        if type(options) is tuple:  # a plain character's options (hashable): worked out once
            fragment = _shift_fragment(options)
            if fragment is not None:
                prog += fragment
                continue
        prog.append(len(options))
        for option in options:
            prog.append(len(option))
            for atom in option:
                if isinstance(atom, (int, str)):
                    prog.append(_shift_atom(atom))
                    continue
                kind, chars, text = atom
                spelled = kind != "ann"
                key = (id(chars), text, spelled)
                off = records.get(key)
                if off is None:
                    if len(text) == 1:  # a path shows it as the character it is
                        item = ord(text)
                    else:
                        if text not in text_ids:
                            text_ids[text] = len(texts)
                            texts.append(text)
                        item = lib.TR_SHIFT_TEXT + text_ids[text]
                    off = records[key] = len(ann)
                    body = _shift_chars(frozenset(chars), spelled)
                    ann += (len(body) // 2, item) + body
                prog.append((lib.TR_ATOM_ANNCHAR if spelled else lib.TR_ATOM_ANN) + off)
    return prog, ann, texts


def shift_paths(toks, before: str, after: str, lost_lead: bool) -> list[tuple[float, list, int]]:
    """C twin of ``_fallback.shift_paths``."""
    prog, ann, texts = _shift_program(toks)
    paths = ffi.new("tr_shift_path[]", lib.TR_SHIFT_PATHS)
    npaths = ffi.new("size_t *")
    out_len = ffi.new("size_t *")
    args = (_shift_model().struct.chars, ffi.new("int32_t[]", prog), len(prog), ffi.new("uint32_t[]", ann or [0]), len(ann),
            ord(before) if before else -1, ord(after) if after else -1, int(bool(lost_lead)), paths, npaths)
    cap = 4 * len(prog) + 256
    while True:
        out = _new_unzeroed("int32_t[]", cap)
        status = lib.tr_shift_paths(*args, out, cap, out_len)
        if status != 2:
            break
        cap = out_len[0]  # more items than room: ask again with room for all
    if status == -1:
        raise MemoryError("tr_shift_paths could not allocate")
    if status != 0:
        raise ValueError("tr_shift_paths: malformed tokens")
    return _shift_result([paths[k] for k in range(npaths[0])], ffi.unpack(out, out_len[0]), texts)


_ITEM_TEXT = lib.TR_ITEM_TEXT
_ITEM_SLOT = lib.TR_ITEM_SLOT


def _shift_result(paths, values: list[int], texts: list[str]) -> list[tuple[float, list, int]]:
    """The twin's paths from the C output: items, then the slot records."""
    from ._fallback.shift import Slot

    at = sum(p.items for p in paths)
    slots = []
    while at < len(values):
        kind, byte, n = _SLOT_KINDS[values[at]], values[at + 1], values[at + 2]
        if n:
            slots.append(Slot(kind, byte, tuple(map(chr, values[at + 3:at + 3 + n])), 2 if kind in ("pair", "uda") else 1))
        else:
            slots.append(Slot.of(kind, byte))
        at += 3 + n
    found = []
    at = 0
    for p in paths:
        items = [chr(v) if v >= 0 else texts[_ITEM_TEXT - v] if v > _ITEM_SLOT else slots[_ITEM_SLOT - v]
                 for v in values[at:at + p.items]]
        at += p.items
        found.append((p.score, items, p.guesses))
    return found


def slot_fillers(slots, prev: str, nxt: str, width: int) -> list[str]:
    """C twin of ``_fallback.slot_fillers``."""
    if width < 0:
        raise ValueError("slot_fillers: width must not be negative")
    n = len(slots)
    chars = "".join("".join(slot.chars) for slot in slots)
    ends = list(accumulate(len(slot.chars) for slot in slots))
    out = _new_unzeroed("uint32_t[]", max(width * n, 1))
    count = ffi.new("size_t *")
    status = lib.tr_slot_fillers(_model().chars, _u32(chars), ffi.new("size_t[]", ends or [0]), n,
                                 ord(prev) if prev else -1, ord(nxt) if nxt else -1, width, out, count)
    if status:
        raise MemoryError("tr_slot_fillers could not allocate")
    if not n:
        return [""] * count[0]
    text = ffi.buffer(out, 4 * n * count[0])[:].decode(_UTF32, "surrogatepass")
    return [text[i:i + n] for i in range(0, len(text), n)]


from ._cjkcodec import encode_char as _encode_char  # noqa: E402



class _ShiftModel:
    """``tr_shift_model``: the character model with the authored GBK pairs,
    the word model, the cp936 encoder (both tables made from ``_cjkcodec``'s
    codec, as the twin reads it), and the twin's constants."""

    __slots__ = ("struct", "_keep")

    def __init__(self) -> None:
        from ._cjkcodec import _tables
        from ._fallback import shift

        model = _model()
        _decoder, authored, encoder = _tables()
        pairs = ffi.new("uint32_t[]", 65536)
        for code, ch in authored.items():  # original_pair of every authored code
            pairs[code] = ord(ch)
        chars = ffi.new("tr_char_model *", model.chars[0])
        chars.pair = pairs
        # The stored bigrams by previous and by next character, for the
        # judge's beams and slot terms (a pass over a short list where a probe
        # per character is a cache miss).
        next_at, prev_at = ffi.new("uint32_t[]", chars.chars + 1), ffi.new("uint32_t[]", chars.chars + 1)
        count = lib.tr_char_bigrams(chars, next_at, ffi.NULL, prev_at, ffi.NULL, 0)  # how many
        bigrams = [next_at, ffi.new("uint32_t[]", 2 * max(count, 1)), prev_at, ffi.new("uint32_t[]", 2 * max(count, 1))]
        if count <= chars.slots and lib.tr_char_bigrams(chars, *bigrams, count) == count:
            chars.next_at, chars.next, chars.prev_at, chars.prev = bigrams
        encode = ffi.new("uint16_t[]", 65536)
        for ch, raw in encoder.items():  # encode_char of every character cp936 writes
            encode[ord(ch)] = int.from_bytes(raw, "big")
        # The word model with two look-ups for the judge's hot loops, built
        # here (for damaged text, not on every start): the fold of every BMP
        # code point, made by the binary search it replaces, and the trie's
        # children by node (a short binary search where a probe is a cache miss).
        words = ffi.new("tr_word_model *", model.words[0])
        fold_bmp = ffi.new("uint32_t[]", 0x10000)
        every = array("I" if array("I").itemsize == 4 else "L", range(0x10000))
        lib.tr_lm_fold(words, ffi.from_buffer("uint32_t[]", every), 0x10000, fold_bmp)
        words.fold_bmp = fold_bmp
        child_at = ffi.new("uint32_t[]", words.slots + 1)
        count = lib.tr_word_children(words, child_at, ffi.NULL, 0)  # how many
        child = ffi.new("uint32_t[]", 2 * max(count, 1))
        if count <= words.slots and lib.tr_word_children(words, child_at, child, count) == count:
            words.child_at, words.child = child_at, child
        s = ffi.new("tr_shift_model *")
        s.chars, s.words, s.encode = chars, words, encode
        p = s.params
        p.margin, p.salad, p.page_prior, p.pua_gap = shift.MARGIN, shift.SALAD, shift.PAGE_PRIOR, shift.PUA_GAP
        p.bigram_weight, p.free_slots = shift.BIGRAM_WEIGHT, shift.FREE_SLOTS
        p.share_temperature = shift.SHARE_TEMPERATURE
        p.context, p.judged_paths, p.fillers, p.word_reach = (shift.CONTEXT, shift.JUDGED_PATHS, shift.FILLERS,
                                                              shift.WORD_REACH)
        self.struct = s
        self._keep = (model, pairs, chars, encode, words, fold_bmp, child_at, child, bigrams)


_shift_models: list[_ShiftModel] = []


def _shift_model() -> _ShiftModel:
    """The one shift model of this process, built on first use."""
    if not _shift_models:
        _shift_models.append(_ShiftModel())
    return _shift_models[0]


def shift_judge(run: str, left: str, right: str, opened: str = "", keeps_pua: bool = True):
    """C twin of ``_fallback.shift_judge``."""
    from ._fallback.shift import REASONS, Verdict

    verdict = ffi.new("tr_shift_verdict *")
    out_len = ffi.new("size_t *")
    args = (_shift_model().struct, _u32(run), len(run), _u32(left), len(left), _u32(right), len(right), _u32(opened),
            len(opened), int(bool(keeps_pua)), verdict)
    cap = 3 * len(run) + 16  # always enough (textrepair.h)
    while True:
        out = _new_unzeroed("uint32_t[]", cap)
        status = lib.tr_shift_judge(*args, out, cap, out_len)
        if status != 2:
            break
        cap = out_len[0]
    if status == 1:
        return None
    if status == -1:
        raise MemoryError("tr_shift_judge could not allocate")
    if status != 0:
        raise ValueError("tr_shift_judge: opened holds a character that opens no paired mark")
    v = verdict[0]
    text = ffi.buffer(out, 4 * out_len[0])[:].decode(_UTF32, "surrogatepass")
    return Verdict(bool(v.apply), text, v.confidence, REASONS[v.reason], bool(v.certain), bool(v.near_cut), v.score,
                   bool(v.edge_guess))


@lru_cache(maxsize=1)
def _quiet_constants() -> tuple[int, int, float]:
    """The twin's constants of the weak test (read on first use)."""
    from ._fallback.shift import CONTEXT, MAX_PIECE, SALAD_PER_CHAR

    return CONTEXT, MAX_PIECE, SALAD_PER_CHAR


def _code_points(text: str):
    """The code points of ``text``: the triage's own, when it kept them for this very text."""
    last = getattr(_scratch, "encoded", None)
    return ffi.from_buffer("uint32_t[]", last[1]) if last is not None and last[0] is text else _u32(text)


def alone_starts(text: str, taken) -> list[tuple[int, int]]:
    """C twin of ``_fallback.alone_starts``."""
    _context, max_piece, per_char = _quiet_constants()
    flat = [x for run in taken for x in run]
    data, taken_c, count = _code_points(text), ffi.new("size_t[]", flat) if flat else ffi.NULL, ffi.new("size_t *")
    cap = 16
    while True:
        out = _new_unzeroed("size_t[]", 2 * cap)
        status = lib.tr_shift_alone(_model().chars, data, len(text), taken_c, len(flat) // 2, max_piece, per_char, out,
                                    cap, count)
        if status != 2:
            break
        cap = count[0]
    if status < 0:
        raise ValueError("tr_shift_alone: a code point above U+10FFFF")
    pairs = ffi.unpack(out, 2 * count[0])
    return list(zip(pairs[0::2], pairs[1::2]))


def weak_runs(text: str, runs) -> list[bool]:
    """C twin of ``_fallback.weak_runs``."""
    context, _max_piece, per_char = _quiet_constants()
    n = len(runs)
    if not n:
        return []
    weak = ffi.new("uint8_t[]", n)
    status = lib.tr_shift_weak(_model().chars, _code_points(text), len(text),
                               ffi.new("size_t[]", [x for run in runs for x in run]), n, weak, context, per_char)
    if status == -1:
        raise MemoryError("tr_shift_weak could not allocate")
    if status < 0:
        raise ValueError("tr_shift_weak: a run lies outside the text")
    return [bool(x) for x in ffi.unpack(weak, n)]


def shift_quiet(text: str, runs, marks: bool) -> bool:
    """C twin of ``_fallback.shift_quiet``."""
    context, max_piece, per_char = _quiet_constants()
    flat = [x for run in runs for x in run]
    status = lib.tr_shift_quiet(_model().chars, _code_points(text), len(text), ffi.new("size_t[]", flat) if flat else ffi.NULL,
                                len(flat) // 2, int(bool(marks)), context, max_piece, per_char)
    if status == -1:
        raise MemoryError("tr_shift_quiet could not allocate")
    if status < 0:
        raise ValueError("tr_shift_quiet: a run lies outside the text")
    return bool(status)


# --- triage.c -----------------------------------------------------------------

def triage(text: str, norm_classes: int, phrases: tuple[str, ...], min_items: int):
    """C twin of ``_fallback.triage``."""
    # Code points: UTF-32 costs a third of UTF-8 to make, and nothing to read.
    n = len(text)
    cap = n // 16 + _SHORT_CAP
    if cap == _SHORT_CAP:  # a short text (most calls): this thread's own buffers
        buffer, found = getattr(_scratch, "buffers", None) or _scratch_buffers()
    else:
        buffer, found = _new_unzeroed("tr_mojibake_run[]", cap), ffi.new("size_t *")
    last = _last_tables
    tables = last[1] if last[0] is phrases else _tables_for(phrases)  # the same tuple call after call: no hash
    encoded = text.encode(_UTF32, "surrogatepass")
    bits = lib.tr_triage(ffi.from_buffer("uint32_t[]", encoded), n, norm_classes, tables, min_items, buffer, cap, found)
    count = found[0]
    if not count:
        return bits, _MojibakeScan([], [], [], [], [], [])
    # The mojibake stage's idle check reads the same code points next
    # (shift_quiet): kept for it, for a text of modest size.
    _scratch.encoded = (text, encoded) if n <= _KEEP_ENCODED else None
    if count > cap:
        return bits, mojibake_scan(text)
    lists: tuple[list, ...] = ([], [], [], [], [], [])
    kinds = _SCAN_KINDS
    for i in range(count):
        span = buffer[i]
        lists[kinds[span.kind]].append((span.start_char, span.end_char))
    return bits, _MojibakeScan(*lists)


#: The triage's tables built so far, by phrase tuple (the stage passes the
#: same few tuples; building them costs more than triaging a short text).
_tables: dict[tuple[str, ...], object] = {}
#: The last phrase tuple asked for and its tables.
_last_tables: tuple = ((), None)
#: Per thread, the triage's buffers for a short text (cffi releases the GIL
#: during the call, so threads cannot share them), of ``_SHORT_CAP`` runs.
_scratch = threading.local()
#: The longest text whose code points the triage keeps for the idle check (256 KB of them).
_KEEP_ENCODED = 1 << 16
_SHORT_CAP = 64


def _scratch_buffers():
    _scratch.buffers = (_new_unzeroed("tr_mojibake_run[]", _SHORT_CAP), ffi.new("size_t *"))
    return _scratch.buffers


def _tables_for(phrases: tuple[str, ...]):
    global _last_tables
    made = _tables.get(phrases) or _triage_tables(phrases)
    _last_tables = (phrases, made)
    return made


def _triage_tables(phrases: tuple[str, ...]):
    blob = _phrase_blob(phrases)
    made = lib.tr_triage_tables_new(blob, len(blob))
    if made == ffi.NULL:
        raise MemoryError("tr_triage_tables_new could not allocate")
    made = ffi.gc(made, lib.tr_triage_tables_free, size=0x5200 // 8 + 16384)
    if len(_tables) < 16:
        _tables[phrases] = made
    return made


def triage_han_rare() -> bytes:
    """C twin of ``_fallback.triage.han_rare``."""
    buffer = ffi.new("uint8_t[]", 2624)
    return bytes(ffi.buffer(buffer, lib.tr_triage_han_rare(buffer, 2624)))


from ._fallback.mojibake import MojibakeScan as _MojibakeScan  # noqa: E402  (the same result type as the twin)
