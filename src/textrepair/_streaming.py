"""Streams of records for the ``textrepair`` command: reading inputs in chunks,
repairing them in order (in this process or in worker processes), writing
outputs.  :mod:`textrepair.cli` wires these to the command line; files
themselves (compression, safe outputs) are :mod:`textrepair._files`'.

A chunk holds whole lines; with ``-j N`` at most ``2 × N`` chunks are in
flight, workers read chunks of regular files themselves (and fall back to
the main process's copy when the file changed under them), and records
that come out unchanged are written from the main process's copy.

>>> job = Job(Options(), unit="line")
>>> outcome = Worker(job).process(Task("<stdin>", 1, "乾淨\\n數(shù)據(jù)\\n".encode(), True))
>>> outcome.out, outcome.records, outcome.changed
([(0, 7), b'\\xe6\\x95\\xb8\\xe6\\x93\\x9a\\n'], 2, 1)
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import zlib
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterable, Iterator, Sequence, TextIO

from . import Repairer, _backend
from ._files import READ_ERRORS, Output, looks_compressed, open_input
from ._jsonl import FieldError, json_type, locate, lookup, pointer, splice
from .decode import KIND as UNDECODABLE
from .decode import Decoded, decode
from .edits import Edit, compose
from .options import Options

__all__ = ["Job", "Outcome", "Task", "Worker", "NothingRead", "WorkerDied", "LooksLikeJsonl"]

MIB = 1 << 20
#: Bytes per chunk handed to a worker in line-based units.
CHUNK = MIB
STDIN = "-"
UTF8_BOM = b"\xef\xbb\xbf"
#: Lines of a plain-text input's first chunk looked at to tell JSON lines.
JSONL_SAMPLE = 100
_ESCAPED = re.compile("[\udc80-\udcff]+")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, sent once to each worker process."""

    options: Options
    jsonl: bool = False
    unit: str = "auto"
    #: --field: top-level keys or JSON Pointers (``/meta/text``).
    fields: tuple[str, ...] = ("text",)
    id_field: str = "id"
    encoding: str | None = None
    check: bool = False
    explain: bool = False
    stats: bool = False
    drop_bad: bool = False
    #: --check lists damaged records on standard output.
    listing: bool = True
    backend: str = "c"
    #: --findings: --explain also lists damage found but not repaired.
    findings: bool = False


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
    #: A worker found the file changed under it: the main process's copy must be sent.
    reread: bool = False


@dataclass(frozen=True)
class Task:
    """A chunk of one input: whole lines starting at ``line``; ``error`` instead when unreadable."""

    name: str
    line: int
    data: bytes
    first: bool
    error: str = ""
    #: Where ``data`` lies in a regular file: worker processes read it there
    #: themselves rather than receive it through a pipe, and check it against ``crc``.
    path: str = ""
    offset: int = 0
    length: int = 0
    crc: int = 0


class Worker:
    """Repairs chunks; built once per process around one Repairer."""

    def __init__(self, job: Job) -> None:
        if _backend.BACKEND != job.backend:
            _backend.use(job.backend)
        self.job = job
        self.repairer = Repairer(job.options)
        self.paths = [(name, pointer(name)) for name in job.fields]
        self.opened: tuple[str, int] | None = None  # the file read last, kept open

    def process(self, task: Task) -> Outcome:
        result = Outcome(first=task.first)
        if task.path and not task.data and not task.error:
            read = self._read(task)
            if read is None:
                return Outcome(first=task.first, reread=True)
            task = read
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

    def _read(self, task: Task) -> Task | None:
        """The task with its data read from the file (the main process only sent
        where), or None when the bytes there are no longer the ones it read."""
        try:
            if self.opened is None or self.opened[0] != task.path:
                if self.opened is not None:
                    os.close(self.opened[1])
                    self.opened = None
                self.opened = (task.path, os.open(task.path, os.O_RDONLY))
            data = os.pread(self.opened[1], task.length, task.offset)
        except OSError:
            return None
        if len(data) != task.length or zlib.crc32(data) != task.crc:
            return None
        return dataclasses.replace(task, data=data)

    def _records(self, task: Task) -> Iterator[tuple[int, bytes, bool, tuple[int, int]]]:
        """(first line, bytes, starts the file, span in the chunk) of each record."""
        unit = "line" if self.job.jsonl else self.job.unit
        if unit in ("auto", "file"):
            yield task.line, task.data, task.first, (0, len(task.data))
            return
        if self.job.jsonl:  # a JSON line ends at \n only: a lone \r is whitespace inside it
            pieces = _lines(task.data)
        else:
            pieces = task.data.splitlines(keepends=True) if unit == "line" else _paragraphs(task.data)
        line, start = task.line, 0
        for index, piece in enumerate(pieces):
            yield line, piece, task.first and index == 0, (start, start + len(piece))
            line += piece.count(b"\n")
            start += len(piece)

    # -- plain text

    def _text(self, name: str, line: int, raw: bytes, first: bool, result: Outcome) -> None:
        job = self.job
        # The library's decoder: detection (GBK, Big5, mixed...) unless --encoding;
        # undecodable bytes become U+FFFD and the rest is repaired.
        decoded = _decode_unit(raw, job.encoding, first)
        if decoded.replaced:
            self._undecodable(name, line, raw, decoded, result)
        text = decoded.text
        fixed = self._repair(name, line, text, _NO_ID, "", result, base=result.chars, text_mode=True,
                             source=decoded.source if decoded.replaced else None)
        result.chars += len(text)
        if job.check:
            return
        if fixed == text and not decoded.replaced and decoded.segments == ((0, len(raw), "utf-8"),):
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
        decoded = _decode_record(raw, job.encoding, first)
        if decoded.replaced:
            self._undecodable(name, line, raw, decoded, result)
        # What goes out instead of the input line: the same bytes when they were UTF-8.
        same = not decoded.replaced and job.encoding is None
        body = decoded.text.rstrip("\r\n")
        ending = decoded.text[len(body):]
        try:
            record = json.loads(body)
        except json.JSONDecodeError as exc:
            return self._bad(name, line, raw, f"invalid JSON: {exc.msg} (column {exc.colno})", result, same)
        if not isinstance(record, dict):
            return self._bad(name, line, raw, f"not a JSON object but {json_type(record)}", result, same)
        values = []
        for spelled, path in self.paths:
            try:
                value = lookup(record, path)
            except FieldError as exc:
                detail = f" ({exc})" if str(exc) else ""
                return self._bad(name, line, raw, f"no field {spelled!r}{detail}", result, same)
            if not isinstance(value, str):
                return self._bad(name, line, raw, f"field {spelled!r} is {json_type(value)}, not a string", result,
                                 same)
            values.append((spelled, path, value))
        doc_id = record.get(job.id_field, None) if job.id_field in record else _NO_ID
        source_body = decoded.source[: len(body)]
        replacements = []
        for spelled, path, value in values:
            start, end = locate(body, path)
            # The field as decoded, each undecodable byte b as U+DC00 + b.
            source = json.loads(source_body[start:end]) if decoded.replaced else None
            if source is not None and not _ESCAPED.search(source):
                source = None
            # A record counts once as changed, however many of its fields change.
            fixed = self._repair(name, line, value, doc_id, spelled, result, source=source,
                                 record=not replacements)
            if fixed != value or source is not None:
                replacements.append((start, end, fixed))
        if job.check:
            return
        if not replacements and same:
            result.out.append(self.span)  # unchanged records keep every byte
            return
        for start, end, fixed in sorted(replacements, reverse=True):
            body = splice(body, start, end, fixed)
        result.out.append((body + ending).encode("utf-8"))

    # -- shared

    def _repair(self, name: str, line: int, text: str, doc_id: Any, spelled: str, result: Outcome,
                base: int = 0, text_mode: bool = False, source: str | None = None, record: bool = True) -> str:
        """Repair one record's text, collecting edits, stats and the --check listing.

        ``source`` is the text with its undecodable bytes as U+DC00 + byte
        (``decode(...).source``) when it had some: each becomes an
        ``undecodable`` edit, in offsets of ``source`` as ``explain_bytes()`` gives.
        """
        job = self.job
        want = job.explain or job.stats or (job.check and job.listing)
        if want:
            fixed, edits = self.repairer.repair_and_explain(text)
        else:
            fixed, edits = self.repairer.repair(text), []
        if fixed == text and source is None:
            if job.findings:
                self._findings(name, line, text, doc_id, spelled, result, base, text_mode)
            return fixed
        result.changed += 1 if record else 0
        if source is not None and want:
            undecodable = [Edit(UNDECODABLE, m.start(), m.end(), m.group(), "\ufffd" * len(m.group()), 1.0)
                           for m in _ESCAPED.finditer(source)]
            edits = compose(source, undecodable, text, edits)
        edits = sorted(edits, key=lambda e: e.start)
        lines = _edit_lines(text, edits, line) if text_mode else [line] * len(edits)
        for edit, where in zip(edits, lines):
            if job.explain:
                result.edits.append(_edit_record(name, where, doc_id, spelled, edit.to_dict(), base))
            if job.stats:
                _count(result.kinds, edit)
        if job.stats:
            for kind in {e.kind for e in edits}:
                result.kinds[kind][1] += 1
        if job.findings:
            self._findings(name, line, text, doc_id, spelled, result, base, text_mode)
        if job.check and job.listing:
            first_line = lines[0] if lines else line
            kinds = sorted({e.kind for e in edits})
            count = len(edits)
            where = f"{name}:{first_line}" + (f" {spelled}" if len(self.paths) > 1 else "")
            result.damaged.append(f"{where}: {count} edit{'s' * (count != 1)} ({', '.join(kinds)})")
        return fixed

    def _findings(self, name: str, line: int, text: str, doc_id: Any, spelled: str, result: Outcome,
                  base: int, text_mode: bool) -> None:
        """--findings: damage the stages saw but did not repair, as explain lines with ``"applied": false``."""
        found = sorted(self.repairer.findings(text), key=lambda f: f.start)
        if not found:
            return
        lines = _edit_lines(text, found, line) if text_mode else [line] * len(found)
        for finding, where in zip(found, lines):
            result.edits.append(_edit_record(name, where, doc_id, spelled, dict(finding.to_dict(), applied=False),
                                             base))

    def _undecodable(self, name: str, line: int, raw: bytes, decoded: Decoded, result: Outcome) -> None:
        """One message per line holding undecodable bytes (they became U+FFFD)."""
        seen: dict[int, list] = {}
        for start, end, codec, reason in _bad_bytes(raw, decoded):
            where = line + raw.count(b"\n", 0, start)
            if where in seen:
                seen[where][1] += end - start
                continue
            column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
            name_of = "UTF-8" if codec in ("utf-8", "utf-8-sig", "utf8") else codec
            bad = " ".join(f"0x{b:02x}" for b in raw[start:end])
            seen[where] = [f"cannot decode {bad} (byte {column} of the line) as {name_of}: {reason}", 0]
        for where, (problem, more) in seen.items():
            extra = f", and {more} more byte{'s' * (more != 1)} on the line" if more else ""
            result.messages.append(f"textrepair: {name}:{where}: {problem}{extra}; replaced by U+FFFD")
            result.bad += 1

    def _bad(self, name: str, line: int, raw: bytes, problem: str, result: Outcome, same: bool = True) -> None:
        result.bad += 1
        result.messages.append(f"textrepair: {name}:{line}: {problem}")
        if not self.job.drop_bad and not self.job.check:
            # Passed through unchanged, but always as UTF-8.
            result.out.append(self.span if same else _decode_record(raw, self.job.encoding, False).text.encode())


_NO_ID = object()


def _bad_bytes(raw: bytes, decoded: Decoded) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, codec, reason) of each undecodable run of ``raw``, as strict decoding reports them."""
    for start, end, codec in decoded.segments:
        pos = start
        while pos < end:
            try:
                raw[pos:end].decode(codec)
                break
            except UnicodeDecodeError as exc:
                yield pos + exc.start, pos + exc.end, exc.encoding.replace("_", "-").lower(), exc.reason
                pos += exc.end
            except LookupError:
                break


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


def _write_pieces(out: Output, pieces: list[bytes | tuple[int, int]], data: bytes) -> None:
    """Write an outcome's output; spans are cut from the chunk the main process kept."""
    view = memoryview(data)
    for piece in pieces:
        out.write(piece if isinstance(piece, bytes) else view[piece[0]:piece[1]])


def _edit_lines(text: str, edits: Sequence[Any], line: int) -> list[int]:
    """The line each edit starts on, counting from ``line`` (edits in text order)."""
    result, pos = [], 0
    for edit in edits:
        line += text.count("\n", pos, edit.start)
        pos = max(pos, edit.start)
        result.append(line)
    return result


def _edit_record(name: str, line: int, doc_id: Any, spelled: str, fields: dict, base: int) -> dict:
    record: dict[str, Any] = {"file": name, "line": line}
    if doc_id is not _NO_ID:
        record["id"] = doc_id
    if spelled:
        record["field"] = spelled
    record.update(fields)
    record["start"] += base
    record["end"] += base
    return record


def _count(kinds: dict[str, list[int]], edit: Edit) -> None:
    """kinds[kind] = [edits, records, characters removed, characters added]."""
    row = kinds.setdefault(edit.kind, [0, 0, 0, 0])
    row[0] += 1
    row[2] += len(edit.before)
    row[3] += len(edit.after)


def _decode_record(raw: bytes, encoding: str | None, first: bool) -> Decoded:
    """A JSON line: UTF-8 (a BOM removed at the start of a file only) unless
    --encoding; undecodable bytes become U+FFFD.

    >>> _decode_record(b"\\xef\\xbb\\xbfa", None, True).text, _decode_record(b"\\xef\\xbb\\xbfa", None, False).text
    ('a', '\\ufeffa')
    >>> _decode_record(b'{"a": "\\xff"}', None, True).text
    '{"a": "\\ufffd"}'
    """
    if encoding is None and not first:
        try:
            return Decoded(raw.decode("utf-8"), "utf-8", ((0, len(raw), "utf-8"),))
        except UnicodeDecodeError:
            pass
    return decode(raw, encoding or "utf-8")


def _decode_unit(raw: bytes, encoding: str | None, first: bool) -> Decoded:
    """:func:`textrepair.decode` with U+FFFD for undecodable bytes; a UTF-8 BOM
    is removed at the start of a file only (elsewhere it is text).

    >>> _decode_unit("乾淨".encode("gbk"), None, True).text
    '乾淨'
    >>> _decode_unit(UTF8_BOM + b"a", None, False).text
    '\\ufeffa'
    """
    if first or encoding is not None or not raw.startswith(UTF8_BOM):
        return decode(raw, encoding)
    rest = decode(raw[3:], None)
    return Decoded("\ufeff" + rest.source, rest.encoding, tuple((s + 3, e + 3, c) for s, e, c in rest.segments))


def _lines(data: bytes) -> list[bytes]:
    """Lines ending at ``\\n`` only, each with its line end.

    >>> _lines(b'{"a":\\r1}\\n{}')
    [b'{"a":\\r1}\\n', b'{}']
    """
    pieces = data.split(b"\n")
    last = pieces.pop()
    return [piece + b"\n" for piece in pieces] + ([last] if last else [])


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
#: prctl(2) option: a signal the kernel sends this process when its parent dies.
PR_SET_PDEATHSIG = 1


def _init_worker(job: Job, parent: int) -> None:
    global _WORKER
    _die_with_parent(parent)
    # Ctrl-C is the main process's to handle: it stops the pool and cleans up -o.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool stops workers with SIGTERM
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    _WORKER = Worker(job)


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, even by SIGKILL
    (which gives the pool no chance to stop its workers).

    On Linux the kernel sends SIGKILL (``PR_SET_PDEATHSIG``); elsewhere, and
    as a second line, a thread watches for this process being handed to
    another parent, which happens the moment the parent exits.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    current = os.getppid()
    if parent and current != parent:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(current,), daemon=True, name="textrepair-parent").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


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
    context = multiprocessing.get_context()
    parent = os.getpid() if context.get_start_method() == "fork" else 0
    executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(job, parent))
    completed = False

    def submit(task: Task) -> Any:
        # Workers start on submit: they must not inherit the main process's stop handlers.
        previous = _block_stop_signals()
        try:
            return executor.submit(_work, task)
        finally:
            _restore_signals(previous)

    def settle(task: Task, outcome: Outcome) -> Outcome:
        if outcome.reread:  # the file changed under the worker: send the bytes read here
            outcome = submit(dataclasses.replace(task, path="")).result()
        return outcome

    try:
        pending: deque = deque()
        for task in tasks:
            sent = task
            if task.path:  # send where the chunk is, not its bytes
                sent = dataclasses.replace(task, data=b"", length=len(task.data), crc=zlib.crc32(task.data))
            pending.append((task, submit(sent)))
            if len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield done, settle(done, future.result())
        while pending:
            done, future = pending.popleft()
            yield done, settle(done, future.result())
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
    line (``blank``, or a line end when none comes for 4 × size), or the whole input (``file``).

    A read error comes after the bytes read before it.
    """
    while True:
        data = handle.read(size)
        if not data:
            return
        parts = [data]
        try:
            if boundary == "file":
                while True:
                    more = handle.read(size)
                    if not more:
                        break
                    parts.append(more)
            elif not data.endswith(b"\n"):
                parts.append(handle.readline())
            if boundary == "blank":
                last, total = b"".join(parts[-2:]), sum(map(len, parts))
                while not _ends_blank(last) and total < 4 * size:
                    last = handle.readline()
                    if not last:
                        break
                    parts.append(last)
                    total += len(last)
        except BaseException:
            yield b"".join(parts)  # the bytes before the error are input too
            raise
        yield b"".join(parts)


def _ends_blank(data: bytes) -> bool:
    """True when the last line of ``data`` is blank.

    >>> _ends_blank(b"a\\n \\n"), _ends_blank(b"\\na\\n"), _ends_blank(b"a\\n\\n ")
    (True, False, False)
    """
    if not data.endswith(b"\n"):
        return False
    start = data.rfind(b"\n", 0, len(data) - 1) + 1
    return not data[start:].strip()


class LooksLikeJsonl(Exception):
    """Plain-text mode on JSON lines: exit status 2, with a hint."""

    def __init__(self, label: str) -> None:
        super().__init__(f"textrepair: {label}: every line is a JSON object; repairing it as plain text would "
                         "break the JSON. Use --jsonl (with --field NAME, default 'text') to repair a field of "
                         "each record, or --plain if it is meant as plain text")


def _all_json_objects(data: bytes) -> bool:
    """True when the (first :data:`JSONL_SAMPLE`) non-blank lines of ``data``
    each parse as a JSON object, and there is at least one.

    >>> _all_json_objects(b'{"text": "a"}\\n\\n{"text": "b"}\\n'), _all_json_objects(b'{"a": 1}\\nplain\\n')
    (True, False)
    """
    lines = [line for line in data.split(b"\n", 4 * JSONL_SAMPLE) if line.strip()][:JSONL_SAMPLE]
    if not lines:
        return False
    for line in lines:
        stripped = line.strip()
        if not (stripped.startswith((b"{", UTF8_BOM + b"{")) and stripped.endswith(b"}")):
            return False
        try:
            if not isinstance(json.loads(stripped.decode("utf-8-sig")), dict):
                return False
        except ValueError:
            return False
    return True


def _tasks(names: Sequence[str], stdin: BinaryIO, job: Job, block: int, progress: "_Progress",
           plain: bool = True) -> Iterator[Task]:
    """The chunks of every input in order; an unreadable input becomes an error task.

    ``plain``: the user said plain text is meant (--plain); otherwise plain-text
    mode on JSON lines raises :class:`LooksLikeJsonl`.
    """
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
        line, offset, counted = 1, 0, 0
        try:
            with open_input(name, stdin) as source:
                first = True
                for data in _chunks(source.handle, size, boundary):
                    if first and (hint := _compressed_hint(data, label, name)):
                        yield Task(label, 0, b"", False, hint)
                        break
                    if first and not job.jsonl and not plain and _all_json_objects(data):
                        raise LooksLikeJsonl(label)
                    consumed = source.consumed(offset + len(data))
                    progress.advance(consumed - counted)
                    counted = consumed
                    yield Task(label, line, data, first, path=source.path, offset=offset)
                    line += data.count(b"\n")
                    offset += len(data)
                    first = False
                else:
                    if source.size is not None and source.path and offset < source.size:
                        yield Task(label, line, b"", False,
                                   f"textrepair: {label}:{line}: the input ended at byte {offset:,}, short of the "
                                   f"{source.size:,} bytes it had when opened: the file shrank while being read; "
                                   "everything before was processed")
        except READ_ERRORS as exc:
            where = f"{label}:{line}" if offset else label
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            yield Task(label, 0, b"", False, f"textrepair: {where}: cannot read: {reason}")


def _compressed_hint(data: bytes, label: str, name: str) -> str:
    """A message when an input that is not named compressed starts like compressed data."""
    found = looks_compressed(data)
    if found is None or name.lower().endswith((".gz", ".bz2", ".xz", ".zst")):
        return ""
    kind, suffix = found
    return (f"textrepair: {label}: cannot read: this is {kind}-compressed data; the command decompresses "
            f"files named *{suffix}, or decompress it first")


# ---------------------------------------------------------------- errors


class WorkerDied(Exception):
    """A worker process died: the output is incomplete."""

    def __str__(self) -> str:
        return "textrepair: a worker process died (a crash, or killed for lack of memory); the output is incomplete"


class NothingRead(Exception):
    """No input could be read: outputs are left as they were."""


# ---------------------------------------------------------------- progress


class _Progress:
    """A one-line progress report on standard error, only when it is a terminal
    (and the repaired text does not go to that terminal too): bytes, share,
    records, speed, elapsed time and, when the total is known, the time left."""

    def __init__(self, stream: TextIO, total: int | None, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled
        self.done = self.records = 0
        self.start = self.shown = time.monotonic()
        self.width = 0

    def advance(self, nbytes: int) -> None:
        self.done += nbytes

    def record(self, count: int) -> None:
        self.records += count
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.2:
            self.shown = now
            self._show(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 0.0)
        rate = self.done / max(elapsed, 1e-9)
        if self.total:
            where = f"{min(self.done / self.total, 1):6.1%} of {self.total / MIB:,.1f} MiB"
        else:
            where = f"{self.done / MIB:,.1f} MiB"
        parts = [where, f"{self.records:,} records", f"{rate / MIB:,.1f} MiB/s", f"{_clock(elapsed)} elapsed"]
        if self.total and self.done and elapsed > 0:
            parts.append(f"ETA {_clock(max(self.total - self.done, 0) / rate)}")
        return "textrepair: " + ", ".join(parts)

    def _show(self, now: float) -> None:
        text = self.line(now)
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()

    def clear(self) -> None:
        """Erase the line, so a message starts on a clean line."""
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def close(self) -> None:
        if self.enabled:
            self._show(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False


def _clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``.

    >>> _clock(5), _clock(75.4), _clock(3725)
    ('0:05', '1:15', '1:02:05')
    """
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _total_size(names: Sequence[str]) -> int | None:
    """Bytes of all inputs (compressed inputs: of the files), None when one is standard input."""
    total = 0
    for name in names:
        if name == STDIN:
            return None
        try:
            total += os.stat(name).st_size
        except OSError:
            pass
    return total
