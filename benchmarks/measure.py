"""Timing and memory measurement.

Contestants of one group run in interleaved rounds (A, B, C, A, B, C, ...),
so a burst of load from other processes hits all of them alike, and each
keeps the median of its rounds.  Ratios are taken between medians of the
same group.

>>> group = time_group({"noop": Contestant(len, ["abc"] * 10)}, rounds=3)
>>> group["noop"]["rounds"], group["noop"]["bytes"]
(3, 30)
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from typing import Callable

#: A sample shorter than this is repeated inside one round (small inputs).
MIN_SAMPLE_SECONDS = 0.02


class Contestant:
    """One thing to time: ``fn`` applied to each document of ``docs``;
    ``prepare`` runs before each sample (e.g. to select a backend).

    >>> Contestant(len, ["ab", "c"]).nbytes
    3
    """

    def __init__(self, fn: Callable[[str], object], docs: list[str],
                 prepare: Callable[[], object] | None = None, rounds: int | None = None) -> None:
        self.fn = fn
        self.docs = docs
        self.nbytes = sum(len(d.encode("utf-8", "surrogatepass")) for d in docs)
        self.prepare = prepare or (lambda: None)
        self.rounds = rounds  # None: as many as the group

    def one_pass(self) -> float:
        fn = self.fn
        start = time.perf_counter()
        for doc in self.docs:
            fn(doc)
        return time.perf_counter() - start

    def passes_per_sample(self) -> int:
        """Passes that make one sample last MIN_SAMPLE_SECONDS."""
        self.prepare()
        seconds = self.one_pass()  # also the warm-up
        if seconds >= MIN_SAMPLE_SECONDS:
            return 1
        return max(1, int(MIN_SAMPLE_SECONDS / max(seconds, 1e-7)) + 1)


def time_group(contestants: dict[str, Contestant], rounds: int) -> dict[str, dict]:
    """Median MB/s of each contestant, measured in interleaved rounds."""
    passes = {name: c.passes_per_sample() for name, c in contestants.items()}
    samples: dict[str, list[float]] = {name: [] for name in contestants}
    for r in range(rounds):
        for name, c in contestants.items():
            if c.rounds is not None and r >= c.rounds:
                continue
            c.prepare()
            seconds = sum(c.one_pass() for _ in range(passes[name]))
            samples[name].append(seconds / passes[name])
    result = {}
    for name, secs in samples.items():
        median = statistics.median(secs)
        result[name] = {
            "mb_per_s": round(contestants[name].nbytes / median / 1e6, 3),
            "seconds": median,
            "bytes": contestants[name].nbytes,
            "rounds": len(secs),
            "spread": round((max(secs) - min(secs)) / median, 3) if len(secs) > 1 else 0.0,
        }
    return result


def peak_python_memory(fn: Callable[[str], object], text: str) -> int:
    """Peak bytes the Python allocators hold during ``fn(text)`` (tracemalloc;
    buffers cffi hands out are allocated through Python and counted).

    >>> peak_python_memory(lambda t: t * 2, "x" * 100_000) >= 100_000
    True
    """
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn(text)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
