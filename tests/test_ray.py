"""textrepair.ray on a local Ray instance: the column equals repair() row by
row, the edits column equals explain(), and each actor builds one Repairer.

Needs ``pip install '.[ray]'``; skipped otherwise (failed under
``TEXTREPAIR_REQUIRE_EXTRAS=1``).
"""

from __future__ import annotations

import json
import os

import pytest

import textrepair
from helpers import SEEDS, missing_modules, needs_extra, readme_example, write_pages_jsonl
from textrepair.ray import RepairBatches, repair_column

pytestmark = pytest.mark.single_backend  # actors import textrepair afresh (TEXTREPAIR_BACKEND reaches them)

needs_ray = needs_extra(missing_modules("ray", ("ray", "ray.data", "pandas", "pyarrow")))

# Run in every Ray worker process at start-up: each Repairer built there
# appends its process id to a file, so the test counts constructions.
COUNTING_HOOK = """
import os
import textrepair

_built = textrepair.Repairer.__init__


def count(self, *args, **kwargs):
    with open({path!r}, "a") as log:
        log.write(f"{{os.getpid()}}\\n")
    _built(self, *args, **kwargs)


def setup():
    textrepair.Repairer.__init__ = count
"""


def texts():
    """Seed pages, their paragraphs, a null and an empty string."""
    found = []
    for path in SEEDS:
        page = path.read_text(encoding="utf-8")
        found.append(page)
        found.extend(p for p in page.split("\n") if p.strip())
    return found + [None, ""]


def edits_json(text):
    return [e.to_dict() for e in textrepair.explain(text, script="auto")]


@needs_ray
def test_readme_example(tmp_path, monkeypatch):
    """The README's example (its own ray.init, before the module's instance starts)."""
    import ray

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    write_pages_jsonl(tmp_path / "pages.jsonl")
    example = {}
    try:
        exec(readme_example("### Ray Data"), example)  # it asserts every row against repair() and explain()
        assert example["row"]["id"] == SEEDS[-1].stem  # the loop ran to the last page
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A local Ray instance (2 CPUs); yields the file counting Repairer constructions."""
    import ray

    hook_dir = tmp_path_factory.mktemp("ray-hook")
    log = hook_dir / "built.log"
    (hook_dir / "tr_count_hook.py").write_text(COUNTING_HOOK.format(path=str(log)), encoding="utf-8")
    # Workers inherit the driver's environment: this textrepair, the hook, no usage report.
    src = os.path.dirname(os.path.dirname(textrepair.__file__))
    saved = dict(os.environ)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (src, str(hook_dir), os.environ.get("PYTHONPATH")) if p)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"worker_process_setup_hook": "tr_count_hook.setup"})
    try:
        yield log
    finally:
        ray.shutdown()
        os.environ.clear()
        os.environ.update(saved)


def constructions(log):
    """Process ids of the Repairers built since the log was last cleared."""
    pids = log.read_text().split() if log.exists() else []
    log.unlink(missing_ok=True)
    return pids


def test_batch_function_without_ray():
    rows = {"id": [1, 2, 3, 4], "text": ["數(shù)據(jù)", None, "", "乾淨"]}
    out = RepairBatches("text", "clean", "edits", textrepair.Options(script="auto"))(rows)
    assert out["text"] == rows["text"]
    assert out["clean"] == [None if t is None else textrepair.repair(t, script="auto") for t in rows["text"]]
    assert [None if e is None else json.loads(e) for e in out["edits"]] == [
        None if t is None else edits_json(t) for t in rows["text"]]
    with pytest.raises(TypeError, match="column 'id' holds int, not str"):
        RepairBatches("id")(rows)


@needs_ray
@pytest.mark.parametrize("batch_format", ["pyarrow", "pandas"])
def test_column_equals_repair_row_by_row(built, batch_format):
    import ray

    data = [{"id": i, "text": t} for i, t in enumerate(texts())]
    ds = ray.data.from_items(data, override_num_blocks=4)
    constructions(built)
    result = repair_column(ds, "text", "clean", edits_column="edits", actors=2, batch_size=8,
                           batch_format=batch_format, script="auto").take_all()
    assert sorted((r["id"], r["text"]) for r in result) == [(d["id"], d["text"]) for d in data]
    for row in result:
        text = row["text"]
        assert row["clean"] == (None if text is None else textrepair.repair(text, script="auto")), row["id"]
        assert (None if row["edits"] is None else json.loads(row["edits"])) == (
            None if text is None else edits_json(text)), row["id"]
    assert sum(r["clean"] != r["text"] for r in result) > 10  # something was really repaired
    # Many batches (len(data) / 8 > 30), two actors: at most one Repairer each, one per process.
    pids = constructions(built)
    assert 1 <= len(pids) <= 2 and len(set(pids)) == len(pids), pids


@needs_ray
def test_in_place_and_checks_on_the_driver(built):
    import ray

    ds = ray.data.from_items([{"id": 1, "text": "數(shù)據(jù)"}])
    result = repair_column(ds, "text", actors=1).take_all()
    assert result == [{"id": 1, "text": "數據"}]
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        repair_column(ds, "text", colour=True)
    with pytest.raises(ValueError, match="batch_format must be 'pyarrow' or 'pandas'"):
        repair_column(ds, "text", batch_format="numpy")
    materialized = ds.materialize()  # the schema is known now: columns are checked before running
    with pytest.raises(TypeError, match="column 'id' is int64, not string"):
        repair_column(materialized, "id")
    with pytest.raises(KeyError, match="no column 'body'"):
        repair_column(materialized, "body")
