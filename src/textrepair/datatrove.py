"""A datatrove pipeline step that repairs each document's text.

Install with ``pip install 'textrepair[datatrove]'`` (datatrove, and orjson
for its JSONL reader and writer).  :class:`TextRepair` goes between a reader
and a writer like any formatter; it repairs ``document.text``, counts the
edits by kind in the step's stats (``edits_pinyin-annotation`` and so on, in
the executor's ``stats.json``) and, with ``edits_metadata``, stores the edits
in ``document.metadata``.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from textrepair.datatrove import TextRepair

    LocalPipelineExecutor([
        JsonlReader("pages/"),                      # *.jsonl, *.jsonl.gz: text, id
        TextRepair(script="auto", edits_metadata="textrepair_edits"),
        JsonlWriter("clean/"),
    ], tasks=2, logging_dir="logs/").run()

The counting itself needs no datatrove:

>>> import textrepair
>>> edit_counts(textrepair.explain("數(shù)字經(jīng)濟<br>"))
{'pinyin-annotation': 2, 'html': 1}
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from . import Edit, Repairer
from .options import Options

try:
    from datatrove.pipeline.base import PipelineStep
except ImportError:  # the extra is missing: TextRepair() says so when built
    PipelineStep = object  # type: ignore[assignment,misc]

__all__ = ["TextRepair", "edit_counts"]


def edit_counts(edits: Iterable[Edit]) -> Dict[str, int]:
    """How many edits of each kind, in order of first appearance."""
    counts: Dict[str, int] = {}
    for edit in edits:
        counts[edit.kind] = counts.get(edit.kind, 0) + 1
    return counts


class TextRepair(PipelineStep):  # type: ignore[misc,valid-type]
    """Repairs ``document.text`` with :class:`textrepair.Repairer`.

    ``options`` are those of :func:`textrepair.repair`, checked when the step
    is built (before any task runs).  Stats per document: ``total``,
    ``repaired`` (the text changed) and ``edits_<kind>`` (how many edits of
    that kind).  With ``edits_metadata="key"``, ``document.metadata["key"]``
    holds the edits as :meth:`textrepair.Edit.to_dict` dicts (those of
    :func:`textrepair.explain`; an empty list for clean text).
    """

    name = "🔧 textrepair"
    type = "✂️ - FORMAT"

    def __init__(self, edits_metadata: Optional[str] = None, **options: Any) -> None:
        if PipelineStep is object:
            raise ImportError("textrepair.datatrove.TextRepair needs datatrove: pip install 'textrepair[datatrove]'")
        super().__init__()
        self.edits_metadata = edits_metadata
        # Pickled into each task with the step: one Repairer per task process.
        self.repairer = Repairer(Options.from_kwargs(**options))

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Any:
        for document in data:
            self.stat_update("total")
            with self.track_time():
                text, edits = self.repairer.repair_and_explain(document.text)
            if text != document.text:
                self.stat_update("repaired")
                document.text = text
            for kind, count in edit_counts(edits).items():
                self.stat_update(f"edits_{kind}", value=count)
            if self.edits_metadata:
                document.metadata[self.edits_metadata] = [edit.to_dict() for edit in edits]
            yield document
