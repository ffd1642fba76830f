"""The treaty table: every name of an instrument leads to all of them, and its titles are the UN's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import instruments
from index.query import named_instruments
from index.tokenize import is_cjk


@pytest.mark.parametrize(
    ("question", "first_names"),
    [
        ("How many States have signed the TPNW?", ["TPNW"]),
        ("禁核条约有多少缔约国？", ["禁核条约"]),
        ("已有多少个国家签署了《禁止核武器条约》？", ["禁止核武器条约"]),
        # one name inside another is the longer one's: Tlatelolco is not the TPNW
        ("《拉丁美洲和加勒比禁止核武器条约》何时生效？", ["拉丁美洲和加勒比禁止核武器条约"]),
        # a run of capitalised words holding two names is two instruments
        ("Which States signed the Treaty of Pelindaba and the NPT?", ["Treaty of Pelindaba", "NPT"]),
        # a treaty the table does not list keeps the name as written
        ("When did the Convention on Nuclear Safety enter into force?", ["Convention on Nuclear Safety"]),
        # acronyms are whole upper-case words only
        ("What does ATTACK mean, and what is an att?", []),
    ],
)
def test_a_question_names_its_treaties_once_each(question: str, first_names: list[str]) -> None:
    assert [names[0] for names in named_instruments(question)] == first_names


def test_every_name_leads_to_all_names_of_its_instrument() -> None:
    for row in instruments.table():
        for name in row:
            assert set(instruments.names_of(name)) == set(row), name
        assert any(is_cjk(n) for n in row) and any(not is_cjk(n) for n in row), row


def _texts(shared_dir: Path, lang: str) -> str:
    files = sorted(shared_dir.glob(f"un-xml/GA/*/{lang}/*.xml"))
    assert len(files) > 1000, "the GA resolutions of ../shared/un-xml are missing"
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


@pytest.mark.slow
def test_each_instrument_is_named_as_the_resolutions_name_it(shared_dir: Path) -> None:
    """Its Chinese title (the longest Chinese name) occurs in the Chinese resolutions, its English title
    in the English ones: a misspelt title would never match a passage."""
    zh, en = _texts(shared_dir, "Chinese"), _texts(shared_dir, "English")
    for row in instruments.table():
        chinese = max((n for n in row if is_cjk(n)), key=len)
        english = max((n for n in row if not is_cjk(n)), key=len)
        assert chinese in zh, chinese
        assert english in en, english
