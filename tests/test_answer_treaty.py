"""A fact about a named treaty comes from a passage naming it, through a real index: the programme and
A/RES/80/70 of corpus/ (the CTBT resolution, which counts the CTBT's signatories in "187个国家…已经签署
《条约》"). Asked how many States signed the TPNW, the index has no answer and says so."""

from __future__ import annotations

import pytest

from index.config import SearchConfig
from index.search import Searcher

pytestmark = pytest.mark.slow

CTBT = "A_RES_80_70-*"
COUNT = "A/RES/80/70#pp7"  # 187个国家…已经签署《条约》


@pytest.fixture(scope="module")
def searcher(programme_with) -> Searcher:
    return programme_with((CTBT,), "treaty-index")


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # the CTBT's count ("187个国家…已经签署《条约》") must not answer for the TPNW
        ("How many States have signed the Treaty on the Prohibition of Nuclear Weapons?", False),
        ("已有多少个国家签署了《禁止核武器条约》？", False),
        # by its acronym or its Chinese short name (index/data/instruments.tsv)
        ("How many States have signed the TPNW?", False),
        ("已有多少个国家签署了禁核条约？", False),
        # asked about the CTBT itself, it answers
        ("How many States have signed the Comprehensive Nuclear-Test-Ban Treaty?", True),
        ("已有多少个国家签署了《全面禁止核试验条约》？", True),
    ],
)
def test_a_count_answers_only_for_the_treaty_it_counts(searcher: Searcher, question: str, answered: bool) -> None:
    response = searcher.search(question, 5)
    assert COUNT in [h.passage.id for h in response.hits[:3]]  # the CTBT's count is among the best
    assert response.abstained is not answered, response.answer
    if answered:
        assert response.answer is not None and "187" in response.answer.text, response.answer


def test_a_treaty_named_by_its_acronym_is_searched_by_its_names(searcher: Searcher) -> None:
    """ "CTBT" is known by its titles: the Chinese keywords search 全面禁止核试验条约, and the abstention does
    not count "ctbt" as a word the corpus lacks. Whether it then
    answers is the calibrated abstainer's call (a short "how many" question sits near its threshold)."""
    query = searcher.analyse("How many States have signed the CTBT?", SearchConfig())
    assert "全面禁止核试验条约" in query.glossary
    assert query.termed == ("ctbt",)
    response = searcher.search("How many States have signed the CTBT?", 5)
    assert response.hits[0].passage.id.startswith("A/RES/80/70#")
