"""Dense lane: FAISS inner product over normalised vectors (inner product = cosine).

Exact ``IndexFlatIP`` up to ``HNSW_THRESHOLD`` vectors; above it an approximate HNSW graph
(chosen automatically, recorded in the manifest). Row numbers never leave the index package."""

from __future__ import annotations

import logging
from pathlib import Path

import faiss
import numpy as np

logger = logging.getLogger(__name__)

HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
FILE = "faiss.index"
SENTENCE_FILE = "sentences.index"


def choose_kind(n: int) -> str:
    return "hnsw" if n > HNSW_THRESHOLD else "flat"


def build(vectors: np.ndarray, kind: str | None = None) -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    kind = kind or choose_kind(len(vectors))
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    return index


def save(index: faiss.Index, directory: Path, name: str = FILE) -> None:
    faiss.write_index(index, str(directory / name))


def load(directory: Path, name: str = FILE) -> faiss.Index:
    index = faiss.read_index(str(directory / name))
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search(index: faiss.Index, queries: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of shape (n_queries, depth); rows are -1 where fewer vectors exist."""
    depth = max(1, min(depth, index.ntotal))
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), depth)
