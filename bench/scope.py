"""Warm latency of one built index with and without the programme scope (``SearchConfig.programme_depth``),
in one process, alternating, so the two settings see the same machine state.

    .venv/bin/python -m bench.scope data/index-all
"""

from __future__ import annotations

import json
import sys

from bench.corpus import latency
from index.config import SearchConfig
from index.search import Searcher


def walls(searcher: Searcher, config: SearchConfig, repeats: int = 3) -> tuple[float, float]:
    """(p50, p95) wall-clock ms of ``search`` over the bench questions (``bench.corpus.latency``)."""
    wall = latency(searcher, repeats=repeats, config=config)["stages_ms"]["wall"]
    return round(wall["p50"], 1), round(wall["p95"], 1)


def main(index_dir: str, depths: tuple[int, ...] = (0, SearchConfig().programme_depth)) -> int:
    searcher = Searcher.load(index_dir)
    out: dict[str, list[tuple[float, float]]] = {}
    for depth in depths * 2:
        out.setdefault(f"programme_depth_{depth}", []).append(walls(searcher, SearchConfig(programme_depth=depth)))
    print(json.dumps({"index": index_dir, "passages": len(searcher.passages), **out}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
