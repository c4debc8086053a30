"""benchmarks.damage.verify.explains: a mojibake edit is explained by its
mechanism when damaging its ``after`` can give back its ``before``."""

from __future__ import annotations

import doctest
import random
import re
import sys
from pathlib import Path

import pytest

from helpers import DATA, load_json, read_seed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ sits at the root

from benchmarks.damage import cases, farm, verify  # noqa: E402
from benchmarks.damage.trace import folded, spans, text_of, traced  # noqa: E402
from benchmarks.damage.verify import explains  # noqa: E402

pytestmark = pytest.mark.single_backend


def test_docstrings():
    result = doctest.testmod(verify)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("case", load_json("mojibake_seeds.json")["runs"], ids=lambda c: c["context"][:10])
def test_seed_runs_are_explained(case):
    assert explains("gbk-shift", case["context"], case["expected"])


def seed_spans():
    for site in farm.STYLES:
        pre = (DATA / "originals" / f"{site}_predamage.txt").read_text(encoding="utf-8")
        out = farm.pipeline(traced(pre), site)
        damaged = text_of(out)
        for s in cases.shift_spans(spans(out, pre, folded)):
            yield site, damaged[:s.start][-3:], s.damaged, s.target, damaged[s.end:s.end + 3]


@pytest.mark.parametrize("site, prefix, before, after, suffix", list(seed_spans()), ids=lambda x: str(x)[:8])
def test_every_damaged_span_of_the_seeds_is_explained(site, prefix, before, after, suffix):
    assert explains("gbk-shift", before, after, prefix, suffix)


def sentences() -> list[str]:
    """Clean sentences the tests can damage: the traditional originals and
    the simplified seed 002, cut at sentence ends."""
    text = "\n".join((DATA / "originals" / f"{s}_clean.txt").read_text(encoding="utf-8") for s in ("001", "004"))
    text += "\n" + read_seed("002")
    found = [s.strip() for s in re.findall(r"[^。！？!?\n]+[。！？!?]", text)]
    # the pages fold their punctuation; put it back, as it was before the damage
    widen = {ord(","): "，", ord("!"): "！", ord("?"): "？", ord(";"): "；", ord(":"): "："}
    return [s.translate(widen) for s in found if len(re.findall(r"[\u4e00-\u9fff]", s)) >= 6]


def kind_of(name: str) -> str:
    if name == "gbk-shift-hidden-span":
        return "gbk-shift+pinyin-annotation+hidden-span"
    if name.startswith("gbk-shift-annotated"):
        return "gbk-shift+pinyin-annotation"
    return "gbk-shift" if name.startswith("gbk-shift") else name


def generated(name: str, limit: int = 60):
    pool = sentences()
    joined = [a + "“" + b + "”" if k % 2 else "“" + a + "”\n" + b for k, (a, b) in enumerate(zip(pool, pool[1:]))]
    found = []
    for text in pool + joined:
        case = cases.make(name, text)
        for s in case.spans if case else ():
            if not s.tags <= {"annotation"}:
                found.append((case, s))
        if len(found) >= limit:
            break
    return found


# Seed 004's farm decodes twice (store, then cut); a key straddling two
# characters that the first decode ate, cut again by the second, is the one
# composition the verifier does not model.
def _two_pass(name: str, span) -> bool:
    return name == "gbk-shift-annotated-stored" and {"cross-key", "ghost"} <= span.tags


@pytest.mark.parametrize("name", cases.NAMES)
def test_generated_spans_are_explained(name):
    found = generated(name)
    assert len(found) >= 20
    for case, s in found:
        if _two_pass(name, s):
            continue
        prefix, suffix = case.damaged[:s.start][-3:], case.damaged[s.end:s.end + 3]
        assert explains(kind_of(name), s.damaged, s.target, prefix, suffix), (s.damaged, s.target, sorted(s.tags))


@pytest.mark.parametrize("name", cases.NAMES)
def test_unrelated_pairs_are_not_explained(name):
    found = [(c, s) for c, s in generated(name) if len(s.target) >= 2 and not _two_pass(name, s)]
    rng = random.Random(5)
    others = found[:]
    rng.shuffle(others)
    pairs = [(s, o) for (_c, s), (_d, o) in zip(found, others) if o.target != s.target and o.damaged != s.damaged]
    explained = sum(explains(kind_of(name), s.damaged, o.target) for s, o in pairs)
    assert len(pairs) >= 10 and explained <= len(pairs) // 20


@pytest.mark.parametrize("kind, before, after", [
    ("gbk-shift", "今天天氣很好", "明天下雨了"),
    ("gbk-shift", "???", "中國"),  # no ghost mark in 中國，
    ("gbk-shift", "?!笆\ue1a2奈濉睍r", "。“十四五”期"),  # the last character's bytes differ
    ("gbk-shift", "規??焖僭鲩L", "規模快速增加"),
    ("utf8-as-gbk", "鏂伴椈", "旧闻"),
    ("utf8-as-gbk", "鏂伴椈", "新聞"),
    ("gbk-as-latin1", "ÖÐ¹ú£¬", "中国,"),  # the bytes spell ，
    ("gbk-as-cp1252", "ÖÐ¹ú", "中華"),
    ("gbk-as-utf8", "Һѹϵͳ", "液压系列"),
    ("big5-as-gbk", "中文", "中文"),
    ("lost-byte", "数据", ""),
    ("lost-byte", "锟斤拷", "要"),
])
def test_wrong_repairs_are_not_explained(kind, before, after):
    assert not explains(kind, before, after)


@pytest.mark.parametrize("kind, before, after, suffix", [
    ("gbk-shift", "電子社???,覆蓋", "電子社保卡,覆蓋", ""),
    ("gbk-shift", "???", "保卡", ",覆蓋"),
    ("gbk-shift", "???", "保", ",覆蓋"),  # 卡 lost for good: dropped,
    ("gbk-shift", "???", "保?", ",覆蓋"),  # kept as ?
    ("gbk-shift", "???", "保\ufffd", ",覆蓋"),  # or marked
    ("gbk-shift", "?!?", "。”", "x1"),  # a lost ASCII byte eaten after ”
    ("gbk-shift+pinyin-annotation", "持?jǐn)?shù)", "持數", ""),
    # A toneless farm's key across two characters: E9 82 (閭, lv) of 為偅
    # (9E E9, 82 A3) annotated, 82 then dropped before the ``(``.
    ("gbk-shift", "為(lv)?!笆\ue1a2奈濉睍r", "為偅浚“十四五”時", ""),
    ("gbk-shift", "為(lǘ)?!笆\ue1a2奈濉睍r", "為偅浚“十四五”時", ""),
    ("gbk-shift+pinyin-annotation+hidden-span", '?!?span style="display:none">32n即熱新聞', "。”", ""),
    ("utf8-as-gbk", "鏂伴椈", "新闻", ""),
    ("utf8-as-gbk", "鏁版嵁瑕佺礌甯傚満鍖栭厤缃\ufffd鏀归潻", "数据要素市场化配置改革", ""),
    ("gbk-as-latin1", "ÖÐ¹ú£¬", "中国，", ""),
    ("gbk-as-utf8", "Һѹϵͳ", "液压系统", ""),
    ("big5-as-gbk", "\ue4c7", "，", ""),
    ("lost-byte", "锟斤拷", "", ""),
    ("lost-byte", "\ufffd\ufffd", "\ufffd", ""),
])
def test_right_repairs_are_explained(kind, before, after, suffix):
    assert explains(kind, before, after, suffix=suffix)


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="no mechanism"):
        explains("pinyin-annotation", "數(shù)", "數")
