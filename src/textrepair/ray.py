"""Repair a string column of a Ray Dataset in an actor pool.

Install with ``pip install 'textrepair[ray]'`` (Ray Data, pandas, PyArrow).
:func:`repair_column` maps :class:`RepairBatches` over the dataset with
``Dataset.map_batches``: a callable class, so each actor builds its
:class:`textrepair.Repairer` once and reuses it for every batch it is given.
Nulls stay null; options are checked on the driver, before anything runs.

::

    import ray
    from textrepair.ray import repair_column

    ray.init(num_cpus=2)
    ds = ray.data.read_json("pages.jsonl.gz", lines=True)   # id, text
    repair_column(ds, "text", "clean", edits_column="edits", script="auto").write_json("clean")

The batch function itself needs no Ray; it takes Arrow tables or pandas
DataFrames (a dict of columns here, for the example):

>>> RepairBatches("text", options=Options())({"text": ["數(shù)據(jù)", None]})
{'text': ['數據', None]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Tuple

from . import Repairer
from .options import Options

__all__ = ["RepairBatches", "repair_column"]

Values = List[Optional[str]]


class RepairBatches:
    """The ``map_batches`` function: repairs ``column`` of each batch into
    ``output_column`` (default: in place) and, with ``edits_column``, puts
    there the edits as a JSON list of :meth:`textrepair.Edit.to_dict` (equal to
    :func:`textrepair.explain`); a null gives null in both.

    A batch is a ``pyarrow.Table``, a ``pandas.DataFrame`` or a dict of lists;
    the same kind comes back, with the other columns untouched.

    >>> f = RepairBatches("text", "clean", "edits", Options())
    >>> out = f({"text": ["乾淨", "數(shù)據(jù)"]})
    >>> out["clean"], json.loads(out["edits"][1])[0]["before"]
    (['乾淨', '數據'], '(shù)')
    """

    def __init__(self, column: str, output_column: Optional[str] = None, edits_column: Optional[str] = None,
                 options: Optional[Options] = None) -> None:
        self.column = column
        self.output_column = output_column or column
        self.edits_column = edits_column
        # Built once per actor: Ray constructs the class once and calls it per batch.
        self.repairer = Repairer(options if options is not None else Options())

    def __call__(self, batch: Any) -> Any:
        kind = _kind(batch)
        repaired, edits = self.repair(_strings(batch, self.column, kind))
        columns: Dict[str, Values] = {self.output_column: repaired}
        if self.edits_column:
            columns[self.edits_column] = edits
        return _with_columns(batch, columns, kind, self.column)

    def repair(self, values: Values) -> Tuple[Values, Values]:
        """The repaired values and, when an edits column is asked for, their
        edits as JSON (else an empty list)."""
        if not self.edits_column:
            return [None if v is None else self.repairer.repair(v) for v in values], []
        repaired: Values = []
        edits: Values = []
        for value in values:
            if value is None:
                repaired.append(None)
                edits.append(None)
                continue
            text, found = self.repairer.repair_and_explain(value)
            repaired.append(text)
            edits.append(json.dumps([e.to_dict() for e in found], ensure_ascii=False))
        return repaired, edits


def _kind(batch: Any) -> str:
    """"arrow", "pandas" or "dict": the batch formats RepairBatches takes."""
    module = type(batch).__module__
    if module.startswith("pyarrow"):
        return "arrow"
    if module.startswith("pandas"):
        return "pandas"
    if isinstance(batch, Mapping):  # a dict of lists, or a datasets LazyBatch (data-juicer)
        return "dict"
    raise TypeError(f"RepairBatches takes pyarrow.Table, pandas.DataFrame or dict batches, not {type(batch).__name__}")


def _strings(batch: Any, column: str, kind: str) -> Values:
    """The column as a list of str or None; anything else is a TypeError."""
    if kind == "arrow":
        values = batch.column(column).to_pylist()
    elif kind == "pandas":
        import pandas as pd

        # A null arrives as None, NaN or pd.NA depending on pandas and the dtype.
        values = [None if pd.api.types.is_scalar(v) and pd.isna(v) else v for v in batch[column].tolist()]
    else:
        values = list(batch[column])
    for value in values:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"column {column!r} holds {type(value).__name__}, not str")
    return values


def _with_columns(batch: Any, columns: Dict[str, Values], kind: str, source: str) -> Any:
    """``batch`` with ``columns`` put in (replaced where they exist, else
    appended); Arrow columns take the string type of the ``source`` column."""
    if kind == "arrow":
        import pyarrow as pa

        large = pa.types.is_large_string(batch.column(source).type)
        for name, values in columns.items():
            array = pa.array(values, type=pa.large_string() if large else pa.string())
            where = batch.schema.get_field_index(name)
            batch = batch.set_column(where, name, array) if where >= 0 else batch.append_column(name, array)
        return batch
    if kind == "pandas":
        import pandas as pd

        return batch.assign(**{name: pd.Series(values, index=batch.index, dtype=object)
                               for name, values in columns.items()})
    return {**batch, **columns}


def _check_column(ds: Any, column: str) -> None:
    """Fail on the driver when the schema, if already known, shows a missing
    or non-string column (an unknown schema is checked batch by batch)."""
    schema = ds.schema(fetch_if_missing=False)
    if schema is None:
        return
    types = dict(zip(schema.names, schema.types))
    if column not in types:
        raise KeyError(f"no column {column!r}; the dataset has {', '.join(schema.names)}")
    name = str(types[column])
    if name not in ("string", "large_string", "null", "object"):
        raise TypeError(f"column {column!r} is {name}, not string")


def repair_column(ds: Any, column: str, output_column: Optional[str] = None, *, edits_column: Optional[str] = None,
                  actors: Optional[int] = None, batch_size: int = 64, batch_format: str = "pyarrow",
                  **options: Any) -> Any:
    """``ds`` with ``column`` repaired into ``output_column`` (default: in
    place) and, with ``edits_column``, the edits as JSON (see
    :class:`RepairBatches`); lazy, like every Ray Data transformation.

    ``options`` are those of :func:`textrepair.repair`, checked here on the
    driver so a typo fails before any actor starts.  ``actors`` fixes the
    size of the actor pool (default: Ray's autoscaling pool, one actor per
    free CPU at most); each actor builds one Repairer.  ``batch_size`` rows
    go to an actor at a time, as ``"pyarrow"`` tables or ``"pandas"``
    DataFrames (``batch_format``).
    """
    from ray.data import ActorPoolStrategy

    checked = Options.from_kwargs(**options)
    if batch_format not in ("pyarrow", "pandas"):
        raise ValueError(f"batch_format must be 'pyarrow' or 'pandas', not {batch_format!r}")
    _check_column(ds, column)
    compute = ActorPoolStrategy(size=actors) if actors else None
    return ds.map_batches(
        RepairBatches,
        fn_constructor_kwargs={"column": column, "output_column": output_column, "edits_column": edits_column,
                               "options": checked},
        batch_size=batch_size,
        batch_format=batch_format,
        compute=compute,
        udf_modifying_row_count=False,  # one row out per row in
    )
