"""From paths to passages: read every document (one bad document never stops the run), drop
duplicate passage ids, and summarise what was read and what was skipped."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.load import Skipped, iter_documents
from unqa.model import Document, Passage

logger = logging.getLogger(__name__)


def collect(paths: Sequence[Path], subset: str = "all", show_progress: bool = True) -> tuple[list[Document], list]:
    """Documents read from ``paths`` and the inputs skipped (``ingest.load.Skipped``) with reasons."""

    docs: list[Document] = []
    skipped: list[Skipped] = []
    for item in iter_documents([Path(p) for p in paths], subset=subset, show_progress=show_progress):
        (skipped if isinstance(item, Skipped) else docs).append(item)
    return docs, skipped


def unique_passages(docs: Sequence[Document]) -> list[Passage]:
    """All passages in document order; a repeated passage id keeps its first occurrence."""
    seen: set[str] = set()
    out: list[Passage] = []
    repeated: Counter[str] = Counter()
    for doc in docs:
        for p in doc.passages:
            if p.id in seen:
                repeated[doc.source] += 1
                continue
            seen.add(p.id)
            out.append(p)
    for source, n in repeated.items():
        logger.warning("%s repeats %d passage ids already read: kept the first of each", source, n)
    return out


def summary(docs: Sequence[Document], skipped: Sequence[Any], passages: Sequence[Passage]) -> dict[str, Any]:
    return {
        "documents_read": len(docs),
        "passages": len(passages),
        "passages_per_document": {d.doc_id: len(d.passages) for d in docs},
        "passages_per_kind": dict(Counter(p.kind for p in passages).most_common()),
        "skipped": [{"source": s.source, "reason": s.reason} for s in skipped],
    }
