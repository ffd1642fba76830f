"""Fusion of the dense and keyword lanes, as pure functions over {row: score} runs."""

from __future__ import annotations

from collections import defaultdict


def rrf(runs: list[dict[int, float]], rrf_k: int = 60, weights: list[float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion (Cormack et al.): sum of w / (rrf_k + rank), rank from 1."""
    weights = weights or [1.0] * len(runs)
    fused: dict[int, float] = defaultdict(float)
    for run, weight in zip(runs, weights, strict=True):
        ranked = sorted(run.items(), key=lambda kv: -kv[1])
        for rank, (row, _) in enumerate(ranked, start=1):
            fused[row] += weight / (rrf_k + rank)
    return dict(fused)


def minmax(run: dict[int, float], floor: float | None = None) -> dict[int, float]:
    """Scale scores into [0, 1]; ``floor`` (if given) is the score that maps to 0."""
    if not run:
        return {}
    hi = max(run.values())
    lo = min(run.values()) if floor is None else min(floor, hi)
    span = hi - lo
    return {row: (s - lo) / span if span > 0 else 1.0 for row, s in run.items()}


def convex(runs: list[dict[int, float]], weights: list[float]) -> dict[int, float]:
    """Weighted sum of normalised scores; a row missing from a run gets 0 from it."""
    fused: dict[int, float] = defaultdict(float)
    for run, weight in zip(runs, weights, strict=True):
        for row, score in run.items():
            fused[row] += weight * score
    return dict(fused)
