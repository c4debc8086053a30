"""textrepair.spark in Spark local mode: the column equals repair() row by row.

Needs ``pip install '.[spark]'`` and a Java runtime; skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

import textrepair
from helpers import SEEDS, missing_modules, needs_extra
from textrepair.spark import _repairer, repair_column, repair_values

pytestmark = pytest.mark.single_backend  # executors import textrepair afresh


def _missing() -> str | None:
    """Why the Spark tests cannot run here, or None."""
    missing = missing_modules("spark", ("pyspark", "pandas", "pyarrow"))
    if missing is None and not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime for Spark (install a JDK 17 or set JAVA_HOME)"
    return missing


needs_spark = needs_extra(_missing())  # fails instead under TEXTREPAIR_REQUIRE_EXTRAS=1


def test_batch_function_without_spark():
    options = textrepair.Options(script="auto")
    values = ["數(shù)據(jù)", None, "", "乾淨"]
    assert repair_values(values, options) == [textrepair.repair(v, script="auto") if v is not None else None
                                              for v in values]
    # One Repairer per option set per process (per executor worker).
    assert _repairer(options) is _repairer(textrepair.Options(script="auto"))


@pytest.fixture(scope="module")
def spark():
    if _missing():
        pytest.skip(_missing())
    from pyspark.sql import SparkSession

    # Executors must run this interpreter and find this textrepair (the source tree in tests).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    src = os.path.dirname(os.path.dirname(textrepair.__file__))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("textrepair-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "3")  # several batches per task
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def rows():
    """Seed pages, their paragraphs, a null and an empty string, with ids."""
    texts = []
    for path in SEEDS:
        page = path.read_text(encoding="utf-8")
        texts.append(page)
        texts.extend(p for p in page.split("\n") if p.strip())
    texts += [None, ""]
    return [(i, text) for i, text in enumerate(texts)]


@needs_spark
def test_column_equals_repair_row_by_row(spark):
    data = rows()
    df = spark.createDataFrame(data, "id long, text string").repartition(3)
    result = repair_column(df, "text", "clean", script="auto").select("id", "text", "clean").collect()
    assert len(result) == len(data)
    for row in result:
        expected = None if row.text is None else textrepair.repair(row.text, script="auto")
        assert row.clean == expected, row.id
    # The input column is left alone, and something was really repaired.
    assert sorted((r.id, r.text) for r in result) == sorted(data, key=lambda r: r[0])
    assert sum(r.clean != r.text for r in result) > 10


@needs_spark
def test_in_place_and_checks(spark):
    df = spark.createDataFrame([(1, "數(shù)據(jù)")], "id long, text string")
    assert repair_column(df, "text").columns == ["id", "text"]
    assert repair_column(df, "text").collect()[0].text == "數據"
    with pytest.raises(TypeError, match="column 'id' is bigint, not string"):
        repair_column(df, "id")
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        repair_column(df, "text", colour=True)
