"""Embedding vectors cached by content hash, per encoder fingerprint, across index builds.

A passage whose embedded text has not changed is never embedded twice (sqlite, one file per
encoder, safe for concurrent readers and writers)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from unqa.paths import cache_dir

logger = logging.getLogger(__name__)

BATCH = 32


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _KeyValueStore:
    """One sqlite table ``TABLE(k TEXT PRIMARY KEY, COLUMN)`` under the cache folder (WAL: concurrent readers)."""

    def __init__(self, name: str, table: str, column: str, root: Path | None = None) -> None:
        root = root or cache_dir()
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / name
        self._table, self._column = table, column
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} (k TEXT PRIMARY KEY, {column})")

    def _get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = sorted(set(keys))
        found: dict[str, Any] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT k, {self._column} FROM {self._table} WHERE k IN ({marks})", chunk))
        return found

    def _put_many(self, rows: Iterable[tuple[str, Any]]) -> None:
        with self._db:
            self._db.executemany(f"INSERT OR REPLACE INTO {self._table} (k, {self._column}) VALUES (?, ?)", list(rows))

    def close(self) -> None:
        self._db.close()


class VectorCache(_KeyValueStore):
    def __init__(self, fingerprint: str, dim: int, root: Path | None = None) -> None:
        super().__init__(f"vectors-{fingerprint}.sqlite", "v", "vec", root)
        self.dim = dim

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: np.frombuffer(blob, dtype=np.float32) for k, blob in self._get_many(keys).items()}

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._put_many((k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items())


def embed_with_cache(
    texts: Sequence[str],
    encode: Callable[[Sequence[str]], np.ndarray],
    cache: VectorCache,
    show_progress: bool = True,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (rows in order) and how many had to be embedded now."""
    keys = [text_key(t) for t in texts]
    known = cache.get_many(sorted(set(keys)))
    # shortest first: texts of similar length share a batch (less padding in the encoder)
    todo = sorted(
        {k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items(), key=lambda kv: (len(kv[1]), kv[0])
    )
    bar = tqdm(total=len(todo), desc="embedding", unit="text", disable=not show_progress or not todo)
    for i in range(0, len(todo), BATCH):
        batch = todo[i : i + BATCH]
        vecs = encode([t for _, t in batch])
        new = {k: v for (k, _), v in zip(batch, vecs, strict=True)}
        cache.put_many(new)
        known.update(new)
        bar.update(len(batch))
    bar.close()
    out = np.zeros((len(texts), cache.dim), dtype=np.float32)
    for row, k in enumerate(keys):
        out[row] = known[k]
    return out, len(todo)


class TokenCache(_KeyValueStore):
    """Token lists of texts cached by content hash, per tokenizer fingerprint (jieba is the slow part
    of rebuilding an index whose vectors are all cached)."""

    def __init__(self, fingerprint: str, root: Path | None = None) -> None:
        super().__init__(f"tokens-{fingerprint}.sqlite", "t", "tokens", root)

    def tokenize_all(self, texts: Sequence[str], tokenize: Callable[[str], list[str]]) -> list[list[str]]:
        keys = [text_key(t) for t in texts]
        known = {k: v.split("\t") if v else [] for k, v in self._get_many(keys).items()}
        new = {k: tokenize(t) for k, t in zip(keys, texts, strict=True) if k not in known}
        self._put_many((k, "\t".join(v)) for k, v in new.items())
        known.update(new)
        return [list(known[k]) for k in keys]
