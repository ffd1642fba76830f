"""Embedding vectors cached by content hash, per encoder fingerprint, across index builds.

A passage whose embedded text has not changed is never embedded twice (sqlite, one file per
encoder, safe for concurrent readers and writers)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from unqa.config import cache_dir

logger = logging.getLogger(__name__)

BATCH = 32


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, fingerprint: str, dim: int, root: Path | None = None) -> None:
        root = root or cache_dir()
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / f"vectors-{fingerprint}.sqlite"
        self.dim = dim
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, vec BLOB)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            marks = ",".join("?" * len(chunk))
            for k, blob in self._db.execute(f"SELECT k, vec FROM v WHERE k IN ({marks})", chunk):
                found[k] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO v (k, vec) VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()


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
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items(),
                  key=lambda kv: (len(kv[1]), kv[0]))
    bar = tqdm(total=len(todo), desc="embedding", unit="passage", disable=not show_progress or not todo)
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


class TokenCache:
    """Token lists of texts cached by content hash, per tokenizer fingerprint (jieba is the slow part
    of rebuilding an index whose vectors are all cached)."""

    def __init__(self, fingerprint: str, root: Path | None = None) -> None:
        root = root or cache_dir()
        root.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(root / f"tokens-{fingerprint}.sqlite", timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, tokens TEXT)")

    def tokenize_all(self, texts: Sequence[str], tokenize: Callable[[str], list[str]]) -> list[list[str]]:
        keys = [text_key(t) for t in texts]
        known: dict[str, list[str]] = {}
        unique = sorted(set(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            rows = self._db.execute(f"SELECT k, tokens FROM t WHERE k IN ({','.join('?' * len(chunk))})", chunk)
            known.update((k, v.split("\t") if v else []) for k, v in rows)
        new = {k: tokenize(t) for k, t in zip(keys, texts, strict=True) if k not in known}
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO t (k, tokens) VALUES (?, ?)",
                                 [(k, "\t".join(v)) for k, v in new.items()])
        known.update(new)
        return [list(known[k]) for k in keys]

    def close(self) -> None:
        self._db.close()
