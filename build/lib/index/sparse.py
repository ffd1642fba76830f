"""Keyword lane: BM25 through bm25s over the shared jieba tokenizer (index/tokenize.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

logger = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s logs every index build at DEBUG

DIR = "bm25"
EN_DIR = "bm25_en"  # the English parallel text of resolution paragraphs, searched for English questions


def build(token_lists: Sequence[list[str]], show_progress: bool = False) -> bm25s.BM25:
    """A BM25 index over passages already tokenised with ``index.tokenize.tokenize``."""
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index([list(t) or ["<empty>"] for t in token_lists], show_progress=show_progress)
    return model


def save(model: bm25s.BM25, directory: Path, name: str = DIR) -> None:
    model.save(str(directory / name), show_progress=False)


def load(directory: Path, name: str = DIR) -> bm25s.BM25 | None:
    if name != DIR and not (directory / name).exists():
        return None
    return bm25s.BM25.load(str(directory / name), show_progress=False, verbosity=0)


def search(
    model: bm25s.BM25, tokens: list[str], depth: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) for one tokenised query; empty when no token is in the vocabulary."""
    known = [t for t in tokens if t in model.vocab_dict]
    n_docs = int(model.scores["num_docs"])
    if not known or n_docs == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    k = max(1, min(depth, n_docs))
    rows, scores = model.retrieve([known], k=k, show_progress=False, n_threads=1, weight_mask=mask)
    rows, scores = rows[0], scores[0]
    keep = scores > 0
    return rows[keep].astype(np.int64), scores[keep].astype(np.float32)
