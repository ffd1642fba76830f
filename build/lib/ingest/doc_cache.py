"""Parsed documents cached by the hash of their raw bytes and of the reader's code.

Re-running ``unqa ingest`` over thousands of UN XML files then parses only the files that are new
or changed, so one changed document is re-indexed in seconds whatever the corpus size. The cache
is plain JSON under ``unqa.paths.cache_dir()/documents`` (safe to delete at any time)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from unqa.fingerprint import hash_files
from unqa.model import Document, Passage
from unqa.paths import cache_dir

logger = logging.getLogger(__name__)


# what shapes a parsed document: every reader and cleaning module, and the contract they build
READER_FILES = ("ingest/*.py", "unqa/model.py", "unqa/symbols.py")


def reader_version(*modules: str) -> str:
    """Hash of the reader code and of the contract it builds (``READER_FILES``): any change to them
    invalidates the cached documents. ``modules`` is kept for callers naming their reader."""
    return hash_files(READER_FILES)


def _key(parts: Sequence[bytes | None], version: str) -> str:
    h = hashlib.sha256(version.encode())
    for part in parts:
        h.update(hashlib.sha256(part or b"").digest())
    return h.hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / "documents" / key[:2] / f"{key}.json"


def _load(path: Path) -> Document | None:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        passages = tuple(Passage.from_dict(p) for p in d.pop("passages"))
        return Document(passages=passages, **d)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(path: Path, doc: Document) -> None:
    data = {
        "doc_id": doc.doc_id,
        "symbol": doc.symbol,
        "title": doc.title,
        "lang": doc.lang,
        "source": doc.source,
        "sha256": doc.sha256,
        "meta": doc.meta,
        "passages": [p.to_dict() for p in doc.passages],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, TypeError, ValueError) as exc:  # a cache that cannot be written only costs time
        logger.debug("document cache not written: %s", exc)


def cached(parts: Sequence[bytes | None], version: str, read: Callable[[], Document]) -> Document:
    """The document parsed from ``parts`` (raw bytes), from the cache when it was parsed before."""
    path = _path(_key(parts, version))
    doc = _load(path) if path.is_file() else None
    if doc is None:
        doc = read()
        _store(path, doc)
    return doc
