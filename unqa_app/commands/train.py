"""`unqa train ranker|abstain`: learn the ranker and the abstention model from the dev side.

Both train on the eval index (``corpus/`` plus ``eval/resolutions.txt``, built or reused as ``unqa eval``
does) and the dev gold set; the blind set is never read. ``make ranker`` runs both.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from eval import harness, train
from eval.gold import GOLD_FILE, RESOLUTIONS_FILE, load_gold, read_resolution_list
from eval.judgments import read_records
from index import abstain, ranker
from index.search import Searcher
from unqa.model import UnqaError
from unqa.paths import CORPUS_DIR, REPO_ROOT, SHARED_DIR, set_offline

logger = logging.getLogger(__name__)

DEFAULT_INDEX = REPO_ROOT / "eval" / "results" / "index"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the learned ranker or the abstention model (dev set only)")
    p.add_argument("what", choices=("ranker", "abstain"), help="which model")
    p.add_argument("--gold", type=Path, default=GOLD_FILE, help="dev gold questions (never the blind set)")
    p.add_argument("--resolutions", type=Path, default=RESOLUTIONS_FILE, help="resolution files of the eval index")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="eval index folder (built when stale)")
    p.add_argument(
        "--also-index", type=Path, action="append", default=[], metavar="DIR",
        help="ranker: another built index (e.g. the whole corpus) whose candidates for the same questions join "
        "the training and get their own cross-validated figures",
    )  # fmt: skip
    p.add_argument("--judgments", type=Path, default=None, help="app judgments (SQLite store or JSONL)")
    p.add_argument("--out", type=Path, default=None, help="model file (default: the shipped one in index/data)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    set_offline()
    if "gold_test" in args.gold.name:
        raise UnqaError("the blind set is for reporting only: train on the dev set (eval/gold.jsonl)")
    questions = load_gold(args.gold)
    paths = harness.corpus_sources(CORPUS_DIR, SHARED_DIR, read_resolution_list(args.resolutions))
    searcher = harness.ensure_index(args.index, paths)
    if args.what == "ranker":
        also = [(d.name, Searcher.load(d)) for d in args.also_index]
        out = args.out or ranker.MODEL_FILE
        report = train.train_ranker(searcher, questions, read_records(args.judgments), out, also)
        print(json.dumps({"cv": report["cv"], "examples": report["examples"]}, ensure_ascii=False, indent=2))
    else:
        report = train.train_abstainer(searcher, questions, args.out or abstain.MODEL_FILE)
        print(json.dumps(report["cv"], ensure_ascii=False, indent=2))
    return 0
