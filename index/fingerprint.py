"""The one fingerprint of everything that shapes an index, computed here and checked by
``Searcher.load``, ``unqa ingest --if-stale`` and ``unqa eval``.

An index is shaped by its input files, by code and data (``PARTS``: readers and cleaning, the
passage contract and symbols, the tokenizer and its dictionary, the glossary and the learned
lexicon, the builder and the engines) and by its settings (encoder, context headers, subset,
engine). Each part is hashed apart, so a stale index says what changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.doc_cache import READER_FILES
from unqa.fingerprint import hash_files
from unqa.model import IndexStateError

PARTS: dict[str, tuple[str, ...]] = {
    "readers": READER_FILES,
    "tokenizer": ("index/tokenize.py", "index/data/un_terms.txt", "index/data/stopwords_*.txt"),
    "glossary": ("index/glossary.py", "index/data/glossary_*.tsv", "index/data/synonyms_zh.tsv"),
    "lexicon": ("index/lexicon.py", "index/data/lexicon_en_*.tsv", "index/data/assoc_zh.tsv"),
    "builder": (
        "index/build.py", "index/pipeline.py", "index/dense.py", "index/sparse.py", "index/terms.py",
        "index/sentences.py", "index/engines/*.py", "index/lanes/symbol.py", "index/lanes/sentence.py",
    ),
}  # fmt: skip


def parts() -> dict[str, str]:
    return {name: hash_files(globs) for name, globs in PARTS.items()}


def inputs_hash(paths: Sequence[Path]) -> str:
    """Hash of every input file's path and bytes (files under the given folders, hidden ones left out)."""
    h = hashlib.sha256()
    for path in sorted({f.resolve() for p in paths for f in _files(Path(p))}):  # however the paths are spelt
        h.update(str(path).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:20]


def fingerprint(paths: Sequence[Path] | None, settings: dict[str, Any]) -> dict[str, Any]:
    """What the manifest records: the parts, the settings, the inputs' hash and one value over all."""
    record: dict[str, Any] = {"parts": parts(), "settings": settings}
    if paths is not None:
        record["inputs"] = inputs_hash(paths)
    record["value"] = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:20]
    return record


def changed_parts(manifest: dict[str, Any]) -> list[str]:
    """The parts whose code or data changed since the index was built."""
    recorded = (manifest.get("fingerprint") or {}).get("parts") or {}
    return [name for name, value in parts().items() if recorded.get(name) != value]


def stale_reasons(manifest: dict[str, Any], paths: Sequence[Path] | None, settings: dict[str, Any]) -> list[str]:
    """Why an index no longer matches these inputs and settings ([] when it does)."""
    recorded = manifest.get("fingerprint") or {}
    reasons = [f"{name} changed" for name in changed_parts(manifest)]
    if recorded.get("settings") != settings:
        reasons.append("settings changed")
    if paths is not None and recorded.get("inputs") != inputs_hash(paths):
        reasons.append("input files changed")
    return reasons


def check_fingerprint(manifest: dict[str, Any], index_dir: Path | str) -> None:
    changed = changed_parts(manifest)
    if changed:
        given = manifest.get("inputs") or ["PATH..."]
        inputs = " ".join(given[:3]) + (f" ... ({len(given)} inputs)" if len(given) > 3 else "")
        raise IndexStateError(
            f"index at {index_dir} is stale: {', '.join(changed)} changed since it was built; "
            f"rebuild it with: unqa ingest {inputs} --index {index_dir} --if-stale"
        )


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path.resolve()]
    if path.is_dir():
        return [f.resolve() for f in path.rglob("*") if f.is_file() and not f.name.startswith(".")]
    return []
