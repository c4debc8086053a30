"""The reading table of the pure-Python backend, parsed from the same data
file the C core is built from (``data/pinyin_readings.txt``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "pinyin_readings.txt"

#: ordered readings, readings, toneless readings, traditional characters.
_Parsed = tuple[
    dict[str, tuple[str, ...]], dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]
]


class ReadingTable:
    """Readings of each Han character and the pinyin letters with their tones.

    The letters are parsed at once; the readings (the bulk of the file) on
    first use, so a process that only spells syllables never pays for them.
    """

    __slots__ = ("letters", "_rows", "_readings")

    def __init__(self, path: Path = DATA) -> None:
        self.letters: dict[str, tuple[str, int]] = {}
        text = path.read_text(encoding="utf-8")
        head, found, self._rows = text.partition("\n[readings]\n")
        if not found:
            raise ValueError(f"{path} has no [readings] section")
        for line in head.splitlines():
            if not line or line[0] in "#[":
                continue
            code, value, flag = line.split("\t")
            self.letters[chr(int(code, 16))] = ("" if value == "-" else value, int(flag))
        self._readings: _Parsed | None = None

    def _parsed(self) -> _Parsed:
        if self._readings is None:
            ordered: dict[str, tuple[str, ...]] = {}
            readings: dict[str, frozenset[str]] = {}
            toneless: dict[str, frozenset[str]] = {}
            traditional = set()
            for line in self._rows.splitlines():
                if not line or line[0] == "#":
                    continue
                code, value, flag = line.split("\t")
                ch = chr(int(code, 16))
                spelled = value.split(",")
                ordered[ch] = tuple(spelled)
                readings[ch] = frozenset(spelled)
                toneless[ch] = frozenset(s.rstrip("0123456789") for s in spelled)
                if flag == "1":
                    traditional.add(ch)
            self._readings = (ordered, readings, toneless, frozenset(traditional))
            self._rows = ""
        return self._readings

    @property
    def ordered(self) -> dict[str, tuple[str, ...]]:
        """The readings in the table's order (pypinyin's: the first is the one
        a converter that ignores context writes); a scan reports an
        annotation's reading as its index here."""
        return self._parsed()[0]

    @property
    def readings(self) -> dict[str, frozenset[str]]:
        return self._parsed()[1]

    @property
    def toneless(self) -> dict[str, frozenset[str]]:
        return self._parsed()[2]

    @property
    def traditional(self) -> frozenset[str]:
        return self._parsed()[3]

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
    """The table, parsed once on first use (the letters; the readings when first asked for)."""
    return ReadingTable()
