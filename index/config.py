"""Search settings: every lane switch, weight, bonus and threshold lives here.

``SearchConfig`` is written into the index manifest and into eval's ``metrics.json``; eval switches
levers off through it (``eval/conditions.yaml``). The defaults were tuned on the dev gold set
(``eval/gold.jsonl``) only; see ``eval/README.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SearchConfig:
    """Levers of the hybrid. ``mode`` picks a single system for side-by-side evaluation."""

    mode: str = "hybrid"  # "hybrid" | "bm25" | "dense"
    symbol_lane: bool = True  # exact lane for UN document symbols in the question
    structure_lane: bool = True  # sub-programme / paragraph / kind / "who is responsible" references
    glossary: bool = True  # curated English terms -> Chinese terms for the keyword side
    lexicon: bool = True  # English words -> Chinese tokens learned from aligned UN paragraphs (weighted)
    english_lane: bool = True  # BM25 over the English parallel text for English questions
    chars_lane: bool = True  # BM25 over character bigrams for Chinese questions
    sentence_lane: bool = True  # a passage's dense score is its best sentence's when higher
    weighted_fusion: bool = True  # language-aware convex fusion (False: plain RRF)
    ranker: bool = True  # the learned ranker re-orders the fused top candidates (when its model exists)
    abstain: bool = True
    newest_first: bool = True  # near-ties between sessions of one resolution series: the newest first
    rrf_k: int = 60
    depth: int = 100  # candidates taken from each lane before fusion
    filtered_depth: int = 20_000  # dense candidates scanned when filters are set
    rerank_depth: int = 30  # fused candidates the ranker re-orders
    collection_quota: int = 10  # and the best fused candidates of each collection (programme, resolutions...)
    # each ranked lane also returns the programme's own best passages (when the programme is under half
    # the index): a whole-corpus index's 100k resolution paragraphs would otherwise crowd them out
    programme_depth: int = 8
    ranker_blend: float = 0.0  # weight of the fusion's (scaled) score beside the ranker's (0: the model alone)
    # (dense, bm25) per question language; grid-searched on the dev gold set
    weights_zh: tuple[float, float] = (0.6, 0.4)
    weights_en_terms: tuple[float, float] = (0.4, 0.6)  # English question with glossary/lexicon terms
    chars_weight: float = 0.6  # character-bigram BM25 added to the keyword side (Chinese questions)
    weights_en: tuple[float, float] = (1.0, 0.0)  # English question with no Chinese term at all
    glossary_weight: float = 0.3  # weight of the curated glossary's Chinese terms in the keyword query
    lexicon_weight: float = 0.8  # weight of the learned translations (times p and idf); tuned on dev with the above
    associations: bool = True  # expand Chinese questions with corpus term associations (PMI): a lever
    associations_per_token: int = 2
    associations_weight: float = 0.2
    own_symbol_boost: float = 10.0  # passages that are the document a symbol in the question names
    mandate_bonus: float = 0.5
    mention_boost: float = 1.0  # passages citing that symbol
    named_first: bool = True  # a question that is only a symbol: that document's passages first
    subprogramme_bonus: float = 0.3
    paragraph_bonus: float = 10.0
    responsible_bonus: float = 0.5
    kind_bonus: float = 0.15
    duplicate_similarity: float = 0.7  # near-identical paragraphs of a series (bigram Jaccard): the newest first
    answer_margin: float = 0.1  # a sentence of another top passage must beat hit 1's best by this to lead
    answer_states_fact: bool = True  # a question asking for a date, a count...: answered by a sentence stating one
    treaty_named_share: float = 0.8  # a fact about a treaty the question names: its passage shows this much of the name
    count_window: int = 8  # a count of what the question counts: named within this many characters after the number
    # abstention (rules used when no learned abstention model is present)
    abstain_dense_zh: float = 0.85
    abstain_dense_en: float = 0.72
    abstain_dense_en_no_terms: float = 0.80
    abstain_lexical: float = 0.15
    filtered_evidence: float = 0.5  # filtered hits must hold this share of the best hits' question words
    abstain_threshold: float | None = None  # learned model: abstain below this P(answerable) (None: the model's)

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def weights(self, lang: str) -> tuple[float, float]:
        return {"zh": self.weights_zh, "en-terms": self.weights_en_terms}.get(lang, self.weights_en)


@dataclass(frozen=True)
class Filters:
    """Narrow results; empty tuples mean no restriction."""

    documents: tuple[str, ...] = ()  # citation.document values
    subprogrammes: tuple[str, ...] = ()  # breadcrumb element, e.g. "次级方案 3 常规军备..."
    kinds: tuple[str, ...] = ()  # Passage.kind values
    langs: tuple[str, ...] = field(default=())

    def is_empty(self) -> bool:
        return not (self.documents or self.subprogrammes or self.kinds or self.langs)

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in asdict(self).items() if v}
