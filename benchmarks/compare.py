"""Two installs of textrepair side by side in one run: the speed of this
checkout against another (say, the previous commit installed in a second
virtual environment), in interleaved rounds, so the machine's load hits
both alike.  With ``--warm K`` each side's turn is K passes back to back,
of which the fastest counts: one pass right after the other side's runs on
cold caches, and on a busy 2-core machine that alone moves a clean page's
time by a factor of two from run to run.

    git worktree add /tmp/prev HEAD~1
    python3 -m venv /tmp/prev-venv && /tmp/prev-venv/bin/pip install /tmp/prev
    python -m benchmarks.compare --other /tmp/prev-venv/bin/python

Each interpreter runs a worker process that imports its own textrepair and
times ``repair()`` over each corpus once per round when asked; the corpora
are built here, from this checkout, and sent to both workers, so both
measure the same documents.  Reported: MB/s (medians) of each side and their
ratio, which is what issue 18's "speed does not fall" compares (≥ 0.9); the
speed of a bare UTF-8 round trip (``s.encode("utf-8").decode("utf-8")``)
over the same documents, timed in this side's process in the same rounds,
and this side's share of it (issue 20 asks ≥ 0.5 on the clean rows); and
per corpus the candidates each side's mojibake scan hands on per MB
(``mojibake_scan`` spans) and, for a side with the triage, the documents
that need any stage at all.

>>> rows = _ratios({"a": [1.0, 3.0, 2.0]}, {"a": [2.0, 2.0, 4.0]}, {"a": 10**6})
>>> rows[0][:3]
('a', 0.5, 0.5)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import DAMAGED, clean_article, clean_sentences, repeat_pages, seed_pages, utf8_size

_WORKER = r'''
import json, sys, time
import textrepair
from textrepair import _backend, pipeline
corpora = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps({"backend": textrepair.BACKEND, "file": textrepair.__file__}), flush=True)


def stats(docs):
    """Mojibake-scan spans over the documents; with the triage, the documents
    that need a stage, and the spans of those (the others' spans are
    dismissed in the triage)."""
    impl = _backend.impl
    spans = [sum(len(part) for part in impl.mojibake_scan(doc)) for doc in docs]
    busy = judged = None
    if hasattr(pipeline, "_triage"):
        needs = [pipeline._triage(impl, doc, textrepair.Options()) is not None for doc in docs]
        busy = sum(needs)
        judged = sum(n for n, need in zip(spans, needs) if need)
    impl.forget()
    return {"spans": sum(spans), "busy": busy, "judged": judged, "docs": len(docs)}


def once(command, docs):
    start = time.perf_counter()
    if command == "roundtrip":
        for doc in docs:
            doc.encode("utf-8").decode("utf-8")
    else:
        for doc in docs:
            textrepair.repair(doc)
    return time.perf_counter() - start


for line in sys.stdin:
    command, name = line.rstrip("\n").split(" ", 1)
    repeat = 1
    if command.startswith("warm"):  # "warmK": K passes back to back, the fastest
        repeat, command = int(command[4:]), "repair"
    docs = corpora[name]
    if command == "stats":
        print(json.dumps(stats(docs)), flush=True)
        continue
    print(json.dumps(min(once(command, docs) for _ in range(repeat))), flush=True)
'''


def corpora(quick: bool) -> dict[str, list[str]]:
    """The corpora both sides time, by name."""
    pages = seed_pages()
    size = 200_000 if quick else 1_000_000
    sentences = clean_sentences()
    document = ""
    while len(document.encode("utf-8")) < size:
        document += "".join(sentences)
    found = {
        "seeds damaged (000 001 003 004), one page per call": repeat_pages([pages[p] for p in DAMAGED], size),
        "seed 002 article (clean), one page per call": repeat_pages([clean_article()], size),
        f"clean sentences, {size // 1000}KB document": [document],
    }
    clean = clean_corpus()
    if clean:
        found["clean corpus (tests/clean_corpus.py), one document per call"] = clean
    return found


def clean_corpus() -> list[str]:
    """The documents of the clean-text issue's corpus (built from the
    ``[test]`` extra's packages), or none when they are not installed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:
        from clean_corpus import documents
        return [d.text for d in documents()]
    except ImportError:
        return []
    finally:
        sys.path.pop(0)


class Worker:
    """A long-lived process of one interpreter, timing on request."""

    def __init__(self, python: str, corpus_file: str) -> None:
        self.proc = subprocess.Popen([python, "-c", _WORKER, corpus_file], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
        self.about = json.loads(self.proc.stdout.readline())

    def ask(self, command: str, name: str):
        self.proc.stdin.write(f"{command} {name}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def time(self, name: str, warm: int = 1) -> float:
        """One pass over the corpus, or with ``warm`` > 1 the fastest of that
        many passes back to back (caches warm, as a long job keeps them)."""
        return self.ask("repair" if warm <= 1 else f"warm{warm}", name)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def _ratios(this: dict[str, list[float]], other: dict[str, list[float]], sizes: dict[str, int]):
    """Rows of (corpus, this MB/s, other MB/s, this ÷ other) from round times."""
    rows = []
    for name in this:
        a = sizes[name] / statistics.median(this[name]) / 1e6
        b = sizes[name] / statistics.median(other[name]) / 1e6
        rows.append((name, round(a, 3), round(b, 3), round(a / b, 3)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", required=True, help="the other install's python")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="200 KB corpora")
    parser.add_argument("--warm", type=int, default=1, metavar="K",
                        help="each side times K passes back to back and keeps the fastest: in one pass after "
                             "the other side's, caches are cold (the two sides still alternate every round)")
    args = parser.parse_args(argv)
    docs = corpora(args.quick)
    sizes = {name: utf8_size(d) for name, d in docs.items()}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(docs, f, ensure_ascii=False)
    this, other = Worker(sys.executable, f.name), Worker(args.other, f.name)
    print(f"this:  {this.about}\nother: {other.about}")
    times_this: dict[str, list[float]] = {name: [] for name in docs}
    times_other: dict[str, list[float]] = {name: [] for name in docs}
    times_trip: dict[str, list[float]] = {name: [] for name in docs}
    for name in docs:  # one warm-up round each: models load, caches fill
        this.time(name), other.time(name), this.ask("roundtrip", name)
    for k in range(args.rounds):
        for name in docs:
            first, second = (this, other) if k % 2 == 0 else (other, this)
            t1, t2 = first.time(name, args.warm), second.time(name, args.warm)
            (times_this if first is this else times_other)[name].append(t1)
            (times_other if first is this else times_this)[name].append(t2)
            times_trip[name].append(this.ask("roundtrip", name))
    stats_this = {name: this.ask("stats", name) for name in docs}
    stats_other = {name: other.ask("stats", name) for name in docs}
    this.close(), other.close()
    Path(f.name).unlink()
    trip = {row[0]: row[1] for row in _ratios(times_trip, times_trip, sizes)}
    print("| corpus | this MB/s | other MB/s | this ÷ other | round trip MB/s | this ÷ round trip |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, a, b, ratio in _ratios(times_this, times_other, sizes):
        print(f"| {name} | {a} | {b} | {ratio} | {trip[name]} | {round(a / trip[name], 3)} |")
    print("\nCandidates per MB: the spans of the mojibake scan (byte-shift runs, rare windows, code-page "
          "chains, ftfy stretches); after the triage: those in documents the triage hands to the stages.\n")
    print("| corpus | this: candidates per MB | this: after the triage | other: candidates per MB | "
          "other: after the triage | documents needing a stage (this / other) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in docs:
        mb = sizes[name] / 1e6
        cells = []
        for side in (stats_this[name], stats_other[name]):
            judged = side["spans"] if side["judged"] is None else side["judged"]
            cells += [f"{side['spans'] / mb:.0f}", f"{judged / mb:.0f}"]
        needing = " / ".join(f"{side['docs'] if side['busy'] is None else side['busy']} of {side['docs']}"
                             for side in (stats_this[name], stats_other[name]))
        print(f"| {name} | {' | '.join(cells)} | {needing} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
