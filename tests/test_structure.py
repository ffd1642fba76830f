"""The structure lane: references to sub-programmes, paragraphs, kinds and responsibility."""

from __future__ import annotations

import pytest

from index.config import SearchConfig
from index.lanes.structure import StructureLane

P = "A/65/6(Prog.3)#"


@pytest.fixture(scope="module")
def lane(programme_passages) -> tuple[StructureLane, list]:
    return StructureLane(programme_passages, SearchConfig()), programme_passages


def _top(lane, query: str) -> str:
    index, passages = lane
    boosts = index.boosts(query)
    return passages[max(boosts, key=lambda r: (boosts[r], -r))].id if boosts else ""


@pytest.mark.parametrize(
    "query",
    [
        "次级方案1的目标是什么？",
        "第一个次级方案的目标是什么？",
        "第 1 个次级方案的宗旨",
        "What is the objective of the first subprogramme?",
    ],
)
def test_subprogramme_and_kind(lane, query: str) -> None:
    assert _top(lane, query) == P + "sp1.objective"


def test_paragraph_reference_wins(lane) -> None:
    assert _top(lane, "3.9 (c) 说了什么？") == P + "3.9(c)"
    assert _top(lane, "第3.3段") == P + "3.3"


def test_who_is_responsible_prefers_the_programme_level(lane) -> None:
    index, passages = lane
    boosts = index.boosts("联合国哪个部门负责裁军方案？")
    assert P + "3.3" in {passages[r].id for r in boosts}
    assert all(not passages[r].id.startswith(P + "3.9") for r in boosts)  # sub-programme offices not lifted


def test_plain_question_gets_no_boost(lane) -> None:
    index, _ = lane
    assert index.boosts("集束弹药") == {}
