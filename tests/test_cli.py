"""`unqa search` through the command line: the exact JSON contract, batch mode, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unqa_app.cli import main

pytestmark = pytest.mark.slow

CITATION_KEYS = {"document", "title", "path", "paragraph", "source", "page", "url"}


def test_search_json_contract(real_index: Path, capsys) -> None:
    assert main(["search", "联合国哪个部门负责裁军方案？", "--index", str(real_index), "--k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"query", "abstained", "answer", "results"} <= set(out)  # the contract; "notices" extends it
    assert out["answer"]["passage_id"] == out["results"][0]["id"] == "A/65/6(Prog.3)#3.3"
    assert [r["rank"] for r in out["results"]] == [1, 2, 3]
    first = out["results"][0]
    assert set(first) == {"rank", "score", "id", "text", "citation"} and set(first["citation"]) == CITATION_KEYS
    assert first["citation"]["path"] == ["方案 3 裁军", "总方向", "3.3"] and first["citation"]["page"] is None


def test_batch_keeps_input_order_and_reports_bad_lines(real_index: Path, tmp_path: Path, capsys) -> None:
    batch = tmp_path / "q.jsonl"
    lines = [{"id": "a", "question": "64/36"}, {"id": "b", "question": "   "}, {"id": 3, "question": "1540(2004)"}]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--index", str(real_index), "--k", "2", "--json"]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", 3]
    assert out[0]["results"][0]["id"] == "A/65/6(Prog.3)#mandate.64/36"
    assert "empty question" in out[1]["error"]
    assert out[2]["results"][0]["id"] == "A/65/6(Prog.3)#mandate.1540(2004)"


def test_human_output_cites_and_acknowledges_the_un(real_index: Path, capsys) -> None:
    assert main(["search", "哪项决议涉及集束弹药？", "--index", str(real_index), "--k", "2"]) == 0
    text = capsys.readouterr().out
    assert "A/65/6 (Prog. 3) › 方案 3 裁军 › 法律授权 › 大会决议 › 64/36" in text
    assert "https://docs.un.org/zh/A/RES/64/36" in text and "United Nations" in text


def test_errors_exit_2_with_a_message(real_index: Path, tmp_path: Path, capsys) -> None:
    assert main(["search", "  ", "--index", str(real_index)]) == 2
    assert "empty question" in capsys.readouterr().err
    assert main(["search", "裁军", "--index", str(tmp_path / "none")]) == 2
    assert "unqa ingest" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert main(["search", "--batch", str(bad), "--index", str(real_index)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_ingest_prints_and_writes_its_summary(real_index: Path, tmp_path: Path, capsys) -> None:
    from unqa.paths import CORPUS_DIR

    index = tmp_path / "index"
    assert main(["ingest", str(CORPUS_DIR), "--index", str(index), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "documents read: 61" in printed and "A/65/6(Prog.3): 182" in printed and "mandate 95" in printed
    summary = json.loads((index / "ingest_summary.json").read_text(encoding="utf-8"))
    docs = summary["passages_per_document"]
    assert docs["A/65/6(Prog.3)"] == 182 and len(docs) == 61 and summary["skipped"] == []  # + 60 resolutions
    assert main(["ingest", str(CORPUS_DIR), "--index", str(index), "--if-stale"]) == 0
    assert "up to date" in capsys.readouterr().out
