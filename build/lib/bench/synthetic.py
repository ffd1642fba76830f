"""Synthetic scale: N random unit vectors (dim 384) in the FAISS index kind the pipeline would pick,
and bm25s over N generated Chinese-like passages (Zipf-distributed pseudo-words)."""

from __future__ import annotations

import gc
import resource
import time
from typing import Any

import numpy as np

from bench.stats import summarize
from index import dense, sparse

DIM = 384
N_QUERIES = 200
DEPTH = 100  # what the search path asks each lane for
NOISE = 0.5  # perturbation of a corpus vector, relative to its (unit) norm


def _rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def random_vectors(n: int, dim: int = DIM, seed: int = 0, chunk: int = 100_000) -> np.ndarray:
    """``n`` unit-norm float32 vectors from ``np.random.default_rng(seed)`` (built in chunks)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    for i in range(0, n, chunk):
        block = rng.standard_normal((min(chunk, n - i), dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[i : i + len(block)] = block
    return out


def clustered_vectors(
    n: int, dim: int = DIM, seed: int = 0, per_cluster: int = 100, spread: float = 0.7, chunk: int = 100_000
) -> np.ndarray:
    """``n`` unit vectors in clusters of about ``per_cluster`` around random centres (Gaussian spread
    ``spread`` in norm): topic structure like real passage embeddings, unlike uniform random vectors,
    whose 10 nearest neighbours are near-ties that no approximate index separates."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // per_cluster), dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    for i in range(0, n, chunk):
        m = min(chunk, n - i)
        block = centres[rng.integers(0, len(centres), m)]
        block = block + rng.standard_normal((m, dim), dtype=np.float32) * (spread / np.sqrt(dim))
        out[i : i + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def perturbed_queries(
    vectors: np.ndarray, n: int = N_QUERIES, noise: float = NOISE, seed: int = 1, with_rows: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Unit queries near ``n`` corpus vectors: v + noise * (random unit direction), renormalised
    (with ``with_rows``, also the rows they were made from)."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(vectors), size=min(n, len(vectors)), replace=False)
    g = rng.standard_normal((len(rows), vectors.shape[1]), dtype=np.float32)
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    q = vectors[rows] + noise * g
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    q = np.ascontiguousarray(q, dtype=np.float32)
    return (q, rows) if with_rows else q


def exact_topk(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    """Exact inner-product top-k rows (brute force, same result as ``IndexFlatIP``, no copy of the base)."""
    import faiss

    _, rows = faiss.knn(queries, vectors, k, metric=faiss.METRIC_INNER_PRODUCT)
    return rows


def recall_at_k(found: np.ndarray, truth: np.ndarray, k: int = 10) -> float:
    """Mean fraction of the true top-k found in the approximate top-k."""
    hits = [len(set(f[:k].tolist()) & set(t[:k].tolist())) / k for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits)) if hits else float("nan")


def dense_scale(n: int, kind: str | None = None, seed: int = 0, distribution: str = "uniform") -> dict[str, Any]:

    kind = kind or dense.choose_kind(n)
    t0 = time.perf_counter()
    vectors = clustered_vectors(n, seed=seed) if distribution == "clustered" else random_vectors(n, seed=seed)
    gen_s = time.perf_counter() - t0
    queries, sources = perturbed_queries(vectors, with_rows=True)
    rss0 = _rss_mib()
    t0 = time.perf_counter()
    index = dense.build(vectors, kind)
    build_s = time.perf_counter() - t0
    rss1 = _rss_mib()
    index.search(queries[:5], DEPTH)  # warm-up
    found, times = [], []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        _, rows = index.search(queries[i : i + 1], DEPTH)
        times.append((time.perf_counter() - t0) * 1000)
        found.append(rows[0])
    t0 = time.perf_counter()
    truth = exact_topk(vectors, queries, 10)
    exact_s = time.perf_counter() - t0
    out = {
        "n": n,
        "dim": DIM,
        "kind": kind,
        "generate_seconds": round(gen_s, 2),
        "build_seconds": round(build_s, 2),
        "vectors_mib": round(vectors.nbytes / 2**20, 1),
        "index_rss_delta_mib": round(rss1 - rss0, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "queries": len(queries),
        "depth": DEPTH,
        "latency_ms": summarize(times),
        "recall_at_10": round(recall_at_k(np.array(found), truth, 10), 4),
        "recall_at_1": round(recall_at_k(np.array(found), truth, 1), 4),
        "source_in_top10": round(float(np.mean([src in f[:10] for src, f in zip(sources, found, strict=True)])), 4),
        "exact_seconds_for_queries": round(exact_s, 2),
        "noise": NOISE,
        "distribution": distribution,
    }
    if kind == "ivf":
        out["ivf"] = {
            "nlist": dense.ivf_lists(n),
            "nprobe": dense.IVF_NPROBE,
            "sweep": nprobe_sweep(index, queries, truth),
        }
        index.nprobe = dense.IVF_NPROBE
    if kind == "hnsw":
        out["hnsw"] = {
            "M": dense.HNSW_M,
            "ef_construction": dense.HNSW_EF_CONSTRUCTION,
            "ef_search": int(index.hnsw.efSearch),
            "sweep": ef_sweep(index, queries, truth),
        }
        index.hnsw.efSearch = dense.HNSW_EF_SEARCH
    del index, vectors
    gc.collect()
    return out


def ef_sweep(index: Any, queries: np.ndarray, truth: np.ndarray, efs: tuple[int, ...] = (64, 128, 256, 512)) -> list:
    """recall@10 and p95 latency (k=10) of an HNSW index at several efSearch values."""
    return _sweep(index, queries, truth, "ef_search", efs, lambda v: setattr(index.hnsw, "efSearch", v))


def nprobe_sweep(
    index: Any, queries: np.ndarray, truth: np.ndarray, values: tuple[int, ...] = (16, 48, 128, 256)
) -> list:
    """recall@10 and p95 latency (k=10) of an IVF index at several nprobe values."""
    return _sweep(index, queries, truth, "nprobe", values, lambda v: setattr(index, "nprobe", v))


def _sweep(index: Any, queries: np.ndarray, truth: np.ndarray, name: str, values: tuple[int, ...], set_value) -> list:
    out = []
    for value in values:
        set_value(value)
        found, times = [], []
        for i in range(len(queries)):
            t0 = time.perf_counter()
            _, rows = index.search(queries[i : i + 1], 10)
            times.append((time.perf_counter() - t0) * 1000)
            found.append(rows[0])
        out.append(
            {
                name: value,
                "recall_at_10": round(recall_at_k(np.array(found), truth, 10), 4),
                "p95_ms_k10": summarize(times)["p95"],
            }
        )
    return out


def pseudo_vocabulary(size: int = 50_000, seed: int = 0) -> list[str]:
    """``size`` distinct 1-4 character strings of CJK ideographs (Chinese-like words)."""
    rng = np.random.default_rng(seed)
    words: dict[str, None] = {}
    while len(words) < size:
        lengths = rng.choice([1, 2, 2, 2, 3, 4], size=size)
        codes = rng.integers(0x4E00, 0x9FA5, size=(size, 4))
        for n, row in zip(lengths, codes, strict=True):
            words["".join(map(chr, row[:n]))] = None
            if len(words) == size:
                break
    return list(words)


def zipf_probabilities(size: int, exponent: float = 1.07) -> np.ndarray:
    p = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** exponent
    return p / p.sum()


def token_streams(n: int, vocab: list[str], mean_len: int = 40, seed: int = 0) -> list[list[str]]:
    """``n`` passages of ``mean_len``±10 Zipf-sampled pseudo-words."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(mean_len - 10, mean_len + 11, size=n)
    ids = rng.choice(len(vocab), size=int(lengths.sum()), p=zipf_probabilities(len(vocab)))
    ends = np.cumsum(lengths)
    words = np.asarray(vocab, dtype=object)[ids].tolist()
    return [words[e - m : e] for e, m in zip(ends.tolist(), lengths.tolist(), strict=True)]


def sparse_scale(n: int, vocab_size: int = 50_000, seed: int = 0) -> dict[str, Any]:

    vocab = pseudo_vocabulary(vocab_size, seed)
    t0 = time.perf_counter()
    streams = token_streams(n, vocab, seed=seed)
    gen_s = time.perf_counter() - t0
    rng = np.random.default_rng(seed + 1)
    p = zipf_probabilities(len(vocab))
    queries = [[vocab[i] for i in rng.choice(len(vocab), size=int(rng.integers(3, 7)), p=p)] for _ in range(N_QUERIES)]
    rss0 = _rss_mib()
    t0 = time.perf_counter()
    model = sparse.build(streams)
    build_s = time.perf_counter() - t0
    rss1 = _rss_mib()
    del streams
    gc.collect()
    for q in queries[:5]:
        sparse.search(model, q, DEPTH)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        sparse.search(model, q, DEPTH)
        times.append((time.perf_counter() - t0) * 1000)
    out = {
        "n": n,
        "vocabulary": vocab_size,
        "mean_tokens": 40,
        "generate_seconds": round(gen_s, 2),
        "build_seconds": round(build_s, 2),
        "index_rss_delta_mib": round(rss1 - rss0, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "queries": len(queries),
        "depth": DEPTH,
        "latency_ms": summarize(times),
    }
    del model
    gc.collect()
    return out
