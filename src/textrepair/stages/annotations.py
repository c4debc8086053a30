"""Remove the pinyin that content-farm converters append to characters.

A converter appends a reading in ASCII parentheses: to a fixed set of
traditional-only characters (``數(shù)字``, or toneless with a trailing space:
``關(guan) 於(yu) ``), or to every character, punctuation glossed as itself
(``所(suo)以(yi),(,)``).  A ``(…)`` is a candidate when it directly follows a
character and spells one of that character's readings (pypinyin's table;
``ü``/``v`` and capitals accepted), or repeats a visible non-Han character.

Each candidate is judged by the candidates around it, not by the page: its
halves are the candidates at most ``WINDOW`` code points before it, and those
at most ``WINDOW`` after it (both with itself).  A half shows converter
output when it holds two or more, shows a converter's signature — two thirds
traditional-only forms, or nearly every Han character annotated in one style
(no tone marks, or punctuation glossed as itself) — and no teacher's: fewer
unannotated uses of the annotated characters than annotations (a converter
annotates every occurrence), and under a quarter of glosses (a character read
two ways nearby, ``長(cháng)…長(zhǎng)``, or quoted alone, ``「還(hái)」``; such
a gloss itself always stays).  A candidate goes when a half shows converter
output of its own kind.  So a page is repaired the same alone, concatenated
with other pages, or cut into blocks, and a block holding a single gloss has
no evidence either way and stays.  See ``_fallback.annotations`` (the
specification, thresholds measured) and README ("The annotation rule").

The pipeline repeats its passes until the text stops changing; a later pass
may expose an annotation (a byte-shift run repaired next to it) whose
neighbours an earlier pass already removed.  Within one call
(:func:`remembering`) such an annotation goes when an earlier pass removed
the same reading of the same character, or (on a traditional-only form) two
annotations or more of traditional-only forms in its style, unless it is a
gloss or was already there, with the same text around it, when the earlier
pass kept it.  And an annotation of a traditional-only form, no gloss, goes
when the mojibake stage saw a certain byte-shift cut within ``WINDOW`` of it
in this call: the farm that cut the page annotated it (alone it has no
evidence either way).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from .. import _backend
from .._flags import ANN_CHAINED, ANN_EAT_SPACE, ANN_GLOSS, ANN_NEUTRAL, ANN_REMOVE, ANN_TONED, ANN_TRAD, HAS_PAREN
from ..edits import Edit
from ..options import Options
from .mojibake.common import call_memory
from .mojibake.shift import _near
from .._fallback.annotations import WINDOW

__all__ = ["fix", "fix_text", "remembering"]

NAME = "annotations"
NEEDS = HAS_PAREN
KIND = "pinyin-annotation"
#: Only removes text (see ``pipeline``): the scan flags need no refresh after it.
DELETES_ONLY = True

#: Code points either side of an annotation that identify it from one pass to the next.
CONTEXT = 8

#: What earlier passes of one pipeline call decided (see :func:`remembering`).
_MEMORY: ContextVar[dict | None] = ContextVar("textrepair_annotation_memory", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Keep this stage's verdicts for the length of one pipeline call, so an
    annotation a later pass exposes is judged as its page was.

    >>> with remembering():
    ...     first = fix_text("數(shù)字經(jīng)濟", Options())
    ...     later = fix_text("數字經濟與數(shù)", Options())  # as if a repair had exposed it
    >>> first, later
    ('數字經濟', '數字經濟與數')
    """
    # scans: those of earlier passes that removed something (their removed
    # readings are worked out only when a later pass asks); kept: the
    # context of each annotation a pass left.
    token = _MEMORY.set({"scans": [], "removed": None, "kept": set()})
    try:
        yield
    finally:
        _MEMORY.reset(token)


def _reading_key(match: tuple) -> tuple[int, int, int, bool]:
    _start, _end, han, flags, reading, letters = match
    return han, reading, letters, bool(flags & (ANN_TONED | ANN_NEUTRAL))


def _context(text: str, match: tuple) -> str:
    """The annotation with its character and CONTEXT code points either side."""
    return text[max(0, match[0] - 1 - CONTEXT):match[1] + CONTEXT]


def _style(match: tuple) -> tuple[bool, bool]:
    """A converter of traditional forms writes one style: (traditional-only form, tone marks shown)."""
    flags = match[3]
    return bool(flags & ANN_TRAD), bool(flags & (ANN_TONED | ANN_NEUTRAL))


def _removed_earlier(memory: dict) -> set:
    """The readings (of characters) that earlier passes removed, and the
    styles of which they removed at least ``SAME_STYLE`` annotations of
    traditional-only forms."""
    if memory["removed"] is None:
        removed = [m for scan in memory["scans"] for m in scan.matches() if m[3] & ANN_REMOVE]
        styles: dict = {}
        for m in removed:
            styles[_style(m)] = styles.get(_style(m), 0) + 1
        memory["removed"] = {_reading_key(m) for m in removed} | {
            ("style",) + style for style, count in styles.items() if style[0] and count >= SAME_STYLE}
    return memory["removed"]


#: Annotations of traditional-only forms, in one style, an earlier pass must
#: have removed for an exposed one of that style to go: a converter of
#: traditional forms annotates every such character (two make a half's evidence).
SAME_STYLE = 2


def _recall(memory: dict, text: str, scan) -> list[int]:
    """Indices of the annotations the verdicts of earlier passes remove, and
    this pass recorded.  Only an annotation left unjudged-for-removal, no
    gloss, and not where an earlier pass kept it is asked about, so the first
    pass is judged by local evidence alone."""
    flags = scan.flags()
    open_ = [k for k, f in enumerate(flags) if not f & (ANN_REMOVE | ANN_GLOSS | ANN_CHAINED)]
    extra = []
    cut = sorted(call_memory("cut")) if open_ else []
    for k, match in zip(open_, scan.matches(open_)):
        if match[3] & ANN_TRAD and _near(cut, match[0], WINDOW):
            extra.append(k)  # the farm that cut this page annotated it
            continue
        context = _context(text, match)
        if context in memory["kept"]:
            continue
        removed = _removed_earlier(memory) if memory["scans"] else ()
        if _reading_key(match) in removed or ("style",) + _style(match) in removed:
            extra.append(k)
        else:
            memory["kept"].add(context)
    if extra or any(f & ANN_REMOVE for f in flags):
        memory["scans"].append(scan)
        memory["removed"] = None
    return extra


def _judged(text: str):
    """The scan of ``text`` with every verdict in, or None when it holds no candidate."""
    scan = _backend.impl.scan_annotations(text)
    if scan.stats[0] == 0:
        return None
    scan.judge()
    memory = _MEMORY.get()
    if memory is not None:
        extra = _recall(memory, text, scan)
        if extra:
            scan.remove(extra)
    return scan


def fix_text(text: str, options: Options) -> str:
    """The text without converter annotations.

    >>> fix_text("數(shù)字經(jīng)濟", Options())
    '數字經濟'
    >>> fix_text("音樂(yuè)使人快樂(lè)。", Options())  # 樂 read two ways: a teacher's
    '音樂(yuè)使人快樂(lè)。'
    """
    scan = _judged(text)
    return text if scan is None else scan.removed(True)


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """Like :func:`fix_text`, with an :class:`Edit` for each annotation removed.

    >>> fix("關(guan) 於(yu) 數據", Options())[0]
    '關於數據'
    """
    scan = _judged(text)
    if scan is None:
        return text, []
    edits = []
    for start, end, _han, flags, _reading, _letters in scan.matches():
        if not flags & ANN_REMOVE:
            continue
        if flags & ANN_EAT_SPACE and text.startswith(" ", end):
            end += 1
        confidence = 0.98 if flags & ANN_TRAD else 0.85
        edits.append(Edit(KIND, start, end, text[start:end], "", confidence))
    return scan.removed(True), edits
