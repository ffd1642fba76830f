"""Sentence lane: e5 vectors of every sentence of the multi-sentence passages (computed at ingest).

A passage's sentence score is its best sentence's. The lane also keeps the sentences' texts and
vectors, so the answer sentence is chosen without a model call at query time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.engines.base import Engine
from index.lanes.base import Run, Selection
from index.query import Query

TABLE = "sentences"
SENTENCES = "sentences.json"
SENTENCE_VECTORS = "sentence_vectors.npy"
VECTORS = "vectors.npy"
FILES = (SENTENCES, SENTENCE_VECTORS, VECTORS)


class SentenceLane:
    name = "sentence"

    def __init__(self, engine: Engine, table: list[tuple[int, str]], vectors: np.ndarray, passage_vectors: Any) -> None:
        self.engine = engine
        self.rows = [int(r) for r, _ in table]
        self.texts = [t for _, t in table]
        self.vectors, self.passage_vectors = vectors, passage_vectors
        self.by_passage: dict[int, list[int]] = defaultdict(list)
        for i, row in enumerate(self.rows):
            self.by_passage[row].append(i)

    @classmethod
    def load(cls, directory: Path, engine: Engine) -> SentenceLane:
        table = json.loads((directory / SENTENCES).read_text(encoding="utf-8"))
        vectors = np.load(directory / SENTENCE_VECTORS)
        passage_vectors = np.load(directory / VECTORS, mmap_mode="r")
        return cls(engine, table, vectors, passage_vectors)

    def search(self, query: Query, depth: int, selection: Selection | None = None) -> Run:
        if not self.rows or query.vector is None:
            return Run(self.name, {})
        filters = selection.filters if selection is not None else None
        found = self.engine.search_dense(TABLE, query.vector, depth * 2, filters)
        best: dict[int, float] = {}
        for i, score in found.items():
            row = self.rows[i]
            best[row] = max(score, best.get(row, -1.0))
        return Run(self.name, best)

    def candidates(self, rows: Sequence[int], vector: np.ndarray | None) -> list[tuple[str, int, float]]:
        """(sentence, passage row, similarity to the question) of every sentence of ``rows``."""
        out = []
        for row in rows:
            ids = self.by_passage.get(row)
            if ids:
                sims = self.vectors[ids] @ vector if vector is not None else np.zeros(len(ids))
                out += [(self.texts[i], row, float(s)) for i, s in zip(ids, sims, strict=True)]
            else:
                out.append(("", row, float(self.passage_vectors[row] @ vector) if vector is not None else 0.0))
        return out
