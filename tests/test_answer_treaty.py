"""A fact about a named treaty comes from a passage naming it, through a real index: the programme and
A/RES/80/70 of corpus/ (the CTBT resolution, which counts the CTBT's signatories in "187个国家…已经签署
《条约》"). Asked how many States signed the TPNW, the index has no answer and says so."""

from __future__ import annotations

import pytest

from index.search import Searcher

pytestmark = pytest.mark.slow

CTBT = "A_RES_80_70-*"


@pytest.fixture(scope="module")
def searcher(programme_with) -> Searcher:
    return programme_with((CTBT,), "treaty-index")


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # the CTBT's count ("187个国家…已经签署《条约》") must not answer for the TPNW
        ("How many States have signed the Treaty on the Prohibition of Nuclear Weapons?", False),
        ("已有多少个国家签署了《禁止核武器条约》？", False),
        # asked about the CTBT itself, it answers
        ("How many States have signed the Comprehensive Nuclear-Test-Ban Treaty?", True),
        ("已有多少个国家签署了《全面禁止核试验条约》？", True),
    ],
)
def test_a_count_answers_only_for_the_treaty_it_counts(searcher: Searcher, question: str, answered: bool) -> None:
    response = searcher.search(question, 5)
    assert response.hits and response.hits[0].passage.id.startswith("A/RES/80/70#")  # the CTBT's count leads
    assert response.abstained is not answered, response.answer
    if answered:
        assert response.answer is not None and "187" in response.answer.text, response.answer
