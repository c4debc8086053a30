"""Deterministic corpora for the benchmark.

Every corpus is a list of documents (one ``repair()`` call each) built from
files in the repository, so two runs on any machine measure the same text.

>>> pages = seed_pages()
>>> sorted(pages) == ["000", "001", "002", "003", "004"]
True
>>> docs = repeat_pages([pages["002"]], 30_000)
>>> utf8_size(docs) >= 30_000 and docs[0] == pages["002"] and docs[0] is not docs[1]
True
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NEGATIVE = ROOT / "tests" / "data" / "negative.json"

#: The seed pages that carry converter damage, and the clean one.
DAMAGED = ("000", "001", "003", "004")
CLEAN = ("002",)
SEED_CORPUS_BYTES = 2_400_000


def seed_pages() -> dict[str, str]:
    """The seed pages by their three-digit prefix."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def clean_article() -> str:
    """Seed 002 without its page furniture: the site name and ``登录`` above
    the title, and the lines from ``上一篇:`` on (previous/next links, related
    links, the navigation bar) are boilerplate the pipeline removes, so the
    clean corpus is the article between them.

    >>> text = clean_article()
    >>> text.startswith("国家数据局局长") and text.rstrip().endswith("谢谢!") and "上一篇" not in text
    True
    """
    page = seed_pages()["002"]
    start = page.index("\n登录\n") + len("\n登录\n")
    return page[start : page.index("\n上一篇:") + 1].lstrip("\n")


def utf8_size(docs: list[str]) -> int:
    """Bytes of UTF-8 the documents take (what MB/s counts)."""
    return sum(len(d.encode("utf-8", "surrogatepass")) for d in docs)


def _fresh(text: str) -> str:
    # A distinct object with the same value: no cache keyed on identity can
    # carry work from one document to the next.
    return "".join(list(text[:1])) + text[1:]


def repeat_pages(pages: list[str], target_bytes: int) -> list[str]:
    """The pages in turn, as separate documents, until ``target_bytes``."""
    docs: list[str] = []
    total = 0
    while total < target_bytes:
        for page in pages:
            docs.append(_fresh(page))
            total += len(page.encode("utf-8"))
    return docs


def clean_sentences() -> list[str]:
    """Clean Chinese sentences: seed 002's article (:func:`clean_article`)
    split at sentence ends, plus the clean cases of ``tests/data/negative.json``.

    >>> all(s for s in clean_sentences())
    True
    """
    pieces = re.split(r"(?<=[。！？!?\n])", clean_article())
    sentences = [p for p in pieces if len(p.strip()) >= 8]
    cases = json.loads(NEGATIVE.read_text(encoding="utf-8"))["cases"]
    return sentences + [c + "\n" for c in cases]


def sentence_text(target_bytes: int, seed: int = 6) -> str:
    """One document of shuffled clean sentences, about ``target_bytes`` long.

    >>> 10_000 <= len(sentence_text(10_000).encode()) < 11_000
    True
    """
    pool = clean_sentences()
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < target_bytes:
        batch = pool[:]
        rng.shuffle(batch)
        for sentence in batch:
            parts.append(sentence)
            total += len(sentence.encode("utf-8"))
            if total >= target_bytes:
                break
    return "".join(parts)


#: The seed pages damaged by a converter (pinyin annotations); 001's damage
#: is markup, and joined with them it would outnumber the annotated characters
#: and the page rule would (rightly) leave the document alone.
ANNOTATED = ("000", "003", "004")


def damaged_text(target_bytes: int) -> str:
    """One document of the annotated seed pages joined, about ``target_bytes``."""
    pages = seed_pages()
    return "\n".join(repeat_pages([pages[k] for k in ANNOTATED], target_bytes))


def nested_tags(target_bytes: int) -> str:
    """Tags nested as deep as the size allows, around one sentence."""
    depth = max(1, target_bytes // 24)
    return '<div><span class="x">' * depth + "正文内容" + "</span></div>" * depth


def _label(nbytes: int) -> str:
    """Size as the table shows it.

    >>> _label(10_000_000), _label(100_000)
    ('10MB', '100KB')
    """
    return f"{nbytes // 1_000_000}MB" if nbytes >= 1_000_000 else f"{nbytes // 1000}KB"


def pathological(scale: float = 1.0) -> dict[str, str]:
    """Inputs built to trigger worst cases: a 10 MB line of "(", 1 MB of "?",
    of "<", of private-use characters, and of nested tags (sizes times ``scale``).

    >>> sorted(pathological(0.1))
    ['lt-100KB', 'nested-tags-100KB', 'paren-line-1MB', 'pua-100KB', 'qmark-100KB']
    """
    mb = int(1_000_000 * scale)
    return {
        f"paren-line-{_label(10 * mb)}": "(" * (10 * mb),
        f"qmark-{_label(mb)}": "?" * mb,
        f"lt-{_label(mb)}": "<" * mb,
        f"pua-{_label(mb)}": "\ue000\ue1a2\uf8ff" * (mb // 9),
        f"nested-tags-{_label(mb)}": nested_tags(mb),
    }
