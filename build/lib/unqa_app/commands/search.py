"""`unqa search QUESTION | --batch FILE --index DIR --k N [--json]`: the one search path."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from index.config import Filters, SearchConfig
from index.query import clean_query
from index.search import Searcher
from unqa.model import KINDS, SearchResponse, UnqaError
from unqa.paths import DEFAULT_INDEX_DIR, set_offline

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="ask a question (Chinese or English) and get cited passages",
        description="Search the index. With --batch, FILE.jsonl has lines "
        '{"id": ..., "question": ...}; one JSON result per line is printed.',
    )
    p.add_argument("question", nargs="?", help="the question")
    p.add_argument("--batch", type=Path, metavar="FILE", help="JSONL file of questions")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX_DIR)
    p.add_argument("--k", type=int, default=10, help="number of passages (default 10)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--explain", action="store_true", help="each hit's per-lane scores and ranks (JSON: explain)")
    p.add_argument("--doc", action="append", default=[], metavar="SYMBOL", help="only this document (repeatable)")
    p.add_argument("--kind", action="append", default=[], metavar="KIND", help=f"only this kind: {', '.join(KINDS)}")
    p.add_argument(
        "--subprogramme", action="append", default=[], metavar="N", help="only this sub-programme (number or label)"
    )
    p.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid", help=argparse.SUPPRESS)
    p.add_argument("--no-ranker", action="store_true", help="plain fusion, without the learned ranker")
    p.set_defaults(func=run)


def filters_of(args: argparse.Namespace, searcher: Searcher) -> Filters | None:
    """The --doc/--kind/--subprogramme flags as the app's ``Filters`` (the one filtered path)."""
    unknown = [k for k in args.kind if k not in KINDS]
    if unknown:
        raise UnqaError(f"unknown --kind {', '.join(unknown)}; known: {', '.join(KINDS)}")
    labels = sorted({p.subprogramme for p in searcher.passages if p.subprogramme})
    subs = []
    for wanted in args.subprogramme:
        found = [lab for lab in labels if lab == wanted or lab.split()[1:2] == [str(wanted)]]
        if not found:
            raise UnqaError(f"no sub-programme {wanted!r} in the index; known: {'; '.join(labels) or 'none'}")
        subs += found
    filters = Filters(documents=tuple(args.doc), kinds=tuple(args.kind), subprogrammes=tuple(subs))
    return None if filters.is_empty() else filters


def run(args: argparse.Namespace) -> int:
    set_offline()
    if (args.question is None) == (args.batch is None):
        raise UnqaError("give a QUESTION or --batch FILE (not both)")
    if args.question is not None and not args.question.strip():
        raise UnqaError("empty question: type a question in Chinese or English")
    if args.k < 1:
        raise UnqaError("--k must be at least 1")
    searcher = Searcher.load(args.index)
    config = SearchConfig(mode=args.mode, ranker=not args.no_ranker)
    filters = filters_of(args, searcher)
    if args.batch is not None:
        return _batch(searcher, args, config, filters)
    response = searcher.search(args.question, args.k, config=config, filters=filters)
    _notices(response)
    text = (
        json.dumps(response.to_dict(args.explain), ensure_ascii=False) if args.json else render(response, args.explain)
    )
    print(text)
    return 0


def _read_batch(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise UnqaError(f"no such file: {path}")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            items.append({"id": item.get("id", n), "question": str(item["question"])})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UnqaError(f'{path}:{n}: expected {{"id": ..., "question": ...}} ({exc})') from exc
    return items


def _batch(searcher: Any, args: argparse.Namespace, config: SearchConfig, filters: Filters | None) -> int:
    """One JSON object (or block of text) per input line, in input order; the model loads once."""
    items = _read_batch(args.batch)
    errors: dict[int, str] = {}
    for i, item in enumerate(items):
        try:
            clean_query(item["question"])
        except UnqaError as exc:
            errors[i] = str(exc)
    good = [i for i in range(len(items)) if i not in errors]
    responses = dict(
        zip(
            good,
            searcher.batch_search([items[i]["question"] for i in good], args.k, config=config, filters=filters),
            strict=True,
        )
    )
    for i, item in enumerate(items):
        if i in errors:
            out = {"id": item["id"], "query": item["question"], "error": errors[i]}
            print(json.dumps(out, ensure_ascii=False) if args.json else f"[{item['id']}] error: {errors[i]}")
            continue
        out = {"id": item["id"], **responses[i].to_dict(args.explain)}
        print(
            json.dumps(out, ensure_ascii=False)
            if args.json
            else f"[{item['id']}]\n{render(responses[i], args.explain)}"
        )
    return 1 if errors else 0


def _notices(response: SearchResponse) -> None:
    for notice in response.notices:
        print(f"notice: {notice}", file=sys.stderr)


def render(response: SearchResponse, explain: bool = False) -> str:
    """Human-readable result: the answer first, then ranked passages with citations."""
    lines = [f"问题 / Question: {response.query}"]
    if response.abstained:
        lines.append(
            "回答 / Answer: 语料库中没有足够相关的内容回答这个问题。(The corpus does not cover this question.)"
        )
        lines += [f"({n})" for n in response.notices if "filters" in n]
    elif response.answer:
        lines.append(f"回答 / Answer: “{response.answer.text}”  [{response.answer.passage_id}]")
    heading = "最接近的段落 / Closest passages" if response.abstained else "段落 / Passages"
    lines.append(heading + ":")
    for hit in response.hits:
        c = hit.passage.citation
        lines.append(f"{hit.rank:>3}. [{hit.score:.3f}] {c.breadcrumb()}")
        lines.append(f"     {hit.passage.text}")
        if c.url:
            lines.append(f"     {c.url}")
        if explain:
            lanes = ", ".join(f"{name} {v['score']:.3f} (#{int(v['rank'])})" for name, v in hit.explain.items())
            lines.append(f"     lanes: {lanes or '-'}")
    lines.append("资料来源：联合国 / Source: United Nations")
    return "\n".join(lines)
