"""Pure-Python twin of native/boilerplate.c: the lines that hold a boilerplate phrase or a menu (``tr_boilerplate_lines``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re
from bisect import bisect_right as _bisect_right
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate as _accumulate

from .. import _cjkcodec


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
    if min_items == 1 or any("\n" in p for p in phrases):
        return _boilerplate_lines_reference(text, phrases, min_items)
    starts = _phrase_starts(text, phrases)
    if min_items > 0:
        starts += _menu_line_starts(text, min_items)
    return _line_numbers(text, starts)


def _boilerplate_lines_reference(text: str, phrases: tuple[str, ...], min_items: int) -> list[int]:
    """:func:`boilerplate_lines` by its definition: every match of the
    phrases' alternation and of the item pattern, mapped to its line.

    >>> _boilerplate_lines_reference("正文。\\n分享到:\\n新 聞 要 聞\\nx", ("分享",), 4)
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


def _line_numbers(text: str, positions: list[int]) -> list[int]:
    """The distinct line indices of ``positions``, in order.

    >>> _line_numbers("a\\nb\\n\\nc", [5, 0, 2, 4])
    [0, 1, 2, 3]
    """
    lines = []
    line = last = 0
    for p in sorted(positions):
        line += text.count("\n", last, p)
        last = p
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


# --- phrases ---------------------------------------------------------------
# A line holds a match of the phrases' alternation exactly when it holds an
# occurrence of a phrase (no phrase spans a line), and then one of a phrase
# that contains no other.  Such occurrences are found from each phrase's
# rarest character (by the character model): the regex engine skips to those
# few characters, and only there is the phrase compared.


@lru_cache(maxsize=16)
def _keyed(phrases: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, tuple[tuple[int, str], ...]]]:
    """A pattern matching, one character wide, the key character of some
    phrase when the rest of that phrase from it follows; and for each key
    character the ``(offset, phrase)`` pairs to compare there."""
    wanted = {p for p in phrases if p}
    minimal = sorted(p for p in wanted if not any(q != p and q in p for q in wanted))
    counts = _cjkcodec.char_model().uni
    keyed: dict[str, list[tuple[int, str]]] = {}
    for phrase in minimal:
        # ASCII is common on Chinese pages whatever the model says: an
        # ASCII phrase is keyed on its first character, the rest checked in C.
        i = min(range(len(phrase)), key=lambda i: (phrase[i].isascii(), _count(counts, phrase[i]), i))
        keyed.setdefault(phrase[i], []).append((i, phrase))
    # Each branch starts with its literal key, so the engine finds a prefix
    # set; the whole phrase is compared around it in C (a look-behind to the
    # key, a look-ahead after it).  The engine tries the branches in turn:
    # the keys most common in Chinese text come first.
    branches = []
    for key, found in sorted(keyed.items(), key=lambda kv: (not kv[0].isascii(), -counts.get(kv[0], 0), kv[0])):
        around = sorted({_around(phrase, i) for i, phrase in found})
        branches.append(re.escape(key) + ("" if "" in around else "(?:%s)" % "|".join(around)))
    pattern = re.compile("|".join(branches)) if branches else None
    return pattern, {key: tuple(found) for key, found in keyed.items()}


def _count(counts, ch: str) -> int:
    """How often the character model saw ``ch`` (ASCII counts alike: 0)."""
    return 0 if ch.isascii() else counts.get(ch, 0)


def _around(phrase: str, i: int) -> str:
    """Look-arounds that hold at ``i + 1`` where ``phrase`` occurs with its
    ``i``-th character just before.

    >>> _around("上一篇", 2), _around("分享到", 0), _around("|", 0)
    ('(?<=上一篇)', '(?=享到)', '')
    """
    before = "(?<=%s)" % re.escape(phrase[:i + 1]) if i > 0 else ""
    after = "(?=%s)" % re.escape(phrase[i + 1:]) if i + 1 < len(phrase) else ""
    return before + after


def _phrase_starts(text: str, phrases: tuple[str, ...]) -> list[int]:
    """Where a phrase that contains no other of ``phrases`` occurs (each
    occurrence once, in order of its key character).

    >>> _phrase_starts("上一篇:下一篇 分享 上一", ("上一篇", "上一篇:", "分享"))
    [0, 8]
    """
    return list(_occurrences(text, phrases))


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether one of ``phrases`` occurs in ``text`` (the search stops at the first).

    >>> _has_phrase("上一篇", ("一篇",)), _has_phrase("上一", ("一篇",)), _has_phrase("x", ())
    (True, False, False)
    """
    return next(_occurrences(text, phrases), None) is not None


def _occurrences(text: str, phrases: tuple[str, ...]) -> Iterator[int]:
    """The starts :func:`_phrase_starts` lists, one at a time."""
    pattern, keyed = _keyed(phrases)
    if pattern is None:
        return
    for m in pattern.finditer(text):
        q = m.start()
        for i, phrase in keyed[text[q]]:
            if q >= i and text.startswith(phrase, q - i):
                yield q - i


# --- menus -----------------------------------------------------------------
# A line matches the item pattern at its start exactly when it holds
# ``min_items`` items; such a line holds ``min_items - 1`` separator runs
# each followed by an item, a pattern that starts with a separator (rare in
# Chinese text), so only the lines where it matches are tried.


@lru_cache(maxsize=16)
def _menu_hint(min_items: int) -> re.Pattern[str]:
    # Written to start with the separator class (the engine then skips to
    # separators), possessive since items and separators never overlap.
    sep, item = f"[{_SEPARATORS}]", f"[^{_SEPARATORS}\\n]"
    # The look-behind starts it at a run right after an item (the first
    # item's), not at a line's indentation: the rest of the line is read
    # from there only.
    return re.compile(f"{sep}(?<={item}{sep}){sep}*+{item}++(?:{sep}++{item}++){{{min_items - 2}}}")


def _menu_line_starts(text: str, min_items: int, first_only: bool = False) -> list[int]:
    """The starts of the lines that hold ``min_items`` (at least 2) items
    (``first_only``: only the first).

    >>> _menu_line_starts("a b c\\n d e\\n\\nf g h i", 3)
    [0, 12]
    """
    hint = _menu_hint(min_items)
    items = _items_pattern(min_items)
    starts = []
    found = hint.search(text)
    while found is not None:
        line = text.rfind("\n", 0, found.start()) + 1
        if items.match(text, line):
            starts.append(line)
            if first_only:
                break
        end = text.find("\n", found.end())
        if end < 0:
            break
        found = hint.search(text, end + 1)
    return starts
