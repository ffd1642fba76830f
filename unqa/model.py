"""The one citation contract of unqa: passages, citations, hits and search responses.

Every stage (ingest, index, search, app, eval) speaks these types. A passage is keyed by its
stable, human-readable ``id`` (``"A/65/6(Prog.3)#3.9(c)"``, ``"A/RES/75/36#op5"``); FAISS row
numbers never leave the index package.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

_SUBPROGRAMME = re.compile(r"次级方案\s*\d")

KINDS = (
    "overview",  # 总方向 paragraph
    "subprogramme",  # 次级方案 heading + objective (本组织的目标)
    "objective",
    "accomplishment",  # 预期成绩 paired with its indicators
    "indicator",
    "strategy",  # 战略 paragraph (3.7 ... 3.11 lead-in)
    "strategy_item",  # lettered item (a), (b) ... of a strategy paragraph
    "mandate",  # one entry of the 法律授权 list
    "preamble",  # resolution preambular paragraph
    "operative",  # resolution operative paragraph (with its sub-points)
    "paragraph",  # generic paragraph (PDF, plain text)
)
RESOLUTION_KINDS = ("preamble", "operative")
PROGRAMME_KINDS = KINDS[: KINDS.index("mandate") + 1]
# What a passage belongs to, for the ranker's candidate quotas: the programme text, a resolution
# (any paragraph of a GA or SC resolution, annexes too), or any other document (PDF, plain text).
COLLECTIONS = ("programme", "resolution", "document")


@dataclass(frozen=True)
class Citation:
    """What a delegate quotes: document › path › paragraph, plus where it came from."""

    document: str  # document symbol, e.g. "A/65/6 (Prog. 3)" or "A/RES/75/36"
    title: str
    path: tuple[str, ...]  # breadcrumb, e.g. ("方案 3 裁军", "次级方案 3 常规军备", "战略", "3.9 (c)")
    paragraph: str  # paragraph label, e.g. "3.9 (c)" or "执行部分第 5 段"
    source: str  # source file name (no directories)
    page: int | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = list(self.path)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(
            document=d["document"],
            title=d.get("title", ""),
            path=tuple(d.get("path", ())),
            paragraph=d.get("paragraph", ""),
            source=d.get("source", ""),
            page=d.get("page"),
            url=d.get("url"),
        )

    def breadcrumb(self, sep: str = " › ") -> str:
        parts = [self.document, *[p for p in self.path if p and p != self.document]]
        return sep.join(parts)


@dataclass(frozen=True)
class Subpoint:
    """A lettered sub-point of an operative paragraph: its label and character span in the passage text."""

    label: str  # "(b)"
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Passage:
    """One retrievable unit of a document, in the document's own structure.

    Typed fields carry what every stage reads; ``extra`` keeps reader-specific facts that only the
    reader's own document kind has (programme: ``indicators``, ``accomplishment``, ``mandate_type``...).
    Everything is set at construction: passages are never mutated (use ``dataclasses.replace``).
    """

    id: str
    text: str  # clean text as shown to users
    kind: str
    citation: Citation
    context: str = ""  # short header embedded with the text (sub-programme, section)
    lang: str = "zh"
    doc_id: str = ""  # key of the source document (symbol + language), groups passages
    order: int = 0  # position within its document
    location: str = ""  # "lines 12-15" or "p. 3"
    symbols: tuple[str, ...] = ()  # symbol keys (unqa.symbols) of the document the passage stands for ("64/36")
    en: str = ""  # the English paragraph with the same eId (resolutions), "" when there is none
    subpoints: tuple[Subpoint, ...] = ()  # sub-points of an operative paragraph, with their spans in ``text``
    footnotes: tuple[str, ...] = ()  # footnote texts, kept apart from ``text``
    mentions: tuple[str, ...] = ()  # symbol keys the passage cites (text and XML references), own keys left out
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "kind": self.kind,
            "citation": self.citation.to_dict(),
            "context": self.context,
            "lang": self.lang,
            "doc_id": self.doc_id,
            "order": self.order,
            "location": self.location,
            "symbols": list(self.symbols),
            "en": self.en,
            "subpoints": [sp.to_dict() for sp in self.subpoints],
            "footnotes": list(self.footnotes),
            "mentions": list(self.mentions),
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Passage:
        return cls(
            id=d["id"],
            text=d["text"],
            kind=d.get("kind", "paragraph"),
            citation=Citation.from_dict(d["citation"]),
            context=d.get("context", ""),
            lang=d.get("lang", "zh"),
            doc_id=d.get("doc_id", ""),
            order=int(d.get("order", 0)),
            location=d.get("location", ""),
            symbols=tuple(d.get("symbols", ())),
            en=d.get("en") or "",
            subpoints=tuple(Subpoint(**sp) for sp in d.get("subpoints") or ()),
            footnotes=tuple(d.get("footnotes") or ()),
            mentions=tuple(d.get("mentions") or ()),
            extra=dict(d.get("extra") or {}),
        )

    @property
    def subprogramme(self) -> str:
        """The breadcrumb element naming the passage's sub-programme ("次级方案 3 常规武器"), or ""."""
        return next((part for part in self.citation.path if _SUBPROGRAMME.match(part)), "")

    @property
    def collection(self) -> str:
        """One of ``COLLECTIONS``."""
        if self.kind in RESOLUTION_KINDS or "/RES/" in self.citation.document:
            return "resolution"
        return "programme" if self.kind in PROGRAMME_KINDS else "document"

    def embed_text(self) -> str:
        """Text given to the encoder: the context header, then the passage."""
        return f"{self.context}：{self.text}" if self.context else self.text


@dataclass(frozen=True)
class Document:
    """A document read by an ingest reader, already segmented into passages."""

    doc_id: str
    symbol: str
    title: str
    lang: str
    source: str  # file path as given
    sha256: str  # hash of the raw bytes (incremental ingest)
    passages: tuple[Passage, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    passage: Passage
    score: float
    rank: int
    sources: tuple[str, ...] = ()  # lanes that found it: "dense", "bm25", "symbol"
    # per lane that found it: {"score": lane score, "rank": rank in that lane} (``--explain``, ranker features)
    explain: dict[str, dict[str, float]] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        out = {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "id": self.passage.id,
            "text": self.passage.text,
            "citation": self.passage.citation.to_dict(),
        }
        if explain:
            out["explain"] = self.explain
        return out


@dataclass(frozen=True)
class AnswerItem:
    """One item of a list answer (a strategy's lettered items, in document order), with its own passage."""

    text: str
    passage_id: str
    label: str  # "3.9 (c)"


@dataclass(frozen=True)
class Answer:
    """The answer sentence, quoted from one passage; for a list question, the list's items as well."""

    text: str
    passage_id: str
    items: tuple[AnswerItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "passage_id": self.passage_id}
        if self.items:
            out["items"] = [{"text": i.text, "passage_id": i.passage_id, "label": i.label} for i in self.items]
        return out


@dataclass(frozen=True)
class SearchResponse:
    """The one output of the one search path (CLI ``--json``, app and eval all use it)."""

    query: str
    abstained: bool
    answer: Answer | None
    hits: tuple[Hit, ...]
    notices: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        return {
            "query": self.query,
            "abstained": self.abstained,
            "answer": self.answer.to_dict() if self.answer else None,
            "results": [h.to_dict(explain) for h in self.hits],
            "notices": list(self.notices),
        }


class UnqaError(Exception):
    """An error with a message meant for the user (printed without a traceback)."""


class IngestError(UnqaError):
    """A document could not be read; the ingest goes on without it."""


class IndexStateError(UnqaError):
    """The index is missing, stale, truncated or built with another encoder."""


class QueryError(UnqaError):
    """The question cannot be searched (empty, whitespace only)."""
