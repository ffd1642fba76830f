"""Content hashes of source and data files, by glob relative to the installation root (the
repository, or site-packages for an installed wheel). ``index.fingerprint`` names what shapes an
index; ``ingest.doc_cache`` names what shapes a parsed document."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def files_of(globs: Sequence[str], root: Path = ROOT) -> list[Path]:
    return sorted({f for pattern in globs for f in root.glob(pattern) if f.is_file() and "__pycache__" not in f.parts})


@lru_cache(maxsize=64)
def _hash_cached(globs: tuple[str, ...], root: Path, stamp: tuple) -> str:
    h = hashlib.sha256()
    for f in files_of(globs, root):
        h.update(str(f.relative_to(root)).encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:16]


def hash_files(globs: Sequence[str], root: Path = ROOT) -> str:
    """One hash of the files the globs name (their relative paths and bytes); memoised until a file's
    size or modification time changes."""
    stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files_of(globs, root))
    return _hash_cached(tuple(globs), root, stamp)


def package_versions(names: Sequence[str]) -> dict[str, str | None]:
    """Python's and each package's installed version (None when it is not installed): provenance for
    index manifests, eval results and benchmarks."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("unqa", *names):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found
