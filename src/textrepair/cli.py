"""The ``textrepair`` command: wires the library to files and pipes.

It streams: input is read in chunks that end at a line end (or a blank line),
each chunk is repaired by a :class:`textrepair.Repairer` built once per
process, and results are written in input order.  With ``-j N`` the chunks go
to N worker processes, at most ``2 × N`` chunks in flight, so memory stays flat
however large the input is.

Units (what the repair judges as one page):

* ``--jsonl``: one field of each JSON line.
* plain text, ``--unit auto`` (default): a whole file when it is at most
  ``--block-size`` bytes (4 MiB), else blocks of about that size cut after a
  blank line (after a line end when there is no blank line for 4 blocks);
  ``--unit file`` always the whole file (read into memory), ``--unit
  paragraph`` text between blank lines, ``--unit line`` each line.

Decoding: JSON lines and, with ``--explain``/``--stats``/``--check``, plain
text are decoded strictly as UTF-8 (or ``--encoding``); plain-text repair goes
through ``Repairer.repair_bytes`` when the library's decoder takes an
``encoding`` (detection, ``errors="strict"``).  Output is always UTF-8.

Exit status: 0 success (with ``--check``: no damage); 1 ``--check`` found
damage; 2 bad usage; 3 some input was bad (unreadable file, undecodable bytes,
invalid JSON, missing or non-string field): it was reported, passed through
unchanged (dropped with ``--drop-bad``), and everything else was processed;
when no input at all could be read, ``-o FILE`` is left as it was;
4 the output could not be written (``-o FILE`` is left as it was); 130
interrupted; 141 the reader of standard output went away.

>>> import io
>>> out = io.BytesIO()
>>> main([], stdin=io.BytesIO("數(shù)字\\n".encode()), stdout=out)
0
>>> out.getvalue().decode()
'數字\\n'
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import inspect
import json
import multiprocessing
import os
import re
import signal
import stat
import sys
import tempfile
import time
import types
import typing
from collections import deque
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterable, Iterator, Sequence, TextIO

from . import Repairer, __version__, _backend
from . import options as options_module
from .edits import Edit
from .options import Options

__all__ = ["main", "entry", "EXIT_OK", "EXIT_DAMAGE", "EXIT_USAGE", "EXIT_BAD_INPUT", "EXIT_OUTPUT"]

EXIT_OK = 0
EXIT_DAMAGE = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_OUTPUT = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

EXIT_HELP = """\
exit status:
  0    success (with --check: no damage found)
  1    --check found damage
  2    bad usage
  3    some input was bad (unreadable file, undecodable bytes, invalid JSON,
       missing or non-string field); reported on standard error, passed
       through unchanged (dropped with --drop-bad), the rest was processed
       (when no input at all could be read, -o FILE is left as it was)
  4    the output could not be written; -o FILE is left as it was
  130  interrupted; 141 standard output was closed by its reader
"""

MIB = 1 << 20
#: Bytes per chunk handed to a worker in line-based units.
CHUNK = MIB
STDIN = "-"
UTF8_BOM = b"\xef\xbb\xbf"
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

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        if file is sys.stderr:
            self._err.write(message)
        else:
            self._out.write(message.encode())

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
                        help="write here instead of standard output; written to a temporary file and "
                        "renamed at the end, so an interrupted run never leaves half a file")
    parser.add_argument("--jsonl", action="store_true", help="input is JSON lines: repair one field of each")
    parser.add_argument("--field", default="text", help="the field --jsonl repairs (default: text)")
    parser.add_argument("--id-field", default="id", metavar="FIELD",
                        help="field whose value names a record in --explain (default: id)")
    parser.add_argument("--explain", metavar="FILE",
                        help="write every edit as a JSON line to FILE; '-' writes them to standard "
                        "output instead of the text (the text still goes to -o FILE)")
    parser.add_argument("--stats", action="store_true", help="print a table of edits by kind to standard error")
    parser.add_argument("--check", action="store_true",
                        help="repair nothing; list damaged records (FILE:LINE) on standard output and "
                        "exit 1 if there is damage")
    parser.add_argument("--encoding", metavar="NAME",
                        help="decode input with this codec (default: UTF-8, BOM removed)")
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
    parser.add_argument("--version", action="version",
                        version=f"textrepair {__version__} (backend: {_backend.BACKEND})")
    _add_option_flags(parser)
    return parser


UNITS = ("auto", "file", "paragraph", "line")


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


# ---------------------------------------------------------------- the job


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, sent once to each worker process."""

    options: Options
    jsonl: bool = False
    unit: str = "auto"
    field: str = "text"
    id_field: str = "id"
    encoding: str | None = None
    check: bool = False
    explain: bool = False
    stats: bool = False
    drop_bad: bool = False
    #: --check lists damaged records on standard output.
    listing: bool = True
    backend: str = "c"


@dataclass
class Outcome:
    """What one chunk produced; merged in input order by the main process."""

    #: The output: new bytes, or (start, end) of the chunk's own bytes passed
    #: through unchanged (so clean records never travel back from a worker).
    out: list[bytes | tuple[int, int]] = field(default_factory=list)
    edits: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)
    records: int = 0
    changed: int = 0
    bad: int = 0
    #: Plain text: characters the chunk decoded to, and whether it starts a file
    #: (so the main process can put --explain offsets in the file's terms).
    chars: int = 0
    first: bool = False


@dataclass(frozen=True)
class Task:
    """A chunk of one input: whole lines starting at ``line``; ``error`` instead when unreadable."""

    name: str
    line: int
    data: bytes
    first: bool
    error: str = ""
    #: Where ``data`` lies in a regular file: worker processes read it there
    #: themselves rather than receive it through a pipe.
    path: str = ""
    offset: int = 0
    length: int = 0


class Worker:
    """Repairs chunks; built once per process around one Repairer."""

    def __init__(self, job: Job) -> None:
        if _backend.BACKEND != job.backend:
            _backend.use(job.backend)
        self.job = job
        self.repairer = Repairer(job.options)
        self.bytes_keywords = _bytes_keywords(self.repairer, job)
        self.opened: tuple[str, int] | None = None  # the file read last, kept open

    def process(self, task: Task) -> Outcome:
        result = Outcome(first=task.first)
        if task.path and not task.data and not task.error:
            task = self._read(task)
        if task.error:
            result.messages.append(task.error)
            result.bad += 1
            return result
        for line, raw, first, span in self._records(task):
            self.span = span
            result.records += 1
            try:
                if self.job.jsonl:
                    self._jsonl(task.name, line, raw, first, result)
                else:
                    self._text(task.name, line, raw, first, result)
            except Exception as exc:  # a bug must not stop the other records
                self._bad(task.name, line, raw, f"internal error, please report: {type(exc).__name__}: {exc}",
                          result)
        result.out = _compact(result.out)
        return result

    def _read(self, task: Task) -> Task:
        """The task with its data read from the file (the main process only sent where)."""
        try:
            if self.opened is None or self.opened[0] != task.path:
                if self.opened is not None:
                    os.close(self.opened[1])
                    self.opened = None
                self.opened = (task.path, os.open(task.path, os.O_RDONLY))
            data = os.pread(self.opened[1], task.length, task.offset)
        except OSError as exc:
            return dataclasses.replace(task, error=f"textrepair: {task.name}: cannot read: {exc.strerror or exc}")
        if len(data) != task.length:
            return dataclasses.replace(task, error=f"textrepair: {task.name}: cannot read: changed while being read")
        return dataclasses.replace(task, data=data)

    def _records(self, task: Task) -> Iterator[tuple[int, bytes, bool, tuple[int, int]]]:
        """(first line, bytes, starts the file, span in the chunk) of each record."""
        unit = "line" if self.job.jsonl else self.job.unit
        if unit in ("auto", "file"):
            yield task.line, task.data, task.first, (0, len(task.data))
            return
        pieces = task.data.splitlines(keepends=True) if unit == "line" else _paragraphs(task.data)
        line, start = task.line, 0
        for index, piece in enumerate(pieces):
            yield line, piece, task.first and index == 0, (start, start + len(piece))
            line += piece.count(b"\n")
            start += len(piece)

    # -- plain text

    def _text(self, name: str, line: int, raw: bytes, first: bool, result: Outcome) -> None:
        job = self.job
        if not (job.check or job.explain or job.stats) and self.bytes_keywords is not None:
            # The library's own decoder (encoding detection) when it has one.
            try:
                fixed = self.repairer.repair_bytes(raw, **self.bytes_keywords)
            except (UnicodeDecodeError, ValueError) as exc:
                return self._undecodable(name, line, raw, exc, result)
            result.out.append(fixed.encode("utf-8"))
            return
        try:
            text = _decode(raw, job.encoding, first)
        except UnicodeDecodeError as exc:
            # Offsets after a bad chunk count it as decoded with U+FFFD.
            result.chars += len(raw.decode(job.encoding or "utf-8", "replace"))
            return self._undecodable(name, line, raw, exc, result)
        fixed = self._repair(name, line, text, _NO_ID, result, base=result.chars, text_mode=True)
        result.chars += len(text)
        if job.check:
            return
        if fixed == text and job.encoding is None and not (first and raw.startswith(UTF8_BOM)):
            result.out.append(self.span)  # the same bytes
        else:
            result.out.append(fixed.encode("utf-8"))

    # -- JSON lines

    def _jsonl(self, name: str, line: int, raw: bytes, first: bool, result: Outcome) -> None:
        job = self.job
        if not raw.strip():  # blank lines are not records: pass them through
            result.records -= 1
            result.out.append(self.span)
            return
        try:
            record_text = _decode(raw, job.encoding, first)
        except UnicodeDecodeError as exc:
            return self._undecodable(name, line, raw, exc, result)
        try:
            record = json.loads(record_text.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            return self._bad(name, line, raw, f"invalid JSON: {exc.msg} (column {exc.colno})", result)
        if not isinstance(record, dict):
            return self._bad(name, line, raw, f"not a JSON object but {_json_type(record)}", result)
        if job.field not in record:
            return self._bad(name, line, raw, f"no field {job.field!r}", result)
        value = record[job.field]
        if not isinstance(value, str):
            return self._bad(name, line, raw, f"field {job.field!r} is {_json_type(value)}, not a string", result)
        doc_id = record.get(job.id_field, None) if job.id_field in record else _NO_ID
        fixed = self._repair(name, line, value, doc_id, result)
        if job.check:
            return
        if fixed == value:
            # Unchanged records keep every byte (re-encoded when the input is not UTF-8).
            result.out.append(self.span if job.encoding is None else record_text.encode("utf-8"))
            return
        record[job.field] = fixed
        ending = raw[len(raw.rstrip(b"\r\n")):] or b""
        result.out.append(json.dumps(record, ensure_ascii=False).encode("utf-8") + ending)

    # -- shared

    def _repair(self, name: str, line: int, text: str, doc_id: Any, result: Outcome,
                base: int = 0, text_mode: bool = False) -> str:
        """Repair one record's text, collecting edits, stats and the --check listing."""
        job = self.job
        if job.explain or job.stats:
            fixed, edits = self.repairer.repair_and_explain(text)
        else:
            fixed, edits = self.repairer.repair(text), None
        if fixed == text:
            return fixed
        result.changed += 1
        if edits is None and job.check and job.listing:
            edits = self.repairer.explain(text)
        if edits is not None:
            edits = sorted(edits, key=lambda e: e.start)
            lines = _edit_lines(text, edits, line) if text_mode else [line] * len(edits)
            for edit, where in zip(edits, lines):
                if job.explain:
                    result.edits.append(_edit_record(name, where, doc_id, edit, base))
                if job.stats:
                    _count(result.kinds, edit)
            if job.stats:
                for kind in {e.kind for e in edits}:
                    result.kinds[kind][1] += 1
        if job.check and job.listing:
            first_line = _edit_lines(text, edits[:1], line)[0] if (text_mode and edits) else line
            kinds = sorted({e.kind for e in edits or ()})
            count = len(edits or ())
            result.damaged.append(f"{name}:{first_line}: {count} edit{'s' * (count != 1)} ({', '.join(kinds)})")
        return fixed

    def _undecodable(self, name: str, line: int, raw: bytes, exc: Exception, result: Outcome) -> None:
        if not isinstance(exc, UnicodeDecodeError):
            return self._bad(name, line, raw, f"cannot decode: {exc}", result)
        where = line + raw.count(b"\n", 0, exc.start)
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        codec = exc.encoding.replace("_", "-").lower()
        codec = "UTF-8" if codec in ("utf-8", "utf-8-sig", "utf8") else codec
        bad = " ".join(f"0x{b:02x}" for b in raw[exc.start:exc.end])
        problem = f"cannot decode {bad} (byte {column} of the line) as {codec}: {exc.reason}"
        # A record's first line is where the record starts; the message names the bad line.
        self._bad(name, where, raw, problem, result)

    def _bad(self, name: str, line: int, raw: bytes, problem: str, result: Outcome) -> None:
        result.bad += 1
        result.messages.append(f"textrepair: {name}:{line}: {problem}")
        if not self.job.drop_bad and not self.job.check:
            result.out.append(self.span)


_NO_ID = object()


def _compact(pieces: list[bytes | tuple[int, int]]) -> list[bytes | tuple[int, int]]:
    """Join neighbouring new bytes, and neighbouring spans.

    >>> _compact([b"a", b"b", (0, 2), (2, 5), b"c"])
    [b'ab', (0, 5), b'c']
    """
    result: list[bytes | tuple[int, int]] = []
    run: list[bytes] = []
    for piece in pieces:
        if isinstance(piece, bytes):
            run.append(piece)
            continue
        if run:
            result.append(b"".join(run))
            run = []
        last = result[-1] if result else None
        if isinstance(last, tuple) and last[1] == piece[0]:
            result[-1] = (last[0], piece[1])
        else:
            result.append(piece)
    if run:
        result.append(b"".join(run))
    return result


def _write_pieces(out: "_Output", pieces: list[bytes | tuple[int, int]], data: bytes) -> None:
    """Write an outcome's output; spans are cut from the chunk the main process kept."""
    view = memoryview(data)
    for piece in pieces:
        out.write(piece if isinstance(piece, bytes) else view[piece[0]:piece[1]])


def _edit_lines(text: str, edits: Sequence[Edit], line: int) -> list[int]:
    """The line each edit starts on, counting from ``line`` (edits in text order)."""
    result, pos = [], 0
    for edit in edits:
        line += text.count("\n", pos, edit.start)
        pos = max(pos, edit.start)
        result.append(line)
    return result


def _edit_record(name: str, line: int, doc_id: Any, edit: Edit, base: int) -> dict:
    record: dict[str, Any] = {"file": name, "line": line}
    if doc_id is not _NO_ID:
        record["id"] = doc_id
    record.update(edit.to_dict())
    record["start"] += base
    record["end"] += base
    return record


def _count(kinds: dict[str, list[int]], edit: Edit) -> None:
    """kinds[kind] = [edits, records, characters removed, characters added]."""
    row = kinds.setdefault(edit.kind, [0, 0, 0, 0])
    row[0] += 1
    row[2] += len(edit.before)
    row[3] += len(edit.after)


def _json_type(value: Any) -> str:
    """How an error message names a JSON value's type.

    >>> _json_type(None), _json_type(3.5), _json_type([])
    ('null', 'a number', 'an array')
    """
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}[type(value)]


def _decode(raw: bytes, encoding: str | None, first: bool) -> str:
    """Strict decode; a UTF-8 BOM is removed at the start of a file only.

    >>> _decode(b"\\xef\\xbb\\xbfa", None, True), _decode(b"\\xef\\xbb\\xbfa", None, False)
    ('a', '\\ufeffa')
    """
    if encoding is None:
        return raw.decode("utf-8-sig" if first else "utf-8")
    return raw.decode(encoding)


def _paragraphs(data: bytes) -> list[bytes]:
    """Split after each run of blank lines: every piece is lines then blank lines.

    >>> _paragraphs(b"a\\nb\\n\\nc\\n")
    [b'a\\nb\\n\\n', b'c\\n']
    """
    pieces: list[bytes] = []
    current: list[bytes] = []
    blank_seen = False
    for line in data.splitlines(keepends=True):
        blank = not line.strip()
        if current and blank_seen and not blank:
            pieces.append(b"".join(current))
            current = []
        current.append(line)
        blank_seen = blank
    if current:
        pieces.append(b"".join(current))
    return pieces


def _bytes_keywords(repairer: Repairer, job: Job) -> dict | None:
    """Keywords for ``repairer.repair_bytes`` when the library decodes on its own
    (an ``encoding`` option or keyword), else None: the CLI decodes UTF-8 itself."""
    if "encoding" in {f.name for f in dataclasses.fields(Options)}:
        keywords: dict[str, Any] = {}
    else:
        params = inspect.signature(repairer.repair_bytes).parameters
        if "encoding" not in params:
            return None
        keywords = {"encoding": job.encoding}
    params = inspect.signature(repairer.repair_bytes).parameters
    if "errors" in params:
        keywords["errors"] = "strict"  # undecodable bytes are reported, never replaced silently
    return keywords


# ---------------------------------------------------------------- workers

_WORKER: Worker | None = None


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _init_worker(job: Job) -> None:
    global _WORKER
    # Ctrl-C is the main process's to handle: it stops the pool and cleans up -o.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool stops workers with SIGTERM
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    _WORKER = Worker(job)


def _block_stop_signals() -> Any:
    """Hold Ctrl-C and SIGTERM until :func:`_restore_signals` (where the platform can)."""
    if hasattr(signal, "pthread_sigmask"):
        return signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    return None


def _restore_signals(previous: Any) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_pool(jobs: int, job: Job) -> Any:
    """A pool whose workers never see the main process's signal handlers: the stop
    signals stay blocked until each worker has set its own (no tracebacks on Ctrl-C)."""
    previous = _block_stop_signals()
    try:
        return multiprocessing.get_context().Pool(jobs, initializer=_init_worker, initargs=(job,))
    finally:
        _restore_signals(previous)


def _work(task: Task) -> Outcome:
    assert _WORKER is not None
    return _WORKER.process(task)


def _outcomes(tasks: Iterable[Task], job: Job, jobs: int) -> Iterator[tuple[Task, Outcome]]:
    """Process tasks in order; with jobs > 1 in a pool, at most 2 × jobs chunks in flight."""
    if jobs <= 1:
        worker = Worker(job)
        for task in tasks:
            yield task, worker.process(task)
        return
    pool = _start_pool(jobs, job)
    try:
        pending: deque = deque()
        for task in tasks:
            sent = task
            if task.path:  # send where the chunk is, not its bytes
                sent = dataclasses.replace(task, data=b"", length=len(task.data))
            pending.append((task, pool.apply_async(_work, (sent,))))
            if len(pending) >= 2 * jobs:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


# ---------------------------------------------------------------- reading


def _chunks(handle: BinaryIO, size: int, boundary: str) -> Iterator[bytes]:
    """Chunks of about ``size`` bytes ending at a line end (``line``), after a blank
    line (``blank``, or a line end when none comes for 4 × size), or the whole input (``file``)."""
    while True:
        data = handle.read(size)
        if not data:
            return
        if boundary == "file":
            yield data + handle.read()
            continue
        if not data.endswith(b"\n"):
            data += handle.readline()
        if boundary == "blank":
            parts, last, total = [data], data, len(data)
            while not _ends_blank(last) and total < 4 * size:
                last = handle.readline()
                if not last:
                    break
                parts.append(last)
                total += len(last)
            data = b"".join(parts)
        yield data


def _ends_blank(data: bytes) -> bool:
    """True when the last line of ``data`` is blank.

    >>> _ends_blank(b"a\\n \\n"), _ends_blank(b"\\na\\n"), _ends_blank(b"a\\n\\n ")
    (True, False, False)
    """
    if not data.endswith(b"\n"):
        return False
    start = data.rfind(b"\n", 0, len(data) - 1) + 1
    return not data[start:].strip()


def _is_regular(handle: BinaryIO) -> bool:
    """True for a regular file, which worker processes can read at an offset."""
    try:
        return stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (OSError, AttributeError, ValueError):
        return False


def _tasks(names: Sequence[str], stdin: BinaryIO, job: Job, block: int, progress: "_Progress") -> Iterator[Task]:
    """The chunks of every input in order; an unreadable input becomes an error task."""
    if job.jsonl or job.unit == "line":
        size, boundary = CHUNK, "line"
    elif job.unit == "paragraph":
        size, boundary = CHUNK, "blank"
    elif job.unit == "file":
        size, boundary = CHUNK, "file"
    else:
        size, boundary = block, "blank"
    for name in names:
        label = "<stdin>" if name == STDIN else name
        try:
            with ExitStack() as stack:
                handle = stdin if name == STDIN else stack.enter_context(open(name, "rb"))
                path = os.path.abspath(name) if name != STDIN and _is_regular(handle) else ""
                line, first, offset = 1, True, 0
                for data in _chunks(handle, size, boundary):
                    progress.advance(len(data))
                    yield Task(label, line, data, first, path=path, offset=offset)
                    line += data.count(b"\n")
                    offset += len(data)
                    first = False
        except OSError as exc:
            yield Task(label, 0, b"", False, f"textrepair: {label}: cannot read: {exc.strerror or exc}")


# ---------------------------------------------------------------- writing


class NothingRead(Exception):
    """No input could be read: outputs are left as they were."""


class OutputError(Exception):
    """An output could not be written: exit status 4."""

    def __init__(self, label: str, exc: OSError) -> None:
        super().__init__(f"textrepair: {label}: cannot write: {exc.strerror or exc}")


class _Output:
    """A binary stream whose write errors name it."""

    def __init__(self, stream: BinaryIO, label: str) -> None:
        self.stream, self.label = stream, label

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(self.label, exc) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(self.label, exc) from None


@contextmanager
def _destination(path: str, stdout: BinaryIO) -> Iterator[_Output]:
    """Standard output, or a temporary file beside ``path`` renamed over it on success only."""
    if path == STDIN:
        yield _Output(stdout, "<stdout>")
        return
    temporary = ""
    # A stop signal must not fall between creating the file and knowing its name.
    previous = _block_stop_signals()
    try:
        try:
            fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                                             dir=os.path.dirname(os.path.abspath(path)))
        except OSError as exc:
            raise OutputError(path, exc) from None
        finally:
            _restore_signals(previous)  # a pending Ctrl-C is raised here, inside the cleanup
        with os.fdopen(fd, "wb") as handle:
            yield _Output(handle, path)
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise OutputError(path, exc) from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if temporary:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        raise


class _Progress:
    """A one-line progress report on standard error, only when it is a terminal."""

    def __init__(self, stream: TextIO, total: int | None, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled
        self.done = self.records = 0
        self.start = self.shown = time.monotonic()

    def advance(self, nbytes: int) -> None:
        self.done += nbytes

    def record(self, count: int) -> None:
        self.records += count
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.2:
            self.shown = now
            self._show(now)

    def _show(self, now: float) -> None:
        rate = self.done / MIB / max(now - self.start, 1e-9)
        share = f"{100 * self.done / self.total:5.1f}% " if self.total else ""
        self.stream.write(f"\rtextrepair: {share}{self.done / MIB:,.1f} MiB, {self.records:,} records, "
                          f"{rate:,.1f} MiB/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._show(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _total_size(names: Sequence[str]) -> int | None:
    total = 0
    for name in names:
        try:
            total += os.stat(name).st_size if name != STDIN else 0
        except OSError:
            pass
        if name == STDIN:
            return None
    return total


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
    if args.explain and args.explain != STDIN and args.explain == args.output:
        raise UsageError("--explain and -o name the same file")
    if args.encoding is not None:
        try:
            codec = codecs.lookup(args.encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {args.encoding!r}") from None
        if "\n".encode(codec.name) != b"\n" and (args.jsonl or args.unit != "file"):
            raise UsageError(f"{args.encoding} is not ASCII-compatible: use --unit file, or convert with iconv")
    if STDIN in args.files and args.files.count(STDIN) > 1:
        raise UsageError("standard input ('-') can be read only once")
    job = Job(options=_options_from(args), jsonl=args.jsonl, unit=args.unit, field=args.field,
              id_field=args.id_field, encoding=args.encoding, check=args.check, explain=bool(args.explain),
              stats=args.stats, drop_bad=args.drop_bad, listing=not (args.quiet or args.explain == STDIN),
              backend=_backend.BACKEND)
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
        stdout.flush()
        return int(exc.code or 0)
    except UsageError as exc:
        stderr.write(f"textrepair: error: {exc}\n")
        return EXIT_USAGE
    names = args.files or [STDIN]
    progress = _Progress(stderr, _total_size(names), _isatty(stderr) and not args.quiet)
    totals = Outcome()
    try:
        _run(args, job, names, stdin, stdout, stderr, progress, totals)
    except KeyboardInterrupt:
        stderr.write("\ntextrepair: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_BROKEN_PIPE
    except NothingRead:
        pass
    except OutputError as exc:
        progress.close()
        stderr.write(f"{exc}\n")
        return EXIT_OUTPUT
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
        text_out = None
        if not args.check and not (args.explain == STDIN and args.output == STDIN):
            text_out = stack.enter_context(_destination(args.output, stdout))
        explain_out = stack.enter_context(_destination(args.explain, stdout)) if args.explain else None
        listing = stdout if args.check and job.listing else None
        base = 0  # plain text: characters of the current file before this chunk
        for task, outcome in _outcomes(_tasks(names, stdin, job, args.block_size, progress), job, args.jobs or os.cpu_count() or 1):
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


def _write_edits(out: BinaryIO, edits: list[dict], base: int) -> None:
    """JSON lines; plain-text offsets move from the chunk's terms to the file's."""
    if base:
        for edit in edits:
            edit["start"] += base
            edit["end"] += base
    out.write("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in edits).encode("utf-8"))


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
    if status == EXIT_BROKEN_PIPE:
        # Python would complain flushing a closed pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(status)
