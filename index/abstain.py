"""Abstention: does the corpus answer the question at all?

The decision is a logistic model over a few features of the question and its runs (trained by
``unqa train abstain`` on the dev gold set's answerable and unanswerable questions and written to
``index/data/abstain_model.json``, with the threshold chosen on the dev set's cross-validation); without
that file the hand-set rules below decide.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index import fusion
from index.answer import FactRule, type_unmet
from index.config import SearchConfig
from index.lanes.base import Run
from index.query import Query
from index.terms import TermStats
from unqa.model import Hit

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "data" / "abstain_model.json"
FEATURES = (
    "top_dense", "dense_margin", "top_bm25_norm", "lexical", "known_share", "unknown_tokens",
    "n_tokens", "is_en", "has_terms", "type_unmet", "symbol", "structure",
)  # fmt: skip


def features(
    query: Query, hits: Sequence[Hit], runs: dict[str, Run], stats: TermStats, token_set: Callable, rule: FactRule
) -> dict[str, float]:
    """What the decision looks at: how close the best passages are, how much of the question the
    corpus knows at all, and whether the question asks for a kind of fact none of them states (about
    the treaty it names, of the thing it counts: ``rule``)."""
    dense = sorted(fusion.dense_side(runs).values(), reverse=True)
    q = query.content_tokens()
    lexical = max((stats.coverage(q, set(token_set(h.passage.text))) for h in hits[:3]), default=0.0)
    termed = set(query.termed)  # an English word the glossary or the treaty table gives Chinese terms for is known
    known = [t for t in query.tokens if stats.known(t) or t in termed]
    bm25 = runs["bm25"].scores if "bm25" in runs else {}
    idf_total = sum(stats.idf(t) for t in q) or 1.0
    return {
        "top_dense": dense[0] if dense else 0.0,
        "dense_margin": dense[0] - dense[1] if len(dense) > 1 else 0.0,
        "top_bm25_norm": max(bm25.values(), default=0.0) / idf_total,
        "lexical": lexical,
        "known_share": len(known) / len(query.tokens) if query.tokens else 0.0,
        "unknown_tokens": float(len(query.tokens) - len(known)),
        "n_tokens": float(len(query.tokens)),
        "is_en": float(query.lang == "en"),
        "has_terms": float(bool(query.glossary or query.translated)),
        "type_unmet": float(type_unmet(query, hits, rule)),
        "symbol": float(bool(runs.get("symbol") and runs["symbol"].scores)),
        "structure": float(bool(runs.get("structure") and runs["structure"].scores)),
    }


def rules(query: Query, hits: Sequence[Hit], f: dict[str, float], config: SearchConfig) -> bool:
    """Hand-set decision: nothing found, no searchable word, an unmet answer type, or both the best
    dense similarity and the best lexical coverage below their thresholds."""
    if not hits or not query.tokens or f["type_unmet"]:
        return True
    if query.lang == "zh":
        threshold = config.abstain_dense_zh
    else:
        threshold = config.abstain_dense_en if query.glossary else config.abstain_dense_en_no_terms
    return f["top_dense"] < threshold and f["lexical"] < config.abstain_lexical


@dataclass(frozen=True)
class Abstainer:
    """Logistic regression over standardised ``FEATURES``: P(the corpus answers the question)."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5  # abstain below this P(answerable): chosen on the dev set's cross-validation

    def probability(self, f: dict[str, float]) -> float:
        z = self.intercept
        for name, mu, sd, w in zip(self.names, self.mean, self.scale, self.coef, strict=True):
            z += w * (f.get(name, 0.0) - mu) / (sd or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def abstains(self, f: dict[str, float], threshold: float | None = None) -> bool:
        if f["n_tokens"] == 0 or f["type_unmet"]:  # nothing to search, or the kind of fact asked for is absent
            return True
        return self.probability(f) < (self.threshold if threshold is None else threshold)

    def to_dict(self) -> dict:
        return {"features": list(self.names), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept}  # fmt: skip


def from_dict(d: dict) -> Abstainer:
    threshold = float(d.get("threshold", 0.5))
    return Abstainer(
        tuple(d["features"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]), float(d["intercept"]), threshold
    )


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> Abstainer | None:
    if not path.is_file():
        return None
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("abstention model %s unreadable (%s): the rules decide", path, exc)
        return None


def load_default() -> Abstainer | None:
    return load(MODEL_FILE)


def model_hash(path: Path = MODEL_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "none"
