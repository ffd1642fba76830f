"""Index faults: missing, truncated, built with another encoder or format, a half-written build left by a
killed run; and ``unqa ingest`` killed with SIGKILL at random points. Each fault gives
``IndexStateError`` (CLI: exit 2 and the command that fixes it) and the previous index stays usable."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import dense, store
from index.search import Searcher
from unqa.model import IndexStateError
from unqa.paths import CORPUS_DIR, REPO_ROOT
from unqa_app.cli import main

TINY = "国家报告：裁军事务厅负责常规武器和小武器问题。\n\n第二段：核不扩散条约缔约国审议大会的筹备工作。\n"


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _load(path: Path, searcher: Searcher) -> Searcher:
    return Searcher.load(path, encoder=searcher._encoder)  # the session's encoder: no reload


def _assert_clear_cli_error(index: Path) -> str:
    code, out, err = _cli("search", "裁军", "--index", str(index))
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert "unqa ingest" in err, err  # the way out
    return err


def _truncate(path: Path, keep: float) -> None:
    path = path.resolve()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


# ---------------------------------------------------------------- faults of a loaded index


def test_missing_index(tmp_path: Path, searcher) -> None:
    with pytest.raises(IndexStateError, match="no index at .*unqa ingest"):
        _load(tmp_path / "nowhere", searcher)
    err = _assert_clear_cli_error(tmp_path / "nowhere")
    assert "no index at" in err


def test_empty_folder(tmp_path: Path, searcher) -> None:
    with pytest.raises(IndexStateError, match="no complete index"):
        _load(tmp_path, searcher)
    _assert_clear_cli_error(tmp_path)


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.99])
def test_truncated_faiss_index(index_copy: Path, searcher, keep: float) -> None:
    _truncate(index_copy / "current" / dense.FILE, keep)
    with pytest.raises(IndexStateError, match="damaged|inconsistent"):
        _load(index_copy, searcher)
    _assert_clear_cli_error(index_copy)


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.9])
def test_truncated_passages(index_copy: Path, searcher, keep: float) -> None:
    _truncate(index_copy / store.PASSAGES, keep)
    with pytest.raises(IndexStateError, match="damaged|inconsistent"):
        _load(index_copy, searcher)
    _assert_clear_cli_error(index_copy)


def test_passages_cut_at_a_line_boundary(index_copy: Path, searcher) -> None:
    path = (index_copy / store.PASSAGES).resolve()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-5]), encoding="utf-8")
    with pytest.raises(IndexStateError, match="inconsistent|damaged"):
        _load(index_copy, searcher)


@pytest.mark.parametrize(
    "name",
    ["symbols.json", "terms.json", "sentences.json", "vectors.npy", "sentences.index", "bm25_chars/params.index.json"],
)
def test_other_truncated_files(index_copy: Path, searcher, name: str) -> None:
    _truncate(index_copy / "current" / name, 0.5)
    with pytest.raises(IndexStateError, match="damaged|inconsistent"):
        _load(index_copy, searcher)


def test_truncated_manifest(index_copy: Path, searcher) -> None:
    _truncate(index_copy / store.MANIFEST, 0.5)
    with pytest.raises(IndexStateError, match="unreadable manifest"):
        _load(index_copy, searcher)
    _assert_clear_cli_error(index_copy)


def _edit_manifest(index: Path, edit) -> None:
    path = (index / store.MANIFEST).resolve()
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_manifest_from_another_encoder(index_copy: Path, searcher) -> None:
    def other(m: dict) -> None:
        m["model"].update(name="multilingual-e5-large", fingerprint="e5-large-0000", dimension=1024)

    _edit_manifest(index_copy, other)
    with pytest.raises(IndexStateError, match="built with encoder .*rebuild it with: unqa ingest"):
        _load(index_copy, searcher)
    _assert_clear_cli_error(index_copy)


def test_manifest_from_another_format_version(index_copy: Path, searcher) -> None:
    _edit_manifest(index_copy, lambda m: m.update(format_version=store.FORMAT_VERSION + 1))
    with pytest.raises(IndexStateError, match="has format .*rebuild"):
        _load(index_copy, searcher)
    _assert_clear_cli_error(index_copy)


def test_partial_build_left_by_a_killed_run_is_ignored(index_copy: Path, searcher) -> None:
    partial = index_copy / "builds" / "20260101T000000-deadbeef.partial"
    partial.mkdir()
    (partial / dense.FILE).write_bytes(b"\x00" * 100)  # half-written, no manifest
    stray_link = index_copy / ".current-deadbeef"
    os.symlink(Path("builds") / partial.name, stray_link)
    loaded = _load(index_copy, searcher)
    assert loaded.directory == (index_copy / "current").resolve()
    assert loaded.search("裁军", 3).hits


def test_only_a_partial_build(tmp_path: Path, searcher) -> None:
    partial = tmp_path / "index" / "builds" / "20260101T000000-deadbeef.partial"
    partial.mkdir(parents=True)
    (partial / dense.FILE).write_bytes(b"\x00" * 100)
    with pytest.raises(IndexStateError, match="no complete index"):
        _load(tmp_path / "index", searcher)
    _assert_clear_cli_error(tmp_path / "index")


# ---------------------------------------------------------------- --if-stale


@pytest.fixture()
def tiny_index(tmp_path: Path, real_index) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.txt").write_text(TINY, encoding="utf-8")
    index = tmp_path / "index"
    code, out, err = _cli("ingest", str(docs), "--index", str(index), "--no-progress")
    assert code == 0, err
    return docs, index


def test_if_stale_does_nothing_when_up_to_date(tiny_index) -> None:
    docs, index = tiny_index
    code, out, _ = _cli("ingest", str(docs), "--index", str(index), "--if-stale", "--no-progress")
    assert code == 0 and "up to date" in out


@pytest.mark.parametrize("damage", ["garbage", "delete"])
def test_if_stale_rebuilds_when_the_manifest_is_unreadable(tiny_index, searcher, damage: str) -> None:
    docs, index = tiny_index
    manifest = (index / store.MANIFEST).resolve()
    if damage == "garbage":
        manifest.write_bytes(b"{not json")
    else:
        manifest.unlink()
    code, out, err = _cli("ingest", str(docs), "--index", str(index), "--if-stale", "--no-progress")
    assert code == 0, err
    assert "up to date" not in out
    assert _load(index, searcher).search("裁军事务厅", 2).hits


def test_if_stale_rebuilds_when_a_data_file_is_truncated(tiny_index, searcher) -> None:
    docs, index = tiny_index
    _truncate(index / "current" / dense.FILE, 0.5)
    code, out, err = _cli("ingest", str(docs), "--index", str(index), "--if-stale", "--no-progress")
    assert code == 0, err
    assert "up to date" not in out
    assert _load(index, searcher).search("裁军事务厅", 2).hits


def test_rebuild_cleans_partial_builds(tiny_index) -> None:
    docs, index = tiny_index
    partial = index / "builds" / "20260101T000000-deadbeef.partial"
    partial.mkdir()
    (docs / "report.txt").write_text(TINY + "\n第三段：新增。\n", encoding="utf-8")
    code, _, err = _cli("ingest", str(docs), "--index", str(index), "--no-progress")
    assert code == 0, err
    builds = list((index / "builds").iterdir())
    assert len(builds) == 1 and not builds[0].name.endswith(".partial")


# ---------------------------------------------------------------- SIGKILL during ingest


def _corpus_version(folder: Path, n: int) -> None:
    """The programme text with one changed paragraph appended: every version needs a real rebuild."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for f in (f for f in CORPUS_DIR.iterdir() if f.is_file()):  # the programme (not corpus/resolutions)
        shutil.copyfile(f, folder / f.name)
    prog = next(folder.glob("*.txt"))
    with open(prog, "a", encoding="utf-8") as fh:
        fh.write(f"\n联合国裁军研究所第 {n} 号补充说明：中断测试段落 {n}。\n")


def _ingest_cmd(corpus: Path, index: Path) -> list[str]:
    return [sys.executable, "-m", "unqa_app", "ingest", str(corpus), "--index", str(index), "--no-progress"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TQDM_DISABLE="1")
    return env


def _check_index(index: Path, searcher: Searcher) -> dict:
    loaded = _load(index, searcher)
    response = loaded.search("A/RES/64/36", 3)
    assert response.hits and response.hits[0].passage.id.endswith("mandate.64/36")
    assert loaded.manifest["passages"] == len(loaded.passages)
    return loaded.manifest


def test_sigkill_during_ingest_leaves_the_previous_index_usable(tmp_path: Path, searcher) -> None:
    rng = random.Random(20260101)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _corpus_version(corpus, 0)
    started = time.perf_counter()
    first = subprocess.run(
        _ingest_cmd(corpus, index), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=240
    )
    full = time.perf_counter() - started
    assert first.returncode == 0, first.stderr[-2000:]
    fingerprints = {_check_index(index, searcher)["fingerprint"]["inputs"]}
    outcomes = []
    for n in range(1, 5):
        _corpus_version(corpus, n)
        delay = rng.uniform(0.1, 1.0) * full
        proc = subprocess.Popen(
            _ingest_cmd(corpus, index), cwd=REPO_ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            proc.wait(timeout=delay)
            outcomes.append(("finished", round(delay, 2)))
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            outcomes.append(("killed", round(delay, 2)))
        manifest = _check_index(index, searcher)  # the previous (or the new, if it got that far) index answers
        fingerprints.add(manifest["fingerprint"]["inputs"])
    print(f"full ingest {full:.1f} s; interrupted runs (outcome, delay s): {outcomes}")
    assert any(kind == "killed" for kind, _ in outcomes), outcomes
    _corpus_version(corpus, 99)
    final = subprocess.run(
        _ingest_cmd(corpus, index), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=240
    )
    assert final.returncode == 0, final.stderr[-2000:]
    manifest = _check_index(index, searcher)
    assert manifest["fingerprint"]["inputs"] not in fingerprints
    loaded = _load(index, searcher)
    assert any("中断测试段落 99" in p.text for p in loaded.passages)
    builds = list((index / "builds").iterdir())
    assert len(builds) == 1 and not builds[0].name.endswith(".partial"), builds
    assert not list(index.glob(".current-*"))
