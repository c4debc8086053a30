"""``repair()`` against ``ftfy.fix_text`` in one process: the same documents
timed by each in turn, round after round, medians (issue 20 states its
targets as multiples of ftfy).  The backend is the process's own: run it
again with ``TEXTREPAIR_BACKEND=python`` for the pure-Python one.

    python -m benchmarks.versus_ftfy [--rounds 7]
    TEXTREPAIR_BACKEND=python python -m benchmarks.versus_ftfy --rounds 5

>>> _ratio([1.0, 2.0, 3.0], [4.0, 4.0, 8.0])
2.0
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import DAMAGED, clean_article, seed_pages


def corpora() -> dict[str, list[str]]:
    pages = seed_pages()
    return {"clean article (seed 002)": [clean_article()],
            "damaged seeds (000 001 003 004)": [pages[k] for k in DAMAGED]}


def _ratio(ours: list[float], theirs: list[float]) -> float:
    """How many times faster ``repair`` is: ftfy's median over ours."""
    return statistics.median(theirs) / statistics.median(ours)


def main(argv: list[str] | None = None) -> int:
    import ftfy

    import textrepair

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    docs = corpora()
    for group in docs.values():  # warm: the model, ftfy's import and caches
        for d in group:
            textrepair.repair(d)
            ftfy.fix_text(d)
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in docs}
    for _ in range(args.rounds):
        for name, group in docs.items():
            for fn, out in ((textrepair.repair, times[name][0]), (ftfy.fix_text, times[name][1])):
                start = time.perf_counter()
                for d in group:
                    fn(d)
                out.append(time.perf_counter() - start)
    print(f"backend {textrepair.BACKEND}, {args.rounds} rounds, medians")
    print("| corpus | repair ms | ftfy.fix_text ms | repair × ftfy |")
    print("|---|---:|---:|---:|")
    for name, (ours, theirs) in times.items():
        print(f"| {name} | {statistics.median(ours) * 1000:.2f} | {statistics.median(theirs) * 1000:.2f} "
              f"| {_ratio(ours, theirs):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
