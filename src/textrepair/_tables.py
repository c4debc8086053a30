"""The reading table of the pure-Python backend, parsed from the same data
file the C core is built from (``data/pinyin_readings.txt``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "pinyin_readings.txt"


class ReadingTable:
    """Readings of each Han character and the pinyin letters with their tones."""

    __slots__ = ("letters", "ordered", "readings", "toneless", "traditional")

    def __init__(self, path: Path = DATA) -> None:
        self.letters: dict[str, tuple[str, int]] = {}
        self.readings: dict[str, frozenset[str]] = {}
        #: The readings in the table's order (pypinyin's: the first is the one
        #: a converter that ignores context writes); a scan reports an
        #: annotation's reading as its index here.
        self.ordered: dict[str, tuple[str, ...]] = {}
        self.toneless: dict[str, frozenset[str]] = {}
        self.traditional: frozenset[str]
        traditional = set()
        section = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line[0] == "#":
                continue
            if line[0] == "[":
                section = line
                continue
            code, value, flag = line.split("\t")
            ch = chr(int(code, 16))
            if section == "[letters]":
                self.letters[ch] = ("" if value == "-" else value, int(flag))
            else:
                spelled = value.split(",")
                self.ordered[ch] = tuple(spelled)
                self.readings[ch] = frozenset(spelled)
                self.toneless[ch] = frozenset(s.rstrip("0123456789") for s in spelled)
                if flag == "1":
                    traditional.add(ch)
        self.traditional = frozenset(traditional)

    def spell(self, syllable: str) -> tuple[str, int] | None:
        """Numbered spelling and tone of a syllable, or None if it is not pinyin.

        >>> reading_table().spell("shù")
        ('shu4', 4)
        """
        out = []
        tone = 0
        for ch in syllable:
            if ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
                out.append(ch.lower())
                continue
            letter = self.letters.get(ch)
            if letter is None:
                return None
            base, t = letter
            out.append(base)
            if t:
                if tone:
                    return None
                tone = t
        body = "".join(out)
        if not body:
            return None
        return (body + str(tone) if tone else body), tone


@lru_cache(maxsize=1)
def reading_table() -> ReadingTable:
    """The table, parsed once on first use (about 40 ms)."""
    return ReadingTable()
