"""The citation audit on real UN files: irregular files reported as the UN's, the product's faults caught."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.akn import read_akn
from ingest.audit import (
    CHECKS,
    audit_index,
    audit_paths,
    check_passages,
    footnote_markers,
    reader_total,
    to_markdown,
)
from ingest.programme import read_programme
from unqa.model import Document
from unqa.paths import SHARED_DIR
from unqa_app.cli import main

GA = SHARED_DIR / "un-xml" / "GA"
PROGRAMME = Path(__file__).resolve().parent.parent / "corpus" / "a_65_6_prog3_zh.txt"


def _pair(session: str, number: str) -> list[Path]:
    folder = GA / f"{session}session"
    files = sorted(folder.glob(f"*/A_RES_{session}_{number}-*"))
    assert len(files) == 2, files  # Chinese and English
    return files


@pytest.fixture(scope="module")
def irregular() -> dict:
    """A/RES/77/63 (unnumbered head paragraph), A/RES/76/54 (operative part inside the preamble)."""
    return audit_paths([*_pair("77", "63"), *_pair("76", "54")], show_progress=False)


def test_irregular_files_are_the_uns_and_cited_without_reader_faults(irregular: dict) -> None:
    assert irregular["documents"] == 2
    assert reader_total(irregular) == 0, json.dumps(irregular["worst"], ensure_ascii=False)
    found = {r["doc_id"]: r["findings"] for r in irregular["reports"]}
    assert found["A/RES/77/63@zh"]["src_unnumbered_head"] == ["para_13"]
    assert found["A/RES/76/54@zh"]["src_ops_in_preamble"] == ["6 numbered items"]
    assert irregular["counts"]["src_unnumbered_head"] == {
        "owner": "source",
        "what": CHECKS["src_unnumbered_head"][1],
        "documents": 1,
        "instances": 1,
    }


def test_markdown_summary_lists_every_check_and_the_worst(irregular: dict) -> None:
    text = to_markdown(irregular, "Audit")
    assert text.startswith("## Audit") and all(f"`{code}`" in text for code in CHECKS)
    assert "| A/RES/77/63@zh | src_unnumbered_head ×1 |" in text


@pytest.fixture(scope="module")
def res_77_63() -> Document:
    zh, en = sorted(_pair("77", "63"))
    return read_akn(zh, english=en)


def test_checks_catch_what_the_old_reader_did(res_77_63: Document) -> None:
    """The faults of issue 15, put back into a correctly read document, are each reported."""
    ps = list(res_77_63.passages)
    op1, op2 = ps[12], ps[13]
    assert op1.id == "A/RES/77/63#op1"
    shared = replace(op2, id="A/RES/77/63#part2.op1", en=op1.en, citation=op1.citation, extra={**op1.extra, "part": 2})
    glued = replace(ps[-1], text=ps[-1].text + "3")
    bad = [*ps[:13], shared, *ps[14:-1], glued]
    found = check_passages(res_77_63.doc_id, "x", bad, res_77_63.meta).findings
    assert found["cite_shared"] == ["A/RES/77/63#op1 = A/RES/77/63#part2.op1: 执行部分第 1 段"]
    assert found["part_not_in_symbol"] == ["A/RES/77/63 part 2 (A/RES/77/63#part2.op1)"]
    assert found["en_shared"] == ["A/RES/77/63#op1 = A/RES/77/63#part2.op1"]
    assert found["op_numbering"] == ["A/RES/77/63 part 1: 1,3,4,5…"]
    assert found["footnote_marker"] == ["A/RES/77/63#op12: …。3"]
    assert check_passages(res_77_63.doc_id, "x", ps, res_77_63.meta).findings == {}


def test_footnote_marker_pattern() -> None:
    assert footnote_markers("…印度洋特设委员会的报告；3", "zh") == ["；3"]
    assert footnote_markers("有4 500万儿童消瘦，3 700万儿童超重；", "zh") == []  # thousands, not markers
    assert footnote_markers("…2022年12月7日", "zh") == []
    assert footnote_markers("the report of the Ad Hoc Committee;3", "en") == [";3"]


def test_mandate_links_keep_the_part_letter() -> None:
    doc = read_programme(PROGRAMME)
    assert check_passages(doc.doc_id, "x", doc.passages, doc.meta).findings.get("link_part") is None
    entry = next(p for p in doc.passages if p.citation.paragraph == "42/37 C")
    wrong = replace(entry, citation=replace(entry.citation, url="https://docs.un.org/zh/A/RES/42/37"))
    found = check_passages(doc.doc_id, "x", [wrong], doc.meta).findings
    assert found["link_part"] == [f"{entry.id}: https://docs.un.org/zh/A/RES/42/37"]
    english = replace(entry, citation=replace(entry.citation, url="https://docs.un.org/en/A/RES/42/37C"))
    assert check_passages(doc.doc_id, "x", [english], doc.meta).findings["link_lang"]


def test_audit_of_an_index_passages_file(res_77_63: Document, tmp_path: Path) -> None:
    jsonl = tmp_path / "passages.jsonl"
    broken = replace(res_77_63.passages[12], text=res_77_63.passages[12].text + "；3")
    rows = [broken, *res_77_63.passages[13:]]
    jsonl.write_text("".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in rows), encoding="utf-8")
    summary = audit_index(jsonl)
    assert summary["documents"] == 1
    assert summary["counts"]["footnote_marker"]["instances"] == 1
    assert summary["counts"]["empty_preamble"]["documents"] == 1  # the preamble was left out of the file


def test_cli_audit_json_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audit.json"
    assert main(["audit", *map(str, _pair("77", "63")), "--json", "--no-progress", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["documents"] == 1 and json.loads(out.read_text(encoding="utf-8")) == printed
    summary = tmp_path / "summary"
    assert (
        main(["audit", *map(str, _pair("76", "54")), "--no-progress", "--summary", str(summary), "--before", str(out)])
        == 0
    )
    both = json.loads((summary / "summary.json").read_text(encoding="utf-8"))
    assert both["before"]["documents"] == 1 and both["after"]["reader_total"] == 0
    text = (summary / "summary.md").read_text(encoding="utf-8")
    assert "| `src_ops_in_preamble` | source | 0 | 1 | 0 | 1 |" in text and "## Worst 20 documents after" in text
    capsys.readouterr()
    assert main(["audit", str(tmp_path / "missing.xml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
