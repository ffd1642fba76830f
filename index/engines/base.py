"""The engine contract: what every engine backend (``local.py``, ``milvus.py``) implements.

Rows are the passage rows of one index build (``passages.jsonl`` order), or, for a table whose
``parents`` are given (the sentence table), that table's own rows, each with its parent passage row.
Searches return ``{row: score}`` with higher scores better. A search restricted by ``Filters`` only
returns rows whose fields pass them (for a sentence table: whose parent passage passes them).
BM25 scores are bm25s's scores (k1, b of ``BM25_PARAMS``) over our own jieba tokens in every engine,
so the keyword lanes give the same numbers whichever engine stores them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.config import Filters

BM25_PARAMS = {"k1": 1.2, "b": 0.75}


@dataclass(frozen=True)
class RowFields:
    """Scalar fields of one passage row: what filters test (Milvus scalar expressions, local masks)."""

    document: str  # citation.document, e.g. "A/RES/80/46"
    kind: str  # Passage.kind
    subprogramme: str  # Passage.subprogramme: "次级方案 3 常规武器..." or ""
    lang: str  # Passage.lang


@dataclass(frozen=True)
class DenseTable:
    name: str  # "passages" | "sentences"
    vectors: np.ndarray  # float32 (n, dim), L2-normalised (inner product = cosine)
    parents: np.ndarray | None = None  # int64 (n,): parent passage row of each vector (sentence table)


@dataclass(frozen=True)
class SparseTable:
    name: str  # "bm25_zh" | "bm25_en"
    tokens: list[list[str]]  # one token list per passage row (index.tokenize.tokenize)


class Engine(Protocol):
    """A built engine: written once by ``write``, then opened read-only by ``open`` (thread-safe)."""

    name: str

    @classmethod
    def write(
        cls,
        build_dir: Path,
        fields: list[RowFields],
        dense: list[DenseTable],
        sparse: list[SparseTable],
        options: dict[str, Any],
    ) -> dict[str, Any]:
        """Store the tables of one build; return the manifest entry (engine name, kinds, collections...)."""
        ...

    @classmethod
    def open(cls, build_dir: Path, entry: dict[str, Any], fields: list[RowFields]) -> Engine:
        """Open what ``write`` stored (``entry`` is the manifest entry it returned)."""
        ...

    def tables(self) -> set[str]:
        """Names of the tables this build has (a build without English text has no ``bm25_en``)."""
        ...

    def search_dense(
        self, table: str, vector: np.ndarray, depth: int, filters: Filters | None = None
    ) -> dict[int, float]:
        """Top ``depth`` rows of ``table`` by inner product with ``vector`` (1-d float32)."""
        ...

    def search_sparse(
        self, table: str, weights: dict[str, float], depth: int, filters: Filters | None = None
    ) -> dict[int, float]:
        """Top ``depth`` rows of a BM25 table for a weighted query: score(row) = sum over query tokens t of
        weights[t] * bm25(t, row), bm25 being bm25s's per-(token, document) score. A plain query has
        weight = number of occurrences of the token in the question. Only rows with a score > 0;
        tokens outside the table's vocabulary are ignored."""
        ...

    def bm25_idf(self, table: str) -> dict[str, float]:
        """idf of each vocabulary token of a BM25 table (for features and weighted queries)."""
        ...


def row_fields(passages: list[Any]) -> list[RowFields]:
    """The scalar fields of every passage (``unqa.model.Passage``), in row order."""
    return [
        RowFields(
            document=p.citation.document,
            kind=p.kind,
            subprogramme=p.subprogramme,
            lang=p.lang,
        )
        for p in passages
    ]


def passes(f: RowFields, filters: Filters | None) -> bool:
    if filters is None or filters.is_empty():
        return True
    return (
        (not filters.documents or f.document in filters.documents)
        and (not filters.subprogrammes or f.subprogramme in filters.subprogrammes)
        and (not filters.kinds or f.kind in filters.kinds)
        and (not filters.langs or f.lang in filters.langs)
    )


def row_mask(fields: Sequence[RowFields], filters: Filters) -> np.ndarray:
    """Boolean mask over rows of those that pass ``filters`` (one pass; callers memoise it per filter)."""
    return np.fromiter((passes(f, filters) for f in fields), dtype=bool, count=len(fields))
