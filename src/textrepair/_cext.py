"""The C core behind the same signatures as ``_fallback``.

Text crosses into C as UTF-8 (``surrogatepass``, so every ``str`` can); the
C functions report offsets in code points, so nothing is re-counted here.
"""

from __future__ import annotations

from ._speedups import ffi, lib  # ImportError here selects the Python backend


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def scan_flags(text: str) -> int:
    data = _utf8(text)
    return lib.tr_scan_flags(data, len(data))


class AnnotationScan:
    """C twin of ``_fallback.AnnotationScan``; the matches stay in C memory
    until someone asks for them."""

    __slots__ = ("_data", "_buffer", "_count", "stats")

    def __init__(self, text: str) -> None:
        data = _utf8(text)
        # Every annotation starts with "(", so this count bounds the buffer.
        cap = data.count(b"(")
        buffer = ffi.new("tr_annotation[]", max(cap, 1))
        stats = ffi.new("tr_annotation_stats *")
        if lib.tr_find_annotations(data, len(data), buffer, cap, stats) != 0:
            raise MemoryError("tr_find_annotations could not allocate its bitmap")
        self._data = data
        self._buffer = buffer
        self._count = stats.found
        self.stats = (stats.found, stats.traditional, stats.toneless, stats.toneless_spaced, stats.occurrences)

    def matches(self) -> list[tuple[int, int, int, int]]:
        b = self._buffer
        return [(b[i].start_char, b[i].end_char, b[i].han, b[i].flags) for i in range(self._count)]

    def removed(self, eat_space: bool) -> str:
        data = self._data
        out = ffi.new("uint8_t[]", max(len(data), 1))
        size = lib.tr_remove_annotations(data, len(data), self._buffer, self._count, int(eat_space), out)
        return ffi.unpack(ffi.cast("char *", out), size).decode("utf-8", "surrogatepass")


def scan_annotations(text: str) -> AnnotationScan:
    return AnnotationScan(text)


# --- mojibake.c ---------------------------------------------------------------

def mojibake_runs(text: str) -> list[tuple[int, int, int]]:
    data = _utf8(text)
    # Every run starts at one of these bytes, which bounds the buffer.
    cap = data.count(b"?") + data.count(b"!") + data.count(b";")
    if not cap:
        return []
    buffer = ffi.new("tr_mojibake_run[]", cap)
    found = ffi.new("size_t *")
    if lib.tr_mojibake_runs(data, len(data), buffer, cap, found) != 0:
        raise MemoryError("tr_mojibake_runs could not allocate")
    return [(buffer[i].start_char, buffer[i].end_char, buffer[i].kind) for i in range(found[0])]
