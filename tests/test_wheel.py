"""The installed wheel works on its own: built from the repository, installed into a folder of its own,
and run from elsewhere (so nothing is imported from the checkout), `unqa ingest`, `unqa search` and the
app's page all work from what the wheel carries (the page, the data files, the learned models)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = ROOT / "corpus" / "a_65_6_prog3_zh.txt"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"  # a copy, so that setuptools' build/ folder never lands in the checkout
    shutil.copytree(ROOT, source, ignore=_not_sources)
    build = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(tmp)]
    subprocess.run(build, check=True, capture_output=True, text=True, timeout=300)
    wheel = next(tmp.glob("unqa-*.whl"))
    target = tmp / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True, text=True, timeout=300)
    return wheel, target


def _not_sources(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: git, the venv, caches, builds and outputs (``index/data`` is kept)."""
    skip = {".git", ".venv", "build", "test-output", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
    top = Path(folder) == ROOT
    return {
        n for n in names if n in skip or n.endswith(".egg-info") or (top and n == "data") or n.startswith("results")
    }


def _run(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m unqa_app ARGS`` with only the installed wheel (and the venv's dependencies) importable."""
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONSAFEPATH="1")
    code = f"import sys; sys.path[:] = [p for p in sys.path if p not in ('', {str(ROOT)!r})]; "
    code += "import runpy; runpy.run_module('unqa_app', run_name='__main__')"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_wheel_carries_the_page_the_data_and_the_models(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "unqa_app/streamlit_app.py",
        "unqa_app/pages/workbench.py",
        "index/data/un_terms.txt",
        "index/data/glossary_en_zh.tsv",
        "index/data/lexicon_en_zh.tsv",
        "index/data/ranker.txt",
        "index/data/abstain_model.json",
        "unqa/model.py",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "corpus/")) for n in names)


def test_installed_cli_ingests_searches_and_finds_its_page(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, target = installed
    index = tmp_path / "index"
    ingest = _run(target, tmp_path, "ingest", str(PROGRAMME), "--index", str(index), "--no-progress")
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    search = _run(target, tmp_path, "search", "联合国哪个部门负责裁军方案？", "--index", str(index), "--json")
    assert search.returncode == 0, search.stderr[-2000:]
    data = json.loads(search.stdout)
    assert data["results"][0]["id"] == "A/65/6(Prog.3)#3.3" and not data["abstained"]
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"]["engine"] == "local" and manifest["fingerprint"]["parts"]
    page = subprocess.run(
        [sys.executable, "-c", "import unqa_app.commands.app as a; print(a.APP_SCRIPT)"],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(target), PYTHONSAFEPATH="1"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert page.stdout.strip().startswith(str(target)) and Path(page.stdout.strip()).is_file()
