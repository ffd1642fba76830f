"""`unqa bench` (placeholder until its stage lands)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="bench (not yet available)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("unqa bench: not yet available")
    return 1
