"""The gold set: questions with answer spans, and the qrels derived from them.

A passage is relevant to a question when its normalised text contains one of the question's
normalised spans (and, when the question names a document, the passage cites that document or one
of ``also_docs``: the same paragraph recurring in another session's resolution).
Relevance judgments collected in the app (thumbs) are merged in as extra qrels.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unqa.model import Passage

logger = logging.getLogger(__name__)

KINDS = ("paraphrase", "verbatim", "crosslingual", "mandate", "structure", "unanswerable")
LANGS = ("zh", "en")
PROGRAMME_DOC = "A/65/6 (Prog. 3)"
GOLD_FILE = Path(__file__).resolve().parent / "gold.jsonl"
RESOLUTIONS_FILE = Path(__file__).resolve().parent / "resolutions.txt"

Qrels = dict[str, dict[str, int]]

_WS = re.compile(r"\s+")


def normalize_span(text: str) -> str:
    """NFKC (``㈠`` -> ``(一)``, full-width -> ASCII) with all whitespace removed."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def same_document(a: str, b: str) -> bool:
    """Document symbols compared without spaces (``S/RES/1540 (2004)`` == ``S/RES/1540(2004)``)."""
    return _WS.sub("", a) == _WS.sub("", b)


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    kind: str
    doc: str = ""
    spans: tuple[str, ...] = ()
    also_docs: tuple[str, ...] = ()  # other sessions' resolutions whose same paragraph also answers
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @property
    def docs(self) -> tuple[str, ...]:
        """Every document whose passages may be relevant: ``doc`` first, then ``also_docs``."""
        return (self.doc, *self.also_docs) if self.doc else ()

    @property
    def is_programme(self) -> bool:
        return same_document(self.doc, PROGRAMME_DOC)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GoldQuestion:
        known = {"id", "question", "lang", "kind", "doc", "spans", "also_docs"}
        return cls(
            id=str(d["id"]),
            question=str(d["question"]),
            lang=str(d.get("lang", "zh")),
            kind=str(d.get("kind", "paraphrase")),
            doc=str(d.get("doc") or ""),
            spans=tuple(d.get("spans") or ()),
            also_docs=tuple(str(x) for x in d.get("also_docs") or ()),
            extra={k: v for k, v in d.items() if k not in known},
        )


def load_gold(path: Path = GOLD_FILE) -> list[GoldQuestion]:
    """Read the gold JSONL (blank lines and ``#`` comment lines are skipped)."""
    questions = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            questions.append(GoldQuestion.from_dict(json.loads(line)))
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{n}: bad gold line ({exc})") from exc
    return questions


def programme_only(questions: Iterable[GoldQuestion]) -> list[GoldQuestion]:
    return [q for q in questions if q.is_programme]


def read_resolution_list(path: Path = RESOLUTIONS_FILE) -> list[str]:
    """Relative paths (under the shared dir) of the Chinese resolution files of the eval corpus."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _normalised_passages(passages: Sequence[Passage]) -> list[tuple[Passage, str]]:
    return [(p, normalize_span(p.text)) for p in passages]


def relevant_passages(q: GoldQuestion, normed: Sequence[tuple[Passage, str]]) -> list[str]:
    """Ids of the passages holding one of the question's spans (in its document, if set)."""
    spans = [normalize_span(s) for s in q.spans if normalize_span(s)]
    hits = []
    for passage, text in normed:
        if q.doc and not any(same_document(passage.citation.document, d) for d in q.docs):
            continue
        if any(s in text for s in spans):
            hits.append(passage.id)
    return hits


def span_qrels(questions: Sequence[GoldQuestion], passages: Sequence[Passage]) -> Qrels:
    """Span-derived qrels for the answerable questions (a question may end up with none)."""
    normed = _normalised_passages(passages)
    qrels: Qrels = {}
    for q in questions:
        if q.answerable:
            qrels[q.id] = {pid: 1 for pid in relevant_passages(q, normed)}
    return qrels


def with_twins(qrels: Qrels, passages: Sequence[Passage]) -> Qrels:
    """``qrels`` where a passage with exactly the text of a relevant one (a paragraph repeated word for
    word in another session's resolution) is relevant too: the lenient reading of a gold set written
    against one session, for an index that holds every session."""
    text_of = {p.id: normalize_span(p.text) for p in passages}
    by_text: dict[str, list[str]] = {}
    for pid, text in text_of.items():
        by_text.setdefault(text, []).append(pid)
    out: Qrels = {}
    for qid, rels in qrels.items():
        twins = {t: g for pid, g in rels.items() if g > 0 and pid in text_of for t in by_text[text_of[pid]]}
        out[qid] = {**twins, **rels}
    return out


@dataclass
class JudgmentMerge:
    qrels: Qrels
    read: int = 0  # judgment lines read
    matched: int = 0  # lines whose query is a gold question
    added: int = 0  # qrels added by judgments
    ignored_negative: int = 0  # "not relevant" on a span-derived qrel (span wins)

    def summary(self) -> dict[str, int]:
        keys = ("read", "matched", "added", "ignored_negative")
        return {k: getattr(self, k) for k in keys}


def read_judgments(path: Path) -> list[dict[str, Any]]:
    """Judgment records in file order; missing file -> []; bad lines are skipped with a warning."""
    if not Path(path).exists():
        return []
    records = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            records.append(
                {
                    "query": str(rec["query"]),
                    "pid": str(rec["passage_id"]),
                    "relevant": bool(rec["relevant"]),
                    "time": str(rec.get("time", "")),
                }
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            logger.warning("%s:%d: skipped judgment (%s)", path, n, exc)
    return records


def latest_judgments(records: Iterable[dict[str, Any]]) -> dict[tuple[str, str], bool]:
    """The latest verdict per (normalised query, passage id); later times (then later lines) win."""
    ordered = sorted(enumerate(records), key=lambda t: (t[1]["time"], t[0]))
    return {(normalize_span(r["query"]), r["pid"]): r["relevant"] for _, r in ordered}


def merge_judgments(
    qrels: Qrels, questions: Sequence[GoldQuestion], records: Sequence[dict[str, Any]]
) -> JudgmentMerge:
    """Add app judgments to span qrels. The latest verdict per (query, passage) wins, so a later
    "not relevant" withdraws an earlier thumbs-up; a span-derived qrel is never removed."""
    by_text = {normalize_span(q.question): q for q in questions if q.answerable}
    merged: Qrels = {qid: dict(rels) for qid, rels in qrels.items()}
    result = JudgmentMerge(qrels=merged, read=len(records))
    for (text, pid), relevant in latest_judgments(records).items():
        q = by_text.get(text)
        if q is None:
            continue
        result.matched += 1
        _apply_judgment(result, qrels.get(q.id, {}), q.id, pid, relevant)
    return result


def _apply_judgment(result: JudgmentMerge, span_rels: dict[str, int], qid: str, pid: str, relevant: bool) -> None:
    rels = result.qrels.setdefault(qid, {})
    if relevant:
        if pid not in rels:
            rels[pid] = 1
            result.added += 1
    elif pid in span_rels:
        result.ignored_negative += 1
