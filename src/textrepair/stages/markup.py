"""Strip HTML debris: tags, comments, script and style bodies, entities, and
hidden spans with everything inside them, each only as far as its evidence
reaches.

The C scan (``markup_candidates``) lists the only places markup can start: a
``<`` followed by a letter, ``/`` or ``!`` and an ``&`` followed by a letter
or ``#``.  Text without one is returned at once; otherwise only those places
are tokenized, each with an anchored regex that cannot run past the next
``<`` or ``>`` (so a megabyte of ``<`` stays linear).  Touching tags are
read as one run and each distinct tag parsed once, so a page of 100,000
nested tags costs a few regex passes, not 100,000 Python steps; a page with a
hidden element reads its tags one by one, as the pairing needs.

What counts as markup, and why clean text survives:

* a tag is ``<name attrs>`` or ``</name>`` where ``name`` is an HTML element
  (WHATWG list below) and every attribute is ``name=value`` or a known boolean
  attribute: ``a<b && c>d``, ``x<p and y>z``, ``List<String>``, ``<<三体>>``
  and ``《报告》`` are not tags; nor is a capitalised type name right after an
  identifier (``List<Object>``, ``Future<Output>``, ``Box<T>``): that is a
  generic in code, and HTML debris never follows a word that way with a
  capitalised name and no attribute;
* a tag is debris when it shows itself as markup: a close tag, a tag with
  attributes, a void or self-closed tag (``<br>``), two tags touching, a
  comment, a doctype, a script or style element; a *lone* tag (an opening,
  attribute-less, non-void tag touching no other) is debris only when such
  markup lies within ``EVIDENCE_WINDOW`` characters.  So ``第一段<br>第二段``,
  ``<p>正文</p>`` and ``<li id="44aaa">`` go, while a page that writes
  ``写成<div>即可`` keeps it;
* an entity needs its ``;`` (``AT&T``, ``?a=1&b=2`` stay) and must decode to a
  printable character; ``&amp;nbsp;`` (escaped twice) decodes in one step.
  What an entity decodes to is text the page showed, never markup to strip:
  ``写成&lt;div&gt;即可`` becomes ``写成<div>即可``, which the rule above keeps;
  an escaped fragment that would read as debris once decoded
  (``&lt;br&gt;``, ``&lt;p&gt;x&lt;/p&gt;``) keeps the entities that make
  its ``<`` and ``>`` and is reported (see :func:`textrepair.findings`), so
  no later pass deletes what the page showed;
* an element is hidden when its ``style`` says ``display:none``,
  ``visibility:hidden``, ``font-size:0`` or ``height:0`` with
  ``overflow:hidden``, when it has the ``hidden`` attribute, or when one of
  its classes or its id is declared hidden by a ``<style>`` of the same page.
  A sentence that merely mentions ``display:none`` has no tag and stays.

Every deletion needs evidence in proportion (``EVIDENCE_BOUND`` = 200
characters):

* a hidden element goes with its content up to its close tag when no
  stretch of that content longer than the bound lacks spam evidence (a
  domain-like token such as ``gihot.com``); otherwise, and when it has no
  close tag (spam injectors leave ``<span style="display:none">…``
  unclosed), it ends where its spam ends: the first domain-like token, line
  end or sentence end, which must come within the bound.  Inline elements
  close on their own line;
* a script, style or comment body goes only when no stretch of it longer
  than the bound is free of code and markup characters (``< > { } ; =``):
  an unclosed ``<script>`` never takes the article up to a later
  ``</script>``;
* a deletion that fails its test is not applied: its text (the element for
  a script, style or comment; the open tag and the bound past it for a
  hidden element) stays as written, and it is reported as a finding.

A line left holding only whitespace by the removals goes whole; a block tag
between two pieces of text becomes a line break.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from .. import _backend
from .._flags import HAS_AMP, HAS_LT
from ..edits import Edit, report, splice
from ..options import Options

__all__ = ["NAME", "KIND", "NEEDS", "EVIDENCE_BOUND", "EVIDENCE_WINDOW", "fix", "fix_text", "is_hidden_style",
           "hidden_selectors"]

NAME = "markup"
KIND = "html"
NEEDS = HAS_LT | HAS_AMP
KINDS = ("html", "entity", "hidden-span")
CONFIDENCE = {"html": 0.95, "entity": 0.99, "hidden-span": 0.9}
#: The most characters a deletion reaches past its last evidence: hidden
#: content past its open tag or a domain-like token, a script, style or
#: comment body between two code or markup characters.
EVIDENCE_BOUND = 200
#: A lone tag is debris when markup that shows itself lies this close.
EVIDENCE_WINDOW = 200
#: Rounds of re-reading the decoded text before every entity that makes a
#: ``<`` or ``>`` is kept as written (see :func:`_keep_escaped_markup`).
ESCAPE_ROUNDS = 3

#: Element names of the WHATWG HTML standard (plus the obsolete ones scraped
#: pages still carry: font, center, tt, big, strike, marquee, nobr).
ELEMENTS = frozenset(
    """a abbr address area article aside audio b base bdi bdo big blockquote body br button canvas caption
    center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset
    figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
    img input ins kbd label legend li link main map mark marquee menu meta meter nav nobr noscript object ol
    optgroup option output p param picture pre progress q rp rt ruby s samp script search section select
    slot small source span strike strong style sub summary sup svg table tbody td template textarea tfoot
    th thead time title tr track tt u ul var video wbr""".split()
)
#: Elements that never have a close tag.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr frame".split())
#: Elements whose hidden content may span lines; the others close on their line.
BLOCK = frozenset(
    """address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html li main menu nav noscript ol p pre section
    table tbody td tfoot th thead tr ul br""".split()
)
#: Attributes HTML allows without a value.
BOOLEAN_ATTRS = frozenset(
    """hidden async autofocus autoplay checked controls default defer disabled formnovalidate inert ismap
    itemscope loop multiple muted nomodule novalidate open playsinline readonly required reversed selected
    nowrap allowfullscreen""".split()
)
#: Elements whose body is raw text that goes with them.
RAW_TEXT = ("script", "style")

_NAME = r"[A-Za-z_:@][-A-Za-z0-9_:.@]*"
_VALUE = r"""(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`][^\s"'<>`]*)"""
# Neither part can cross a "<" or ">": a failed attempt ends at the next one.
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+{_NAME}(?:\s*=\s*{_VALUE})?)*)\s*(/?)>")
# Two or more touching "<...>" pieces (cheap to find; each must then be a tag)
# and one such piece.  A tag never holds "<" or ">", so a tag starting at a
# "<" is exactly the piece up to the next ">" when _TAG fully matches it.
_PIECE_RUN = re.compile(r"(?:<[^<>]*>){2,}")
_PIECE = re.compile(r"<[^<>]*>")
_ATTR = re.compile(rf"({_NAME})(?:\s*=\s*({_VALUE}))?")
_DOCTYPE = re.compile(rf"<!doctype[^<>]{{0,{EVIDENCE_BOUND}}}>", re.I)
_ENTITY = re.compile(r"&(amp;)?(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_RAW_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in RAW_TEXT}
_SPACE = re.compile(r"\s+")
_FONT_ZERO = re.compile(r"(?:^|;)font-size:0(?:\.0*)?(?:px|em|rem|pt|%)?(?:;|!|$)")
_HEIGHT_ZERO = re.compile(r"(?:^|;)(?:max-)?height:0(?:\.0*)?(?:px|em|rem|pt|%)?(?:;|!|$)")
_SIMPLE_SELECTOR = re.compile(r"[A-Za-z0-9]*([.#])([-\w]+)")
# An identifier character: a capitalised tag name right after one is a generic.
_IDENT = re.compile(r"[A-Za-z0-9_]")
# Stretches of raw-text or comment bodies without a character of code or markup.
_NO_CODE = re.compile(rf"[^<>{{}};=]{{{EVIDENCE_BOUND + 1},}}")
# A domain-like token's end: the spam evidence of hidden text.  Only the
# top-level domain is matched (preceded by a letter or digit), so the pattern
# cannot backtrack over a long dotted run.
_TLDS = "com|net|org|cn|cc|top|xyz|vip|club|site|me|info|io|tv|hk|tw|biz|co|app|live|shop|win|pw|ws|la|us|in|asia|online|fun|icu"
_DOMAIN = rf"(?<=[A-Za-z0-9])\.(?:{_TLDS})(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
_DOMAIN_END = re.compile(_DOMAIN, re.I)
# Where hidden spam ends: a line end (before it), a sentence end or a domain (after it).
_SPAM_END = re.compile(rf"[\n\r]|[。！？]|[.!?](?=\s|$)|{_DOMAIN}", re.I)


def is_hidden_style(style: str) -> bool:
    """True when a CSS declaration list hides its element.

    >>> is_hidden_style("color:red; display : none")
    True
    >>> is_hidden_style("font-size:0px")
    True
    >>> is_hidden_style("font-size:0.8em")
    False
    >>> is_hidden_style("height:0;overflow:hidden")
    True
    """
    s = _SPACE.sub("", style.lower())
    if "display:none" in s or "visibility:hidden" in s:
        return True
    if _FONT_ZERO.search(s):
        return True
    return "overflow:hidden" in s and _HEIGHT_ZERO.search(s) is not None


def hidden_selectors(css: str) -> set[str]:
    """The ``.class`` and ``#id`` selectors a style sheet hides.

    >>> sorted(hidden_selectors(".x{display:none} .y, #z {visibility:hidden} .w{color:red}"))
    ['#z', '.x', '.y']
    """
    found: set[str] = set()
    for rule in css.split("}"):  # split, not a regex: linear on any input
        selectors, _, body = rule.partition("{")
        if not body or not is_hidden_style(body):
            continue
        for selector in selectors.split(","):
            match = _SIMPLE_SELECTOR.fullmatch(selector.strip())
            if match:
                found.add(match.group(1) + match.group(2))
    return found


class _Tag(NamedTuple):
    start: int
    end: int
    name: str  # lower case; "" for comments and doctypes
    closing: bool
    attrs: dict[str, str]
    self_closing: bool = False
    shield: bool = False  # a refused deletion: kept as written, with everything inside


class _Run(NamedTuple):
    """Touching tags that are all plain (no comment, no script or style
    body), kept as one item: a page may hold 100,000 tags, most of them in
    runs, and only a hidden element needs them one by one."""

    start: int
    end: int
    block: bool  # holds a block-level tag


class _Refusal(NamedTuple):
    """A deletion found but not applied, for :func:`textrepair.edits.report`."""

    kind: str
    start: int
    end: int
    reason: str


def _attrs(text: str) -> dict[str, str] | None:
    """Attribute values by lower-case name, or None when one is a bare word
    HTML does not allow without a value (``<p and y>`` is prose)."""
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(text):
        name, value = match.group(1).lower(), match.group(2)
        if value is None:
            if name not in BOOLEAN_ATTRS:
                return None
            value = ""
        elif value[:1] in "\"'":
            value = value[1:-1]
        attrs[name] = value
    return attrs


def _comment_at(text: str, pos: int, no_close_after: dict[str, int]) -> _Tag | None:
    """The comment or doctype starting at ``pos`` (a ``<!``), if one does.
    ``no_close_after`` remembers where a search for a comment's end failed,
    so a run of unclosed ``<!--`` stays linear."""
    if text.startswith("<!--", pos):
        if no_close_after.get("--", len(text) + 1) <= pos:
            return None
        end = text.find("-->", pos + 4)
        if end < 0:
            no_close_after["--"] = pos
            return None
        return _Tag(pos, end + 3, "", False, {})
    match = _DOCTYPE.match(text, pos)
    return _Tag(pos, match.end(), "", False, {}) if match else None


_UNSEEN = object()


def _parse_tag(match: re.Match[str]) -> tuple[str, bool, dict[str, str], bool] | None:
    """Name, closing, attributes and self-closing of a matched tag, or None
    when it is no HTML tag after all."""
    name = match.group(2).lower()
    if name not in ELEMENTS:
        return None
    closing = bool(match.group(1))
    attrs = _attrs(match.group(3))
    if attrs is None or (closing and attrs):
        return None
    return name, closing, attrs, bool(match.group(4))


def _type_name(name: str) -> bool:
    """A name as code writes a type: capitalised, one letter or with a
    lower-case letter (``Object``, ``T``; ``BR`` and ``TD`` are HTML)."""
    return name[0].isupper() and (len(name) == 1 or not name.isupper())


def _is_generic(text: str, p: int, match: re.Match[str], parsed: tuple[str, bool, dict[str, str], bool]) -> bool:
    """True for ``List<Object>``: an opening tag without attributes whose
    capitalised name follows an identifier character."""
    return (p > 0 and not parsed[1] and not parsed[2] and not parsed[3] and _IDENT.match(text, p - 1) is not None
            and _type_name(match.group(2)))


class _Stretches:
    """The maximal stretches of a text longer than ``EVIDENCE_BOUND`` that
    hold no evidence, found once; :meth:`long_gap` asks whether a range holds
    more than the bound of one of them."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _end in spans]
        self.ends = [end for _start, end in spans]

    @classmethod
    def without_code(cls, text: str) -> "_Stretches":
        return cls([m.span() for m in _NO_CODE.finditer(text)])

    @classmethod
    def without_domains(cls, text: str) -> "_Stretches":
        spans, last = [], 0
        for m in _DOMAIN_END.finditer(text):
            if m.start() - last > EVIDENCE_BOUND:
                spans.append((last, m.start()))
            last = m.end()
        if len(text) - last > EVIDENCE_BOUND:
            spans.append((last, len(text)))
        return cls(spans)

    def long_gap(self, start: int, end: int) -> bool:
        """True when more than ``EVIDENCE_BOUND`` characters of one stretch lie in ``[start, end)``."""
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and min(end, self.ends[i]) - start > EVIDENCE_BOUND:
            return True
        i += 1  # the first stretch starting after ``start``; any later one starts past ``end``
        return i < len(self.starts) and min(end, self.ends[i]) - self.starts[i] > EVIDENCE_BOUND


class _Page:
    """Every tag and entity of one text, found from the candidate positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tags: list[_Tag | _Run] = []
        self.has_runs = False
        self.raw_ends: dict[int, int] = {}  # start of a script/style tag -> end of its body and close
        self.entities: list[tuple[int, int, str]] = []
        self.css: list[str] = []
        self.refusals: list[_Refusal] = []
        self._no_code: _Stretches | None = None
        # Each distinct tag text, parsed (None: no tag after all); pages
        # repeat the same few tags, so each is parsed once per text.
        self.parsed: dict[str, tuple[str, bool, dict[str, str], bool] | None] = {}
        self._decoded: dict[str, tuple[str, str] | None] = {}
        self._tokenize(_backend.impl.markup_candidates(text))

    def _body_refused(self, kind: str, element: _Tag, body_start: int, body_end: int) -> _Tag:
        """``element`` as it goes, or, when its body holds a stretch of more
        than the bound without code or markup, as a shield that keeps it."""
        if self._no_code is None:
            self._no_code = _Stretches.without_code(self.text)
        if not self._no_code.long_gap(body_start, body_end):
            return element
        self.refusals.append(_Refusal(
            kind, element.start, element.end,
            f"its body holds more than {EVIDENCE_BOUND} characters without code or markup: not removed"))
        return element._replace(shield=True)

    def _tokenize(self, candidates: list[int]) -> None:
        text = self.text
        pos = 0
        no_close_after: dict[str, int] = {}  # a failed search for </script> fails again later
        no_run_before = 0  # a run that failed ends here: none is tried inside it again
        parsed_tags = self.parsed
        tags = self.tags
        match_tag = _TAG.match
        for p in candidates:
            if p < pos:
                continue  # inside a comment, tag or script body already read
            if text[p] == "&":
                self._entity(p)
                continue
            if text[p + 1] == "!":
                comment = _comment_at(text, p, no_close_after)
                if comment is not None:
                    if text.startswith("<!--", p):
                        comment = self._body_refused("comment", comment, p + 4, comment.end - 3)
                    tags.append(comment)
                    pos = comment.end
                continue
            match = match_tag(text, p)
            if match is None:
                continue
            key = match.group()
            parsed = parsed_tags.get(key, _UNSEEN)
            if parsed is _UNSEEN:
                parsed = parsed_tags[key] = _parse_tag(match)
            if parsed is None or _is_generic(text, p, match, parsed):
                continue
            pos = match.end()
            if text.startswith("<", pos) and p >= no_run_before:
                run = _PIECE_RUN.match(text, p)
                if run is not None:
                    item = self._run(run.start(), run.end())
                    if item is not None:
                        tags.append(item)
                        self.has_runs = True
                        pos = item.end
                        continue
                    no_run_before = run.end()
            tags.append(_Tag(p, pos, *parsed))
            name = parsed[0]
            if name in RAW_TEXT and not parsed[1]:
                if no_close_after.get(name, len(text) + 1) <= pos:
                    continue
                close = _RAW_CLOSE[name].search(text, pos)
                if close is None:
                    no_close_after[name] = pos
                    continue
                element = self._body_refused(name, tags[-1]._replace(end=close.end()), pos, close.start())
                if element.shield:
                    tags[-1] = element
                    pos = close.end()
                    continue
                if name == "style":
                    self.css.append(text[pos : close.start()])
                self.raw_ends[p] = close.end()
                pos = close.end()

    def _run(self, start: int, end: int) -> _Run | None:
        """The touching tags in ``text[start:end]`` as one item, or None when
        a piece of it is no tag or opens a script or style body."""
        block = False
        parsed_tags = self.parsed
        for key in set(_PIECE.findall(self.text, start, end)):
            parsed = parsed_tags.get(key, _UNSEEN)
            if parsed is _UNSEEN:
                match = _TAG.fullmatch(key)
                parsed = parsed_tags[key] = match and _parse_tag(match)
            if parsed is None or (parsed[0] in RAW_TEXT and not parsed[1]):
                return None
            block = block or parsed[0] in BLOCK
        return _Run(start, end, block)

    def expand_runs(self) -> None:
        """Every run as its tags, as reading tag by tag finds them."""
        tags: list[_Tag | _Run] = []
        for item in self.tags:
            if type(item) is _Run:
                tags.extend(_Tag(m.start(), m.end(), *self.parsed[m.group()])
                            for m in _PIECE.finditer(self.text, item.start, item.end))
            else:
                tags.append(item)
        self.tags = tags
        self.has_runs = False

    def _entity(self, p: int) -> None:
        match = _ENTITY.match(self.text, p)
        if match is None:
            return
        key = match.group()
        decoded = self._decoded.get(key, _UNSEEN)
        if decoded is _UNSEEN:
            decoded = self._decoded[key] = _decode(match)
        if decoded is not None:
            self.entities.append((p, p + len(decoded[0]), decoded[1]))


def _decode(match: re.Match[str]) -> tuple[str, str] | None:
    """(the text replaced, its replacement) for an entity match, or None."""
    twice, inner = match.group(1), match.group(2)
    decoded = html.unescape("&" + inner)
    if decoded == "&" + inner or not _printable(decoded):
        # "&amp;" followed by text that is no entity: only "&amp;" decodes.
        return ("&amp;", "&") if twice else None
    return match.group(), decoded


def _printable(decoded: str) -> bool:
    """False for what html.unescape makes of invalid references (U+FFFD,
    controls): those stay as written."""
    return all(ch in "\t\n" or (ch >= " " and not "\x7f" <= ch <= "\x9f" and ch != "\ufffd") for ch in decoded)


def _is_hidden(attrs: dict[str, str], selectors: set[str]) -> bool:
    """True when an element with these attributes is hidden."""
    if "hidden" in attrs:
        return True
    if is_hidden_style(attrs.get("style", "")):
        return True
    if selectors:
        if "#" + attrs.get("id", "") in selectors:
            return True
        return any("." + c in selectors for c in attrs.get("class", "").split())
    return False


def _pairs(page: _Page) -> dict[int, int]:
    """Index of each open tag -> index of its close tag.  One pass with a
    stack per element name; stacks of inline elements are emptied at each
    line break, so an unclosed inline tag never pairs with a later line."""
    text = page.text
    stacks: dict[str, list[int]] = {}
    pairs: dict[int, int] = {}
    last = 0
    for i, tag in enumerate(page.tags):
        if text.find("\n", last, tag.start) >= 0:
            for name in stacks:
                if name not in BLOCK:
                    stacks[name].clear()
        last = tag.start
        if not tag.name or tag.name in VOID or tag.start in page.raw_ends:
            continue
        if tag.closing:
            stack = stacks.get(tag.name)
            if stack:
                pairs[stack.pop()] = i
        elif not tag.self_closing:
            stacks.setdefault(tag.name, []).append(i)
    return pairs


class _Span(NamedTuple):
    start: int
    end: int
    after: str
    kind: str  # "html", "entity", "hidden-span"; "keep" shields a refused deletion
    block: bool = False  # holds a block-level tag (a line break when between text)


def _plain_open(tag: _Tag) -> bool:
    """An opening tag that does not show itself as markup: no attributes,
    not void, not self-closed, no script or style."""
    return (bool(tag.name) and not tag.closing and not tag.attrs and not tag.self_closing and not tag.shield
            and tag.name not in VOID and tag.name not in RAW_TEXT)


def _kept_lone_tags(tags: list[_Tag | _Run]) -> set[int]:
    """Indices of the lone tags (plain opening tags touching no other tag)
    with no markup that shows itself within ``EVIDENCE_WINDOW`` characters:
    ``写成<div>即可`` is a page writing about HTML, not debris."""
    lone: list[int] = []
    starts: list[int] = []  # the items that show themselves, in order
    ends: list[int] = []
    count = len(tags)
    previous_end = -1
    for i, tag in enumerate(tags):
        touching = tag.start == previous_end or (i + 1 < count and tags[i + 1].start == tag.end)
        previous_end = tag.end
        if type(tag) is _Tag and not touching and _plain_open(tag):
            lone.append(i)
        else:
            starts.append(tag.start)
            ends.append(tag.end)
    kept = set()
    for i in lone:
        tag = tags[i]
        k = bisect_left(starts, tag.start)
        near = (k < len(starts) and starts[k] - tag.end <= EVIDENCE_WINDOW) or (
            k > 0 and tag.start - ends[k - 1] <= EVIDENCE_WINDOW)
        if not near:
            kept.add(i)
    return kept


def _spam_end(text: str, start: int) -> int | None:
    """Where hidden spam starting at ``start`` ends: before the first line
    end, after the first sentence end or domain-like token; None when none
    comes within ``EVIDENCE_BOUND`` characters (the end of the text counts
    as a line end)."""
    limit = start + EVIDENCE_BOUND + 1
    match = _SPAM_END.search(text, start, limit)
    if match is None:
        return len(text) if len(text) < limit else None
    stop = match.start() if match.group() in "\n\r" else match.end()
    return stop if stop - start <= EVIDENCE_BOUND else None


class _Hidden:
    """Decides how far each hidden element of a page goes."""

    def __init__(self, page: _Page) -> None:
        self.page = page
        self.pairs = _pairs(page)
        self.domains = _Stretches.without_domains(page.text)
        self.starts = [tag.start for tag in page.tags]

    def _outside_markup(self, stop: int) -> int:
        """``stop``, or the start of the tag, comment or script it falls inside
        (a ``。`` in a script body or a domain in an attribute ends the
        spam before that markup, which is judged on its own)."""
        page = self.page
        k = bisect_right(self.starts, stop - 1) - 1
        if k >= 0:
            item = page.tags[k]
            if item.start < stop < max(item.end, page.raw_ends.get(item.start, 0)):
                return item.start
        return stop

    def end(self, i: int) -> int | _Refusal:
        """The end of the removal of hidden element ``page.tags[i]``, or the refusal."""
        page = self.page
        tag = page.tags[i]
        close = self.pairs.get(i)
        if close is not None and not self.domains.long_gap(tag.end, page.tags[close].start):
            return page.tags[close].end
        stop = _spam_end(page.text, tag.end)
        if stop is not None:
            return self._outside_markup(stop)
        end = min(len(page.text), tag.end + EVIDENCE_BOUND + 1)
        return _Refusal("hidden-span", tag.start, end,
                        f"no end of its spam (a domain, line end or sentence end) within {EVIDENCE_BOUND} "
                        "characters of its open tag: not removed")


def _analyse(text: str) -> tuple[list[_Span], list[_Refusal]]:
    """The removals and replacements, in order and not overlapping, and the
    deletions refused."""
    page = _Page(text)
    if not page.tags and not page.entities:
        return [], []
    selectors: set[str] = set()
    for css in page.css:
        selectors |= hidden_selectors(css)
    hidden: dict[int, bool] = {}  # by the id of a parsed tag's attributes, shared by equal tags

    def hides(name: str, closing: bool, attrs: dict[str, str]) -> bool:
        found = hidden.get(id(attrs))
        if found is None:
            found = hidden[id(attrs)] = bool(name) and not closing and _is_hidden(attrs, selectors)
        return found

    # A hidden element needs the tags one by one (to find its close tag).
    any_hidden = any(parsed and hides(*parsed[:3]) for parsed in page.parsed.values())
    if page.has_runs and any_hidden:
        page.expand_runs()
    kept = _kept_lone_tags(page.tags)
    judge = _Hidden(page) if any_hidden else None
    spans, refusals, by_selector = _walk(page, kept, hides, judge, keep_styles=False)
    if by_selector:
        # A refused element hidden by a page's <style> keeps that style too,
        # so the next pass meets the same element and refuses it again.
        spans, refusals, _ = _walk(page, kept, hides, judge, keep_styles=True)
    spans = [s for s in _merge_with_entities(spans, page.entities) if s.kind != "keep"]
    return _tidy_lines(text, _line_breaks(text, _join_adjacent(spans))), page.refusals + refusals


def _walk(page: _Page, kept: set[int], hides, judge: _Hidden | None,
          keep_styles: bool) -> tuple[list[_Span], list[_Refusal], bool]:
    """The tag removals, hidden spans and shields of a page, in order; the
    refused hidden elements; and whether one of them was hidden by a selector."""
    spans: list[_Span] = []
    refusals: list[_Refusal] = []
    by_selector = False
    raw_ends = page.raw_ends
    # The open run of touching tags (one removal), kept in locals: a page
    # may hold 100,000 tags and most of them touch.
    run_start = run_end = -1
    run_block = False
    skip_to = 0
    for i, tag in enumerate(page.tags):
        if tag.start < skip_to:
            continue
        if type(tag) is _Run:  # none is hidden, or the runs were expanded
            end, block = tag.end, tag.block
        elif kept and i in kept:
            continue
        elif (tag.shield or (keep_styles and tag.name == "style" and tag.start in raw_ends)
              or (tag.start not in raw_ends and hides(tag.name, tag.closing, tag.attrs))):
            if tag.shield or tag.name == "style":
                end, kind = raw_ends.get(tag.start, tag.end), "keep"
            else:
                found = judge.end(i)
                if type(found) is _Refusal:
                    refusals.append(found)
                    by_selector = by_selector or not _is_hidden(tag.attrs, set())
                    end, kind = found.end, "keep"
                else:
                    end, kind = found, "hidden-span"
            if run_start >= 0:
                spans.append(_Span(run_start, run_end, "", "html", run_block))
                run_start = -1
            spans.append(_Span(tag.start, end, "", kind))
            skip_to = end
            continue
        else:
            end = raw_ends.get(tag.start, tag.end) if raw_ends else tag.end
            block = tag.name in BLOCK
        if run_start >= 0 and run_end == tag.start:
            run_end = end  # touching tags make one removal
            run_block = run_block or block
        else:
            if run_start >= 0:
                spans.append(_Span(run_start, run_end, "", "html", run_block))
            run_start, run_end, run_block = tag.start, end, block
        skip_to = end
    if run_start >= 0:
        spans.append(_Span(run_start, run_end, "", "html", run_block))
    return spans, refusals, by_selector


def _makes_markup(span: _Span) -> bool:
    return span.kind == "entity" and ("<" in span.after or ">" in span.after)


def _keep_escaped_markup(text: str, spans: list[_Span]) -> tuple[list[_Span], list[_Span]]:
    """``spans`` without the entity decodings that would make markup the next
    reading removes, and those decodings.

    The decoded text is read again; an entity whose ``<`` or ``>`` falls in
    a removal there stays as written.  Keeping one can change the verdict on
    another, so this repeats, at most ``ESCAPE_ROUNDS`` times before every
    such entity is kept: the stage never makes what it would delete."""
    pending = [k for k, span in enumerate(spans) if _makes_markup(span)]
    dropped: set[int] = set()
    for round_ in range(ESCAPE_ROUNDS + 1):
        if not pending:
            break
        pieces, pos, shift = [], 0, 0
        where: dict[int, int] = {}  # index of a pending entity -> its start in the decoded text
        for k, span in enumerate(spans):
            if k in dropped:
                continue
            pieces.append(text[pos : span.start])
            pieces.append(span.after)
            where[k] = span.start + shift
            shift += len(span.after) - (span.end - span.start)
            pos = span.end
        pieces.append(text[pos:])
        removals = [s for s in _analyse("".join(pieces))[0] if s.kind != "entity"]
        if not removals:
            break
        starts = [s.start for s in removals]
        hit = []
        for k in pending:
            start = where[k]
            end = start + len(spans[k].after)
            r = bisect_right(starts, end - 1) - 1  # the last removal starting inside or before
            if r >= 0 and removals[r].end > start:
                hit.append(k)
        if not hit or round_ == ESCAPE_ROUNDS:
            hit = pending
        dropped.update(hit)
        pending = [k for k in pending if k not in dropped]
    if not dropped:
        return spans, []
    return ([s for k, s in enumerate(spans) if k not in dropped],
            [s for k, s in enumerate(spans) if k in dropped])


def _spans(text: str) -> list[_Span]:
    """The removals and replacements; what was found but not applied is
    reported (:func:`textrepair.edits.report`)."""
    spans, refusals = _analyse(text)
    spans, kept = _keep_escaped_markup(text, spans)
    for refusal in refusals:
        report(refusal.kind, refusal.start, refusal.end, text[refusal.start : refusal.end], refusal.reason)
    for span in kept:
        report("entity", span.start, span.end, text[span.start : span.end],
               f"decodes to {span.after!r}, which would read as markup debris: left as written")
    return spans


def _merge_with_entities(spans: list[_Span], entities: list[tuple[int, int, str]]) -> list[_Span]:
    """Tag spans and the entities outside them, in order."""
    out: list[_Span] = []
    i = 0
    for start, end, decoded in entities:
        while i < len(spans) and spans[i].start < start:
            out.append(spans[i])
            i += 1
        if out and out[-1].end > start:
            continue  # inside a removed tag or hidden span
        out.append(_Span(start, end, decoded, "entity"))
    out.extend(spans[i:])
    return out


def _join_adjacent(spans: list[_Span]) -> list[_Span]:
    """One span for each run of touching removals of one kind."""
    out: list[_Span] = []
    for span in spans:
        if out and out[-1].end == span.start and out[-1].kind == span.kind and span.kind != "entity":
            out[-1] = _Span(out[-1].start, span.end, "", span.kind, out[-1].block or span.block)
        else:
            out.append(span)
    return out


def _line_breaks(text: str, spans: list[_Span]) -> list[_Span]:
    """A run of tags holding a block tag, between two pieces of text on one
    line, becomes a line break (``第一段</p><p>第二段``)."""
    out = []
    for span in spans:
        if (
            span.kind == "html"
            and 0 < span.start
            and span.end < len(text)
            and not text[span.start - 1].isspace()
            and not text[span.end].isspace()
            and span.block
        ):
            span = span._replace(after="\n")
        out.append(span)
    return out


def _is_removal(span: _Span) -> bool:
    return span.kind != "entity" and not span.after


def _blank_before(text: str, pos: int) -> int:
    """Start of the line when only spaces precede ``pos`` on it, else -1."""
    while pos > 0 and text[pos - 1] in " \t\r\u3000\xa0":
        pos -= 1
    return pos if pos == 0 or text[pos - 1] == "\n" else -1


def _blank_after(text: str, pos: int) -> int:
    """End of the line (past its newline) when only spaces follow ``pos`` on it, else -1."""
    n = len(text)
    while pos < n and text[pos] in " \t\r\u3000\xa0":
        pos += 1
    if pos == n:
        return n
    return pos + 1 if text[pos] == "\n" else -1


def _spaces_only(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is spaces within one line."""
    gap = text[start:end]
    return not gap.strip() and "\n" not in gap


def _tidy_lines(text: str, spans: list[_Span]) -> list[_Span]:
    """Widen removals that leave their lines blank to the whole lines: each
    run of removals on one line separated only by spaces is checked once."""
    out: list[_Span] = []
    i = 0
    while i < len(spans):
        if not _is_removal(spans[i]):
            out.append(spans[i])
            i += 1
            continue
        j = i + 1
        while j < len(spans) and _is_removal(spans[j]) and _spaces_only(text, spans[j - 1].end, spans[j].start):
            j += 1
        start = _blank_before(text, spans[i].start)
        end = _blank_after(text, spans[j - 1].end) if start >= 0 else -1
        if end >= 0:
            kind = "hidden-span" if any(s.kind == "hidden-span" for s in spans[i:j]) else "html"
            out.append(_Span(start, end, "", kind))
        else:
            out.extend(spans[i:j])
        i = j
    return out


def fix_text(text: str, options: Options) -> str:
    """The text without markup.

    >>> fix_text('正文<span style="display:none">广告</span>继续&nbsp;。', Options())
    '正文继续\\xa0。'
    >>> fix_text("if (a<b && c>d) AT&T", Options())
    'if (a<b && c>d) AT&T'
    """
    spans = _spans(text)
    return splice(text, ((s.start, s.end, s.after) for s in spans)) if spans else text


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """Like :func:`fix_text`, with an :class:`Edit` for each change.

    >>> [e.kind for e in fix("<p>正文&amp;</p>", Options())[1]]
    ['html', 'entity', 'html']
    """
    spans = _spans(text)
    if not spans:
        return text, []
    edits = [Edit(s.kind, s.start, s.end, text[s.start : s.end], s.after, CONFIDENCE[s.kind]) for s in spans]
    return splice(text, ((s.start, s.end, s.after) for s in spans)), edits
