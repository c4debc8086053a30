"""Remove the pinyin that content-farm converters append to characters.

A converter that turns simplified into traditional characters appends the
reading of a fixed set of characters in ASCII parentheses: ``數(shù)字``,
or toneless with a trailing space: ``關(guan) 於(yu) ``.  A ``(…)`` is a
candidate only when it directly follows a character and spells one of that
character's readings (pypinyin's table, numbered; ``ü``/``v`` and capitals
accepted).  The page is judged converter output, and every candidate removed,
when both hold:

* at least two thirds of the candidates follow a traditional-only form (one
  OpenCC's t2s table changes): converters annotate exactly those;
* the candidates cover at least half of all occurrences of the annotated
  characters: converters annotate every occurrence, while a teaching text
  glosses a character once (``数 (shù) = several`` also has a space, so it is
  never a candidate).

The space after a toneless annotation goes with it when most toneless
candidates on the page are followed by one (the spaced variant).
"""

from __future__ import annotations

from typing import Callable

from .. import _backend
from .._flags import ANN_SPACE_AFTER, ANN_TONED, ANN_TRAD, HAS_PAREN
from ..edits import Edit
from ..options import Options

NAME = "annotations"
NEEDS = HAS_PAREN
KIND = "pinyin-annotation"
#: Only removes text (see ``pipeline``): the scan flags need no refresh after it.
DELETES_ONLY = True


def is_converter_output(stats: tuple[int, int, int, int], occurrences: Callable[[], int]) -> bool:
    """Apply the page-level rule to ``(found, traditional, toneless, spaced)``
    and the count of the annotated characters' occurrences, which costs a pass
    over the text and is asked for only when the rest of the rule holds.

    >>> is_converter_output((10, 10, 0, 0), lambda: 12)
    True
    >>> is_converter_output((1, 0, 0, 0), lambda: 1)  # 数(shù): a simplified character
    False
    >>> is_converter_output((2, 2, 0, 0), lambda: 5)  # glossed once, used often
    False
    """
    found, traditional, _toneless, _spaced = stats
    return found > 0 and 3 * traditional >= 2 * found and 2 * found >= occurrences()


def eats_space(stats: tuple[int, int, int, int]) -> bool:
    """True for the toneless-with-space variant."""
    _found, _traditional, toneless, spaced = stats
    return 2 * spaced > toneless


def fix_text(text: str, options: Options) -> str:
    """The text without converter annotations.

    >>> fix_text("數(shù)字經(jīng)濟", Options())
    '數字經濟'
    """
    scan = _backend.impl.scan_annotations(text)
    if not is_converter_output(scan.stats, scan.occurrences):
        return text
    return scan.removed(eats_space(scan.stats))


def fix(text: str, options: Options) -> tuple[str, list[Edit]]:
    """Like :func:`fix_text`, with an :class:`Edit` for each annotation removed.

    >>> fix("關(guan) 於(yu) 數據", Options())[0]
    '關於數據'
    """
    scan = _backend.impl.scan_annotations(text)
    if not is_converter_output(scan.stats, scan.occurrences):
        return text, []
    eat = eats_space(scan.stats)
    edits = []
    for start, end, _han, flags in scan.matches():
        if eat and flags & ANN_SPACE_AFTER and not flags & ANN_TONED:
            end += 1
        confidence = 0.98 if flags & ANN_TRAD else 0.85
        edits.append(Edit(KIND, start, end, text[start:end], "", confidence))
    return scan.removed(eat), edits
