"""unqa.cite on real passages: labels, UN-style citations, sub-points cited once, quotes with lead-in, links."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from ingest.akn import read_akn
from ingest.programme import read_programme
from unqa.cite import official_url, paragraph_label, shorten, subpoint_at, subpoint_quote, un_style
from unqa.model import Document, Passage
from unqa.paths import SHARED_DIR

GA = SHARED_DIR / "un-xml" / "GA"
PROGRAMME = Path(__file__).resolve().parent.parent / "corpus" / "a_65_6_prog3_zh.txt"


def _pair(session: str, number: str) -> Document:
    zh = glob.glob(str(GA / f"{session}session" / "Chinese" / f"A_RES_{session}_{number}-*"))
    en = glob.glob(str(GA / f"{session}session" / "English" / f"A_RES_{session}_{number}-*"))
    assert len(zh) == 1 and len(en) == 1, (zh, en)
    return read_akn(Path(zh[0]), english=Path(en[0]))


def _by_id(doc: Document, suffix: str) -> Passage:
    return next(p for p in doc.passages if p.id.endswith(suffix))


@pytest.fixture(scope="module")
def res_76_54() -> Document:
    return _pair("76", "54")


@pytest.fixture(scope="module")
def programme() -> Document:
    return read_programme(PROGRAMME)


def test_resolution_labels_and_un_style(res_76_54: Document) -> None:
    op5 = _by_id(res_76_54, "#op5")
    assert paragraph_label(op5, "zh") == "执行部分第 5 段"
    assert paragraph_label(op5, "en") == "operative paragraph 5"
    assert un_style(op5, "zh") == "A/RES/76/54，执行部分第 5 段"
    assert un_style(op5, "en") == "A/RES/76/54, operative paragraph 5"
    pp3 = _by_id(res_76_54, "#pp3")
    assert paragraph_label(pp3, "zh") == "序言部分第 3 段" and paragraph_label(pp3, "en") == "preambular paragraph 3"


def test_subpoint_cited_once_with_its_lead_in(res_76_54: Document) -> None:
    op3 = _by_id(res_76_54, "#op3")  # 作为联合行动，除其他外，鼓励： (a) … (f)
    assert [s.label for s in op3.subpoints] == ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)"]
    label = subpoint_at(op3, "深化裁军谈判会议的实质性讨论")
    assert label == "(c)"
    assert un_style(op3, "zh", label) == "A/RES/76/54，执行部分第 3 (c) 段"
    assert un_style(op3, "en", label) == "A/RES/76/54, operative paragraph 3 (c)"
    assert un_style(op3, "zh", label).count("执行部分") == 1
    quote = subpoint_quote(op3, "(c)")
    assert quote.startswith("作为联合行动，除其他外，鼓励：") and "(c) 所有国家立即作出一切努力" in quote
    assert "(b)" not in quote and "(d)" not in quote
    assert subpoint_at(op3, "not in the text") == ""


def test_long_lead_in_is_shortened_keeping_head_and_colon(res_76_54: Document) -> None:
    op3 = _by_id(res_76_54, "#op3")
    quote = subpoint_quote(op3, "(a)", max_lead=8)
    assert quote.startswith("作为联合……") and "鼓励：(a)" in quote.replace(" (a)", "(a)")
    assert shorten("abcdefghij", 4) == "ab……ij" and shorten("short", 10) == "short"


def test_programme_labels_and_mandate_links_keep_the_part_letter(programme: Document) -> None:
    item = next(p for p in programme.passages if p.citation.paragraph == "3.9 (c)")
    assert paragraph_label(item, "zh") == "第 3.9 (c) 段" and paragraph_label(item, "en") == "paragraph 3.9 (c)"
    assert un_style(item, "zh") == "A/65/6 (Prog. 3)，第 3.9 (c) 段"
    assert un_style(item, "en") == "A/65/6 (Prog. 3), paragraph 3.9 (c)"
    mandates = {p.citation.paragraph: p for p in programme.passages if p.kind == "mandate"}
    for label, url in {
        "42/37 C": "A/RES/42/37C",
        "47/54 G": "A/RES/47/54G",
        "38/183 O": "A/RES/38/183O",
        "44/116 O": "A/RES/44/116O",
    }.items():
        assert official_url(mandates[label], "zh") == f"https://docs.un.org/zh/{url}"
        assert official_url(mandates[label], "en") == f"https://docs.un.org/en/{url}"
        assert mandates[label].citation.url == f"https://docs.un.org/zh/{url}"
    assert official_url(mandates["64/48"], "zh") == "https://docs.un.org/zh/A/RES/64/48"


def test_resolution_links_per_language(res_76_54: Document) -> None:
    op1 = _by_id(res_76_54, "#op1")
    assert official_url(op1, "zh") == "https://docs.un.org/zh/A/RES/76/54"
    assert official_url(op1, "en") == "https://docs.un.org/en/A/RES/76/54"
