"""What every lane is: a name, the files it owns, and ``search(query, depth, selection) -> Run``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.config import Filters
from index.query import Query


@dataclass(frozen=True)
class Run:
    """One lane's answer: passage row -> score (higher is better), under the lane's name."""

    name: str
    scores: dict[int, float]

    def ranks(self) -> dict[int, int]:
        """Row -> rank from 1 (ties broken by row, like the fusion)."""
        ordered = sorted(self.scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return {row: rank for rank, (row, _) in enumerate(ordered, start=1)}


@dataclass(frozen=True)
class Selection:
    """The rows a filtered search may return: the filters (for engines) and their boolean row mask."""

    filters: Filters
    mask: np.ndarray
    deep: bool = True  # a user's filter: dense lanes look deeper so it still leaves enough candidates

    def keep(self, scores: dict[int, float]) -> dict[int, float]:
        return {row: s for row, s in scores.items() if self.mask[row]}


def restrict(scores: dict[int, float], selection: Selection | None) -> dict[int, float]:
    return scores if selection is None else selection.keep(scores)


class Lane(Protocol):
    name: str

    def search(self, query: Query, depth: int, selection: Selection | None = None) -> Run: ...
