"""The learned ranker: LightGBM lambdarank over ``index.features``, re-ordering the fused top
candidates. Trained by ``unqa train ranker`` (``make ranker``) from the dev gold set and pairs mined
from the corpus; the model (``index/data/ranker.txt``) and its training manifest
(``index/data/ranker.json``) live in the repository. Without the model file, search is the fusion."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index import features
from index.lanes.base import Run
from index.query import Query
from unqa.model import Passage

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "data" / "ranker.txt"
MANIFEST_FILE = MODEL_FILE.with_suffix(".json")


class Ranker:
    def __init__(self, booster: Any) -> None:
        self.booster = booster

    def scores(self, matrix: list[list[float]]) -> np.ndarray:
        return self.booster.predict(np.asarray(matrix, dtype=np.float64))

    def rerank(
        self, query: Query, fused: dict[int, float], runs: dict[str, Run], searcher: Any, depth: int, blend: float,
        quota: int = 0,
    ) -> dict:  # fmt: skip
        """The ranker's candidates (see ``candidates``) re-ordered by the model blended with the fusion,
        above every other candidate."""
        head = candidates(fused, searcher.passages, depth, quota)
        if len(head) < 2:
            return fused
        matrix = features.rows_features(query, head, fused, runs, searcher.passages, searcher.stats)
        scores = blended(self.scores(matrix), np.asarray([fused[r] for r in head]), blend)
        chosen = set(head)
        floor = max((s for r, s in fused.items() if r not in chosen), default=0.0)
        out = dict(fused)
        for row, score in zip(head, scores, strict=True):
            out[row] = floor + 1.0 + float(score)  # above the tail, in the blended order
        return out


def candidates(fused: dict[int, float], passages: Sequence[Passage], depth: int, quota: int) -> list[int]:
    """The fused top ``depth`` rows, then the best ``quota`` of each collection not already among them
    (in a whole-corpus index, a hundred thousand resolution paragraphs crowd the programme's out of the
    fused top: the quota keeps each collection's best before the ranker, which has the collection and
    its rank within it among its features). In fused order."""
    ordered = sorted(fused, key=lambda r: (-fused[r], r))
    within = features.collection_ranks(ordered, passages)
    return [row for i, row in enumerate(ordered) if i < depth or within[row] <= quota]


def blended(predicted: np.ndarray, fused: np.ndarray, blend: float) -> np.ndarray:
    """The model's scores and the fusion's, each scaled to [0, 1], added with weight ``blend`` on the
    fusion (``SearchConfig.ranker_blend``: 0 since the ranker also learns from the whole-corpus index,
    where the fusion's order is much worse; the dev cross-validation chose it, see eval/README.md)."""
    return _minmax(predicted) + blend * _minmax(fused)


def _minmax(x: np.ndarray) -> np.ndarray:
    span = float(x.max() - x.min()) if len(x) else 0.0
    return (x - x.min()) / span if span > 0 else np.zeros_like(x, dtype=float)


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> Ranker | None:
    if not path.is_file():
        return None
    import lightgbm  # heavy (it pulls in scikit-learn): imported only when a model is there to load

    booster = lightgbm.Booster(model_file=str(path))
    if booster.num_feature() != len(features.NAMES):
        logger.warning("ranker %s has %d features, this code has %d: ranker off", path, booster.num_feature(),
                       len(features.NAMES))  # fmt: skip
        return None
    return Ranker(booster)


def load_default() -> Ranker | None:
    return load(MODEL_FILE)


def model_hash(path: Path = MODEL_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "none"
