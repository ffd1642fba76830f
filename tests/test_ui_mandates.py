"""The app's view of the mandate graph: what a mandate entry and a resolution paragraph show."""

from __future__ import annotations

from test_mandates import _mandate, _para

from index.mandates import build_graph
from unqa_app.ui import cards, service


def _passages():
    return [
        _mandate("64/48", "武器贸易条约", 0),
        _mandate("64/36", "集束弹药公约", 1),
        _para("A/RES/75/64", "preamble", 1, "回顾其2009年12月2日第64/48号决议，", "2020-12-07"),
        _para("A/RES/80/46", "preamble", 1, "回顾其第64/48号决议<script>alert(1)</script>", "2025-12-01"),
        _para("A/RES/80/46", "operative", 2, "吁请所有国家加入条约；", "2025-12-01"),
    ]


def test_mandate_entry_lists_later_resolutions_newest_first() -> None:
    passages = _passages()
    kind, entry = service.mandate_links(build_graph(passages), passages[0])
    assert kind == "recalled_by"
    assert [g["symbol"] for g in entry["recalled_by"]] == ["A/RES/75/64", "A/RES/80/46"]
    html = cards.recalled_by_html(entry)
    assert html.index("A/RES/80/46") < html.index("A/RES/75/64")  # issue 14: newest first
    assert 'href="https://docs.un.org/zh/A/RES/75/64"' in html


def test_mandate_without_later_resolutions_and_plain_paragraphs() -> None:
    passages = _passages()
    graph = build_graph(passages)
    kind, entry = service.mandate_links(graph, passages[1])
    assert kind == "recalled_by" and entry["recalled_by"] == []
    kind, items = service.mandate_links(graph, passages[4])  # issue 14: under the resolution's operative hits too
    assert kind == "continues" and [i["key"] for i in items] == ["64/48"]


def test_resolution_paragraph_shows_the_mandate_it_continues_escaped() -> None:
    passages = _passages()
    kind, items = service.mandate_links(build_graph(passages), passages[3])
    assert kind == "continues" and [i["key"] for i in items] == ["64/48"]
    html = cards.continues_html(items)
    assert "64/48" in html and "武器贸易条约" in html and "<script>" not in html
