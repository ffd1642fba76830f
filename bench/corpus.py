"""Figures for one real corpus: ingest, embedding (cold cache vs raw encoder), build, size on disk,
warm query latency per stage, pipeline overhead against bare FAISS + bm25s, cold start, peak RSS."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil
from pyinstrument import Profiler

from bench.questions import QUESTIONS
from bench.stats import ROOT, aggregate_stages, cache_at, child_env, dir_size, summarize
from index import build as index_build
from index import dense, sparse, store
from index.cache import text_key
from index.config import SearchConfig
from index.encoders import load_encoder
from index.pipeline import BuildSettings, build_from_paths
from index.search import Searcher
from index.tokenize import tokenize
from ingest.pipeline import collect, unique_passages

# Run in a fresh interpreter: each phase is timed from the wall clock the parent passed in.
COLD_START = r"""
import json, resource, sys, time
t_spawn = float(sys.argv[1]); t_start = time.time(); c0 = time.perf_counter()
from unqa.paths import set_offline
set_offline()
from index.search import Searcher
from index.encoders import load_encoder
c1 = time.perf_counter()
encoder = load_encoder(sys.argv[3])
c2 = time.perf_counter()
searcher = Searcher.load(sys.argv[2], encoder=encoder)
c3 = time.perf_counter()
response = searcher.search(sys.argv[4], 10)
c4 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"process_start_s": t_start - t_spawn, "imports_s": c1 - c0, "model_load_s": c2 - c1,
                  "index_load_s": c3 - c2, "first_answer_s": c4 - c3, "peak_rss_mib": rss / 1024,
                  "answered": response.answer is not None or bool(response.hits)}))
"""


def ingest(paths: Sequence[Path], subset: str) -> tuple[list, dict[str, Any]]:

    t0 = time.perf_counter()
    docs, skipped = collect(list(paths), subset=subset, show_progress=False)
    passages = unique_passages(docs)
    seconds = time.perf_counter() - t0
    return passages, {
        "seconds": round(seconds, 3),
        "documents": len(docs),
        "skipped": len(skipped),
        "passages": len(passages),
        "documents_per_s": round(len(docs) / max(seconds, 1e-9), 2),
        "passages_per_s": round(len(passages) / max(seconds, 1e-9), 2),
    }


def embed_texts(passages: Sequence[Any], plan: index_build.EmbedPlan | None = None) -> list[str]:
    """The exact texts ``build_index`` embeds (passages embedded whole, then the pieces)."""
    return index_build.embed_texts(passages, plan)


def raw_encode(encoder: Any, texts: Sequence[str], batch: int = 32) -> float:
    """Seconds for ``encode_passages`` over ``texts`` in batches, nothing else."""
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        encoder.encode_passages(list(texts[i : i + batch]))
    return time.perf_counter() - t0


WARM_SAMPLE = 300


def build(
    paths: Sequence[Path],
    subset: str,
    passages: Sequence[Any],
    index_dir: Path,
    encoder_spec: str,
    order_check: bool = False,
    cold: bool = True,
) -> dict[str, Any]:
    """Build with a cold (temporary) embedding cache; embedding throughput against the raw encoder.

    With ``cold=False`` (large corpora) the build uses the normal vector cache and the raw encoder is
    timed on a sample of ``WARM_SAMPLE`` texts only: the build figure is then the cached rebuild."""
    encoder = load_encoder(encoder_spec)  # loaded once per process: not part of either figure
    texts = embed_texts(passages)
    unique = list(dict.fromkeys(texts))
    if not cold:
        unique = unique[:: max(1, len(unique) // WARM_SAMPLE)][:WARM_SAMPLE]
    encoder.encode_passages(unique[:4])  # warm-up (thread pools, first allocations)
    raw_s = raw_encode(encoder, unique)
    hash_order_s = None
    if order_check:  # the order embed_with_cache uses (sorted by content hash: lengths mixed in a batch)
        hash_order_s = raw_encode(encoder, sorted(unique, key=text_key))
    with tempfile.TemporaryDirectory(prefix="unqa-bench-cache-") as cache, cache_at(cache if cold else None):
        settings = BuildSettings(encoder=encoder_spec, subset=subset)
        manifest = build_from_paths(paths, index_dir, settings, show_progress=False).manifest
    b = manifest["build"]
    embedded = int(b["embedded_now"])
    build_rate = embedded / max(float(b["embed_seconds"]), 1e-9) if embedded else float("nan")
    raw_rate = len(unique) / max(raw_s, 1e-9)
    return {
        "embedding": {
            "texts": len(texts),
            "cold_cache": cold,
            "embedded_cold": embedded,
            "build_seconds": b["embed_seconds"],
            "build_passages_per_s": round(build_rate, 2),
            "raw_seconds": round(raw_s, 3),
            "raw_passages_per_s": round(raw_rate, 2),
            "ratio_to_raw": round(build_rate / raw_rate, 3),
            "raw_hash_order_passages_per_s": None
            if hash_order_s is None
            else round(len(unique) / max(hash_order_s, 1e-9), 2),
        },
        "index": {
            "build_seconds": b["seconds"],
            "non_embed_seconds": round(b["seconds"] - b["embed_seconds"], 3),
            "size_bytes": dir_size(store.current_dir(index_dir)),
            "faiss_kind": manifest["engine"]["tables"]["passages"].get("faiss_kind"),
            "passages": manifest["passages"],
            "sentences": b["sentences"],
        },
    }


def latency(
    searcher: Any, questions: Sequence[str] = QUESTIONS, repeats: int = 5, config: SearchConfig | None = None
) -> dict[str, Any]:
    """Warm per-stage latency (ms) from ``timings_ms`` plus the wall clock around ``search()``."""
    for q in questions:  # warm-up: tokenizer, glossary, first FAISS/bm25s calls
        searcher.search(q, 10, config=config)
    rows = []
    for _ in range(repeats):
        for q in questions:
            t0 = time.perf_counter()
            response = searcher.search(q, 10, config=config)
            wall = (time.perf_counter() - t0) * 1000
            row = dict(response.timings_ms)
            row["non_encode"] = row["total"] - row["encode"]
            row["wall"] = wall
            rows.append(row)
    return {"questions": len(questions), "repeats": repeats, "stages_ms": aggregate_stages(rows)}


def bare(searcher: Any, questions: Sequence[str] = QUESTIONS, repeats: int = 5, depth: int = 100) -> dict[str, Any]:
    """Bare FAISS search + bare bm25s retrieve over the same index files (vectors and tokens prepared)."""
    vectors = searcher.encode_queries(list(questions))
    faiss_index, bm25 = dense.load(searcher.directory), sparse.load(searcher.directory)
    vocab = bm25.vocab_dict
    n_docs = int(bm25.scores["num_docs"])
    tokens = [[t for t in tokenize(q) if t in vocab] for q in questions]
    k_dense, k_sparse = max(1, min(depth, faiss_index.ntotal)), max(1, min(depth, n_docs))
    rows = []
    for rep in range(repeats + 1):
        for i in range(len(questions)):
            t0 = time.perf_counter()
            faiss_index.search(vectors[i : i + 1], k_dense)
            t1 = time.perf_counter()
            if tokens[i]:
                bm25.retrieve([tokens[i]], k=k_sparse, show_progress=False, n_threads=1)
            t2 = time.perf_counter()
            tokenize(questions[i])  # what any bm25s user pays too: splitting the question into words
            t3 = time.perf_counter()
            if rep:  # the first pass is a warm-up
                rows.append(
                    {
                        "faiss": (t1 - t0) * 1000,
                        "bm25": (t2 - t1) * 1000,
                        "sum": (t2 - t0) * 1000,
                        "sum_with_tokenize": (t3 - t0) * 1000,
                    }
                )
    return {"stages_ms": aggregate_stages(rows)}


def cold_start(index_dir: Path, encoder_spec: str, question: str = QUESTIONS[0]) -> dict[str, Any]:
    """A fresh ``python -c`` that loads the Searcher and answers one question."""
    t_spawn = time.time()
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, repr(t_spawn), str(index_dir), encoder_spec, question],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
        timeout=600,
    )
    total = time.perf_counter() - t0
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-2000:]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out = {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}
    out["to_first_answer_s"] = round(
        sum(out[k] for k in ("process_start_s", "imports_s", "model_load_s", "index_load_s", "first_answer_s")), 4
    )
    out["subprocess_wall_s"] = round(total, 4)
    return out


def concurrent(
    searcher: Any, questions: Sequence[str] = QUESTIONS, threads: int = 8, rounds: int = 3
) -> dict[str, Any]:
    """Many searches at once through one loaded searcher (as Streamlit sessions share it): latency and
    throughput, and whether every answer equals the sequential one."""
    from concurrent.futures import ThreadPoolExecutor

    sequential = {q: [h.passage.id for h in searcher.search(q, 10).hits] for q in questions}
    jobs = [q for _ in range(rounds) for q in questions]

    def one(q: str) -> tuple[float, bool]:
        t0 = time.perf_counter()
        ids = [h.passage.id for h in searcher.search(q, 10).hits]
        return (time.perf_counter() - t0) * 1000, ids == sequential[q]

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(one, jobs))
    wall = time.perf_counter() - t0
    return {
        "threads": threads,
        "searches": len(jobs),
        "latency_ms": summarize([ms for ms, _ in results]),
        "searches_per_s": round(len(jobs) / wall, 1),
        "all_equal_to_sequential": all(ok for _, ok in results),
    }


def run_corpus(
    paths: Sequence[Path],
    subset: str,
    encoder_spec: str,
    workdir: Path,
    repeats: int = 5,
    questions: Sequence[str] = QUESTIONS,
    order_check: bool = False,
    cold: bool = True,
) -> dict[str, Any]:
    passages, ingest_figures = ingest(paths, subset)
    if not passages:
        return {"error": f"no passages read from {', '.join(map(str, paths))}", "ingest": ingest_figures}
    index_dir = workdir / "index"
    figures: dict[str, Any] = {"inputs": [str(p) for p in paths], "subset": subset, "ingest": ingest_figures}
    figures.update(build(paths, subset, passages, index_dir, encoder_spec, order_check, cold=cold))
    searcher = Searcher.load(index_dir)
    figures["latency"] = latency(searcher, questions, repeats)
    figures["bare"] = bare(searcher, questions, repeats)
    figures["concurrent"] = concurrent(searcher, questions)
    pipe = figures["latency"]["stages_ms"]["non_encode"]
    base = figures["bare"]["stages_ms"]["sum"]
    with_tok = figures["bare"]["stages_ms"]["sum_with_tokenize"]
    figures["overhead"] = {
        "non_encode_p50_ms": pipe["p50"],
        "bare_p50_ms": base["p50"],
        "bare_with_tokenize_p50_ms": with_tok["p50"],
        "ratio_with_tokenize_p50": round(pipe["p50"] / max(with_tok["p50"], 1e-9), 2),
        "ratio_p50": round(pipe["p50"] / max(base["p50"], 1e-9), 2),
        "non_encode_p95_ms": pipe["p95"],
        "bare_p95_ms": base["p95"],
        "ratio_p95": round(pipe["p95"] / max(base["p95"], 1e-9), 2),
    }
    figures["cold_start"] = cold_start(index_dir, encoder_spec, questions[0])
    figures["bench_process_rss_mib"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    return figures


def profile_queries(searcher: Any, questions: Sequence[str] = QUESTIONS, repeats: int = 3) -> str:
    """pyinstrument text profiles of warm searches (for explaining a miss): the whole search, then the
    non-encode part alone (query vectors computed beforehand), so its small frames are not filtered out."""
    whole = Profiler(interval=0.0005)
    whole.start()
    for _ in range(repeats):
        for q in questions:
            searcher.search(q, 10)
    whole.stop()
    config = SearchConfig()
    queries = [searcher.analyse(q, config) for q in questions]  # vectors computed beforehand
    rest = Profiler(interval=0.0001)
    rest.start()
    for _ in range(repeats * 3):
        for query in queries:
            searcher.respond(query, 10, config)
    rest.stop()
    return (
        whole.output_text(unicode=True, color=False)
        + "\n\n# non-encode part only\n"
        + rest.output_text(unicode=True, color=False)
    )
