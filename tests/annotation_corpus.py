"""Generated documents for the annotation rule: teaching glosses (clean, kept
as they are), content-farm converter output (damage, with the text it was made
from), and children's primers (clean).

Everything comes from data the package already ships: the readings (in
pypinyin's order) and the traditional-only flags of
``data/pinyin_readings.txt``, and the tone-marked letters of its ``[letters]``
section; the prose is the seed pages' clean sentences (001 traditional, 002
simplified).  Only the short frames a teacher writes around a gloss are typed
here; no expected output is.
"""

from __future__ import annotations

import random
import re
import unicodedata
from functools import lru_cache

from helpers import read_seed
from textrepair import _tables

__all__ = ["GLOSS_KINDS", "concatenated", "every_character_farm", "gloss_document", "prose", "primer",
           "toned", "traditional_farm"]

# A sentence is an unbroken stretch up to its end mark.
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_ALLOWED_NON_HAN = set("，、：；“”《》（）—…·,:%0123456789.- ")
# Quotation marks around a glossed character, as teachers write them.
QUOTES = {"traditional": ("「", "」"), "simplified": ("“", "”")}


@lru_cache(maxsize=None)
def _ordered_readings() -> dict[str, tuple[str, ...]]:
    """Each character's readings in the table's order (pypinyin's: the first
    is the one a converter that ignores context writes)."""
    return _tables.reading_table().ordered


@lru_cache(maxsize=None)
def _tone_letters() -> dict[tuple[str, int], str]:
    """(base letter, tone) -> the precomposed lower-case letter of the table."""
    out: dict[tuple[str, int], str] = {}
    for ch, (base, tone) in _tables.reading_table().letters.items():
        if base and tone and ch.islower() and len(ch) == 1 and unicodedata.combining(ch) == 0:
            out.setdefault((base, tone), ch)
    return out


def toned(reading: str) -> str:
    """A numbered reading in tone-mark spelling (``zhang3`` -> ``zhǎng``).

    >>> toned("zhang3"), toned("lv4"), toned("de"), toned("gou3"), toned("shui3")
    ('zhǎng', 'lǜ', 'de', 'gǒu', 'shuǐ')
    """
    body = reading.rstrip("0123456789")
    tone = int(reading[len(body):] or 0)
    if not tone:
        return body.replace("v", "ü")
    if "a" in body:
        at = body.index("a")
    elif "e" in body:
        at = body.index("e")
    elif "ou" in body:
        at = body.index("o")
    else:
        vowels = [i for i, ch in enumerate(body) if ch in "iouv"]
        at = vowels[-1] if vowels else 0
    marked = _tone_letters()[(body[at], tone)]
    return (body[:at] + marked + body[at + 1:]).replace("v", "ü")


def toneless(reading: str) -> str:
    return reading.rstrip("0123456789")


@lru_cache(maxsize=None)
def prose(script: str) -> tuple[str, ...]:
    """Clean sentences of the seed page in that script (001 traditional, 002
    simplified): at least eight characters with readings, and nothing from
    the page's damage or furniture."""
    text = read_seed("001" if script == "traditional" else "002")
    readings = _ordered_readings()
    out = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group().strip()
        han = sum(ch in readings for ch in sentence)
        if han >= 8 and all(ch in readings or ch in _ALLOWED_NON_HAN or ch in "。！？" for ch in sentence):
            out.append(sentence)
    return tuple(dict.fromkeys(out))


def _passage(rng: random.Random, script: str, sentences: int) -> str:
    pool = prose(script)
    start = rng.randrange(len(pool))
    return "".join(pool[(start + k) % len(pool)] for k in range(sentences))


@lru_cache(maxsize=None)
def _polyphones(script: str) -> tuple[str, ...]:
    """Characters of the script's prose with two readings that differ in
    letters or tone; in traditional text only traditional-only forms (the
    characters a converter annotates, so a gloss of one looks most like it)."""
    table = _tables.reading_table()
    seen = dict.fromkeys(ch for s in prose(script) for ch in s)
    out = []
    for ch in seen:
        readings = _ordered_readings().get(ch, ())
        if len(readings) < 2:
            continue
        if (ch in table.traditional) != (script == "traditional"):
            continue
        out.append(ch)
    return tuple(out)


#: The teaching frames: {x} is the glossed character, {a}/{b} two of its
#: readings, {o}/{c} the script's quotation marks, {s} a prose sentence.
GLOSS_KINDS = {
    "two-readings": {
        "traditional": ["{s}{x}({a}){s2}{x}({b}){s3}", "{x}({a})和{x}({b})是兩個讀音。{s}"],
        "simplified": ["{s}{x}({a}){s2}{x}({b}){s3}", "{x}({a})和{x}({b})是两个读音。{s}"],
    },
    "quoted-two": {
        "traditional": ["這個字念{o}{x}({a}){c}，不念{o}{x}({b}){c}。{s}", "{s}{o}{x}({a}){c}也讀{o}{x}({b}){c}。"],
        "simplified": ["这个字念{o}{x}({a}){c}，不念{o}{x}({b}){c}。{s}", "{s}{o}{x}({a}){c}也读{o}{x}({b}){c}。"],
    },
    "quoted-one": {
        "traditional": ["{s}注意{o}{x}({a}){c}的讀音。{s2}", "{o}{x}({a}){c}，{s}"],
        "simplified": ["{s}注意{o}{x}({a}){c}的读音。{s2}", "{o}{x}({a}){c}，{s}"],
    },
    "mixed": {
        "traditional": ["{s}{x}({a}){s2}{x}({b})，{y}({r})。{s3}"],
        "simplified": ["{s}{x}({a}){s2}{x}({b})，{y}({r})。{s3}"],
    },
}


def gloss_document(i: int) -> str:
    """Teaching text number ``i``: traditional for even ``i``, simplified for
    odd; it glosses a character with two of its readings, or in quotation
    marks (kinds in :data:`GLOSS_KINDS`), in prose that may use it unglossed."""
    rng = random.Random(f"gloss-{i}")
    script = "traditional" if i % 2 == 0 else "simplified"
    kind = list(GLOSS_KINDS)[(i // 2) % len(GLOSS_KINDS)]
    frame = rng.choice(GLOSS_KINDS[kind][script])
    x = rng.choice(_polyphones(script))
    readings = _ordered_readings()[x]
    a, b = rng.sample(readings, 2)
    while toned(a) == toned(b):  # pragma: no cover - the table stores each spelling once
        a, b = rng.sample(readings, 2)
    y = rng.choice([ch for ch in _polyphones(script) if ch != x])
    o, c = QUOTES[script]
    return frame.format(x=x, a=toned(a), b=toned(b), y=y, r=toned(_ordered_readings()[y][0]), o=o, c=c,
                        s=_passage(rng, script, 1), s2=_passage(rng, script, 1), s3=_passage(rng, script, 1))


def _annotate(text: str, chars, reading, space: str = "") -> str:
    return "".join(f"{ch}({reading(ch)}){space}" if ch in chars else ch for ch in text)


def traditional_farm(i: int) -> tuple[str, str]:
    """(damaged, clean): a traditional passage in which a converter appended
    the first reading of every occurrence of a fixed set of traditional-only
    characters (toned; every fourth document toneless with a space, the
    seeds' other variant)."""
    rng = random.Random(f"trad-farm-{i}")
    clean = _passage(rng, "traditional", rng.randint(2, 6))
    table = _tables.reading_table()
    present = sorted({ch for ch in clean if ch in table.traditional})
    chars = set(rng.sample(present, max(1, len(present) * rng.randint(5, 10) // 10)))
    first = _ordered_readings()
    if i % 4 == 3:
        return _annotate(clean, chars, lambda ch: toneless(first[ch][0]), " "), clean
    return _annotate(clean, chars, lambda ch: toned(first[ch][0])), clean


def every_character_farm(i: int) -> tuple[str, str]:
    """(damaged, clean): a passage in which a converter glossed every
    character: a Han character with its first reading without tone, any other
    non-space character (punctuation, digits) with itself: ``所(suo)以(yi),(,)``.
    Simplified for three documents in four, else traditional."""
    rng = random.Random(f"every-farm-{i}")
    clean = _passage(rng, "traditional" if i % 4 == 3 else "simplified", rng.randint(1, 5))
    first = _ordered_readings()
    return "".join(f"{ch}({toneless(first[ch][0])})" if ch in first else ch if ch.isspace() else f"{ch}({ch})"
                   for ch in clean), clean


def primer(i: int) -> str:
    """A children's primer: every Han character glossed with its reading,
    toned, the reading following the context, so a character with two
    readings shows both (``长(cháng)江``, ``长(zhǎng)大``).  Simplified."""
    rng = random.Random(f"primer-{i}")
    text = _passage(rng, "simplified", rng.randint(1, 3))
    x = rng.choice(_polyphones("simplified"))
    a, b = _ordered_readings()[x][:2]
    first = _ordered_readings()
    glossed = "".join(f"{ch}({toned(first[ch][0])})" if ch in first else ch for ch in text)
    at = rng.randrange(len(text) + 1)
    glossed_at = len("".join(f"{ch}({toned(first[ch][0])})" if ch in first else ch for ch in text[:at]))
    pair = f"{x}({toned(a)}){x}({toned(b)})"
    return glossed[:glossed_at] + pair + glossed[glossed_at:]


def concatenated(parts: list[str], separator: str = "\n") -> tuple[str, list[tuple[int, int]]]:
    """The parts joined, and each part's (start, end) in the result."""
    spans = []
    pos = 0
    for part in parts:
        spans.append((pos, pos + len(part)))
        pos += len(part) + len(separator)
    return separator.join(parts), spans


# --- measuring the rule's thresholds ---------------------------------------------

def half_shares(text: str, least: int = 4) -> list[dict[str, float]]:
    """The shares the rule's thresholds apply to, for every half (of every
    annotation of ``text``) of at least ``least`` annotations, read from the
    Python twin's own counts."""
    from textrepair._fallback import annotations as spec

    scan = spec.scan_annotations(text)
    found = scan._found
    if not found:
        return []
    gloss = spec._glosses(found)
    sums = spec._Sums(found, gloss, spec._gaps(text, found))
    out = []
    lo = hi = 0
    for i, f in enumerate(found):
        while found[lo][6] < f[6] - spec.WINDOW:
            lo += 1
        while hi + 1 < len(found) and found[hi + 1][6] <= f[6] + spec.WINDOW:
            hi += 1
        for a, b in ((lo, i), (i, hi)):
            h = sums.half(a, b)
            n, e = h[spec._PLAIN], h[spec._ECHO]
            if n < 1 or n + e < least:
                continue
            styled = h[spec._TONED] + h[spec._OMITTED]
            out.append({
                "trad": h[spec._TRAD] / n,
                "dense": h[spec._UNCHAINED] / max(1, h[spec._UNCHAINED] + h[spec._HAN]),
                "style": max(h[spec._TONED], h[spec._OMITTED]) / styled if styled else 1.0,
                "echo": e / (e + h[spec._VIS]) if e + h[spec._VIS] else 0.0,
                "cover": n / (n + h[spec._MISS]),
                "gloss": h[spec._GLOSS] / (n + e),
            })
    return out


def measured() -> dict[str, dict[str, tuple[float, float]]]:
    """(min, max) of each share over the halves of each kind of document:
    the margins the thresholds in ``_fallback.annotations`` sit between."""
    kinds = {
        "seed converter pages": [read_seed(s) for s in ("000", "003", "004")],
        "traditional converters": [traditional_farm(i)[0] for i in range(60)],
        "every-character converters": [every_character_farm(i)[0] for i in range(60)],
        "teaching glosses": [gloss_document(i) for i in range(240)],
        "primers": [primer(i) for i in range(60)],
    }
    out = {}
    for kind, docs in kinds.items():
        # Teaching texts gloss a few characters: every half with evidence.
        shares = [s for d in docs for s in half_shares(d, 2 if kind == "teaching glosses" else 4)]
        out[kind] = {k: (min(s[k] for s in shares), max(s[k] for s in shares)) for k in shares[0]}
    return out


PAGE_KINDS = ("teaching glosses", "traditional converter", "every-character converter", "primer", "seed page",
              "clean prose")


def mixed_pages(count: int, size: int, seed: int) -> list[tuple[str, str]]:
    """``count`` pages of about ``size`` code points, each of one kind of
    :data:`PAGE_KINDS` (documents of that kind joined; a converter page in
    one style throughout), in random order: (kind, text)."""
    rng = random.Random(f"pages-{seed}")
    seeds = [read_seed(s) for s in ("000", "001", "002", "003", "004")]
    pages = []
    serial = 0
    for _ in range(count):
        kind = rng.choice(PAGE_KINDS)
        style = rng.randrange(4)
        parts: list[str] = []
        while sum(map(len, parts)) < size:
            serial += 1
            if kind == "teaching glosses":
                parts.append(gloss_document(serial))
            elif kind == "traditional converter":
                parts.append(traditional_farm(serial - serial % 4 + style)[0])
            elif kind == "every-character converter":
                parts.append(every_character_farm(serial)[0])
            elif kind == "primer":
                parts.append(primer(serial))
            elif kind == "seed page":
                parts.append(rng.choice(seeds))
            else:
                pool = prose(rng.choice(["traditional", "simplified"]))
                start = rng.randrange(len(pool))
                parts.append("".join(pool[start:start + 5]))
        pages.append((kind, "\n".join(parts)))
    return pages


def adjacency(explain, count: int = 48, sizes=(600, 1500, 3000), seeds=(3, 4, 5, 6), group: int = 12):
    """Pages of every kind put side by side, ``group`` at a time: per kind,
    (pages whose annotations were judged otherwise than alone, pages).
    ``explain(text)`` lists the starts of the annotations removed."""
    out = {kind: [0, 0] for kind in PAGE_KINDS}
    for size in sizes:
        for seed in seeds:
            pages = mixed_pages(count, size, seed)
            for first in range(0, count, group):
                chunk = pages[first:first + group]
                text, spans = concatenated([page for _, page in chunk])
                together = explain(text)
                for (kind, page), (start, end) in zip(chunk, spans):
                    here = {p - start for p in together if start <= p < end}
                    out[kind][0] += here != set(explain(page))
                    out[kind][1] += 1
    return out


def _removed_starts(text: str) -> list[int]:
    from textrepair._fallback import annotations as spec

    scan = spec.scan_annotations(text)
    scan.judge()
    return [m[0] for m in scan.matches() if m[3] & 128]


if __name__ == "__main__":  # pragma: no cover - prints the tables README quotes
    for kind, ranges in measured().items():
        print(f"{kind:28}", "  ".join(f"{k} {lo:.2f}-{hi:.2f}" for k, (lo, hi) in ranges.items()))
    for kind, (changed, total) in adjacency(_removed_starts).items():
        print(f"{kind:28} judged otherwise beside other pages: {changed} of {total}")
