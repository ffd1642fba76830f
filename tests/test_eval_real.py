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
