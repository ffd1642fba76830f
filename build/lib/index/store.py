"""On-disk layout of an index, written atomically, with its manifest.

    DIR/current            -> builds/<build-id>   (a symlink, swapped atomically with os.replace)
    DIR/manifest.json      -> current/manifest.json
    DIR/passages.jsonl     -> current/passages.jsonl
    DIR/builds/<build-id>/ manifest.json, passages.jsonl, vectors.npy, faiss.index, bm25/, lexicon.json

A build is written into a fresh ``builds/`` folder and only then made current, so a crash or a
kill mid-build leaves the previous index untouched and usable; older builds are removed after
the swap."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from unqa.model import IndexStateError, Passage

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: engine entry, lanes, fingerprint parts
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"


def new_build_dir(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = index_dir / "builds" / f"{stamp}-{uuid.uuid4().hex[:8]}.partial"
    path.mkdir(parents=True)
    return path


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def write_passages(path: Path, passages: Iterable[Passage]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")


def read_passages(path: Path) -> list[Passage]:
    with open(path, encoding="utf-8") as f:
        return [Passage.from_dict(json.loads(line)) for line in f if line.strip()]


def file_sizes(build_dir: Path) -> dict[str, int]:
    """Size of every data file of a build (recorded in the manifest, checked on load)."""
    return {
        str(f.relative_to(build_dir)): f.stat().st_size
        for f in sorted(build_dir.rglob("*"))
        if f.is_file() and f.name != MANIFEST
    }


def verify(index_dir: Path) -> dict[str, Any]:
    """The manifest of the current build; IndexStateError when a data file is missing or has another size
    than when it was written."""
    directory = current_dir(index_dir)
    manifest = read_manifest(index_dir)
    recorded = manifest.get("files", {})
    actual = file_sizes(directory)
    damaged = sorted(name for name, size in recorded.items() if actual.get(name) != size)
    if damaged:
        raise IndexStateError(
            f"index at {index_dir} is damaged ({', '.join(damaged[:3])} missing or truncated); "
            f"rebuild it with unqa ingest"
        )
    return manifest


def _fsync_tree(path: Path) -> None:
    for f in path.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())


def commit(index_dir: Path, build_dir: Path) -> Path:
    """Make ``build_dir`` the current index (atomic symlink swap) and drop older builds."""
    _fsync_tree(build_dir)
    final = build_dir.with_name(build_dir.name.removesuffix(".partial"))
    os.replace(build_dir, final)
    tmp_link = index_dir / f".current-{uuid.uuid4().hex[:8]}"
    os.symlink(Path("builds") / final.name, tmp_link)
    os.replace(tmp_link, index_dir / "current")
    for name in (MANIFEST, PASSAGES):
        link = index_dir / name
        if not link.is_symlink():
            link.unlink(missing_ok=True)
            os.symlink(Path("current") / name, link)
    _remove_old_builds(index_dir, keep=final.name)
    return final


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    for old in (index_dir / "builds").iterdir():
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_dir(index_dir: Path) -> Path:
    """The folder of the current build, or a clear error saying what to do."""
    index_dir = Path(index_dir)
    hint = f"build it with: unqa ingest corpus --index {index_dir}"
    if not index_dir.exists():
        raise IndexStateError(f"no index at {index_dir}; {hint}")
    target = index_dir / "current" if (index_dir / "current").exists() else index_dir
    if not (target / MANIFEST).is_file():
        raise IndexStateError(f"{index_dir} holds no complete index (manifest missing); {hint}")
    return target.resolve()


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = current_dir(index_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexStateError(f"unreadable manifest {path}: {exc}; rebuild with unqa ingest") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStateError(
            f"index at {index_dir} has format {manifest.get('format_version')!r}, this unqa reads "
            f"{FORMAT_VERSION}; rebuild it with unqa ingest"
        )
    return manifest
