"""Paths and readers shared by the tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def read_seed(prefix: str) -> str:
    """The seed page whose file name starts with ``prefix`` (e.g. ``"000"``)."""
    for path in SEEDS:
        if path.name.startswith(prefix):
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(prefix)


def load_json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# A Han character followed by a parenthesised pinyin-looking syllable.
HAN_ANNOTATION = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]\([A-Za-zÀ-ɏḀ-ỿ\u0300-\u036f]{1,8}\)")
