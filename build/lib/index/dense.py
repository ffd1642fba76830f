"""Dense lane: FAISS inner product over normalised vectors (inner product = cosine).

Exact ``IndexFlatIP`` up to ``ANN_THRESHOLD`` vectors (200,000: about 20 ms a query on 2 cores);
above it an approximate inverted-file index (IVF, ``nlist`` about 4·sqrt(n) lists, trained on a fixed
sample, ``nprobe`` lists searched), chosen automatically and recorded in the manifest. HNSW is
available (``kind="hnsw"``) but builds ~30x slower on 2 cores. Row numbers never leave the index package."""

from __future__ import annotations

import logging
from pathlib import Path

import faiss
import numpy as np

logger = logging.getLogger(__name__)

ANN_THRESHOLD = 200_000
IVF_NPROBE = 48
IVF_TRAIN_PER_LIST = 40
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
FILE = "faiss.index"
SENTENCE_FILE = "sentences.index"


def choose_kind(n: int) -> str:
    return "ivf" if n > ANN_THRESHOLD else "flat"


def ivf_lists(n: int) -> int:
    return max(16, int(4 * np.sqrt(n)))


def _ivf(vectors: np.ndarray) -> faiss.Index:
    dim, nlist = vectors.shape[1], ivf_lists(len(vectors))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = rng.choice(len(vectors), size=min(len(vectors), nlist * IVF_TRAIN_PER_LIST), replace=False)
    index.train(vectors[np.sort(sample)])
    index.nprobe = IVF_NPROBE
    return index


def build(vectors: np.ndarray, kind: str | None = None) -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    kind = kind or choose_kind(len(vectors))
    if kind == "ivf":
        index = _ivf(vectors)
    elif kind == "hnsw":
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
    if hasattr(index, "nprobe"):
        faiss.extract_index_ivf(index).nprobe = IVF_NPROBE
    return index


def search(index: faiss.Index, queries: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of shape (n_queries, depth); rows are -1 where fewer vectors exist."""
    depth = max(1, min(depth, index.ntotal))
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), depth)
