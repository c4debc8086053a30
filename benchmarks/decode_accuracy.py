"""Encoding detection accuracy: ``textrepair.decode`` against charset-normalizer.

Texts: the five seed pages and the benchmark's clean sentences
(:func:`benchmarks.corpora.clean_sentences`: seed 002 split at sentence ends
plus the clean cases of ``tests/data/negative.json``).  Each is encoded as
UTF-8, GB18030, GBK and Big5; Big5 text is traditional, so the Big5 column
encodes the OpenCC ``s2t`` form of each text, as Big5 where it can and as
Big5-HKSCS otherwise (texts neither can hold are left out).  Each encoded
text is tested whole and in 200-byte slices (consecutive, cut at character
boundaries so every slice is valid in its encoding).

A detection is right when the decoded text equals the original exactly
(GBK text read as GB18030 counts as right: the text is the same).  Neither
detector is told the encoding.  Run::

    PYTHONPATH=src python benchmarks/decode_accuracy.py [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import clean_sentences, seed_pages  # noqa: E402
from textrepair.decode import decode  # noqa: E402

ENCODINGS = ("utf-8", "gb18030", "gbk", "big5")
SLICE = 200


def encoded(text: str, encoding: str) -> tuple[str, bytes] | None:
    """(text, bytes) for one column, or None when the encoding cannot hold it."""
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
        for codec in ("big5", "big5hkscs"):
            try:
                return text, text.encode(codec)
            except UnicodeEncodeError:
                pass
        return None
    try:
        return text, text.encode(encoding)
    except UnicodeEncodeError:
        return None


def slices(text: str, codec_bytes: bytes, encoding: str) -> list[tuple[str, bytes]]:
    """Consecutive pieces of at most SLICE bytes, cut between characters."""
    codec = encoding
    if encoding == "big5":
        try:
            text.encode("big5")
        except UnicodeEncodeError:
            codec = "big5hkscs"
    out = []
    piece: list[str] = []
    size = 0
    for ch in text:
        width = len(ch.encode(codec))
        if size + width > SLICE and piece:
            s = "".join(piece)
            out.append((s, s.encode(codec)))
            piece, size = [], 0
        piece.append(ch)
        size += width
    if piece:
        s = "".join(piece)
        out.append((s, s.encode(codec)))
    return out


def ours(data: bytes) -> str | None:
    return decode(data).text


def theirs(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best)


def samples(texts: list[str], encoding: str, sliced: bool) -> list[tuple[str, bytes]]:
    out = []
    for text in texts:
        pair = encoded(text, encoding)
        if pair is None:
            continue
        out.extend(slices(pair[0], pair[1], encoding) if sliced else [pair])
    return out


def measure() -> list[dict]:
    corpora = {"seed pages": list(seed_pages().values()), "clean sentences": clean_sentences()}
    rows = []
    for corpus, texts in corpora.items():
        for sliced in (False, True):
            for encoding in ENCODINGS:
                items = samples(texts, encoding, sliced)
                row = {"corpus": corpus, "unit": f"{SLICE}-byte slices" if sliced else "whole",
                       "encoding": encoding, "n": len(items)}
                for name, detector in (("textrepair", ours), ("charset-normalizer", theirs)):
                    start = time.perf_counter()
                    right = sum(detector(data) == text for text, data in items)
                    row[name] = right
                    row[name + " s"] = time.perf_counter() - start
                rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| corpus | unit | encoding | n | textrepair | charset-normalizer |",
             "|---|---|---|---:|---:|---:|"]
    for r in rows:
        n = r["n"] or 1
        lines.append(f"| {r['corpus']} | {r['unit']} | {r['encoding']} | {r['n']} | "
                     f"{100 * r['textrepair'] / n:.1f}% | {100 * r['charset-normalizer'] / n:.1f}% |")
    ours_total = sum(r["textrepair"] for r in rows)
    theirs_total = sum(r["charset-normalizer"] for r in rows)
    count = sum(r["n"] for r in rows)
    lines.append(f"| all | | | {count} | {100 * ours_total / count:.1f}% | {100 * theirs_total / count:.1f}% |")
    seconds = (sum(r["textrepair s"] for r in rows), sum(r["charset-normalizer s"] for r in rows))
    lines.append("")
    lines.append(f"Time for all {count} detections: textrepair {seconds[0]:.1f} s, "
                 f"charset-normalizer {seconds[1]:.1f} s.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(table(measure()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
