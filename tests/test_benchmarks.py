"""The benchmark harness's own examples run (its timings are not tested)."""

from __future__ import annotations

import doctest
import importlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ sits at the root

pytestmark = pytest.mark.single_backend


@pytest.mark.parametrize("name", ["benchmarks.corpora", "benchmarks.measure", "benchmarks.opencc_cpp", "benchmarks.compare",
                                  "benchmarks.hostile", "benchmarks.whole_pages", "benchmarks.versus_ftfy"])
def test_benchmark_docstrings(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
