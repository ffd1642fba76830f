"""Relevance judgments from the app and the workbench, kept in SQLite (standard library, WAL mode).

One row per (question, passage, judge, target): the latest vote wins (an upsert), ``undo`` deletes the
row, so votes show again on reload and a change of mind never leaves a contradicting line behind.
Each row carries the filters, the rank the passage had, the system and the index build id.
``target`` is ``"passage"`` for a result card and ``"answer"`` for the answer sentence.

The database lives in the user's data directory (``$UNQA_DATA``, else ``$XDG_DATA_HOME/unqa``, else
``~/.local/share/unqa``), never in the repository. Several app processes may write at once: every
write is one short transaction and SQLite's busy timeout serialises them, so nothing is lost.
``unqa eval`` reads the store through :func:`read_records` (legacy JSONL files are still accepted).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.gold import read_judgments

logger = logging.getLogger(__name__)

DB_NAME = "judgments.sqlite3"
LOCAL_JUDGE = "local"  # the judge of an app user who gave no name
MAX_QUERY_CHARS = 1000
TARGETS = ("passage", "answer")
BUSY_TIMEOUT_S = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS judgments (
    query TEXT NOT NULL,
    passage_id TEXT NOT NULL,
    judge TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT 'passage',
    relevant INTEGER NOT NULL,
    rank INTEGER,
    system TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '{}',
    build_id TEXT NOT NULL DEFAULT '',
    page TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL,
    PRIMARY KEY (query, passage_id, judge, target)
)
"""


def data_dir() -> Path:
    """The user's data directory for unqa (``UNQA_DATA`` overrides)."""
    if os.environ.get("UNQA_DATA"):
        return Path(os.environ["UNQA_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "unqa"


def default_path() -> Path:
    return data_dir() / DB_NAME


@dataclass(frozen=True)
class Vote:
    """One judgment as stored."""

    query: str
    passage_id: str
    judge: str
    relevant: bool
    target: str = "passage"
    rank: int | None = None
    system: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    build_id: str = ""
    page: str = ""
    time: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _vote(row: sqlite3.Row) -> Vote:
    d = dict(row)
    d["relevant"] = bool(d["relevant"])
    d["filters"] = json.loads(d["filters"] or "{}")
    return Vote(**d)


class JudgmentStore:
    """The SQLite judgment store; one connection per instance (open one per thread or process)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            logger.warning("judgment store %s is in %s mode, not WAL", self.path, mode)
        self._db.execute(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> JudgmentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def journal_mode(self) -> str:
        return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    def vote(self, vote: Vote) -> Vote:
        """Store ``vote``, replacing the judge's earlier vote on the same question, passage and target."""
        if vote.target not in TARGETS:
            raise ValueError(f"unknown judgment target {vote.target!r} (choose from {', '.join(TARGETS)})")
        row = {**vote.to_dict(), "query": vote.query[:MAX_QUERY_CHARS], "time": vote.time or _now()}
        row["relevant"] = int(bool(vote.relevant))
        row["filters"] = json.dumps(vote.filters, ensure_ascii=False, sort_keys=True)
        cols = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        with self._write() as db:
            db.execute(f"INSERT OR REPLACE INTO judgments ({cols}) VALUES ({marks})", row)
        logger.info("judgment %s by %s on %s stored in %s", vote.relevant, vote.judge, vote.passage_id, self.path)
        return Vote(**{**row, "relevant": bool(row["relevant"]), "filters": vote.filters})

    def undo(self, query: str, passage_id: str, judge: str, target: str = "passage") -> bool:
        """Withdraw the judge's vote; True when there was one."""
        with self._write() as db:
            cur = db.execute(
                "DELETE FROM judgments WHERE query = ? AND passage_id = ? AND judge = ? AND target = ?",
                (query[:MAX_QUERY_CHARS], passage_id, judge, target),
            )
        return cur.rowcount > 0

    def votes_for(self, query: str, judge: str) -> dict[tuple[str, str], bool]:
        """The judge's current votes on a question, keyed by (passage id, target)."""
        rows = self._db.execute(
            "SELECT passage_id, target, relevant FROM judgments WHERE query = ? AND judge = ?",
            (query[:MAX_QUERY_CHARS], judge),
        )
        return {(r["passage_id"], r["target"]): bool(r["relevant"]) for r in rows}

    def all(self) -> list[Vote]:
        """Every stored vote, oldest first."""
        rows = self._db.execute("SELECT * FROM judgments ORDER BY time, query, passage_id, judge")
        return [_vote(r) for r in rows]


def qid_of(query: str) -> str:
    """A TREC query id for a free-text question (stable across exports)."""
    return "q" + hashlib.sha1(" ".join(query.split()).encode("utf-8")).hexdigest()[:12]


def latest_by_passage(votes: list[Vote]) -> dict[tuple[str, str], bool]:
    """One verdict per (question, passage) over all judges: the latest vote wins."""
    out: dict[tuple[str, str], bool] = {}
    for v in sorted(votes, key=lambda v: v.time):
        out[(v.query, v.passage_id)] = v.relevant
    return out


def export_trec(votes: list[Vote], path: Path) -> int:
    """TREC qrels (``qid 0 passage_id rel``) plus ``<path>.queries.tsv`` mapping qids to questions."""
    latest = latest_by_passage(votes)
    lines = [f"{qid_of(q)} 0 {pid} {int(rel)}" for (q, pid), rel in sorted(latest.items())]
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    queries = sorted({q for q, _ in latest})
    tsv = "".join(f"{qid_of(q)}\t{q}\n" for q in queries)
    Path(f"{path}.queries.tsv").write_text(tsv, encoding="utf-8")
    return len(lines)


def export_jsonl(votes: list[Vote], path: Path) -> int:
    """Every vote as a JSON line (the fields ``unqa eval --judgments FILE.jsonl`` reads, and the rest)."""
    text = "".join(json.dumps(v.to_dict(), ensure_ascii=False) + "\n" for v in votes)
    Path(path).write_text(text, encoding="utf-8")
    return len(votes)


def read_records(path: Path | None) -> list[dict[str, Any]]:
    """Judgments as ``unqa eval`` merges them (query, pid, relevant, time): from the SQLite store,
    or from a JSONL file (an export or the old app file). A missing file gives []."""
    if path is None or not Path(path).exists():
        return []
    if Path(path).suffix == ".jsonl":
        return read_judgments(Path(path))
    with JudgmentStore(path) as store:
        votes = [v for v in store.all() if v.target == "passage"]
    return [{"query": v.query, "pid": v.passage_id, "relevant": v.relevant, "time": v.time} for v in votes]
