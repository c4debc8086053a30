"""The order of the stages, and the loop that runs them.

A stage module may set ``DELETES_ONLY = True`` when its output is always its
input with pieces removed: the pipeline then keeps the earlier scan flags as a
superset instead of re-scanning the text after it.

The order matters: CJK repairs come before anything that could destroy the
bytes they need, and script conversion comes last.

Before the first pass one C call (``impl.triage``) says which stages have
anything to look at; when none has, the text is returned as it came (the
same object), and in the first pass a stage with nothing to look at is
skipped.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import lru_cache

from . import _backend
from . import _flags as F
from .edits import Edit, Finding, collecting, compose, to_original
from .options import Options
from .stages import annotations, boilerplate, markup, mojibake, normalise, script

#: Every stage, in the order it runs.
STAGES = (mojibake, annotations, markup, boilerplate, normalise, script)


def _options_for(stage, options: Options, kinds_seen: set[str]) -> Options | None:
    """The options a stage runs with, or None when it is switched off."""
    if stage is script:
        if options.script == "auto":
            # "auto" converts to simplified only once converter damage was found.
            if annotations.KIND not in kinds_seen:
                return None
            return options.replace(script="simplified")
        return None if options.script == "keep" else options
    return options if getattr(options, stage.NAME) else None


def _keeps_flags(stage) -> bool:
    """True for a stage that only deletes text: its output cannot hold a kind
    of character its input lacked, so the old flags stay a safe superset."""
    return getattr(stage, "DELETES_ONLY", False)


def run(text: str, options: Options, want_edits: bool) -> tuple[str, list[Edit]]:
    """Run every enabled stage.  With ``want_edits`` the stages report their
    edits, which come back in the offsets of ``text``; without, each stage
    takes its fast path and the list is empty.

    The text is scanned once; after a stage changes it the flags are only
    re-scanned when a later stage's decision depends on them, and not at all
    after a deleting stage (whose flags stay a superset, which at worst runs a
    stage that then finds nothing)."""
    impl = _backend.impl
    try:
        triaged = _triage(impl, text, options)
        if triaged is None:
            return text, []
        fixed, edits, _findings = _run(impl, text, options, want_edits, False, *triaged)
        return fixed, edits
    finally:
        impl.forget()
        boilerplate.forget()


def run_report(text: str, options: Options, want_edits: bool = True,
               want_findings: bool = True) -> tuple[str, list[Edit], list[Finding]]:
    """Like :func:`run`, and the damage the stages found but left, in offsets
    of ``text`` (those of the last pass: each pass meets the same text again)."""
    impl = _backend.impl
    try:
        triaged = _triage(impl, text, options)
        if triaged is None:
            return text, [], []
        return _run(impl, text, options, want_edits or want_findings, want_findings, *triaged)
    finally:
        impl.forget()
        boilerplate.forget()


#: The triage bit of each stage whose trigger the triage knows.
_TRIAGE_BITS = {annotations: F.TRI_ANNOTATIONS, markup: F.TRI_MARKUP, boilerplate: F.TRI_BOILERPLATE,
                normalise: F.TRI_NORMALISE}


def _confirmed(impl, stage, text: str, options: Options) -> bool:
    """Whether a stage whose triage bit says "may" has a candidate: the
    annotation and boilerplate bits are confirmed by the stages' own scans."""
    if stage is annotations:
        return impl.scan_annotations(text).stats[0] > 0
    if stage is boilerplate:
        return boilerplate.confirmed(text, options)
    return True


@lru_cache(maxsize=64)
def _plan(options: Options) -> tuple[tuple, tuple[str, ...], int, int, bool]:
    """What the triage needs from ``options``: the stages enabled in a first
    pass, the boilerplate phrases and item count, the normalise classes, and
    whether every line is a boilerplate candidate (the user gave patterns)."""
    args = boilerplate.scan_args(options)
    phrases, min_items = args if args is not None else ((), 0)
    classes = normalise.classes(options) if options.normalise else 0
    enabled = tuple(stage for stage in STAGES if _options_for(stage, options, set()) is not None)
    return enabled, phrases, min_items, classes, args is None


#: The last options :func:`_triage` saw and their plan.
_last_plan: tuple = (None, None)


def _triage(impl, text: str, options: Options) -> tuple[frozenset, object] | None:
    """The enabled stages that may act on ``text`` in the first pass and its
    mojibake scan, or None when none may (then no pass would change it or
    report anything)."""
    global _last_plan
    last = _last_plan
    if last[0] is not options:  # the same Options object call after call: no hash of its fields
        last = _last_plan = (options, _plan(options))
    enabled, phrases, min_items, classes, every_line = last[1]
    bits, scan = impl.triage(text, classes, phrases, min_items)
    busy = []
    for stage in enabled:
        if stage is mojibake:
            if bits & (F.TRI_MOJIBAKE | F.TRI_LOST | F.TRI_MARK) and not mojibake.idle(
                    text, scan, options, bool(bits & F.TRI_LOST), bool(bits & F.TRI_MARK)):
                busy.append(stage)
        elif stage is boilerplate and every_line:
            busy.append(stage)
        elif stage not in _TRIAGE_BITS or bits & _TRIAGE_BITS[stage] and _confirmed(impl, stage, text, options):
            busy.append(stage)
    return (frozenset(busy), scan) if busy else None


#: A stage's edit can expose damage to an earlier stage (a removed annotation
#: or invisible character joins a mojibake run to new context), so the stages
#: run again until the text stops changing, as ftfy's ``fix_encoding`` loops:
#: that makes ``repair`` idempotent.  Clean text takes one pass; the bound only
#: guards against a cycle.
MAX_PASSES = 4


#: Stages that keep verdicts for one call (a ``remembering()`` context):
#: a later pass meets most of their questions again unchanged.
_REMEMBERING = tuple(stage for stage in STAGES if hasattr(stage, "remembering"))


def _run(impl, text: str, options: Options, want_edits: bool, want_findings: bool,
         busy: frozenset = frozenset(STAGES), scan=None) -> tuple[str, list[Edit], list[Finding]]:
    """Passes until the text stops changing; ``busy``: the stages the
    triage says may act on ``text`` (the others are skipped until a stage
    changes it); ``scan``: its mojibake scan, when the triage made it."""
    original = text
    edits: list[Edit] = []
    kinds: set[str] = set()
    findings: list[Finding] = []
    with ExitStack() as stack:
        for stage in _REMEMBERING:
            stack.enter_context(stage.remembering())
        if scan is not None:
            mojibake.offer_scan(text, scan)
        for _ in range(MAX_PASSES):
            findings = [] if want_findings else None
            fixed, edits = _pass(impl, original, text, edits, kinds, options, want_edits, findings, busy)
            if fixed == text:
                break
            text = fixed
            busy = None
    return text, edits, findings or []


def _pass(impl, original: str, text: str, edits: list[Edit], kinds: set[str], options: Options,
          want_edits: bool, findings: list[Finding] | None = None,
          busy: frozenset | None = None) -> tuple[str, list[Edit]]:
    """One run of every enabled stage over ``text``; ``edits`` (in the
    offsets of ``original``) and ``kinds`` carry over from earlier passes;
    ``findings``, when given, receives what the stages report, in offsets of
    ``original``; ``busy``, when given, the stages that may act on ``text``
    as it came (the triage's): the others are skipped while it is unchanged."""
    flags = impl.scan_flags(text)
    exact = True  # flags describe ``text`` exactly
    stale = False  # flags describe nothing (else, when inexact, a superset)
    for stage in STAGES:
        stage_options = _options_for(stage, options, kinds)
        if stage_options is None:
            continue
        if busy is not None and stage not in busy:
            continue
        if stage.NEEDS is not None:
            if not exact and (stale or flags & stage.NEEDS):
                flags, exact, stale = impl.scan_flags(text), True, False
            if not flags & stage.NEEDS:
                continue
        if findings is not None:
            with collecting() as found:
                fixed, stage_edits = stage.fix(text, stage_options)
            findings.extend(to_original(original, edits, f) for f in found)
            if stage_edits:
                edits = compose(original, edits, text, stage_edits)
        elif want_edits:
            fixed, stage_edits = stage.fix(text, stage_options)
            if stage_edits:
                edits = compose(original, edits, text, stage_edits)
        else:
            fixed = stage.fix_text(text, stage_options)
        if fixed != text:
            kinds.add(stage.KIND)
            text = fixed
            busy = None
            exact = False
            stale = stale or not _keeps_flags(stage)
    return text, edits
