"""A fact about a named treaty comes from a passage naming it, through a real index: the programme and
A/RES/80/70 of corpus/ (the CTBT resolution, which counts the CTBT's signatories in "187个国家…已经签署
《条约》"). Asked how many States signed the TPNW, the index has no answer and says so."""

from __future__ import annotations

import pytest

from index.build import build_index
from index.search import Searcher
from ingest.pipeline import collect, unique_passages
from unqa.paths import CORPUS_DIR

pytestmark = pytest.mark.slow

CTBT = "A_RES_80_70-*"


@pytest.fixture(scope="module")
def searcher(programme_passages, tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    folder = CORPUS_DIR / "resolutions" / "GA" / "80session"
    files = [f for lang in ("Chinese", "English") for f in (folder / lang).glob(CTBT)]
    assert len(files) == 2, files
    docs, skipped = collect(files, show_progress=False)
    assert not skipped and len(docs) == 1, skipped
    path = tmp_path_factory.mktemp("treaty-index") / "index"
    build_index([*programme_passages, *unique_passages(docs)], path, show_progress=False)
    return Searcher.load(path)


@pytest.mark.parametrize(
    "question",
    [
        "How many States have signed the Treaty on the Prohibition of Nuclear Weapons?",
        "已有多少个国家签署了《禁止核武器条约》？",
    ],
)
def test_another_treaty_s_count_does_not_answer(searcher: Searcher, question: str) -> None:
    response = searcher.search(question, 5)
    assert response.hits and "/RES/80/70" in response.hits[0].passage.id  # the count it must not quote
    assert response.abstained, response.answer


@pytest.mark.parametrize(
    "question",
    [
        "How many States have signed the Comprehensive Nuclear-Test-Ban Treaty?",
        "已有多少个国家签署了《全面禁止核试验条约》？",
    ],
)
def test_the_named_treaty_s_own_count_answers(searcher: Searcher, question: str) -> None:
    response = searcher.search(question, 5)
    assert not response.abstained and response.answer is not None
    assert "187" in response.answer.text and response.answer.passage_id.startswith("A/RES/80/70#"), response.answer
