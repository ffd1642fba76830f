"""Targets printed next to the figures, each OK / MISS (or n/a when the figure was not taken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (name, section, threshold text, getter of the figure, test)
Target = tuple[str, str, str, Callable[[dict[str, Any]], float | None], Callable[[float], bool]]


MIN_EMBEDDED = 500  # texts a build must embed itself for its embedding rate to be a figure


def _embedded_cold(results: dict[str, Any], corpus: str) -> bool:
    """The build embedded enough texts itself (a cold cache, temporary or simply new to it), so its
    embedding rate compares with the raw encoder's; a rebuild from a warm cache does not."""
    emb = _get(results, corpus, "embedding") or {}
    return bool(emb.get("cold_cache")) or int(emb.get("embedded_cold") or 0) >= MIN_EMBEDDED


def _get(results: dict[str, Any], *path: str) -> Any:
    node: Any = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _total_p95(section: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda r: _get(r, section, "latency", "stages_ms", "total", "p95")


TARGETS: tuple[Target, ...] = (
    ("warm p95 end-to-end, programme", "programme", "<= 30 ms", _total_p95("programme"), lambda v: v <= 30),
    ("warm p95 end-to-end, resolutions", "resolutions", "<= 100 ms", _total_p95("resolutions"), lambda v: v <= 100),
    (
        "non-encode pipeline / bare FAISS+bm25s (p50), programme",
        "programme",
        "<= 1.3x",
        lambda r: _get(r, "programme", "overhead", "ratio_p50"),
        lambda v: v <= 1.3,
    ),
    (
        "non-encode pipeline / bare FAISS+bm25s (p50), resolutions",
        "resolutions",
        "<= 1.3x",
        lambda r: _get(r, "resolutions", "overhead", "ratio_p50"),
        lambda v: v <= 1.3,
    ),
    (
        "embedding in build / raw encoder, programme",
        "programme",
        ">= 0.90",
        lambda r: _get(r, "programme", "embedding", "ratio_to_raw"),
        lambda v: v >= 0.9,
    ),
    (
        "embedding in build / raw encoder, resolutions",
        "resolutions",
        ">= 0.90",
        lambda r: _get(r, "resolutions", "embedding", "ratio_to_raw") if _embedded_cold(r, "resolutions") else None,
        lambda v: v >= 0.9,
    ),
    (
        "programme ingest + build, cold cache (s)",
        "programme",
        "< 30 s",
        lambda r: (
            None
            if _get(r, "programme", "index", "build_seconds") is None
            else _get(r, "programme", "ingest", "seconds") + _get(r, "programme", "index", "build_seconds")
        ),
        lambda v: v < 30,
    ),
    (
        "cold start to first answer, programme (s)",
        "programme",
        "< 5 s",
        lambda r: _get(r, "programme", "cold_start", "to_first_answer_s"),
        lambda v: v < 5,
    ),
    (
        "ANN p95 at scale (ms), uniform random vectors",
        "scale",
        "<= 20 ms",
        lambda r: _get(r, "scale", "dense", "latency_ms", "p95"),
        lambda v: v <= 20,
    ),
    (
        "ANN recall@10 at scale, uniform random vectors",
        "scale",
        ">= 0.95",
        lambda r: _get(r, "scale", "dense", "recall_at_10"),
        lambda v: v >= 0.95,
    ),
    (
        "ANN p95 at scale (ms), clustered vectors",
        "scale",
        "<= 20 ms",
        lambda r: _get(r, "scale", "dense_clustered", "latency_ms", "p95"),
        lambda v: v <= 20,
    ),
    (
        "ANN recall@10 at scale, clustered vectors",
        "scale",
        ">= 0.95",
        lambda r: _get(r, "scale", "dense_clustered", "recall_at_10"),
        lambda v: v >= 0.95,
    ),
    (
        "BM25 p95 at scale (ms)",
        "scale",
        "<= 50 ms",
        lambda r: _get(r, "scale", "bm25", "latency_ms", "p95"),
        lambda v: v <= 50,
    ),
)


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target: name, threshold, value, status (OK / MISS / n/a); scale rows note N."""
    rows = []
    n = _get(results, "scale", "dense", "n")
    for name, _section, threshold, get, ok in TARGETS:
        value = get(results)
        status = "n/a" if value is None else ("OK" if ok(float(value)) else "MISS")
        note = ""
        if "at scale" in name:
            note = f"N={n:,}" if n else ""
            if n and n < 1_000_000:
                note += " (target is for N=1,000,000)"
        rows.append(
            {
                "target": name,
                "threshold": threshold,
                "value": None if value is None else round(float(value), 4),
                "status": status,
                "note": note,
            }
        )
    return rows
