"""The command on JSON lines: fields, order, explain, stats, check, bad records, -j."""

from __future__ import annotations

import io
import json

import pytest

import textrepair
from helpers import SEEDS
from textrepair import _streaming as streaming
from textrepair.cli import main


def run(argv, stdin=b""):
    out, err = io.BytesIO(), io.StringIO()
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    status = main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def seed_records(copies=2):
    """JSON lines built from the seeds: an id, the page, and fields after it."""
    lines = []
    for copy in range(copies):
        for path in SEEDS:
            record = {"id": f"{copy}-{path.stem}", "text": path.read_text(encoding="utf-8"),
                      "meta": {"n": copy, "tags": ["新聞", None]}, "score": 0.5}
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


def test_fields_order_and_line_order_kept():
    data = seed_records()
    status, out, err = run(["--jsonl"], data)
    assert (status, err) == (0, "")
    before = [json.loads(line) for line in data.splitlines()]
    after = [json.loads(line) for line in out.decode().splitlines()]
    assert len(after) == len(before)
    for old, new in zip(before, after):
        assert list(new) == list(old)
        assert new == dict(old, text=textrepair.repair(old["text"]))
    assert "\\u" not in out.decode()  # ensure_ascii=False


def test_unchanged_records_keep_every_byte():
    data = '{"text":"乾淨的句子。","n":1.50}\r\n\n{"text": "數(shù)字", "z": 1}'
    status, out, err = run(["--jsonl"], data)
    assert (status, err) == (0, "")
    assert out.decode() == '{"text":"乾淨的句子。","n":1.50}\r\n\n{"text": "數字", "z": 1}'


def test_other_field_and_options():
    data = '{"body": "數據", "text": 1}\n'
    assert run(["--jsonl", "--field", "body", "--script", "simplified"], data)[:2] == (
        0, '{"body": "数据", "text": 1}\n'.encode())


def test_jsonl_with_encoding():
    data = '{"text": "數(shù)據(jù)"}\n{"text": "乾淨"}\n'.encode("gbk")
    assert run(["--jsonl", "--encoding", "gbk"], data) == (0, '{"text": "數據"}\n{"text": "乾淨"}\n'.encode(), "")


def test_bom_on_first_line():
    assert run(["--jsonl"], b"\xef\xbb\xbf" + '{"text": "數(shù)"}\n'.encode())[:2] == (0, '{"text": "數"}\n'.encode())


BAD = [
    (b'{"text": "a"\n', "invalid JSON: Expecting ',' delimiter (column 13)"),
    (b"[1, 2]\n", "not a JSON object but an array"),
    (b'{"body": "a"}\n', "no field 'text'"),
    (b'{"text": 3}\n', "field 'text' is a number, not a string"),
    (b'{"text": null}\n', "field 'text' is null, not a string"),
    (b'{"text": ["a"]}\n', "field 'text' is an array, not a string"),
    (b'{"text": "\xff"}\n', "cannot decode 0xff (byte 11 of the line) as UTF-8: invalid start byte"),
]


@pytest.mark.parametrize("line, problem", BAD)
def test_bad_record_reported_passed_through_and_counted(line, problem, tmp_path):
    good = '{"text": "數(shù)"}\n'.encode()
    path = tmp_path / "in.jsonl"
    path.write_bytes(good + line + good)
    status, out, err = run(["--jsonl", str(path)])
    assert status == 3
    assert err == f"textrepair: {path}:2: {problem}\n"
    fixed = '{"text": "數"}\n'.encode()
    assert out == fixed + line + fixed
    assert len(out.splitlines()) == 3  # records out == records in
    status, out, err = run(["--jsonl", "--drop-bad", str(path)])
    assert (status, out, err) == (3, fixed + fixed, f"textrepair: {path}:2: {problem}\n")


def test_many_bad_records_in_order_with_workers(tmp_path):
    lines = []
    for i in range(300):
        lines.append(b"oops\n" if i % 7 == 3 else json.dumps({"id": i, "text": "數(shù)字"}).encode() + b"\n")
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(lines))
    expected_err = "".join(f"textrepair: {path}:{i + 1}: invalid JSON: Expecting value (column 1)\n"
                           for i in range(300) if i % 7 == 3)
    results = []
    for jobs in ("1", "2"):
        results.append(run(["--jsonl", "-j", jobs, str(path)]))
    for status, out, err in results:
        assert status == 3 and err == expected_err
        assert len(out.splitlines()) == 300
    assert results[0] == results[1]


def test_workers_keep_order_across_chunks(monkeypatch, tmp_path):
    monkeypatch.setattr(streaming, "CHUNK", 4096)  # many chunks, so order is really tested
    path = tmp_path / "seeds.jsonl"
    path.write_text(seed_records(6), encoding="utf-8")
    one = run(["--jsonl", str(path)])
    assert one[0] == 0
    assert run(["--jsonl", "-j", "2", str(path)]) == one
    assert run(["--jsonl", "-j", "0", str(path)]) == one


def test_explain_records():
    data = '{"id": "a1", "text": "我國數(shù)字經(jīng)濟"}\n{"text": "乾淨"}\n{"id": 7, "text": "數(shù)"}\n'
    status, out, err = run(["--jsonl", "--explain", "-"], data)
    assert (status, err) == (0, "")
    records = [json.loads(line) for line in out.decode().splitlines()]
    assert records == [
        {"file": "<stdin>", "line": 1, "id": "a1", "kind": "pinyin-annotation", "start": 3, "end": 8,
         "before": "(shù)", "after": "", "confidence": records[0]["confidence"]},
        {"file": "<stdin>", "line": 1, "id": "a1", "kind": "pinyin-annotation", "start": 10, "end": 16,
         "before": "(jīng)", "after": "", "confidence": records[1]["confidence"]},
        {"file": "<stdin>", "line": 3, "id": 7, "kind": "pinyin-annotation", "start": 1, "end": 6,
         "before": "(shù)", "after": "", "confidence": records[2]["confidence"]},
    ]
    assert [r["confidence"] for r in records] == [e.confidence for e in textrepair.explain("我國數(shù)字經(jīng)濟")] + [
        textrepair.explain("數(shù)")[0].confidence]


def test_explain_to_file_with_text_on_stdout(tmp_path):
    data = seed_records(1)
    edits_path = tmp_path / "edits.jsonl"
    status, out, err = run(["--jsonl", "--explain", str(edits_path)], data)
    assert (status, err) == (0, "")
    assert out == run(["--jsonl"], data)[1]
    edits = [json.loads(line) for line in edits_path.read_text(encoding="utf-8").splitlines()]
    for line, raw in enumerate(data.splitlines(), 1):
        record = json.loads(raw)
        mine = [textrepair.Edit(**{k: e[k] for k in ("kind", "start", "end", "before", "after", "confidence")})
                for e in edits if e["line"] == line]
        assert all(e["id"] == record["id"] for e in edits if e["line"] == line)
        assert textrepair.apply_edits(record["text"], mine) == textrepair.repair(record["text"])


def test_explain_plain_text_offsets_are_in_the_file(tmp_path):
    path = tmp_path / "pages.txt"
    text = "".join(p.read_text(encoding="utf-8") + "\n\n" for p in SEEDS[:2])
    path.write_text(text, encoding="utf-8")
    for argv in ([], ["--block-size", "8K"], ["--unit", "line"]):
        status, out, err = run(argv + ["--explain", "-", str(path)])
        assert (status, err) == (0, "")
        edits = [json.loads(line) for line in out.decode().splitlines()]
        repaired = run(argv + [str(path)])[1].decode()
        objs = [textrepair.Edit(**{k: e[k] for k in ("kind", "start", "end", "before", "after", "confidence")})
                for e in edits]
        assert textrepair.apply_edits(text, objs) == repaired
        assert all(text.count("\n", 0, e["start"]) + 1 == e["line"] for e in edits)
        assert all("id" not in e for e in edits)


def test_stats_table():
    data = '{"text": "數(shù)字經(jīng)濟"}\n{"text": "乾淨"}\n{"text": "數(shù)"}\n'
    status, out, err = run(["--jsonl", "--stats"], data)
    assert status == 0 and len(out.splitlines()) == 3
    assert err == (
        "kind               edits  records  removed  added\n"
        "pinyin-annotation      3        2       16      0\n"
        "total                  3        2       16      0\n"
        "records: 3 read, 2 changed, 0 bad (removed/added count characters)\n"
    )


def test_check_exit_codes(tmp_path):
    clean = '{"text": "乾淨的句子。"}\n'
    assert run(["--jsonl", "--check"], clean) == (0, b"", "")
    damaged = clean + '{"text": "數(shù)字經(jīng)濟"}\n'
    assert run(["--jsonl", "--check"], damaged) == (1, b"<stdin>:2: 2 edits (pinyin-annotation)\n", "")
    assert run(["--jsonl", "--check", "--quiet"], damaged) == (1, b"", "")
    # Bad input outranks damage: the gate must not pass silently over unreadable data.
    assert run(["--jsonl", "--check"], damaged + "oops\n")[0] == 3
    page = tmp_path / "page.txt"
    page.write_text("乾淨\n乾淨\n數(shù)\n", encoding="utf-8")
    assert run(["--check", str(page)]) == (1, f"{page}:3: 1 edit (pinyin-annotation)\n".encode(), "")


def test_check_with_explain_and_stats():
    damaged = '{"text": "數(shù)"}\n'
    status, out, err = run(["--jsonl", "--check", "--explain", "-", "--stats"], damaged)
    assert status == 1
    assert [json.loads(line)["before"] for line in out.decode().splitlines()] == ["(shù)"]
    assert err.startswith("kind ") and "1 changed" in err


def test_explain_stats_check_same_with_workers(monkeypatch, tmp_path):
    monkeypatch.setattr(streaming, "CHUNK", 4096)
    path = tmp_path / "seeds.jsonl"
    path.write_text(seed_records(3), encoding="utf-8")
    text = tmp_path / "pages.txt"
    text.write_text("".join(p.read_text(encoding="utf-8") + "\n\n" for p in SEEDS * 2), encoding="utf-8")
    for argv in (["--jsonl", "--explain", "-", "--stats", str(path)], ["--jsonl", "--check", str(path)],
                 ["--explain", "-", "--block-size", "8K", str(text)], ["--check", "--unit", "paragraph", str(text)]):
        one = run(argv)
        assert one[1] and run(argv + ["-j", "2"]) == one
