"""Features of one (question, passage) pair for the learned ranker: the lanes' scores and ranks
(what ``--explain`` shows), the fused score, the passage's kind, length and session, the question's
type, how much of the question the passage covers, the passage's collection (programme, resolution,
other) and its rank there, how it stands against the best candidate, and how much of the candidate
pool its document holds."""

from __future__ import annotations

from collections.abc import Sequence

from index.lanes.base import Run
from index.query import Query, opens_with_action
from index.terms import TermStats
from unqa.model import COLLECTIONS, KINDS, Passage

LANES = ("dense", "sentence", "bm25", "bm25_en", "bm25_chars", "symbol", "structure")
MISSING_RANK = 1000.0
_QUESTION_TYPES = ("who", "what_list", "action", "year", "symbol", "en", "programme", "resolution")

NAMES: tuple[str, ...] = (
    *(f"{lane}_score" for lane in LANES),
    *(f"{lane}_rank" for lane in LANES),
    "fused",
    "fused_rank",
    *(f"kind_{k}" for k in KINDS),
    "length",
    "session",
    "session_newest",
    "coverage",
    "char_coverage",
    "title_coverage",
    "en_coverage",
    "action_match",
    *(f"collection_{c}" for c in COLLECTIONS),
    "collection_rank",
    "collection_gap",
    "fused_ratio",
    "dense_gap",
    "bm25_ratio",
    "doc_share",
    "doc_mass",
    *(f"q_{t}" for t in _QUESTION_TYPES),
)


def question_flags(query: Query) -> list[float]:
    return [
        float(query.asks_who),
        float(query.asks_list),
        float(bool(query.actions)),
        float(query.year is not None),
        float(bool(query.symbols)),
        float(query.lang == "en"),
        float(query.about_programme),
        float(query.about_resolutions),
    ]


def session_of(p: Passage) -> float:
    try:
        return float(str(p.extra.get("session", "0")).split("-")[-1] or 0)
    except ValueError:
        return 0.0


def rows_features(
    query: Query,
    rows: Sequence[int],
    fused: dict[int, float],
    runs: dict[str, Run],
    passages: Sequence[Passage],
    stats: TermStats,
) -> list[list[float]]:
    """One feature vector (``NAMES`` order) per candidate row."""
    ranks = {name: run.ranks() for name, run in runs.items()}
    ordered = sorted(fused, key=lambda r: (-fused[r], r))
    fused_rank = {row: i for i, row in enumerate(ordered, start=1)}
    within = collection_ranks(ordered, passages)
    newest = max((session_of(passages[r]) for r in rows), default=0.0)
    q, flags = query.content_tokens(), question_flags(query)
    relative = _relative(rows, fused, runs, passages)
    documents = _document_evidence(fused, passages)
    return [
        _one(query, row, fused, fused_rank, runs, ranks, passages[row], stats, q, newest)
        + _collection(passages[row], within.get(row, MISSING_RANK))
        + relative[i]
        + documents.get(passages[row].doc_id, [0.0, 0.0])
        + flags
        for i, row in enumerate(rows)
    ]


def _document_evidence(fused: dict[int, float], passages: Sequence[Passage]) -> dict[str, list[float]]:
    """Per document: the share of all fused candidates that are its passages, and their fused scores
    summed over the top score (a programme whose many passages all touch the question, against one
    resolution paragraph that happens to match it best)."""
    top = max(fused.values(), default=0.0) or 1.0
    count: dict[str, int] = {}
    mass: dict[str, float] = {}
    for row, score in fused.items():
        doc = passages[row].doc_id
        count[doc] = count.get(doc, 0) + 1
        mass[doc] = mass.get(doc, 0.0) + score
    n = max(len(fused), 1)
    return {doc: [count[doc] / n, mass[doc] / top] for doc in count}


def _relative(
    rows: Sequence[int], fused: dict[int, float], runs: dict[str, Run], passages: Sequence[Passage]
) -> list[list[float]]:
    """Each candidate against the best candidate: how far its collection's best falls below the top
    (0 for the top's own collection), its fused score over the top's, its dense score's gap to the
    best, its BM25 score over the best."""
    top = max((fused.get(r, 0.0) for r in rows), default=0.0) or 1.0
    best: dict[str, float] = {}
    for r in rows:
        c = passages[r].collection
        best[c] = max(best.get(c, 0.0), fused.get(r, 0.0))
    dense, bm25 = (runs[n].scores if n in runs else {} for n in ("dense", "bm25"))
    top_dense = max((dense.get(r, 0.0) for r in rows), default=0.0)
    top_bm25 = max((bm25.get(r, 0.0) for r in rows), default=0.0) or 1.0
    return [
        [
            (top - best[passages[r].collection]) / top,
            fused.get(r, 0.0) / top,
            dense.get(r, 0.0) - top_dense,
            bm25.get(r, 0.0) / top_bm25,
        ]
        for r in rows
    ]


def collection_ranks(ordered: Sequence[int], passages: Sequence[Passage]) -> dict[int, float]:
    """Row -> its rank among the fused candidates of its own collection."""
    seen: dict[str, int] = {}
    out = {}
    for row in ordered:
        c = passages[row].collection
        seen[c] = seen.get(c, 0) + 1
        out[row] = float(seen[c])
    return out


def _collection(p: Passage, rank: float) -> list[float]:
    return [*(float(p.collection == c) for c in COLLECTIONS), rank]


def _one(query, row, fused, fused_rank, runs, ranks, p, stats, q, newest) -> list[float]:
    scores = [runs[n].scores.get(row, 0.0) if n in runs else 0.0 for n in LANES]
    lane_ranks = [float(ranks[n].get(row, MISSING_RANK)) if n in ranks else MISSING_RANK for n in LANES]
    session = session_of(p)
    return [
        *scores,
        *lane_ranks,
        fused.get(row, 0.0),
        float(fused_rank.get(row, MISSING_RANK)),
        *(float(p.kind == k) for k in KINDS),
        float(len(p.text)),
        session,
        float(session > 0 and session == newest),
        stats.coverage(q, set(stats.token_set(p.text))),
        _share(query.char_bigrams, p.text),
        _share(query.char_bigrams, p.citation.title),
        _en_coverage(query, p),
        float(_action_match(query, p)),
    ]


def _share(grams: Sequence[str], text: str) -> float:
    """Share of the question's character bigrams that occur in ``text``."""
    return sum(g in text for g in grams) / len(grams) if grams else 0.0


def _en_coverage(query: Query, p: Passage) -> float:
    if query.lang != "en" or not p.en:
        return 0.0
    words = set(p.en.lower().split())
    asked = [t for t in query.tokens if t.isascii()]
    return sum(t in words for t in asked) / len(asked) if asked else 0.0


def _action_match(query: Query, p: Passage) -> bool:
    return p.kind == "operative" and opens_with_action(query, p.text)
