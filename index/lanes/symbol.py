"""Symbol lane: a UN document symbol named in the question ("64/48", "A/RES/75/36", "第1540(2004)号决议").

Only passages that *are* the document get the own-symbol boost: the programme's mandate entry for
that resolution, or the resolution's own paragraphs (``Passage.symbols``). Passages that merely cite
it (symbols in their text) get the smaller mention boost. The tables are
built once per index (``symbols.json``).
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.config import SearchConfig
from index.lanes.base import Run, Selection, restrict
from index.query import Query
from unqa.model import Passage
from unqa.symbols import symbol_keys

FILE = "symbols.json"


def tables(passages: Sequence[Passage]) -> dict[str, Any]:
    """{"own": key -> rows that are that document, "mentions": key -> rows that cite it, "mandate": rows}."""
    own: dict[str, list[int]] = defaultdict(list)
    mentions: dict[str, list[int]] = defaultdict(list)
    for row, p in enumerate(passages):
        for key in p.symbols:
            own[key].append(row)
        for key in symbol_keys(p.text):
            if key not in p.symbols:
                mentions[key].append(row)
    mandate = [row for row, p in enumerate(passages) if p.kind == "mandate"]
    return {"own": own, "mentions": mentions, "mandate": mandate}


class SymbolLane:
    name = "symbol"

    def __init__(self, data: dict[str, Any], config: SearchConfig) -> None:
        self.own: dict[str, list[int]] = data["own"]
        self.mentions: dict[str, list[int]] = data["mentions"]
        self.mandate = frozenset(data["mandate"])
        self.config = config

    def with_config(self, config: SearchConfig) -> SymbolLane:
        lane = copy.copy(self)  # the tables are shared, only the bonuses differ
        lane.config = config
        return lane

    @classmethod
    def load(cls, directory: Path, config: SearchConfig) -> SymbolLane:
        return cls(json.loads((directory / FILE).read_text(encoding="utf-8")), config)

    def search(self, query: Query, depth: int, selection: Selection | None = None) -> Run:
        scores: dict[int, float] = {}
        c = self.config
        for key in query.symbols:
            for row in self.own.get(key, []):
                bonus = c.own_symbol_boost + (c.mandate_bonus if row in self.mandate else 0.0)
                scores[row] = scores.get(row, 0.0) + bonus
            for row in self.mentions.get(key, []):
                scores[row] = scores.get(row, 0.0) + c.mention_boost
        return Run(self.name, restrict(scores, selection))

    def own_rows(self, query: Query) -> list[int]:
        """Rows of the documents the question's symbols name (their own paragraphs, their mandate entry)."""
        return list(dict.fromkeys(row for key in query.symbols for row in self.own.get(key, [])))

    def names_document(self, query: Query, selection: Selection | None = None) -> bool:
        """The question names a document the index holds, among the rows the filters leave (then the
        search does not abstain: the document itself is the answer)."""
        rows = [row for key in query.symbols for row in self.own.get(key, [])]
        return bool(restrict(dict.fromkeys(rows, 1.0), selection))
