"""Retrieval metrics with ranx: overall, per kind, per language, abstention and significance.

A run's ranking is its hit list regardless of abstention (abstention is scored separately).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from eval.gold import GoldQuestion
from eval.gold import Qrels as QrelsDict
from unqa.model import Hit, SearchResponse

logger = logging.getLogger(__name__)

METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
SIGNIFICANCE_METRICS = ("mrr@10", "recall@1")
NO_HIT = "__no_hit__"  # placeholder document for a query without hits (ranx needs one)

RunDict = dict[str, dict[str, float]]


def ranked_scores(hits: Sequence[Hit]) -> list[tuple[str, float]]:
    """(passage id, score) in hit order, scores nudged to be strictly decreasing so that any
    tool sorting by score (ranx, trec_eval) sees exactly the searcher's ranking."""
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    prev = float("inf")
    for hit in sorted(hits, key=lambda h: h.rank):
        if hit.passage.id in seen:
            continue
        score = round(min(float(hit.score), prev - 1e-6), 6)
        out.append((hit.passage.id, score))
        seen.add(hit.passage.id)
        prev = score
    return out


def run_dict(questions: Sequence[GoldQuestion], responses: Sequence[SearchResponse]) -> RunDict:
    return {q.id: dict(ranked_scores(r.hits)) for q, r in zip(questions, responses, strict=True)}


def judged_qids(qrels: QrelsDict) -> list[str]:
    """Questions that can be scored: at least one relevant passage."""
    return [qid for qid, rels in qrels.items() if any(v > 0 for v in rels.values())]


def _ranx():
    """ranx, imported when a metric is computed (it pulls in numba, scipy and pandas: seconds that every
    ``unqa`` command would otherwise pay at start)."""
    import ranx

    return ranx


def _ranx_pair(qrels: QrelsDict, run: RunDict, qids: Sequence[str], name: str) -> tuple[Any, Any]:
    Qrels, Run = _ranx().Qrels, _ranx().Run
    q = Qrels({qid: dict(qrels[qid]) for qid in qids})
    r = Run({qid: dict(run.get(qid) or {NO_HIT: 0.0}) for qid in qids}, name=name)
    return q, r


def score(qrels: QrelsDict, run: RunDict, qids: Sequence[str], name: str = "run") -> dict[str, float]:
    """Mean of each metric over ``qids`` (answerable, judged); empty group -> {}."""
    if not qids:
        return {}
    q, r = _ranx_pair(qrels, run, qids, name)
    values = _ranx().evaluate(q, r, list(METRICS), make_comparable=True)
    return {m: float(values[m]) for m in METRICS}


def per_query(qrels: QrelsDict, run: RunDict, qids: Sequence[str], metric: str) -> dict[str, float]:
    """Per-question value of one metric (for failure analysis)."""
    if not qids:
        return {}
    q, r = _ranx_pair(qrels, run, qids, "run")
    _ranx().evaluate(q, r, metric, save_results_in_run=True)
    return {qid: float(v) for qid, v in r.scores[metric].items()}


def grouped(questions: Sequence[GoldQuestion], qids: Sequence[str], attr: str) -> dict[str, list[str]]:
    """Scored question ids grouped by a question attribute ("kind", "lang")."""
    keep = set(qids)
    groups: dict[str, list[str]] = {}
    for q in questions:
        if q.id in keep:
            groups.setdefault(getattr(q, attr), []).append(q.id)
    return dict(sorted(groups.items()))


def abstention(questions: Sequence[GoldQuestion], responses: Sequence[SearchResponse]) -> dict[str, float]:
    """Abstained on unanswerable questions (good) and on answerable ones (wrong)."""
    un = [r.abstained for q, r in zip(questions, responses, strict=True) if not q.answerable]
    ans = [r.abstained for q, r in zip(questions, responses, strict=True) if q.answerable]
    return {
        "unanswerable": len(un),
        "abstained_unanswerable": sum(un),
        "abstain_rate_unanswerable": sum(un) / len(un) if un else 0.0,
        "answerable": len(ans),
        "wrongly_abstained": sum(ans),
        "wrong_abstain_rate": sum(ans) / len(ans) if ans else 0.0,
    }


def significance(
    qrels: QrelsDict, runs: dict[str, RunDict], qids: Sequence[str], a: str, b: str, *, test: str = "fisher"
) -> dict[str, dict[str, float | bool]]:
    """Paired test (Fisher randomization by default, fixed seed) of system ``a`` against ``b``."""
    q = _ranx().Qrels({qid: dict(qrels[qid]) for qid in qids})
    ranx_runs = [_ranx_pair(qrels, runs[name], qids, name)[1] for name in (a, b)]
    report = _ranx().compare(
        q,
        ranx_runs,
        list(SIGNIFICANCE_METRICS),
        stat_test=test,
        max_p=0.05,
        random_seed=42,
        make_comparable=True,
        rounding_digits=4,
    )
    data = report.to_dict()
    out: dict[str, dict[str, float | bool]] = {}
    for m in SIGNIFICANCE_METRICS:
        p = float(data[a]["comparisons"][b][m])
        out[m] = {a: float(data[a]["scores"][m]), b: float(data[b]["scores"][m]), "p": p, "significant": p < 0.05}
    return out
