"""Pure-Python twin of native/lm.c: the language model of the mojibake stage
(``tr_char_logp``, ``tr_char_score``, ``tr_word_score``, ``tr_word_scores``,
``tr_word_segment``, ``tr_lm_fold``, ``tr_word_fits``), and the reader of its
binary tables.

The specification: the C core returns exactly what this module returns, to
the bit.  Both read the same bytes: ``data/char_model.bin`` (character bigram
model, ``data/build_char_model.py``), ``data/word_model.bin`` (word table,
``data/build_word_model.py``) and ``data/fold_table.bin`` (traditional to
simplified, same script), each memory-mapped once per process and read in
place (this module through ``memoryview``, the C core through pointers into
the same mapping), so loading costs no parse and ``-j`` workers share the pages.

Two scores:

* :func:`char_logp` / :func:`char_score`: the interpolated Kneser-Ney
  character bigram model with its log-probabilities precomputed: a bigram
  seen in the corpus is one stored value, an unseen one is
  ``ln gamma(prev) + ln P_cont(ch)``; a step is one hash probe and at most
  one addition.
* :func:`word_score`: the best segmentation of the folded text into words of
  the table (wordfreq's ``large_zh`` list, ln of each word's frequency), a
  character in no word costing ``ln beta + ln P_uni(ch)`` of the character
  model (``beta`` measured by ``build_word_model.py``).

>>> word_score("社保卡") > word_score("社海口")
True
>>> word_score("醫保基金") == word_score("医保基金")
True
"""

from __future__ import annotations

import mmap
import struct
import sys
from array import array
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
CHAR_MODEL = DATA / "char_model.bin"
WORD_MODEL = DATA / "word_model.bin"
FOLD_TABLE = DATA / "fold_table.bin"

# --- the container: a directory of named, typed, little-endian arrays ---------------
# header: magic "TRLM" + kind (4 bytes), version u32, number of sections u32;
# then per section: name (8 bytes, NUL-padded), array typecode (1 byte) and 7
# bytes of padding, byte offset u64, item count u64; each array starts on an
# 8-byte boundary, so C reads it in place.

VERSION = 1
_HEADER = struct.Struct("<8sII")
_ENTRY = struct.Struct("<8sc7xQQ")
_SIZES = {"H": 2, "I": 4, "Q": 8, "f": 4, "d": 8}


def pack(kind: bytes, sections: list[tuple[str, str, object]]) -> bytes:
    """The container bytes of ``sections`` (name, typecode, values), little-endian.

    >>> raw = pack(b"TEST", [("one", "I", [7]), ("two", "d", [0.5, 1.5])])
    >>> t = Tables(raw, b"TEST"); t["two"][1], t["one"][0], len(raw)
    (1.5, 7, 104)
    """
    head = _HEADER.size + _ENTRY.size * len(sections)
    offset = -(-head // 8) * 8
    directory, blobs = [], []
    for name, code, values in sections:
        data = array(code, values)
        if data.itemsize != _SIZES[code]:
            raise ValueError(f"array typecode {code!r} is {data.itemsize} bytes here, not {_SIZES[code]}")
        if sys.byteorder == "big":
            data.byteswap()
        raw = data.tobytes()
        directory.append(_ENTRY.pack(name.encode("ascii"), code.encode("ascii"), offset, len(data)))
        blobs.append((offset, raw))
        offset += -(-len(raw) // 8) * 8
    out = bytearray(offset)
    out[: _HEADER.size] = _HEADER.pack(b"TRLM" + kind, VERSION, len(sections))
    out[_HEADER.size : head] = b"".join(directory)
    for at, raw in blobs:
        out[at : at + len(raw)] = raw
    return bytes(out)


class Tables:
    """The named arrays of one container, as ``memoryview`` casts over its
    bytes (an ``mmap`` of the file: nothing is copied on a little-endian host).

    ``raw``: a path (mapped read-only) or the container's bytes.
    """

    __slots__ = ("buffer", "sections", "kind")

    def __init__(self, raw, kind: bytes) -> None:
        if isinstance(raw, (str, Path)):
            with open(raw, "rb") as f:
                raw = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.buffer = raw  # kept open for as long as the views live
        view = memoryview(raw)
        magic, version, count = _HEADER.unpack_from(view, 0)
        if magic != b"TRLM" + kind or version != VERSION:
            raise ValueError(f"not a version-{VERSION} {kind.decode()} table: {magic!r} {version}")
        self.kind = kind
        self.sections: dict[str, memoryview] = {}
        for k in range(count):
            name, code, offset, items = _ENTRY.unpack_from(view, _HEADER.size + k * _ENTRY.size)
            code = code.decode("ascii")
            end = offset + items * _SIZES[code]
            if offset % 8 or end > len(view):
                raise ValueError(f"section {name!r} lies outside the file")
            part = view[offset:end]
            if sys.byteorder == "big":  # the files are little-endian: swap into memory once
                swapped = array(code)
                swapped.frombytes(part)
                swapped.byteswap()
                part = memoryview(swapped).cast("B")
            self.sections[name.rstrip(b"\0").decode("ascii")] = part.cast(code)

    def __getitem__(self, name: str) -> memoryview:
        return self.sections[name]


_M32 = 0xFFFFFFFF
#: An empty slot of either hash table.
EMPTY = 0xFFFFFFFF


# --- the character bigram model -------------------------------------------------

def bigram_slot(key: int, slots: int) -> int:
    """Home slot of a bigram key ``prev_index << 16 | ch_index``: Fibonacci
    hashing, then the hash's range scaled to the table (``tr_bigram_slot``)."""
    return ((key * 0x9E3779B1) & _M32) * slots >> 32


class CharModel:
    """The character bigram model (``data/char_model.bin``): interpolated
    Kneser-Ney with absolute discount 0.75 and continuation counts over an
    add-one unigram floor, every term precomputed by ``build_char_model.py``.

    ``uni`` maps each character to its count; ``bi`` each stored bigram (two
    characters) to its log-probability.

    >>> m = char_model()
    >>> m.logp("中", "国") > m.logp("中", "鍀")
    True
    >>> m.uni["中"] > m.uni["鍀"] > 0, "\\x00" in m.uni
    (True, False)
    """

    __slots__ = ("tables", "cp", "bmp", "count", "ln_uni", "ln_cont", "ln_gamma", "keys", "values", "chars",
                 "slots", "total", "ln_uni_unknown", "ln_cont_unknown", "uni", "bi", "_memo")

    def __init__(self, tables: Tables) -> None:
        t = self.tables = tables
        self.cp, self.bmp, self.count = t["cp"], t["bmp"], t["uni"]
        self.ln_uni, self.ln_cont, self.ln_gamma = t["ln_uni"], t["ln_cont"], t["ln_gamma"]
        self.keys, self.values = t["bi_key"], t["bi_logp"]
        self.chars, self.slots = len(self.cp), len(self.keys)
        if self.chars >= 0xFFFF or len(self.bmp) != 0x10000 or len(self.values) != self.slots:
            raise ValueError("malformed character model")
        self.total = t["total"][0]
        self.ln_uni_unknown = t["ln_unk"][0]
        self.ln_cont_unknown = t["ln_cunk"][0]
        self.uni = _Unigrams(self)
        self.bi = _Bigrams(self)
        # logp of pairs already asked for: the Python search asks the same
        # ones thousands of times.  Bounded; it never changes a result.
        self._memo: dict[tuple[str, str], float] = {}

    def index(self, ch: str) -> int:
        """Index of ``ch`` among the model's characters, or -1 (``tr_char_index``)."""
        c = ord(ch)
        if c < 0x10000:
            q = self.bmp[c]
            return q if q < self.chars and self.cp[q] == c else -1
        q = bisect_left(self.cp, c)
        return q if q < self.chars and self.cp[q] == c else -1

    def ln_uni_of(self, ch: str) -> float:
        """ln P_uni(ch), the add-one unigram probability."""
        c = self.index(ch)
        return self.ln_uni[c] if c >= 0 else self.ln_uni_unknown

    def logp(self, prev: str, ch: str) -> float:
        """ln P(ch | prev), prev "" at the start of a text (``tr_char_logp``).

        >>> m = char_model()
        >>> m.logp("", "中") == m.ln_uni_of("中")
        True
        """
        key = (prev, ch)
        found = self._memo.get(key)
        if found is not None:
            return found
        found = self._logp(prev, ch)
        if len(self._memo) >= 1 << 18:
            self._memo.clear()
        self._memo[key] = found
        return found

    def _logp(self, prev: str, ch: str) -> float:
        c = self.index(ch)
        p = self.index(prev) if prev else -1
        if p < 0:  # no previous character, or one the model never saw
            return self.ln_uni[c] if c >= 0 else self.ln_uni_unknown
        if c < 0:
            return self.ln_gamma[p] + self.ln_cont_unknown
        key = p << 16 | c
        keys, slots = self.keys, self.slots
        s = bigram_slot(key, slots)
        for _ in range(slots):
            k = keys[s]
            if k == key:
                return self.values[s]
            if k == EMPTY:
                break
            s += 1
            if s == slots:
                s = 0
        return self.ln_gamma[p] + self.ln_cont[c]

    def score(self, text: str, before: str = "", after: str = "") -> float:
        """ln P of ``text`` between its neighbours: the sum of its bigram terms
        in order (``tr_char_score``)."""
        total = 0.0
        prev = before
        for ch in text:
            total += self.logp(prev, ch)
            prev = ch
        if after:
            total += self.logp(prev, after)
        return total


class _Unigrams:
    """``CharModel.uni``: a read-only mapping character -> count over the table."""

    __slots__ = ("_m",)

    def __init__(self, model: CharModel) -> None:
        self._m = model

    def __getitem__(self, ch: str) -> int:
        c = self._m.index(ch) if len(ch) == 1 else -1
        if c < 0:
            raise KeyError(ch)
        return self._m.count[c]

    def get(self, ch: str, default=None):
        c = self._m.index(ch) if len(ch) == 1 else -1
        return self._m.count[c] if c >= 0 else default

    def __contains__(self, ch) -> bool:
        return isinstance(ch, str) and len(ch) == 1 and self._m.index(ch) >= 0

    def __len__(self) -> int:
        return self._m.chars

    def __iter__(self):
        return map(chr, self._m.cp)

    def keys(self):
        return list(self)

    def items(self):
        return zip(map(chr, self._m.cp), self._m.count)


class _Bigrams:
    """``CharModel.bi``: the stored bigrams (two-character strings) and their ln P."""

    __slots__ = ("_m",)

    def __init__(self, model: CharModel) -> None:
        self._m = model

    def __len__(self) -> int:
        return self._m.slots - self._m.keys.tolist().count(EMPTY)

    def __iter__(self):
        cp = self._m.cp
        for k in self._m.keys:
            if k != EMPTY:
                yield chr(cp[k >> 16]) + chr(cp[k & 0xFFFF])

    def __contains__(self, pair) -> bool:
        return self.get(pair) is not None

    def __getitem__(self, pair: str) -> float:
        found = self.get(pair)
        if found is None:
            raise KeyError(pair)
        return found

    def get(self, pair: str, default=None):
        m = self._m
        if len(pair) != 2:
            return default
        p, c = m.index(pair[0]), m.index(pair[1])
        if p < 0 or c < 0:
            return default
        key = p << 16 | c
        s = bigram_slot(key, m.slots)
        for _ in range(m.slots):
            k = m.keys[s]
            if k == key:
                return m.values[s]
            if k == EMPTY:
                break
            s = s + 1 if s + 1 < m.slots else 0
        return default


@lru_cache(maxsize=1)
def char_model() -> CharModel:
    """The character model of this process, mapped on first use."""
    return CharModel(Tables(CHAR_MODEL, b"CHAR"))


def char_logp(prev: str, ch: str) -> float:
    """ln P(ch | prev) under the character model ("" : no previous character).

    >>> char_logp("中", "国") > char_logp("中", "鍀")
    True
    """
    return char_model().logp(prev, ch)


def char_score(text: str, before: str = "", after: str = "") -> float:
    """ln P of ``text`` between its neighbours ("" at an end) under the character model.

    >>> char_score("中国") > char_score("涓浗")
    True
    """
    return char_model().score(text, before, after)


def char_scores(candidates, left: str = "", right: str = "") -> list[float]:
    """:func:`char_score` of ``left + c + right`` for every candidate ``c``
    (the C core sums the left context once: the same doubles).

    >>> a, b = char_scores(["中国", "涓浗"], "在", "人")
    >>> a > b, a == char_score("在中国人")
    (True, True)
    """
    return [char_score(left + c + right) for c in candidates]


# --- the fold ------------------------------------------------------------------------

def fold_map(fold: Tables) -> dict[int, int]:
    """``str.translate`` table of the fold: OpenCC's traditional to simplified
    characters (first candidate), and fullwidth ASCII forms to ASCII, as the
    character model counts them (``tr_lm_fold_cp``)."""
    table = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
    for src, dst in zip(fold["from"], fold["to"]):
        table[src] = dst - 0xFEE0 if 0xFF01 <= dst <= 0xFF5E else dst
    return table


# --- the word model ----------------------------------------------------------------
# One open-addressing hash table of trie nodes: a node is the slot it sits in,
# keyed by (parent node, code point); each slot holds three uint32: parent
# (ROOT for a word's first character, EMPTY for a free slot), the code point
# with the flags below, and ln P of the word it ends as float32 bits.

ROOT = 0xFFFFFFFE
CP_MASK = 0x1FFFFF
IS_WORD = 1 << 30  # the path to this node spells a word of the table
HAS_CHILDREN = 1 << 31  # a longer word continues it


def child_slot(parent: int, cp: int, slots: int) -> int:
    """Home slot of the node (parent, cp): murmur3's finaliser over
    ``parent ^ cp * golden``, scaled to the table (``tr_word_slot``)."""
    x = parent ^ ((cp * 0x9E3779B1) & _M32)
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & _M32
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & _M32
    x ^= x >> 16
    return x * slots >> 32


class WordModel:
    """Words of the table with ln P, over the character model for backoff.

    >>> w = word_model()
    >>> w.logp("社保卡") < w.logp("社保") < 0, w.logp("社海") is None
    (True, True)
    """

    __slots__ = ("tables", "slot", "logps", "slots", "ln_beta", "max_len", "chars", "fold", "fold_tables")

    def __init__(self, words: Tables, fold: Tables, chars: CharModel) -> None:
        self.tables = words
        self.fold_tables = fold
        self.slot = words["slot"]  # 3 x uint32 per slot
        self.logps = words["slot"].cast("B").cast("f")
        self.slots = len(self.slot) // 3
        self.ln_beta = words["ln_beta"][0]
        self.max_len = words["max_len"][0]
        self.chars = chars
        self.fold = fold_map(fold)
        if len(fold["from"]) != len(fold["to"]) or len(self.slot) % 3:
            raise ValueError("malformed word model or fold table")

    def child(self, parent: int, cp: int) -> int:
        """The node (parent, cp), or -1."""
        slot, slots = self.slot, self.slots
        s = child_slot(parent, cp, slots)
        for _ in range(slots):
            p = slot[3 * s]
            if p == parent and slot[3 * s + 1] & CP_MASK == cp:
                return s
            if p == EMPTY:
                return -1
            s += 1
            if s == slots:
                s = 0
        return -1

    def logp(self, word: str) -> float | None:
        """ln P of a (folded) word of the table, or None."""
        node = ROOT
        for ch in word:
            node = self.child(node, ord(ch))
            if node < 0:
                return None
        if node == ROOT or not self.slot[3 * node + 1] & IS_WORD:
            return None
        return self.logps[3 * node + 2]

    def backoff(self, ch: str) -> float:
        """What a character in no word costs: ln beta + ln P_uni(ch)."""
        return self.ln_beta + self.chars.ln_uni_of(ch)

    def best(self, folded: str) -> tuple[list[float], list[int], list[float], list[bool]]:
        """The segmentation lattice's best scores of every prefix of a folded text,
        and for each end the start, ln P and kind (in the table or not) of its
        last token.  Candidates reach an end in order of their start and, from
        one start, shortest first; a later one wins only when strictly better."""
        n = len(folded)
        best = [0.0] + [float("-inf")] * n
        start = list(range(-1, n))  # an end no candidate reaches (only with a broken table)
        token = [0.0] * (n + 1)
        in_table = [False] * (n + 1)
        slot, logps, max_len = self.slot, self.logps, self.max_len
        child = self.child
        for i in range(n):
            base = best[i]
            single = False
            node = ROOT
            j = i
            while j < n and j - i < max_len:
                node = child(node, ord(folded[j]))
                if node < 0:
                    break
                j += 1
                flags = slot[3 * node + 1]
                if flags & IS_WORD:
                    single = single or j == i + 1
                    lp = logps[3 * node + 2]
                    cand = base + lp
                    if cand > best[j]:
                        best[j], start[j], token[j], in_table[j] = cand, i, lp, True
                if not flags & HAS_CHILDREN:
                    break
            if not single:
                lp = self.backoff(folded[i])
                cand = base + lp
                if cand > best[i + 1]:
                    best[i + 1], start[i + 1], token[i + 1], in_table[i + 1] = cand, i, lp, False
        return best, start, token, in_table

    def score(self, text: str) -> float:
        """ln P of the best segmentation of ``text`` folded (``tr_word_score``)."""
        return self.best(text.translate(self.fold))[0][-1]

    def segments(self, text: str) -> list[tuple[int, int, float, bool]]:
        """The best segmentation: (start, end, ln P, in the table) per token (``tr_word_segment``)."""
        best, start, token, in_table = self.best(text.translate(self.fold))
        out = []
        j = len(text)
        while j > 0:
            out.append((start[j], j, token[j], in_table[j]))
            j = start[j]
        out.reverse()
        return out


@lru_cache(maxsize=1)
def word_model() -> WordModel:
    """The word model of this process, mapped on first use."""
    return WordModel(Tables(WORD_MODEL, b"WORD"), Tables(FOLD_TABLE, b"FOLD"), char_model())


def fold_text(text: str) -> str:
    """The text as the word model reads it (``tr_lm_fold``): traditional
    characters to simplified (OpenCC's first candidate), fullwidth ASCII to ASCII.

    >>> fold_text("醫保基金，ＡＢ")
    '医保基金,AB'
    """
    return text.translate(word_model().fold)


def word_score(text: str) -> float:
    """ln P of the best segmentation of ``text`` (folded) into words of the
    table, a character in no word backing off to the character model.

    >>> round(word_score("社保卡") / 2.302585, 2), round(word_score("社海口") / 2.302585, 2)
    (-7.0, -9.46)
    """
    return word_model().score(text)


def word_scores(candidates, left: str = "", right: str = "") -> list[float]:
    """:func:`word_score` of ``left + c + right`` for every candidate ``c``
    (the C core segments the shared left context once).

    >>> a, b = word_scores(["保卡", "海口"], "社", "。")
    >>> a > b, a == word_score("社保卡。")
    (True, True)
    """
    return [word_score(left + c + right) for c in candidates]


def word_and_char_scores(candidates, left: str = "", right: str = "") -> tuple[list[float], list[float]]:
    """:func:`word_scores` and :func:`char_scores` of the same candidates
    (the C core encodes them once for both).

    >>> word_and_char_scores(["保卡"], "社", "。") == (word_scores(["保卡"], "社", "。"), char_scores(["保卡"], "社", "。"))
    True
    """
    candidates = list(candidates)
    return word_scores(candidates, left, right), char_scores(candidates, left, right)


def word_segments(text: str) -> list[tuple[int, int, float, bool]]:
    """The best segmentation of ``text``: ``(start, end, ln P, in_table)`` per
    token, ``in_table`` False for a character scored by the backoff.

    >>> [(s, e, t) for s, e, _lp, t in word_segments("醫保基金。")]
    [(0, 2, True), (2, 4, True), (4, 5, False)]
    """
    return word_model().segments(text)


def word_fits(before: str, options: list[dict[str, list[str]]], after: str, reach: int) -> set[tuple[str, ...]]:
    """The fillings of a group of slots that spell a word of the word list
    with the known text around them (``tr_word_fits``).  ``options[k]`` maps
    each folded character slot ``k`` allows to the characters that fold to
    it; ``before``/``after`` are the known text before and after the group
    (folded), ``reach`` the longest word tried.  A filling holds, for each
    slot, the first character of its folded one, or "" where the word does
    not reach it.

    >>> sorted(word_fits("社", [{"保": ["保"], "海": ["海"]}, {"卡": ["卡"], "口": ["口"]}], ",", 6))
    [('保', ''), ('保', '卡'), ('海', '口')]
    """
    words = word_model()
    child = words.child
    flags = words.slot
    g = len(options)
    found: set[tuple[str, ...]] = set()

    def allowed(pos: int):
        if pos < 0:
            return ((before[pos], None),)
        if pos < g:
            return [(c, shown) for c, shown in options[pos].items()]
        if pos - g < len(after):
            return ((after[pos - g], None),)
        return ()

    def walk(node: int, pos: int, start: int, picks: tuple) -> None:
        if pos - start >= reach:
            return
        for c, shown in allowed(pos):
            nxt = child(node, ord(c))
            if nxt < 0:
                continue
            chosen = picks + (shown,) if shown is not None else picks
            info = flags[3 * nxt + 1]
            if info & IS_WORD and pos > start and pos >= 0 and start < g and chosen:
                covered = max(0, start)
                filling = ("",) * covered + tuple(s[0] for s in chosen) + ("",) * (g - covered - len(chosen))
                found.add(filling)
            if info & HAS_CHILDREN:
                walk(nxt, pos + 1, start, chosen)

    for start in range(-min(len(before), reach - 1), g):
        walk(ROOT, start, start, ())
    return found
