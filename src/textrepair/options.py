"""Every option of the pipeline, in one immutable record whose fields are
named after the stages they steer."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

__all__ = ["Options"]

SCRIPTS = ("keep", "simplified", "traditional", "auto")
LOST = ("drop", "keep", "mark")


def _check_patterns(patterns: Any) -> None:
    """Reject anything but a sequence of valid regular expressions."""
    if isinstance(patterns, str) or not isinstance(patterns, (tuple, list)):
        raise TypeError(f"extra_spam_patterns takes a tuple of regular expressions, not {patterns!r}")
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(f"extra_spam_patterns holds strings, not {pattern!r}")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"extra_spam_patterns: bad regular expression {pattern!r}: {exc}") from None


@dataclass(frozen=True)
class Options:
    """Options of :func:`textrepair.repair`.

    * ``mojibake``: repair CJK mojibake: GBK byte-shift runs (``支持?!笆\ue1a2奈濉睍r期``
      → ``支持。“十四五”時期``), UTF-8 or GBK read with the wrong codec.
    * ``mojibake_lost``: what becomes of a byte the damage lost for good and
      context cannot restore: ``"drop"`` (default), ``"keep"`` (leave the
      ``?``) or ``"mark"`` (U+FFFD).  Either way ``explain()`` reports it.
    * ``annotations``: remove content-farm pinyin annotations (``數(shù)據(jù)`` → ``數據``).
    * ``markup``: strip HTML debris: tags, comments, script and style bodies,
      entities (``&nbsp;``, ``&#12290;``, ``&amp;nbsp;``) and hidden spans with
      their content (``<span style="display:none">…``).
    * ``boilerplate``: remove injected spam lines and page furniture (share
      widgets, navigation bars, copyright footers, ``上一篇/下一篇``) line by
      line; switch off when an extractor already isolated the article.
    * ``extra_spam_patterns``: more regular expressions; a line one of them
      finds is removed as spam (when ``boilerplate`` is on).
    * ``script``: ``"keep"`` (default), ``"simplified"``, ``"traditional"``, or
      ``"auto"``: convert to simplified when the page shows converter damage.
    * ``normalise``: the layout stage; its parts follow (on by default only
      what clean text never holds, so clean text passes unchanged).
    * ``normalise_invisible``: remove zero-width spaces, word joiners, soft
      hyphens, BOMs inside the text and control characters other than tab and
      line breaks (ZWJ/ZWNJ only between CJK or ASCII, never in emoji).  On.
    * ``normalise_nfc``: Unicode NFC (decomposed accents and pinyin tones
      composed).  On.
    * ``normalise_truncated``: a paragraph ending in one to three U+FFFD (a
      character cut in two) loses them; a U+FFFD inside text stays.  On.
    * ``normalise_whitespace``: NBSP and other spaces to ' ' inside lines,
      indentation (spaces, tabs, U+3000) and trailing spaces removed, \r\n and
      \r to \n, runs of blank lines to one.  Off: clean pages indent with
      U+3000 and separate paragraphs with NBSP lines.
    * ``normalise_fullwidth``: fullwidth digits and Latin letters to ASCII.
      Off: clean Chinese text often writes them fullwidth.
    * ``normalise_punctuation``: ASCII , . : ; ! ? between two Han characters
      to the fullwidth form (never in URLs, numbers or code).  Off: a page's
      own ASCII punctuation is clean text too.

    >>> Options.from_kwargs(script="auto").script
    'auto'
    >>> Options.from_kwargs(colour=True)
    Traceback (most recent call last):
    ...
    TypeError: unknown option 'colour'; valid options: mojibake, mojibake_lost, annotations, markup, ...
    """

    mojibake: bool = True
    mojibake_lost: str = "drop"
    annotations: bool = True
    markup: bool = True
    boilerplate: bool = True
    extra_spam_patterns: tuple[str, ...] = ()
    script: str = "keep"
    normalise: bool = True
    normalise_invisible: bool = True
    normalise_nfc: bool = True
    normalise_truncated: bool = True
    normalise_whitespace: bool = False
    normalise_fullwidth: bool = False
    normalise_punctuation: bool = False

    def __post_init__(self) -> None:
        if self.script not in SCRIPTS:
            raise ValueError(f"script must be one of {', '.join(SCRIPTS)}; got {self.script!r}")
        if self.mojibake_lost not in LOST:
            raise ValueError(f"mojibake_lost must be one of {', '.join(LOST)}; got {self.mojibake_lost!r}")
        _check_patterns(self.extra_spam_patterns)
        if isinstance(self.extra_spam_patterns, list):  # keep the record hashable
            object.__setattr__(self, "extra_spam_patterns", tuple(self.extra_spam_patterns))
        for f in fields(self):
            if f.type in ("bool", bool) and not isinstance(getattr(self, f.name), bool):
                raise TypeError(f"option {f.name!r} takes True or False, not {getattr(self, f.name)!r}")

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> "Options":
        """Build options from keyword arguments, rejecting unknown names."""
        names = [f.name for f in fields(cls)]
        for key in kwargs:
            if key not in names:
                raise TypeError(f"unknown option {key!r}; valid options: {', '.join(names)}")
        return cls(**kwargs)

    def replace(self, **changes: Any) -> "Options":
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
