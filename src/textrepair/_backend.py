"""The one seam that chooses the C core or its pure-Python twin.

``TEXTREPAIR_BACKEND=python`` in the environment before import forces the
pure-Python path.  Stages call ``_backend.impl.<function>``; tests switch with
:func:`use`.
"""

from __future__ import annotations

import os
from types import ModuleType

from . import _fallback

impl: ModuleType = _fallback
BACKEND = "python"
#: Why the C core is not in use, or "" when it is.
REASON = ""

if os.environ.get("TEXTREPAIR_BACKEND", "").lower() == "python":
    REASON = "TEXTREPAIR_BACKEND=python"
else:
    try:
        from . import _cext
    except ImportError as exc:  # not built: no compiler at install time
        REASON = f"C core not built ({exc})"
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
