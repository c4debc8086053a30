"""The ``textrepair`` command: wires the library to files and pipes.

It parses the command line (one flag per :class:`textrepair.Options` field),
then streams (:mod:`textrepair._streaming`): input is read in chunks that end
at a line end (or a blank line), each chunk is repaired by a
:class:`textrepair.Repairer` built once per process, and results are written
in input order.  With ``-j N`` the chunks go to N worker processes, at most
``2 × N`` chunks in flight, so memory stays flat however large the input is.

Units (what the repair judges as one page):

* ``--jsonl``: one field of each JSON line.
* plain text, ``--unit auto`` (default): a whole file when it is at most
  ``--block-size`` bytes (4 MiB), else blocks of about that size cut after a
  blank line (after a line end when there is no blank line for 4 blocks);
  ``--unit file`` always the whole file (read into memory), ``--unit
  paragraph`` text between blank lines, ``--unit line`` each line.

Decoding: plain text goes through :func:`textrepair.decode` (BOMs, UTF-8,
GBK/GB18030, Big5, documents mixing UTF-8 and GBK, charset-normalizer for the
rest; one detection per unit); JSON lines are UTF-8.  ``--encoding``
overrides both.  Undecodable bytes become U+FFFD (an ``undecodable`` edit
keeps the original bytes), are reported with file, line and byte, and the
rest of the unit is repaired.  Output is always UTF-8.

JSON lines: a repaired record is its input line with only the field's string
literal replaced (:mod:`textrepair._jsonl`).  Files named ``*.gz``, ``*.bz2``,
``*.xz``, ``*.zst`` are decompressed and compressed by name
(:mod:`textrepair._files`, which also keeps outputs safe: see there).

Exit status: see :data:`EXIT_HELP` (and README's table).

>>> import io
>>> out = io.BytesIO()
>>> main([], stdin=io.BytesIO("數(shù)據(jù)\\n".encode()), stdout=out)
0
>>> out.getvalue().decode()
'數據\\n'
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import inspect
import json
import os
import re
import signal
import sys
import types
import typing
from contextlib import ExitStack
from typing import Any, BinaryIO, Sequence, TextIO

from . import __version__, _backend
from . import options as options_module
from ._files import OutputError, Unavailable, check_available, destination, same_output
from ._jsonl import pointer
from ._streaming import MIB, STDIN, Job, LooksLikeJsonl, NothingRead, Outcome, WorkerDied, _isatty
from ._streaming import _outcomes
from ._streaming import _Progress, _block_stop_signals, _restore_signals, _tasks, _total_size, _write_pieces
from .decode import decode
from .options import Options

__all__ = ["main", "entry", "EXIT_OK", "EXIT_DAMAGE", "EXIT_USAGE", "EXIT_BAD_INPUT", "EXIT_OUTPUT",
           "EXIT_WORKER_DIED"]

EXIT_OK = 0
EXIT_DAMAGE = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_OUTPUT = 4
EXIT_WORKER_DIED = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

EXIT_HELP = """\
exit status:
  0    success (with --check: no damage found)
  1    --check found damage
  2    bad usage (a flag, an option value, an encoding; --field without
       --jsonl; JSON lines given as plain text without --plain; a .zst file
       without the zstandard package)
  3    some input was bad: an unreadable or truncated file, undecodable bytes
       (replaced by U+FFFD, the rest repaired), invalid JSON, a missing or
       non-string field (such records pass through unchanged, or are dropped
       with --drop-bad); each reported as FILE:LINE on standard error, the
       rest was processed (when no input at all could be read, -o FILE is
       left as it was)
  4    an output could not be written (a directory, a full disk, ...);
       -o FILE is left as it was
  5    a worker process (-j) died: a crash, or killed for lack of memory;
       -o FILE is left as it was
  130  interrupted; -o FILE is left as it was
  141  standard output (or a FIFO given to -o) was closed by its reader
"""

#: CLI flags of its own whose values also go into Options when it has the field.
OWN_FLAGS = ("encoding",)


class UsageError(Exception):
    """Bad command line: exit status 2."""


# ---------------------------------------------------------------- options


def _field_help() -> dict[str, str]:
    """Help per Options field, from the ``* ``name``: text`` lines of its docstring."""
    doc = inspect.cleandoc(Options.__doc__ or "")
    found = re.findall(r"^\* ``(\w+)``:\s*(.+?)(?=^\* ``|^\s*$|\Z)", doc, re.M | re.S)
    return {name: " ".join(text.replace("``", "").split()).replace("%", "%%") for name, text in found}


def _choices(name: str, hint: Any) -> tuple | None:
    """Allowed values of a str field: a Literal type or a NAMES/NAME_CHOICES tuple in options.py."""
    if typing.get_origin(hint) is typing.Literal:
        return typing.get_args(hint)
    for constant in (name.upper() + "S", name.upper() + "_CHOICES"):
        values = getattr(options_module, constant, None)
        if isinstance(values, tuple) and values and all(isinstance(v, str) for v in values):
            return values
    return None


def _unoptional(hint: Any) -> Any:
    """``X | None`` → ``X``.

    >>> _unoptional(typing.Optional[int]), _unoptional(str)
    (<class 'int'>, <class 'str'>)
    """
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return hint


def _add_option_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per Options field, so stages added later appear by themselves."""
    group = parser.add_argument_group("repair options (every field of textrepair.Options)")
    hints = typing.get_type_hints(Options)
    helps = _field_help()
    for f in dataclasses.fields(Options):
        if f.name in OWN_FLAGS:
            continue
        hint = _unoptional(hints[f.name])
        flag = "--" + f.name.replace("_", "-")
        if flag in parser._option_string_actions or "--no-" + flag[2:] in parser._option_string_actions:
            flag = "--option-" + flag[2:]  # a field named like a command flag (--check, --stats...)
        text = helps.get(f.name, "")
        dest = "opt_" + f.name
        origin = typing.get_origin(hint)
        if hint is bool:
            state = "on" if f.default else "off"
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, dest=dest,
                               help=f"{text} (default: {state})")
        elif origin in (tuple, list):
            item = typing.get_args(hint)[0] if typing.get_args(hint) else str
            group.add_argument(flag, action="append", type=item, dest=dest, metavar="VALUE",
                               help=f"{text} (repeatable)")
        else:
            kind = hint if hint in (int, float, str) else str
            choices = _choices(f.name, hint) if kind is str else None
            group.add_argument(flag, type=_one_of(choices) if choices else kind, default=None, dest=dest,
                               metavar="{" + ",".join(choices) + "}" if choices else "VALUE",
                               help=f"{text} (default: {f.default!r})")


def _options_from(args: argparse.Namespace) -> Options:
    names = {f.name for f in dataclasses.fields(Options)}
    given: dict[str, Any] = {}
    for name in names:
        value = getattr(args, "opt_" + name, None)
        if value is not None:
            given[name] = tuple(value) if isinstance(value, list) else value
    for name in OWN_FLAGS:
        if name in names and getattr(args, name) is not None:
            given[name] = getattr(args, name)
    try:
        return Options.from_kwargs(**given)
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None


# ---------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """argparse that writes to the streams main() was given and never exits."""

    def __init__(self, *a: Any, out: BinaryIO, err: TextIO, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self._out, self._err = out, err
        #: --help or --version could not be written: main() reports it.
        self.write_error: OSError | None = None

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        if file is sys.stderr:
            self._err.write(message)
            return
        try:
            self._out.write(message.encode())
        except OSError as exc:
            self.write_error = self.write_error or exc

    def exit(self, status: int = 0, message: str | None = None) -> typing.NoReturn:
        if message:
            self._err.write(message)
        raise SystemExit(status)

    def error(self, message: str) -> typing.NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _parser(out: BinaryIO, err: TextIO) -> _Parser:
    parser = _Parser(
        prog="textrepair", out=out, err=err, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Repair text scraped from Chinese news pages. Reads FILEs (or standard input)\n"
        "and writes the repaired text, as UTF-8, to standard output.",
        epilog=EXIT_HELP,
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' or none reads standard input")
    parser.add_argument("-o", "--output", metavar="FILE", default=STDIN,
                        help="write here instead of standard output; a regular file is written to a "
                        "temporary file renamed over it at the end (keeping its mode and owner), so an "
                        "interrupted run never leaves half a file; a symbolic link is followed; a device, "
                        "FIFO or socket is written straight through; *.gz, *.bz2, *.xz, *.zst are compressed")
    parser.add_argument("--jsonl", action="store_true",
                        help="input is JSON lines: repair a string field of each record, every other byte "
                        "of the line stays as it was")
    parser.add_argument("--field", action="append", metavar="NAME",
                        help="the field --jsonl repairs: a top-level key, or a JSON Pointer such as "
                        "/meta/text; repeatable (default: text)")
    parser.add_argument("--plain", action="store_true",
                        help="the input is plain text even if its lines look like JSON objects "
                        "(without it, such input stops with exit status 2)")
    parser.add_argument("--id-field", default="id", metavar="FIELD",
                        help="field whose value names a record in --explain (default: id)")
    parser.add_argument("--explain", metavar="FILE",
                        help="write every edit as a JSON line to FILE; '-' writes them to standard "
                        "output instead of the text (the text still goes to -o FILE)")
    parser.add_argument("--findings", action="store_true",
                        help="with --explain: also list damage found but not repaired, as lines with "
                        "\"applied\": false, \"text\" and \"reason\" (textrepair.findings)")
    parser.add_argument("--stats", action="store_true", help="print a table of edits by kind to standard error")
    parser.add_argument("--check", action="store_true",
                        help="repair nothing; list damaged records (FILE:LINE) on standard output and "
                        "exit 1 if there is damage")
    parser.add_argument("--encoding", metavar="NAME",
                        help="decode input with this codec (default: detect for plain text, "
                             "UTF-8 for JSON lines; BOM removed)")
    parser.add_argument("--unit", type=_one_of(UNITS), default="auto", metavar="{" + ",".join(UNITS) + "}",
                        help="plain text: what is repaired as one page (default: auto = whole file "
                        "up to --block-size, else blocks cut at blank lines)")
    parser.add_argument("--block-size", type=_size, default=4 * MIB, metavar="BYTES",
                        help="block size for --unit auto, e.g. 512K, 4M (default: 4M)")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                        help="worker processes (default 1; 0 = one per CPU); output order is kept")
    parser.add_argument("--drop-bad", action="store_true",
                        help="leave bad records out of the output instead of passing them through")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar, and no list of damaged records with --check")
    parser.add_argument("--version", action="version", version=_version())
    _add_option_flags(parser)
    return parser


UNITS = ("auto", "file", "paragraph", "line")


def _version() -> str:
    """The version, the backend, and why it is not the C core when it is not.

    >>> _version().startswith("textrepair ")
    True
    """
    why = f"; {_backend.REASON}" if _backend.BACKEND != "c" and _backend.REASON else ""
    return f"textrepair {__version__} (backend: {_backend.BACKEND}{why})"


def _one_of(choices: Sequence[str]) -> Any:
    """An argparse type for a choice, with the same message on every Python version."""

    def check(value: str) -> str:
        if value not in choices:
            raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def _size(text: str) -> int:
    """A byte count with an optional K/M/G suffix.

    >>> _size("4M"), _size("512k"), _size("100")
    (4194304, 524288, 100)
    """
    match = re.fullmatch(r"(\d+)([KkMmGg]?)[Bb]?", text.strip())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(match.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[match.group(2).lower()]


def _stats_table(kinds: dict[str, list[int]], records: int, changed: int, bad: int) -> str:
    rows = [("kind", "edits", "records", "removed", "added")]
    for kind in sorted(kinds, key=lambda k: (-kinds[k][0], k)):
        rows.append((kind, *map(str, kinds[kind])))
    total = [sum(v[i] for v in kinds.values()) for i in range(4)]
    rows.append(("total", str(total[0]), str(changed), str(total[2]), str(total[3])))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [r[0].ljust(widths[0]) + "".join("  " + c.rjust(w) for c, w in zip(r[1:], widths[1:])) for r in rows]
    lines.append(f"records: {records} read, {changed} changed, {bad} bad (removed/added count characters)")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def _job(args: argparse.Namespace) -> Job:
    """Check the arguments that argparse cannot, and build the job."""
    if args.jobs < 0:
        raise UsageError(f"-j must be 0 or more, not {args.jobs}")
    if args.check and args.output != STDIN:
        raise UsageError("--check writes no repaired text; leave out -o")
    if args.explain and same_output(args.explain, args.output):
        raise UsageError("--explain and -o name the same file")
    if args.field and not args.jsonl:
        raise UsageError("--field names a field of JSON lines: add --jsonl")
    if args.plain and args.jsonl:
        raise UsageError("--plain and --jsonl contradict each other")
    if args.findings and not args.explain:
        raise UsageError("--findings adds to --explain's lines: add --explain FILE")
    fields = tuple(dict.fromkeys(args.field or ["text"]))
    for name in fields:
        if name == "/" or (name.startswith("/") and not all(pointer(name))):
            raise UsageError(f"--field {name!r}: a JSON Pointer names keys, as in /meta/text")
    for name in [*args.files, args.output, args.explain or STDIN]:
        try:
            check_available(name)
        except Unavailable as exc:
            raise UsageError(str(exc)) from None
    if args.encoding is not None:
        try:
            codec = codecs.lookup(args.encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {args.encoding!r}") from None
        try:  # a text codec that takes the decoder's error handler (not hex, rot13, idna...)
            decode(b"abc\xff\n", codec.name)
        except (LookupError, UnicodeError, ValueError) as exc:
            raise UsageError(f"{args.encoding} cannot decode text here: {exc}") from None
        if "\n".encode(codec.name) != b"\n" and (args.jsonl or args.unit != "file"):
            raise UsageError(f"{args.encoding} is not ASCII-compatible: use --unit file, or convert with iconv")
    if STDIN in args.files and args.files.count(STDIN) > 1:
        raise UsageError("standard input ('-') can be read only once")
    job = Job(options=_options_from(args), jsonl=args.jsonl, unit=args.unit, fields=fields,
              id_field=args.id_field, encoding=args.encoding, check=args.check, explain=bool(args.explain),
              stats=args.stats, drop_bad=args.drop_bad, listing=not (args.quiet or args.explain == STDIN),
              backend=_backend.BACKEND, findings=args.findings)
    return job


def main(argv: Sequence[str] | None = None, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command; returns the exit status instead of exiting.

    ``stdin``/``stdout`` are binary streams (default: the process's), ``stderr`` a text stream.
    """
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    stderr = stderr if stderr is not None else sys.stderr
    parser = _parser(stdout, stderr)
    try:
        args = parser.parse_args(argv)
        job = _job(args)
    except SystemExit as exc:  # --help, --version
        try:
            if parser.write_error is not None:
                raise parser.write_error
            stdout.flush()
        except BrokenPipeError:
            return EXIT_BROKEN_PIPE
        except OSError as error:
            stderr.write(f"{OutputError('<stdout>', error)}\n")
            return EXIT_OUTPUT
        return int(exc.code or 0)
    except UsageError as exc:
        stderr.write(f"textrepair: error: {exc}\n")
        return EXIT_USAGE
    names = args.files or [STDIN]
    # Progress goes to a terminal, and not to the one the text is written to.
    text_to_terminal = _isatty(stdout) and (args.check or args.explain == STDIN or args.output == STDIN)
    progress = _Progress(stderr, _total_size(names), _isatty(stderr) and not args.quiet and not text_to_terminal)
    totals = Outcome()
    try:
        _run(args, job, names, stdin, stdout, stderr, progress, totals)
    except KeyboardInterrupt:
        progress.clear()
        stderr.write("\ntextrepair: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        progress.clear()
        return EXIT_BROKEN_PIPE
    except NothingRead:
        pass
    except (WorkerDied, OutputError) as exc:
        progress.clear()
        stderr.write(f"{exc}\n")
        return EXIT_WORKER_DIED if isinstance(exc, WorkerDied) else EXIT_OUTPUT
    except (LooksLikeJsonl, Unavailable) as exc:
        progress.clear()
        stderr.write(f"{exc}\n" if isinstance(exc, LooksLikeJsonl) else f"textrepair: error: {exc}\n")
        return EXIT_USAGE
    progress.close()
    if args.stats:
        stderr.write(_stats_table(totals.kinds, totals.records, totals.changed, totals.bad))
    if totals.bad:
        return EXIT_BAD_INPUT
    return EXIT_DAMAGE if args.check and totals.changed else EXIT_OK


def _run(args: argparse.Namespace, job: Job, names: Sequence[str], stdin: BinaryIO, stdout: BinaryIO,
         stderr: TextIO, progress: _Progress, totals: Outcome) -> None:
    """Stream every input through the workers into the outputs."""
    with ExitStack() as stack:
        text_out = explain_out = listing = None
        if not args.check and not (args.explain == STDIN and args.output == STDIN):
            text_out = stack.enter_context(_output(args.output, stdout))
        if args.explain:
            explain_out = stack.enter_context(_output(args.explain, stdout))
        if args.check and job.listing:
            listing = stack.enter_context(_output(STDIN, stdout))
        base = 0  # plain text: characters of the current file before this chunk
        tasks = _tasks(names, stdin, job, args.block_size, progress, plain=args.plain)
        for task, outcome in _outcomes(tasks, job, args.jobs or os.cpu_count() or 1):
            if outcome.messages:
                progress.clear()
            for message in outcome.messages:
                stderr.write(message + "\n")
            if text_out is not None:
                _write_pieces(text_out, outcome.out, task.data)
            base = 0 if outcome.first else base
            if explain_out is not None and outcome.edits:
                _write_edits(explain_out, outcome.edits, base)
            base += outcome.chars
            if listing is not None and outcome.damaged:
                listing.write("".join(line + "\n" for line in outcome.damaged).encode("utf-8"))
            _merge(totals, outcome)
            progress.record(outcome.records)
        if totals.bad and not totals.records:
            raise NothingRead  # a mistyped input name must not empty an existing -o FILE
        for stream in (text_out, explain_out, listing):
            if stream is not None:
                stream.flush()


def _output(path: str, stdout: BinaryIO) -> Any:
    return destination(path, stdout, _block_stop_signals, _restore_signals)


def _write_edits(out: Any, edits: list[dict], base: int) -> None:
    """JSON lines; plain-text offsets move from the chunk's terms to the file's.

    A lone surrogate (an undecodable byte b is U+DC00 + b in ``before``, as
    ``textrepair.decode(...).source`` has it) is written as its JSON escape.
    """
    if base:
        for edit in edits:
            edit["start"] += base
            edit["end"] += base
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in edits)
    out.write(text.encode("utf-8", "backslashreplace"))


def _merge(totals: Outcome, outcome: Outcome) -> None:
    totals.records += outcome.records
    totals.changed += outcome.changed
    totals.bad += outcome.bad
    for kind, row in outcome.kinds.items():
        mine = totals.kinds.setdefault(kind, [0, 0, 0, 0])
        for i, value in enumerate(row):
            mine[i] += value


def entry() -> None:  # pragma: no cover - console_scripts wrapper
    # `kill` stops the run like Ctrl-C: -o FILE stays untouched, the temporary file goes.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    status = main()
    try:
        sys.stdout.flush()
    except OSError:  # reported by main() already
        pass
    if status in (EXIT_BROKEN_PIPE, EXIT_OUTPUT):
        # What standard output still holds cannot be written: Python would
        # try again at exit and print a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(status)
