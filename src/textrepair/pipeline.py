"""The order of the stages, and the loop that runs them.

The order matters: CJK repairs come before anything that could destroy the
bytes they need, and script conversion comes last.
"""

from __future__ import annotations

from . import _backend
from .edits import Edit, compose
from .options import Options
from .stages import annotations, mojibake, script

#: Every stage, in the order it runs.
STAGES = (mojibake, annotations, script)


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


def run(text: str, options: Options, want_edits: bool) -> tuple[str, list[Edit]]:
    """Run every enabled stage.  With ``want_edits`` the stages report their
    edits, which come back in the offsets of ``text``; without, each stage
    takes its fast path and the list is empty."""
    original = text
    edits: list[Edit] = []
    kinds: set[str] = set()
    flags = _backend.impl.scan_flags(text)
    for stage in STAGES:
        stage_options = _options_for(stage, options, kinds)
        if stage_options is None or (stage.NEEDS is not None and not flags & stage.NEEDS):
            continue
        if want_edits:
            fixed, stage_edits = stage.fix(text, stage_options)
            if stage_edits:
                edits = compose(original, edits, text, stage_edits)
        else:
            fixed = stage.fix_text(text, stage_options)
            stage_edits = None
        if fixed != text:
            kinds.add(stage.KIND)
            text = fixed
            flags = _backend.impl.scan_flags(text)
    return text, edits
