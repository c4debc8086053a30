"""Pure-Python twins of every C entry point in ``native/``: one module per C
source, of the same name (``native/shift.c`` is ``shift.py``).

These functions are the specification: the C core must return exactly what
they return, which the property tests in ``tests/test_equivalence*.py`` check.
This package is one side of the backend seam (``_backend.impl``); ``_cext``
is the other, with the same names.
"""

from __future__ import annotations

from .annotations import AnnotationScan, scan_annotations
from .boilerplate import boilerplate_lines
from .lm import (char_logp, char_score, char_scores, fold_text, word_and_char_scores, word_fits, word_score, word_scores,
                 word_segments)
from .markup import markup_candidates
from .mojibake import NO_CJK, MojibakeScan, code_page_run, ftfy_suspect, mojibake_runs, mojibake_scan, rare_char
from .normalise import normalise_runs
from .readings import best_gain, codec_triggers, utf8_islands
from .scan import forget, scan_flags
from .shift import GUESS_COST, alone_starts, shift_judge, shift_paths, shift_quiet, slot_fillers, weak_runs
from .triage import triage, triage_han_rare

__all__ = ["alone_starts", "AnnotationScan", "GUESS_COST", "MojibakeScan",
           "NO_CJK", "best_gain", "boilerplate_lines", "char_logp", "char_score", "char_scores", "code_page_run", "codec_triggers", "fold_text", "forget",
           "ftfy_suspect", "markup_candidates", "mojibake_runs", "mojibake_scan", "normalise_runs", "rare_char",
           "scan_annotations", "scan_flags", "shift_judge", "shift_paths", "shift_quiet", "slot_fillers", "triage", "triage_han_rare", "utf8_islands", "weak_runs", "word_and_char_scores", "word_fits", "word_score", "word_scores",
           "word_segments"]
