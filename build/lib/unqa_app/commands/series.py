"""`unqa series KEY`: a resolution's series across sessions (from its own references and titles).

``unqa series 80/46 --json`` prints the chain oldest first, each with symbol, title, session and date,
and what changed between each resolution and its predecessor (paragraphs added, removed, changed).
The resolutions come from the index (``--index``) or from UN XML paths given after the key.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from index import series as S
from index import store
from ingest.pipeline import collect, unique_passages
from unqa.model import UnqaError
from unqa.paths import DEFAULT_INDEX_DIR, set_offline
from unqa.symbols import key_of

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("series", help="a resolution's series across sessions (80/46 -> 79/52 -> ...), with changes")
    p.add_argument("key", help="resolution symbol or key, e.g. 80/46 or A/RES/80/46")
    p.add_argument("paths", nargs="*", type=Path, help="UN XML files or folders to read instead of the index")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX_DIR, help="index folder (default %(default)s)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _passages(args: argparse.Namespace) -> list:
    if args.paths:
        docs, _ = collect(args.paths, subset="first-committee", show_progress=False)
        return unique_passages(docs)

    store.verify(args.index)  # a damaged index is a clear message; a stale one still has the texts
    return store.read_passages(store.current_dir(args.index) / "passages.jsonl")


def _key(text: str) -> str:

    key = key_of(text.strip())
    if not key:
        raise UnqaError(f"{text!r} is not a resolution symbol (try 80/46 or A/RES/80/46)")
    return key


def series_report(key: str, passages: list) -> dict[str, Any]:

    known = S.resolutions(passages)
    if key not in known:
        raise UnqaError(f"resolution {key} is not among the {len(known)} resolutions read")
    items = S.chain(key, known)
    steps = [S.what_changed(a, b) for a, b in zip(items, items[1:], strict=False)]
    return {
        "key": key,
        "chain": [r.to_dict() for r in items],
        "changes": [{"old": s["old"], "new": s["new"], **s["counts"]} for s in steps],
        "cited_predecessors": S.cited_predecessors(known[key]),
    }


def run(args: argparse.Namespace) -> int:
    set_offline()
    report = series_report(_key(args.key), _passages(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for r in report["chain"]:
        print(f"{r['symbol']:<14} {r['date']:<10} {r['title']}")
    for c in report["changes"]:
        print(f"{c['old']} -> {c['new']}: {c['changed']} changed, {c['added']} added, {c['removed']} removed")
    return 0
