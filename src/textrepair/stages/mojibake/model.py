"""The language model the mojibake stage judges readings with.

A reading is scored by its best segmentation into the words of a modern word
list (wordfreq's ``large_zh``; ``_backend.impl.word_score``), plus a quarter of
the character bigram model (``char_score``), which knows how characters follow
each other across words (非常好 against 非常和, both a word and a character).
The word list also proposes the characters of a lost byte: it knows modern
words the bigram model has never seen (社保卡; 保卡 is unseen in its corpus).
"""

from __future__ import annotations

import math

from ... import _backend
from ..._fallback.shift import BIGRAM_WEIGHT, posterior

__all__ = ["BIGRAM_WEIGHT", "fold", "paragraph_end_logp", "posterior", "script_chars", "window_score", "window_scores",
           "word_fits"]


def window_score(text: str) -> float:
    """The natural-log score of ``text``: its word segmentation plus
    ``BIGRAM_WEIGHT`` times its bigram score.

    >>> window_score("電子社保卡,覆蓋") > window_score("電子社海口,覆蓋")
    True
    """
    impl = _backend.impl
    return impl.word_score(text) + BIGRAM_WEIGHT * impl.char_score(text)


def window_scores(candidates: list[str], left: str, right: str) -> list[float]:
    """:func:`window_score` of ``left + c + right`` for each candidate."""
    words, chars = _backend.impl.word_and_char_scores(candidates, left, right)
    return [w + BIGRAM_WEIGHT * c for w, c in zip(words, chars)]


def fold(text: str) -> str:
    """``text`` as the word model reads it (traditional folded to simplified).

    >>> fold("醫保")
    '医保'
    """
    return _backend.impl.fold_text(text)


def word_fits(before: str, options: list[dict[str, list[str]]], after: str, reach: int) -> set[tuple[str, ...]]:
    """The fillings of a group of slots that spell a word of the word list
    with the known text around them.  ``options[k]`` maps each folded
    character slot ``k`` allows to the characters that fold to it;
    ``before``/``after`` are the known text before and after the group
    (folded), ``reach`` the longest word tried.  A filling holds, for each
    slot, a character, or "" where the word does not reach it (the walk is
    ``_backend.impl.word_fits``: ``tr_word_fits``, twin ``_fallback.lm``).

    >>> fits = word_fits("社", [{"保": ["保"], "海": ["海"]}, {"卡": ["卡"], "口": ["口"]}], ",", 6)
    >>> ("保", "卡") in fits
    True
    """
    return _backend.impl.word_fits(before, options, after, reach)


# --- where paragraphs end (the wrong-codec readings' judge) -------------------

#: Smoothing mass of :func:`paragraph_end_logp` (pseudo-occurrences at the corpus rate).
_END_K = 20.0


def _paragraph_end_table() -> tuple[float, dict[str, tuple[int, int]]]:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent.parent / "data" / "paragraph_end.txt"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    lines, chars = map(int, rows[0])
    return lines / chars, {chr(int(c, 16)): (int(e), int(n)) for c, e, n in rows[1:]}


_END_TABLE: list = []


def paragraph_end_logp(ch: str) -> float:
    """ln P(a paragraph ends here | its last character is ``ch``), from the
    corpus of the character model (``data/paragraph_end.txt``), folded as
    the models fold; smoothed towards the corpus rate.

    >>> paragraph_end_logp("。") > paragraph_end_logp("，") > paragraph_end_logp("、")
    True
    """
    if not _END_TABLE:
        _END_TABLE.append(_paragraph_end_table())
    rate, table = _END_TABLE[0]
    ends, count = table.get(fold(ch), (0, 0))
    return math.log((ends + _END_K * rate) / (count + _END_K))


# --- characters only one script writes (the wrong-codec readings' judge) -------

_SCRIPT_CHARS: list = []


def script_chars() -> tuple[frozenset[str], frozenset[str]]:
    """The characters only traditional text writes and those only simplified
    text writes (``data/script_chars.txt``, from OpenCC's character tables).

    >>> traditional, simplified = script_chars()
    >>> "說" in traditional, "说" in simplified, "於" in traditional, "中" in traditional | simplified
    (True, True, False, False)
    """
    if not _SCRIPT_CHARS:
        from pathlib import Path

        path = Path(__file__).resolve().parent.parent.parent / "data" / "script_chars.txt"
        rows = dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
                    if line and not line.startswith("#"))
        _SCRIPT_CHARS.append((frozenset(rows["traditional"]), frozenset(rows["simplified"])))
    return _SCRIPT_CHARS[0]
