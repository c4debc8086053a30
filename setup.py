"""Build hook: compile the cffi C core, or fall back to pure Python.

``TEXTREPAIR_BACKEND=python`` skips the C build; ``TEXTREPAIR_REQUIRE_C=1``
turns a failed C build into an error (CI uses it so a broken C core cannot
pass silently as the Python backend).

pip hides a build's output, so a failed (or skipped) C build is also written
into the built package as ``textrepair/_build.txt`` (``failed: why`` or
``skipped: why``): ``import textrepair`` then warns once and
``textrepair --version`` says why the backend is Python.
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "native"))

PACKAGE = "textrepair"
#: Where the built package says why it has no C core (read by textrepair._backend).
NOTE = "_build.txt"
#: Why ext_modules() has no extension to build, when it has none.
NOT_BUILT = []


def _write_note(package_dir, text):
    """Write (or, for ``None``, remove) the package's note on its C core."""
    path = os.path.join(package_dir, NOTE)
    if text is None:
        if os.path.exists(path):
            os.remove(path)
        return
    os.makedirs(package_dir, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


class OptionalBuildExt(build_ext):
    def run(self):
        self._failed = False
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler failure
            self._fallback(exc)
        if not self._failed:
            for ext in self.extensions:
                _write_note(self._package_dir(ext.name), None)  # a stale note from an earlier failure

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._fallback(exc, ext.name)

    def _package_dir(self, name):
        # Beside the extension: build/lib*/textrepair, or src/textrepair when built in place.
        return os.path.dirname(self.get_ext_fullpath(name))

    def _fallback(self, exc, name=None):
        if os.environ.get("TEXTREPAIR_REQUIRE_C") == "1":
            raise exc
        self._failed = True
        reason = f"{exc.__class__.__name__}: {exc}".strip()
        sys.stderr.write(f"textrepair: C core not built ({reason}); installing the pure-Python backend.\n")
        names = [name] if name else [ext.name for ext in self.extensions] or [PACKAGE + "._speedups"]
        for each in names:
            _write_note(self._package_dir(each), "failed: " + reason)


class NotedBuildPy(build_py):
    """Writes the note when there was no extension to build at all (build_ext does not run then)."""

    def run(self):
        super().run()
        if NOT_BUILT:
            if getattr(self, "editable_mode", False):
                where = self.get_package_dir(PACKAGE)
            else:
                where = os.path.join(self.build_lib, PACKAGE)
            _write_note(where, NOT_BUILT[0])


def ext_modules():
    if os.environ.get("TEXTREPAIR_BACKEND") == "python":
        sys.stderr.write("textrepair: TEXTREPAIR_BACKEND=python, C core not built.\n")
        NOT_BUILT.append("skipped: TEXTREPAIR_BACKEND=python at install")
        return []
    try:
        import build_ffi
    except Exception as exc:  # noqa: BLE001 - cffi missing or header broken
        if os.environ.get("TEXTREPAIR_REQUIRE_C") == "1":
            raise
        sys.stderr.write(f"textrepair: C core not built ({exc}); installing the pure-Python backend.\n")
        NOT_BUILT.append(f"failed: {exc.__class__.__name__}: {exc}")
        return []
    return [build_ffi.ffibuilder.distutils_extension(tmpdir="build/cffi")]


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import the classes
    setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt, "build_py": NotedBuildPy})
