"""Relevance judgments (thumbs up/down) from the app, appended as JSON lines.

Several app sessions (threads of one Streamlit server, or several servers) may write at once.
Each judgment is one ``os.write`` of one complete line to a descriptor opened with ``O_APPEND``,
under an exclusive ``fcntl.flock``: lines are never lost or interleaved.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unqa import paths as config

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000


def judgment(query: str, passage_id: str, relevant: bool, session: str) -> dict[str, Any]:
    """The record written for one thumb."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "query": str(query)[:MAX_QUERY_CHARS],
        "passage_id": str(passage_id),
        "relevant": bool(relevant),
        "session": str(session),
    }


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def append_line(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` as one JSON line to ``path`` atomically with respect to other writers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            _write_all(fd, data)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def record(query: str, passage_id: str, relevant: bool, session: str, *, path: Path | None = None) -> dict:
    """Write one judgment to ``path`` (default ``unqa.paths.JUDGMENTS_FILE``) and return it."""
    rec = judgment(query, passage_id, relevant, session)
    target = Path(path) if path is not None else config.JUDGMENTS_FILE
    append_line(target, rec)
    logger.info("judgment %s for %s recorded in %s", rec["relevant"], passage_id, target)
    return rec


def read(path: Path | None = None) -> list[dict[str, Any]]:
    """All well-formed judgments in ``path`` (malformed lines are skipped with a warning)."""
    target = Path(path) if path is not None else config.JUDGMENTS_FILE
    if not target.exists():
        return []
    out = []
    for n, line in enumerate(target.read_text(encoding="utf-8").splitlines(), 1):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            logger.warning("%s:%d: malformed judgment line skipped", target, n)
    return out
