"""Pure-Python twin of native/markup.c: where markup may start (``tr_markup_candidates``).

The specification: the C core returns exactly what this module returns.
"""

from __future__ import annotations

import re


# A "<" before a tag-name letter, "/" or "!", or an "&" before a name or "#".
_MARKUP_CANDIDATE = re.compile(r"<[A-Za-z/!]|&[A-Za-z#]")


def markup_candidates(text: str) -> list[int]:
    """Offsets (code points) where markup may start, in order: the only
    places the markup stage tokenizes.

    >>> markup_candidates("a<b && c>d <p>x&amp;<<三体>> & #")
    [1, 11, 15]
    """
    if "<" not in text and "&" not in text:
        return []
    return [m.start() for m in _MARKUP_CANDIDATE.finditer(text)]
