"""Concurrency: many concurrent searches
through one loaded ``Searcher`` (what Streamlit sessions share). Latency goes to test-output/load.json."""

from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from unqa.paths import REPO_ROOT


def _queries() -> list[str]:
    gold = REPO_ROOT / "eval" / "gold.jsonl"
    questions = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line]
    extra = ["A/RES/64/36", "６４／３６", "small arms and light weapons", "!!!", "常规武器登记册"]
    return (questions[:20] + extra)[:25]


def _key(response) -> str:
    return json.dumps(response.to_dict(), ensure_ascii=False, sort_keys=True)


def test_concurrent_searches_equal_sequential_ones(searcher) -> None:
    queries = _queries()
    assert len(queries) == 25
    sequential = {q: _key(searcher.search(q, 10)) for q in queries}
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker(t: int) -> list[tuple[str, str]]:
        barrier.wait()
        out = []
        for q in queries[t % 5 :] + queries[: t % 5]:  # each thread in its own order
            started = time.perf_counter()
            try:
                out.append((q, _key(searcher.search(q, 10))))
            except BaseException as exc:  # recorded and asserted below
                errors.append(exc)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        results = [r for rs in pool.map(worker, range(8)) for r in rs]
    wall = time.perf_counter() - started
    assert not errors, errors[:3]
    assert len(results) == 8 * 25
    mismatched = [q for q, key in results if key != sequential[q]]
    assert not mismatched, mismatched[:5]
    latencies.sort()
    report = {
        "threads": 8,
        "queries_per_thread": 25,
        "searches": len(latencies),
        "wall_s": round(wall, 3),
        "throughput_qps": round(len(latencies) / wall, 2),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "index_passages": len(searcher.passages),
    }
    out_dir = REPO_ROOT / "test-output"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "load.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert report["p95_ms"] < 30_000
