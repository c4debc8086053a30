"""Write the fuzz target registry from the C core's header.

Every prototype in the CDEF block of ``native/textrepair.h`` is an entry
point.  One with a hand-written ``FUZZ_TARGET(name)`` in ``fuzz/targets*.c``
uses that; for the others a generic target is synthesised from the
parameter list when its shapes are known (input bytes or code points with
their length, output arrays with a capacity, output scalars, integer
options).  A prototype with shapes the rules do not know is reported as
uncovered, and ``--check`` exits 1 for it (``tests/test_fuzz.py`` runs that).

>>> protos = prototypes("size_t tr_x(const uint8_t *s, size_t n, uint8_t *out);")
>>> protos[0].name, [p.kind for p in plan(protos[0].params)]
('tr_x', ['bytes', 'out_n'])
>>> [p.kind for p in plan(prototypes("int tr_y(const tr_run *r, size_t k);")[0].params)]
Traceback (most recent call last):
...
ValueError: no generic rule for 'const tr_run *r' (write FUZZ_TARGET(tr_y) in fuzz/targets.c)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HEADER = ROOT / "native" / "textrepair.h"

BYTE_TYPES = {"uint8_t", "char", "unsigned char", "int8_t"}
CP_TYPES = {"uint32_t", "int32_t"}
INT_TYPES = {"int", "unsigned", "unsigned int", "uint32_t", "int32_t", "uint64_t", "int64_t", "size_t", "uint8_t",
             "uint16_t"}


@dataclass
class Param:
    ctype: str  # without const and '*'
    name: str
    const: bool
    pointer: bool

    def spelled(self) -> str:
        return f"{'const ' if self.const else ''}{self.ctype} {'*' if self.pointer else ''}{self.name}"


@dataclass
class Proto:
    ret: str
    name: str
    params: list[Param]


@dataclass
class Step:
    kind: str  # bytes, cps, out_array, out_n, out_one, scalar
    params: list[Param]


def cdef_block(header: Path = HEADER) -> str:
    """The CDEF block without comments."""
    match = re.search(r"/\* CDEF BEGIN \*/(.*?)/\* CDEF END \*/", header.read_text(), re.S)
    if not match:
        raise SystemExit(f"{header} has no CDEF block")
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", match.group(1), flags=re.S)


def _param(text: str) -> Param:
    text = " ".join(text.split())
    const = text.startswith("const ")
    text = text.removeprefix("const ").replace(" const", "")
    pointer = "*" in text
    match = re.fullmatch(r"([\w ]+?)\s*\*?\s*(\w+)", text.replace("*", " * ").strip().replace(" * ", " *"))
    if not match:
        raise ValueError(f"cannot read parameter {text!r}")
    return Param(match.group(1).strip(), match.group(2), const, pointer)


def prototypes(block: str) -> list[Proto]:
    """Function prototypes in C declarations (typedef bodies skipped)."""
    block = re.sub(r"typedef\s+struct\s*\{.*?\}\s*\w+\s*;", "", block, flags=re.S)
    block = re.sub(r"#define[^\n]*", "", block)
    found = []
    for match in re.finditer(r"([\w \*]+?)\s*\b(\w+)\s*\(([^)]*)\)\s*;", block):
        params = [p for p in match.group(3).split(",") if p.strip() and p.strip() != "void"]
        found.append(Proto(" ".join(match.group(1).split()), match.group(2), [_param(p) for p in params]))
    return found


def plan(params: list[Param], name: str = "tr_y") -> list[Step]:
    """How a generic target fills each parameter (ValueError when no rule fits)."""
    steps, i = [], 0
    while i < len(params):
        p = params[i]
        nxt = params[i + 1] if i + 1 < len(params) else None
        with_len = nxt is not None and not nxt.pointer and nxt.ctype == "size_t"
        if p.pointer and p.const and p.ctype in BYTE_TYPES and with_len:
            steps.append(Step("bytes", [p, nxt]))
            i += 2
        elif p.pointer and p.const and p.ctype in CP_TYPES and with_len:
            steps.append(Step("cps", [p, nxt]))
            i += 2
        elif p.pointer and not p.const and with_len:
            steps.append(Step("out_array", [p, nxt]))
            i += 2
        elif p.pointer and not p.const and (p.ctype in BYTE_TYPES or p.ctype in CP_TYPES) and p.name.startswith("out"):
            # The project's convention: an output text buffer holds as many
            # units as the input (write a target when a function needs more).
            steps.append(Step("out_n", [p]))
            i += 1
        elif p.pointer and not p.const:
            steps.append(Step("out_one", [p]))
            i += 1
        elif not p.pointer and p.ctype in INT_TYPES:
            steps.append(Step("scalar", [p]))
            i += 1
        else:
            raise ValueError(f"no generic rule for {p.spelled()!r} (write FUZZ_TARGET({name}) in fuzz/targets.c)")
    return steps


VARIANTS = 3  # caps 0, generous, generous; scalars 0, 1, the first input byte


def generic_target(proto: Proto, steps: list[Step]) -> str:
    """C source of a generic target: the entry point called VARIANTS ways."""
    lines = [f"static void fuzz_{proto.name}(const uint8_t *data, size_t size)", "{",
             "    size_t ncps;", "    uint32_t *cps = fuzz_decode(data, size, &ncps);",
             f"    for (int variant = 0; variant < {VARIANTS}; variant++) {{",
             "        size_t units = size;  /* the input's length in its own units */"]
    args, frees = [], []
    for k, step in enumerate(steps):
        p = step.params[0]
        if step.kind == "bytes":
            args += [f"({'const ' if p.const else ''}{p.ctype} *)data", "size"]
        elif step.kind == "cps":
            lines.append("        units = ncps;")
            args += [f"({p.ctype} *)cps", "ncps"]
        elif step.kind == "out_array":
            lines.append(f"        size_t cap{k} = variant == 0 ? 0 : 4 * units + 16;")
            lines.append(f"        {p.ctype} *a{k} = fuzz_alloc(cap{k} * sizeof *a{k});")
            args += [f"a{k}", f"cap{k}"]
            frees.append(f"a{k}")
        elif step.kind == "out_n":
            lines.append(f"        {p.ctype} *a{k} = fuzz_alloc(units * sizeof *a{k});")
            args.append(f"a{k}")
            frees.append(f"a{k}")
        elif step.kind == "out_one":
            lines.append(f"        {p.ctype} *a{k} = fuzz_alloc(sizeof *a{k});")
            lines.append(f"        memset(a{k}, 0, sizeof *a{k});")
            args.append(f"a{k}")
            frees.append(f"a{k}")
        elif step.kind == "scalar":
            args.append(f"({p.ctype})(variant == 2 && size ? data[0] : variant)")
    lines.append(f"        (void){proto.name}({', '.join(args)});")
    lines += [f"        free({name});" for name in frees]
    lines += ["    }", "    free(cps);", "}", ""]
    return "\n".join(lines)


def hand_written(folder: Path = HERE) -> list[str]:
    """Entry points with a FUZZ_TARGET in fuzz/targets*.c, in file order."""
    names: list[str] = []
    for path in sorted(folder.glob("targets*.c")):
        names += re.findall(r"^FUZZ_TARGET\((\w+)\)", path.read_text(), re.M)
    return names


def registry(header: Path = HEADER, folder: Path = HERE) -> tuple[str, list[str], list[str]]:
    """(C source of the registry, names of generic targets, uncovered entry
    points) for the header's CDEF block and the targets*.c files in folder."""
    own = hand_written(folder)
    generic, uncovered, bodies = [], [], []
    for proto in prototypes(cdef_block(header)):
        if proto.name in own:
            continue
        try:
            steps = plan(proto.params, proto.name)
        except ValueError as exc:
            uncovered.append(f"{proto.name}: {exc}")
            continue
        bodies.append(generic_target(proto, steps))
        generic.append(proto.name)
    out = ["/* Generated by fuzz/gen_targets.py from native/textrepair.h: do not edit. */",
           "#include <stdlib.h>", "#include <string.h>", '#include "harness.h"', '#include "textrepair.h"', ""]
    out += [f"void fuzz_{name}(const uint8_t *data, size_t size);" for name in own]
    out += [""] + bodies
    out.append("const fuzz_target fuzz_targets[] = {")
    out += [f'    {{"{name}", fuzz_{name}, 0}},' for name in own]
    out += [f'    {{"{name}", fuzz_{name}, 1}},' for name in generic]
    if not own and not generic:
        out.append('    {"none", 0, 0},')
    out += ["};", f"const size_t fuzz_target_count = {len(own) + len(generic)};", ""]
    return "\n".join(out), generic, uncovered


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if not a.startswith("--")]
    source, generic, uncovered = registry()
    if paths:
        target = Path(paths[0])
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != source:
            target.write_text(source)
    print(f"fuzz targets: {', '.join(hand_written())}"
          + (f"; generic: {', '.join(generic)}" if generic else ""), file=sys.stderr)
    for line in uncovered:
        print(f"UNCOVERED entry point {line}", file=sys.stderr)
    return 1 if check and uncovered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
