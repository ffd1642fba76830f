"""Keyword lanes: BM25 (bm25s scores, stored by the engine) over one jieba tokenizer.

- ``bm25``: the Chinese text, for one weighted query: the question's own tokens, the UN wording of its
  words (synonyms), the curated glossary's Chinese terms of an English question (weight 1) and the
  Chinese translations of its words learned from the UN's aligned paragraphs, each weighted by its
  probability (a probabilistic structured query);
- ``bm25_en``: the English parallel text of resolution paragraphs, for English questions;
- ``bm25_chars``: the Chinese text as overlapping character bigrams, for Chinese questions (compounds
  that jieba cuts differently in the question and the text still match).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from index.engines.base import Engine
from index.lanes.base import Run, Selection
from index.query import Query

ZH_TABLE = "bm25_zh"
EN_TABLE = "bm25_en"
CHARS_TABLE = "bm25_chars"


class Bm25Lane:
    def __init__(self, name: str, engine: Engine, table: str, weights: Callable[[Query], dict[str, float]]) -> None:
        self.name, self.engine, self.table, self._weights = name, engine, table, weights

    def search(self, query: Query, depth: int, selection: Selection | None = None) -> Run:
        weights = self._weights(query)
        if not weights or self.table not in self.engine.tables():
            return Run(self.name, {})
        filters = selection.filters if selection is not None else None
        return Run(self.name, self.engine.search_sparse(self.table, weights, depth, filters))


def chinese(engine: Engine) -> Bm25Lane:
    return Bm25Lane("bm25", engine, ZH_TABLE, lambda q: q.keyword_weights())


def english(engine: Engine) -> Bm25Lane:
    return Bm25Lane("bm25_en", engine, EN_TABLE, lambda q: q.english_weights() if q.lang == "en" else {})


def chars(engine: Engine) -> Bm25Lane:
    return Bm25Lane(
        "bm25_chars", engine, CHARS_TABLE, lambda q: dict(Counter(q.char_bigrams)) if q.lang == "zh" else {}
    )
