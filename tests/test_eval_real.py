"""The harness through the real thing: ingest, index, encoder and searcher, programme questions only."""

from __future__ import annotations

import pytest

from eval import harness
from eval.gold import load_gold, programme_only
from index.config import SearchConfig
from unqa.paths import CORPUS_DIR, SHARED_DIR

pytestmark = pytest.mark.slow

SYSTEMS = [harness.System("bm25", SearchConfig(mode="bm25")), harness.System("hybrid", SearchConfig())]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    questions = programme_only(load_gold())
    paths = harness.corpus_sources(CORPUS_DIR, SHARED_DIR, [])
    searcher = harness.ensure_index(tmp_path_factory.mktemp("eval-index"), paths)
    return questions, harness.evaluate_systems(questions, {"main": searcher}, SYSTEMS)


def test_every_programme_question_has_a_relevant_passage(evaluated):
    _, (_, _, results) = evaluated
    assert results["unjudged"] == []


def test_hybrid_mrr_on_programme_questions(evaluated):
    _, (_, _, results) = evaluated
    hybrid = results["systems"]["hybrid"]["overall"]
    assert hybrid["mrr@10"] > 0.6
    assert hybrid["recall@10"] > 0.85


def test_unanswerable_questions_abstain_mostly(evaluated):
    _, (_, _, results) = evaluated
    abstention = results["systems"]["hybrid"]["abstention"]
    assert abstention["abstained_unanswerable"] >= abstention["unanswerable"] // 2


def test_the_programme_keeps_its_own_best_rows_beside_many_resolutions(tmp_path_factory):
    """In an index where the programme is a minority (the programme plus the eval's resolutions), every
    ranked lane also returns the programme's own best rows, however few rows it takes globally."""
    from eval.gold import RESOLUTIONS_FILE, read_resolution_list

    paths = harness.corpus_sources(CORPUS_DIR, SHARED_DIR, read_resolution_list(RESOLUTIONS_FILE)[:16])
    searcher = harness.ensure_index(tmp_path_factory.mktemp("mixed-index"), paths)
    programme = [p.collection == "programme" for p in searcher.passages]
    assert 0 < sum(programme) < len(programme) / 2
    query = searcher.analyse("大会敦促各国加入《武器贸易条约》")
    plain = searcher.runs(query, SearchConfig(depth=3, programme_depth=0))
    scoped = searcher.runs(query, SearchConfig(depth=3, programme_depth=5))
    for lane in ("dense", "bm25", "bm25_chars"):
        added = set(scoped[lane].scores) - set(plain[lane].scores)
        assert added and all(programme[r] for r in added), lane
        assert sum(programme[r] for r in scoped[lane].scores) >= 5, lane
        assert all(scoped[lane].scores[r] == s for r, s in plain[lane].scores.items())  # same scores, rows added
    again = searcher.runs(query, SearchConfig(depth=3, programme_depth=0))  # the masked search left no trace
    assert {n: r.scores for n, r in again.items()} == {n: r.scores for n, r in plain.items()}
