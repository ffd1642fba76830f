"""Features of one (question, passage) pair for the learned ranker: the lanes' scores and ranks
(what ``--explain`` shows), the fused score, the passage's kind, length and session, the question's
type, and how much of the question the passage covers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.lanes.base import Run
from index.query import Query, opens_with_action
from index.terms import TermStats
from unqa.model import KINDS, Passage

LANES = ("dense", "sentence", "bm25", "bm25_en", "bm25_chars", "symbol", "structure")
MISSING_RANK = 1000.0
_QUESTION_TYPES = ("who", "what_list", "action", "year", "symbol", "en", "programme", "resolution")
_PROGRAMME_WORDS = re.compile(
    r"方案|次级方案|裁军厅|裁军事务厅|秘书处|指标|预期成绩|programme|office|secretariat|indicator", re.I
)
_RESOLUTION_WORDS = re.compile(
    r"决议|大会|安理会|会员国|缔约国|resolution|general assembly|security council|states", re.I
)

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
    *(f"q_{t}" for t in _QUESTION_TYPES),
)


def question_flags(query: Query) -> list[float]:
    return [
        float(any(w in query.text for w in ("谁", "哪个部门", "who", "which office"))),
        float(query.asks_list),
        float(bool(query.actions)),
        float(query.year is not None),
        float(bool(query.symbols)),
        float(query.lang == "en"),
        float(bool(_PROGRAMME_WORDS.search(query.text))),
        float(bool(_RESOLUTION_WORDS.search(query.text))),
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
    fused_rank = {row: i for i, row in enumerate(sorted(fused, key=lambda r: (-fused[r], r)), start=1)}
    newest = max((session_of(passages[r]) for r in rows), default=0.0)
    q, flags = query.content_tokens(), question_flags(query)
    return [_one(query, row, fused, fused_rank, runs, ranks, passages[row], stats, q, newest) + flags for row in rows]


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
