"""What the app asks of the searcher: loading, filter options, one search, a passage's context.

Every result shown in the app comes from ``Searcher.search``, the same function the CLI uses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.mandates import MandateGraph
from unqa.model import Hit, Passage, SearchResponse
from unqa_app.ui.format import subprogramme_of
from unqa_app.ui.permalink import ViewState

if TYPE_CHECKING:
    from index.search import Searcher

logger = logging.getLogger(__name__)

TOP_K = 10
WARMUP_QUERY = "裁军"


def open_searcher(index_dir: str | Path, *, warm_up: bool = True) -> Searcher:
    """Load the index (``IndexStateError`` when missing or stale) and run one query to warm it."""
    from index.search import Searcher

    started = time.perf_counter()
    searcher = Searcher.load(Path(index_dir))
    if warm_up:
        searcher.search(WARMUP_QUERY, k=1)
    logger.info("searcher loaded from %s in %.1f s", index_dir, time.perf_counter() - started)
    return searcher


@dataclass(frozen=True)
class Facets:
    """Filter options offered in the sidebar, derived from the indexed passages."""

    documents: tuple[str, ...]
    subprogrammes: tuple[str, ...]
    kinds: tuple[str, ...]
    n_passages: int


def facets(passages: Sequence[Passage]) -> Facets:
    """Documents in index order, sub-programmes in document order, kinds in first-seen order."""
    docs: dict[str, None] = {}
    subs: dict[str, None] = {}
    kinds: dict[str, None] = {}
    for p in passages:
        docs.setdefault(p.citation.document, None)
        kinds.setdefault(p.kind, None)
        sub = subprogramme_of(p)
        if sub:
            subs.setdefault(sub, None)
    return Facets(tuple(docs), tuple(subs), tuple(kinds), len(passages))


def run_query(searcher: Searcher, state: ViewState, k: int = TOP_K) -> tuple[SearchResponse, float]:
    """One search for the view state and its wall time in ms (``QueryError`` on an empty question)."""
    filters = state.filters()
    started = time.perf_counter()
    response = searcher.search(state.query, k=k, filters=None if filters.is_empty() else filters)
    ms = (time.perf_counter() - started) * 1000
    logger.info("search %.60r: %d hits in %.0f ms", state.query, len(response.hits), ms)
    return response, ms


def answer_hit(response: SearchResponse) -> Hit | None:
    """The hit holding the answer sentence, if the searcher answered."""
    if response.abstained or response.answer is None:
        return None
    return next((h for h in response.hits if h.passage.id == response.answer.passage_id), None)


Neighbour = tuple[Passage, bool]


def in_context(searcher: Searcher, passage_id: str, before: int = 2, after: int = 2) -> list[Neighbour]:
    """The paragraphs around a passage in document order, each flagged True when it is the hit."""
    return [(p, p.id == passage_id) for p in searcher.neighbours(passage_id, before=before, after=after)]


def mandate_links(graph: MandateGraph, p: Passage) -> tuple[str, dict | list] | None:
    """What the mandate graph says about a passage: ("recalled_by", entry) for a programme mandate
    entry, ("continues", mandates) for a resolution paragraph that continues programme mandates."""
    if p.kind == "mandate" and p.symbols:
        entry = graph.entry(p.symbols[0])
        return ("recalled_by", entry) if entry else None
    if p.kind in ("preamble", "operative"):
        items = graph.continues(p.id)
        return ("continues", items) if items else None
    return None
