"""Repair a string column of a Spark DataFrame on the executors.

Install with ``pip install 'textrepair[spark]'`` (PySpark, pandas, PyArrow).
The column goes to Python in Arrow batches (an iterator pandas UDF); each
executor's Python worker builds its :class:`textrepair.Repairer` once per
option set and reuses it for every batch and every task it runs (Spark reuses
Python workers by default).  Nulls stay null.

::

    from textrepair.spark import repair_column
    df = spark.read.json("pages.jsonl")
    repair_column(df, "text", "clean", script="auto").write.parquet("clean")

Only the batch function is plain Python, so it is shown here without Spark:

>>> repair_values(["數(shù)據(jù)", None, "乾淨"], Options())
['數據', None, '乾淨']
"""

from functools import lru_cache
from typing import Any, Iterable, Iterator, List, Optional

from . import Repairer
from .options import Options

__all__ = ["repair_column", "repair_values"]


@lru_cache(maxsize=8)
def _repairer(options: Options) -> Repairer:
    """One Repairer per option set per process: built on an executor's first batch."""
    return Repairer(options)


def repair_values(values: Iterable[Optional[str]], options: Options) -> List[Optional[str]]:
    """Repair each string; ``None`` (a null) stays ``None``."""
    repair = _repairer(options).repair
    return [None if value is None else repair(value) for value in values]


def _batches(options: Options) -> Any:
    """The function the UDF runs: pandas Series in, pandas Series out."""
    import pandas as pd

    def repair_batches(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for batch in batches:
            # Arrow nulls arrive as None or NaN depending on the pandas version.
            values = [None if not isinstance(v, str) else v for v in batch]
            yield pd.Series(repair_values(values, options), index=batch.index, dtype=object)

    return repair_batches


def repair_column(df: Any, column: str, output_column: Optional[str] = None, **options: Any) -> Any:
    """``df`` with ``column`` repaired into ``output_column`` (default: in place).

    ``options`` are those of :func:`textrepair.repair`; they are checked here,
    on the driver, so a typo fails before any job starts.  Raises
    ``TypeError`` when the column is not a string column.
    """
    from pyspark.sql.functions import pandas_udf
    from pyspark.sql.types import StringType

    checked = Options.from_kwargs(**options)
    field = df.schema[column]
    if not isinstance(field.dataType, StringType):
        raise TypeError(f"column {column!r} is {field.dataType.simpleString()}, not string")
    udf = pandas_udf(_batches(checked), StringType())  # type: ignore[call-overload]
    return df.withColumn(output_column or column, udf(df[column]))
