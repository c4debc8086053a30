"""Pure-Python twin of native/boilerplate.c: the lines that hold a boilerplate phrase or a menu (``tr_boilerplate_lines``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re
from bisect import bisect_right as _bisect_right
from functools import lru_cache
from itertools import accumulate as _accumulate



_SEPARATORS = " \t\u3000"


@lru_cache(maxsize=16)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    wanted = sorted({p for p in phrases if p}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in wanted)) if wanted else None


@lru_cache(maxsize=16)
def _items_pattern(min_items: int) -> re.Pattern[str]:
    # At least ``min_items`` runs of non-separators on one line, anchored at
    # the line start so a long line is read once.
    sep, item = f"[{_SEPARATORS}]", f"[^{_SEPARATORS}\\n]"
    return re.compile(f"^{sep}*(?:{item}+{sep}+){{{min_items - 1}}}{item}", re.M)


def boilerplate_lines(text: str, phrases: tuple[str, ...], min_items: int) -> list[int]:
    """Indices of the lines (split at ``\\n``) holding one of ``phrases`` or,
    when ``min_items`` > 0, at least that many items separated by spaces,
    tabs or U+3000.

    >>> boilerplate_lines("正文。\\n分享到:\\n新 聞 要 聞\\nx", ("分享",), 4)
    [1, 2]
    """
    if "\n" not in text:
        ends = [len(text) + 1]
    else:
        ends = list(_accumulate(len(line) + 1 for line in text.split("\n")))
    found: set[int] = set()
    patterns = [_phrase_pattern(phrases)]
    if min_items > 0:
        patterns.append(_items_pattern(min_items))
    for pattern in patterns:
        if pattern is not None:
            found.update(_bisect_right(ends, m.start()) for m in pattern.finditer(text))
    return sorted(found)
