"""`unqa audit PATH... [--json] [--out FILE]`: check every citation the product would give.

PATH is any mix of UN XML files, folders and the per-language zips (read as ``unqa ingest`` reads
them), or a built index folder (its ``passages.jsonl`` is audited). Reads XML only; no encoder.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from index import store
from ingest.audit import (
    audit_index,
    audit_paths,
    compare_markdown,
    condensed,
    reader_total,
    to_markdown,
    worst_markdown,
)
from unqa.model import UnqaError

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="audit the citations of UN XML files or of a built index",
        description="Report, per document: operative numbering that is not 1..N, unnumbered operative "
        "paragraphs, empty preambles or operative parts, parts missing from the text or the symbol, zh/en pairs "
        "that disagree, footnote markers left in text and links that cannot be right. PATH: UN XML files, folders, "
        "zips, or an index folder.",
    )
    p.add_argument("paths", nargs="+", type=Path, help="UN XML files/folders/zips, or a built index folder")
    p.add_argument("--json", action="store_true", help="print the full audit as JSON")
    p.add_argument("--out", type=Path, help="also write the full audit (JSON) to this file")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--summary", type=Path, help="write summary.md and summary.json (counts, worst 20) to this folder")
    p.add_argument("--before", type=Path, help="an earlier audit (--out JSON or summary.json) to compare with")
    p.set_defaults(func=run)


def _index_passages(path: Path) -> Path | None:
    """``passages.jsonl`` of an index folder (or the file itself), None for anything else."""
    if path.is_file() and path.name == store.PASSAGES:
        return path
    if path.is_dir() and ((path / "current").exists() or (path / store.PASSAGES).exists()):
        return store.current_dir(path) / store.PASSAGES
    return None


def audit(paths: list[Path], show_progress: bool = True) -> dict[str, Any]:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UnqaError(f"no such file or folder: {', '.join(missing)}")
    jsonl = [_index_passages(p) for p in paths]
    if all(jsonl) and len(jsonl) == 1:
        return audit_index(jsonl[0])  # type: ignore[arg-type]
    if any(jsonl):
        raise UnqaError("audit one index at a time, or UN XML paths only")
    return audit_paths(paths, show_progress=show_progress)


def _earlier(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnqaError(f"cannot read the earlier audit {path}: {exc}") from exc
    return data.get("after", data)  # a summary.json holds {"before", "after"}


def write_summary(folder: Path, after: dict[str, Any], before: dict[str, Any] | None) -> None:
    """``summary.json`` ({"before", "after"}: counts, totals, worst 20) and ``summary.md`` beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"before": condensed(before) if before else None, "after": condensed(after)}
    (folder / "summary.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    parts = ["# Citation audit (`unqa audit`)", "", f"Inputs: {', '.join(after['inputs'])}", ""]
    if before:
        parts += [compare_markdown(before, after), worst_markdown(before, "## Worst 20 documents before")]
        parts += [worst_markdown(after, "## Worst 20 documents after")]
    else:
        parts.append(to_markdown(after, "Counts"))
    parts.append("Source of the texts: United Nations (UN XML as published by the UN).\n")
    (folder / "summary.md").write_text("\n".join(parts), encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    before = _earlier(args.before) if args.before else None
    summary = audit(list(args.paths), show_progress=not args.no_progress)
    if args.summary:
        write_summary(args.summary, summary, before)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(to_markdown(summary), end="")
        print(f"\nAnomalies the product is answerable for: {reader_total(summary)}")
        print("Source: United Nations (UN XML as published on the UN's document system).")
    return 0
