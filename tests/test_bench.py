"""`unqa bench` on tiny inputs: statistics, the synthetic generators and recall, targets, the JSON shape.

No timing thresholds: only that the figures exist, are consistent and can fail."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import faiss
import numpy as np
import pytest

from bench import corpus, synthetic
from bench.run import Options, render, run_bench, write_json
from bench.stats import aggregate_stages, machine, summarize
from bench.targets import evaluate

FAKE = "bench-fake"


class FakeEncoder:
    """Deterministic hash vectors: the bench's plumbing without the cost of the real model."""

    name, dim, fingerprint = FAKE, 16, "bench-fake-1"

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_queries(self, texts):
        return np.stack([self._vec("q:" + t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts):
        return np.stack([self._vec("p:" + t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


@pytest.fixture()
def fake_encoder(monkeypatch: pytest.MonkeyPatch) -> FakeEncoder:
    from index import encoders

    enc = FakeEncoder()
    monkeypatch.setitem(encoders._CACHE, FAKE, enc)
    return enc


def test_summarize_percentiles() -> None:
    s = summarize(list(range(1, 101)))
    assert s["n"] == 100 and s["min"] == 1 and s["max"] == 100
    assert s["p50"] == pytest.approx(50.5) and s["p95"] == pytest.approx(95.05)
    assert summarize([])["n"] == 0


def test_aggregate_stages_unions_keys_and_counts_missing_as_zero() -> None:
    rows = [{"encode": 10.0, "faiss": 1.0}, {"encode": 20.0, "bm25": 4.0}, {"encode": 30.0, "faiss": 3.0}]
    agg = aggregate_stages(rows)
    assert list(agg) == ["encode", "faiss", "bm25"]
    assert agg["encode"]["p50"] == 20.0 and agg["encode"]["n"] == 3
    assert agg["faiss"]["p50"] == 1.0 and agg["faiss"]["max"] == 3.0  # the missing one counts as 0
    assert agg["bm25"]["mean"] == pytest.approx(4 / 3, abs=1e-3)


def test_machine_record() -> None:
    m = machine()
    assert m["cores_usable"] >= 1 and m["ram_gib"] > 0 and m["python"].startswith("3.")
    assert "numpy" in m["packages"] and "faiss-cpu" in m["packages"]
    assert len(m["load_average"]) == 3


def test_random_vectors_are_unit_and_reproducible() -> None:
    a = synthetic.random_vectors(2000, chunk=700)
    b = synthetic.random_vectors(2000, chunk=2000)
    assert a.shape == (2000, synthetic.DIM) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(a, b)  # chunking does not change the stream
    q, rows = synthetic.perturbed_queries(a, n=50, with_rows=True)
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, rtol=1e-5)
    assert len(set(rows.tolist())) == 50
    # a perturbed query stays closest to the vector it came from
    assert np.mean(np.argmax(q @ a.T, axis=1) == rows) > 0.9


def test_exact_topk_matches_index_flat_ip_and_recall() -> None:
    base = synthetic.random_vectors(2000)
    queries = synthetic.perturbed_queries(base, n=40)
    truth = synthetic.exact_topk(base, queries, 10)
    flat = faiss.IndexFlatIP(base.shape[1])
    flat.add(base)
    _, rows = flat.search(queries, 10)
    np.testing.assert_array_equal(truth, rows)
    assert synthetic.recall_at_k(rows, truth, 10) == 1.0
    half = np.concatenate([truth[:, :5], np.full((len(truth), 5), -1)], axis=1)
    assert synthetic.recall_at_k(half, truth, 10) == pytest.approx(0.5)
    assert synthetic.recall_at_k(truth[:, ::-1], truth, 1) < 1.0  # order matters at k=1


def test_dense_scale_flat_and_hnsw_at_2000() -> None:
    flat = synthetic.dense_scale(2000)
    assert flat["kind"] == "flat" and flat["recall_at_10"] == 1.0 and flat["latency_ms"]["n"] == 200
    hnsw = synthetic.dense_scale(2000, "hnsw")
    assert hnsw["kind"] == "hnsw" and 0.0 < hnsw["recall_at_10"] <= 1.0
    sweep = hnsw["hnsw"]["sweep"]
    assert [e["ef_search"] for e in sweep] == [64, 128, 256, 512]
    assert sweep[-1]["recall_at_10"] >= sweep[0]["recall_at_10"]


def test_token_streams_and_sparse_scale() -> None:
    vocab = synthetic.pseudo_vocabulary(3000)
    assert len(set(vocab)) == 3000 and all("\u4e00" <= c <= "\u9fff" for w in vocab[:100] for c in w)
    p = synthetic.zipf_probabilities(3000)
    assert p.sum() == pytest.approx(1.0) and np.all(np.diff(p) < 0)
    streams = synthetic.token_streams(500, vocab)
    assert len(streams) == 500 and all(30 <= len(s) <= 50 for s in streams)
    top = max(set(w for s in streams for w in s), key=lambda w: sum(s.count(w) for s in streams))
    assert top == vocab[0]  # Zipf: the first pseudo-word is the most frequent
    out = synthetic.sparse_scale(2000, vocab_size=3000)
    assert out["n"] == 2000 and out["latency_ms"]["n"] == 200 and out["build_seconds"] >= 0


def test_targets_ok_miss_and_missing() -> None:
    results = {
        "programme": {
            "latency": {"stages_ms": {"total": {"p95": 12.0}}},
            "overhead": {"ratio_p50": 4.0},
            "embedding": {"ratio_to_raw": 0.95},
            "ingest": {"seconds": 1.0},
            "index": {"build_seconds": 40.0},
            "cold_start": {"to_first_answer_s": 2.0},
        },
        "scale": {
            "dense": {"n": 1000, "latency_ms": {"p95": 1.0}, "recall_at_10": 0.5},
            "bm25": {"latency_ms": {"p95": 80.0}},
        },
    }
    rows = {r["target"]: r for r in evaluate(results)}
    assert rows["warm p95 end-to-end, programme"]["status"] == "OK"
    assert rows["warm p95 end-to-end, resolutions"]["status"] == "n/a"
    assert rows["non-encode pipeline / bare FAISS+bm25s (p50), programme"]["status"] == "MISS"
    assert rows["embedding in build / raw encoder, programme"]["status"] == "OK"
    assert rows["programme ingest + build, cold cache (s)"]["value"] == 41.0
    assert rows["programme ingest + build, cold cache (s)"]["status"] == "MISS"
    key = "ANN recall@10 at scale, uniform random vectors"
    assert rows[key]["status"] == "MISS" and "N=1,000" in rows[key]["note"]
    assert rows["embedding in build / raw encoder, resolutions"]["status"] == "n/a"
    assert rows["BM25 p95 at scale (ms)"]["status"] == "MISS"


def test_resolutions_embedding_ratio_counts_only_when_the_build_embedded_its_texts() -> None:
    def status(embedded: int) -> str:
        emb = {"ratio_to_raw": 0.93, "cold_cache": False, "embedded_cold": embedded}
        rows = {r["target"]: r for r in evaluate({"resolutions": {"embedding": emb}})}
        return rows["embedding in build / raw encoder, resolutions"]["status"]

    assert status(0) == "n/a"  # a rebuild from a warm cache says nothing of the embedding rate
    assert status(4722) == "OK"


def test_run_bench_json_shape(fake_encoder: FakeEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNQA_CACHE_DIR", str(tmp_path / "user-cache"))
    out = tmp_path / "results.json"
    results = run_bench(Options(quick=True, out=out, scale=2000, repeats=1, encoder=FAKE), log=lambda _: None)
    assert os.environ["UNQA_CACHE_DIR"] == str(tmp_path / "user-cache")  # restored after the cold build
    assert not (tmp_path / "user-cache").exists()  # the cold build never touched the user's cache
    write_json(results, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "options", "programme", "scale", "targets", "seconds"} <= set(data)
    assert "resolutions" not in data  # --quick never runs them
    prog = data["programme"]
    assert prog["ingest"]["passages"] == prog["index"]["passages"] > 0
    assert 0 < prog["embedding"]["embedded_cold"] <= prog["embedding"]["texts"]  # cold cache: embedded now
    for stage in ("encode", "lanes", "fusion", "answer", "total", "non_encode", "wall"):
        s = prog["latency"]["stages_ms"][stage]
        assert s["n"] == len(corpus.QUESTIONS) and s["p50"] <= s["p95"]
    assert prog["overhead"]["ratio_p50"] > 0
    assert "error" in prog["cold_start"]  # the fake encoder cannot be loaded in a fresh process
    assert data["scale"]["dense"]["n"] == data["scale"]["bm25"]["n"] == 2000
    status = {t["target"]: t["status"] for t in data["targets"]}
    assert status["cold start to first answer, programme (s)"] == "n/a"
    assert set(status.values()) <= {"OK", "MISS", "n/a"}
    table = render(data)
    assert "targets" in table and "cold start        failed" in table


def test_cli_registers_bench() -> None:
    from unqa_app.cli import build_parser

    args = build_parser().parse_args(["bench", "--quick", "--scale", "10", "--out", "x.json"])
    assert args.quick and args.scale == 10 and args.out == Path("x.json") and not args.resolutions


# ---------------------------------------------------------------- unqa bench --corpus (real encoder, real index)


@pytest.mark.slow
def test_corpus_bench_builds_serves_and_scores_the_programme() -> None:
    from bench import whole

    results = whole.run("programme", engines=("local",), repeats=1, log=lambda _: None)
    local, only = results["local"], results["programme_only"]
    assert local["build"]["passages"] == only["build"]["passages"] > 100
    assert local["build"]["peak_rss_mib"] > 50 and local["build"]["disk_mib"] > 0.1
    assert 0 < local["latency_ms"]["p50"] <= local["latency_ms"]["p95"]
    assert local["cold_start"]["answered"] and local["cold_start"]["peak_rss_mib"] > 50
    programme = local["quality"]["programme"]
    assert programme["questions"] >= 80 and programme["hybrid"]["mrr@10"] > 0.6
    assert programme == only["quality"]["programme"]  # the same documents, the same figures
    assert local["quality_blind"]["programme"]["questions"] > 20  # the blind set, reported beside
    assert "programme_only" in whole.render(results)


@pytest.mark.slow
def test_incremental_bench_embeds_only_the_added_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    from test_resolutions import GA, RESOLUTIONS

    from bench import whole

    monkeypatch.setenv("UNQA_CACHE_DIR", str(tmp_path / "cache"))
    folders = {}
    for symbol, session in (("A/RES/75/50", "75session"), ("A/RES/80/46", "80session")):
        for name in RESOLUTIONS[symbol]:
            dst = tmp_path / "xml" / Path(name)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(GA / name, dst)
        folders[session] = tmp_path / "xml" / session
    figures = whole.incremental([folders["75session"]], folders["80session"], "all", tmp_path / "work")
    assert figures["documents_before"] == 1 and figures["documents_after"] == 2
    assert figures["embedded_now"] == figures["texts_only_in_added"] > 10
    assert figures["passages_added"] > 10


@pytest.mark.slow
def test_quality_of_a_built_index_without_rebuilding(real_index: Path, tmp_path: Path) -> None:
    from unqa_app.cli import main

    out = tmp_path / "quality.json"
    before = sorted(p.name for p in real_index.rglob("*"))
    assert main(["bench", "--quality-of", str(real_index), "--out", str(out)]) == 0
    fig = json.loads(out.read_text(encoding="utf-8"))["indexes"][0]
    assert fig["engine"] == "local" and fig["passages"] > 100
    programme = fig["quality"]["programme"]
    assert programme["questions"] >= 80 and 0.6 < programme["hybrid"]["mrr@10"] <= 1.0
    assert set(fig["quality"]) == {"programme", "resolutions"}
    assert fig["quality_blind"]["programme"]["questions"] > 20
    assert sorted(p.name for p in real_index.rglob("*")) == before  # nothing built or written there
