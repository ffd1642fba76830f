"""`unqa mandates SYMBOL [--index DIR] [--json]`: the mandate graph of one programme mandate.

For a programme mandate (``64/48``, ``A/RES/64/48``, ``第64/48号决议``): the programme entry, the
resolution itself when the index holds it, and every later resolution in the index that recalls it,
with the citing paragraphs. For a resolution or a paragraph id (``A/RES/75/64``, ``A/RES/75/64#pp3``):
the programme mandates it continues. Reads the index's passages only; no encoder is loaded.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from index import store
from index.mandates import build_graph, resolve_key
from unqa.model import UnqaError
from unqa.paths import DEFAULT_INDEX_DIR

SOURCE_NOTE = "来源 Source: United Nations (联合国)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mandates",
        help="a programme mandate and the later resolutions that recall it",
        description="Show a programme mandate (e.g. 64/48 or A/RES/64/48): its programme entry, the resolution "
        "itself if indexed, and the later resolutions in the index that recall it. Given a resolution symbol "
        "or a paragraph id (A/RES/75/64#pp3) that is not a programme mandate, show the mandates it continues.",
    )
    p.add_argument("symbol", help="mandate symbol (64/48, A/RES/64/48, 1540 (2004)) or resolution/paragraph id")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX_DIR, help=f"index folder (default {DEFAULT_INDEX_DIR})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def load_graph(index_dir: Path) -> Any:
    """The mandate graph of the index at ``index_dir`` (passages only, no encoder)."""

    return build_graph(store.read_passages(store.current_dir(index_dir) / store.PASSAGES))


def lookup(graph: Any, ref: str) -> dict[str, Any]:
    """``{"mandate": entry}`` or ``{"resolution": ref, "continues": [...]}``; UnqaError when unknown."""

    ref = ref.strip()
    if not ref:
        raise UnqaError("give a mandate symbol, e.g. 64/48 or A/RES/64/48")
    if ref not in graph.by_id:
        entry = graph.entry(ref)
        if entry is not None:
            return {"mandate": entry}
    paras = graph.paragraphs_of(ref)
    if paras:
        return {
            "resolution": ref,
            "document": paras[0].citation.document,
            "title": paras[0].citation.title,
            "continues": graph.continues(ref),
        }
    key = resolve_key(ref)
    if key is None:
        raise UnqaError(f"{ref!r} is not a UN document symbol (try 64/48, A/RES/64/48 or 1540 (2004))")
    raise UnqaError(
        f"{ref} ({key}) is neither a mandate of the indexed programme nor a resolution in the index "
        f"({len(graph.mandates)} mandates, {len(graph.by_doc)} resolutions indexed)"
    )


def run(args: argparse.Namespace) -> int:
    result = lookup(load_graph(args.index), args.symbol)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return 0


# ---------------------------------------------------------------- text output


def render(result: dict[str, Any]) -> str:
    lines = render_entry(result["mandate"]) if "mandate" in result else render_continues(result)
    return "\n".join([*lines, "", SOURCE_NOTE])


def _paragraph_lines(paragraphs: list[dict[str, Any]], indent: str) -> list[str]:
    out = []
    for para in paragraphs:
        out.append(f"{indent}{para['citation']}  [{para['id']}]")
        out.append(f"{indent}  {para['snippet']}")
        if para.get("snippet_en"):
            out.append(f"{indent}  EN: {para['snippet_en']}")
    return out


def render_entry(entry: dict[str, Any]) -> list[str]:
    prog = entry["programme_entry"]
    lines = [
        f"{entry['symbol']}  {entry['title']}",
        f"方案授权 Programme mandate: {prog['citation']}",
        f"  {prog['text']}",
    ]
    if prog.get("url"):
        lines.append(f"  {prog['url']}")
    own = entry["resolution_in_corpus"]
    if own:
        lines.append(
            f"本决议 Resolution in the index: {own['symbol']} {own['title']} ({own['date']}, "
            f"{own['paragraphs']} 段 paragraphs)"
        )
    else:
        lines.append("本决议 Resolution in the index: 未收录 not indexed")
    recalled = entry["recalled_by"]
    if not recalled:
        lines.append("后续决议 Recalled by: 索引中没有后续决议援引此授权 no later resolution in the index cites it")
        return lines
    lines.append(f"后续决议 Recalled by: {len(recalled)} 项决议 resolution(s)")
    for res in recalled:
        lines.append(f"- {res['date']}  {res['symbol']}  {res['title']}")
        if res.get("url"):
            lines.append(f"    {res['url']}")
        lines.extend(_paragraph_lines(res["paragraphs"], "    "))
    return lines


def render_continues(result: dict[str, Any]) -> list[str]:
    lines = [f"{result['resolution']}  {result['title']}"]
    found = result["continues"]
    if not found:
        lines.append("延续的方案授权 Continues programme mandates: 无 none found in the index")
        return lines
    lines.append(f"延续的方案授权 Continues programme mandates: {len(found)}")
    for m in found:
        how = "即该授权本身 is the mandate itself" if m["relation"] == "same" else "援引 recalls"
        lines.append(f"- {m['symbol']}  {m['title']}  ({how})")
        lines.append(f"    {m['programme_entry']['citation']}")
        lines.extend(_paragraph_lines(m["paragraphs"], "    "))
    return lines
