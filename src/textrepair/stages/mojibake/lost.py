"""Text whose characters were lost before the page was made: a paragraph
whose every CJK character became ``?`` (written out with a charset that
cannot hold them, ``errors="replace"``).  No byte of it survives, so nothing
is repaired and nothing is dropped: the paragraph is reported as lost (see
:func:`textrepair.findings`).

>>> lost_paragraphs("新聞\\n?????2023?12?31??????????\\n正文")
[(3, 28)]
>>> lost_paragraphs("Why? How? What?\\n真的假的???")
[]
"""

from __future__ import annotations

import re

from ...edits import report

__all__ = ["lost_paragraphs", "report_lost"]

KIND = "lost-text"

_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LETTER = re.compile("[A-Za-z]")
#: Question marks a lost paragraph holds at least (one per lost character).
MIN_MARKS = 4


def lost_paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line that reads as Chinese whose every CJK
    character became ``?``: at least ``MIN_MARKS`` question marks, two of
    them together, no CJK character, and fewer Latin letters than half the
    question marks (a line of English asks questions in words)."""
    found = []
    # Line by line from each "??" (a regular expression for "a line holding
    # ??" retries at every position of every other line).
    i = text.find("??")
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        line = text[start:end]
        marks = line.count("?")
        if marks >= MIN_MARKS and not _CJK.search(line) and 2 * len(_LETTER.findall(line)) < marks:
            found.append((start, end))
        i = text.find("??", end)
    return found


def report_lost(text: str) -> None:
    """Report every lost paragraph of ``text`` as a finding."""
    for start, end in lost_paragraphs(text):
        report(KIND, start, end, text[start:end], "every CJK character became '?': no byte of it survives")
