"""The shipped abstention model: loaded with the threshold chosen on the dev set's cross-validation."""

from __future__ import annotations

import json

import pytest

from index import abstain
from index.answer import EVENT_WORDS, FACT_EVIDENCE, type_unmet
from index.config import SearchConfig
from index.query import EVENT_ASKS, FACT_ASKS, analyse, clean_query
from index.tokenize import is_cjk
from unqa.model import Citation, Hit, Passage


def test_shipped_model_loads_with_its_own_threshold() -> None:
    data = json.loads(abstain.MODEL_FILE.read_text(encoding="utf-8"))
    model = abstain.load_default()
    assert model is not None and model.names == abstain.FEATURES
    assert model.threshold == data["threshold"] != 0.5


def test_hard_rules_abstain_whatever_the_probability() -> None:
    model = abstain.load_default()
    assert model is not None
    confident = dict.fromkeys(abstain.FEATURES, 0.0) | {"top_dense": 0.95, "lexical": 1.0, "known_share": 1.0}
    confident["n_tokens"] = 3.0
    assert not model.abstains(confident)
    assert model.abstains(confident | {"type_unmet": 1.0})
    assert model.abstains(confident | {"n_tokens": 0.0})


def _hits(*texts: str) -> list[Hit]:
    cite = Citation("A/RES/80/1", "", ("A/RES/80/1",), "执行部分第 1 段", "A_RES_80_1.xml")
    return [Hit(Passage(f"A/RES/80/1#op{i}", t, "operative", cite), 1.0, i) for i, t in enumerate(texts, start=1)]


@pytest.mark.parametrize(
    ("question", "texts", "unmet"),
    [
        # a count needs a number of things: an ordinal (第十二次) or the article 一 (一个, 一项) is not one
        ("非洲和平与裁军区域中心有多少名工作人员？", ["根据集束弹药公约缔约国第十二次会议的任务规定，"], True),
        ("非洲和平与裁军区域中心有多少名工作人员？", ["在其专家组的协助下，制定一个与各国进行外联的方案"], True),
        ("非洲和平与裁军区域中心有多少名工作人员？", ["欢迎区域中心三十周年庆祝活动"], True),
        ("已有多少个国家接受了禁止地雷公约的义务？", ["满意地注意到已有164个国家批准或加入《公约》"], False),
        ("How many days should the Commission meet?", ["专门用3天时间探讨委员会工作"], False),
        ("裁军研究金方案培训了多少名官员？", ["方案培训了一百多名官员"], False),
        # a count names what it counts (Query.counts): 9个国家 does not count warheads or staff
        ("How many nuclear warheads does each nuclear-armed State hold?", ["敦促尚未批准《条约》的9个国家批准"], True),
        ("How many nuclear warheads does each nuclear-armed State hold?", ["全世界仍有12000多枚核弹头"], False),
        ("非洲和平与裁军区域中心有多少名工作人员？", ["欢迎已有30个国家参加区域中心的活动"], True),
        ("已有多少个国家接受了禁止地雷公约的义务？", ["满意地注意到已有164个会员国批准《公约》"], False),
        # "which day" needs a day, not only a year
        ("《东南亚无核武器区条约》是在哪一天签署的？", ["欢迎2023年举行的会议"], True),
        ("武器贸易条约哪一天开始生效？", ["回顾《武器贸易条约》于2014年12月24日生效"], False),
        # a "when" question about an event needs a sentence dating that event, not another act
        ("武器贸易条约哪一天开始生效？", ["《武器贸易条约》于2013年4月2日获得大会通过。2014年12月24日生效"], False),
        ("武器贸易条约哪一天开始生效？", ["《武器贸易条约》于2013年4月2日获得大会通过"], True),
        ("《不扩散核武器条约》是哪一天生效的？", ["回顾其1968年6月12日第2373(XXII)号决议"], True),
        ("When did the TPNW enter into force?", ["欢迎《禁止核武器条约》于2021年1月22日生效"], False),
        # a treaty named by its acronym or short name is known by all its names (index/data/instruments.tsv):
        # "《条约》" in a passage whose title does not name it is not about the TPNW
        ("When did the TPNW enter into force?", ["欢迎《条约》于2021年1月22日生效"], True),
        ("禁核条约是哪一天生效的？", ["欢迎《禁止核武器条约》于2021年1月22日生效"], False),
        ("When did the CWC enter into force?", ["欢迎《禁止核武器条约》于2021年1月22日生效"], True),
        (
            "When did the Chemical Weapons Convention enter into force?",
            ["《关于禁止发展、生产、储存和使用化学武器及销毁此种武器的公约》于1997年4月29日生效"],
            False,
        ),
        ("联合国总部大楼是哪一年建成的？", ["决定正式会议将于2026年初在联合国总部举行"], True),
        ("核裁军问题大会高级别会议是在哪一天召开的？", ["回顾于2013年9月26日举行核裁军问题大会高级别会议"], False),
        ("瓦努阿图什么时候加入了禁止集束弹药的公约？", ["欢迎瓦努阿图于2025年9月5日加入《公约》"], False),
        # "who chairs" asks for a person; "concerns about funding sources" asks for no amount
        ("Who chairs the Advisory Board on Disarmament Matters?", ["大会注意到咨询委员会的工作"], True),
        ("Who chairs the Advisory Board on Disarmament Matters?", ["委员会主席罗伯特·弗洛伊德先生"], False),
        ("大会对裁军研究所的经费来源有什么担忧？", ["关切研究所依赖自愿捐款"], False),
    ],
)
def test_answer_types_need_their_evidence(question: str, texts: list[str], unmet: bool) -> None:
    assert type_unmet(_query(question), _hits(*texts)) is unmet


def _query(question: str):
    text, notices = clean_query(question)
    return analyse(text, notices, SearchConfig(glossary=False, associations=False))


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("裁军事务厅一共有多少名工作人员？", ("工作人员",)),
        ("裁军研究金方案迄今培训了多少名官员？", ("官员",)),
        ("How many nuclear warheads does each nuclear-armed State hold?", ("核弹头",)),
        ("How many staff members work at the Centre?", ("工作人员",)),
        ("How many Member States have still not submitted a report?", ("会员国",)),
        ("How many of them voted?", ()),
    ],
)
def test_a_count_question_says_what_it_counts(question: str, counts: tuple) -> None:
    text, notices = clean_query(question)
    assert analyse(text, notices, SearchConfig()).counts == counts
    if not is_cjk(question):  # an English noun is translated by the learned table, so not without it
        assert analyse(text, notices, SearchConfig(lexicon=False)).counts == ()


def test_every_kind_of_fact_asked_has_its_evidence() -> None:
    """The question side (``Query``) and the evidence side (the answer step) name the same kinds and events."""
    assert list(FACT_ASKS) == list(FACT_EVIDENCE) and list(EVENT_ASKS) == list(EVENT_WORDS)


@pytest.mark.parametrize(
    ("question", "facts", "events"),
    [
        ("武器贸易条约哪一天开始生效？", ("day",), ("in_force",)),
        ("When did the Arms Trade Treaty enter into force?", ("time",), ("in_force",)),
        ("How many staff does the Office have?", ("count",), ()),
        ("裁军事务厅的战略是什么？", (), ()),
    ],
)
def test_the_query_says_once_what_kind_of_fact_it_asks_for(question: str, facts: tuple, events: tuple) -> None:
    query = _query(question)
    assert (query.asks_facts, query.asks_events) == (facts, events)


def _resolution(text: str, title: str, en: str, title_en: str) -> Hit:
    cite = Citation("A/RES/79/77", title, ("A/RES/79/77",), "序言部分第 6 段", "A_RES_79_77.xml")
    return Hit(Passage("A/RES/79/77#pp6", text, "preamble", cite, en=en, extra={"title_en": title_en}), 1.0, 1)


CTBT_COUNT = _resolution(  # A/RES/79/77, preambular paragraph 6 (abridged): it counts the CTBT's signatories
    "感到鼓舞的是187个国家已经签署《条约》，并欣见178个国家，其中2个是核武器国家，已经批准《条约》，",
    "全面禁止核试验条约",
    "Encouraged by the signing of the Treaty by 187 States, and welcoming the ratification of the Treaty by 178"
    " States, including three nuclear-weapon States,",
    "Comprehensive Nuclear-Test-Ban Treaty",
)
TPNW_COUNT = _resolution(
    "欢迎已有94个国家签署《条约》，",
    "禁止核武器条约",
    "Welcoming the signing of the Treaty by 94 States,",
    "Treaty on the Prohibition of Nuclear Weapons",
)


@pytest.mark.parametrize(
    ("question", "hit", "unmet"),
    [
        # a count of another treaty's signatories does not answer how many signed the one named
        ("How many States have signed the Treaty on the Prohibition of Nuclear Weapons?", CTBT_COUNT, True),
        ("How many States have signed the Treaty on the Prohibition of Nuclear Weapons?", TPNW_COUNT, False),
        ("已有多少个国家签署了《禁止核武器条约》？", CTBT_COUNT, True),
        ("已有多少个国家签署了《禁止核武器条约》？", TPNW_COUNT, False),
        ("How many States have signed the Comprehensive Nuclear-Test-Ban Treaty?", CTBT_COUNT, False),
        # the document's title names it when the paragraph says only 《条约》 / "the Treaty"
        ("How many States have signed the CTBT?", CTBT_COUNT, False),
        # by an acronym or a short name: the CTBT's count does not answer for the TPNW
        ("How many States have signed the TPNW?", CTBT_COUNT, True),
        ("How many States have signed the TPNW?", TPNW_COUNT, False),
        ("已有多少个国家签署了禁核条约？", CTBT_COUNT, True),
        ("已有多少个国家签署了《全面禁核试条约》？", CTBT_COUNT, False),
    ],
)
def test_a_fact_about_a_named_treaty_comes_from_a_passage_naming_it(question: str, hit: Hit, unmet: bool) -> None:
    assert type_unmet(_query(question), [hit]) is unmet


def test_a_passage_without_english_is_not_judged_on_an_english_name() -> None:
    """The programme has no English side: its Chinese text is all there is to go on. A treaty the table
    lists is judged by its Chinese names; one it does not list is not judged there."""
    (programme,) = _hits("《集束弹药公约》于2010年8月1日生效")
    assert type_unmet(_query("When did the Convention on Nuclear Safety enter into force?"), [programme]) is False
    assert type_unmet(_query("When did the Arms Trade Treaty enter into force?"), [programme]) is True
    assert type_unmet(_query("When did the Convention on Cluster Munitions enter into force?"), [programme]) is False
