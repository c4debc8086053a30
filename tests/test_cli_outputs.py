"""Where the command writes (issue 19, item 1): never harm what is at the path.

A regular file is replaced atomically and keeps its mode and owner; a
symbolic link is followed; a FIFO, a socket or a device is written straight
through and stays what it was; a directory is an error before anything is
read.  Devices are made with ``mknod`` in a temporary folder (root only),
never the machine's own ``/dev`` entries.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import subprocess
import sys
import threading

import pytest

import textrepair
from helpers import read_seed
from textrepair.cli import main

# Some tests start the command as a fresh process, which reads the backend
# from TEXTREPAIR_BACKEND, not from the in-process switch (CI forces it).
pytestmark = pytest.mark.spawns

DAMAGED = "我國數(shù)字經(jīng)濟\n"
FIXED = "我國數字經濟\n"
#: What each output holds for DAMAGED.
MARK = {"-o": "數字經濟", "--explain": '"kind": "pinyin-annotation"'}
needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="mknod of a character device needs root")


def run(argv, stdin=DAMAGED):
    out, err = io.BytesIO(), io.StringIO()
    status = main(argv, stdin=io.BytesIO(stdin.encode()), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def char_device(path, major, minor):
    """A character device node in the test's folder, like the machine's (1, 3) null or (1, 7) full."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(major, minor))
    return path


@pytest.mark.parametrize("flag", ["-o", "--explain"])
def test_regular_file_keeps_mode_and_owner(tmp_path, flag):
    dest = tmp_path / "out.txt"
    dest.write_text("old\n", encoding="utf-8")
    os.chmod(dest, 0o600)
    if os.geteuid() == 0:
        os.chown(dest, 1234, 5678)
    before = dest.stat()
    status, out, err = run([flag, str(dest)])
    assert (status, err) == (0, "")
    after = dest.stat()
    assert stat.S_IMODE(after.st_mode) == 0o600 and stat.S_ISREG(after.st_mode)
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert after.st_ino != before.st_ino  # replaced by rename, not rewritten in place
    assert MARK[flag] in dest.read_text(encoding="utf-8") and sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_new_file_gets_the_umask_mode(tmp_path):
    dest = tmp_path / "new.txt"
    umask = os.umask(0o027)
    try:
        assert run(["-o", str(dest)])[0] == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640 and dest.read_text(encoding="utf-8") == FIXED


@pytest.mark.parametrize("flag", ["-o", "--explain"])
def test_symlink_is_followed_to_its_target(tmp_path, flag):
    target = tmp_path / "real.txt"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    status, _out, err = run([flag, str(link)])
    assert (status, err) == (0, "")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert MARK[flag] in target.read_text(encoding="utf-8") and stat.S_IMODE(target.stat().st_mode) == 0o640
    # A dangling link: its target is created.
    dangling = tmp_path / "dangling"
    dangling.symlink_to("made.txt")
    assert run([flag, str(dangling)])[0] == 0
    assert dangling.is_symlink() and MARK[flag] in (tmp_path / "made.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("flag", ["-o", "--explain"])
def test_fifo_is_written_straight_through(tmp_path, flag):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    status, _out, err = run([flag, str(fifo)])
    reader.join()
    assert (status, err) == (0, "")
    assert MARK[flag].encode() in got[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_socket_is_written_straight_through(tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got = []

    def serve():
        connection, _ = server.accept()
        with connection:
            chunks = []
            while data := connection.recv(65536):
                chunks.append(data)
            got.append(b"".join(chunks))

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        status, _out, err = run(["-o", str(path)])
        thread.join()
    finally:
        server.close()
    assert (status, err) == (0, "")
    assert got == [FIXED.encode()] and stat.S_ISSOCK(os.lstat(path).st_mode)


@needs_root
@pytest.mark.parametrize("flag", ["-o", "--explain"])
def test_character_device_stays_a_device(tmp_path, flag):
    # The same major/minor as the machine's null device, made in tmp_path.
    device = char_device(tmp_path / "null", 1, 3)
    status, _out, err = run([flag, str(device)], read_seed("000"))
    assert (status, err) == (0, "")
    mode = os.lstat(device).st_mode
    assert stat.S_ISCHR(mode) and os.major(os.lstat(device).st_rdev) == 1 and os.minor(os.lstat(device).st_rdev) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]
    # A symbolic link to it: the device is written, and the link stays.
    link = tmp_path / "link"
    link.symlink_to(device)
    assert run([flag, str(link)])[0] == 0 and link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)


@needs_root
def test_full_device_is_exit_4_with_a_message(tmp_path):
    device = char_device(tmp_path / "full", 1, 7)
    status, out, err = run(["-o", str(device)], read_seed("000"))
    assert (status, out, err) == (4, b"", f"textrepair: {device}: cannot write: No space left on device\n")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def _command(argv, stdout, tmp_path):
    src = os.path.dirname(os.path.dirname(textrepair.__file__))
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "textrepair", *argv], stdout=stdout, stderr=subprocess.PIPE,
                          env=env, cwd=tmp_path)


@needs_root
@pytest.mark.parametrize("argv", [["--check"], [], ["--help"], ["--explain", "-"]])
def test_full_standard_output_is_exit_4_without_a_traceback(tmp_path, argv):
    # `textrepair --check page.txt > /dev/full`, with a full device of our own.
    device = char_device(tmp_path / "full", 1, 7)
    page = tmp_path / "page.txt"
    page.write_text(read_seed("000"), encoding="utf-8")
    with open(device, "wb") as full:
        done = _command([*argv, str(page)], full, tmp_path)
    assert done.returncode == 4
    assert done.stderr == b"textrepair: <stdout>: cannot write: No space left on device\n"


def test_full_standard_output_in_process():
    class Full(io.BytesIO):
        def write(self, data):
            raise OSError(28, "No space left on device")

    for argv in (["--check"], ["--help"], ["--version"], []):
        err = io.StringIO()
        status = main(argv, stdin=io.BytesIO(DAMAGED.encode()), stdout=Full(), stderr=err)
        assert (status, err.getvalue()) == (4, "textrepair: <stdout>: cannot write: No space left on device\n")


@pytest.mark.parametrize("flag", ["-o", "--explain"])
def test_directory_is_exit_4_before_reading(tmp_path, flag):
    read = []

    class Watched(io.BytesIO):
        def read(self, *a):
            read.append(1)
            return super().read(*a)

    err = io.StringIO()
    status = main([flag, str(tmp_path)], stdin=Watched(DAMAGED.encode()), stdout=io.BytesIO(), stderr=err)
    assert (status, err.getvalue()) == (4, f"textrepair: {tmp_path}: cannot write: Is a directory\n")
    assert read == [] and list(tmp_path.iterdir()) == []


def test_explain_and_output_through_a_link_to_the_same_file(tmp_path):
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to("a.txt")
    status, _out, err = run(["-o", str(tmp_path / "a.txt"), "--explain", str(tmp_path / "b.txt")])
    assert (status, err) == (2, "textrepair: error: --explain and -o name the same file\n")


def test_file_this_user_may_not_write_stays(tmp_path, monkeypatch):
    dest = tmp_path / "locked.txt"
    dest.write_text("old\n", encoding="utf-8")
    os.chmod(dest, 0o444)
    real_access = os.access
    if os.geteuid() == 0:  # root may write anything: act as a user who may not write this file
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(dest) else real_access(p, mode))
    status, out, err = run(["-o", str(dest)])
    assert (status, err) == (4, f"textrepair: {dest}: cannot write: Permission denied\n")
    assert dest.read_text(encoding="utf-8") == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["locked.txt"]
