"""Peak memory of one ``repair()`` call, measured in a fresh process (the
process-wide maximum RSS is only meaningful there).

``python -m benchmarks.memory_probe KIND BYTES BACKEND`` prints JSON:
``rss_peak_bytes`` (max RSS during the call minus RSS before it) and
``traced_peak_bytes`` (tracemalloc's peak of Python allocations in a second
call; buffers cffi takes with malloc are not traced).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tracemalloc

from . import corpora


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ≥ 4.0), so the peak read
    afterwards belongs to the call alone and not to building the input."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def probe(kind: str, nbytes: int, backend: str) -> dict:
    """Run the probe in a subprocess and return its JSON."""
    cmd = [sys.executable, "-m", "benchmarks.memory_probe", kind, str(nbytes), backend]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=str(corpora.ROOT))
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-300:]}
    return json.loads(done.stdout)


def _main(kind: str, nbytes: int, backend: str) -> None:
    from .run import _backend, textrepair

    text = corpora.sentence_text(nbytes) if kind == "clean" else corpora.damaged_text(nbytes)
    size = len(text.encode("utf-8"))
    _backend.use(backend)
    textrepair.repair("數(shù)字")  # load tables outside the measurement
    exact = _reset_peak()
    before = _rss_bytes()
    textrepair.repair(text)
    rss_peak = _peak_rss_bytes() - before
    tracemalloc.start()
    textrepair.repair(text)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"input_bytes": size, "rss_peak_bytes": max(rss_peak, 0), "traced_peak_bytes": traced,
                      "peak_reset": exact}))


if __name__ == "__main__":
    _main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
