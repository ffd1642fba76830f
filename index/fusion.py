"""Fusion of the lanes, as pure functions over {row: score} runs (in the manner of pyserini's ``fusion/``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from index.config import SearchConfig
from index.lanes.base import Run
from unqa.model import Passage


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


def merge_max(base: dict[int, float], other: dict[int, float]) -> dict[int, float]:
    """``base`` with ``other``'s scores where they are higher (cosine scores: a missing row counts -1)."""
    merged = dict(base)
    for row, score in other.items():
        merged[row] = max(merged.get(row, -1.0), score)
    return merged


def dense_side(runs: dict[str, Run]) -> dict[int, float]:
    """The passage vectors' run, each passage raised to its best sentence's score."""
    dense = runs["dense"].scores if "dense" in runs else {}
    sentence = runs["sentence"].scores if "sentence" in runs else {}
    return merge_max(dense, sentence)


def keyword_side(runs: dict[str, Run]) -> dict[int, float]:
    """The Chinese BM25 run; an English question's English-text BM25 run merged in, scaled to it."""
    keyword = runs["bm25"].scores if "bm25" in runs else {}
    english = runs["bm25_en"].scores if "bm25_en" in runs else {}
    if not english:
        return dict(keyword)
    top = max(english.values())
    scale = max(keyword.values(), default=top) / top
    merged = dict(keyword)
    for row, score in english.items():
        merged[row] = max(merged.get(row, 0.0), score * scale)
    return merged


def with_chars(keyword: dict[int, float], runs: dict[str, Run], weight: float) -> dict[int, float]:
    """The keyword side plus the character-bigram lane, both scaled to [0, 1] (Chinese questions)."""
    chars = runs["bm25_chars"].scores if "bm25_chars" in runs else {}
    if not chars or weight <= 0:
        return keyword
    kw, ch = minmax(keyword), minmax(chars)
    return {row: kw.get(row, 0.0) + weight * ch.get(row, 0.0) for row in kw.keys() | ch.keys()}


def fuse(runs: dict[str, Run], config: SearchConfig, lang: str) -> dict[int, float]:
    """All lanes into one score per passage: convex (or RRF) fusion of the dense and keyword sides,
    plus the structure lane's bonuses, plus the symbol lane's (its own boosts dominate)."""
    dense, keyword = dense_side(runs), with_chars(keyword_side(runs), runs, config.chars_weight)
    if config.mode == "dense":
        return dense
    if config.mode == "bm25":
        return keyword
    if config.weighted_fusion:
        fused = convex([minmax(dense), minmax(keyword)], list(config.weights(lang)))
    else:
        fused = rrf([dense, keyword], config.rrf_k)
    for name in ("structure", "symbol"):
        for row, bonus in runs[name].scores.items() if name in runs else ():
            fused[row] = fused.get(row, 0.0) + bonus
    return fused


def top(fused: dict[int, float], k: int) -> list[tuple[int, float]]:
    """The ``k`` best (row, score), ties broken by row (document order)."""
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, k)]


def named_first(scores: dict[int, float], rows: Sequence[int]) -> dict[int, float]:
    """``rows`` (those among ``scores``) above every other row, in their own order; the rest unchanged.
    For a question that is nothing but a document's symbol: that document is the answer."""
    lifted = [r for r in rows if r in scores]
    if not lifted:
        return scores
    top, low = max(scores.values()), min(scores[r] for r in lifted)
    return {**scores, **{r: top + 1.0 + scores[r] - low for r in lifted}}


def newest_first(
    fused: dict[int, float], passages: Sequence[Passage], similarity: float, year: int | None = None, head: int = 30
) -> dict[int, float]:
    """Near-identical paragraphs of one resolution series recur every session: among the ``head`` best
    candidates, paragraphs of the same series (title) and kind whose texts are near-identical (character
    bigram Jaccard >= ``similarity``) form a group, and the group's preferred paragraph (of the year the
    question names, else the newest session) takes the group's best score. Never the oldest first."""
    if similarity <= 0 or similarity > 1:
        return fused
    top_rows = [row for row, _ in top(fused, head) if _session(passages[row])]
    out = dict(fused)
    for group in _near_duplicates(top_rows, passages, similarity):
        preferred = max(group, key=lambda r: (_matches_year(passages[r], year), _session(passages[r]), -r))
        best = max(out[r] for r in group)
        if out[preferred] < best:
            out[preferred] = best + 1e-6
    return out


def _near_duplicates(rows: list[int], passages: Sequence[Passage], similarity: float) -> list[list[int]]:
    grams = {r: _bigrams(passages[r].text) for r in rows}
    groups: list[list[int]] = []
    for row in rows:
        p = passages[row]
        for group in groups:
            q = passages[group[0]]
            same_series = (q.citation.title, q.kind) == (p.citation.title, p.kind)
            if same_series and _jaccard(grams[row], grams[group[0]]) >= similarity:
                group.append(row)
                break
        else:
            groups.append([row])
    return [g for g in groups if len(g) > 1]


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _matches_year(p: Passage, year: int | None) -> bool:
    return year is not None and (_session(p) + 1945 == year or str(p.extra.get("date", ""))[:4] == str(year))


def _session(p: Passage) -> int:
    try:
        return int(str(p.extra.get("session", "0")).split("-")[-1] or 0)
    except ValueError:
        return 0
