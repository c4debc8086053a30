"""The two OpenCC packages install the same top-level name ``opencc``, so the
C++ binding is installed into its own folder and measured in a subprocess
whose ``sys.path`` starts there.

Run as a script, this module is the worker: ``python opencc_cpp.py CORPUS.json
ROUNDS`` prints JSON with the median MB/s of t2s on the corpus's ``timed``
documents and the SHA-256 of each output of t2s and s2t on its ``checked``
documents.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PACKAGE = "opencc==1.4.2"
CONFIGS = ("t2s", "s2t")  # the script stage's two conversions
TARGET = Path(__file__).resolve().parent / "results" / "opencc-cpp"


def install() -> tuple[bool, str]:
    """Install the C++ binding into TARGET (once); (ok, message)."""
    if (TARGET / "opencc").is_dir():
        return True, f"{PACKAGE} in {TARGET}"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(TARGET), PACKAGE]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        return False, f"pip install {PACKAGE} failed: {done.stderr.strip()[-300:]}"
    return True, f"{PACKAGE} installed in {TARGET}"


def digest(texts: list[str]) -> list[str]:
    """SHA-256 of each text, to compare outputs across processes.

    >>> digest(["a"])[0][:8]
    'ca978112'
    """
    return [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]


def measure(corpus_path: Path, rounds: int) -> dict:
    """Measure the C++ binding in a subprocess on the documents in corpus_path."""
    cmd = [sys.executable, str(Path(__file__).resolve()), str(corpus_path), str(rounds)]
    done = subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONPATH": str(TARGET), "PATH": ""})
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-500:])
    return json.loads(done.stdout)


def _worker(corpus_path: str, rounds: int) -> None:
    sys.path.insert(0, str(TARGET))
    import opencc  # the C++ binding: TARGET comes first

    corpus = json.loads(Path(corpus_path).read_text(encoding="utf-8"))
    docs = corpus["timed"]
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    converter = opencc.OpenCC("t2s")
    for d in docs:  # warm-up
        converter.convert(d)
    digests = {config: digest([opencc.OpenCC(config).convert(d) for d in corpus["checked"]])
               for config in CONFIGS}
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        for d in docs:
            converter.convert(d)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"module": opencc.__file__, "mb_per_s": nbytes / statistics.median(seconds) / 1e6,
                      "digests": digests}))


if __name__ == "__main__":
    _worker(sys.argv[1], int(sys.argv[2]))
