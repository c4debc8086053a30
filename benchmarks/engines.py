"""Throughput of textrepair in each engine against the CLI, on the same JSONL.

Builds a folder of JSONL files (``--parts`` files, ``--size`` bytes in all) of
the seed pages, each record an id, the page and a counter, then runs each
engine end to end as its own process, 2 workers each, and times it from
start to exit (start-up, reading, repairing, writing):

* ``cli``: ``textrepair --jsonl -j 2 -o OUT PARTS...``
* ``ray``: ``ray.init(num_cpus=2)``, ``read_json``, ``textrepair.ray.repair_column``, ``write_json``
* ``datatrove``: ``LocalPipelineExecutor(JsonlReader, TextRepair, JsonlWriter)``, 2 tasks, 2 workers
  (TextRepair always computes the edits, for its stats by kind)
* ``datajuicer``: data-juicer's JSON formatter, ``textrepair_mapper`` in
  ``dataset.map(num_proc=2)``, ``to_json`` (data-juicer's executor is not
  used: it installs torch from the network when missing, see the README)
* ``spark``: ``local[2]``, ``read.json``, ``textrepair.spark.repair_column``, ``write.json``

``--rounds`` times (each round runs every engine once, the order turning
from round to round, so a burst of load on the shared machine falls on
different engines), and prints a Markdown table: the median wall time, MB/s
(input bytes / median wall) and the ratio to the CLI's median. Engines whose
extra is not installed are left out. Every run's output records are checked
against the CLI's (same ids, same texts).

    python benchmarks/engines.py                  # 64 MB, 3 rounds: the README table
    python benchmarks/engines.py --size 16M --rounds 1 --engines cli ray
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
WORKERS = 2

NEEDS = {"cli": [], "ray": ["ray"], "datatrove": ["datatrove", "orjson"], "datajuicer": ["data_juicer"],
         "spark": ["pyspark"]}


def size(text: str) -> int:
    units = {"K": 10, "M": 20, "G": 30}
    return int(text[:-1]) << units[text[-1].upper()] if text[-1].upper() in units else int(text)


def build(folder: Path, target: int, parts: int) -> int:
    """``parts`` JSONL files of seed records, ``target`` bytes in all; returns the bytes written."""
    pages = [(p.stem, p.read_text(encoding="utf-8")) for p in SEEDS]
    folder.mkdir(parents=True)
    written = records = 0
    for part in range(parts):
        with (folder / f"part-{part}.jsonl").open("wb") as out:
            while written < target * (part + 1) // parts:
                stem, page = pages[records % len(pages)]
                line = json.dumps({"id": f"{records}-{stem}", "text": page, "n": records},
                                  ensure_ascii=False).encode() + b"\n"
                out.write(line)
                written += len(line)
                records += 1
    return written


# Each engine's job, run in a child process: ``python engines.py --run ENGINE IN OUT``.

def run_cli(src: Path, out: Path) -> None:
    out.mkdir()
    subprocess.run([sys.executable, "-m", "textrepair", "--jsonl", "--quiet", "-j", str(WORKERS),
                    "-o", str(out / "clean.jsonl"), *map(str, sorted(src.glob("*.jsonl")))], check=True)


def run_ray(src: Path, out: Path) -> None:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    from textrepair.ray import repair_column

    ray.init(num_cpus=WORKERS, include_dashboard=False, log_to_driver=False)
    ds = ray.data.read_json(str(src), lines=True)
    repair_column(ds, "text").write_json(str(out))


def run_datatrove(src: Path, out: Path) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from textrepair.datatrove import TextRepair

    LocalPipelineExecutor([JsonlReader(str(src)), TextRepair(), JsonlWriter(str(out), compression=None)],
                          tasks=WORKERS, workers=WORKERS, logging_dir=str(out.parent / "datatrove-logs"),
                          skip_completed=False).run()


def run_datajuicer(src: Path, out: Path) -> None:
    # A fresh cache each run: HF datasets would otherwise hand a later run the first one's map.
    os.environ["HF_DATASETS_CACHE"] = str(out) + "-hf-cache"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    import textrepair.datajuicer  # noqa: F401  (registers textrepair_mapper)
    from data_juicer.format import JsonFormatter
    from data_juicer.ops import load_ops

    (op,) = load_ops([{"textrepair_mapper": {}}])
    dataset = JsonFormatter(str(src)).load_dataset(num_proc=WORKERS)
    dataset = dataset.map(op.process, batched=True, batch_size=op.batch_size, num_proc=WORKERS)
    out.mkdir()
    dataset.to_json(str(out / "clean.jsonl"), force_ascii=False)


def run_spark(src: Path, out: Path) -> None:
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from textrepair.spark import repair_column

    spark = (SparkSession.builder.master(f"local[{WORKERS}]").config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    repair_column(spark.read.json(str(src)), "text").write.json(str(out))
    spark.stop()


RUNNERS: Dict[str, Callable[[Path, Path], None]] = {
    "cli": run_cli, "ray": run_ray, "datatrove": run_datatrove, "datajuicer": run_datajuicer, "spark": run_spark}


def records(out: Path) -> Iterator[dict]:
    """Every JSON record under ``out`` (plain or gzip files, any nesting)."""
    for path in sorted(out.rglob("*")):
        if path.is_file() and not path.name.startswith((".", "_")) and ".json" in path.name:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as lines:
                yield from (json.loads(line) for line in lines if line.strip())


def texts_by_id(out: Path) -> Dict[str, str]:
    # datatrove's writer leaves out an empty text.
    return {r["id"]: r.get("text", "") for r in records(out)}


def measure(engine: str, src: Path, work: Path) -> float:
    out = work / f"out-{engine}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    start = time.monotonic()
    done = subprocess.run([sys.executable, __file__, "--run", engine, str(src), str(out)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{engine} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=size, default=size("64M"), help="input size in all (default 64M)")
    parser.add_argument("--parts", type=int, default=4, help="input files (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each engine (default 3)")
    parser.add_argument("--engines", nargs="+", default=list(RUNNERS), choices=list(RUNNERS))
    parser.add_argument("--run", nargs=3, metavar=("ENGINE", "IN", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        RUNNERS[args.run[0]](Path(args.run[1]), Path(args.run[2]))
        return
    work = Path(tempfile.mkdtemp(prefix="textrepair-engines-"))
    try:
        src = work / "in"
        written = build(src, args.size, args.parts)
        print(f"input: {written / 1e6:.1f} MB in {args.parts} JSONL files; {WORKERS} workers per engine; "
              f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}", flush=True)
        engines = ["cli"] + [e for e in args.engines if e != "cli" and all(importlib.util.find_spec(m)
                                                                          for m in NEEDS[e])]
        walls: Dict[str, List[float]] = {engine: [] for engine in engines}
        reference = None
        for round_ in range(args.rounds):
            for engine in engines[round_ % len(engines):] + engines[:round_ % len(engines)]:
                load = os.getloadavg()[0]
                walls[engine].append(measure(engine, src, work))
                got = texts_by_id(work / f"out-{engine}")
                for left in work.glob(f"out-{engine}*"):  # the output, and data-juicer's cache
                    shutil.rmtree(left)
                reference = reference if reference is not None else got
                if got != reference:
                    raise SystemExit(f"{engine}: output differs from the first run's")
                print(f"round {round_ + 1} {engine}: {walls[engine][-1]:.1f} s (load average before {load:.2f})",
                      flush=True)
        cli = statistics.median(walls["cli"])
        print(f"\n| engine (2 workers) | median wall ({args.rounds} rounds) | throughput | vs CLI |\n|---|---|---|---|")
        for engine in engines:
            wall = statistics.median(walls[engine])
            print(f"| {engine} | {wall:.1f} s | {written / 1e6 / wall:.1f} MB/s | {cli / wall:.2f} x |")
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
