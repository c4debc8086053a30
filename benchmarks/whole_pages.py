"""Whole pages read with the wrong codec: each classic mechanism of the
accuracy benchmark applied to a whole page instead of one sentence, then
``repair()`` with the default options.

The accuracy benchmark damages one sentence (or part of one) at a time, with
clean text around it.  A scraper that takes a page for the wrong encoding
damages all of it, and that is a different test: no clean context, long
paragraphs, every mechanism's rare cases many times over (a run of lost
bytes before a question mark, names, punctuation).  The pages are the clean
texts of the seed pages (``tests/data/originals/*_clean.txt``: traditional
characters written in GBK, as the farm pages are) and seed 002's article
(simplified), each cut to the characters the mechanism's encoder writes.

Reported per page and mechanism: CER of the damaged page and of the repaired
one against the clean text, and the seconds of the ``repair()`` call.  The
``clean`` row is the clean page itself: what the pipeline removes as page
furniture (navigation, share bars) counts in every row of that page.

    python -m benchmarks.whole_pages                    # every page and mechanism
    python -m benchmarks.whole_pages --mechanisms gbk-as-big5,utf8-as-gbk-lost

>>> _encodable("中國€", "gbk"), _encodable("中國", "cp950")
('中國', '中國')
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import ROOT, clean_article

ORIGINALS = ROOT / "tests" / "data" / "originals"


def _encodable(text: str, codec: str) -> str:
    """``text`` without the characters ``codec`` cannot write (and with
    U+00A0 as a space: the GBK family has none)."""
    out = []
    for ch in text.replace("\xa0", " "):
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            continue
        out.append(ch)
    return "".join(out)


def pages() -> dict[str, str]:
    """The clean pages by name."""
    found = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(ORIGINALS.glob("*_clean.txt"))}
    found["002"] = clean_article()
    return dict(sorted(found.items()))


def _latin1_twice(text: str) -> str:
    """GBK read as Latin-1, and the UTF-8 of that read as Latin-1 again.

    >>> _latin1_twice("中")
    'Ã\x96Ã\x90'
    """
    return text.encode("gbk").decode("latin-1").encode("utf-8").decode("latin-1")


#: Mechanisms of whole pages only (the sentence benchmark has no such case).
PAGE_MECHANISMS = {"gbk-as-latin1-twice": _latin1_twice}


def _writer(mechanism: str) -> str:
    return "cp950" if mechanism.startswith("big5") else "gbk"


def measure(mechanisms: list[str]) -> list[tuple[str, str, float, float, float]]:
    """``(page, mechanism, CER before, CER after, seconds)`` per page and
    mechanism, ``clean`` first for each page."""
    import textrepair
    from rapidfuzz.distance import Levenshtein

    from benchmarks.damage.classic import misread_text

    textrepair.repair("好")  # the model's first load is no page's cost
    rows = []
    for name, page in pages().items():
        for mechanism in ["clean", *mechanisms]:
            clean = _encodable(page, "gbk" if mechanism == "clean" else _writer(mechanism))
            if mechanism == "clean":
                damaged = clean
            elif mechanism in PAGE_MECHANISMS:
                damaged = PAGE_MECHANISMS[mechanism](clean)
            else:
                damaged = misread_text(clean, mechanism)
            start = time.perf_counter()
            fixed = textrepair.repair(damaged)
            seconds = time.perf_counter() - start
            rows.append((name, mechanism, Levenshtein.distance(damaged, clean) / len(clean),
                         Levenshtein.distance(fixed, clean) / len(clean), seconds))
            print(f"{name} {mechanism:20s} {rows[-1][2]:8.2%} -> {rows[-1][3]:7.2%} {seconds:7.2f} s",
                  file=sys.stderr, flush=True)
    return rows


def table(rows) -> str:
    """The rows as a markdown table, one column per page."""
    names = sorted({r[0] for r in rows})
    mechanisms = list(dict.fromkeys(r[1] for r in rows))
    cell = {(r[0], r[1]): r for r in rows}
    lines = ["| mechanism | " + " | ".join(f"{n}: CER before → after (s)" for n in names) + " |",
             "|---|" + "---:|" * len(names)]
    for m in mechanisms:
        parts = []
        for n in names:
            _p, _m, before, after, seconds = cell[n, m]
            parts.append(f"{before:.1%} → {after:.2%} ({seconds:.2f})")
        lines.append(f"| {m} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.damage.classic import MECHANISMS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    known = [*MECHANISMS, *PAGE_MECHANISMS]
    parser.add_argument("--mechanisms", default=",".join(known),
                        help="comma-separated (default: every classic mechanism of the accuracy benchmark, "
                             "and a page read as Latin-1 twice)")
    args = parser.parse_args(argv)
    wanted = [m for m in args.mechanisms.split(",") if m]
    unknown = [m for m in wanted if m not in known]
    if unknown:
        parser.error(f"unknown mechanisms: {', '.join(unknown)} (known: {', '.join(known)})")
    print(table(measure(wanted)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
