"""Dense lane: the question's e5 vector against the passages' vectors (engine table ``passages``)."""

from __future__ import annotations

from index.engines.base import Engine
from index.lanes.base import Run, Selection
from index.query import Query

TABLE = "passages"


class DenseLane:
    name = "dense"

    def __init__(self, engine: Engine, filtered_depth: int) -> None:
        self.engine = engine
        self.filtered_depth = filtered_depth

    def search(self, query: Query, depth: int, selection: Selection | None = None) -> Run:
        if query.vector is None:
            return Run(self.name, {})
        if selection is not None and selection.deep:  # a user's filter: look deeper so it still leaves enough
            depth = max(depth, self.filtered_depth)
        filters = selection.filters if selection is not None else None
        return Run(self.name, self.engine.search_dense(TABLE, query.vector, depth, filters))
