"""The in-process engine (the default): FAISS for dense tables, bm25s for BM25 tables.

Files in the build folder are today's: ``faiss.index`` (passages), ``sentences.index`` (sentences,
with their parent rows in ``sentences.parents.npy``), ``bm25/`` and ``bm25_en/`` (bm25s models).
Dense search is ``index.dense`` (exact FlatIP up to ``dense.ANN_THRESHOLD`` vectors, IVF above);
with ``Filters`` the search is restricted to the passing rows by a FAISS ``IDSelectorBatch``, so it
returns the best ``depth`` rows that pass. BM25 search reads bm25s's precomputed score matrix
(``model.scores``: one column per vocabulary token, ``indptr``/``indices``/``data``), so a weighted
query costs the same as a plain one; with weight 1 per token occurrence it is ``sparse.search``.

    entry = LocalEngine.write(build_dir, fields, dense_tables, sparse_tables, {})
    engine = LocalEngine.open(build_dir, entry, fields)
    engine.search_dense("passages", vector, 100, Filters(kinds=("mandate",)))
    engine.search_sparse("bm25_zh", {"裁军": 2.0, "核": 1.0}, 100)
"""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np
from bm25s import selection

from index import dense, sparse
from index.config import Filters
from index.engines.base import BM25_PARAMS, DenseTable, RowFields, SparseTable, row_mask

logger = logging.getLogger(__name__)

NAME = "local"
DENSE_FILES = {"passages": dense.FILE, "sentences": dense.SENTENCE_FILE}
SPARSE_DIRS = {"bm25_zh": sparse.DIR, "bm25_en": sparse.EN_DIR}
PARENTS_SUFFIX = ".parents.npy"


def dense_file(table: str) -> str:
    return DENSE_FILES.get(table, f"{table}.index")


def sparse_dir(table: str) -> str:
    return SPARSE_DIRS.get(table, table)


def _write_dense(build_dir: Path, table: DenseTable) -> dict[str, Any]:
    index = dense.build(table.vectors)
    dense.save(index, build_dir, dense_file(table.name))
    entry: dict[str, Any] = {"type": "dense", "file": dense_file(table.name), "ntotal": int(index.ntotal)}
    entry["faiss_kind"] = dense.choose_kind(int(index.ntotal))
    if table.parents is not None:
        np.save(build_dir / (table.name + PARENTS_SUFFIX), np.asarray(table.parents, dtype=np.int64))
        entry["parents"] = table.name + PARENTS_SUFFIX
    return entry


def _write_sparse(build_dir: Path, table: SparseTable) -> dict[str, Any]:
    model = sparse.build(table.tokens)  # k1, b as BM25_PARAMS
    sparse.save(model, build_dir, sparse_dir(table.name))
    return {"type": "sparse", "dir": sparse_dir(table.name), "rows": len(table.tokens), **BM25_PARAMS}


class LocalEngine:
    """FAISS + bm25s over the files of one build folder; read-only once opened, thread-safe."""

    name = NAME

    def __init__(
        self,
        fields: list[RowFields],
        faiss_tables: dict[str, Any],
        parents: dict[str, np.ndarray],
        bm25: dict[str, bm25s.BM25],
    ) -> None:
        self.fields = fields
        self._faiss = faiss_tables
        self._parents = parents
        self._bm25 = bm25
        self._masks: dict[Filters, np.ndarray] = {}
        self._lock = threading.Lock()
        self._last = threading.local()  # (table, query) -> scores of this thread's last BM25 search

    # ---- writing and opening -------------------------------------------------------------
    @classmethod
    def write(
        cls,
        build_dir: Path,
        fields: list[RowFields],
        dense: list[DenseTable],
        sparse: list[SparseTable],
        options: dict[str, Any],
    ) -> dict[str, Any]:
        """Write the FAISS indexes and bm25s models of the tables into ``build_dir``."""
        build_dir = Path(build_dir)
        tables = {t.name: _write_dense(build_dir, t) for t in dense}
        tables.update({t.name: _write_sparse(build_dir, t) for t in sparse})
        return {"engine": NAME, "rows": len(fields), "tables": tables}

    @classmethod
    def open(cls, build_dir: Path, entry: dict[str, Any], fields: list[RowFields]) -> LocalEngine:
        build_dir = Path(build_dir)
        faiss_tables, parents, models = {}, {}, {}
        for name, table in entry["tables"].items():
            if table["type"] == "dense":
                faiss_tables[name] = dense.load(build_dir, table["file"])
                if "parents" in table:
                    parents[name] = np.load(build_dir / table["parents"])
            else:
                models[name] = bm25s.BM25.load(str(build_dir / table["dir"]), show_progress=False, verbosity=0)
        return cls(fields, faiss_tables, parents, models)

    def tables(self) -> set[str]:
        return set(self._faiss) | set(self._bm25)

    # ---- filters ---------------------------------------------------------------------------
    def passage_mask(self, filters: Filters) -> np.ndarray:
        """Boolean mask over passage rows of the rows that pass ``filters`` (memoised)."""
        with self._lock:
            found = self._masks.get(filters)
        if found is None:
            found = row_mask(self.fields, filters)
            with self._lock:
                self._masks[filters] = found
        return found

    def _table_mask(self, table: str, filters: Filters) -> np.ndarray:
        mask = self.passage_mask(filters)
        return mask[self._parents[table]] if table in self._parents else mask

    # ---- search ----------------------------------------------------------------------------
    def search_dense(
        self, table: str, vector: np.ndarray, depth: int, filters: Filters | None = None
    ) -> dict[int, float]:
        index = self._faiss[table]
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        if filters is None or filters.is_empty():
            scores, rows = dense.search(index, query, depth)
        else:
            ids = np.flatnonzero(self._table_mask(table, filters)).astype(np.int64)
            if not len(ids):
                return {}
            k = max(1, min(depth, len(ids)))
            scores, rows = index.search(query, k, params=_selector_params(index, ids))
        return {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0}

    def search_sparse(
        self, table: str, weights: dict[str, float], depth: int, filters: Filters | None = None
    ) -> dict[int, float]:
        model = self._bm25[table]
        n_docs, n_vocab = int(model.scores["num_docs"]), len(model.scores["indptr"]) - 1
        known = [
            (model.vocab_dict[t], w) for t, w in weights.items() if w and model.vocab_dict.get(t, n_vocab) < n_vocab
        ]
        if not known or n_docs == 0:
            return {}
        scores = self._weighted(table, model, known)
        if filters is not None and not filters.is_empty():
            scores = scores * self._table_mask(table, filters)
        top_scores, top_rows = selection.topk(scores, k=max(1, min(depth, n_docs)), sorted=True)
        return {int(r): float(s) for r, s in zip(top_rows, top_scores, strict=True) if s > 0}

    def _weighted(self, table: str, model: bm25s.BM25, known: list[tuple[int, float]]) -> np.ndarray:
        """The weighted scores of every row, kept for the thread's next call: the same query searched
        again within a scope (``SearchConfig.programme_depth``) is only masked, not scored twice."""
        key = (table, tuple(known))
        last = getattr(self._last, "entry", None)
        if last is not None and last[0] == key:
            return last[1]
        scores = weighted_scores(model.scores, known, np.dtype(model.dtype))
        self._last.entry = (key, scores)
        return scores

    def bm25_idf(self, table: str) -> dict[str, float]:
        model = self._bm25[table]
        df = np.diff(model.scores["indptr"])
        vocab = {t: i for t, i in model.vocab_dict.items() if i < len(df)}
        return idf_of(vocab, df, int(model.scores["num_docs"]))


def weighted_scores(matrix: dict[str, Any], known: list[tuple[int, float]], dtype: np.dtype) -> np.ndarray:
    """sum over (token id, weight) of weight * bm25(token, row), for every row (as bm25s adds them)."""
    data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
    scores = np.zeros(int(matrix["num_docs"]), dtype=dtype)
    for token, weight in known:
        start, end = indptr[token], indptr[token + 1]
        part = data[start:end] if weight == 1 else data[start:end] * dtype.type(weight)
        np.add.at(scores, indices[start:end], part)
    return scores


def idf_of(vocab: dict[str, int], df: np.ndarray, n_docs: int) -> dict[str, float]:
    """bm25s's Lucene idf, log(1 + (N - df + 0.5) / (df + 0.5)), of every vocabulary token."""
    return {t: math.log(1 + (n_docs - int(df[i]) + 0.5) / (int(df[i]) + 0.5)) for t, i in vocab.items()}


def _selector_params(index: Any, ids: np.ndarray) -> Any:
    """FAISS search parameters restricting a search to ``ids`` (keeping the index's nprobe / efSearch)."""
    selector = faiss.IDSelectorBatch(ids)
    if hasattr(index, "nprobe"):
        return faiss.SearchParametersIVF(sel=selector, nprobe=faiss.extract_index_ivf(index).nprobe)
    if hasattr(index, "hnsw"):
        return faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)
    return faiss.SearchParameters(sel=selector)
