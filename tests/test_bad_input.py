"""Bad questions, through the one search path (``Searcher``) and through ``unqa search``.

Empty, whitespace-only, huge, punctuation/emoji-only, control characters, mixed scripts, symbols with
odd spacing, and HTML/Markdown injection: never a crash, a clear message where the question cannot be
searched, and nothing from the question rendered as markup by the app's HTML and Markdown helpers.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from index.encoders import MAX_QUERY_CHARS
from index.search import clean_query
from unqa.cli import main
from unqa.model import QueryError
from unqa.ui import cards, export, permalink
from unqa.ui.highlight import highlight, query_terms

IMG = "<img src=x onerror=alert(1)>"
MD_LINK = "[x](javascript:alert(1))"
SCRIPT = "<script>alert(1)</script>"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["search", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _no_controls(text: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text)


# ---------------------------------------------------------------- empty and whitespace


@pytest.mark.parametrize("query", ["", " ", "\t\n \u3000 ", "\x00\x01", "\u200b\u200b"])
def test_empty_or_blank_question_is_refused_by_the_searcher(searcher, query: str) -> None:
    with pytest.raises(QueryError, match="empty question"):
        searcher.search(query)


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_or_blank_question_exits_2_with_a_message(capsys, real_index, query: str) -> None:
    code, out, err = _cli(capsys, query, "--index", str(real_index))
    assert code == 2
    assert "empty question" in err
    assert "Traceback" not in err and out == ""


def test_non_text_question_is_refused() -> None:
    with pytest.raises(QueryError, match="must be text"):
        clean_query(None)


# ---------------------------------------------------------------- very long


def test_100k_character_question_is_cut_with_a_notice(searcher) -> None:
    query = "裁军事务厅的任务是什么" * 10_000  # 110,000 characters
    response = searcher.search(query, 5)
    assert len(response.query) == MAX_QUERY_CHARS
    assert any("cut" in n and str(MAX_QUERY_CHARS) in n for n in response.notices)
    assert response.hits


def test_100k_character_question_through_the_cli(capsys, real_index) -> None:
    code, out, err = _cli(capsys, "x" * 100_000, "--index", str(real_index), "--k", "3", "--json")
    assert code == 0
    assert "notice: question cut" in err
    assert len(json.loads(out)["query"]) == MAX_QUERY_CHARS


# ---------------------------------------------------------------- punctuation, emoji, controls, scripts


@pytest.mark.parametrize("query", ["!!!", "？？？。。。", "……——", "😀😀😀", "🇺🇳🕊️", "%$#@&*"])
def test_punctuation_or_emoji_only_does_not_crash(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.query == clean_query(query)[0]
    assert len(response.hits) <= 5


@pytest.mark.xfail(strict=True, reason="bug: a question with no letter, digit or ideograph is answered "
                   "(dense similarity of e5 is >= 0.80 for almost any string); Searcher._abstain should "
                   "abstain when the question has no word character")
@pytest.mark.parametrize("query", ["!!!", "😀😀😀", "%$#@&*"])
def test_punctuation_or_emoji_only_abstains(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.abstained and response.answer is None


@pytest.mark.parametrize("query", [
    "裁军\x00事务厅\x01的\x7f任务\u200b\u202e是什么",
    "\x1b[31m常规武器\x1b[0m",
    "核\ud800武器",  # lone surrogate
    "小武器\r\n\x0b\x0c轻武器",
])
def test_control_characters_and_nul_are_stripped(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert _no_controls(response.query)
    assert response.hits


def test_control_characters_through_the_cli(capsys, real_index) -> None:
    code, out, err = _cli(capsys, "裁军\x07事务厅\x1b[2J", "--index", str(real_index), "--k", "2", "--json")
    assert code == 0, err
    assert _no_controls(json.loads(out)["query"])


@pytest.mark.parametrize("query", [
    "disarmament 裁军 разоружение نزع السلاح निरस्त्रीकरण",
    "Ｏｆｆｉｃｅ　ｆｏｒ　裁军事务 ＵＮＯＤＡ",
    "核武器 nuclear weapons 核兵器 핵무기",
])
def test_mixed_scripts_do_not_crash(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.hits and len(response.hits) <= 5


# ---------------------------------------------------------------- document symbols


@pytest.mark.parametrize("query", ["A / RES / 64 / 36", "６４／３６", "a/res/64/36", "第 64 / 36 号决议", "A/RES/64/36"])
def test_symbol_with_odd_spacing_hits_the_symbol_lane(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    top = response.hits[0].passage
    assert "64/36" in top.symbols, (query, top.id)
    assert top.id.endswith("mandate.64/36")
    assert not response.abstained


def test_symbol_through_the_cli(capsys, real_index) -> None:
    code, out, _ = _cli(capsys, "A / RES / 64 / 36", "--index", str(real_index), "--k", "1", "--json")
    assert code == 0
    assert json.loads(out)["results"][0]["id"].endswith("mandate.64/36")


# ---------------------------------------------------------------- injection


@pytest.mark.parametrize("query", [IMG, MD_LINK, SCRIPT, f"裁军 {IMG} 事务厅", f'"><svg onload=alert(1)> 常规武器'])
def test_injection_in_the_question_is_escaped_by_the_app(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    terms = query_terms(response.query)
    for hit in response.hits:
        html = cards.passage_html(hit.passage, answer=None, terms=terms)
        assert "<img" not in html and "<script" not in html and "<svg" not in html
    # the question itself, as the count line and a highlight of a text that contains it
    count = cards.count_html(response.query, len(response.hits), 1.0, abstained=response.abstained)
    assert "<img" not in count and "<script" not in count and "<svg" not in count
    assert '"><' not in count
    marked = highlight(f"文本 {query} 文本", terms=terms + [query])
    assert "<img" not in marked and "<script" not in marked and "<svg" not in marked
    assert "&lt;" in marked or "<" not in query
    assert "javascript:" not in marked or "href" not in marked
    # Markdown export: the question cannot become a link, an image or raw HTML
    md = export.to_markdown(response)
    heading = md.splitlines()[0]
    assert not re.search(r"(?<!\\)[<>\[\]]", heading), heading  # every <, >, [ and ] backslash-escaped


def test_injection_through_the_cli_is_printed_as_text(capsys, real_index) -> None:
    code, out, err = _cli(capsys, IMG, "--index", str(real_index), "--k", "2")
    assert code == 0, err
    assert "Question: <img src=x onerror=alert(1)>" in out  # terminal output is plain text


def test_permalink_question_is_cleaned() -> None:
    state = permalink.from_params({"q": [f"\x00{IMG}\x1b" + "长" * 2000]})
    assert _no_controls(state.query)
    assert len(state.query) <= permalink.MAX_QUERY_CHARS
