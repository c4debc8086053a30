"""The command on JSON lines: fields, order, explain, stats, check, bad records, -j."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textrepair
from helpers import ROOT, SEEDS
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
    data = '{"text":"乾淨的句子。","n":1.50}\r\n\n{"text": "數(shù)據(jù)", "z": 1}'
    status, out, err = run(["--jsonl"], data)
    assert (status, err) == (0, "")
    assert out.decode() == '{"text":"乾淨的句子。","n":1.50}\r\n\n{"text": "數據", "z": 1}'


def test_other_field_and_options():
    data = '{"body": "數據", "text": 1}\n'
    assert run(["--jsonl", "--field", "body", "--script", "simplified"], data)[:2] == (
        0, '{"body": "数据", "text": 1}\n'.encode())


def test_jsonl_with_encoding():
    data = '{"text": "數(shù)據(jù)"}\n{"text": "乾淨"}\n'.encode("gbk")
    assert run(["--jsonl", "--encoding", "gbk"], data) == (0, '{"text": "數據"}\n{"text": "乾淨"}\n'.encode(), "")


def test_bom_on_first_line():
    assert run(["--jsonl"], b"\xef\xbb\xbf" + '{"text": "數(shù)據(jù)"}\n'.encode())[:2] == (
        0, '{"text": "數據"}\n'.encode())


BAD = [
    (b'{"text": "a"\n', "invalid JSON: Expecting ',' delimiter (column 13)"),
    (b"[1, 2]\n", "not a JSON object but an array"),
    (b'{"body": "a"}\n', "no field 'text'"),
    (b'{"text": 3}\n', "field 'text' is a number, not a string"),
    (b'{"text": null}\n', "field 'text' is null, not a string"),
    (b'{"text": ["a"]}\n', "field 'text' is an array, not a string"),
]


@pytest.mark.parametrize("line, problem", BAD)
def test_bad_record_reported_passed_through_and_counted(line, problem, tmp_path):
    good = '{"text": "數(shù)據(jù)"}\n'.encode()
    path = tmp_path / "in.jsonl"
    path.write_bytes(good + line + good)
    status, out, err = run(["--jsonl", str(path)])
    assert status == 3
    assert err == f"textrepair: {path}:2: {problem}\n"
    fixed = '{"text": "數據"}\n'.encode()
    assert out == fixed + line + fixed
    assert len(out.splitlines()) == 3  # records out == records in
    status, out, err = run(["--jsonl", "--drop-bad", str(path)])
    assert (status, out, err) == (3, fixed + fixed, f"textrepair: {path}:2: {problem}\n")


def test_many_bad_records_in_order_with_workers(tmp_path):
    lines = []
    for i in range(300):
        lines.append(b"oops\n" if i % 7 == 3 else json.dumps({"id": i, "text": "數(shù)據(jù)"}).encode() + b"\n")
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
    data = '{"id": "a1", "text": "我國數(shù)字經(jīng)濟"}\n{"text": "乾淨"}\n{"id": 7, "text": "數(shù)據(jù)"}\n'
    status, out, err = run(["--jsonl", "--explain", "-"], data)
    assert (status, err) == (0, "")
    records = [json.loads(line) for line in out.decode().splitlines()]
    assert records == [
        {"file": "<stdin>", "line": 1, "id": "a1", "field": "text", "kind": "pinyin-annotation", "start": 3,
         "end": 8, "before": "(shù)", "after": "", "confidence": records[0]["confidence"]},
        {"file": "<stdin>", "line": 1, "id": "a1", "field": "text", "kind": "pinyin-annotation", "start": 10,
         "end": 16, "before": "(jīng)", "after": "", "confidence": records[1]["confidence"]},
        {"file": "<stdin>", "line": 3, "id": 7, "field": "text", "kind": "pinyin-annotation", "start": 1,
         "end": 6, "before": "(shù)", "after": "", "confidence": records[2]["confidence"]},
        {"file": "<stdin>", "line": 3, "id": 7, "field": "text", "kind": "pinyin-annotation", "start": 7,
         "end": 11, "before": "(jù)", "after": "", "confidence": records[3]["confidence"]},
    ]
    assert [r["confidence"] for r in records] == [e.confidence for e in textrepair.explain("我國數(shù)字經(jīng)濟")] + [
        e.confidence for e in textrepair.explain("數(shù)據(jù)")]


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
    data = '{"text": "數(shù)字經(jīng)濟"}\n{"text": "乾淨"}\n{"text": "數(shù)據(jù)"}\n'
    status, out, err = run(["--jsonl", "--stats"], data)
    assert status == 0 and len(out.splitlines()) == 3
    assert err == (
        "kind               edits  records  removed  added\n"
        "pinyin-annotation      4        2       20      0\n"
        "total                  4        2       20      0\n"
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
    page.write_text("乾淨\n乾淨\n數(shù)據(jù)\n", encoding="utf-8")
    assert run(["--check", str(page)]) == (1, f"{page}:3: 2 edits (pinyin-annotation)\n".encode(), "")


def test_check_with_explain_and_stats():
    damaged = '{"text": "數(shù)據(jù)"}\n'
    status, out, err = run(["--jsonl", "--check", "--explain", "-", "--stats"], damaged)
    assert status == 1
    assert [json.loads(line)["before"] for line in out.decode().splitlines()] == ["(shù)", "(jù)"]
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


# ---------------------------------------------------------------- the splice (issue 19, item 4)


def test_repaired_record_keeps_every_other_byte():
    # Numbers as written, duplicate keys, compact separators, odd spacing,
    # escapes: only the field's string literal changes (the last "text", the
    # one JSON readers use).
    line = ('{"n":1.10,"big" : 1e400,"text":"舊(jiù)","neg":-0.0, "esc":"\\u4e2d\\/\\n",'
            '\t"text" :  "數(shù)\\u64da(jù)",  "tail":[1.10 , {"text":"數(shù)"}]}\r\n')
    status, out, err = run(["--jsonl"], line)
    assert (status, err) == (0, "")
    assert out.decode() == line.replace('"數(shù)\\u64da(jù)"', '"數據"', 1)


def test_unchanged_record_with_odd_bytes_is_byte_for_byte():
    line = '{"n":1.10,"big":1e400,"text":"乾淨","text":"也乾淨"}\n'
    assert run(["--jsonl"], line)[:2] == (0, line.encode())


def test_nested_field_by_json_pointer_and_repeatable_fields():
    line = ('{"title":"數(shù)據(jù)","meta":{"text":"經(jīng)濟(jì)","n":1.10},"list":["數(shù)據(jù)"],'
            '"text":"數(shù)據(jù)"}\n')
    status, out, err = run(["--jsonl", "--field", "/meta/text"], line)
    assert (status, err) == (0, "")
    assert out.decode() == line.replace('"經(jīng)濟(jì)"', '"經濟"')
    status, out, err = run(["--jsonl", "--field", "title", "--field", "/meta/text", "--field", "/list/0",
                            "--explain", "-"], line)
    assert (status, err) == (0, "")
    edits = [json.loads(x) for x in out.decode().splitlines()]
    assert [(e["field"], e["before"]) for e in edits] == [("title", "(shù)"), ("title", "(jù)"),
                                                           ("/meta/text", "(jīng)"), ("/meta/text", "(jì)"),
                                                           ("/list/0", "(shù)"), ("/list/0", "(jù)")]
    status, out, _ = run(["--jsonl", "--field", "title", "--field", "/meta/text", "--field", "/list/0"], line)
    assert out.decode() == '{"title":"數據","meta":{"text":"經濟","n":1.10},"list":["數據"],"text":"數(shù)據(jù)"}\n'
    status, out, err = run(["--jsonl", "--field", "title", "--field", "/meta/text", "--stats"], line)
    assert "records: 1 read, 1 changed, 0 bad" in err  # a record counts once


@pytest.mark.parametrize("field, line, problem", [
    ("/meta/text", '{"meta": 3}', "no field '/meta/text' (/meta is a number)"),
    ("/meta/text", '{"meta": {"body": "a"}}', "no field '/meta/text'"),
    ("/meta/text", '{"meta": {"text": null}}', "field '/meta/text' is null, not a string"),
    ("/list/2", '{"list": ["a"]}', "no field '/list/2'"),
])
def test_pointer_problems_are_bad_records(field, line, problem):
    status, out, err = run(["--jsonl", "--field", field], line + "\n")
    assert (status, out, err) == (3, (line + "\n").encode(), f"textrepair: <stdin>:1: {problem}\n")


def test_field_and_plain_usage():
    assert run(["--field", "text"], "x\n")[::2] == (2, "textrepair: error: --field names a field of JSON lines: "
                                                      "add --jsonl\n")
    assert run(["--plain", "--jsonl"], "x\n")[0] == 2
    assert run(["--jsonl", "--field", "/"], "x\n")[0] == 2


def test_plain_text_mode_on_json_lines_stops_with_a_hint(tmp_path):
    src, dest = tmp_path / "pages.jsonl", tmp_path / "clean.jsonl"
    src.write_text(seed_records(1), encoding="utf-8")
    dest.write_text("previous\n", encoding="utf-8")
    status, out, err = run(["-o", str(dest), str(src)])
    assert (status, out) == (2, b"")
    assert err == (f"textrepair: {src}: every line is a JSON object; repairing it as plain text would break the "
                   "JSON. Use --jsonl (with --field NAME, default 'text') to repair a field of each record, or "
                   "--plain if it is meant as plain text\n")
    assert dest.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.jsonl", "pages.jsonl"]
    # --plain says it is meant: the lines are repaired as text.
    status, out, err = run(["--plain", str(src)])
    assert (status, err) == (0, "") and out.decode() == textrepair.repair(src.read_text(encoding="utf-8"))
    # Text with a JSON line among others is plain text.
    assert run([], '{"a": 1}\n數(shù)據(jù)\n')[:2] == (0, '{"a": 1}\n數據\n'.encode())


RAW_VALUES = st.sampled_from(["1.10", "1e400", "-0.0", "1E+2", "0.000", "true", "null", '"a\\u4e2d\\/b\\n"',
                              '"\\ud83d\\ude00"', '{"x" :[1.10 ,2]}', "[ ]", '"數(shù)"', '"\\"q\\""'])
SPACE = st.sampled_from(["", " ", "  ", "\t", " \r "])
TEXTS = st.sampled_from(["數(shù)字經(jīng)濟", "乾淨的句子。", "關(guan) 於(yu) 更好", "a\"b\\c\n數(shù)據(jù)", "",
                         "數(shù)\ud800據(jù)"])


def _literal(text: str, style: int) -> str:
    """A JSON string literal for ``text`` in one of several spellings."""
    if style == 0:
        return json.dumps(text, ensure_ascii=False).replace("\ud800", "\\ud800")
    if style == 1:
        return json.dumps(text, ensure_ascii=True)
    return json.dumps(text, ensure_ascii=False).replace("\ud800", "\\ud800").replace("(", "\\u0028")


@given(before=st.lists(st.tuples(st.text("abcdé", min_size=1, max_size=3), RAW_VALUES), max_size=4),
       after=st.lists(st.tuples(st.text("xyz", min_size=1, max_size=3), RAW_VALUES), max_size=3),
       earlier=st.lists(TEXTS, max_size=2), text=TEXTS, style=st.integers(0, 2), spaces=st.lists(SPACE, min_size=4,
                                                                                                   max_size=4))
def test_splice_keeps_every_byte_outside_the_field(before, after, earlier, text, style, spaces):
    a, b, c, d = spaces
    members = [f"{json.dumps(k)}{a}:{b}{v}" for k, v in before]
    members += [f'"text"{a}:{b}{_literal(t, 0)}' for t in earlier]  # duplicates: the last one is the field
    head = "{" + c + f",{d}".join(members + ['"text"' + a + ":" + b])
    field = _literal(text, style)
    tail = "".join(f",{c}{json.dumps(k)}{a}:{v}" for k, v in after if k != "text") + d + "}"
    line = head + field + tail
    status, out, err = run(["--jsonl"], line + "\n")
    assert (status, err) == (0, "")
    out = out.decode("utf-8")
    fixed = textrepair.repair(json.loads(field))
    if fixed == json.loads(field):
        assert out == line + "\n"
    else:
        assert out.startswith(head) and out.endswith(tail + "\n")
        assert json.loads(out[len(head):len(out) - len(tail) - 1]) == fixed
        assert json.loads(out)["text"] == fixed


def test_lone_surrogate_from_a_json_escape_is_repaired_around():
    # Item 6: "\ud800" in a record that needs repair: repaired, written as the escape it was.
    line = '{"id": 1, "text": "數(shù)\\ud800據(jù)"}\n'
    status, out, err = run(["--jsonl", "--explain", "-"], line)
    assert (status, err) == (0, "")
    assert [json.loads(x)["before"] for x in out.decode().splitlines()] == ["(shù)", "(jù)"]
    status, out, err = run(["--jsonl"], line)
    assert (status, err) == (0, "")
    assert out.decode("utf-8") == '{"id": 1, "text": "數\\ud800據"}\n'
    assert json.loads(out)["text"] == "數\ud800據"
    # An id holding one, in --explain.
    status, out, _ = run(["--jsonl", "--explain", "-"], '{"id": "\\udc00", "text": "數(shù)據(jù)"}\n')
    assert status == 0 and [json.loads(x)["id"] for x in out.splitlines()] == ["\udc00", "\udc00"]


def test_undecodable_bytes_in_a_record_become_replacement_characters():
    line = b'{"n":1.10,"text": "a\xffb\xe6\x95\xb8(sh\xc3\xb9)\xe6\x93\x9a(j\xc3\xb9)","other":"\xfe"}\n'
    status, out, err = run(["--jsonl", "--explain", "-"], line)
    assert status == 3
    assert err == ("textrepair: <stdin>:1: cannot decode 0xff (byte 21 of the line) as UTF-8: invalid start byte, "
                   "and 1 more byte on the line; replaced by U+FFFD\n")
    edits = [json.loads(x) for x in out.decode("utf-8").splitlines()]
    assert [(e["kind"], e["before"]) for e in edits] == [("undecodable", "\udcff"), ("pinyin-annotation", "(shù)"),
                                                      ("pinyin-annotation", "(jù)")]
    status, out, _ = run(["--jsonl"], line)
    assert out.decode("utf-8") == '{"n":1.10,"text": "a\ufffdb數據","other":"\ufffd"}\n'
    # Not a JSON line as well: passed through, as UTF-8.
    status, out, err = run(["--jsonl"], b'{"text": "\xff"\n')
    assert status == 3 and out.decode("utf-8") == '{"text": "\ufffd"\n' and "invalid JSON" in err


# ---------------------------------------------------------------- compressed files


def _zstd():
    return pytest.importorskip("zstandard", reason="the [zstd] extra is not installed")


COMPRESS = {
    "gz": (lambda b: gzip.compress(b), gzip.decompress),
    "bz2": (bz2.compress, bz2.decompress),
    "xz": (lzma.compress, lzma.decompress),
    "zst": (lambda b: _zstd().ZstdCompressor().compress(b), lambda b: _zstd().ZstdDecompressor().decompress(
        b, max_output_size=1 << 30)),
}


@pytest.mark.parametrize("kind", sorted(COMPRESS))
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_compressed_input_and_output_by_name(kind, jobs, tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 4096)  # many chunks, decompressed here and handed to workers
    pack, unpack = COMPRESS[kind]
    data = seed_records(3).encode()
    src, dest = tmp_path / f"pages.jsonl.{kind}", tmp_path / f"clean.jsonl.{kind}"
    src.write_bytes(pack(data))
    expected = run(["--jsonl"], data)
    assert expected[0] == 0
    status, out, err = run(["--jsonl", "-j", jobs, "-o", str(dest), str(src)])
    assert (status, out, err) == (0, b"", "")
    assert unpack(dest.read_bytes()) == expected[1]
    assert run(["--jsonl", "-j", jobs, str(src)])[1] == expected[1]


def test_zstd_without_the_module_says_how_to_get_it(tmp_path, monkeypatch):
    from textrepair import _files

    monkeypatch.setattr(_files, "_zstd", lambda: None)
    src = tmp_path / "pages.jsonl.zst"
    src.write_bytes(b"whatever")
    for argv in (["--jsonl", str(src)], ["--jsonl", "-o", str(tmp_path / "out.jsonl.zst")]):
        status, out, err = run(argv, b"")
        assert (status, out) == (2, b"")
        assert err.startswith("textrepair: error: ") and "pip install 'textrepair[zstd]'" in err


def test_compressed_data_without_its_suffix_gets_a_hint(tmp_path):
    src = tmp_path / "pages.jsonl"
    src.write_bytes(gzip.compress(seed_records(1).encode()))
    status, out, err = run(["--jsonl", str(src)])
    assert (status, out) == (3, b"")
    assert err == (f"textrepair: {src}: cannot read: this is gzip-compressed data; the command decompresses files "
                   "named *.gz, or decompress it first\n")


def test_truncated_gzip_keeps_every_record_before_the_cut(tmp_path):
    data = "".join(json.dumps({"n": i, "text": "數(shù)據(jù)"}) + "\n" for i in range(3000)).encode()
    packed = gzip.compress(data)
    src = tmp_path / "cut.jsonl.gz"
    src.write_bytes(packed[: len(packed) * 2 // 3])
    status, out, err = run(["--jsonl", str(src)])
    assert status == 3
    lines = out.decode().splitlines()
    whole = [line for line in lines if line.endswith("}")]
    assert len(whole) > 1000 and whole == [json.dumps({"n": i, "text": "數據"}, ensure_ascii=False)
                                           for i in range(len(whole))]
    cut_line = len(out.decode().split("\n"))  # the line where the data ended
    assert err.endswith(f"textrepair: {src}:{cut_line}: cannot read: Compressed file ended before the "
                        "end-of-stream marker was reached\n")


def _printf(text: str) -> bytes:
    """What the shell's printf makes of the README's format strings (\\\\ and \\n only)."""
    return re.sub(r"\\(\\|n)", lambda m: "\n" if m.group(1) == "n" else "\\", text).encode("utf-8")


def test_readme_json_lines_examples_hold():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"printf '([^']*)' \| textrepair ([^#\n]*?)\s*(?:#\s*(\{.*\})|\n\s*#\s*(\{.*\}))", readme)
    assert len(examples) >= 3
    for fmt, args, inline, following in examples:
        status, out, err = run(args.split(), _printf(fmt))
        assert (status, err) == (0, ""), fmt
        assert out.decode("utf-8") == (inline or following) + "\n", fmt


def test_findings_are_explain_lines_not_applied(monkeypatch, tmp_path):
    # No stage reports findings on these inputs yet: plant one per '??' run.
    def findings(self, text):
        return [textrepair.Finding("lost-bytes", i, i + 2, "??", "no bytes survive") for i in range(len(text))
                if text.startswith("??", i)]

    monkeypatch.setattr(textrepair.Repairer, "findings", findings)
    data = '{"id": 1, "text": "數(shù)據(jù)??"}\n{"id": 2, "text": "乾淨??"}\n{"id": 3, "text": "乾淨"}\n'
    status, out, err = run(["--jsonl", "--explain", "-", "--findings"], data)
    assert (status, err) == (0, "")
    lines = [json.loads(x) for x in out.decode().splitlines()]
    assert lines[2:] == [
        {"file": "<stdin>", "line": 1, "id": 1, "field": "text", "kind": "lost-bytes", "start": 11, "end": 13,
         "text": "??", "reason": "no bytes survive", "applied": False},
        {"file": "<stdin>", "line": 2, "id": 2, "field": "text", "kind": "lost-bytes", "start": 2, "end": 4,
         "text": "??", "reason": "no bytes survive", "applied": False},
    ]
    assert all(x["kind"] == "pinyin-annotation" and "applied" not in x for x in lines[:2])
    # Plain text: offsets in the file, lines where they start.
    path = tmp_path / "a.txt"
    path.write_text("乾淨\n數(shù)據(jù)??\n", encoding="utf-8")
    status, out, _ = run(["--explain", "-", "--findings", str(path)])
    found = [json.loads(x) for x in out.decode().splitlines() if "applied" in x]
    assert [(f["line"], f["start"], f["end"]) for f in found] == [(2, 14, 16)]
    assert run(["--findings"], data)[0] == 2  # only with --explain
