"""Remove injected spam lines and the page furniture around an article.

Removal is by whole lines and conservative: every rule either needs a phrase
that only page furniture contains at the start of a line, or applies to short
lines that read as no sentence.  The phrase lists live in
``data/boilerplate_rules.txt`` (documented there, one list per rule); the
structural rules are here:

* spam line: two spam phrases, or one and a lure word, in a short line
  without sentence punctuation; or a line matching a ``spam-regex`` or one of
  the user's ``extra_spam_patterns``;
* widget: the whole line is a widget text (``分享到:``, ``鏈接已復制``), starts
  with a widget prefix and is short, or is a weak widget text (``朋友圈``)
  next to another removed line; a line of bullets only (``•``);
* navigation bar: at least three short items between ``|``; at least six
  short space-separated items, each with a Han character, without
  punctuation; or a breadcrumb (``首頁 >> 監管 >> 正文``).  Up to two short
  heading lines right above a bar go too (``LANGUAGES``, ``新聞``);
* footer: a line starting with ``本文鏈接:``, ``上一篇:``, ``聲明:``…; a short
  copyright line; a disclaimer header and the clauses under it;
* related-links tail: a ``相關新聞`` line and everything after it, when all
  of that is short lines that are no sentences.

Blank lines between removed lines, or after the last one, go with them.

Every removal is in proportion to its evidence: no rule removes a line
longer than ``LONG_LINE`` (200) characters, which is a paragraph (or a page
whose lines were joined) however it starts.  A rule that matches such a line
does not remove it, and the match is reported (:func:`textrepair.findings`);
a disclaimer block ends at such a line.

Only the lines the C scan ``tr_boilerplate_lines`` reports (those holding a
phrase of the trigger sections or a ``[trigger]`` string, or six spaced
items), and their neighbours, are examined; clean text costs that scan.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Iterable, NamedTuple

from .. import _backend
from ..edits import Edit, report, splice
from ..options import Options

__all__ = ["NAME", "KIND", "NEEDS", "RULES_FILE", "Rules", "load_rules", "parse_rules", "candidate_lines", "fix",
           "fix_text", "line_kinds", "scan_args"]

NAME = "boilerplate"
KIND = "boilerplate"
NEEDS = None
SPAM = "spam-line"
CONFIDENCE = {KIND: 0.9, SPAM: 0.95}
#: Only removes text: the scan flags stay a superset after it.
DELETES_ONLY = True

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "boilerplate_rules.txt"

#: Longest line (code points, stripped) a spam phrase, widget prefix or nav item rule applies to.
SHORT_LINE = 40
#: Longest copyright line.
FOOTER_LINE = 80
#: Longest navigation item.
NAV_ITEM = 8
_BULLETS = " \t\r\u3000\xa0•·●▪■◆◇○-*"
_SENTENCE_PUNCT = re.compile(r"[。！？；，!?;]|[,.](?=\s|$)")
_NAV_BAR = re.compile(r"\s*[|｜]\s*")
_HAN = re.compile(r"[\u3400-\u9fff]")
_BREADCRUMB = re.compile(r">|»|＞")


class Rules(NamedTuple):
    """The phrase lists of the rules file, by section."""

    lists: dict[str, tuple[str, ...]]

    def get(self, section: str) -> tuple[str, ...]:
        return self.lists.get(section, ())


def parse_rules(lines: Iterable[str]) -> Rules:
    """Read the rules format: ``[section]`` headers, one entry a line.

    >>> parse_rules(["# c", "[widget]", "分享到", "", "[x-regex]", "a+"]).lists
    {'widget': ('分享到',), 'x-regex': ('a+',)}
    """
    lists: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = lists.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return Rules({name: tuple(entries) for name, entries in lists.items()})


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The rules shipped with the package (read once)."""
    return parse_rules(RULES_FILE.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _core(line: str) -> str:
    """The line without surrounding spaces, bullets and a trailing colon."""
    return line.strip(_BULLETS).rstrip(":：").strip(_BULLETS)


def _has_any(line: str, phrases: tuple[str, ...]) -> int:
    return sum(1 for p in phrases if p in line)


def _is_spam(core: str, rules: Rules, extra: tuple[re.Pattern[str], ...]) -> bool:
    if any(p.search(core) for p in extra) or any(p.search(core) for p in _compiled(rules.get("spam-regex"))):
        return True
    if len(core) > SHORT_LINE or _SENTENCE_PUNCT.search(core):
        return False
    hits = _has_any(core, rules.get("spam-phrase"))
    return hits >= 2 or (hits == 1 and _has_any(core, rules.get("spam-lure")) > 0)


def _is_nav(core: str, rules: Rules) -> bool:
    if len(core) <= 2 * SHORT_LINE and _BREADCRUMB.search(core) and core.startswith(rules.get("breadcrumb-start")):
        return True
    items = _NAV_BAR.split(core)
    if len(items) >= 3 and all(0 < len(i) <= NAV_ITEM for i in items):
        return True
    items = core.split()
    return (
        len(items) >= 6  # a byline has five: "海報新聞記者 姜雪穎 實習生 侯驍涵 北京報道"
        and all(len(i) <= 6 and _HAN.search(i) for i in items)  # "x > y and y < z" is no menu
        and not _SENTENCE_PUNCT.search(core)
        and not any(ch in core for ch in "、:：")
    )


def _is_furniture(line: str, core: str, rules: Rules) -> bool:
    stripped = line.strip(_BULLETS)
    if stripped.startswith(rules.get("line-prefix")):
        return True
    if core in rules.get("widget"):
        return True
    if len(core) <= SHORT_LINE and stripped.startswith(rules.get("widget-prefix")):
        return True
    if len(core) <= FOOTER_LINE and (
        _has_any(core, rules.get("footer-phrase")) or any(p.search(core) for p in _compiled(rules.get("footer-regex")))
    ):
        return True
    return False


def _short_non_sentence(core: str) -> bool:
    return len(core) <= SHORT_LINE and not core.endswith(("。", "！", "？", ".", "!", "?"))


#: Lines longer than this (code points) are paragraphs: no rule removes them
#: (a ``line-prefix`` or user pattern that matches one is reported instead).
LONG_LINE = 200

#: Sections whose phrases can start a removal; a line holding none of them (nor
#: a ``[trigger]`` string) is only ever removed beside or after one that does.
_TRIGGER_SECTIONS = ("spam-phrase", "widget", "widget-prefix", "line-prefix", "footer-phrase", "footer-header",
                     "related-header", "trigger")
#: A line of this many space-separated items may be a spaced menu.
MENU_ITEMS = 6


@lru_cache(maxsize=1)
def _trigger_phrases() -> tuple[str, ...]:
    rules = load_rules()
    return tuple(sorted({p for section in _TRIGGER_SECTIONS for p in rules.get(section)}))


def candidate_lines(text: str, options: Options) -> list[int]:
    """Indices of the lines a rule could start from (the C scan
    ``tr_boilerplate_lines``); every line when the user gave patterns.

    >>> candidate_lines("一段正常的新闻。\\n第二段。", Options())
    []
    >>> candidate_lines("正文。\\n分享到:", Options())
    [1]
    """
    if options.extra_spam_patterns:
        return list(range(text.count("\n") + 1))
    offered = _OFFERED.get()
    if offered[0] is text:
        _OFFERED.set(_NOTHING)  # used once
        return list(offered[1])
    return _backend.impl.boilerplate_lines(text, _trigger_phrases(), MENU_ITEMS)


_NOTHING: tuple = (None, ())
#: The text whose candidate lines the pipeline found when it asked whether
#: this stage has anything to do, and those lines (the stage's first scan
#: of that very text object is then no second scan).  A context variable:
#: each thread's pipeline call has its own.
_OFFERED: ContextVar[tuple] = ContextVar("textrepair_boilerplate_offered", default=_NOTHING)


def forget() -> None:
    """Drop the offered lines (the pipeline calls this after each run)."""
    _OFFERED.set(_NOTHING)


def confirmed(text: str, options: Options) -> bool:
    """Whether ``text`` has a candidate line; the lines are kept for the
    stage's own first look at the same text object."""
    lines = candidate_lines(text, options)
    if lines and not options.extra_spam_patterns:
        _OFFERED.set((text, tuple(lines)))
    return bool(lines)


def scan_args(options: Options) -> tuple[tuple[str, ...], int] | None:
    """The phrases and item count :func:`candidate_lines` scans with, or
    None when every line is a candidate (the user gave patterns).

    >>> scan_args(Options())[1] == MENU_ITEMS
    True
    """
    if options.extra_spam_patterns:
        return None
    return _trigger_phrases(), MENU_ITEMS


class _Page:
    """The lines of a text, their cores (computed when asked) and the kind of
    each removed line."""

    def __init__(self, text: str, options: Options, candidates: list[int]) -> None:
        self.lines = text.split("\n")
        self.rules = load_rules()
        self.extra = _compiled(tuple(options.extra_spam_patterns))
        self.kinds: dict[int, str] = {}
        self.refused: dict[int, str] = {}  # long lines a rule matched, with its kind
        self.nav: list[int] = []  # navigation bars among the removed lines
        self._cores: dict[int, str] = {}
        self.candidates = candidates

    def core(self, i: int) -> str:
        core = self._cores.get(i)
        if core is None:
            core = self._cores[i] = _core(self.lines[i])
        return core

    def blank(self, i: int) -> bool:
        return not self.lines[i].strip()

    def non_blank(self, i: int, step: int) -> int:
        """Index of the nearest line from ``i`` in direction ``step`` with text, or -1."""
        i += step
        while 0 <= i < len(self.lines) and not self.core(i):
            i += step
        return i if 0 <= i < len(self.lines) else -1


def line_kinds(lines: list[str], options: Options) -> list[str | None]:
    """The removal kind of each line (``spam-line``, ``boilerplate``) or None.

    >>> line_kinds(["正文。", "分享到:", "午夜无码福利18禁网站"], Options())
    [None, 'boilerplate', 'spam-line']
    """
    text = "\n".join(lines)
    page = _classify(_Page(text, options, candidate_lines(text, options)))
    return [page.kinds.get(i) for i in range(len(lines))]


def _classify(page: _Page) -> _Page:
    rules, extra = page.rules, page.extra
    prefixes = rules.get("line-prefix")
    for i in page.candidates:
        line = page.lines[i]
        long = len(line) > LONG_LINE
        if long and not extra and not line.lstrip(_BULLETS).startswith(prefixes):
            continue  # a paragraph: only a prefix rule or a user pattern could match it
        kind = _line_kind(page, i)
        if kind is None:
            continue
        if long:
            page.refused[i] = KIND if kind == NAV else kind
        else:
            page.kinds[i] = KIND if kind == NAV else kind
            if kind == NAV:
                page.nav.append(i)
    _footer_blocks(page)
    _related_tail(page)
    _beside_removed(page)
    return page


#: The kind :func:`_line_kind` gives a navigation bar (removed as ``boilerplate``).
NAV = "nav"


def _line_kind(page: _Page, i: int) -> str | None:
    """What a rule makes of candidate line ``i`` alone: ``spam-line``,
    ``boilerplate``, ``nav`` or None."""
    rules, line, core = page.rules, page.lines[i], page.core(i)
    if not core:
        return KIND if line.strip() else None  # bullets only
    if _is_spam(core, rules, page.extra):
        return SPAM
    if _is_nav(core, rules):
        return NAV
    if _is_furniture(line, core, rules):
        return KIND
    return None


def _footer_blocks(page: _Page) -> None:
    """A disclaimer header and the clauses under it, up to a paragraph."""
    headers, words = page.rules.get("footer-header"), page.rules.get("footer-word")
    for i in page.candidates:
        core = page.core(i)
        if i not in page.kinds and len(core) <= 20 and _has_any(core, headers):
            page.kinds[i] = KIND
            j = page.non_blank(i, 1)
            while j >= 0 and (j in page.kinds or _has_any(page.core(j), words)):
                if len(page.lines[j]) > LONG_LINE:
                    break  # a paragraph ends the block
                page.kinds[j] = KIND
                j = page.non_blank(j, 1)


def _related_tail(page: _Page) -> None:
    """A related-links header and the short lines after it, to the end."""
    headers = page.rules.get("related-header")
    for i in page.candidates:
        core = page.core(i)
        if len(core) <= 12 and core.startswith(headers):
            rest = range(i + 1, len(page.lines))
            if all(j in page.kinds or _short_non_sentence(page.core(j)) for j in rest):
                for j in [i, *rest]:
                    if j not in page.kinds and page.core(j):
                        page.kinds[j] = KIND
            return


def _beside_removed(page: _Page) -> None:
    """Weak widget lines next to removed lines, and short headings right
    above a navigation bar (at most two in a row: "LANGUAGES", "新聞")."""
    weak = page.rules.get("weak-widget")
    for i in sorted(page.kinds):
        for j in (page.non_blank(i, -1), page.non_blank(i, 1)):
            if j >= 0 and j not in page.kinds and page.core(j) in weak:
                page.kinds[j] = KIND
    for i in sorted(page.nav):
        above = i
        for _ in range(2):
            above = page.non_blank(above, -1)
            if above < 0 or above in page.kinds or not _heading(page.core(above)):
                break
            page.kinds[above] = KIND


def _heading(core: str) -> bool:
    """A menu heading: a few characters, no punctuation."""
    return len(core) <= 10 and not _SENTENCE_PUNCT.search(core) and not any(ch in core for ch in "、:：【】“”《》")


class _Line(NamedTuple):
    start: int
    end: int  # past the newline
    kind: str


def _removals(text: str, options: Options) -> list[_Line]:
    """Removed line ranges, blank lines between removed lines included."""
    candidates = candidate_lines(text, options)
    if not candidates:
        return []
    page = _classify(_Page(text, options, candidates))
    if page.refused:
        _report_refused(text, page)
    if not page.kinds:
        return []
    lines, kinds = page.lines, dict(page.kinds)
    n = len(lines)
    # Blank lines between two removed lines, or after the last one to the end.
    for i in sorted(page.kinds):
        j = i + 1
        while j < n and page.blank(j):
            j += 1
        if j == n or j in page.kinds:
            kinds.update((b, KIND) for b in range(i + 1, j))
    # Blank lines between removed page-top lines and the first kept line.
    first = 0
    while first < n and (first in kinds or page.blank(first)):
        first += 1
    if any(i in kinds for i in range(first)):
        kinds.update((b, KIND) for b in range(first) if b not in kinds)
    starts = _starts(lines, max(kinds) + 1)
    out: list[_Line] = []
    for i in sorted(kinds):
        start, end = starts[i], min(starts[i] + len(lines[i]) + 1, len(text))
        if out and out[-1].end == start and out[-1].kind == kinds[i]:
            out[-1] = out[-1]._replace(end=end)
        else:
            out.append(_Line(start, end, kinds[i]))
    if out[-1].end == len(text) and not text.endswith("\n"):
        # The removed lines end the text: take the newline before them, so the
        # text still ends without one.
        first_run = len(out) - 1
        while first_run > 0 and out[first_run - 1].end == out[first_run].start:
            first_run -= 1
        if out[first_run].start > 0:
            out[first_run] = out[first_run]._replace(start=out[first_run].start - 1)
    return out


def _report_refused(text: str, page: _Page) -> None:
    """Report the long lines a rule matched but may not remove."""
    starts = _starts(page.lines, max(page.refused) + 1)
    for i, kind in sorted(page.refused.items()):
        start, line = starts[i], page.lines[i]
        report(kind, start, start + len(line), line,
               f"a {kind} rule matched a line of {len(line)} characters; lines longer than {LONG_LINE} are "
               "paragraphs: not removed")


def _starts(lines: list[str], count: int) -> list[int]:
    """Offsets of the first ``count`` lines."""
    starts = [0]
    starts.extend(accumulate(len(line) + 1 for line in lines[: count - 1]))
    return starts


def fix_text(text: str, options: Options) -> str:
    """The text without spam and boilerplate lines.

    >>> fix_text("分享到:\\n文章第一句。\\n本文链接:http://x.cn/1.html", Options())
    '文章第一句。'
    >>> fix_text("他把文章分享到了朋友圈。", Options())
    '他把文章分享到了朋友圈。'
    """
    removals = _removals(text, options)
    return splice(text, ((r.start, r.end, "") for r in removals)) if removals else text


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """Like :func:`fix_text`, with an :class:`Edit` for each removed run of lines.

    >>> [e.kind for e in fix("正文。\\n午夜无码福利18禁网站", Options())[1]]
    ['spam-line']
    """
    removals = _removals(text, options)
    if not removals:
        return text, []
    edits = [Edit(r.kind, r.start, r.end, text[r.start : r.end], "", CONFIDENCE[r.kind]) for r in removals]
    return splice(text, ((r.start, r.end, "") for r in removals)), edits
