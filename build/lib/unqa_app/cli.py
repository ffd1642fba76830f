"""The ``unqa`` command line: one console script, one sub-command per stage.

Each sub-command lives in ``unqa_app/commands/<name>.py`` and exposes ``register(subparsers)``;
the handler it sets returns the process exit status.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from unqa import __version__
from unqa.model import UnqaError

logger = logging.getLogger(__name__)

COMMANDS = ("ingest", "search", "app", "eval", "bench", "mandates", "series", "judgments", "audit", "lexicon", "train")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unqa",
        description="Search and question answering over UN programme and resolution texts "
        "(source of the texts: United Nations).",
    )
    parser.add_argument("--version", action="version", version=f"unqa {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"unqa_app.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("unqa", "ingest", "index", "eval"):
        logging.getLogger(name).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except UnqaError as exc:
        print(f"unqa {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
