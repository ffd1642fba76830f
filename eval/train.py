"""Training of the learned ranker (LightGBM lambdarank) and of the abstention model (logistic regression).

Training data, all from the dev side (the blind set ``eval/gold_test.jsonl`` is never read here):
- the dev gold set's answerable questions, with their span qrels;
- pairs mined from the corpus: a resolution paragraph's English text as the question for its Chinese twin;
- the app's relevance judgments (``eval/judgments.py``), when there are any.

``unqa train ranker`` reports k-fold cross-validated figures on the dev questions (each fold's model never
saw that fold's questions; mined pairs are in every training fold) against plain fusion on the same folds,
then trains the shipped model on everything and writes it with its training manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from eval.gold import GoldQuestion, span_qrels
from index import abstain, features, ranker
from index.config import SearchConfig
from index.search import Searcher
from unqa.fingerprint import package_versions

logger = logging.getLogger(__name__)

PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "eval_at": [1, 5, 10],
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "seed": 0,
    "deterministic": True,
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS = 150
MINED_PER_SOURCE = 400
MINED_MIN_CHARS = 60
FOLDS = 5
METRICS = ["recall@1", "recall@5", "mrr@10"]


@dataclass(frozen=True)
class Example:
    """One training question: its text, the ids of its relevant passages, and where it came from."""

    qid: str
    text: str
    relevant: frozenset[str]
    source: str  # "dev" | "mined-en" | "judgment"


@dataclass(frozen=True)
class Group:
    """The ranker's candidates for one question: rows, their features, labels and fused order."""

    example: Example
    pids: list[str]
    matrix: list[list[float]]
    labels: list[int]


# ---------------------------------------------------------------- examples


def dev_examples(questions: Sequence[GoldQuestion], searcher: Searcher) -> list[Example]:
    qrels = span_qrels([q for q in questions if q.answerable], searcher.passages)
    by_id = {q.id: q for q in questions}
    return [
        Example(qid, by_id[qid].question, frozenset(p for p, rel in rels.items() if rel > 0), "dev")
        for qid, rels in qrels.items()
        if any(rel > 0 for rel in rels.values())
    ]


def mined_examples(searcher: Searcher, n: int = MINED_PER_SOURCE, seed: int = 0) -> list[Example]:
    """English paragraphs as questions for their Chinese twins (the UN's own aligned pairs)."""
    twins = [p for p in searcher.passages if len(p.en) >= MINED_MIN_CHARS]
    picked = random.Random(seed).sample(twins, min(n, len(twins)))
    return [Example(f"mined-en-{i}", _shorten(p.en), frozenset([p.id]), "mined-en") for i, p in enumerate(picked)]


def judgment_examples(records: Sequence[dict[str, Any]]) -> list[Example]:
    """Questions judged in the app, with the passages judged relevant (latest vote wins upstream)."""
    relevant: dict[str, set[str]] = {}
    for r in records:
        if r.get("relevant"):
            relevant.setdefault(str(r["query"]), set()).add(str(r.get("pid") or r.get("passage_id")))
    return [Example(f"judged-{i}", q, frozenset(p), "judgment") for i, (q, p) in enumerate(sorted(relevant.items()))]


def _shorten(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


# ---------------------------------------------------------------- candidates and features


def candidate_group(searcher: Searcher, example: Example, config: SearchConfig) -> Group:
    """The fused top ``config.rerank_depth`` rows for a question, as the searcher sees them at query time."""
    query = searcher.analyse(example.text, config)
    runs = searcher.runs(query, config)
    fused = searcher.fused(query, runs, config)
    rows = ranker.candidates(fused, searcher.passages, config.rerank_depth, config.collection_quota)
    matrix = features.rows_features(query, rows, fused, runs, searcher.passages, searcher.stats)
    pids = [searcher.passages[r].id for r in rows]
    return Group(example, pids, matrix, [int(pid in example.relevant) for pid in pids])


def groups_for(searcher: Searcher, examples: Sequence[Example], config: SearchConfig) -> list[Group]:
    return [candidate_group(searcher, e, config) for e in tqdm(examples, desc="candidates", unit="q")]


# ---------------------------------------------------------------- ranker


def fit(groups: Sequence[Group], rounds: int = ROUNDS) -> Any:
    """A LightGBM lambdarank booster over the groups that have a relevant candidate."""
    import lightgbm  # heavy: imported when training, so that ``unqa --help`` stays fast

    useful = [g for g in groups if any(g.labels)]
    x = np.asarray([row for g in useful for row in g.matrix], dtype=np.float64)
    y = np.asarray([label for g in useful for label in g.labels])
    data = lightgbm.Dataset(x, y, group=[len(g.labels) for g in useful], feature_name=list(features.NAMES))
    return lightgbm.train(PARAMS, data, num_boost_round=rounds)


def reranked_run(
    groups: Sequence[Group], booster: Any, blend: float = SearchConfig().ranker_blend
) -> dict[str, dict[str, float]]:
    """{qid: {pid: score}}: the order the searcher gives (the model blended with the fusion, as
    ``index.ranker`` does), or the fusion's (by position) without a model."""
    run = {}
    fused_column = features.NAMES.index("fused")
    for g in groups:
        if booster is None or not g.pids:
            scores = [float(len(g.pids) - i) for i in range(len(g.pids))]
        else:
            matrix = np.asarray(g.matrix, dtype=np.float64)
            scores = ranker.blended(booster.predict(matrix), matrix[:, fused_column], blend).tolist()
        run[g.example.qid] = dict(zip(g.pids, scores, strict=True)) or {"-": 0.0}
    return run


def metrics_of(groups: Sequence[Group], run: dict[str, dict[str, float]]) -> dict[str, float]:
    from ranx import Qrels, Run, evaluate  # heavy: imported when scoring

    qrels = Qrels({g.example.qid: {p: 1 for p in g.example.relevant} for g in groups})
    scores = evaluate(qrels, Run(run), METRICS, make_comparable=True)
    return {m: round(float(scores[m]), 4) for m in METRICS}


def fold_of(qid: str, folds: int) -> int:
    """A question's fold, the same for its groups from every index (``qid@index``)."""
    return int(hashlib.sha256(qid.split("@")[0].encode()).hexdigest(), 16) % folds


def cross_validate(dev: Sequence[Group], extra: Sequence[Group], folds: int = FOLDS) -> dict[str, Any]:
    """k-fold figures on the dev questions: each fold scored by a model trained without it (nor its
    questions' groups from another index). The primary index's figures, then each other index's."""
    fused_run: dict[str, dict[str, float]] = {}
    ranked_run: dict[str, dict[str, float]] = {}
    for k in range(folds):
        held = [g for g in dev if fold_of(g.example.qid, folds) == k]
        train = [g for g in dev if fold_of(g.example.qid, folds) != k] + list(extra)
        ranked_run.update(reranked_run(held, fit(train)))
        fused_run.update(reranked_run(held, None))
    by_index = _by_index(dev)
    report: dict[str, Any] = {"folds": folds, **_scored(by_index.pop(""), fused_run, ranked_run)}
    if by_index:
        report["other_indexes"] = {tag: _scored(groups, fused_run, ranked_run) for tag, groups in by_index.items()}
    return report


def _by_index(groups: Sequence[Group]) -> dict[str, list[Group]]:
    out: dict[str, list[Group]] = {"": []}
    for g in groups:
        out.setdefault(g.example.qid.partition("@")[2], []).append(g)
    return out


def _scored(groups: Sequence[Group], fused_run: dict, ranked_run: dict) -> dict[str, Any]:
    def of(run: dict) -> dict[str, float]:
        return metrics_of(groups, {g.example.qid: run[g.example.qid] for g in groups})

    out: dict[str, Any] = {"fusion": of(fused_run), "ranker": of(ranked_run), "questions": len(groups)}
    for about in ("programme", "resolutions"):
        chosen = [g for g in groups if _about(g) == about]
        if chosen and len(chosen) < len(groups):
            out[about] = _scored(chosen, fused_run, ranked_run)
    return out


def _about(group: Group) -> str:
    return "resolutions" if any("/RES/" in pid for pid in group.example.relevant) else "programme"


def train_ranker(
    searcher: Searcher,
    questions: Sequence[GoldQuestion],
    records: Sequence[dict[str, Any]],
    out: Path,
    also: Sequence[tuple[str, Searcher]] = (),
) -> dict[str, Any]:
    """Cross-validate, then train the shipped model on every example and write it with its manifest.
    ``also``: more (name, searcher) indexes whose candidates for the same questions join the training
    (a whole-corpus index: the same questions among a hundred thousand distractors)."""
    t0 = time.perf_counter()
    config = SearchConfig(ranker=False)
    dev = groups_for(searcher, dev_examples(questions, searcher), config)
    extra = groups_for(searcher, mined_examples(searcher) + judgment_examples(records), config)
    for name, other in also:
        dev += groups_for(other, [_tagged(e, name) for e in dev_examples(questions, other)], config)
        extra += groups_for(other, [_tagged(e, name) for e in mined_examples(other, MINED_PER_SOURCE // 2)], config)
    report = {"cv": cross_validate(dev, extra), "examples": _counts(dev + extra)}
    booster = fit(dev + extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(out))
    report.update(_manifest(searcher, config, time.perf_counter() - t0, booster))
    report["also_indexes"] = {name: _index_entry(other) for name, other in also}
    out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    ranker.load.cache_clear()
    return report


def _tagged(example: Example, name: str) -> Example:
    return replace(example, qid=f"{example.qid}@{name}", source=f"{example.source}@{name}")


def _index_entry(searcher: Searcher) -> dict[str, Any]:
    return {"corpus_hash": searcher.manifest.get("corpus_hash"), "passages": len(searcher.passages)}


def _counts(groups: Sequence[Group]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for g in groups:
        key = g.example.source + ("" if any(g.labels) else " (no relevant candidate)")
        counts[key] = counts.get(key, 0) + 1
    return counts


def _manifest(searcher: Searcher, config: SearchConfig, seconds: float, booster: Any) -> dict[str, Any]:
    gain = booster.feature_importance("gain")
    top = sorted(zip(features.NAMES, gain, strict=True), key=lambda kv: -kv[1])[:12]
    return {
        "params": PARAMS,
        "rounds": ROUNDS,
        "features": list(features.NAMES),
        "top_features_by_gain": {name: round(float(g), 1) for name, g in top},
        "search_config": config.to_dict(),
        "index": _index_entry(searcher),
        "seconds": round(seconds, 1),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": package_versions(("lightgbm", "numpy", "scikit-learn")),
    }


# ---------------------------------------------------------------- abstention


def abstention_rows(searcher: Searcher, questions: Sequence[GoldQuestion]) -> tuple[np.ndarray, np.ndarray]:
    """The abstention features of every dev question (with the ranker on, as at query time), and labels
    (1: the corpus answers it)."""
    x, y = [], []
    for q in tqdm(questions, desc="abstention features", unit="q"):
        f = searcher.abstention_features(q.question)
        x.append([f[name] for name in abstain.FEATURES])
        y.append(int(q.answerable))
    return np.asarray(x, dtype=np.float64), np.asarray(y)


def fit_abstainer(x: np.ndarray, y: np.ndarray) -> abstain.Abstainer:
    from sklearn.linear_model import LogisticRegression  # heavy: imported when training

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit((x - mean) / scale, y)
    return abstain.Abstainer(
        tuple(abstain.FEATURES), tuple(mean.tolist()), tuple(scale.tolist()),
        tuple(model.coef_[0].tolist()), float(model.intercept_[0]),
    )  # fmt: skip


def cv_probabilities(x: np.ndarray, y: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """P(answerable) of every question from a model trained without its fold."""
    probs = np.zeros(len(y))
    order = np.arange(len(y))
    for k in range(folds):
        held = order % folds == k
        model = fit_abstainer(x[~held], y[~held])
        probs[held] = [model.probability(dict(zip(abstain.FEATURES, row, strict=True))) for row in x[held]]
    return probs


def with_hard_rules(probs: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(answerable) as the searcher decides: 0 where a hard rule abstains (no token, unmet answer type)."""
    hard = (x[:, abstain.FEATURES.index("type_unmet")] > 0) | (x[:, abstain.FEATURES.index("n_tokens")] == 0)
    return np.where(hard, 0.0, probs)


def pick_threshold(probs: np.ndarray, y: np.ndarray, max_wrong: float = 0.02) -> float:
    """The highest threshold at which at most ``max_wrong`` of the answerable questions abstain
    (those a hard rule already abstains on count against the allowance)."""
    answerable = np.sort(probs[y == 1])
    allowed = int(max_wrong * len(answerable))
    return float(answerable[allowed]) - 1e-6 if len(answerable) else 0.5


def train_abstainer(searcher: Searcher, questions: Sequence[GoldQuestion], out: Path) -> dict[str, Any]:
    x, y = abstention_rows(searcher, questions)
    probs = with_hard_rules(cv_probabilities(x, y), x)
    threshold = pick_threshold(probs, y)
    model = fit_abstainer(x, y)
    cv = {
        "threshold": round(threshold, 4),
        "unanswerable_abstained": f"{int(((probs < threshold) & (y == 0)).sum())}/{int((y == 0).sum())}",
        "answerable_wrongly_abstained": f"{int(((probs < threshold) & (y == 1)).sum())}/{int((y == 1).sum())}",
    }
    data = {**model.to_dict(), "threshold": threshold, "cv": cv, "questions": int(len(y))}
    out.write_text(json.dumps(data, indent=2), encoding="utf-8")
    abstain.load.cache_clear()
    return data
