"""Every docstring example in the package runs as a test."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import textrepair

# The package's own docstrings too: walk_packages lists only what is inside it.
MODULES = ["textrepair"] + sorted(
    name
    for _finder, name, _pkg in pkgutil.walk_packages(textrepair.__path__, "textrepair.")
    if not name.endswith(("__main__", "_speedups"))
)


@pytest.mark.parametrize("name", MODULES)
def test_docstrings(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_public_names_documented():
    for name in textrepair.__all__:
        if name.startswith("__") or name == "BACKEND":
            continue
        assert getattr(textrepair, name).__doc__, name
