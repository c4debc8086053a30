"""The command, run in-process."""

from __future__ import annotations

import io

from helpers import read_seed
from textrepair.cli import main


def run(argv, stdin_text=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin_text), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_stdin_to_stdout():
    assert run([], "數(shù)字經(jīng)濟\n") == (0, "數字經濟\n", "")


def test_files_in_order(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("數(shù)據(jù)\n", encoding="utf-8")
    b.write_text("干淨\n", encoding="utf-8")
    assert run([str(a), str(b)]) == (0, "數據\n干淨\n", "")


def test_missing_file_reported_and_others_flow(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("數(shù)\n", encoding="utf-8")
    status, out, err = run([str(tmp_path / "missing.txt"), str(good)])
    assert status == 1
    assert out == "數\n"
    assert err == f"textrepair: {tmp_path / 'missing.txt'}: cannot read: No such file or directory\n"


def test_undecodable_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\xff\n")
    status, out, err = run([str(bad)])
    assert status == 1 and out == ""
    assert err == f"textrepair: {bad}: not UTF-8 at byte 2: invalid start byte\n"


def test_script_option():
    assert run(["--script", "simplified"], "數據\n")[1] == "数据\n"


def test_help_and_bad_usage(capsys):
    assert main(["--help"]) == 0
    assert "pinyin" in capsys.readouterr().out
    assert main(["--script", "nope"]) == 2


def test_seed_page(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(read_seed("000"), encoding="utf-8")
    status, out, _ = run([str(path)])
    assert status == 0 and "數字經濟" in out and "(shù)" not in out
