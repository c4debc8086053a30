"""Write the fuzz seed corpus: the seed pages, every string of the test
fixtures, and hostile inputs, one file each, as UTF-8 bytes.

Hostile inputs: truncated UTF-8, lone surrogates (as Python's
``surrogatepass`` encodes them, which is how text reaches the C core),
0xFF runs, 1 MB of ``(`` and of ``<``, private-use runs, NUL bytes.

>>> cases = hostile()
>>> len(cases["paren-1MB"]), cases["lone-surrogate"][:3]
(1000000, b'\\xed\\xa0\\x80')
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def hostile() -> dict[str, bytes]:
    """Named hostile inputs."""
    damaged = "我國數(shù)字經(jīng)濟核心產(chǎn)業(yè) 支持?!笆\ue1a2奈濉睍r期"
    data = _utf8(damaged)
    cases = {
        "lone-surrogate": _utf8("\ud800數(shù)\udfff字(zi)\udc00"),
        "surrogate-before-paren": _utf8("\ud834(shù)\udd1e(a) ?\ud800!"),
        "ff-run": b"\xff" * 4096,
        "ff-in-text": data[:10] + b"\xff\xfe" * 64 + data[10:],
        "paren-1MB": b"(" * MB,
        "lt-1MB": b"<" * MB,
        "close-paren-run": b")" * 100_000,
        "qmark-run": b"?" * 100_000,
        "qmark-bang-wide": _utf8("數?!笆" * 5000),
        "pua-run": _utf8("\ue000\ue1a2\uf8ff\U000f0000" * 20_000),
        "nul-bytes": b"\x00" * 1000 + data + b"\x00" * 1000,
        "nul-in-annotation": _utf8("數(sh\x00ù)字(\x00)"),
        "empty-pairs": b"()" * 50_000,
        "nested-parens": _utf8("數" + "(" * 40 + "shù" + ")" * 40),
        "doubled-annotations": _utf8("數(shù)(shù)學\udfff課上(a) (a) (yi) 於(yu) (yu) "),
        "long-reading": _utf8("數(" + "ù" * 40 + ")" + "數(shùshùshùshù)"),
        "overlong": b"\xc0\xa8shu\xc0\xa9\xe0\x80\xa8\xf0\x80\x80\xa9",
        "five-byte": b"\xf8\x88\x80\x80\x80(\xfc\x84\x80\x80\x80\x80)",
        "above-max": b"\xf4\x90\x80\x80(shu)\xf7\xbf\xbf\xbf",
        "stray-continuations": b"\x80\xbf(shu)\x80" + data,
        "echoes": _utf8("所(suo)以(yi),(,)。(。)1(1)a(a)\u3000(\u3000)((()" * 50),
        "glosses": _utf8("這個字念「還(hái)」，不念「還(huán)」。音樂(yuè)使人快樂(lè)。得(de)和得(dé)"),
        "primer": _utf8("长(cháng)江(jiāng)很(hěn)长(cháng)，我(wǒ)们(men)长(zhǎng)大(dà)了(le)。" * 30),
        "quoted-chain": _utf8("“數(shù)(shù)”「數(shù) (shu) 」" * 200),
        "empty": b"",
        "one-paren": b"(",
        "one-close": b")",
    }
    # Every cut of a damaged sentence: truncated UTF-8 in every position.
    for cut in range(1, len(data), 7):
        cases[f"truncated-{cut:03d}"] = data[:cut]
    return cases


def _strings(value) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def corpus() -> dict[str, bytes]:
    """Every seed input, by file name."""
    files = {f"seed-{p.stem[:3]}": p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))}
    for path in sorted((ROOT / "tests" / "data").glob("*.json")):
        for k, text in enumerate(_strings(json.loads(path.read_text(encoding="utf-8")))):
            files[f"fixture-{path.stem}-{k:03d}"] = _utf8(text)
    files.update({f"hostile-{name}": data for name, data in hostile().items()})
    return files


def write(target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    files = corpus()
    for name, data in files.items():
        path = target / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return len(files)


if __name__ == "__main__":
    print(f"{write(Path(sys.argv[1]))} seed inputs in {sys.argv[1]}", file=sys.stderr)
