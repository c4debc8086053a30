"""textrepair: repair the text scrapers pull out of Chinese news pages.

>>> import textrepair
>>> textrepair.repair("我國數(shù)字經(jīng)濟")
'我國數字經濟'
>>> [e.kind for e in textrepair.explain("數(shù)據(jù)")]
['pinyin-annotation', 'pinyin-annotation']
"""

from __future__ import annotations

from typing import Any

from . import _backend
from .decode import Decoded, decode
from .edits import Edit, Finding, apply_edits, compose
from .options import Options
from .pipeline import STAGES, run, run_report

__all__ = ["BACKEND", "Decoded", "Edit", "Finding", "Options", "Repairer", "apply_edits", "decode", "explain",
           "explain_bytes", "findings", "repair", "repair_bytes", "__version__"]

__version__ = "0.1.0"


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        hint = " (use repair_bytes for bytes)" if isinstance(text, (bytes, bytearray)) else ""
        raise TypeError(f"textrepair expects str, got {type(text).__name__}{hint}")
    return text


class Repairer:
    """A reusable, picklable repairer: build it once, use it everywhere.

    >>> r = Repairer(script="auto")
    >>> r.repair("全麵(miàn)製(zhì)度")
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

    def findings(self, text: str) -> list[Finding]:
        """Damage the stages found but left as it stands (see :class:`Finding`),
        in offsets of ``text``; :meth:`explain` lists what was changed."""
        return run_report(_check_text(text), self.options, want_edits=False)[2]

    def repair_bytes(self, data: bytes, encoding: str | None = None, errors: str = "replace") -> str:
        """Decode ``data`` with :func:`textrepair.decode` (``encoding=None``
        detects it; ``errors="strict"`` raises :class:`UnicodeDecodeError`
        at the first undecodable byte, ``"replace"`` puts U+FFFD there) and
        repair it."""
        return self.repair(_decoded(data, encoding, errors).text)

    def explain_bytes(self, data: bytes, encoding: str | None = None, errors: str = "replace") -> list[Edit]:
        """Every edit :meth:`repair_bytes` makes, undecodable bytes first among
        them (kind ``"undecodable"``), in offsets of ``decode(data).source``:
        ``apply_edits(decode(data).source, explain_bytes(data)) == repair_bytes(data)``."""
        decoded = _decoded(data, encoding, errors)
        text = decoded.text
        _fixed, edits = run(text, self.options, want_edits=True)
        return compose(decoded.source, decoded.edits(), text, edits) if decoded.replaced else edits

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


def _decoded(data: bytes, encoding: str | None, errors: str) -> Decoded:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"repair_bytes expects bytes, got {type(data).__name__}")
    return decode(data, encoding, errors)


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

    >>> [e.before for e in explain("數(shù)據(jù)")]
    ['(shù)', '(jù)']
    """
    return Repairer(**options).explain(text)


def findings(text: str, **options: Any) -> list[Finding]:
    """Damage :func:`repair` found but left as it stands, with the reason,
    in offsets of ``text`` (:func:`explain` lists what it changed).

    >>> findings("正文")
    []
    """
    return Repairer(**options).findings(text)


def repair_bytes(data: bytes, encoding: str | None = None, errors: str = "replace", **options: Any) -> str:
    """Decode ``data`` (any encoding; see :func:`textrepair.decode`) and repair it.

    >>> repair_bytes("數(shù)據(jù)".encode())
    '數據'
    >>> repair_bytes("關(guan) 於(yu) 數據要素".encode("big5"))
    '關於數據要素'
    """
    return Repairer(**options).repair_bytes(data, encoding, errors)


def explain_bytes(data: bytes, encoding: str | None = None, errors: str = "replace", **options: Any) -> list[Edit]:
    """Every edit :func:`repair_bytes` makes, in offsets of ``decode(data).source``
    (where each undecodable byte is one code point); the undecodable bytes
    replaced by U+FFFD are edits of kind ``"undecodable"``.

    >>> [(e.kind, e.before) for e in explain_bytes("數".encode() + b"\\xff" + "據".encode())]
    [('undecodable', '\\udcff')]
    """
    return Repairer(**options).explain_bytes(data, encoding, errors)


def __getattr__(name: str) -> Any:
    # BACKEND follows the seam, which tests may switch.
    if name == "BACKEND":
        return _backend.BACKEND
    raise AttributeError(f"module 'textrepair' has no attribute {name!r}")
