"""The ``textrepair`` command: wires the library to files and pipes.

Exit status: 0 success, 1 some input could not be read or decoded (the rest
was still processed), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence, TextIO

from . import Repairer, __version__, _backend
from .options import SCRIPTS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textrepair",
        description=(
            "Repair text scraped from Chinese news pages: content-farm pinyin "
            "annotations, and more as stages land. Reads FILEs (or standard "
            "input) and writes the repaired text to standard output."
        ),
        epilog="Exit status: 0 success, 1 an input could not be read or decoded, 2 bad usage.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' or none reads standard input")
    parser.add_argument("--script", choices=SCRIPTS, default="keep",
                        help="convert characters: keep (default), simplified, traditional, or auto "
                        "(simplified when the page shows converter damage)")
    parser.add_argument("--no-annotations", action="store_true", help="keep pinyin annotations")
    parser.add_argument("--version", action="version",
                        version=f"textrepair {__version__} (backend: {_backend.BACKEND})")
    return parser


def _read(name: str, stdin: TextIO) -> str:
    if name == "-":
        return stdin.read()
    with open(name, "rb") as handle:
        return handle.read().decode("utf-8-sig")


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command; returns the exit status instead of exiting."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on errors
        return int(exc.code or 0)
    repairer = Repairer(script=args.script, annotations=not args.no_annotations)
    status = 0
    for name in args.files or ["-"]:
        try:
            text = _read(name, stdin)
        except OSError as exc:
            stderr.write(f"textrepair: {name}: cannot read: {exc.strerror or exc}\n")
            status = 1
            continue
        except UnicodeDecodeError as exc:
            stderr.write(f"textrepair: {name}: not UTF-8 at byte {exc.start}: {exc.reason}\n")
            status = 1
            continue
        stdout.write(repairer.repair(text))
    stdout.flush()
    return status


def entry() -> None:  # pragma: no cover - console_scripts wrapper
    sys.exit(main())
