"""Peak memory and wall time of ``textrepair --jsonl`` on a large JSONL file.

Builds a JSONL file of about ``--size`` bytes from the seed pages (each record:
an id, the page, a counter), then runs the command with ``-j 1`` and ``-j 2``
under ``/usr/bin/time -v``, writing the repaired records to /dev/null, and
prints for each run: wall time, throughput, the peak RSS ``time`` reports
(the largest single process: ``ru_maxrss`` covers the command and its waited-for
worker processes, not their sum), and the peak of the summed RSS of the whole
process tree, sampled from /proc every 50 ms.

    python benchmarks/cli_memory.py --size 1G          # the README figures
    python benchmarks/cli_memory.py --size 200M --keep # smaller, keep the file
    python benchmarks/cli_memory.py --text --size 200M # plain text (pages apart by blank lines)

Needs GNU time (``apt-get install time``) and Linux /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def size(text: str) -> int:
    match = re.fullmatch(r"(\d+)([KMG]?)", text.upper())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text}")
    return int(match.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[match.group(2)]


def build(path: Path, target: int, text: bool = False) -> tuple[int, int]:
    """Write seed records (or pages, with ``text``) until the file holds ``target`` bytes;
    returns (bytes, records)."""
    pages = [(p.stem, p.read_text(encoding="utf-8")) for p in SEEDS]
    written = records = 0
    with path.open("wb") as out:
        while written < target:
            for stem, page in pages:
                if text:
                    line = page.rstrip("\n").encode() + b"\n\n"
                else:
                    line = json.dumps({"id": f"{records}-{stem}", "text": page, "n": records},
                                      ensure_ascii=False).encode() + b"\n"
                out.write(line)
                written += len(line)
                records += 1
    return written, records


def tree_rss(root: int) -> int:
    """Summed VmRSS (bytes) of ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(found.group(1)) * 1024 if found else 0
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(path: Path, jobs: int, text: bool = False) -> dict:
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "textrepair", "--quiet", "-j", str(jobs), str(path)]
    if not text:
        command.insert(5, "--jsonl")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    peak = [0]
    start = time.monotonic()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env)

        def sample() -> None:
            while process.poll() is None:
                peak[0] = max(peak[0], tree_rss(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = process.communicate()
        sampler.join()
    wall = time.monotonic() - start
    report = err.decode()
    if process.returncode != 0:
        raise SystemExit(f"textrepair -j {jobs} failed ({process.returncode}):\n{report}")
    maxrss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1))
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", report).group(1)
    return {"jobs": jobs, "wall_s": round(wall, 1), "time_elapsed": elapsed,
            "mb_per_s": round(path.stat().st_size / 1e6 / wall, 1),
            "max_rss_mb": round(maxrss / 1024, 1), "tree_rss_mb": round(peak[0] / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=size, default=size("1G"), help="input size, e.g. 200M, 1G (default 1G)")
    parser.add_argument("--file", type=Path, help="where to build the input (default: /tmp/textrepair-cli-memory.*)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--text", action="store_true", help="plain text (default --unit auto) instead of JSONL")
    args = parser.parse_args()
    args.file = args.file or Path("/tmp/textrepair-cli-memory." + ("txt" if args.text else "jsonl"))
    if not os.path.exists("/usr/bin/time"):
        raise SystemExit("needs GNU time: apt-get install time")
    if not args.file.exists() or abs(args.file.stat().st_size - args.size) > 2 * 2**20:
        written, records = build(args.file, args.size, args.text)
        print(f"built {args.file}: {written / 1e6:.0f} MB, {records} records", flush=True)
    try:
        for jobs in args.jobs:
            print(json.dumps(measure(args.file, jobs, args.text)), flush=True)
    finally:
        if not args.keep:
            args.file.unlink()
    print(f"cpus: {os.cpu_count()}, load average before the last run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
