"""`unqa judgments`: the relevance judgments made in the app and the workbench (SQLite store).

``unqa judgments export --trec FILE`` writes TREC qrels (one verdict per question and passage, the
latest vote wins) and ``FILE.queries.tsv``; ``--jsonl FILE`` writes every vote with its filters,
rank, system and index build id. ``unqa judgments list`` prints the store's location and counts.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from eval.judgments import JudgmentStore, default_path, export_jsonl, export_trec
from unqa.model import UnqaError

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:

    p = sub.add_parser("judgments", help="export the relevance judgments made in the app (TREC qrels, JSONL)")
    p.add_argument("--db", type=Path, default=default_path(), help="judgment store (default %(default)s)")
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    exp = acts.add_parser("export", help="write the judgments as TREC qrels and/or JSON lines")
    exp.add_argument("--trec", type=Path, help="TREC qrels file to write")
    exp.add_argument("--jsonl", type=Path, help="JSON lines file to write (readable by unqa eval --judgments)")
    acts.add_parser("list", help="where the store is and how many votes it holds")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    if args.action == "export" and not (args.trec or args.jsonl):
        raise UnqaError("unqa judgments export: give --trec FILE and/or --jsonl FILE")
    if not Path(args.db).exists():
        raise UnqaError(f"no judgment store at {args.db} (votes are stored there once someone judges a passage)")
    with JudgmentStore(args.db) as store:
        votes = store.all()
    if args.action == "list":
        judges = len({v.judge for v in votes})
        print(f"{args.db}: {len(votes)} votes by {judges} judge(s) on {len({v.query for v in votes})} questions")
        return 0
    if args.trec:
        print(f"wrote {export_trec(votes, args.trec)} qrels to {args.trec} (queries in {args.trec}.queries.tsv)")
    if args.jsonl:
        print(f"wrote {export_jsonl(votes, args.jsonl)} votes to {args.jsonl}")
    return 0
