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
    # The loop over explain()'s edits, then one comment line per printed edit.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r'^for edit in textrepair\.explain\(("[^"\n]*")\):\n(?:    .*\n)+((?:# .*\n)+)', readme, re.M)
    printed = [line[2:] for line in example.group(2).splitlines()]
    edits = textrepair.explain(ast.literal_eval(example.group(1)))
    assert edits and printed == [f"{e.kind} {e.start} {e.end} {e.before} {e.after} {e.confidence}" for e in edits]
