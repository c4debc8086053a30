"""The one seam that chooses the C core or its pure-Python twin.

``TEXTREPAIR_BACKEND=python`` in the environment before import forces the
pure-Python path.  Stages call ``_backend.impl.<function>``; tests switch with
:func:`use`.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from types import ModuleType

from . import _fallback

impl: ModuleType = _fallback
BACKEND = "python"
#: Why the C core is not in use, or "" when it is.
REASON = ""
#: What setup.py wrote into the package when the C build failed or was
#: skipped (``failed: why`` / ``skipped: why``): pip hides the build's output.
NOTE = Path(__file__).resolve().with_name("_build.txt")


class CoreNotBuiltWarning(RuntimeWarning):
    """The C core is missing (its build failed at install): the slower Python twin runs."""


def _note() -> str:
    try:
        return NOTE.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


if os.environ.get("TEXTREPAIR_BACKEND", "").lower() == "python":
    REASON = "TEXTREPAIR_BACKEND=python"
else:
    try:
        from . import _cext
    except ImportError as exc:  # not built: no compiler at install time
        note = _note()
        if note.startswith("skipped: "):  # asked for at install: nothing to warn about
            REASON = "C core not built: " + note[len("skipped: "):]
        else:
            REASON = (f"C core not built at install: {note.removeprefix('failed: ')}" if note
                      else f"C core not built ({exc})")
            # Once per process: this module is imported once.
            warnings.warn(f"textrepair: {REASON}; using the pure-Python backend, which is slower "
                          "(TEXTREPAIR_BACKEND=python silences this)", CoreNotBuiltWarning, stacklevel=2)
    else:
        impl = _cext
        BACKEND = "c"


def available() -> list[str]:
    """Names of the backends this process may use (only ``python`` when forced)."""
    if os.environ.get("TEXTREPAIR_BACKEND", "").lower() == "python":
        return ["python"]
    try:
        from . import _cext  # noqa: F401
    except ImportError:
        return ["python"]
    return ["c", "python"]


def use(name: str) -> None:
    """Switch backend for the whole process (tests use this)."""
    global impl, BACKEND
    if name == "python":
        impl, BACKEND = _fallback, "python"
    elif name == "c":
        from . import _cext

        impl, BACKEND = _cext, "c"
    else:
        raise ValueError(f"unknown backend {name!r}; expected 'c' or 'python'")
