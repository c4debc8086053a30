"""A data-juicer Mapper that repairs the text field: ``textrepair_mapper``.

Install with ``pip install 'textrepair[datajuicer]'`` (py-data-juicer, and
aiohttp, which data-juicer 1.6 imports without declaring it).  Importing this
module registers the operator; a data-juicer config names it under
``process`` once ``custom_operator_paths`` lists a file that imports it
(data-juicer loads custom operators from paths, not module names)::

    # textrepair_op.py
    import textrepair.datajuicer

    # config.yaml
    dataset_path: pages.jsonl.gz
    export_path: clean/clean.jsonl
    custom_operator_paths: [textrepair_op.py]
    process:
      - textrepair_mapper:
          options: {script: auto}        # those of textrepair.repair
          edits_key: textrepair_edits    # optional: the edits as JSON

    $ dj-process --config config.yaml

The mapper runs :class:`textrepair.ray.RepairBatches` (no Ray needed) on each
batch of samples, so its output is that of :func:`textrepair.repair` and its
edits those of :func:`textrepair.explain`; a null text stays null.

>>> OP_NAME
'textrepair_mapper'
"""

from __future__ import annotations

from typing import Any, Dict, Optional

# Absolute imports: data-juicer may load this file by its path.
from textrepair.options import Options
from textrepair.ray import RepairBatches

try:
    from data_juicer.ops.base_op import OPERATORS, Mapper
except ImportError:  # the extra is missing: TextRepairMapper() says so when built
    OPERATORS, Mapper = None, object

__all__ = ["OP_NAME", "TextRepairMapper"]

OP_NAME = "textrepair_mapper"


class TextRepairMapper(Mapper):  # type: ignore[misc,valid-type]
    """Repairs ``text_key`` of every sample (batched).

    :param options: options of :func:`textrepair.repair` as a dict, checked
        when the operator is built.
    :param edits_key: when given, this field holds the edits of each sample
        as a JSON list of :meth:`textrepair.Edit.to_dict` (``"[]"`` for clean
        text; JSON so that every batch has the same column type).
    :param args: extra args (those of data-juicer's Mapper)
    :param kwargs: extra args (``text_key``, ``batch_size``, ``num_proc``, ...)
    """

    _batched_op = True

    def __init__(self, options: Optional[Dict[str, Any]] = None, edits_key: Optional[str] = None,
                 *args: Any, **kwargs: Any) -> None:
        if Mapper is object:
            raise ImportError("textrepair.datajuicer needs data-juicer: pip install 'textrepair[datajuicer]'")
        super().__init__(*args, **kwargs)
        self.edits_key = edits_key
        self.repair = RepairBatches(self.text_key, None, edits_key, Options.from_kwargs(**(options or {})))

    def process_batched(self, samples: Any) -> Any:
        return self.repair(samples)


# Once, also when data-juicer loads this file a second time by its path.
if OPERATORS is not None and OP_NAME not in OPERATORS.modules:
    OPERATORS.register_module(OP_NAME, TextRepairMapper)
