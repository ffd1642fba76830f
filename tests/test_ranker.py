"""The learned ranker on a small real subset: the programme plus two First Committee resolutions with
their English text. A tiny LightGBM lambdarank trained on pairs mined from the corpus (an English
paragraph as the question for its Chinese twin) must rank held-out twins at least as well as the fusion,
and lift at least one twin above the fusion's choice. The abstention model learns from real questions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval import train
from index import abstain
from index.config import SearchConfig
from index.pipeline import BuildSettings, build_from_paths
from index.ranker import Ranker
from index.search import Searcher

pytestmark = pytest.mark.slow
RESOLUTIONS = (
    "80session/Chinese/A_RES_80_46-2519840C.xml",
    "80session/English/A_RES_80_46-2519840E.xml",
    "79session/Chinese/A_RES_79_52-2423075C.xml",
    "79session/English/A_RES_79_52-2423075E.xml",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Searcher:
    paths = [Path(__file__).resolve().parent.parent / "corpus" / "a_65_6_prog3_zh.txt"]
    paths += [shared_dir / "un-xml" / "GA" / rel for rel in RESOLUTIONS]
    index_dir = tmp_path_factory.mktemp("ranker") / "index"
    build_from_paths(paths, index_dir, BuildSettings(), show_progress=False)
    return Searcher.load(index_dir)


def _first(run: dict[str, dict[str, float]], qid: str) -> str:
    return max(run[qid], key=run[qid].get)


def test_tiny_ranker_lifts_a_mined_twin_above_the_fusion(small: Searcher) -> None:
    config = SearchConfig(ranker=False)
    examples = train.mined_examples(small, n=60, seed=1)
    assert len(examples) >= 40 and all(e.source == "mined-en" for e in examples)
    groups = train.groups_for(small, examples, config)
    booster = train.fit(groups, rounds=40)
    fused, ranked = train.reranked_run(groups, None), train.reranked_run(groups, booster)
    assert train.metrics_of(groups, ranked)["mrr@10"] > train.metrics_of(groups, fused)["mrr@10"]
    lifted = [
        g.example.qid
        for g in groups
        if {_first(ranked, g.example.qid)} == g.example.relevant != {_first(fused, g.example.qid)}
    ]
    assert lifted  # a twin the fusion ranked below another passage is first with the ranker


def test_ranker_reorders_inside_the_searcher(small: Searcher) -> None:
    config = SearchConfig(ranker=False)
    groups = train.groups_for(small, train.mined_examples(small, n=40, seed=2), config)
    small._ranker = Ranker(train.fit(groups, rounds=20))
    try:
        with_ranker = small.search(groups[0].example.text, 5)
        without = small.search(groups[0].example.text, 5, config=config)
    finally:
        small._ranker = None
    from index.ranker import candidates

    query = small.analyse(groups[0].example.text, config)
    fused = small.fused(query, small.runs(query, config), config)
    allowed = candidates(fused, small.passages, config.rerank_depth, config.collection_quota)
    assert {h.passage.id for h in with_ranker.hits} <= {small.passages[r].id for r in allowed}
    assert len(with_ranker.hits) == len(without.hits) == 5


def test_abstention_model_separates_off_topic_questions(small: Searcher) -> None:
    answerable = [
        "武器贸易条约缔约国会议",
        "裁军事务厅对本方案负有什么责任？",
        "What does the arms trade treaty resolution call upon States to do?",
        "次级方案3由哪个处执行？",
        "集束弹药公约",
        "小武器和轻武器非法贸易行动纲领",
    ]
    unanswerable = [
        "明天上海会下雨吗？",
        "How did Manchester United do last night?",
        "如何安装Python的numpy？",
        "asdf qwer zxcv",
        "红烧肉怎么做？",
        "Who won the 2022 football world cup?",
    ]
    x, y = [], []
    for text, label in [(q, 1) for q in answerable] + [(q, 0) for q in unanswerable]:
        f = small.abstention_features(text)
        x.append([f[name] for name in abstain.FEATURES])
        y.append(label)
    model = train.fit_abstainer(np.asarray(x), np.asarray(y))
    probs = [model.probability(dict(zip(abstain.FEATURES, row, strict=True))) for row in x]
    assert min(probs[: len(answerable)]) > max(probs[len(answerable) :])


def _passage(pid: str, kind: str, document: str):
    from unqa.model import Citation, Passage

    return Passage(pid, "text", kind, Citation(document, "", (), "", "x.xml"))


def test_collections_of_passages() -> None:
    assert _passage("a", "indicator", "A/65/6 (Prog. 3)").collection == "programme"
    assert _passage("b", "operative", "A/RES/80/46").collection == "resolution"
    assert _passage("c", "paragraph", "S/RES/2763 (2024)").collection == "resolution"  # an annex paragraph
    assert _passage("d", "paragraph", "A/79/1").collection == "document"


def test_candidates_keep_each_collections_best_in_fused_order() -> None:
    from index.features import collection_ranks
    from index.ranker import candidates

    passages = [_passage(f"r{i}", "operative", "A/RES/80/1") for i in range(6)]
    passages += [_passage("p0", "strategy", "A/65/6"), _passage("p1", "indicator", "A/65/6")]
    fused = {i: 10.0 - i for i in range(8)}  # every resolution paragraph above the programme's
    assert candidates(fused, passages, depth=3, quota=0) == [0, 1, 2]
    assert candidates(fused, passages, depth=3, quota=1) == [0, 1, 2, 6]
    assert candidates(fused, passages, depth=3, quota=2) == [0, 1, 2, 6, 7]
    assert candidates(fused, passages, depth=10, quota=2) == list(range(8))
    ranks = collection_ranks(sorted(fused, key=lambda r: -fused[r]), passages)
    assert (ranks[5], ranks[6], ranks[7]) == (6.0, 1.0, 2.0)


def test_a_questions_groups_from_every_index_share_one_fold() -> None:
    folds = {train.fold_of(q, 5) for q in ("p003", "p003@index-all", "p003@other")}
    assert len(folds) == 1
    assert len({train.fold_of(f"p{i:03d}", 5) for i in range(40)}) == 5


def test_the_quota_brings_the_programme_before_the_ranker(small: Searcher) -> None:
    """On a real index: with depth 1 and a quota, the ranker sees the best programme passage and the best
    resolution paragraph, whichever collection the fusion put first."""
    from index.ranker import candidates

    config = SearchConfig(ranker=False)
    query = small.analyse("武器贸易条约缔约国会议", config)
    fused = small.fused(query, small.runs(query, config), config)
    rows = candidates(fused, small.passages, 1, 1)
    assert {small.passages[r].collection for r in rows} == {"programme", "resolution"}
    assert rows[0] == max(fused, key=fused.get)
