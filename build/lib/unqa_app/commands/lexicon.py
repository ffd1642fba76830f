"""`unqa lexicon build|assoc|translate`: the learned cross-language and paraphrase tables.

- ``unqa lexicon build ../shared/un-xml [--out FILE] [--sessions 75-80]``: the English->Chinese
  translation table (``index/data/lexicon_en_zh.tsv`` + ``lexicon_en_df.tsv`` + ``.meta.json``),
  learned with eflomal from the aligned paragraphs of the GA resolutions of those sessions.
- ``unqa lexicon assoc ../shared/un-xml [--out FILE] [--sessions 75-80] [--include PATH...]``: the
  Chinese term associations (``index/data/assoc_zh.tsv``).
- ``unqa lexicon translate "English question"``: what the committed table makes of a question.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from index.assoc_build import build_assoc
from index.lexicon import ASSOC_FILE, TABLE_FILE, expand, translate
from index.lexicon_build import build_lexicon, parse_sessions, session_dirs
from index.tokenize import tokenize

SOURCE_NOTE = "来源 Source: United Nations (联合国) resolutions, GA sessions as given"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lexicon",
        help="learn the English->Chinese translation table and Chinese term associations",
        description="Learn, from the UN's aligned Chinese/English resolution paragraphs, the translation table that "
        "lets an English question search the Chinese text, and the Chinese term associations used for paraphrase.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="align the paragraph pairs with eflomal and write the table")
    _common(build, TABLE_FILE)
    build.set_defaults(func=run_build)
    assoc = actions.add_parser("assoc", help="learn Chinese term associations (NPMI of paragraph co-occurrence)")
    _common(assoc, ASSOC_FILE)
    assoc.add_argument("--include", type=Path, nargs="*", default=[], help="extra inputs (e.g. corpus/)")
    assoc.set_defaults(func=run_assoc)
    show = actions.add_parser("translate", help="show the Chinese terms the table gives an English question")
    show.add_argument("text", help="an English question (or Chinese tokens, with --expand)")
    show.add_argument("--expand", action="store_true", help="Chinese text: show its associated terms instead")
    show.set_defaults(func=run_translate)


def _common(p: argparse.ArgumentParser, default_out: Path) -> None:
    p.add_argument("root", type=Path, help="the un-xml folder (holding GA/<n>session/{Chinese,English})")
    p.add_argument("--out", type=Path, default=default_out, help=f"output file (default {default_out})")
    p.add_argument("--sessions", default="75-80", help="GA sessions to read, e.g. 75-80 or 74,76-80 (default 75-80)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def run_build(args: argparse.Namespace) -> int:

    stats = build_lexicon(args.root, args.out, parse_sessions(args.sessions), show_progress=not args.no_progress)
    print(
        f"{args.out}: {stats.entries} English entries, {stats.rows} rows from {stats.pairs_used} paragraph pairs "
        f"({stats.pairs_read} read, {stats.pairs_unique} distinct, {stats.documents} documents; "
        f"{stats.phrases} multi-word units) in {stats.seconds.get('total', 0):.0f} s"
    )
    print(SOURCE_NOTE)
    return 0


def run_assoc(args: argparse.Namespace) -> int:

    paths = session_dirs(args.root, parse_sessions(args.sessions)) + list(args.include)
    stats = build_assoc(paths, args.out, show_progress=not args.no_progress)
    print(
        f"{args.out}: {stats.rows} associations for {stats.tokens_with_associates} tokens "
        f"({stats.paragraphs} paragraphs, {stats.vocabulary} tokens counted) in {stats.seconds.get('total', 0):.0f} s"
    )
    print(SOURCE_NOTE)
    return 0


def run_translate(args: argparse.Namespace) -> int:
    terms = expand(tokenize(args.text)) if args.expand else translate(args.text)
    print(json.dumps([{"zh": zh, "weight": w} for zh, w in terms], ensure_ascii=False, indent=2))
    return 0
