"""The pinyin-annotation stage (issues 9 and 17): converter output goes,
teachers' glosses and primers stay, judged by local evidence."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given

import annotation_corpus as corpus
from helpers import HAN_ANNOTATION, SEEDS, load_json, read_seed
from strategies import cjk_text
import textrepair
from textrepair import _backend, _tables, cli
from textrepair._fallback.annotations import WINDOW
from textrepair.options import Options
from textrepair.stages import annotations as stage

DAMAGED = ["000", "003", "004"]
#: Only the annotation stage, and the mojibake stage it meets (which runs
#: first and reads annotations inside byte-shift runs): the other stages
#: judge lines and markup by their own rules.
ANNOTATIONS_ONLY = dict(markup=False, boilerplate=False, normalise=False)


def valid_annotations(text: str) -> list[str]:
    """Han+(reading) pairs whose reading is one of the character's readings."""
    table = _tables.reading_table()
    found = []
    for m in HAN_ANNOTATION.finditer(text):
        han, syllable = m.group()[0], m.group()[2:-1]
        spelled = table.spell(syllable)
        if spelled and han in table.readings:
            word, tone = spelled
            if word in (table.readings[han] if tone else table.toneless[han]):
                found.append(m.group())
    return found


def seed_pages() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


# --- the seed pages ------------------------------------------------------------

@pytest.mark.parametrize("seed", DAMAGED)
def test_seed_annotations_removed(seed):
    text = read_seed(seed)
    assert len(valid_annotations(text)) > 100
    assert valid_annotations(textrepair.repair(text)) == []


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_no_residual_annotation_after_han(seed):
    """Every Han+(Latin) left in the output is one of the page's real parentheses."""
    out = textrepair.repair(read_seed(seed))
    left = HAN_ANNOTATION.findall(out)
    assert valid_annotations(out) == []
    assert all(m[2:-1].isupper() for m in left), left  # `能(BI)`, `能(AI)` in seed 001


@pytest.mark.parametrize("seed", DAMAGED)
def test_only_annotations_removed(seed):
    text = read_seed(seed)
    edits = [e for e in textrepair.explain(text) if e.kind == "pinyin-annotation"]
    assert edits
    for e in edits:
        assert e.after == ""
        assert re.fullmatch(r"\([^()]{1,8}\) ?", e.before), e
        assert text[e.start - 1] not in "() "


def test_seed_000_sentence():
    out = textrepair.repair(read_seed("000"))
    assert "我國數字經濟核心產業增加值占GDP比重達到10%左右" in out
    assert "國家發展改革委黨組成員、國家數據局局長劉烈宏" in out


@pytest.mark.parametrize("context, repaired", [("?wù)副省長", "常務副省長"), ("?!眹?guó)家", "。”國家"),
                                               ("!秷(bào)告》明確", "。《報告》明確")])
def test_annotation_next_to_repaired_mojibake_removed(context, repaired):
    # A byte-shift run's repair exposes an annotation of a converter page
    # (forensics §2.2, 003 a/b, 004 a): judged with the page, it goes too.
    text = read_seed("003") + read_seed("004")
    assert context in text
    assert repaired in textrepair.repair(text)


def test_clean_seed_unchanged():
    # Seed 002's only damage is page boilerplate (上一篇/下一篇, a nav bar):
    # without that stage it comes out byte for byte, with it only that goes.
    text = read_seed("002")
    assert textrepair.repair(text, boilerplate=False) == text
    assert textrepair.explain(text, boilerplate=False) == []
    assert {e.kind for e in textrepair.explain(text)} == {"boilerplate"}


# --- local evidence: concatenated, repeated, cut into blocks --------------------

def test_concatenated_seeds_leave_no_annotation():
    """``cat seeds/*.txt | textrepair``: 823 annotations, none left (the page
    rule left 814: the clean pages outvoted the damaged ones)."""
    text = "".join(seed_pages())
    assert len(valid_annotations(text)) == sum(len(valid_annotations(p)) for p in seed_pages())
    assert valid_annotations(textrepair.repair(text)) == []


@pytest.mark.parametrize("separator", ["", "\n", "\n\n"])
def test_each_seed_page_repaired_as_alone(separator):
    pages = seed_pages()
    alone = [textrepair.repair(page, **ANNOTATIONS_ONLY) for page in pages]
    assert textrepair.repair(separator.join(pages), **ANNOTATIONS_ONLY) == separator.join(alone)
    for order in ([4, 3, 2, 1, 0], [2, 0, 4, 1, 3]):
        assert (textrepair.repair(separator.join(pages[k] for k in order), **ANNOTATIONS_ONLY)
                == separator.join(alone[k] for k in order))


def _repeated(size: int) -> str:
    one = "".join(seed_pages())
    return one * (size // len(one.encode("utf-8")) + 1)


def test_repeated_seed_pages_leave_no_annotation():
    """The 9 MB file of the seed pages repeated, at 1 MB: none left (the
    page rule left 13,838 of 13,991)."""
    text = _repeated(1_000_000)
    assert len(valid_annotations(text)) > 13_000
    assert valid_annotations(textrepair.repair(text, **ANNOTATIONS_ONLY)) == []


@pytest.mark.parametrize("block", ["48K", "200K"])
def test_cli_blocks_leave_no_annotation(tmp_path, block):
    """``--unit auto`` cuts a file bigger than ``--block-size`` after blank
    lines and repairs each block alone: still none left."""
    path = tmp_path / "seeds.txt"
    text = _repeated(400_000)
    path.write_text(text, encoding="utf-8")
    out = io.BytesIO()
    assert cli.main(["--unit", "auto", "--block-size", block, "--quiet", "--no-markup", "--no-boilerplate",
                     "--no-normalise", str(path)], stdout=out) == 0
    result = out.getvalue().decode("utf-8")
    assert len(valid_annotations(text)) > 5_000
    assert valid_annotations(result) == []
    assert result == textrepair.repair(text, **ANNOTATIONS_ONLY)


def test_blocks_at_paragraph_boundaries_repaired_as_whole():
    """Blocks of at least one page's worth of text, cut after blank lines,
    are repaired as the whole text is."""
    text = "\n\n".join(seed_pages()) * 2
    whole = textrepair.repair(text, **ANNOTATIONS_ONLY)
    page = max(len(p) for p in seed_pages())
    blocks, current = [], ""
    for paragraph in re.split(r"(?<=\n\n)", text):
        current += paragraph
        if len(current) >= page:
            blocks.append(current)
            current = ""
    blocks.append(current)
    assert len(blocks) > 3
    assert "".join(textrepair.repair(b, **ANNOTATIONS_ONLY) for b in blocks) == whole


def test_pages_apart_judged_alone():
    """Pages with at least WINDOW code points of text between them are judged
    exactly as alone: a converter page does not claim a gloss, nor a clean
    page shield an annotation."""
    filler = "".join(corpus.prose("simplified"))[: WINDOW + 1]
    docs = []
    for i in range(12):
        docs += [corpus.gloss_document(i), corpus.traditional_farm(i)[0], corpus.every_character_farm(i)[0],
                 corpus.primer(i), read_seed(DAMAGED[i % 3])]
    text, spans = corpus.concatenated(docs, "\n" + filler + "\n")
    out = textrepair.explain(text, **ANNOTATIONS_ONLY)
    for doc, (start, end) in zip(docs, spans):
        inside = [(e.start - start, e.end - start, e.before) for e in out if start <= e.start < end]
        assert inside == [(e.start, e.end, e.before) for e in textrepair.explain(doc, **ANNOTATIONS_ONLY)]


def test_pages_side_by_side():
    """Pages of every kind side by side, with no text between: the seed
    pages, generated converter pages of traditional forms and clean prose
    are judged exactly as alone.  (Where a page of glosses, a primer or an
    every-character converter meets another, the few annotations within
    WINDOW of it may be judged with it: README gives the counts.)"""
    def starts(text):
        return [e.start for e in textrepair.explain(text, mojibake=False, **ANNOTATIONS_ONLY)]

    counts = corpus.adjacency(starts, count=24, sizes=(1500,), seeds=(3, 4))
    assert sum(total for _changed, total in counts.values()) == 48
    for kind in ("seed page", "traditional converter", "clean prose"):
        assert counts[kind][0] == 0, (kind, counts[kind])


# --- teaching glosses, primers, converters ---------------------------------------

@pytest.mark.parametrize("text", ["音樂(yuè)使人快樂(lè)。", "長(cháng)度和長(zhǎng)大是兩個讀音。",
                                  "這個字念「還(hái)」，不念「還(huán)」。", "「還(hái)」，還有「數(shù)」",
                                  "長(zhǎng)大以後,長江很長。", "得(de)和得(dé)不同。"])
def test_teaching_glosses_kept(text):
    assert textrepair.repair(text) == text
    assert textrepair.repair(text, script="auto") == text


def test_generated_glosses_kept():
    """Teaching texts, half traditional: a character glossed with two of its
    readings, or quoted, in prose that may use it unglossed (the page rule
    removed the readings of every traditional one, 120 of 240)."""
    docs = [corpus.gloss_document(i) for i in range(240)]
    assert {re.sub(r"[^「“]", "", d)[:1] for d in docs} == {"", "「", "“"}
    changed = [d for d in docs if textrepair.repair(d, **ANNOTATIONS_ONLY) != d]
    assert changed == []


def test_single_gloss_has_no_evidence():
    # One annotation: nothing says converter or teacher, so it stays.
    for text in ("數(shù)", "數(shù)字", "這裡的長(zhǎng)字。"):
        assert textrepair.repair(text) == text


def test_every_character_converter_removed():
    text = "所(suo)以(yi)我(wo)们(men)要(yao)努(nu)力(li),(,)一(yi)起(qi)前(qian)进(jin)。(。)"
    assert textrepair.repair(text) == "所以我们要努力,一起前进。"


def test_generated_every_character_converters_removed():
    """A converter glossed every character without tone marks and every
    punctuation mark as itself (the page rule kept all 60)."""
    pairs = [corpus.every_character_farm(i) for i in range(60)]
    wrong = [damaged for damaged, clean in pairs if textrepair.repair(damaged, **ANNOTATIONS_ONLY) != clean]
    assert wrong == []


def test_generated_traditional_converters_removed():
    pairs = [corpus.traditional_farm(i) for i in range(60)]
    wrong = [damaged for damaged, clean in pairs if textrepair.repair(damaged, **ANNOTATIONS_ONLY) != clean]
    assert wrong == []


def test_primer_kept():
    text = "长(cháng)江(jiāng)很(hěn)长(cháng)，我(wǒ)们(men)长(zhǎng)大(dà)了(le)。"
    assert textrepair.repair(text) == text


def test_generated_primers_kept():
    docs = [corpus.primer(i) for i in range(60)]
    assert [d for d in docs if textrepair.repair(d, **ANNOTATIONS_ONLY) != d] == []


@pytest.mark.parametrize("case", load_json("negative.json")["cases"])
def test_negative_cases_survive(case):
    assert textrepair.repair(case) == case
    assert textrepair.repair(case, script="auto") == case


def test_toneless_spaced_variant():
    text = "印發《關(guan) 於(yu) 更好發揮數據要素作用》,以習(xi) 近平新時代中國特色社會(hui) 主義(yi) 思想為(wei) 指導"
    assert textrepair.repair(text) == "印發《關於更好發揮數據要素作用》,以習近平新時代中國特色社會主義思想為指導"


def test_auto_script_undoes_converter_forms():
    text = "堅持和完善製(zhi) 度(du) 體(ti) 係,全麵(mian) 推進"
    assert textrepair.repair(text, script="auto") == "坚持和完善制度体系,全面推进"
    # Without converter evidence "auto" leaves the script alone.
    assert textrepair.repair("全麵推進製度建設", script="auto") == "全麵推進製度建設"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("綠(lǜ)色綠(lv)化", "綠色綠化"),  # the same reading, with and without its tone mark
        ("數(Shù)據(jù)", "數據"),
        ("數(SHÙ)據(JÙ)", "數據"),
        ("數(shu)據(ju)", "數據"),
    ],
)
def test_spellings_recognised(text, expected):
    assert textrepair.repair(text) == expected


def test_wrong_reading_kept():
    # 數 is never read "guo": not an annotation of it.
    assert textrepair.repair("數(guo)據(jù)經(jīng)") == "數(guo)據經"


def test_teaching_text_with_repeated_unannotated_character():
    # 長 is annotated once but used four times more: a gloss, not a converter
    # (which annotates every occurrence).  The uses that count are those
    # between the annotations a half holds.
    text = "長(zhǎng)大以後,長江很長,長城也長。數(shù)學"
    assert textrepair.repair(text) == text


# --- passes -------------------------------------------------------------------

def test_later_pass_exposure_removed():
    """A later pass of one call meets an annotation that a repair exposed
    after the earlier pass removed its page's others: the earlier verdict on
    that reading of that character holds.  An annotation the earlier pass
    kept stays where it was."""
    page, _clean = corpus.traditional_farm(1)
    han, reading = re.search(r"(.)\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", page).groups()
    filler = "".join(corpus.prose("simplified"))[: WINDOW + 1]
    text = page + "\n" + filler + f"\n單獨的{han}({reading})。"
    with stage.remembering():
        first = stage.fix_text(text, Options())
        assert first.endswith(f"單獨的{han}({reading})。")  # alone: no evidence either way
        assert valid_annotations(first[: len(first) - 20]) == []
        exposed = first.replace(han, f"{han}({reading})", 1)
        assert stage.fix_text(exposed, Options()) == first
    assert stage.fix_text(exposed, Options()) == exposed  # no memory outside a call


def test_memory_ends_with_the_call():
    assert stage.fix_text("數字經濟與數(shù)", Options()) == "數字經濟與數(shù)"
    with stage.remembering():
        stage.fix_text("數(shù)字經(jīng)濟", Options())
    assert stage.fix_text("數字經濟與數(shù)", Options()) == "數字經濟與數(shù)"


@given(cjk_text)
def test_stage_only_deletes_annotations(text):
    for e in textrepair.explain(text):
        if e.kind == "pinyin-annotation":
            assert e.after == "" and e.before.startswith("(")


def test_an_annotation_a_later_pass_exposes_goes_after_its_styles_removal():
    # The byte-shift run ?,F(xiàn) is read (。現(xiàn)) only after the first pass
    # removed 會 說 話's annotations: 現's is alone then, but a converter of
    # traditional forms annotated every such character in that style.
    text = "他還不怎麼會(huì)說(shuō)話(huà)?,F(xiàn)在走在馬路上最喜歡看車了"
    assert textrepair.repair(text) == "他還不怎麼會說話。現在走在馬路上最喜歡看車了"



def test_a_lone_annotation_beside_byte_shift_damage_goes():
    # One candidate alone is no evidence either way, but a page the farm cut
    # within a half's reach (200 code points) was annotated by it too.
    damaged = "感謝各位對數據工作的關心和支持?!笆\ue1a2奈濉睍r期,數(shù)字經濟"
    assert textrepair.repair(damaged) == "感謝各位對數據工作的關心和支持。“十四五”時期,數字經濟"
    clean = "感謝各位對數據工作的關心和支持。“十四五”時期,數(shù)字經濟"
    assert textrepair.repair(clean) == clean
