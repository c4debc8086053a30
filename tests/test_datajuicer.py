"""textrepair.datajuicer: the ``textrepair_mapper`` operator, built by name
the way a data-juicer config builds it, run on a dataset read by data-juicer's
JSON formatter from a gzip JSONL of the seed pages; every sample equals
repair() and its edits explain().

data-juicer's executor is not run here: after each operator it calls torch
(``free_models``) and, when torch is missing, installs it from the network
(2.6 GB with CUDA), so the test drives the operator through data-juicer's own
dataset ``map`` instead, as the executor does.

Needs ``pip install '.[datajuicer]'``; skipped otherwise (failed under
``TEXTREPAIR_REQUIRE_EXTRAS=1``).
"""

from __future__ import annotations

import gzip
import json

import pytest

import textrepair
from helpers import SEEDS, missing_modules, needs_extra, readme_example, write_pages_jsonl

pytestmark = [
    pytest.mark.single_backend,  # map workers are fresh processes (TEXTREPAIR_BACKEND reaches them)
    needs_extra(missing_modules("datajuicer", ("data_juicer", "aiohttp"))),
]

OPTIONS = {"script": "auto"}


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """HF datasets caches in tmp_path and never goes to the network."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))


def mapper(**args):
    import textrepair.datajuicer  # noqa: F401  (registers textrepair_mapper)
    from data_juicer.ops import load_ops

    (op,) = load_ops([{"textrepair_mapper": args}])
    return op


def texts():
    found = []
    for path in SEEDS:
        page = path.read_text(encoding="utf-8")
        found.append(page)
        found.extend(p for p in page.split("\n") if p.strip())
    return found


def edits_json(text):
    return [e.to_dict() for e in textrepair.explain(text, **OPTIONS)]


def test_samples_equal_repair_row_by_row(tmp_path, offline):
    from data_juicer.format import JsonFormatter

    data = [{"id": f"doc-{i}", "text": t, "source": "seed"} for i, t in enumerate(texts())]
    path = tmp_path / "pages.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in data)
    dataset = JsonFormatter(str(path)).load_dataset(num_proc=1)
    op = mapper(options=OPTIONS, edits_key="textrepair_edits", batch_size=16)
    result = dataset.map(op.process, batched=True, batch_size=op.batch_size, num_proc=2).to_list()
    by_id = {r["id"]: r for r in data}
    assert sorted(r["id"] for r in result) == sorted(by_id)
    for row in result:
        source = by_id[row["id"]]["text"]
        assert row["text"] == textrepair.repair(source, **OPTIONS), row["id"]
        assert json.loads(row["textrepair_edits"]) == edits_json(source), row["id"]
        assert row["source"] == "seed"
    assert sum(r["text"] != by_id[r["id"]]["text"] for r in result) > 10  # something was really repaired


def test_nulls_text_key_and_checks(offline):
    from data_juicer.core.data import NestedDataset

    rows = [{"body": "數(shù)據(jù)"}, {"body": None}, {"body": ""}]
    op = mapper(text_key="body")
    out = NestedDataset.from_list(rows).map(op.process, batched=True, batch_size=2).to_list()
    assert out == [{"body": "數據"}, {"body": None}, {"body": ""}]
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        mapper(options={"colour": True})


def test_readme_example(tmp_path, monkeypatch, offline):
    monkeypatch.chdir(tmp_path)
    write_pages_jsonl(tmp_path / "pages.jsonl")
    example = {}
    exec(readme_example("### data-juicer"), example)  # it asserts every sample against repair()
    assert len(example["clean"]) == len(SEEDS)
