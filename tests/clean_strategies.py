"""Hypothesis strategies for clean text: what textrepair must return unchanged.

Clean Chinese sentences (seed 002 split at sentence ends and the clean cases
of ``tests/data/negative.json``, as ``benchmarks.corpora.clean_sentences``
gives them), ASCII prose, code, URLs and numbers, joined by the whitespace
that separates them on a page.
"""

from __future__ import annotations

import sys

from hypothesis import strategies as st

from helpers import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks.corpora import clean_sentences  # noqa: E402

__all__ = ["CLEAN_SENTENCES", "clean_text", "code", "numbers", "prose", "urls"]

CLEAN_SENTENCES = [s.strip() for s in clean_sentences() if s.strip()]

WORDS = ("the data market grew again this year while prices of storage fell and the bureau said "
         "it will publish rules for cross border flows by march a report on digital economy").split()

prose = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).flatmap(
    lambda words: st.sampled_from([".", "!", "?", ",", ":", ";", ""]).map(
        lambda end: " ".join(words).capitalize() + end))

CODE = [
    "if (a < b && c > d) { return x; }",
    "for (int i = 0; i < n; i++) total += v[i];",
    "print(\"hello\")",
    "x = f(y) * (z + 1)",
    "while (p->next != NULL && p->v <= 3) p = p->next;",
    "SELECT id FROM users WHERE age >= 18;",
    "a<b && c>d",
    "std::vector<int> v;",
    "obj?.field ?? fallback",
    "def f(x): return x ** 2",
    "$ ls -la /tmp | grep (log)",
]
code = st.sampled_from(CODE)

hosts = st.sampled_from(["example.com", "www.gov.cn", "news.sina.com.cn", "data.stats.gov.cn"])
paths = st.lists(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_"), min_size=1, max_size=8),
                 max_size=3).map("/".join)
queries = st.lists(st.tuples(st.sampled_from("abcdxyz"), st.integers(0, 999)), max_size=3).map(
    lambda kv: ("?" + "&".join(f"{k}={v}" for k, v in kv)) if kv else "")
urls = st.builds(lambda scheme, host, path, query: f"{scheme}://{host}/{path}{query}",
                 st.sampled_from(["http", "https"]), hosts, paths, queries)

numbers = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: f"{f:.2f}"),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.tuples(st.integers(1990, 2030), st.integers(1, 12), st.integers(1, 28)).map(
        lambda d: f"{d[0]}-{d[1]:02d}-{d[2]:02d}"),
    st.tuples(st.integers(1990, 2030), st.integers(1, 12)).map(lambda d: f"{d[0]}年{d[1]}月"),
)

chinese = st.sampled_from(CLEAN_SENTENCES)

#: Clean pieces, each kept whole and separated by whitespace.
clean_piece = st.one_of(chinese, chinese, prose, code, urls, numbers)


def _join(pieces_and_seps: list[tuple[str, str]]) -> str:
    out = []
    for k, (piece, sep) in enumerate(pieces_and_seps):
        if k:
            out.append(sep)
        out.append(piece)
    return "".join(out)


clean_text = st.lists(st.tuples(clean_piece, st.sampled_from([" ", "\n", "\n\n"])), min_size=1, max_size=8).map(_join)
