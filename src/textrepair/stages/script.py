"""Convert between simplified and traditional characters with OpenCC.

``script="simplified"`` and ``"traditional"`` convert always; ``"auto"``
converts to simplified only when an earlier stage found converter damage
(pinyin annotations), which also undoes the converter's wrong forms such as
``製度`` (制度) and ``全麵`` (全面).  The pipeline resolves ``"auto"``.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from ..edits import Edit
from ..options import Options

NAME = "script"
NEEDS = None  # any text may hold characters to convert
KIND = "script"

_CONFIGS = {"simplified": "t2s", "traditional": "s2t"}


@lru_cache(maxsize=2)
def _converter(config: str):
    # opencc-python-reimplemented; imported on first use (its tables are large).
    import opencc

    return opencc.OpenCC(config)


def fix_text(text: str, options: Options) -> str:
    """Text in the script ``options.script`` asks for.

    >>> fix_text("全麵製度", Options(script="simplified"))
    '全面制度'
    """
    config = _CONFIGS.get(options.script)
    if config is None or not text:
        return text
    return _converter(config).convert(text)


def _diff(before: str, after: str) -> list[Edit]:
    if len(before) == len(after):
        # Character-for-character conversion: one edit per changed run.
        edits = []
        i, n = 0, len(before)
        while i < n:
            if before[i] == after[i]:
                i += 1
                continue
            j = i
            while j < n and before[j] != after[j]:
                j += 1
            edits.append(Edit(KIND, i, j, before[i:j], after[i:j], 0.9))
            i = j
        return edits
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(KIND, i1, i2, before[i1:i2], after[j1:j2], 0.9)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """Like :func:`fix_text`, with an edit per converted run.

    >>> [e.after for e in fix("數據", Options(script="simplified"))[1]]
    ['数据']
    """
    converted = fix_text(text, options)
    if converted == text:
        return text, []
    return converted, _diff(text, converted)
