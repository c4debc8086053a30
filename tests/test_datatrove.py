"""textrepair.datatrove.TextRepair in datatrove's local executor: JSONL (plain
and gzip) in, JSONL out, every document equal to repair(), the edits in the
metadata equal to explain(), the stats counting the edits by kind.

Needs ``pip install '.[datatrove]'``; skipped otherwise (failed under
``TEXTREPAIR_REQUIRE_EXTRAS=1``).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

import textrepair
from helpers import SEEDS, missing_modules, needs_extra, readme_example, write_pages_jsonl

pytestmark = [
    pytest.mark.single_backend,  # tasks run in fresh processes (TEXTREPAIR_BACKEND reaches them)
    needs_extra(missing_modules("datatrove", ("datatrove", "orjson"))),
]

OPTIONS = {"script": "auto"}


def records():
    """Seed pages and their paragraphs with ids and an extra field, an empty
    text and a null one (datatrove's reader skips those two)."""
    found = []
    for path in SEEDS:
        page = path.read_text(encoding="utf-8")
        found.append(page)
        found.extend(p for p in page.split("\n") if p.strip())
    found += ["", None]
    return [{"id": f"doc-{i}", "text": text, "source": "seed"} for i, text in enumerate(found)]


def write_inputs(folder, data):
    """Half the records as plain JSONL, half gzip-compressed: one file per task."""
    folder.mkdir()
    half = len(data) // 2
    lines = [json.dumps(record, ensure_ascii=False) + "\n" for record in data]
    (folder / "part-0.jsonl").write_text("".join(lines[:half]), encoding="utf-8")
    with gzip.open(folder / "part-1.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("".join(lines[half:]))


def run_pipeline(tmp_path, **step_args):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from textrepair.datatrove import TextRepair

    LocalPipelineExecutor(
        [JsonlReader(str(tmp_path / "in")), TextRepair(**step_args), JsonlWriter(str(tmp_path / "out"))],
        tasks=2, workers=2, logging_dir=str(tmp_path / "logs"),
    ).run()
    out = {}
    for path in sorted((tmp_path / "out").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                out[doc["id"]] = doc
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(s for s in stats if "textrepair" in s["name"])
    # A stat updated only by 1s is saved as a plain count, others as a dict with their total.
    return out, {label: value["total"] if isinstance(value, dict) else value for label, value in step["stats"].items()}


def test_documents_equal_repair_and_stats_count_edits(tmp_path):
    data = records()
    write_inputs(tmp_path / "in", data)
    out, stats = run_pipeline(tmp_path, edits_metadata="textrepair_edits", **OPTIONS)
    kept = [r for r in data if r["text"]]  # the reader drops empty and null texts
    assert sorted(out) == sorted(r["id"] for r in kept)
    kinds: Counter = Counter()
    for record in kept:
        doc = out[record["id"]]
        doc.setdefault("text", "")  # datatrove's writer leaves out empty fields (a page all boilerplate)
        assert doc["text"] == textrepair.repair(record["text"], **OPTIONS), record["id"]
        edits = textrepair.explain(record["text"], **OPTIONS)
        assert doc["metadata"]["textrepair_edits"] == [e.to_dict() for e in edits], record["id"]
        assert doc["metadata"]["source"] == "seed"  # other fields pass through
        kinds.update(e.kind for e in edits)
    repaired = sum(out[r["id"]]["text"] != r["text"] for r in kept)
    assert repaired > 10 and len(kinds) >= 2  # something was really repaired
    assert stats["total"] == len(kept)
    assert stats["repaired"] == repaired
    assert {label[len("edits_"):]: n for label, n in stats.items() if label.startswith("edits_")} == dict(kinds)


def test_without_metadata_and_checks(tmp_path):
    from textrepair.datatrove import TextRepair

    write_inputs(tmp_path / "in", [{"id": "a", "text": "數(shù)據(jù)"}, {"id": "b", "text": "乾淨"}])
    out, stats = run_pipeline(tmp_path)
    assert {k: (d["text"], "textrepair_edits" in d["metadata"]) for k, d in out.items()} == {
        "a": ("數據", False), "b": ("乾淨", False)}
    assert stats["edits_pinyin-annotation"] == 2 and stats["repaired"] == 1
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        TextRepair(colour=True)


def test_readme_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_pages_jsonl(tmp_path / "pages.jsonl")
    exec(readme_example("### datatrove"), {})  # it asserts every document against repair()
    written = [line for path in (tmp_path / "clean").glob("*.jsonl.gz") for line in gzip.open(path, "rt")]
    assert len(written) == len(SEEDS)
