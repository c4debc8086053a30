"""The order of the stages, and the loop that runs them.

A stage module may set ``DELETES_ONLY = True`` when its output is always its
input with pieces removed: the pipeline then keeps the earlier scan flags as a
superset instead of re-scanning the text after it.

The order matters: CJK repairs come before anything that could destroy the
bytes they need, and script conversion comes last.
"""

from __future__ import annotations

from contextlib import ExitStack

from . import _backend
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
    fixed, edits, _findings = run_report(text, options, want_edits, want_findings=False)
    return fixed, edits


def run_report(text: str, options: Options, want_edits: bool = True,
               want_findings: bool = True) -> tuple[str, list[Edit], list[Finding]]:
    """Like :func:`run`, and the damage the stages found but left, in offsets
    of ``text`` (those of the last pass: each pass meets the same text again)."""
    impl = _backend.impl
    try:
        return _run(impl, text, options, want_edits or want_findings, want_findings)
    finally:
        impl.forget()


#: A stage's edit can expose damage to an earlier stage (a removed annotation
#: or invisible character joins a mojibake run to new context), so the stages
#: run again until the text stops changing, as ftfy's ``fix_encoding`` loops:
#: that makes ``repair`` idempotent.  Clean text takes one pass; the bound only
#: guards against a cycle.
MAX_PASSES = 4


#: Stages that keep verdicts for one call (a ``remembering()`` context):
#: a later pass meets most of their questions again unchanged.
_REMEMBERING = tuple(stage for stage in STAGES if hasattr(stage, "remembering"))


def _run(impl, text: str, options: Options, want_edits: bool,
         want_findings: bool) -> tuple[str, list[Edit], list[Finding]]:
    original = text
    edits: list[Edit] = []
    kinds: set[str] = set()
    findings: list[Finding] = []
    with ExitStack() as stack:
        for stage in _REMEMBERING:
            stack.enter_context(stage.remembering())
        for _ in range(MAX_PASSES):
            findings = [] if want_findings else None
            fixed, edits = _pass(impl, original, text, edits, kinds, options, want_edits, findings)
            if fixed == text:
                break
            text = fixed
    return text, edits, findings or []


def _pass(impl, original: str, text: str, edits: list[Edit], kinds: set[str], options: Options,
          want_edits: bool, findings: list[Finding] | None = None) -> tuple[str, list[Edit]]:
    """One run of every enabled stage over ``text``; ``edits`` (in the
    offsets of ``original``) and ``kinds`` carry over from earlier passes;
    ``findings``, when given, receives what the stages report, in offsets of
    ``original``."""
    flags = impl.scan_flags(text)
    exact = True  # flags describe ``text`` exactly
    stale = False  # flags describe nothing (else, when inexact, a superset)
    for stage in STAGES:
        stage_options = _options_for(stage, options, kinds)
        if stage_options is None:
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
            exact = False
            stale = stale or not _keeps_flags(stage)
    return text, edits
