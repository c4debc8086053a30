"""The command under failure (issue 19, items 5 and 6): workers die with their
parent, a file cut while being read, exit codes and messages, a C core that
failed to build, the progress line."""

from __future__ import annotations

import importlib.util
import io
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import textrepair
from helpers import ROOT
from textrepair import _backend, cli
from textrepair import _streaming as streaming
from textrepair.cli import main

# Some tests start the command as a fresh process, which reads the backend
# from TEXTREPAIR_BACKEND, not from the in-process switch (CI forces it).
pytestmark = pytest.mark.spawns

needs_fork = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                                reason="planted by monkeypatching, which only forked workers inherit")
needs_proc = pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task"), reason="needs Linux /proc")
#: Only a guard against hanging forever when the behaviour is broken; the
#: processes end within milliseconds when it works.
HANG_GUARD = 600


def run(argv, stdin=b"", stdout=None, stderr=None):
    out, err = stdout or io.BytesIO(), stderr or io.StringIO()
    status = main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def _env():
    src = os.path.dirname(os.path.dirname(textrepair.__file__))
    return dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))


# ---------------------------------------------------------------- workers die with their parent


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie may wait for a reaper that never comes)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@needs_proc
def test_workers_die_when_the_main_process_is_killed(tmp_path):
    records = b"".join(json.dumps({"n": i, "text": "數(shù)字"}).encode() + b"\n" for i in range(40000))
    process = subprocess.Popen([sys.executable, "-m", "textrepair", "--jsonl", "-j", "2", "-o",
                                str(tmp_path / "out.jsonl")], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_env())
    process.stdin.write(records)  # more than a chunk: the pool starts, then the command waits for more
    process.stdin.flush()
    workers: list[int] = []
    while len(workers) < 2:
        assert process.poll() is None, process.stderr.read()
        workers = _children(process.pid)
        time.sleep(0.05)
    assert all(_running(pid) for pid in workers)
    process.kill()  # SIGKILL: the pool gets no chance to stop its workers
    process.wait()
    process.stdin.close()
    start = time.monotonic()
    while any(_running(pid) for pid in workers) and time.monotonic() - start < HANG_GUARD:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers), "workers outlived their parent"


def _orphan_check(parent: int, queue) -> None:
    streaming._die_with_parent(parent)
    queue.put("still here")


def test_a_worker_whose_parent_is_already_gone_exits():
    # The race before PR_SET_PDEATHSIG takes effect: the parent named is not ours.
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if context is None:
        pytest.skip("needs fork")
    queue = context.SimpleQueue()
    child = context.Process(target=_orphan_check, args=(os.getpid() + 1 if os.getpid() > 2 else 3, queue))
    child.start()
    child.join()
    assert child.exitcode == 1 and queue.empty()
    child = context.Process(target=_orphan_check, args=(os.getpid(), queue))
    child.start()
    child.join()
    assert child.exitcode == 0 and queue.get() == "still here"


# ---------------------------------------------------------------- a file cut while being read


@needs_fork
def test_file_truncated_while_read_with_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 4096)
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join(json.dumps({"n": i, "text": "數(shù)據(jù)" if i % 3 else "乾淨"}).encode() + b"\n"
                              for i in range(2000)))
    original = streaming._chunks
    read: list[bytes] = []

    def shrinking(handle, size, boundary):
        for n, data in enumerate(original(handle, size, boundary)):
            if n == 3:  # read here, not yet by the workers: they find the file changed
                os.truncate(path, 5000)
            read.append(data)
            yield data

    monkeypatch.setattr(streaming, "_chunks", shrinking)
    status, out, err = run(["--jsonl", "-j", "2", str(path)])
    monkeypatch.setattr(streaming, "_chunks", original)
    got = b"".join(read)
    assert status == 3 and len(got) > 4 * 4096
    # Every record read before the cut is written, as -j 1 repairs those bytes.
    assert out == run(["--jsonl"], got)[1]
    line = got.count(b"\n") + 1
    # The cut may fall inside a record: that line is then reported as invalid JSON too.
    assert re.search(rf"(^|\n)textrepair: {re.escape(str(path))}:{line}: the input ended at byte {len(got):,}, "
                        r"short of the [\d,]+ bytes it had when opened: the file shrank while being read; "
                        r"everything before was processed\n$", err), err


def test_file_shrunk_before_the_end_is_reported_without_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 64)
    path = tmp_path / "a.txt"
    path.write_bytes("數(shù)據(jù)\n".encode() * 5000)  # more than the reader's buffer
    original = streaming._chunks

    def shrinking(handle, size, boundary):
        for n, data in enumerate(original(handle, size, boundary)):
            if n == 0:
                os.truncate(path, 64)
            yield data

    monkeypatch.setattr(streaming, "_chunks", shrinking)
    status, out, err = run(["--unit", "line", str(path)])
    assert status == 3 and out.decode().count("數據\n") == out.decode().count("\n") > 0
    assert f"{path}:" in err and "shrank while being read" in err


# ---------------------------------------------------------------- exit codes and messages


def test_readme_exit_table_lists_every_exit_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit status", 1)[1].split("\n\n", 2)[1]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)]
    constants = sorted(value for name, value in vars(cli).items() if name.startswith("EXIT_") and isinstance(value, int))
    assert documented == constants == [0, 1, 2, 3, 4, 5, 130, 141]
    for code in constants:
        assert re.search(rf"^  {code} ", cli.EXIT_HELP, re.M), code


def test_worker_death_is_exit_5_in_the_table():
    assert cli.EXIT_WORKER_DIED == 5 and "a worker process (-j) died" in cli.EXIT_HELP


# ---------------------------------------------------------------- a C core that failed to build


def _setup_module():
    spec = importlib.util.spec_from_file_location("textrepair_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # setup() itself runs only as __main__
    return module


def test_failed_c_build_is_written_into_the_built_package(tmp_path, monkeypatch, capfd):
    from setuptools import Distribution, Extension

    setup_py = _setup_module()
    monkeypatch.delenv("TEXTREPAIR_REQUIRE_C", raising=False)
    broken = tmp_path / "broken.c"
    broken.write_text("#error a planted compile error\n")
    dist = Distribution({"name": "textrepair", "ext_modules": [Extension("textrepair._speedups", [str(broken)])],
                         "cmdclass": {"build_ext": setup_py.OptionalBuildExt}})
    command = dist.get_command_obj("build_ext")
    command.build_lib, command.build_temp = str(tmp_path / "lib"), str(tmp_path / "temp")
    monkeypatch.chdir(tmp_path)
    command.ensure_finalized()
    command.run()
    note = (tmp_path / "lib" / "textrepair" / "_build.txt").read_text(encoding="utf-8")
    assert note.startswith("failed: CompileError: ") and note.endswith("\n")
    assert "C core not built (CompileError" in capfd.readouterr().err
    # A later build that works removes the note.
    broken.write_text("int textrepair_ok(void) { return 1; }\n")
    command = dist.reinitialize_command("build_ext")
    command.build_lib, command.build_temp = str(tmp_path / "lib"), str(tmp_path / "temp")
    command.ensure_finalized()
    command.run()
    assert not (tmp_path / "lib" / "textrepair" / "_build.txt").exists()


def _package_without_c_core(tmp_path: Path, note: str | None) -> Path:
    """A copy of the installed package as an install whose C build failed would leave it."""
    where = tmp_path / "site"
    shutil.copytree(Path(textrepair.__file__).parent, where / "textrepair",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__", "_build.txt"))
    if note is not None:
        (where / "textrepair" / "_build.txt").write_text(note + "\n", encoding="utf-8")
    return where


def _python(site: Path, code_or_args: list[str], **env: str):
    environment = {k: v for k, v in os.environ.items() if k not in ("TEXTREPAIR_BACKEND", "PYTHONWARNINGS")}
    environment.update(PYTHONPATH=str(site), **env)
    return subprocess.run([sys.executable, *code_or_args], capture_output=True, text=True, env=environment,
                          cwd=site)


def test_import_warns_once_and_version_says_why(tmp_path):
    site = _package_without_c_core(tmp_path, "failed: CompileError: command 'gcc' failed: No such file or directory")
    done = _python(site, ["-c", "import textrepair, importlib; importlib.reload(textrepair); print(textrepair.BACKEND)"])
    assert done.stdout == "python\n"
    assert done.stderr.count("CoreNotBuiltWarning") == 1
    assert ("textrepair: C core not built at install: CompileError: command 'gcc' failed: No such file or directory"
            in done.stderr)
    version = _python(site, ["-W", "ignore", "-m", "textrepair", "--version"])
    assert version.stdout == (f"textrepair {textrepair.__version__} (backend: python; C core not built at install: "
                              "CompileError: command 'gcc' failed: No such file or directory)\n")
    # Asked for Python: no warning.
    forced = _python(site, ["-c", "import textrepair"], TEXTREPAIR_BACKEND="python")
    assert forced.stderr == ""
    forced = _python(site, ["-m", "textrepair", "--version"], TEXTREPAIR_BACKEND="python")
    assert forced.stdout.endswith("(backend: python; TEXTREPAIR_BACKEND=python)\n") and forced.stderr == ""


def test_build_skipped_at_install_does_not_warn(tmp_path):
    site = _package_without_c_core(tmp_path, "skipped: TEXTREPAIR_BACKEND=python at install")
    done = _python(site, ["-m", "textrepair", "--version"])
    assert done.stderr == ""
    assert done.stdout.endswith("(backend: python; C core not built: TEXTREPAIR_BACKEND=python at install)\n")


@pytest.mark.single_backend
def test_version_names_the_c_backend_plainly():
    if _backend.BACKEND != "c":
        pytest.skip("the C core is not built here")
    assert cli._version() == f"textrepair {textrepair.__version__} (backend: c)"


# ---------------------------------------------------------------- progress


class Tty(io.StringIO):
    def isatty(self):
        return True


class TtyBytes(io.BytesIO):
    def isatty(self):
        return True


def test_progress_shows_elapsed_total_and_eta():
    progress = streaming._Progress(Tty(), 40 * streaming.MIB, True)
    progress.advance(10 * streaming.MIB)
    progress.records = 1234
    line = progress.line(progress.start + 20)
    assert line == "textrepair:  25.0% of 40.0 MiB, 1,234 records, 0.5 MiB/s, 0:20 elapsed, ETA 1:00"
    unknown = streaming._Progress(Tty(), None, True)
    unknown.advance(3 * streaming.MIB)
    assert unknown.line(unknown.start + 65) == "textrepair: 3.0 MiB, 0 records, 0.0 MiB/s, 1:05 elapsed"


def test_progress_line_is_cleared_before_a_message(monkeypatch):
    monkeypatch.setattr(streaming._Progress, "record", lambda self, count: self._show(time.monotonic()))
    monkeypatch.setattr(streaming, "CHUNK", 8)  # a chunk per line
    err = Tty()
    status, out, _ = run(["--jsonl"], b'{"text": "\xe6\x95\xb8(sh\xc3\xb9)"}\noops\n{"text": "a"}\n', stderr=err)
    assert status == 3
    shown = err.getvalue()
    # The message starts on a clean line: the progress line was erased first.
    message = "textrepair: <stdin>:2: invalid JSON"
    before = shown[: shown.index(message)]
    assert before.endswith("\r") and before.rstrip("\r").endswith(" ") and "\rtextrepair: " in before


def test_no_progress_when_the_text_goes_to_the_same_terminal():
    err = Tty()
    status, out, _ = run([], "數(shù)據(jù)\n".encode(), stdout=TtyBytes(), stderr=err)
    assert (status, out.decode(), err.getvalue()) == (0, "數據\n", "")
    err = Tty()
    status, _out, _ = run(["-o", "-"], "數(shù)據(jù)\n".encode(), stdout=io.BytesIO(), stderr=err)
    assert err.getvalue().startswith("\rtextrepair: ")
