"""textrepair: repair the text scrapers pull out of Chinese news pages.

>>> import textrepair
>>> textrepair.repair("我國數(shù)字經(jīng)濟")
'我國數字經濟'
>>> [e.kind for e in textrepair.explain("數(shù)字")]
['pinyin-annotation']
"""

from __future__ import annotations

from typing import Any

from . import _backend
from .edits import Edit, apply_edits
from .options import Options
from .pipeline import STAGES, run

__all__ = ["BACKEND", "Edit", "Options", "Repairer", "apply_edits", "explain", "repair", "repair_bytes", "__version__"]

__version__ = "0.1.0"


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        hint = " (use repair_bytes for bytes)" if isinstance(text, (bytes, bytearray)) else ""
        raise TypeError(f"textrepair expects str, got {type(text).__name__}{hint}")
    return text


class Repairer:
    """A reusable, picklable repairer: build it once, use it everywhere.

    >>> r = Repairer(script="auto")
    >>> r.repair("全麵製度(zhì)")
    '全面制度'
    >>> import pickle; pickle.loads(pickle.dumps(r)) == r
    True
    """

    __slots__ = ("options",)

    def __init__(self, options: Options | None = None, **kwargs: Any) -> None:
        if options is not None and kwargs:
            raise TypeError("pass either an Options object or keyword options, not both")
        self.options = options if options is not None else Options.from_kwargs(**kwargs)

    def repair(self, text: str) -> str:
        """The repaired text; clean text comes back unchanged."""
        return run(_check_text(text), self.options, want_edits=False)[0]

    def explain(self, text: str) -> list[Edit]:
        """Every edit :meth:`repair` makes, in offsets of ``text``."""
        return run(_check_text(text), self.options, want_edits=True)[1]

    def repair_and_explain(self, text: str) -> tuple[str, list[Edit]]:
        """Both at once, for one pass over the text."""
        return run(_check_text(text), self.options, want_edits=True)

    def repair_bytes(self, data: bytes) -> str:
        """Decode ``data`` (UTF-8, with or without BOM) and repair it."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"repair_bytes expects bytes, got {type(data).__name__}")
        return self.repair(bytes(data).decode("utf-8-sig"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Repairer) and other.options == self.options

    def __hash__(self) -> int:
        return hash(self.options)

    def __repr__(self) -> str:
        return f"Repairer({self.options!r})"

    def __getstate__(self) -> dict:
        return {"options": self.options}

    def __setstate__(self, state: dict) -> None:
        self.options = state["options"]


_DEFAULT_OPTIONS = Options()


def repair(text: str, **options: Any) -> str:
    """Repair ``text`` with every default stage (see :class:`Options`).

    >>> repair("關(guan) 於(yu) 更好發揮數據要素作用")
    '關於更好發揮數據要素作用'
    """
    if not options:  # the common call: skip building and validating Options
        return run(_check_text(text), _DEFAULT_OPTIONS, want_edits=False)[0]
    return Repairer(**options).repair(text)


def explain(text: str, **options: Any) -> list[Edit]:
    """Every edit :func:`repair` would make, with offsets in ``text``.

    >>> explain("數(shù)字")[0].before
    '(shù)'
    """
    return Repairer(**options).explain(text)


def repair_bytes(data: bytes, **options: Any) -> str:
    """Decode ``data`` and repair it.

    >>> repair_bytes("數(shù)字".encode())
    '數字'
    """
    return Repairer(**options).repair_bytes(data)


def __getattr__(name: str) -> Any:
    # BACKEND follows the seam, which tests may switch.
    if name == "BACKEND":
        return _backend.BACKEND
    raise AttributeError(f"module 'textrepair' has no attribute {name!r}")
