"""Streams of records for the ``textrepair`` command: reading inputs in chunks,
repairing them in order (in this process or in worker processes), writing
outputs atomically.  :mod:`textrepair.cli` wires these to the command line.

A chunk holds whole lines; with ``-j N`` at most ``2 × N`` chunks are in
flight, workers read chunks of regular files themselves, and records that
come out unchanged are written from the main process's copy of the chunk.

>>> job = Job(Options(), unit="line")
>>> outcome = Worker(job).process(Task("<stdin>", 1, "乾淨\\n數(shù)\\n".encode(), True))
>>> outcome.out, outcome.records, outcome.changed
([(0, 7), b'\\xe6\\x95\\xb8\\n'], 2, 1)
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import signal
import stat
import tempfile
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterable, Iterator, Sequence, TextIO

from . import Repairer, _backend
from .decode import Decoded, decode
from .edits import Edit
from .options import Options

__all__ = ["Job", "Outcome", "Task", "Worker", "OutputError", "NothingRead", "WorkerDied"]

MIB = 1 << 20
#: Bytes per chunk handed to a worker in line-based units.
CHUNK = MIB
STDIN = "-"
UTF8_BOM = b"\xef\xbb\xbf"


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
        try:
            # The library's decoder: detection (GBK, Big5, mixed...) unless --encoding.
            decoded = _detect_decode(raw, job.encoding, first)
            text = decoded.text
        except UnicodeDecodeError as exc:
            # Offsets after a bad chunk count it as decoded with U+FFFD.
            result.chars += len(decode(raw, job.encoding, "replace").text)
            return self._undecodable(name, line, raw, exc, result)
        fixed = self._repair(name, line, text, _NO_ID, result, base=result.chars, text_mode=True)
        result.chars += len(text)
        if job.check:
            return
        if fixed == text and decoded.segments == ((0, len(raw), "utf-8"),):
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


def _detect_decode(raw: bytes, encoding: str | None, first: bool) -> Decoded:
    """Strict :func:`textrepair.decode`; a UTF-8 BOM is removed at the start
    of a file only (elsewhere it is text, and the offsets of errors stay in ``raw``).

    >>> _detect_decode("乾淨".encode("gbk"), None, True).text
    '乾淨'
    >>> _detect_decode(UTF8_BOM + b"a", None, False).text
    '\\ufeffa'
    """
    if first or encoding is not None or not raw.startswith(UTF8_BOM):
        return decode(raw, encoding, "strict")
    try:
        rest = decode(raw[3:], None, "strict")
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError(exc.encoding, raw, exc.start + 3, exc.end + 3, exc.reason) from None
    return Decoded("\ufeff" + rest.source, rest.encoding, tuple((s + 3, e + 3, c) for s, e, c in rest.segments))


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


def _work(task: Task) -> Outcome:
    assert _WORKER is not None
    return _WORKER.process(task)


def _outcomes(tasks: Iterable[Task], job: Job, jobs: int) -> Iterator[tuple[Task, Outcome]]:
    """Process tasks in order; with jobs > 1 in worker processes, at most 2 × jobs chunks in flight.

    Raises :class:`WorkerDied` when a worker process dies (a crash, or killed
    for memory) rather than waiting for it forever.
    """
    if jobs <= 1:
        worker = Worker(job)
        for task in tasks:
            yield task, worker.process(task)
        return
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(), initializer=_init_worker,
                                   initargs=(job,))
    completed = False
    try:
        pending: deque = deque()
        for task in tasks:
            sent = task
            if task.path:  # send where the chunk is, not its bytes
                sent = dataclasses.replace(task, data=b"", length=len(task.data))
            # Workers start on submit: they must not inherit the main process's stop handlers.
            previous = _block_stop_signals()
            try:
                pending.append((task, executor.submit(_work, sent)))
            finally:
                _restore_signals(previous)
            if len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
        completed = True
    except BrokenProcessPool:
        raise WorkerDied() from None
    finally:
        if not completed:  # interrupted or failed: do not wait for chunks in progress
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)


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


class WorkerDied(Exception):
    """A worker process died: the output is incomplete."""

    def __str__(self) -> str:
        return "textrepair: a worker process died (a crash, or killed for lack of memory); the output is incomplete"


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
