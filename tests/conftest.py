"""Every test runs once per backend this installation has (C and Python),
unless it is marked ``single_backend`` because it compares both itself."""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Nothing is written into the checkout: hypothesis keeps its files in a temporary folder.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="textrepair-hypothesis-"))

from textrepair import _backend

settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    # The autouse backend fixture only flips a module global; safe to share.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
settings.load_profile("default")


def pytest_configure(config):
    config.addinivalue_line("markers", "single_backend: the test compares the backends itself")
    config.addinivalue_line("markers", "spawns: the test starts fresh processes, which read TEXTREPAIR_BACKEND "
                            "and not the in-process switch (CI runs these again with the Python path forced)")


def pytest_generate_tests(metafunc):
    if "tr_backend" in metafunc.fixturenames:
        if metafunc.definition.get_closest_marker("single_backend"):
            metafunc.parametrize("tr_backend", ["default"], indirect=True)
        else:
            metafunc.parametrize("tr_backend", _backend.available(), indirect=True)


@pytest.fixture(autouse=True)
def tr_backend(request):
    name = getattr(request, "param", "default")
    previous = _backend.BACKEND
    if name != "default":
        _backend.use(name)
    yield name
    _backend.use(previous)
