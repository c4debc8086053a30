"""The language model the mojibake stage judges readings with.

A reading is scored by its best segmentation into the words of a modern
word list (wordfreq's ``large_zh``), backing off to the character model for
characters outside any word (``_backend.impl.word_score``); the character
bigram model ranks the structures of a run before their lost characters are
chosen (``_backend.impl.char_score``).
"""

from __future__ import annotations

import math
import os

from ... import _backend

__all__ = ["window_score", "posterior"]


def window_score(text: str) -> float:
    """The natural-log probability of ``text`` under the word model.

    >>> window_score("社保卡") > window_score("社海口")
    True
    """
    return _word_score()(text) + BIGRAM_WEIGHT * _backend.impl.char_score(text)


BIGRAM_WEIGHT = float(os.environ.get("TR_BIGRAM_WEIGHT", "1.0"))


def words_starting(ch: str):
    """The words (two characters or more, folded to simplified) of the word
    model that start with the folded character ``ch``."""
    return _dev().words_starting(ch)


def fold(text: str) -> str:
    """``text`` folded to simplified, as the word model reads it."""
    return _dev().fold(text)


def _word_score():
    impl = _backend.impl
    found = getattr(impl, "word_score", None)
    if found is not None:
        return found
    return _dev().word_score


def _dev():
    dev = os.environ.get("TEXTREPAIR_DEV_WORD_MODEL")  # development only: a module with word_score
    if dev:
        import importlib
        import sys

        sys.path.insert(0, os.path.dirname(dev))
        return importlib.import_module(os.path.basename(dev))
    raise RuntimeError("no word model in this backend")


def posterior(scores: list[float], chosen: float) -> float:
    """The share of ``chosen`` among ``scores`` (log-probabilities): the
    probability the model gives the chosen reading among its rivals.

    >>> round(posterior([0.0, math.log(3)], math.log(3)), 2)
    0.75
    """
    top = max(scores)
    return math.exp(chosen - top) / sum(math.exp(s - top) for s in scores)
