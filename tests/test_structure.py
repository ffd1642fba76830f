"""The structure lane: references to sub-programmes, paragraphs, kinds and responsibility."""

from __future__ import annotations

import pytest

from index.config import SearchConfig
from index.lanes.structure import StructureLane
from index.query import analyse, asked_roles

P = "A/65/6(Prog.3)#"


@pytest.fixture(scope="module")
def lane(programme_passages) -> tuple[StructureLane, list]:
    return StructureLane(programme_passages, SearchConfig()), programme_passages


def _boosts(index: StructureLane, question: str) -> dict[int, float]:
    return index.boosts(analyse(question, [], SearchConfig()))


def _top(lane, query: str) -> str:
    index, passages = lane
    boosts = _boosts(index, query)
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
    boosts = _boosts(index, "联合国哪个部门负责裁军方案？")
    assert P + "3.3" in {passages[r].id for r in boosts}
    assert all(not passages[r].id.startswith(P + "3.9") for r in boosts)  # sub-programme offices not lifted


def test_plain_question_gets_no_boost(lane) -> None:
    index, _ = lane
    assert _boosts(index, "集束弹药") == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("信息和外联次级方案的目的是什么？", "sp4.objective"),  # named by its title
        ("常规武器处的预期成绩是什么？", "sp3.ea(a)"),  # by the branch that executes it
        ("What is the objective of the regional disarmament subprogramme?", "sp5.objective"),
    ],
)
def test_subprogramme_named_by_title_or_branch(lane, query: str, expected: str) -> None:
    assert _top(lane, query) == P + expected


def test_a_title_without_sub_programme_or_branch_names_nothing(lane) -> None:
    index, _ = lane
    assert _boosts(index, "区域裁军有什么进展？") == {}


@pytest.mark.parametrize(
    ("question", "roles"),
    [
        ("第一个次级方案的目标是什么？", ("objective",)),
        ("裁军领域所有工作最终要达到什么目的？", ()),  # an objective, but of no sub-programme named
        ("怎样衡量用户对裁军出版物的满意程度？", ("indicator",)),
        ("次级方案3由哪个处执行？", ("strategy",)),
        ("秘书处里由哪个部门实质性负责裁军方案？", ()),  # 秘书处 is the Secretariat, not a branch
        ("方案的法律依据里，哪项决议是关于减少非战略核武器的？", ()),  # 非战略 is no strategy
        ("What does the strategy of the regional disarmament subprogramme include?", ("strategy_item",)),
    ],
)
def test_the_parts_a_question_asks_for(question: str, roles: tuple[str, ...]) -> None:
    assert asked_roles(question) == roles
