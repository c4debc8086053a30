"""The C core's fuzz harness and memory check (issue 7).

Every C entry point has a fuzz target; the memory check (valgrind memcheck,
or AddressSanitizer + LeakSanitizer) over every target and the seed corpus
finds no leak or invalid access; a generic target synthesised for a new
entry point catches a buffer overflow in it.  The timed fuzz run itself is
``fuzz/run.sh`` (CI runs a one-minute smoke run).  Tests that need a C
compiler or valgrind skip without them.

Nothing here limits wall-clock time, which a loaded machine can exceed:
child processes get a limit on CPU seconds (work done) as a guard against a
hang, and every build, corpus and failing input goes to a temporary folder,
never into the checkout."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

pytestmark = pytest.mark.single_backend  # C only: no backend to switch

sys.path.insert(0, str(ROOT / "fuzz"))
import gen_targets  # noqa: E402

GCC = shutil.which(os.environ.get("CC", "gcc"))
needs_gcc = pytest.mark.skipif(GCC is None, reason="no C compiler")


def test_every_entry_point_has_a_target():
    source, generic, uncovered = gen_targets.registry()
    assert uncovered == []
    names = [p.name for p in gen_targets.prototypes(gen_targets.cdef_block())]
    assert names, "the CDEF block declares no function"
    for name in names:
        assert f'{{"{name}", fuzz_{name},' in source
    # tr_utf8_decode is exported outside the CDEF block: it has its own target.
    assert "tr_utf8_decode" in gen_targets.hand_written()


def test_prototypes_are_read_from_the_header():
    protos = {p.name: p for p in gen_targets.prototypes(gen_targets.cdef_block())}
    remove = protos["tr_remove_annotations"]
    assert [p.name for p in remove.params] == ["s", "n", "found", "count", "eat_space", "out"]
    assert remove.params[2].const and remove.params[2].pointer and remove.params[2].ctype == "tr_annotation"


#: CPU seconds a child process may use: a hang guard that counts work, not time.
CPU_SECONDS = 3600


def _limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, preexec_fn=_limit_cpu, **kwargs)


@needs_gcc
@pytest.mark.parametrize("tool", ["valgrind", "lsan"])
def test_memcheck_finds_no_leak_or_invalid_access(tool, tmp_path):
    if tool == "valgrind" and shutil.which("valgrind") is None:
        pytest.skip("valgrind not installed")
    done = _run(["bash", str(ROOT / "fuzz" / "memcheck.sh")], cwd=tmp_path,
                env={**os.environ, "MEMCHECK": tool, "MEMCHECK_OUT": str(tmp_path / "memcheck")})
    assert done.returncode == 0, done.stderr[-4000:]
    assert "replayed" in done.stderr and "no crash" in done.stderr
    assert "ERROR SUMMARY" not in done.stderr and "ERROR: LeakSanitizer" not in done.stderr


FAKE_PROTOTYPES = """
/* ---- fake.c: an entry point the harness has no hand-written target for -- */
size_t tr_fake_copy(const uint8_t *s, size_t n, uint8_t *out, int mode);
int tr_fake_runs(const uint32_t *t, size_t n, tr_mojibake_run *out, size_t cap, size_t *found);
"""

FAKE_SOURCE = r"""
#include <string.h>
#include "textrepair.h"
size_t tr_fake_copy(const uint8_t *s, size_t n, uint8_t *out, int mode)
{
    memcpy(out, s, n);
    if (mode == 1 && n > 0 && OVERFLOW) out[n] = 0;  /* the planted bug */
    return n;
}
int tr_fake_runs(const uint32_t *t, size_t n, tr_mojibake_run *out, size_t cap, size_t *found)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '?') {
            if (k < cap) { out[k].start_char = i; out[k].end_char = i + 1; out[k].kind = 1; }
            k++;
        }
    *found = k;
    return 0;
}
"""


def _build_with_fake(tmp_path: Path, overflow: bool) -> Path:
    """The ASan harness for a header that declares two more entry points."""
    header = (ROOT / "native" / "textrepair.h").read_text()
    header = header.replace("/* CDEF END */", FAKE_PROTOTYPES + "/* CDEF END */")
    (tmp_path / "textrepair.h").write_text(header)
    (tmp_path / "fake.c").write_text(FAKE_SOURCE.replace("OVERFLOW", "1" if overflow else "0"))
    source, generic, uncovered = gen_targets.registry(tmp_path / "textrepair.h")
    _src, real_generic, _unc = gen_targets.registry(ROOT / "native" / "textrepair.h")
    assert generic == real_generic + ["tr_fake_copy", "tr_fake_runs"] and uncovered == []
    (tmp_path / "registry.c").write_text(source)
    gen = ROOT / "native" / "gen_tables.py"
    _run([sys.executable, str(gen), str(tmp_path / "tables.c")]).check_returncode()
    sources = [*sorted((ROOT / "native").glob("*.c")), tmp_path / "tables.c", tmp_path / "fake.c",
               ROOT / "fuzz" / "harness.c", *sorted((ROOT / "fuzz").glob("targets*.c")), tmp_path / "registry.c",
               ROOT / "fuzz" / "driver.c"]
    binary = tmp_path / "replay"
    done = _run([GCC, "-std=c99", "-g", "-O1", "-fsanitize=address,undefined", f"-I{tmp_path}",
                 f"-I{ROOT / 'native'}", f"-I{ROOT / 'fuzz'}", *map(str, sources), "-o", str(binary), "-lm"])
    assert done.returncode == 0, done.stderr
    return binary


@needs_gcc
@pytest.mark.parametrize("overflow", [False, True], ids=["correct", "overflowing"])
def test_generic_target_of_a_new_entry_point(tmp_path, overflow):
    binary = _build_with_fake(tmp_path, overflow)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "a").write_bytes("數(shù)?字?!".encode())
    (inputs / "b").write_bytes(b"\x01\xff?")
    env = {**os.environ, "FUZZ_TARGET": "tr_fake_copy,tr_fake_runs", "ASAN_OPTIONS": "detect_leaks=1"}
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    done = _run([str(binary), "-replay", "-timeout=0", f"-artifact_prefix={artifacts}/", str(inputs)], env=env,
                cwd=tmp_path)
    if overflow:
        assert done.returncode != 0
        assert "heap-buffer-overflow" in done.stderr and "tr_fake_copy" in done.stderr
        assert [p.name.startswith("crash-") for p in artifacts.iterdir()] == [True]
    else:
        assert done.returncode == 0, done.stderr
