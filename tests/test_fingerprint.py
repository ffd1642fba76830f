"""One fingerprint of everything that shapes an index: each input edited in a temporary copy of the
installation is reported, by part, and a built index is then refused (or rebuilt by --if-stale)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import fingerprint, store
from index.pipeline import BuildSettings, build_from_paths, is_up_to_date
from index.search import Searcher
from unqa import fingerprint as files
from unqa.model import IndexStateError

ROOT = files.ROOT
EDITS = {
    "readers": "ingest/akn.py",
    "tokenizer": "index/data/un_terms.txt",
    "glossary": "index/data/glossary_en_zh.tsv",
    "builder": "index/build.py",
}


@pytest.fixture()
def install_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the code and data the fingerprint reads; ``hash_files`` then reads the copy."""
    root = tmp_path / "install"
    for pkg in ("ingest", "index", "unqa"):
        shutil.copytree(ROOT / pkg, root / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    original = files.hash_files
    monkeypatch.setattr(fingerprint, "hash_files", lambda globs: original(globs, root))
    return root


@pytest.mark.parametrize("part", sorted(EDITS))
def test_each_input_edit_is_reported_by_part(install_copy: Path, part: str) -> None:
    before = fingerprint.parts()
    with open(install_copy / EDITS[part], "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    after = fingerprint.parts()
    assert [name for name in before if before[name] != after[name]] == [part]


def test_contract_edit_is_a_reader_change(install_copy: Path) -> None:
    before = fingerprint.parts()["readers"]
    (install_copy / "unqa" / "symbols.py").write_text("# changed\n", encoding="utf-8")
    assert fingerprint.parts()["readers"] != before


def test_lexicon_table_is_part_of_the_fingerprint(install_copy: Path) -> None:
    before = fingerprint.parts()["lexicon"]
    (install_copy / "index" / "data" / "lexicon_en_zh.tsv").write_text("arms\t武器\t0.9\t10\n", encoding="utf-8")
    assert fingerprint.parts()["lexicon"] != before


def test_stale_index_is_refused_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    programme = ROOT / "corpus" / "a_65_6_prog3_zh.txt"
    index_dir = tmp_path / "index"
    build_from_paths([programme], index_dir, BuildSettings(), show_progress=False)
    assert is_up_to_date(index_dir, [programme], BuildSettings())
    assert not is_up_to_date(index_dir, [programme], BuildSettings(context_headers=False))
    assert not is_up_to_date(index_dir, [programme], BuildSettings(headerless=()))
    manifest = store.verify(index_dir)
    manifest["fingerprint"]["parts"]["tokenizer"] = "0" * 16  # as if un_terms.txt had changed since
    store.write_json(store.current_dir(index_dir) / store.MANIFEST, manifest)
    with pytest.raises(IndexStateError, match="stale: tokenizer changed"):
        Searcher.load(index_dir)
    assert not is_up_to_date(index_dir, [programme], BuildSettings())
    result = build_from_paths([programme], index_dir, BuildSettings(), if_stale=True, show_progress=False)
    assert not result.up_to_date and Searcher.load(index_dir).passages
