"""Answers that state the fact asked for, through a real index: the programme and two resolutions of
corpus/ (80/28, the Register, which dates the Arms Trade Treaty's entry into force; 80/46, the Treaty)."""

from __future__ import annotations

import pytest

from index.answer import choose
from index.config import SearchConfig
from index.query import Query
from index.search import Searcher
from index.terms import TermStats
from unqa.model import Citation, Hit, Passage

pytestmark = pytest.mark.slow

RESOLUTIONS = ("A_RES_80_28-*", "A_RES_80_46-*")
ATT_WHEN = "When did the Arms Trade Treaty enter into force?"
ANSWER = SearchConfig(abstain_threshold=0.0)  # the answer step is under test; a two-resolution index knows few words


@pytest.fixture(scope="module")
def searcher(programme_with) -> Searcher:
    return programme_with(RESOLUTIONS, "facts-index")


def test_when_question_is_answered_by_the_sentence_dating_the_event(searcher: Searcher) -> None:
    """The answer is the sentence with the date and 生效, and its passage ranks first."""
    response = searcher.search(ATT_WHEN, 5, config=ANSWER)
    assert not response.abstained and response.answer is not None
    assert "2014年12月24日" in response.answer.text and "生效" in response.answer.text, response.answer.text
    assert response.answer.passage_id == response.hits[0].passage.id


class _Sentences:
    """The sentence lane's one call the answer step makes: every passage whole, equally similar."""

    def candidates(self, rows, vector):
        return [("", row, 0.8) for row in rows]


def test_the_fact_check_picks_the_sentence_stating_it_from_a_lower_passage() -> None:
    """Hit 1 names the Treaty and matches best; hit 2 dates its entry into force: with the check the answer
    is hit 2's sentence (and the caller ranks it first), without it hit 1's line."""
    cite = Citation("A/RES/80/28", "", ("A/RES/80/28",), "序言部分第 6 段", "x.xml")
    texts = ("推动武器贸易条约的审议进程；", "回顾《武器贸易条约》于2014年12月24日生效，")
    hits = [Hit(Passage(f"p{i}", t, "preamble", cite), 1.0, i) for i, t in enumerate(texts, start=1)]
    query = Query(ATT_WHEN, "en", ("arms", "trade", "treaty"), asks_facts=("time",), asks_events=("in_force",))
    stats, rows = TermStats({}, 10), {"p1": 0, "p2": 1}
    answer, at = choose(query, hits, _Sentences(), rows, stats, margin=0.1, states_fact=True)
    assert (answer.passage_id, at) == ("p2", 1)
    answer, at = choose(query, hits, _Sentences(), rows, stats, margin=0.1, states_fact=False)
    assert (answer.passage_id, at) == ("p1", 0)
