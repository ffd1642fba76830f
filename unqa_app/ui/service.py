"""What the app asks of the searcher: loading, filter options, one search, a passage's context.

Every result shown in the app comes from ``Searcher.search``, the same function the CLI uses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index import series as S
from index.mandates import MandateGraph
from index.search import Searcher
from unqa import cite
from unqa.model import RESOLUTION_KINDS, Hit, Passage, SearchResponse
from unqa_app.ui.format import subprogramme_of
from unqa_app.ui.permalink import ViewState

if TYPE_CHECKING:
    from index.search import Searcher

logger = logging.getLogger(__name__)

TOP_K = 10
FOLD_SIMILARITY = 0.8
WARMUP_QUERY = "裁军"


def open_searcher(index_dir: str | Path, *, warm_up: bool = True) -> Searcher:
    """Load the index (``IndexStateError`` when missing or stale) and run one query to warm it."""

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
    titles: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def label(self, document: str) -> str:
        """``"A/RES/80/46 — 武器贸易条约"``: the filter is searchable by title."""
        title = self.titles.get(document, "")
        return f"{document} — {title}" if title else document


def facets(passages: Sequence[Passage]) -> Facets:
    """Documents in index order, sub-programmes in document order, kinds in first-seen order."""
    docs: dict[str, None] = {}
    subs: dict[str, None] = {}
    kinds: dict[str, None] = {}
    titles: dict[str, str] = {}
    for p in passages:
        docs.setdefault(p.citation.document, None)
        titles.setdefault(p.citation.document, p.citation.title)
        kinds.setdefault(p.kind, None)
        sub = subprogramme_of(p)
        if sub:
            subs.setdefault(sub, None)
    return Facets(tuple(docs), tuple(subs), tuple(kinds), len(passages), titles)


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


def mandate_links(
    graph: MandateGraph, p: Passage, by_subject: dict[str, list[dict]] | None = None
) -> tuple[str, dict | list] | None:
    """What the mandate graph says about a passage: ("recalled_by", entry) for a programme mandate
    entry, ("continues", mandates) for a resolution paragraph that continues programme mandates."""
    if p.kind == "mandate" and p.symbols:
        entry = graph.entry(p.symbols[0])
        return ("recalled_by", entry) if entry else None
    if p.kind in ("preamble", "operative"):
        items = graph.continues(p.citation.document) or graph.continues(p.id)
        keys = {i["key"] for i in items}
        items += [e for e in (by_subject or {}).get(p.citation.document, []) if e["key"] not in keys]
        return ("continues", items) if items else None
    return None


def subject_continues(graph: MandateGraph, si: SeriesIndex) -> dict[str, list[dict]]:
    """Resolution symbol -> the programme mandates it continues by subject (title or name), for
    resolutions that do not cite the mandate by number."""
    out: dict[str, list[dict]] = {}
    for key in graph.mandates:
        entry = graph.entry(key)
        for r in same_subject(si, entry):
            out.setdefault(r["symbol"], []).append(entry)
    return out


# ---------------------------------------------------------------- series across sessions


@dataclass
class SeriesIndex:
    """The resolutions of an index, their series ids and memoised paragraph matches."""

    known: dict[str, S.Resolution]
    ids: dict[str, str]
    _pairs: dict[tuple[str, str], list[S.Pair]] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    def pairs(self, old: S.Resolution, new: S.Resolution) -> list[S.Pair]:
        key = (old.key, new.key)
        if key not in self._pairs:
            self._pairs[key] = S.match_paragraphs(old.paragraphs, new.paragraphs)
        return self._pairs[key]

    def citing_by_name(self, title: str, after: int = 0, min_chars: int = 8) -> list[S.Resolution]:
        """Resolutions whose text names ``title`` in full (S-10/2 is cited by name, never by number)."""
        wanted = S.normalize_title(title)
        if len(wanted) < min_chars:
            return []
        if not self._texts:
            self._texts.update(
                {k: "".join(S.normalize_title(p.text) for p in r.paragraphs) for k, r in self.known.items()}
            )
        return [self.known[k] for k, text in self._texts.items() if self.known[k].session > after and wanted in text]

    def resolution_of(self, p: Passage) -> S.Resolution | None:
        return self.known.get(p.symbols[0]) if p.symbols and p.kind in RESOLUTION_KINDS else None


def series_index(passages: Sequence[Passage]) -> SeriesIndex:
    known = S.resolutions(passages)
    return SeriesIndex(known, S.series_ids(known))


def earlier_sessions(si: SeriesIndex, p: Passage, lang: str, limit: int = 6) -> list[dict]:
    """The same paragraph in the earlier sessions of its series, newest first, each diffed against the
    next newer session's paragraph (``pair`` None where the older resolution has no counterpart)."""
    res = si.resolution_of(p)
    rows: list[dict] = []
    current = p
    while res is not None and len(rows) < limit and (prev := S.predecessor(res, si.known)) is not None:
        pair = next((x for x in si.pairs(prev, res) if x.new == current), None)
        old = pair.old if pair else None
        row = {"key": prev.key, "date": prev.date, "citation": prev.symbol, "pair": old and pair, "ratio": 0.0}
        if old is not None:
            row.update(citation=cite.un_style(old, lang), ratio=pair.ratio, unchanged=pair.status == "unchanged")
            row["diff"] = pair_diff(pair, lang)
        rows.append(row)
        if old is None:
            break
        current, res = old, prev
    return rows


def pair_diff(pair: S.Pair, lang: str) -> list[tuple[int, str]]:
    """The word diff of a matched pair, in English when wanted and both paragraphs have it."""
    old, new = pair.old, pair.new
    if lang == "en" and old.en and new.en:
        return S.word_diff(old.en, new.en)
    return S.word_diff(old.text, new.text)


def fold_series(hits: Sequence[Hit], si: SeriesIndex) -> list[tuple[Hit, list[Hit]]]:
    """Hits with near-identical paragraphs of the same series folded under the newest session's one."""
    kept: list[tuple[Hit, list[Hit]]] = []
    for hit in sorted(hits, key=lambda h: h.rank):
        res = si.resolution_of(hit.passage)
        home = next((k for k in kept if res is not None and _same_series_paragraph(si, k[0], hit)), None)
        if home is None:
            kept.append((hit, []))
        else:
            home[1].append(hit)
    out = []
    for lead, folded in kept:  # the newest session's paragraph leads its group
        group = sorted([lead, *folded], key=lambda h: -_session(si, h))
        out.append((group[0], group[1:]))
    return out


def _session(si: SeriesIndex, hit: Hit) -> int:
    res = si.resolution_of(hit.passage)
    return res.session if res else 0


def _same_series_paragraph(si: SeriesIndex, a: Hit, b: Hit) -> bool:
    ra, rb = si.resolution_of(a.passage), si.resolution_of(b.passage)
    if ra is None or rb is None or ra.key == rb.key or si.ids.get(ra.key) != si.ids.get(rb.key):
        return False
    return a.passage.kind == b.passage.kind and S.similarity(a.passage.text, b.passage.text) >= FOLD_SIMILARITY


def same_subject(si: SeriesIndex, entry: dict) -> list[dict]:
    """Later resolutions on a programme mandate's subject (by title) that do not recall it by number."""
    recalled = {g["symbol"] for g in entry.get("recalled_by") or []}
    after = S.session_of(entry["key"]) or 0
    found = {r.key: r for r in S.same_subject(entry["title"], si.known, after)}
    found.update({r.key: r for r in si.citing_by_name(entry["title"], after)})
    ordered = sorted(found.values(), key=lambda r: (-r.session, r.key))
    return [
        {"symbol": r.symbol, "title": r.title, "date": r.date}
        for r in ordered
        if r.symbol not in recalled and r.key != entry["key"]
    ]


def predecessor_changes(si: SeriesIndex, p: Passage) -> dict | None:
    """What changed in the passage's whole resolution against its predecessor in the index."""
    res = si.resolution_of(p)
    prev = S.predecessor(res, si.known) if res else None
    if prev is None:
        return None
    pairs = si.pairs(prev, res)
    counts = {s: sum(1 for x in pairs if x.status == s) for s in ("added", "removed", "changed", "unchanged")}
    return {"old": prev.symbol, "new": res.symbol, "counts": counts, "pairs": pairs, "diff": pair_diff}


def build_id(searcher: Searcher) -> str:
    """The index build a judgment was made on: the corpus hash and the build time."""
    m = getattr(searcher, "manifest", {}) or {}
    return f"{m.get('corpus_hash', '')}@{(m.get('build') or {}).get('created', '')}"


def docs_without_english(hits: Sequence[Hit]) -> list[str]:
    """Documents among the hits that have no English text in the index (the programme)."""
    docs = {h.passage.citation.document: h.passage for h in hits}
    return [d for d, p in docs.items() if not p.en and p.kind not in ("preamble", "operative")]
