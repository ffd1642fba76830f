"""Learn Chinese term associations (``index/data/assoc_zh.tsv``) behind ``unqa lexicon assoc``.

Normalised PMI of paragraph co-occurrence over the Chinese paragraphs of the UN resolutions (and
any extra inputs, e.g. the programme), on the product's BM25 tokens (``index.tokenize.tokenize``):

    npmi(a, b) = log(N * c(a,b) / (c(a) * c(b))) / -log(c(a,b) / N)

with ``c`` the number of distinct paragraphs holding the token(s). Only Chinese tokens of two or
more characters with ``MIN_DF <= df <= MAX_DF_SHARE * N`` take part; a pair needs ``MIN_COOC``
paragraphs; a token and its own parts (核武器/武器: one contains the other) are not associates, nor
are two overlapping associates kept (核计划 and its part 核计: the better one). Each token keeps its
``TOP_K`` best associates with ``npmi >= MIN_NPMI``. Counts are done with one
sparse paragraph x token matrix, a block of tokens at a time, so memory stays bounded.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from index.lexicon import ASSOC_FILE
from index.tokenize import tokenize
from ingest.load import iter_documents
from unqa.model import Document, UnqaError

logger = logging.getLogger(__name__)

MIN_DF, MAX_DF_SHARE, MIN_COOC = 8, 0.05, 5
TOP_K, MIN_NPMI = 5, 0.3
BLOCK = 512
_HAN2 = re.compile(r"^[\u3400-\u9fff]{2,}$")


@dataclass
class AssocStats:
    """What an association build read and produced (written to ``assoc_zh.meta.json``)."""

    sources: list[str] = field(default_factory=list)
    documents: int = 0
    paragraphs: int = 0
    vocabulary: int = 0
    tokens_with_associates: int = 0
    rows: int = 0
    settings: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def read_paragraphs(paths: Sequence[Path], stats: AssocStats, *, show_progress: bool = True) -> list[str]:
    """Distinct Chinese passage texts under ``paths``."""
    seen: set[str] = set()
    for doc in iter_documents(list(paths), show_progress=show_progress):
        if not isinstance(doc, Document):
            continue
        stats.documents += 1
        seen.update(" ".join(p.text.split()) for p in doc.passages if p.lang == "zh" and p.text.strip())
    stats.paragraphs = len(seen)
    return sorted(seen)


def token_sets(texts: Sequence[str], *, show_progress: bool = True) -> list[set[str]]:
    """The set of Chinese (2+ character) BM25 tokens of each paragraph."""
    from tqdm import tqdm

    return [
        {t for t in tokenize(text) if _HAN2.match(t)}
        for text in tqdm(texts, desc="tokenize", unit="para", disable=not show_progress)
    ]


def doc_term_matrix(sets: Sequence[set[str]]) -> tuple[sparse.csc_matrix, list[str]]:
    """Binary paragraph x token matrix over the tokens inside the document-frequency band."""
    df: dict[str, int] = {}
    for s in sets:
        for t in s:
            df[t] = df.get(t, 0) + 1
    cap = MAX_DF_SHARE * len(sets)
    vocab = sorted(t for t, n in df.items() if MIN_DF <= n <= cap)
    col = {t: i for i, t in enumerate(vocab)}
    rows, cols = [], []
    for r, s in enumerate(sets):
        for t in s:
            if t in col:
                rows.append(r)
                cols.append(col[t])
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csc_matrix((data, (rows, cols)), shape=(len(sets), len(vocab))), vocab


def _overlaps(a: str, b: str) -> bool:
    """One token inside the other (search mode yields 核计划 and 核计, 无异议 and 异议)."""
    return a in b or b in a


def _best(
    token: str, counts: np.ndarray, df: np.ndarray, n: int, vocab: list[str], own: int
) -> list[tuple[str, float, int]]:
    """Top associates of one token from its co-occurrence row."""
    idx = np.nonzero(counts >= MIN_COOC)[0]
    idx = idx[idx != own]
    if idx.size == 0:
        return []
    c = counts[idx]
    npmi = np.log(n * c / (df[own] * df[idx])) / -np.log(c / n)
    lengths = np.array([len(vocab[i]) for i in idx])
    order = np.lexsort((-lengths, -npmi))  # best NPMI first; on a tie the longer token (无异议 before 无异)
    out = []
    for k in order:
        other = vocab[idx[k]]
        if npmi[k] < MIN_NPMI or len(out) == TOP_K:
            break
        if not any(_overlaps(other, seen) for seen in [token, *(o for o, _, _ in out)]):
            out.append((other, round(float(npmi[k]), 4), int(c[k])))
    return out


def associations(x: sparse.csc_matrix, vocab: list[str], *, show_progress: bool = True) -> list[tuple]:
    """(token, associate, npmi, co-occurrences) rows, a block of tokens at a time."""
    from tqdm import tqdm

    n = x.shape[0]
    df = np.asarray(x.sum(axis=0)).ravel()
    xt = x.T.tocsr()
    rows: list[tuple] = []
    for start in tqdm(range(0, len(vocab), BLOCK), desc="associate", unit="block", disable=not show_progress):
        block = (xt[start : start + BLOCK] @ x).toarray()
        for k, counts in enumerate(block):
            token = vocab[start + k]
            rows.extend((token, *assoc) for assoc in _best(token, counts, df, n, vocab, start + k))
    return rows


def write_assoc(rows: list[tuple], out: Path, stats: AssocStats) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    head = [
        "# Chinese term associations: normalised PMI of paragraph co-occurrence in UN resolutions "
        "(source: United Nations); rebuild: unqa lexicon assoc ../shared/un-xml",
        "# token\tassociate\tnpmi\tcount",
    ]
    out.write_text("\n".join(head + ["\t".join(map(str, r)) for r in rows]) + "\n", encoding="utf-8")
    meta = out.with_name(out.name.removesuffix(".tsv") + ".meta.json")
    meta.write_text(json.dumps(asdict(stats), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def assoc_from_texts(texts: Sequence[str], stats: AssocStats, *, show_progress: bool = True) -> list[tuple]:
    t0 = time.perf_counter()
    x, vocab = doc_term_matrix(token_sets(texts, show_progress=show_progress))
    if not vocab:
        raise UnqaError(f"too few paragraphs ({len(texts)}) for associations: no token reaches df {MIN_DF}")
    rows = associations(x, vocab, show_progress=show_progress)
    stats.vocabulary, stats.rows = len(vocab), len(rows)
    stats.tokens_with_associates = len({r[0] for r in rows})
    stats.settings = {"min_df": MIN_DF, "max_df_share": MAX_DF_SHARE, "min_cooc": MIN_COOC, "top_k": TOP_K}
    stats.settings["min_npmi"] = MIN_NPMI
    stats.seconds["associate"] = round(time.perf_counter() - t0, 1)
    return rows


def build_assoc(paths: Sequence[Path], out: Path = ASSOC_FILE, *, show_progress: bool = True) -> AssocStats:
    """Read the Chinese paragraphs under ``paths`` and write the association table to ``out``."""
    stats = AssocStats(sources=[str(p) for p in paths])
    t0 = time.perf_counter()
    texts = read_paragraphs(paths, stats, show_progress=show_progress)
    stats.seconds["read"] = round(time.perf_counter() - t0, 1)
    rows = assoc_from_texts(texts, stats, show_progress=show_progress)
    stats.seconds["total"] = round(time.perf_counter() - t0, 1)
    write_assoc(rows, Path(out), stats)
    return stats
