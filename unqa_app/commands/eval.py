"""`unqa eval`: score every search system against the gold set (and regenerate the README table).

One command, from scratch: build (or reuse) the eval index from ``corpus/`` plus the resolutions
listed in ``eval/resolutions.txt``, run each condition of ``eval/conditions.yaml``, write TREC
runs, qrels, metrics.json, results.md and comparison.png, and check against the expected scores.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from eval import harness, report
from eval.gold import GOLD_FILE, RESOLUTIONS_FILE, load_gold, programme_only, read_resolution_list
from eval.harness import ensure_index
from eval.judgments import default_path
from eval.report import main_table, significance_text, summary_line
from unqa.model import UnqaError
from unqa.paths import CORPUS_DIR, REPO_ROOT, SHARED_DIR

logger = logging.getLogger(__name__)

DEFAULT_OUT = REPO_ROOT / "eval" / "results"
CONDITIONS_FILE = REPO_ROOT / "eval" / "conditions.yaml"


def register(sub: argparse._SubParsersAction) -> None:

    p = sub.add_parser("eval", help="evaluate retrieval against the gold set (TREC runs, metrics, chart)")
    p.add_argument("--gold", type=Path, default=GOLD_FILE, help="gold questions (JSONL)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default eval/results)")
    p.add_argument("--index", type=Path, default=None, help="eval index folder (default OUT/index)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the eval indexes even if up to date")
    p.add_argument("--update-readme", action="store_true", help="rewrite the results block of README.md")
    p.add_argument("--conditions", type=Path, default=CONDITIONS_FILE, help="systems and expected scores")
    p.add_argument("--resolutions", type=Path, default=RESOLUTIONS_FILE, help="resolution files to index")
    p.add_argument(
        "--subset",
        choices=("all", "programme"),
        default="all",
        help="programme: only the programme questions and corpus/ (no resolutions)",
    )
    p.add_argument(
        "--judgments",
        type=Path,
        default=default_path(),
        help="relevance judgments from the app: the SQLite store (default %(default)s) or a JSONL export",
    )
    p.add_argument("-k", type=int, default=10, help="hits per question (default 10)")
    p.add_argument(
        "--record-expected",
        action="store_true",
        help="write this run's scores as the expected scores of --conditions (new reference run)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    questions = load_gold(args.gold)
    resolutions = [] if args.subset == "programme" else read_resolution_list(args.resolutions)
    if args.subset == "programme":
        questions = programme_only(questions)
    systems = harness.load_conditions(args.conditions)
    if not questions or not systems:
        raise UnqaError("nothing to evaluate (no questions or no conditions)")
    paths = harness.corpus_sources(CORPUS_DIR, SHARED_DIR, resolutions)
    searchers = _searchers(args, systems, paths)
    qrels, responses, results = harness.evaluate_systems(questions, searchers, systems, args.judgments, args.k)
    report.write_outputs(args.out, questions, qrels, responses, results)
    _print_summary(results, harness.check_expected(systems, results["systems"]), args.out)
    if args.update_readme:
        report.update_readme(REPO_ROOT / "README.md", results, blind="test" in Path(args.gold).name)
    if args.record_expected:
        harness.record_expected(args.conditions, results["systems"])
        print(f"expected scores recorded in {args.conditions} for this CPU family ({harness.cpu_family()})")
    return 0


def _searchers(args: argparse.Namespace, systems: list, paths: list[Path]) -> dict:

    out = Path(args.out)
    searchers = {"main": ensure_index(args.index or out / "index", paths, rebuild=args.rebuild)}
    for name in sorted({s.index for s in systems} - {"main"}):
        if name not in harness.INDEX_VARIANTS:
            raise UnqaError(f"unknown index {name!r} in the conditions: main, {', '.join(harness.INDEX_VARIANTS)}")
        overrides = harness.INDEX_VARIANTS[name]
        searchers[name] = ensure_index(out / f"index-{name}", paths, rebuild=args.rebuild, **overrides)
    return searchers


def _print_summary(results: dict, checks: list[tuple[str, str, str]], out: Path) -> None:

    print(summary_line(results))
    print(main_table(results))
    print(significance_text(results))
    j = results["provenance"]["judgments"]
    print(f"app judgments: {j['matched']} matched gold questions, {j['added']} qrels added")
    for status, name, detail in checks:
        print(f"[{status}] {name}: {detail}")
    print(f"outputs in {out}")
