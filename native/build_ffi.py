"""cffi (API mode) builder for ``textrepair._speedups``.

The declarations come from the CDEF block of ``textrepair.h``; the sources are
every ``*.c`` file in this folder plus the tables rendered from the data file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_tables  # noqa: E402  (sits beside this file)

HEADER = HERE / "textrepair.h"
GENERATED = HERE.parent / "build" / "native" / "tables.c"


def cdef_text() -> str:
    match = re.search(r"/\* CDEF BEGIN \*/(.*?)/\* CDEF END \*/", HEADER.read_text(), re.S)
    if not match:
        raise RuntimeError(f"{HEADER} has no CDEF block")
    # cffi's parser takes no comments inside #define lines; drop all comments.
    return re.sub(r"/\*.*?\*/", "", match.group(1), flags=re.S)


def make_ffi() -> FFI:
    ffi = FFI()
    ffi.cdef(cdef_text())
    tables = gen_tables.write(GENERATED)
    sources = sorted(str(p.relative_to(HERE.parent)) for p in HERE.glob("*.c"))
    ffi.set_source(
        "textrepair._speedups",
        '#include "textrepair.h"',
        sources=sources + [str(tables.relative_to(HERE.parent))],
        include_dirs=[str(HERE.relative_to(HERE.parent))],
        libraries=["m"],  # C99 math (the model itself needs no log(): its values are precomputed)
        extra_compile_args=["-std=c99", "-O2", "-Wall", "-Wextra"],
    )
    return ffi


ffibuilder = make_ffi()

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
