"""Search settings: which lanes run and how they are fused. Eval switches levers off through these."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchConfig:
    """Levers of the hybrid. ``mode`` picks a single system for side-by-side evaluation."""

    mode: str = "hybrid"  # "hybrid" | "bm25" | "dense"
    symbol_lane: bool = True  # exact lane for UN document symbols in the question
    structure_lane: bool = True  # sub-programme / paragraph / kind / "who is responsible" references
    glossary: bool = True  # English terms -> Chinese terms for the keyword side
    weighted_fusion: bool = True  # language-aware fusion weights (False: plain RRF)
    rrf_k: int = 60
    depth: int = 100  # candidates taken from each lane before fusion
    abstain: bool = True


@dataclass(frozen=True)
class Filters:
    """Narrow results; empty tuples mean no restriction."""

    documents: tuple[str, ...] = ()  # citation.document values
    subprogrammes: tuple[str, ...] = ()  # breadcrumb element, e.g. "次级方案 3 常规军备..."
    kinds: tuple[str, ...] = ()  # Passage.kind values
    langs: tuple[str, ...] = field(default=())

    def is_empty(self) -> bool:
        return not (self.documents or self.subprogrammes or self.kinds or self.langs)
