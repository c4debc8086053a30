"""Files for the ``textrepair`` command: opening inputs (decompressed by
file name) and writing outputs without harming what is at the path.

Outputs (``-o FILE``, ``--explain FILE``):

* a regular file, or nothing yet: written to a temporary file beside it,
  which takes the old file's mode and ownership and is renamed over it at the
  end, so an interrupted or failed run leaves the old file as it was;
* a symbolic link: followed, and its target is written as above (the link stays);
* anything else (a character device, a FIFO, a socket): written straight
  through, as a shell's ``>`` would; it is never replaced by a regular file;
* a directory, or a file this user may not write: an :class:`OutputError`
  before anything is read.

Names ending in ``.gz``, ``.bz2``, ``.xz`` or ``.zst`` are compressed on
output and decompressed on input (``.zst`` needs the ``zstandard`` package,
``pip install 'textrepair[zstd]'``).

>>> compression("pages.jsonl.gz"), compression("pages.jsonl")
('gz', None)
"""

from __future__ import annotations

import bz2
import errno
import gzip
import io
import lzma
import os
import socket
import stat
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterator

__all__ = ["compression", "check_available", "destination", "open_input", "Input", "Output", "OutputError",
           "Unavailable", "READ_ERRORS", "looks_compressed"]

STDIO = "-"
SUFFIXES = {".gz": "gz", ".bz2": "bz2", ".xz": "xz", ".zst": "zst"}
#: What a compressed file starts with, for a hint when one comes in without its suffix.
MAGIC = (
    (b"\x1f\x8b\x08", "gzip", ".gz"),
    (b"\xfd7zXZ\x00", "xz", ".xz"),
    (b"\x28\xb5\x2f\xfd", "zstd", ".zst"),
)
ZSTD_HINT = "pip install 'textrepair[zstd]'"


class Unavailable(Exception):
    """A compression a file name asks for has no module here (exit status 2)."""


class OutputError(Exception):
    """An output could not be written: exit status 4."""

    def __init__(self, label: str, exc: OSError) -> None:
        super().__init__(f"textrepair: {label}: cannot write: {exc.strerror or exc}")


def compression(name: str) -> str | None:
    """The compression a file name asks for: ``gz``, ``bz2``, ``xz``, ``zst`` or None."""
    return SUFFIXES.get(os.path.splitext(name)[1].lower()) if name != STDIO else None


def _zstd() -> Any:
    """The zstandard module (or the standard library's, from Python 3.14)."""
    try:
        import zstandard

        return zstandard
    except ImportError:
        pass
    try:
        from compression import zstd  # type: ignore[import-not-found]

        return zstd
    except ImportError:
        return None


def check_available(name: str) -> None:
    """Raise :class:`Unavailable` when ``name`` needs a module this Python lacks."""
    if compression(name) == "zst" and _zstd() is None:
        raise Unavailable(f"{name}: .zst files need the zstandard package: {ZSTD_HINT}")


def looks_compressed(data: bytes) -> tuple[str, str] | None:
    """(format, suffix) when ``data`` starts like a compressed file.

    >>> looks_compressed(gzip.compress(b"x")), looks_compressed(b"BZh91AY&SY" + bytes(4)), looks_compressed(b"{}")
    (('gzip', '.gz'), ('bzip2', '.bz2'), None)
    """
    for magic, name, suffix in MAGIC:
        if data.startswith(magic):
            return name, suffix
    if data[:3] == b"BZh" and data[3:4].isdigit() and data[4:10] == b"1AY&SY":
        return "bzip2", ".bz2"
    return None


# ---------------------------------------------------------------- inputs

#: Exceptions a decompressing read raises on a damaged or truncated file.
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError)


def _zstd_errors() -> tuple[type[BaseException], ...]:
    module = _zstd()
    error = getattr(module, "ZstdError", None)
    return (error,) if isinstance(error, type) else ()


@dataclass
class Input:
    """An open input: ``handle`` reads the (decompressed) bytes; ``path`` is
    set for a regular uncompressed file, which worker processes may read
    themselves; ``size`` is its size when opened; ``consumed()`` counts the
    bytes of the file itself read so far (for progress)."""

    handle: BinaryIO
    path: str = ""
    size: int | None = None
    consumed: Callable[[int], int] = lambda decompressed: decompressed


@contextmanager
def open_input(name: str, stdin: BinaryIO) -> Iterator[Input]:
    """Open ``name`` (``-`` is ``stdin``), decompressing by its suffix."""
    if name == STDIO:
        yield Input(stdin)
        return
    kind = compression(name)
    with open(name, "rb") as raw:
        mode = _mode(raw)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
        size = os.fstat(raw.fileno()).st_size if stat.S_ISREG(mode) else None
        if kind is None:
            yield Input(raw, os.path.abspath(name) if stat.S_ISREG(mode) else "", size)
            return
        with _decompressing(kind, raw) as handle:
            yield Input(_Salvaging(handle), "", size, lambda _decompressed: raw.tell())


def _mode(handle: BinaryIO) -> int:
    try:
        return os.fstat(handle.fileno()).st_mode
    except (OSError, AttributeError, ValueError):
        return 0


@contextmanager
def _decompressing(kind: str, raw: BinaryIO) -> Iterator[BinaryIO]:
    if kind == "gz":
        handle: Any = gzip.GzipFile(fileobj=raw, mode="rb")
    elif kind == "bz2":
        handle = bz2.BZ2File(raw, "rb")
    elif kind == "xz":
        handle = lzma.LZMAFile(raw, "rb")
    else:
        module = _zstd()
        if module is None:
            raise Unavailable(f".zst files need the zstandard package: {ZSTD_HINT}")
        if hasattr(module, "ZstdDecompressor"):  # zstandard
            handle = io.BufferedReader(module.ZstdDecompressor().stream_reader(raw, read_across_frames=True))
        else:  # compression.zstd
            handle = module.ZstdFile(raw, "rb")
    with handle:
        yield handle


class _Salvaging:
    """A decompressing stream read so that an error (a truncated ``.gz``)
    loses none of the bytes decompressed before it: they come out first,
    and the error is raised by the next read."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.error: BaseException | None = None
        self.errors = READ_ERRORS + _zstd_errors()

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        total = 0
        while not self.error and (size < 0 or total < size):
            try:
                piece = self.stream.read1(1 << 16 if size < 0 else min(size - total, 1 << 16))
            except self.errors as exc:
                self.error = exc
                break
            if not piece:
                break
            parts.append(piece)
            total += len(piece)
        if not parts and self.error is not None:
            raise self.error
        return b"".join(parts)

    def readline(self) -> bytes:
        parts: list[bytes] = []
        while not self.error:
            try:
                piece = self.stream.readline(1 << 16)
            except self.errors as exc:
                self.error = exc
                break
            parts.append(piece)
            if not piece or piece.endswith(b"\n"):
                break
        if not parts and self.error is not None:
            raise self.error
        return b"".join(parts)


# ---------------------------------------------------------------- outputs


class Output:
    """A binary stream whose write errors name it."""

    def __init__(self, stream: Any, label: str) -> None:
        self.stream, self.label = stream, label

    def write(self, data: bytes | memoryview) -> None:
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


def _kind_of(path: str) -> tuple[str, os.stat_result | None]:
    """(``path`` with symbolic links followed, what is there now)."""
    target = os.path.realpath(path)
    try:
        return target, os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise OutputError(path, exc) from None


def same_output(a: str, b: str) -> bool:
    """True when two output names reach the same file (through links too)."""
    return STDIO not in (a, b) and os.path.realpath(a) == os.path.realpath(b)


@contextmanager
def destination(path: str, stdout: BinaryIO, guard: Callable[[], Any] = lambda: None,
                release: Callable[[Any], None] = lambda _: None) -> Iterator[Output]:
    """An :class:`Output` for ``path`` (``-`` is ``stdout``); see the module
    docstring.  ``guard``/``release`` hold stop signals while the temporary
    file is created, so Ctrl-C never leaves one behind unnamed."""
    if path == STDIO:
        yield Output(stdout, "<stdout>")
        return
    target, found = _kind_of(path)
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise OutputError(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    if found is not None and not os.access(target, os.W_OK):
        # Renaming over it would work, but a file this user may not write stays as it is.
        raise OutputError(path, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
    if found is None or stat.S_ISREG(found.st_mode):
        with _replacing(path, target, found, guard, release) as handle:
            with _compressing(compression(path), handle, path) as out:
                yield out
    else:
        with _straight_through(path, target, found) as handle:
            with _compressing(compression(path), handle, path) as out:
                yield out


@contextmanager
def _replacing(label: str, target: str, old: os.stat_result | None, guard: Callable[[], Any],
               release: Callable[[Any], None]) -> Iterator[BinaryIO]:
    """A temporary file beside ``target``, renamed over it when the block ends
    without an exception, with ``old``'s mode and ownership."""
    temporary = ""
    held = guard()
    try:
        try:
            fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp",
                                             dir=os.path.dirname(target))
        except OSError as exc:
            raise OutputError(label, exc) from None
        finally:
            release(held)  # a pending Ctrl-C is raised here, inside the cleanup
        with os.fdopen(fd, "wb") as handle:
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
                _take_attributes(handle.fileno(), old)
            except OSError as exc:
                raise OutputError(label, exc) from None
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise OutputError(label, exc) from None
    except BaseException:
        if temporary:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        raise


def _take_attributes(fd: int, old: os.stat_result | None) -> None:
    """Give the new file the old one's owner and mode (a new file: the umask's mode).

    Ownership is kept where this user may set it (root, or the file's owner
    keeping its group); otherwise the new file is this user's, as with any
    editor that saves by renaming.
    """
    if old is None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (old.st_uid, old.st_gid):
        for uid in (old.st_uid, -1):
            try:
                os.fchown(fd, uid, old.st_gid)
                break
            except PermissionError:
                continue
    os.fchmod(fd, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


@contextmanager
def _straight_through(label: str, target: str, found: os.stat_result) -> Iterator[Any]:
    """Write to a device, FIFO or socket as it is (never replace it)."""
    try:
        if stat.S_ISSOCK(found.st_mode):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(target)
            except OSError:
                sock.close()
                raise
            handle: Any = sock.makefile("wb")
            sock.close()  # the file object keeps the connection
        else:
            handle = os.fdopen(os.open(target, os.O_WRONLY), "wb")
    except OSError as exc:
        raise OutputError(label, exc) from None
    try:
        yield handle
        try:
            handle.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(label, exc) from None
    finally:
        try:
            handle.close()
        except OSError:
            pass


@contextmanager
def _compressing(kind: str | None, handle: BinaryIO, label: str) -> Iterator[Output]:
    """An Output writing to ``handle``, compressed as the name asks; the
    compressor is finished (its trailer written) when the block ends cleanly."""
    if kind is None:
        yield Output(handle, label)
        return
    if kind == "gz":
        stream: Any = gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="")
    elif kind == "bz2":
        stream = bz2.BZ2File(handle, "wb")
    elif kind == "xz":
        stream = lzma.LZMAFile(handle, "wb")
    else:
        module = _zstd()
        if module is None:
            raise Unavailable(f"{label}: .zst files need the zstandard package: {ZSTD_HINT}")
        if hasattr(module, "ZstdCompressor") and hasattr(module.ZstdCompressor, "stream_writer"):
            stream = module.ZstdCompressor().stream_writer(handle, closefd=False)
        else:  # compression.zstd
            stream = module.ZstdFile(handle, "wb")
    out = Output(stream, label)
    yield out
    try:
        stream.close()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(label, exc) from None
