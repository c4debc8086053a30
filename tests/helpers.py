"""Paths and readers shared by the tests."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Iterable, Optional

import pytest

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


def missing_modules(extra: str, modules: Iterable[str]) -> Optional[str]:
    """Why the optional extra ``extra`` cannot be used here, or None."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            return f"{module} not installed: pip install '.[{extra}]'"
    return None


def needs_extra(reason: Optional[str]) -> pytest.MarkDecorator:
    """A mark skipping the tests with ``reason`` when it is not None; under
    ``TEXTREPAIR_REQUIRE_EXTRAS=1`` (CI, after installing the extras) a missing
    extra fails the test module at collection instead of skipping it."""
    if reason is not None and os.environ.get("TEXTREPAIR_REQUIRE_EXTRAS") == "1":
        pytest.fail(f"TEXTREPAIR_REQUIRE_EXTRAS=1 but {reason}", pytrace=False)
    return pytest.mark.skipif(reason is not None, reason=str(reason))


def readme_example(heading: str) -> str:
    """The first ```python block after the README line ``heading``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("\n" + heading + "\n"):]
    return re.search(r"```python\n(.*?)```", after, re.S).group(1)


def write_pages_jsonl(path: Path) -> None:
    """The README's pages.jsonl: one record per seed page, ``id`` and ``text``."""
    with path.open("w", encoding="utf-8") as out:
        for seed in SEEDS:
            out.write(json.dumps({"id": seed.stem, "text": seed.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
