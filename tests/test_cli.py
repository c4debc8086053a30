"""The command, run in-process: plain text, files, -o, options, usage."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zlib
from dataclasses import dataclass
from typing import Literal

import pytest

import textrepair
from helpers import SEEDS, read_seed
from textrepair import _streaming as streaming
from textrepair import cli
from textrepair.cli import main


class Tty(io.StringIO):
    def isatty(self):
        return True


def run(argv, stdin=b"", stderr=None):
    out, err = io.BytesIO(), stderr if stderr is not None else io.StringIO()
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    status = main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue().decode("utf-8", "surrogateescape"), err.getvalue()


def test_stdin_to_stdout():
    assert run([], "數(shù)字經(jīng)濟\n") == (0, "數字經濟\n", "")


def test_dash_reads_stdin_between_files(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("數(shù)據(jù)\n", encoding="utf-8")
    b.write_text("干淨\n", encoding="utf-8")
    assert run([str(a), "-", str(b)], "經(jīng)濟(jì)\n") == (0, "數據\n經濟\n干淨\n", "")


def test_bom_removed_at_file_start_only(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "數(shù)據(jù)\n".encode())
    assert run([str(path)]) == (0, "數據\n", "")


def test_seed_pages_match_the_library():
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        assert run([str(path)])[:2] == (0, textrepair.repair(text))


def test_script_option_and_generated_flags():
    assert run(["--script", "simplified"], "數據\n")[1] == "数据\n"
    assert run(["--no-annotations"], "數(shù)據(jù)\n")[1] == "數(shù)據(jù)\n"
    assert run(["--annotations"], "數(shù)據(jù)\n")[1] == "數據\n"


def test_help_lists_every_option_field_and_exit_codes():
    status, out, err = run(["--help"])
    assert status == 0 and err == ""
    for f in textrepair.Options.__dataclass_fields__:
        assert "--" + f.replace("_", "-") in out
    assert "--no-annotations" in out and "--script {keep,simplified,traditional,auto}" in out
    assert "3    some input was bad" in out


def test_version_names_backend():
    from textrepair import _backend

    status, out, _ = run(["--version"])
    why = f"; {_backend.REASON}" if textrepair.BACKEND != "c" and _backend.REASON else ""
    assert status == 0 and out == f"textrepair {textrepair.__version__} (backend: {textrepair.BACKEND}{why})\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--script", "nope"], "argument --script: 'nope' is not one of keep, simplified, traditional, auto"),
        (["-j", "-1"], "-j must be 0 or more, not -1"),
        (["--check", "-o", "x.txt"], "--check writes no repaired text; leave out -o"),
        (["--explain", "same.txt", "-o", "same.txt"], "--explain and -o name the same file"),
        (["--encoding", "klingon"], "unknown encoding 'klingon'"),
        (["--encoding", "utf-16"], "utf-16 is not ASCII-compatible: use --unit file, or convert with iconv"),
        (["--encoding", "hex"], "hex cannot decode text here: 'hex' is not a text encoding; use codecs.decode() "
                                "to handle arbitrary codecs"),
        (["--encoding", "idna"], "idna cannot decode text here: decoding with 'idna' codec failed (UnicodeError: "
                                 "Unsupported error handling textrepair.escape)"),
        (["-", "-"], "standard input ('-') can be read only once"),
        (["--block-size", "0"], "argument --block-size: not a size: '0'"),
    ],
)
def test_bad_usage(argv, message):
    status, out, err = run(argv)
    assert status == 2 and out == ""
    assert err.endswith(f"textrepair: error: {message}\n")


def test_bad_option_value_from_options_class(monkeypatch):
    # Options' own validation errors are usage errors too.
    def refuse(**kwargs):
        raise ValueError("script must be one of keep")

    monkeypatch.setattr(cli.Options, "from_kwargs", staticmethod(refuse))
    assert run([]) == (2, "", "textrepair: error: script must be one of keep\n")


@dataclass(frozen=True)
class Wider(textrepair.Options):
    """Options as later stages will extend them.

    * ``boilerplate``: drop share widgets and footers.
    * ``mode``: a choice.
    * ``extra_spam_patterns``: more spam.
    * ``limit``: a number.
    """

    boilerplate: bool = True
    mode: Literal["fast", "exact"] = "fast"
    extra_spam_patterns: tuple[str, ...] = ()
    limit: int = 3
    stats: bool = False  # named like a command flag


def test_flags_follow_options_fields(monkeypatch):
    monkeypatch.setattr(cli, "Options", Wider)
    parser = cli._parser(io.BytesIO(), io.StringIO())
    args = parser.parse_args(["--no-boilerplate", "--mode", "exact", "--extra-spam-patterns", "a+",
                              "--extra-spam-patterns", "b", "--limit", "7", "--script", "auto",
                              "--option-stats", "--stats"])
    options = cli._options_from(args)
    assert options == Wider(boilerplate=False, mode="exact", extra_spam_patterns=("a+", "b"), limit=7,
                            script="auto", stats=True)
    assert args.stats is True
    assert cli._options_from(parser.parse_args([])) == Wider()
    help_text = parser.format_help()
    assert "drop share widgets and footers. (default: on)" in help_text
    assert "{fast,exact}" in help_text and "(repeatable)" in help_text


def test_encoding_flag(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("數(shù)據(jù)\n".encode("gbk"))
    assert run(["--encoding", "gbk", str(path)]) == (0, "數據\n", "")


def test_missing_file_reported_and_others_flow(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("數(shù)據(jù)\n", encoding="utf-8")
    status, out, err = run([str(tmp_path / "missing.txt"), str(good)])
    assert (status, out) == (3, "數據\n")
    assert err == f"textrepair: {tmp_path / 'missing.txt'}: cannot read: No such file or directory\n"


def test_directory_is_unreadable(tmp_path):
    status, out, err = run([str(tmp_path)], "x")
    assert (status, out, err) == (3, "", f"textrepair: {tmp_path}: cannot read: Is a directory\n")


def test_undecodable_bytes_become_replacement_and_the_rest_is_repaired(tmp_path):
    # Item 3 of issue 19: one bad byte no longer stops the repair of its unit,
    # and the output is UTF-8 whatever the input held.
    bad = tmp_path / "bad.txt"
    data = "數(shù)據(jù)\n".encode() + b"ok \xff done\n"
    bad.write_bytes(data)
    out, err = io.BytesIO(), io.StringIO()
    status = main([str(bad)], stdout=out, stderr=err)
    assert status == 3 and out.getvalue().decode("utf-8") == "數據\nok \ufffd done\n"
    assert out.getvalue().decode("utf-8") == textrepair.repair_bytes(data)
    assert err.getvalue() == (f"textrepair: {bad}:2: cannot decode 0xff (byte 4 of the line) as UTF-8: "
                              "invalid start byte; replaced by U+FFFD\n")
    # --drop-bad leaves out bad records; undecodable bytes are repaired, not dropped.
    assert run(["--drop-bad", str(bad)])[:2] == (3, "數據\nok \ufffd done\n")


def test_undecodable_edit_keeps_the_original_bytes(tmp_path):
    bad = tmp_path / "bad.txt"
    data = "數(shù)據\n".encode() + b"ok \xfe\xff done\n" + "經(jīng)濟\n".encode()
    bad.write_bytes(data)
    status, out, err = run(["--explain", "-", str(bad)])
    assert status == 3 and err.count("replaced by U+FFFD") == 1 and "and 1 more byte on the line" in err
    edits = [json.loads(line) for line in out.splitlines()]
    assert [e["kind"] for e in edits] == ["pinyin-annotation", "undecodable", "pinyin-annotation"]
    assert edits[1]["before"] == "\udcfe\udcff" and edits[1]["line"] == 2  # as explain_bytes() gives it
    objs = [textrepair.Edit(**{k: e[k] for k in ("kind", "start", "end", "before", "after", "confidence")})
            for e in edits]
    assert objs == textrepair.explain_bytes(data)
    assert textrepair.apply_edits(textrepair.decode(data).source, objs) == run([str(bad)])[1]


def test_undecodable_line_unit_keeps_other_lines(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("數(shù)據(jù)\n".encode() + b"\xe6\x95 x \xe6\x95\n" + "數(shù)據(jù)\n".encode())
    out, err = io.BytesIO(), io.StringIO()
    status = main(["--unit", "line", str(bad)], stdout=out, stderr=err)
    assert status == 3
    # The line holds U+FFFD before its tail too: bytes lost, no character cut
    # at its end, so the normalise stage keeps every one.
    assert out.getvalue().decode("utf-8") == "數據\n\ufffd\ufffd x \ufffd\ufffd\n數據\n"
    assert err.getvalue() == (f"textrepair: {bad}:2: cannot decode 0xe6 0x95 (byte 1 of the line) as UTF-8: "
                              "invalid continuation byte, and 2 more bytes on the line; replaced by U+FFFD\n")


def test_stray_bytes_in_mostly_ascii_text_stay_utf8(tmp_path):
    # A file that is UTF-8 but for a few stray bytes is decoded as UTF-8 with
    # U+FFFD, never as an exotic code page (charset-normalizer said cp1006,
    # cp775, cp1250... for such files).
    lines = [f"2024-01-{d:02d} INFO request id={d * 7} path=/api/v1/items?page={d} ok" for d in range(1, 29)]
    data = bytearray("\n".join(lines).encode() + "\n數(shù)據(jù) ok\n".encode())
    for offset, byte in ((30, 0x81), (400, 0xE9), (900, 0xFF), (1500, 0xA0)):
        data[offset] = byte
    path = tmp_path / "log.txt"
    path.write_bytes(bytes(data))
    assert textrepair.decode(bytes(data)).encoding == "utf-8"
    status, out, err = run([str(path)])
    assert status == 3 and out.count("\ufffd") == 4 and out.endswith("數據 ok\n")
    assert err.count("replaced by U+FFFD") == 4


# ---------------------------------------------------------------- units


def test_units_cover_the_input(tmp_path):
    text = "".join(read_seed(p) + "\n\n" for p in ("000", "002", "003"))
    path = tmp_path / "pages.txt"
    path.write_text(text, encoding="utf-8")
    whole = textrepair.repair(text)
    assert run([str(path)])[:2] == (0, whole)
    assert run(["--unit", "file", str(path)])[:2] == (0, whole)
    # Line counts agree once the page-level boilerplate rules (which look at
    # neighbouring lines) are off.
    whole = textrepair.repair(text, boilerplate=False)
    for argv in (["--unit", "line"], ["--unit", "paragraph"], ["--block-size", "4K"]):
        status, out, _ = run(argv + ["--no-boilerplate", str(path)])
        assert status == 0 and len(out.splitlines()) == len(whole.splitlines())
        assert "(shù)" not in out


def test_chunks_end_at_boundaries():
    data = b"a\nbb\n\ncc\ndd\n\n\nee\n"
    line = list(streaming._chunks(io.BytesIO(data), 3, "line"))
    assert b"".join(line) == data and all(c.endswith(b"\n") for c in line) and len(line) > 2
    blank = list(streaming._chunks(io.BytesIO(data), 3, "blank"))
    assert blank == [b"a\nbb\n\n", b"cc\ndd\n\n", b"\nee\n"]
    # No blank line for 4 chunk sizes: cut at a line end so memory stays bounded.
    long = b"x\n" * 100
    pieces = list(streaming._chunks(io.BytesIO(long), 4, "blank"))
    assert b"".join(pieces) == long and max(map(len, pieces)) <= 18
    assert list(streaming._chunks(io.BytesIO(data), 3, "file")) == [data]


def test_paragraphs_split_after_blank_runs():
    assert streaming._paragraphs(b"a\nb\n\n\nc\n \nd") == [b"a\nb\n\n\n", b"c\n \n", b"d"]


def test_reads_lazily():
    class Counting(io.BytesIO):
        def read(self, size=-1):
            data = super().read(size)
            reads.append(len(data))
            return data

    reads: list[int] = []
    tasks = streaming._tasks(["-"], Counting(b"x\n" * (3 << 20)), streaming.Job(textrepair.Options(), unit="line"),
                       streaming.MIB, streaming._Progress(io.StringIO(), None, False))
    next(tasks)
    assert sum(reads) <= 2 * streaming.CHUNK


# ---------------------------------------------------------------- -o FILE


def test_output_file_is_written_atomically(tmp_path):
    src, dest = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("數(shù)據(jù)\n", encoding="utf-8")
    assert run(["-o", str(dest), str(src)]) == (0, "", "")
    assert dest.read_text(encoding="utf-8") == "數據\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


def test_output_may_be_the_input(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("數(shù)據(jù)\n", encoding="utf-8")
    assert run(["-o", str(path), str(path)]) == (0, "", "")
    assert path.read_text(encoding="utf-8") == "數據\n"


def test_interrupted_run_leaves_nothing(tmp_path, monkeypatch):
    src, dest = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("數(shù)\n\n" * 5000, encoding="utf-8")
    dest.write_text("old\n", encoding="utf-8")
    calls = []

    def interrupt(self, task):
        calls.append(task)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, task)

    original = streaming.Worker.process
    monkeypatch.setattr(streaming.Worker, "process", interrupt)
    monkeypatch.setattr(streaming, "CHUNK", 1024)
    status, out, err = run(["--unit", "line", "-o", str(dest), str(src)])
    assert (status, out, err) == (130, "", "\ntextrepair: interrupted\n")
    assert dest.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


def test_unwritable_output(tmp_path):
    dest = tmp_path / "missing-dir" / "out.txt"
    status, out, err = run(["-o", str(dest)], "數\n")
    assert (status, out) == (4, "")
    assert err == f"textrepair: {dest}: cannot write: No such file or directory\n"


def test_full_disk_on_stdout():
    class Full(io.BytesIO):
        def write(self, data):
            raise OSError(28, "No space left on device")

    err = io.StringIO()
    status = main([], stdin=io.BytesIO(b"x\n"), stdout=Full(), stderr=err)
    assert status == 4 and err.getvalue() == "textrepair: <stdout>: cannot write: No space left on device\n"


def test_closed_pipe_is_quiet():
    class Closed(io.BytesIO):
        def write(self, data):
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    assert main([], stdin=io.BytesIO(b"x\n"), stdout=Closed(), stderr=err) == 141
    assert err.getvalue() == ""


# ---------------------------------------------------------------- progress


def test_progress_only_on_a_terminal():
    tty = Tty()
    assert run([], "數(shù)據(jù)\n", stderr=tty)[:2] == (0, "數據\n")
    assert tty.getvalue().startswith("\rtextrepair: ") and ", 1 records, " in tty.getvalue()
    quiet = Tty()
    assert run(["--quiet"], "數(shù)據(jù)\n", stderr=quiet)[0] == 0 and quiet.getvalue() == ""
    assert run([], "數(shù)據(jù)\n")[2] == ""


def test_progress_shows_share_of_known_total(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    progress = streaming._Progress(Tty(), streaming._total_size([str(path)]), True)
    progress.advance(50)
    progress._show(progress.start + 1)
    assert " 50.0% " in progress.stream.getvalue()


def test_stdin_has_no_total(tmp_path):
    assert streaming._total_size(["-"]) is None
    assert streaming._total_size([str(tmp_path / "missing")]) == 0


@pytest.mark.spawns
def test_real_process(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "a.txt"
    path.write_text("數(shù)據(jù)\n", encoding="utf-8")
    src = os.path.dirname(os.path.dirname(textrepair.__file__))
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-m", "textrepair", str(path)], capture_output=True, env=env)
    assert (done.returncode, done.stdout.decode(), done.stderr) == (0, "數據\n", b"")


def test_chunk_boundary_inside_a_line_is_judged_on_the_whole_line():
    # The read stops inside "ab\n": the completed line is not blank, so the chunk goes on.
    assert list(streaming._chunks(io.BytesIO(b"x\nab\ncd\n\nz\n"), 3, "blank")) == [b"x\nab\ncd\n\n", b"z\n"]


def test_internal_error_is_a_bad_record(monkeypatch):
    def broken(self, text):
        if "炸" in text:
            raise RuntimeError("boom")
        return original(self, text)

    original = textrepair.Repairer.repair
    monkeypatch.setattr(textrepair.Repairer, "repair", broken)
    status, out, err = run(["--unit", "line"], "數(shù)據(jù)\n炸\n數(shù)據(jù)\n")
    assert (status, out) == (3, "數據\n炸\n數據\n")
    assert err == "textrepair: <stdin>:2: internal error, please report: RuntimeError: boom\n"


def test_detects_the_encoding_of_plain_text(tmp_path):
    # The library's decoder (textrepair.decode, strict) reads GBK, Big5 and
    # mixed files; --encoding overrides it and undecodable bytes are reported.
    path = tmp_path / "gbk.txt"
    path.write_bytes("數(shù)據(jù)\n".encode("gbk"))
    assert run([str(path)]) == (0, "數據\n", "")
    assert run(["--explain", "-", str(path)])[0] == 0
    big5 = tmp_path / "big5.txt"
    big5.write_bytes("國家數據局表示\n".encode("big5"))
    assert run([str(big5)]) == (0, "國家數據局表示\n", "")
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes("國家數據局\n".encode() + "數(shù)據(jù)要素\n".encode("gbk"))
    assert run([str(mixed)]) == (0, "國家數據局\n數據要素\n", "")
    status, _out, err = run(["--encoding", "big5", str(path)])
    assert status == 3 and "as big5" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes("國家數據\n".encode() + b"ok \xff\n")
    assert run([str(bad)])[2] == (f"textrepair: {bad}:2: cannot decode 0xff (byte 4 of the line) as UTF-8: "
                                  "invalid start byte; replaced by U+FFFD\n")


@pytest.mark.spawns
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_killed_process_leaves_no_file(tmp_path, jobs, signame):
    import signal
    import subprocess
    import sys
    import time

    dest = tmp_path / "out.jsonl"
    src = os.path.dirname(os.path.dirname(textrepair.__file__))
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # A shell starts background jobs with SIGINT ignored, and an ignored
    # SIGINT stays ignored in the child (as a Unix tool should): restore it.
    process = subprocess.Popen([sys.executable, "-m", "textrepair", "--jsonl", "-j", jobs, "-o", str(dest)],
                               stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    process.stdin.write(b'{"text": "\xe6\x95\xb8(sh\xc3\xb9)"}\n')
    process.stdin.flush()  # then the command waits for more input, with its temporary file open
    # No deadline (a loaded machine may take long to start Python): wait for the
    # temporary file, or for the command to end, which fails the test below.
    while not list(tmp_path.iterdir()) and process.poll() is None:
        time.sleep(0.05)
    assert [p.name.endswith(".tmp") for p in tmp_path.iterdir()] == [True]
    process.send_signal(getattr(signal, signame))
    _, err = process.communicate()
    assert (process.returncode, err) == (130, b"\ntextrepair: interrupted\n")
    assert list(tmp_path.iterdir()) == []


def test_plain_text_blocks_with_workers_keep_order(tmp_path):
    path = tmp_path / "pages.txt"
    path.write_text("".join(p.read_text(encoding="utf-8") + "\n\n" for p in SEEDS * 3), encoding="utf-8")
    one = run(["--block-size", "4K", str(path)])
    assert one[0] == 0 and "(shù)" not in one[1]
    assert run(["--block-size", "4K", "-j", "2", str(path)]) == one
    assert run(["--unit", "paragraph", "-j", "2", str(path)]) == run(["--unit", "paragraph", str(path)])


def test_read_error_midway_keeps_what_was_read(monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 8)

    class Failing(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= 8:
                raise OSError(5, "Input/output error")
            return super().read(size)

    out, err = io.BytesIO(), io.StringIO()
    data = "數(shù)據(jù)\n".encode() * 4
    status = main(["--unit", "line"], stdin=Failing(data), stdout=out, stderr=err)
    assert status == 3
    assert out.getvalue().decode() == "數據\n"
    assert err.getvalue() == "textrepair: <stdin>:2: cannot read: Input/output error\n"


def test_nothing_readable_leaves_output_alone(tmp_path):
    dest = tmp_path / "out.txt"
    dest.write_text("previous run\n", encoding="utf-8")
    status, out, err = run(["-o", str(dest), str(tmp_path / "typo.txt")])
    assert (status, out) == (3, "")
    assert err == f"textrepair: {tmp_path / 'typo.txt'}: cannot read: No such file or directory\n"
    assert dest.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_empty_input():
    assert run([], b"") == (0, "", "")
    assert run(["--jsonl"], b"\n\n") == (0, "\n\n", "")
    assert run(["--check"], b"") == (0, "", "")


def test_clean_file_with_bom_loses_only_the_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "乾淨\n".encode())
    assert run([str(path)]) == (0, "乾淨\n", "")
    assert run(["--unit", "line", str(path)]) == (0, "乾淨\n", "")


def test_workers_on_stdin():
    data = "".join(f'{{"n": {i}, "text": "數(shù)據(jù)"}}\n' if i % 2 else f'{{"n": {i}, "text": "乾淨"}}\n'
                   for i in range(2000))
    assert run(["--jsonl", "-j", "2"], data) == run(["--jsonl"], data)


def test_worker_reads_file_chunk_itself(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("乾淨\n數(shù)據(jù)\n".encode())
    worker = streaming.Worker(streaming.Job(textrepair.Options(), unit="line"))
    task = streaming.Task("a.txt", 1, b"", True, path=str(path), offset=0, length=path.stat().st_size,
                          crc=zlib.crc32(path.read_bytes()))
    outcome = worker.process(task)
    assert (outcome.records, outcome.changed, outcome.messages) == (2, 1, [])
    assert outcome.out == [(0, 7), "數據\n".encode()]
    # Bytes that are no longer those the main process read: it must send its copy.
    grown = streaming.Task("a.txt", 1, b"", True, path=str(path), offset=0, length=100, crc=task.crc)
    assert worker.process(grown).reread
    changed = dataclasses.replace(task, crc=task.crc + 1)
    assert worker.process(changed).reread
    gone = streaming.Task("b.txt", 1, b"", True, path=str(tmp_path / "b.txt"), offset=0, length=3)
    assert worker.process(gone).reread
    assert worker.process(task).out == [(0, 7), "數據\n".encode()]  # and it recovers


@dataclass(frozen=True)
class WithEncoding(textrepair.Options):
    """Options where the decoder's encoding is an option.

    * ``encoding``: input encoding, None to detect.
    """

    encoding: str | None = None


def test_encoding_as_an_options_field(monkeypatch, tmp_path):
    # --encoding stays the command's own flag and also fills Options.encoding.
    monkeypatch.setattr(cli, "Options", WithEncoding)
    parser = cli._parser(io.BytesIO(), io.StringIO())
    assert cli._options_from(parser.parse_args(["--encoding", "gbk"])).encoding == "gbk"
    path = tmp_path / "gbk.txt"
    path.write_bytes("數(shù)據(jù)\n".encode("gbk"))
    assert run(["--encoding", "gbk", str(path)]) == (0, "數據\n", "")
    assert "--option-encoding" not in parser.format_help()


@pytest.mark.skipif(__import__("multiprocessing").get_start_method() != "fork",
                    reason="the crash is planted by monkeypatching, which only forked workers inherit")
def test_dead_worker_is_reported_not_waited_for(monkeypatch, tmp_path):
    def crash(self, task):
        if b"CRASH" in task.data or (task.path and b"CRASH" in open(task.path, "rb").read()):
            os._exit(3)
        return original(self, task)

    original = streaming.Worker.process
    monkeypatch.setattr(streaming.Worker, "process", crash)
    src, dest = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("數(shù)\nCRASH\n", encoding="utf-8")
    dest.write_text("old\n", encoding="utf-8")
    status, out, err = run(["-j", "2", "-o", str(dest), str(src)])
    assert (status, out) == (5, "")
    assert err == ("textrepair: a worker process died (a crash, or killed for lack of memory); "
                   "the output is incomplete\n")
    assert dest.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]
