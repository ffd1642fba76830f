"""Synthetic scale on both engines in one run: N clustered unit vectors (``bench.synthetic``) in
FAISS IVF (the local engine's kind above 200k) and in Milvus HNSW (the Milvus engine's kind above its
threshold) through embedded milvus-lite or a ``milvus-lite server`` process on 127.0.0.1.

Each engine is measured in its own child process (``python -m bench.milvus --part ...``), so peak RSS
is that engine's alone (for the server mode: the client's and the server process's, sampled).
Figures: build seconds, disk, peak RSS, warm p50/p95 (k=10 and the search path's k=100), recall@10
against exact search, and an ef / nprobe sweep.

    unqa bench --engine milvus --scale 1000000 [--milvus-mode lite|server] [--out FILE]
    .venv/bin/python -m bench.milvus --scale 100000 --out bench/reference-milvus.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from bench import synthetic
from bench.stats import load_average, machine, summarize
from index import dense
from index.config import Filters
from index.engines import milvus
from index.engines.base import DenseTable, RowFields

logger = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parent / "results-milvus.json"
WARMUP = 5
EF_SWEEP = (64, 128, 256)
NPROBE_SWEEP = (16, 48, 128)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mib(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vectors, queries, exact top-10 rows): the same in every child process (fixed seeds)."""
    vectors = synthetic.clustered_vectors(n, seed=seed)
    queries = synthetic.perturbed_queries(vectors, seed=seed + 1)
    return vectors, queries, synthetic.exact_topk(vectors, queries, 10)


def timed_queries(search: Any, queries: np.ndarray, k: int) -> tuple[list[float], list[list[int]]]:
    """Warm latency (ms) and result rows of ``search(query, k)`` over the queries (after a warm-up)."""
    for q in queries[:WARMUP]:
        search(q, k)
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        rows = search(q, k)
        times.append((time.perf_counter() - t0) * 1000)
        found.append((list(rows) + [-1] * k)[:k])
    return times, found


def quality(search: Any, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    t10, found = timed_queries(search, queries, 10)
    t100, _ = timed_queries(search, queries, synthetic.DEPTH)
    return {
        "latency_ms_k10": summarize(t10),
        "latency_ms_k100": summarize(t100),
        "recall_at_10": round(synthetic.recall_at_k(np.array(found), truth, 10), 4),
    }


# ---- FAISS IVF (the local engine) ---------------------------------------------------------------
def faiss_part(n: int, work: Path) -> dict[str, Any]:
    vectors, queries, truth = data(n)
    t0 = time.perf_counter()
    index = dense.build(vectors, "ivf")  # what the local engine picks above dense.ANN_THRESHOLD
    build_s = time.perf_counter() - t0
    dense.save(index, work)

    def search(q: np.ndarray, k: int) -> list[int]:
        _, rows = dense.search(index, q.reshape(1, -1), k)
        return [int(r) for r in rows[0]]

    out = {"engine": "local", "kind": "ivf", "n": n}
    out.update({"build_seconds": round(build_s, 2), "disk_mib": disk_mib(work / dense.FILE)})
    out.update(quality(search, queries, truth))
    if hasattr(index, "nprobe"):
        out["nlist"], out["nprobe"] = dense.ivf_lists(n), dense.IVF_NPROBE
        out["sweep"] = synthetic.nprobe_sweep(index, queries, truth, NPROBE_SWEEP)
        index.nprobe = dense.IVF_NPROBE
    out["peak_rss_mib"] = round(_peak_mib(), 1)
    return out


# ---- Milvus HNSW (the Milvus engine) ------------------------------------------------------------
def synthetic_fields(n: int) -> list[RowFields]:
    """Scalar fields like a real build's: 50 passages a document, 3 kinds, 10 sub-programmes."""
    kinds = ("operative", "preambular", "mandate")
    return [RowFields(f"A/RES/{i // 50}", kinds[i % 3], f"sub {i % 10}", "zh") for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("milvus-lite")
    cmd = [str(exe), "server", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"milvus-lite server did not listen on 127.0.0.1:{port} within 60 s")


class RssSampler:
    """Peak RSS of another process, sampled every 0.5 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.process, self.peak, self._stop = psutil.Process(pid), 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.process.memory_info().rss / 2**20)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(max(self.peak, self.process.memory_info().rss / 2**20), 1)


def settle(uri: str, server_pid: int | None) -> float:
    """Wait until Milvus's background work after the load (segment compaction, index builds on the
    merged segments) is done, so the latencies measured are the steady state; return the seconds waited.
    Embedded Lite: drain its background queue (a private milvus-lite call, bench only); a server:
    wait until its process is idle (CPU under 5% over two 2-second samples)."""
    t0 = time.perf_counter()
    if server_pid is None:
        _, db, _ = milvus.server_manager_instance._servers[os.path.abspath(uri)]
        for name in db.list_collections():
            db.get_collection(name)._wait_for_bg()
    else:
        process, quiet = psutil.Process(server_pid), 0
        while quiet < 2:
            quiet = quiet + 1 if process.cpu_percent(interval=2.0) < 5.0 else 0
    return round(time.perf_counter() - t0, 2)


def milvus_part(n: int, work: Path, mode: str, threshold: int) -> dict[str, Any]:
    vectors, queries, truth = data(n)
    fields = synthetic_fields(n)
    server, sampler = None, None
    if mode == "server":
        port = free_port()
        server = start_server(work / "milvus-server", port)
        sampler = RssSampler(server.pid)
        uri = f"http://127.0.0.1:{port}"
    else:
        uri = str(work / "milvus.db")
    try:
        pid = server.pid if server is not None else None
        return _milvus_measure(vectors, queries, truth, fields, work, uri, mode, threshold, sampler, pid)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)


def _milvus_measure(vectors, queries, truth, fields, work, uri, mode, threshold, sampler, pid) -> dict[str, Any]:
    build_dir = work / "build"
    build_dir.mkdir(exist_ok=True)
    options = {"uri": uri, "prefix": "bench", "hnsw_threshold": threshold}
    t0 = time.perf_counter()
    entry = milvus.MilvusEngine.write(build_dir, fields, [DenseTable("passages", vectors)], [], options)
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = milvus.MilvusEngine.open(build_dir, entry, fields)
    load_s = time.perf_counter() - t0
    settle_s = settle(uri, pid)
    table = entry["tables"]["passages"]

    def search(q: np.ndarray, k: int) -> list[int]:
        run = engine.search_dense("passages", q, k)
        return sorted(run, key=lambda r: -run[r])

    out = {"engine": "milvus", "mode": mode, "uri": entry["uri"], "n": len(vectors), "index": table["index"]}
    out.update({"write_seconds": round(write_s, 2), "load_seconds": round(load_s, 2)})
    out["settle_seconds"] = settle_s  # background compaction + index builds after the load
    out["build_seconds"] = round(write_s + load_s + settle_s, 2)
    out["disk_mib"] = disk_mib(work / ("milvus-server" if mode == "server" else "milvus.db"))
    out.update(quality(search, queries, truth))
    out["sweep"] = ef_sweep(engine, queries, truth) if table["index"]["index_type"] == "HNSW" else []
    out["filtered"] = filtered_latency(engine, queries)
    out["peak_rss_mib"] = round(_peak_mib(), 1)
    if sampler is not None:
        out["client_peak_rss_mib"], out["peak_rss_mib"] = out["peak_rss_mib"], None
        out["server_peak_rss_mib"] = sampler.stop()
    return out


def ef_sweep(engine: milvus.MilvusEngine, queries: np.ndarray, truth: np.ndarray) -> list[dict[str, Any]]:
    """recall@10 and p95 (k=10) at several search-time ef values."""
    out, saved = [], milvus.HNSW_EF
    try:
        for ef in EF_SWEEP:
            milvus.HNSW_EF = ef
            times, found = timed_queries(lambda q, k: list(engine.search_dense("passages", q, k)), queries, 10)
            found_sorted = np.array(found)
            out.append(
                {
                    "ef": ef,
                    "recall_at_10": round(synthetic.recall_at_k(found_sorted, truth, 10), 4),
                    "p95_ms_k10": summarize(times)["p95"],
                }
            )
    finally:
        milvus.HNSW_EF = saved
    return out


def filtered_latency(engine: milvus.MilvusEngine, queries: np.ndarray) -> dict[str, Any]:
    """p50/p95 (k=100) restricted to one document (50 rows) and to one kind (a third of the rows)."""
    out = {}
    for name, filters in (("document", Filters(documents=("A/RES/7",))), ("kind", Filters(kinds=("mandate",)))):
        times, _ = timed_queries(lambda q, k, f=filters: list(engine.search_dense("passages", q, k, f)), queries, 100)
        out[name] = summarize(times)
    return out


# ---- the run ------------------------------------------------------------------------------------
def child(part: str, n: int, mode: str, threshold: int, out: Path) -> int:
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)  # Lite lacks AllocTimestamp; pymilvus copes
    with tempfile.TemporaryDirectory(prefix=f"unqa-bench-{part}-") as tmp:
        result = faiss_part(n, Path(tmp)) if part == "faiss" else milvus_part(n, Path(tmp), mode, threshold)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def run_part(part: str, n: int, mode: str, threshold: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="unqa-bench-out-") as tmp:
        out = Path(tmp) / "part.json"
        cmd = [sys.executable, "-m", "bench.milvus", "--part", part, "--scale", str(n), "--milvus-mode", mode]
        cmd += ["--hnsw-threshold", str(threshold), "--out", str(out)]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
        if done.returncode != 0:
            return {"engine": part, "error": done.stderr[-2000:], "seconds": round(time.perf_counter() - t0, 1)}
        result = json.loads(out.read_text(encoding="utf-8"))
        result["process_seconds"] = round(time.perf_counter() - t0, 1)
        return result


def run(n: int, mode: str = "lite", threshold: int | None = None, log: Any = print) -> dict[str, Any]:
    threshold = 0 if threshold is None else threshold  # HNSW at any N (the engine: above HNSW_THRESHOLD)
    results: dict[str, Any] = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "n": n}
    results["settings"] = {
        "dim": synthetic.DIM,
        "queries": synthetic.N_QUERIES,
        "distribution": "clustered",
        "hnsw": {"M": milvus.HNSW_M, "efConstruction": milvus.HNSW_EF_CONSTRUCTION, "ef": milvus.HNSW_EF},
        "hnsw_threshold": threshold,
        "milvus_mode": mode,
    }
    started = time.perf_counter()
    log(f"bench milvus: FAISS at N={n:,} ...")
    results["faiss"] = run_part("faiss", n, mode, threshold)
    log(f"bench milvus: Milvus ({mode}) at N={n:,} ...")
    results["milvus"] = run_part("milvus", n, mode, threshold)
    results["load_average_end"] = load_average()
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _line(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{r['engine']}: FAILED {r['error'][-400:]}"
    kind = r.get("kind") or r["index"]["index_type"]
    rss = r.get("peak_rss_mib") or f"client {r.get('client_peak_rss_mib')} + server {r.get('server_peak_rss_mib')}"
    k10, k100 = r["latency_ms_k10"], r["latency_ms_k100"]
    return (
        f"{r['engine']:<7}{kind:<6} build {r['build_seconds']:>9.1f} s  disk {r['disk_mib']:>8.1f} MiB  "
        f"peak RSS {rss} MiB  k=10 p50 {k10['p50']:.2f} p95 {k10['p95']:.2f} ms  "
        f"k=100 p50 {k100['p50']:.2f} p95 {k100['p95']:.2f} ms  recall@10 {r['recall_at_10']:.4f}"
    )


def render(results: dict[str, Any]) -> str:
    lines = [f"== synthetic N={results['n']:,} (clustered, dim {synthetic.DIM}), both engines"]
    for key in ("faiss", "milvus"):
        r = results[key]
        lines.append(_line(r))
        for e in r.get("sweep", []):
            name = "ef" if "ef" in e else "nprobe"
            lines.append(
                f"    {name} {e[name]:>4}: recall@10 {e['recall_at_10']:.4f}  p95 {e['p95_ms_k10']:.2f} ms (k=10)"
            )
        for name, s in r.get("filtered", {}).items():
            lines.append(f"    filtered by {name}: k=100 p50 {s['p50']:.2f} p95 {s['p95']:.2f} ms")
    lines.append(f"bench took {results['seconds']} s")
    return "\n".join(lines)


def main(n: int, out: Path = DEFAULT_OUT, mode: str = "lite", threshold: int | None = None) -> int:
    results = run(n, mode, threshold)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(render(results))
    print(f"figures written to {out}")
    return 0 if all("error" not in results[k] for k in ("faiss", "milvus")) else 1


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--milvus-mode", choices=("lite", "server"), default="lite")
    p.add_argument("--hnsw-threshold", type=int, default=None)
    p.add_argument("--part", choices=("faiss", "milvus"), default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


if __name__ == "__main__":
    os.environ.setdefault("TQDM_DISABLE", "1")
    logging.basicConfig(level=logging.WARNING)
    a = _args(None)
    if a.part:
        thr = 0 if a.hnsw_threshold is None else a.hnsw_threshold
        sys.exit(child(a.part, a.scale, a.milvus_mode, thr, a.out))
    sys.exit(main(a.scale, a.out, a.milvus_mode, a.hnsw_threshold))
