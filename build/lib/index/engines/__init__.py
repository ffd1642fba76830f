"""Storage and retrieval engines behind the lanes: ``local`` (FAISS + bm25s, in-process, the default)
and ``milvus`` (pymilvus: embedded milvus-lite, a Lite server, or a Milvus cluster).

An engine stores *tables* (dense vector tables and BM25 tables) with a few scalar fields per row,
and answers top-k searches over them, optionally restricted by ``Filters``. It knows nothing about
questions, languages or fusion: that is the lanes' and the searcher's business (``index/lanes``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from index.engines.base import Engine, RowFields
from unqa.model import IndexStateError

# engine name -> "module:class"; a backend's module is imported only when an index uses it (txtai's factory)
BACKENDS = {"local": "index.engines.local:LocalEngine", "milvus": "index.engines.milvus:MilvusEngine"}
DEFAULT = "local"


def engine_class(name: str) -> type:
    if name not in BACKENDS:
        raise IndexStateError(f"unknown engine {name!r}; known: {', '.join(BACKENDS)}")
    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def open_engine(directory: Path, manifest: dict[str, Any], fields: list[RowFields]) -> Engine:
    """The engine of a built index, as its manifest names it."""
    entry = manifest.get("engine")
    if not entry:
        raise IndexStateError(f"index at {directory} has no engine entry (older format); rebuild it with unqa ingest")
    return engine_class(entry["engine"]).open(directory, entry, fields)
