"""Build hook: compile the cffi C core, or fall back to pure Python.

``TEXTREPAIR_BACKEND=python`` skips the C build; ``TEXTREPAIR_REQUIRE_C=1``
turns a failed C build into an error (CI uses it so a broken C core cannot
pass silently as the Python backend).
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "native"))


class OptionalBuildExt(build_ext):
    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler failure
            self._fallback(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._fallback(exc)

    def _fallback(self, exc):
        if os.environ.get("TEXTREPAIR_REQUIRE_C") == "1":
            raise exc
        sys.stderr.write(
            f"textrepair: C core not built ({exc.__class__.__name__}: {exc}); "
            "installing the pure-Python backend.\n"
        )


def ext_modules():
    if os.environ.get("TEXTREPAIR_BACKEND") == "python":
        sys.stderr.write("textrepair: TEXTREPAIR_BACKEND=python, C core not built.\n")
        return []
    try:
        import build_ffi
    except Exception as exc:  # noqa: BLE001 - cffi missing or header broken
        if os.environ.get("TEXTREPAIR_REQUIRE_C") == "1":
            raise
        sys.stderr.write(f"textrepair: C core not built ({exc}); installing the pure-Python backend.\n")
        return []
    return [build_ffi.ffibuilder.distutils_extension(tmpdir="build/cffi")]


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
