"""The README's examples say what the library does: keep them true."""

from __future__ import annotations

import ast
import re

from helpers import ROOT
import textrepair

# A line of the README's Python examples: a call of textrepair.repair and, in
# its trailing comment, the string it returns.
EXAMPLE = re.compile(r"^(textrepair\.repair\(.*\))\s+# ('.*')$", re.M)


def test_repair_examples_in_readme_hold():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = EXAMPLE.findall(readme)
    assert len(examples) >= 2
    for call, result in examples:
        # The call is a literal expression: evaluate it with textrepair alone in scope.
        assert eval(compile(ast.parse(call, mode="eval"), "README", "eval"), {"textrepair": textrepair}) == \
            ast.literal_eval(result), call


def test_explain_example_in_readme_holds():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    printed = re.search(r"^# (pinyin-annotation .*)$", readme, re.M).group(1)
    edit = textrepair.explain("數(shù)字")[0]
    assert printed == f"{edit.kind} {edit.start} {edit.end} {edit.before} {edit.after} {edit.confidence}"
