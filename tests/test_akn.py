"""AKN reader on real GA/SC resolutions: numbering, labels, footnotes, alignment, First Committee, safety."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ingest.akn import AKN_NS, is_first_committee, read_akn
from unqa.model import Document, IngestError
from unqa.paths import SHARED_DIR

XML = SHARED_DIR / "un-xml"
GA75 = XML / "GA" / "75session"
GA74 = XML / "GA" / "74session"
pytestmark = pytest.mark.skipif(not GA75.is_dir(), reason="../shared/un-xml not available")


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def _count(path: Path, xpath: str) -> int:
    return len(etree.parse(str(path)).getroot().xpath(xpath, namespaces={"a": AKN_NS}))


@pytest.fixture(scope="module")
def res_75_36() -> Document:
    return read_akn(GA75 / "Chinese" / "75_36_C.xml", "75_36_C.xml", english=GA75 / "English" / "75_36_E.xml")


def test_ga_metadata_and_labels(res_75_36: Document) -> None:
    doc = res_75_36
    assert (doc.symbol, doc.lang, doc.doc_id) == ("A/RES/75/36", "zh", "A/RES/75/36@zh")
    assert doc.title == "通过负责任行为准则、规则和原则减少空间威胁"
    pre = [p for p in doc.passages if p.kind == "preamble"]
    ops = [p for p in doc.passages if p.kind == "operative"]
    # the file has 16 preambular <container>s after the enacting formula and 7 numbered <paragraph>s
    assert len(pre) == 16 and len(ops) == 7
    op5 = next(p for p in ops if p.id == "A/RES/75/36#op5")
    assert op5.extra["eId"] == "para_22" and op5.text.startswith("鼓励会员国研究对空间系统的现有和潜在威胁")
    assert op5.citation.path == ("A/RES/75/36", "执行部分第 5 段")
    assert op5.citation.paragraph == "执行部分第 5 段"
    assert op5.citation.url == "https://docs.un.org/zh/A/RES/75/36"
    assert op5.symbols == ("75/36",) and op5.extra["date"] == "2020-12-07" and op5.extra["session"] == "75"
    pp2 = pre[1]
    assert (pp2.id, pp2.citation.paragraph) == ("A/RES/75/36#pp2", "序言部分第 2 段")
    assert pp2.mentions == ("68/50", "74/32")
    assert pp2.context == "通过负责任行为准则、规则和原则减少空间威胁 序言"


def test_footnotes_kept_apart(res_75_36: Document) -> None:
    pp4 = next(p for p in res_75_36.passages if p.id.endswith("#pp4"))
    assert pp4.footnotes == ("1 联合国，《条约汇编》，第610卷，第8843号。",)
    assert "条约汇编" not in pp4.text and "《关于各国探索和利用" in pp4.text
    assert all("条约汇编" not in p.text and "补编第20号" not in p.text for p in res_75_36.passages)


def test_english_alignment_and_numbers(res_75_36: Document) -> None:
    english = read_akn(GA75 / "English" / "75_36_E.xml", "75_36_E.xml")
    assert english.lang == "en"
    en_ops = [p.extra["num"] for p in english.passages if p.kind == "operative"]
    zh_ops = [p.extra["num"] for p in res_75_36.passages if p.kind == "operative"]
    assert zh_ops == en_ops == list(range(1, 8))
    assert res_75_36.meta["alignment"]["eid_aligned"] == len(res_75_36.passages)
    op1 = next(p for p in res_75_36.passages if p.id.endswith("#op1"))
    assert op1.en.startswith("Affirms that all States must conduct their activities")
    en_op1 = next(p for p in english.passages if p.id.endswith("#op1"))
    assert en_op1.citation.paragraph == "operative para. 1"
    assert en_op1.citation.path == ("A/RES/75/36", "operative para. 1")


def test_first_committee_rule(res_75_36: Document) -> None:
    assert is_first_committee(res_75_36)
    fourth = read_akn(GA75 / "Chinese" / "75_101A-B_C.xml")  # Fourth Committee, two lettered resolutions
    assert not is_first_committee(fourth)
    assert fourth.meta["parts"] == ["A/RES/75/101 A", "A/RES/75/101 B"]
    assert any(p.id.startswith("A/RES/75/101B#op") for p in fourth.passages)
    plenary = read_akn(GA75 / "Chinese" / "75_1_C.xml")  # UN75 declaration, adopted without reference
    assert not is_first_committee(plenary)


def test_security_council_pair() -> None:
    zh = _one(XML / "SC" / "2020" / "Chinese", "S_RES_2532*")
    en = _one(XML / "SC" / "2020" / "English", "S_RES_2532*")
    doc = read_akn(zh, zh.name, english=en)
    assert doc.symbol == "S/RES/2532 (2020)" and doc.meta["body"] == "SC" and not is_first_committee(doc)
    ops = [p for p in doc.passages if p.kind == "operative"]
    assert len(ops) == _count(zh, "//a:mainBody/a:paragraph[a:num]") == 8
    assert ops[-1].text == "决定继续处理此案。" and ops[-1].en.startswith("Decides to remain seized")
    assert ops[0].symbols == ("2532(2020)",)


def test_english_only_sc_with_subpoints_and_footnote() -> None:
    path = XML / "SC" / "Pre-2020" / "2004" / "S_RES_1540_N0432843.xml"
    doc = read_akn(path)
    assert (doc.symbol, doc.lang) == ("S/RES/1540 (2004)", "en")
    ops = [p for p in doc.passages if p.kind == "operative"]
    assert [p.extra["num"] for p in ops] == list(range(1, 13))
    assert len([p for p in doc.passages if p.kind == "preamble"]) == _count(path, "//a:preamble/a:container")
    op8 = next(p for p in ops if p.id == "S/RES/1540(2004)#op8")
    assert op8.text.startswith("Calls upon all States:") and "\n(d) To develop appropriate ways" in op8.text
    pp1 = doc.passages[0]
    assert pp1.footnotes[0].startswith("* Definitions for the purpose of this resolution only")
    assert "Definitions for the purpose" not in pp1.text


def test_74th_session_zip_member() -> None:
    with (
        zipfile.ZipFile(GA74 / "GA resolutions_74session_Chinese.zip") as zc,
        zipfile.ZipFile(GA74 / "GA resolutions_74session_English.zip") as ze,
    ):
        doc = read_akn(zc.read("Chinese/74_32_C.xml"), "74_32_C.xml", english=ze.read("English/74_32.xml"))
    assert doc.symbol == "A/RES/74/32" and doc.title == "防止外层空间的军备竞赛" and is_first_committee(doc)
    assert all(p.en for p in doc.passages)
    assert doc.passages[-1].id == "A/RES/74/32#op9"
    title_en = doc.meta["title_en"]  # the English title travels with every passage (the English interface)
    assert "outer space" in title_en.lower() and all(p.extra["title_en"] == title_en for p in doc.passages)


def test_malformed_xml_raises() -> None:
    with pytest.raises(IngestError, match="malformed XML"):
        read_akn(b"<akomaNtoso><statement>", "broken.xml")
    with pytest.raises(IngestError, match="not an Akoma Ntoso"):
        read_akn(b"<html/>", "page.xml")


def test_xml_bomb_refused_quickly() -> None:
    bomb = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    for i in range(1, 10):
        prev = f"&lol{i - 1};" if i > 1 else "&lol;"
        bomb += f'<!ENTITY lol{i} "{prev * 10}">\n'.encode()
    bomb += b"]>\n<akomaNtoso>&lol9;</akomaNtoso>"
    start = time.perf_counter()
    with pytest.raises(IngestError, match="XML bomb"):
        read_akn(bomb, "bomb.xml")
    assert time.perf_counter() - start < 1.0


def test_passage_ids_have_no_whitespace() -> None:
    """Ids are keys of TREC run and qrels files, which split on whitespace."""
    doc = read_akn(XML / "SC" / "Pre-2020" / "2004" / "S_RES_1540_N0432843.xml")
    assert doc.passages and all(not any(c.isspace() for c in p.id) for p in doc.passages)


def test_subpoints_give_paragraph_true_answer_citations() -> None:
    from unqa_app.ui.format import answer_citation

    doc = read_akn(XML / "SC" / "Pre-2020" / "2004" / "S_RES_1540_N0432843.xml")
    op8 = next(p for p in doc.passages if p.id == "S/RES/1540(2004)#op8")
    labels = [s.label for s in op8.subpoints]
    assert labels[:4] == ["(a)", "(b)", "(c)", "(d)"]
    b = op8.subpoints[1]
    assert op8.text[b.start : b.end].startswith("(b) To adopt national rules")
    assert answer_citation(op8, "To adopt national rules and regulations") == "S/RES/1540 (2004), operative para. 8 (b)"
    assert answer_citation(op8, "Calls upon all States") == "S/RES/1540 (2004), operative para. 8"


# ---------------------------------------------------------------- irregular UN files (issue 15)

HEAD_UNNUMBERED = {  # symbol -> (preambular paragraphs, operative paragraphs, English of the head paragraph, of op 1)
    "77/63": (12, 12, "Noting with deep regret", "Invites all States that have not signed"),
    "78/45": (12, 12, "Noting with deep regret", "Invites all States that have not signed"),
    "79/34": (12, 12, "Noting with deep regret", "Invites all States that have not signed"),
    "77/65": (34, 23, "Seized of the danger", "Urges all nuclear-weapon States"),
    "78/53": (34, 23, "Seized of the danger", "Urges all nuclear-weapon States"),
    "80/24": (35, 23, "Seized of the danger", "Urges all nuclear-weapon States"),
}


def _ga_pair(key: str) -> tuple[Path, Path]:
    session, number = key.split("/")
    folder = XML / "GA" / f"{session}session"
    return (
        _one(folder / "Chinese", f"A_RES_{session}_{number}-*"),
        _one(folder / "English", f"A_RES_{session}_{number}-*"),
    )


@pytest.mark.parametrize("key", sorted(HEAD_UNNUMBERED))
def test_unnumbered_head_paragraph_is_the_preambles_last_as_the_english_confirms(key: str) -> None:
    n_pp, n_op, en_head, en_op1 = HEAD_UNNUMBERED[key]
    zh, en = _ga_pair(key)
    doc = read_akn(zh, english=en)
    symbol = f"A/RES/{key}"
    assert not [p.id for p in doc.passages if "part2" in p.id or p.extra.get("unnumbered")]
    pre = [p for p in doc.passages if p.kind == "preamble"]
    ops = [p for p in doc.passages if p.kind == "operative"]
    assert [p.extra["num"] for p in pre] == list(range(1, n_pp + 1))
    assert [p.extra["num"] for p in ops] == list(range(1, n_op + 1))
    head = pre[-1]  # the Chinese file's unnumbered <paragraph> ahead of "1."
    assert head.id == f"{symbol}#pp{n_pp}" and head.citation.paragraph == f"序言部分第 {n_pp} 段"
    assert head.en.startswith(en_head) and head.extra["en_eId"] == f"container_{n_pp + 1}"
    assert ops[0].id == f"{symbol}#op1" and ops[0].en.startswith(en_op1)
    for p in doc.passages:  # every paragraph beside its own English: same kind and number, paired by eId number
        assert (p.extra["en_kind"], p.extra["en_num"]) == (p.kind, p.extra["num"]), p.id
        assert p.extra["en_eId"].rsplit("_", 1)[1] == p.extra["eId"].rsplit("_", 1)[1], p.id
    assert len({p.en for p in doc.passages}) == len(doc.passages)


def test_unnumbered_head_paragraph_without_english_stays_unnumbered() -> None:
    zh, _ = _ga_pair("77/63")
    doc = read_akn(zh)  # nothing confirms where it belongs: no number is invented
    head = next(p for p in doc.passages if p.extra.get("unnumbered"))
    assert head.id == "A/RES/77/63#op0-unnumbered" and head.extra["num"] == 0
    assert head.citation.paragraph == "执行部分第 1 段之前的未编号段落"
    assert head.text.startswith("深表遗憾地注意到")
    ops = [p for p in doc.passages if p.kind == "operative" and not p.extra.get("unnumbered")]
    assert [p.extra["num"] for p in ops] == list(range(1, 13)) and ops[0].id == "A/RES/77/63#op1"
    assert len({p.citation.paragraph for p in doc.passages}) == len(doc.passages)


def test_operative_part_marked_up_inside_the_preamble_is_operative() -> None:
    zh, en = _ga_pair("76/54")
    doc = read_akn(zh, english=en)
    pre = [p for p in doc.passages if p.kind == "preamble"]
    ops = [p for p in doc.passages if p.kind == "operative"]
    assert len(pre) == 22 and [p.extra["num"] for p in ops] == list(range(1, 8))
    assert pre[-1].text.startswith("又重申国际社会应立即采取共同行动") and pre[-1].en.startswith("Reaffirming also")
    op3 = next(p for p in ops if p.id == "A/RES/76/54#op3")
    assert [s.label for s in op3.subpoints] == ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)"]
    assert op3.en.startswith("Encourages the following")
    op7 = ops[-1]  # typed "\t7\t决定…" in a preamble container, no dot
    assert op7.id == "A/RES/76/54#op7" and op7.text.startswith("决定在大会第七十七届会议")
    assert op7.en.startswith("Decides to include")


def test_operative_paragraph_nested_in_a_sub_list_gets_its_own_number() -> None:
    folder = XML / "SC" / "2026"
    doc = read_akn(_one(folder / "Chinese", "S_RES_2820-*"), english=_one(folder / "English", "S_RES_2820-*"))
    ops = [p for p in doc.passages if p.kind == "operative" and p.extra["part"] == 1]
    assert [p.extra["num"] for p in ops] == list(range(1, len(ops) + 1))
    op5 = next(p for p in ops if p.id == "S/RES/2820(2026)#op5")
    assert op5.text.startswith("决定削减南苏丹特派团部队总人数") and "决定削减" not in ops[3].text


SESSION74_GLUED = ("74_25", "74_106", "74_116", "74_134", "74_168", "74_177", "74_19", "74_221", "74_45", "74_82")


def test_session_74_footnote_references_leave_the_text_clean() -> None:
    from ingest.audit import footnote_markers

    with (
        zipfile.ZipFile(GA74 / "GA resolutions_74session_Chinese.zip") as zc,
        zipfile.ZipFile(GA74 / "GA resolutions_74session_English.zip") as ze,
    ):
        docs = [
            read_akn(zc.read(f"Chinese/{k}_C.xml"), f"{k}_C.xml", english=ze.read(f"English/{k}.xml"))
            for k in SESSION74_GLUED
        ]
    for doc in docs:
        for p in doc.passages:
            assert not footnote_markers(p.text, "zh"), (p.id, p.text[-30:])
    op1 = next(p for p in docs[0].passages if p.id == "A/RES/74/25#op1")
    assert op1.text == "表示注意到印度洋特设委员会的报告；"
    assert op1.footnotes == ("3 《大会正式记录，第七十四届会议，补编第29号》(A/74/29)。",)
    op2 = next(p for p in docs[3].passages if p.id == "A/RES/74/134#op2")
    assert op2.text.endswith("《消除对妇女一切形式歧视公约》和《残疾人权利公约》以及这些公约的任择议定书；")
    assert op2.footnotes[-1].startswith("4 同上，第2171和2173卷")
