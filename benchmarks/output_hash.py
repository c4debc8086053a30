"""A fingerprint of what ``textrepair`` returns over the benchmark inputs, so a
speed change can prove it changed no output (issue 20: "output identical
before and after").

For every input it records ``repair_and_explain`` (the text and every edit),
``findings`` and ``repair`` under the default options, and the accuracy
benchmark's mojibake-only repairer for its damaged items: one SHA-256 per
input and one over all of them.  The inputs: the seed pages, seed 002's
article and its sentences, the clean corpus of ``tests/clean_corpus.py``, the
items of ``python -m benchmarks.mojibake_accuracy --quick`` and the
pathological inputs at a small scale.

    python -m benchmarks.output_hash --save /tmp/before.json
    python -m benchmarks.output_hash --check /tmp/before.json   # exit 1 and the differing inputs

Run it once per backend (``TEXTREPAIR_BACKEND=python``): the file records
the backend.

>>> _digest("ab", ("ab", []), [], "ab") == _digest("ab", ("ab", []), [], "ab")
True
"""

from __future__ import annotations

import argparse
import hashlib
import dataclasses
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpora import clean_article, clean_sentences, pathological, seed_pages

ROOT = Path(__file__).resolve().parent.parent


def _digest(text: str, both, found, repaired: str) -> str:
    fixed, edits = both
    record = [fixed, [dataclasses.astuple(e) for e in edits], [dataclasses.astuple(f) for f in found], repaired]
    return hashlib.sha256(repr(record).encode("utf-8", "surrogatepass")).hexdigest()


def inputs() -> list[tuple[str, str, object]]:
    """``(name, text, repairer)`` of every input, in a fixed order (the
    repairer None for the default options)."""
    from benchmarks import mojibake_accuracy as acc

    items: list[tuple[str, str, object]] = []
    for key, page in seed_pages().items():
        items.append((f"seed/{key}", page, None))
    items.append(("article", clean_article(), None))
    items += [(f"sentence/{i}", s, None) for i, s in enumerate(clean_sentences())]
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from clean_corpus import documents
    finally:
        sys.path.pop(0)
    items += [(f"clean/{i}/{d.ident}", d.text, None) for i, d in enumerate(documents())]
    cases = acc.build(acc.select(None), acc.QUICK_N, acc.QUICK_N)
    for i, case in enumerate(cases):
        items.append((f"accuracy/{i}/{case.name}", case.damaged, acc.repairer(case.stages, "mojibake")))
        items.append((f"accuracy-full/{i}/{case.name}", case.damaged, None))
    items += [(f"pathological/{k}", v, None) for k, v in pathological(0.01).items()]
    return items


def fingerprint() -> dict:
    import textrepair

    default = textrepair.Repairer()
    digests = {}
    for name, text, repairer in inputs():
        r = repairer or default
        digests[name] = _digest(text, r.repair_and_explain(text), r.findings(text), r.repair(text))
    total = hashlib.sha256("".join(digests.values()).encode()).hexdigest()
    return {"backend": textrepair.BACKEND, "total": total, "inputs": digests}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", type=Path, help="write the fingerprint here")
    parser.add_argument("--check", type=Path, help="compare with a saved fingerprint")
    args = parser.parse_args(argv)
    found = fingerprint()
    print(f"backend {found['backend']}: {len(found['inputs'])} inputs, sha256 {found['total']}")
    if args.save:
        args.save.write_text(json.dumps(found, indent=0), encoding="utf-8")
    if args.check:
        saved = json.loads(args.check.read_text(encoding="utf-8"))
        differ = [k for k in saved["inputs"] if saved["inputs"][k] != found["inputs"].get(k)]
        differ += [k for k in found["inputs"] if k not in saved["inputs"]]
        if differ:
            print(f"{len(differ)} inputs differ from {args.check}:")
            for k in differ[:50]:
                print("  ", k)
            return 1
        print(f"identical to {args.check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
