"""Retrieval v2 through the real index of the programme: one Query, lanes with named runs,
--explain, the symbol-lane fix, filtered abstention, list answers and answers that are never lead-ins."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import Filters, SearchConfig
from index.lanes.symbol import tables
from index.query import analyse, clean_query
from index.search import Searcher
from unqa.model import Citation, Passage

pytestmark = pytest.mark.slow
P = "A/65/6(Prog.3)#"


def _query(text: str, config: SearchConfig | None = None):
    cleaned, notices = clean_query(text)
    return analyse(cleaned, notices, config or SearchConfig())


def test_query_is_analysed_once_with_everything_the_lanes_need() -> None:
    q = _query("What does resolution 64/48 request of the Secretary-General in 2020?")
    assert q.lang == "en" and q.symbols == ("64/48",) and q.actions == ("request",) and q.year == 2020
    zh = _query("大会第80届会议敦促各国做什么？")
    assert zh.lang == "zh" and zh.year == 2025 and "urge" in zh.actions
    assert not _query("What is the objective?", SearchConfig(glossary=False)).glossary
    assert _query("请问大会请秘书长做什么？").actions == ("request",)  # 请问 is politeness, the second 请 a request
    assert _query("请列出常规武器次级方案的战略").actions == ()


def test_every_lane_answers_with_a_named_run(searcher: Searcher) -> None:
    query = searcher.analyse("次级方案3的目标是什么？")
    runs = searcher.runs(query, SearchConfig())
    assert set(runs) == {"dense", "sentence", "bm25", "bm25_chars", "structure", "symbol"}
    assert all(run.name == name for name, run in runs.items())
    assert runs["structure"].scores and not runs["symbol"].scores
    english = searcher.runs(searcher.analyse("Who implements subprogramme 3?"), SearchConfig())
    assert "bm25_en" in english


def test_explain_shows_per_lane_scores_and_ranks(searcher: Searcher) -> None:
    hit = searcher.search("联合国哪个部门负责裁军方案？", 3).hits[0]
    assert hit.passage.id == P + "3.3"
    assert {"dense", "bm25"} <= set(hit.explain) and all({"score", "rank"} == set(v) for v in hit.explain.values())
    assert hit.to_dict(explain=True)["explain"] == hit.explain and "explain" not in hit.to_dict()


def test_cli_explain_and_filter_flags(real_index: Path) -> None:
    argv = [sys.executable, "-m", "unqa_app", "search", "集束弹药", "--index", str(real_index), "--k", "3", "--json"]
    out = subprocess.run([*argv, "--explain", "--kind", "mandate"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["results"] and all("explain" in r for r in data["results"])
    assert all(r["id"].startswith(P + "mandate.") for r in data["results"])
    bad = subprocess.run([*argv, "--kind", "nonsense"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown --kind" in bad.stderr


def test_own_symbol_boost_only_for_the_document_itself() -> None:
    cit = Citation("X", "", ("X",), "1", "x.txt")
    mention = Passage("X#p1", "大会第64/48号决议请秘书长提出报告。", "paragraph", cit, mentions=("64/48",))
    entry = Passage("P#m", "64/48 武器贸易条约", "mandate", cit, symbols=("64/48",))
    data = tables([mention, entry])
    assert data["own"] == {"64/48": [1]} and data["mentions"] == {"64/48": [0]}


def test_a_filter_that_leaves_no_answer_is_not_covered(searcher: Searcher) -> None:
    unfiltered = searcher.search("集束弹药公约", 5)
    assert not unfiltered.abstained
    filtered = searcher.search("集束弹药公约", 5, filters=Filters(kinds=("indicator",)))
    assert filtered.abstained and filtered.answer is None
    assert "not covered within these filters" in filtered.notices
    assert all(h.passage.kind == "indicator" for h in filtered.hits)


def test_off_topic_abstains_with_and_without_filters(searcher: Searcher) -> None:
    for filters in (None, Filters(kinds=("strategy_item",))):
        assert searcher.search("今天北京的天气怎么样？", 5, filters=filters).abstained


def test_strategy_question_gets_the_list_in_document_order(searcher: Searcher) -> None:
    response = searcher.search("次级方案3的战略包括哪些工作？", 5)
    answer = response.answer
    assert answer is not None and answer.passage_id == P + "3.9"
    labels = [item.label for item in answer.items]
    assert labels == [f"3.9 ({c})" for c in "abcdefghijk"]
    assert not answer.text.rstrip().endswith("：")


def test_answer_is_never_a_lead_in_and_comes_from_hit_one(searcher: Searcher) -> None:
    for question in ("常规武器处负责哪个次级方案？", "大规模毁灭性武器处执行什么？", "谁负责区域裁军？"):
        response = searcher.search(question, 5)
        if response.answer is not None:
            assert not response.answer.text.rstrip().endswith(("：", ":")) or response.answer.items
            assert response.answer.passage_id == response.hits[0].passage.id
