"""Unit tests of the app's logic: citations, safe highlighting, export, permalinks, judgments."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from unqa.model import Answer, Citation, Hit, Passage, SearchResponse
from unqa_app.ui import cards, export, permalink, service
from unqa_app.ui import format as fmt
from unqa_app.ui.highlight import escape, highlight, query_terms
from unqa_app.ui.i18n import SOURCE_FOOTER, STRINGS, t

URL = "https://docs.un.org/zh/A/65/6(Prog.3)"


def _passage(text: str = "裁军事务厅对本方案负有实质性责任。", **kw: object) -> Passage:
    cit = Citation(
        document=kw.pop("document", "A/65/6 (Prog. 3)"),
        title="",
        path=kw.pop("path", ("方案 3 裁军", "次级方案 3 常规武器", "战略", "3.9 (c)")),
        paragraph=kw.pop("paragraph", "3.9 (c)"),
        source="a.txt",
        url=kw.pop("url", URL),
    )
    return Passage(
        id=kw.pop("pid", "A/65/6(Prog.3)#3.9(c)"),
        text=text,
        kind=kw.pop("kind", "strategy_item"),
        citation=cit,
        doc_id="d",
        **kw,
    )


def _response(*passages: Passage, abstained: bool = False) -> SearchResponse:
    hits = tuple(Hit(p, 1.0 / i, i) for i, p in enumerate(passages, 1))
    answer = None if abstained else Answer(passages[0].text, passages[0].id)
    return SearchResponse("谁负责？", abstained, answer, hits)


# ---- format -------------------------------------------------------------------------------------
def test_citation_text_is_ready_to_paste() -> None:
    p = _passage()
    assert fmt.citation_text(p) == "A/65/6 (Prog. 3), 方案 3 裁军 › 次级方案 3 常规武器 › 战略 › 3.9 (c)"
    assert fmt.paste_citation(p) == fmt.citation_text(p) + "\n" + URL


def test_citation_adds_paragraph_when_path_lacks_it_and_page() -> None:
    p = _passage(path=("执行部分",), paragraph="执行部分第 5 段", document="A/RES/75/36", url=None)
    assert fmt.citation_text(p) == "A/RES/75/36, 执行部分 › 执行部分第 5 段"
    assert fmt.paste_citation(p) == "A/RES/75/36, 执行部分 › 执行部分第 5 段"


def test_subprogramme_and_kind_labels() -> None:
    assert fmt.subprogramme_of(_passage()) == "次级方案 3 常规武器"
    assert fmt.subprogramme_of(_passage(path=("方案 3 裁军", "总方向"))) is None
    assert fmt.kind_label("operative") == "执行部分"
    assert fmt.kind_label("operative", "en") == "Operative paragraph"
    assert fmt.kind_label("new-kind", "en") == "new-kind"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>", "//evil", "", None, "ftp://x/y"])
def test_unsafe_urls_are_dropped(url: str | None) -> None:
    assert fmt.safe_url(url) is None


def test_safe_url_quotes_markup() -> None:
    assert fmt.safe_url('https://x.org/a"><script>') == "https://x.org/a%22%3E%3Cscript%3E"


def test_widget_keys_are_stable_and_short() -> None:
    assert fmt.widget_key("fb", "q", "p") == fmt.widget_key("fb", "q", "p")
    assert fmt.widget_key("fb", "q", "p") != fmt.widget_key("fb", "q2", "p")
    assert len(fmt.widget_key("fb", "x" * 1000)) < 30


# ---- highlight ----------------------------------------------------------------------------------
def test_markup_in_documents_is_escaped() -> None:
    out = highlight('<script>alert(1)</script> <img src=x onerror="alert(1)"> & 裁军')
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&quot;alert(1)&quot;" in out and "&amp;" in out


def test_terms_and_answer_are_marked_after_escaping() -> None:
    text = "A <b>bold</b> 裁军厅负责。裁军厅将继续。"
    out = highlight(text, answer="裁军厅将继续。", terms=["裁军", "b"])
    assert out.count('<mark class="unqa-answer">') == 1
    assert '<mark class="unqa-answer"><mark class="unqa-term">裁军</mark>厅将继续。</mark>' in out
    assert "&lt;<mark" in out  # the "b" of <b> is marked as text, the tag itself is escaped
    assert "<b>" not in out


def test_terms_never_match_inside_entities() -> None:
    out = highlight("R&D <x>", terms=["amp", "lt", "gt", "quot"])
    assert out == "R&amp;D &lt;x&gt;"


def test_term_matching_is_case_insensitive_and_longest_first() -> None:
    out = highlight("Cluster munitions and CLUSTER", terms=["cluster", "cluster munitions"])
    assert out.startswith('<mark class="unqa-term">Cluster munitions</mark>')
    assert out.endswith('<mark class="unqa-term">CLUSTER</mark>')


def test_english_terms_mark_whole_words_and_never_inside_one() -> None:
    out = highlight("Encourages States; shares arms, firearms", terms=["encourage", "arms"])
    assert out.startswith('<mark class="unqa-term">Encourages</mark> States')
    assert "shares" in out and "fire<mark" not in out and "firearms" in out
    assert '<mark class="unqa-term">arms</mark>,' in out
    assert highlight("裁军事务厅", terms=["裁军"]) == '<mark class="unqa-term">裁军</mark>事务厅'


def test_answer_not_in_text_marks_nothing_but_terms() -> None:
    assert "unqa-answer" not in highlight("裁军", answer="别的句子。", terms=[])


def test_query_terms_drop_question_words_and_punctuation() -> None:
    terms = query_terms("联合国哪个部门负责裁军方案？")
    assert "裁军" in terms and "哪个" not in terms and "？" not in terms
    assert {"cluster", "munitions"} <= {
        x.lower() for x in query_terms("Which resolution deals with cluster munitions?")
    }
    assert query_terms("   ") == []


def test_cards_escape_every_document_field() -> None:
    evil = _passage("<script>x</script>", pid='p"><script>', paragraph="<i>1</i>", path=("<b>方案</b>",))
    hit = Hit(evil, 0.5, 1)
    html = (
        cards.hit_header_html(hit)
        + cards.passage_html(evil, answer=None, terms=["x"])
        + cards.answer_html("<script>", evil)
        + cards.context_html([(evil, True)], terms=[])
        + cards.english_html("<b>en</b>")
        + cards.count_html('"><img>', 1, 3.0, abstained=False)
    )
    assert "<script" not in html and "<b>" not in html and "<i>" not in html and "<img" not in html


# ---- export -------------------------------------------------------------------------------------
def test_csv_has_citations_source_and_a_bom() -> None:
    data = export.to_csv(_response(_passage(), _passage("=HYPERLINK(1)", pid="b")))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert rows[0]["citation"] == "A/65/6 (Prog. 3), 方案 3 裁军 › 次级方案 3 常规武器 › 战略 › 3.9 (c)"
    assert rows[0]["url"] == URL and rows[0]["subprogramme"] == "次级方案 3 常规武器"
    assert rows[0]["source"] == export.SOURCE_CELL
    assert rows[1]["text"] == "'=HYPERLINK(1)"  # no formula injection in spreadsheets


def test_markdown_quotes_answer_lists_citations_and_source() -> None:
    md = export.to_markdown(_response(_passage(), _passage("<img src=x> [a](javascript:1)", pid="b")))
    assert "> 裁军事务厅对本方案负有实质性责任。" in md
    assert "— A/65/6 (Prog. 3), 方案 3 裁军" in md
    assert f"<{URL}>" in md and md.rstrip().endswith(SOURCE_FOOTER)
    assert "\\<img src=x\\> \\[a\\](javascript:1)" in md


def test_markdown_abstention_is_plain() -> None:
    md = export.to_markdown(_response(_passage(), abstained=True))
    assert "没有回答这个问题" in md and "The documents do not answer" in md


def test_file_stem() -> None:
    assert export.file_stem("哪项决议涉及集束弹药？") == "unqa_哪项决议涉及集束弹药"
    assert export.file_stem("../../etc/passwd") == "unqa_etc_passwd"
    assert export.file_stem("？？") == "unqa_results"


# ---- permalink ----------------------------------------------------------------------------------
def test_permalink_round_trip() -> None:
    sp = ("次级方案 3 常规武器",)
    state = permalink.ViewState("裁军 研究金", ("A/65/6 (Prog. 3)",), sp, ("indicator",), "en")
    params = permalink.to_params(state)
    assert params == {
        "q": "裁军 研究金",
        "doc": ["A/65/6 (Prog. 3)"],
        "sp": ["次级方案 3 常规武器"],
        "kind": ["indicator"],
        "lang": "en",
    }
    assert permalink.from_params(params) == state
    assert permalink.to_params(permalink.ViewState()) == {}


def test_permalink_rejects_unknown_values_and_cleans_the_query() -> None:
    params = {
        "q": ["<img src=x onerror=alert(1)>\x00\n" + "长" * 900, "second"],
        "kind": ["operative", "x\"'"],
        "doc": "A/RES/64/36",
        "lang": "fr",
        "evil": "1",
    }
    state = permalink.from_params(params, documents={"A/65/6 (Prog. 3)"}, kinds={"operative"})
    assert state.query.startswith("<img src=x onerror=alert(1)> 长")  # text, escaped wherever shown
    assert len(state.query) == permalink.MAX_QUERY_CHARS and "\x00" not in state.query
    assert state.kinds == ("operative",) and state.documents == () and state.lang == "zh"
    assert state.filters().kinds == ("operative",)


# ---- judgments ----------------------------------------------------------------------------------


def test_facets_from_passages() -> None:
    ps = [
        _passage(),
        _passage(path=("方案 3 裁军", "总方向"), kind="overview", pid="b"),
        _passage(document="A/RES/64/36", path=("执行部分",), kind="operative", pid="c"),
    ]
    f = service.facets(ps)
    assert f.documents == ("A/65/6 (Prog. 3)", "A/RES/64/36")
    assert f.subprogrammes == ("次级方案 3 常规武器",)
    assert f.kinds == ("strategy_item", "overview", "operative") and f.n_passages == 3


def test_answer_hit() -> None:
    r = _response(_passage(), _passage(pid="b"))
    assert service.answer_hit(r).passage.id == r.hits[0].passage.id
    assert service.answer_hit(_response(_passage(), abstained=True)) is None


def test_every_interface_string_exists_in_both_languages() -> None:
    assert set(STRINGS["zh"]) == set(STRINGS["en"])
    assert t("result_count", "en", n=3, ms=12.4) == "3 results · 12 ms"
    assert t("title", "xx") == STRINGS["zh"]["title"]
    assert escape("<") == "&lt;"


# ---- unqa app command ---------------------------------------------------------------------------
def test_app_command_arguments_and_streamlit_line() -> None:
    from unqa_app.cli import build_parser
    from unqa_app.commands import app as app_cmd

    args = build_parser().parse_args(["app", "--port", "9999", "--no-browser-open"])
    assert args.host == "127.0.0.1" and args.port == 9999 and args.func is app_cmd.run
    argv = app_cmd.streamlit_argv(args)
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("app.py")
    pairs = dict(zip(argv[5::2], argv[6::2], strict=False))
    assert pairs["--server.port"] == "9999" and pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.headless"] == "true" and pairs["--browser.gatherUsageStats"] == "false"
    assert app_cmd.is_loopback("127.0.0.1") and app_cmd.is_loopback("localhost")
    assert not app_cmd.is_loopback("0.0.0.0")
    assert app_cmd.app_url("0.0.0.0", 8501) == "http://localhost:8501"


def test_app_command_refuses_a_missing_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from unqa_app.cli import main

    assert main(["app", "--index", str(tmp_path / "none"), "--no-browser-open"]) == 2
    assert "unqa ingest" in capsys.readouterr().err


# ---- v2: UN-style citations, English content, series views -------------------------------------


def _resolution(num: int = 5, kind: str = "operative", **kw: object) -> Passage:
    label = f"执行部分第 {num} 段" if kind == "operative" else f"序言部分第 {num} 段"
    return _passage(
        kw.pop("text", "鼓励各国加入条约；"),
        document="A/RES/80/46",
        path=("A/RES/80/46", label),
        paragraph=label,
        pid=f"A/RES/80/46#{'op' if kind == 'operative' else 'pp'}{num}",
        kind=kind,
        symbols=("80/46",),
        en=kw.pop("en", "Encourages States to join the Treaty;"),
        extra={"num": num, "date": "2025-12-01", "session": "80"},
        **kw,
    )


def test_content_language_follows_interface_or_question() -> None:
    assert fmt.content_lang("en", "哪项决议涉及集束弹药？") == "en"
    assert fmt.content_lang("zh", "Which resolution deals with cluster munitions?") == "en"
    assert fmt.content_lang("zh", "哪项决议涉及 cluster munitions？") == "zh"
    assert fmt.content_lang("zh", "80/46") == "zh"


def test_copy_citation_is_un_style_with_the_link_in_that_language() -> None:
    p = _resolution()
    assert fmt.copy_citation(p, "zh") == "A/RES/80/46，执行部分第 5 段\nhttps://docs.un.org/zh/A/RES/80/46"
    assert fmt.copy_citation(p, "en") == "A/RES/80/46, operative paragraph 5\nhttps://docs.un.org/en/A/RES/80/46"
    assert fmt.copy_citation(_passage(), "zh").startswith("A/65/6 (Prog. 3)，第 3.9 (c) 段\n")


def test_dates_sessions_and_facts() -> None:
    assert fmt.session_label("80", "zh") == "第八十届会议" and fmt.session_label("74", "zh") == "第七十四届会议"
    assert fmt.session_label("80", "en") == "80th session" and fmt.session_label("71", "en") == "71st session"
    assert fmt.session_label("12", "en") == "12th session"
    assert fmt.date_label("2025-12-01", "zh") == "2025年12月1日"
    assert fmt.date_label("2025-12-01", "en") == "1 December 2025"
    assert fmt.doc_facts(_resolution(), "en") == ["1 December 2025", "80th session"]
    assert fmt.doc_facts(_passage(), "zh") == ["方案 3 裁军 › 次级方案 3 常规武器 › 战略"]


def test_english_card_leads_with_english_and_keeps_chinese_one_click_away() -> None:
    p = _resolution(text="鼓励各国<b>加入</b>条约；")
    html = cards.passage_html(p, answer=None, terms=["States"], lang="en")
    assert html.index('lang="en"') < html.index("<summary>Chinese original</summary>")
    assert "&lt;b&gt;加入&lt;/b&gt;" in html and "<b>加入" not in html
    assert "https://docs.un.org/en/A/RES/80/46" in html and "docs.un.org/zh" not in html
    zh = cards.passage_html(p, answer=None, terms=[], lang="zh")
    assert zh.index('lang="zh"') < zh.index("<summary>英文平行文本</summary>")
    header = cards.hit_header_html(Hit(p, 11.4, 1), "en")
    assert "11.4" not in header and "a.txt" not in header and "Operative paragraph" in header


def test_english_answer_takes_the_matching_sentence() -> None:
    p = _resolution(text="注意到报告。鼓励各国加入条约。", en="Notes the report. Encourages States to join the Treaty.")
    assert cards.english_answer(p, "鼓励各国加入条约。") == "Encourages States to join the Treaty."
    odd = _resolution(text="注意到报告。鼓励各国加入条约。", en="Notes the report and encourages States to join.")
    assert cards.english_answer(odd, "鼓励各国加入条约。") == odd.en
    html = cards.answer_html("鼓励各国加入条约。", p, "en")
    assert "“Encourages States to join the Treaty.”" in html and "A/RES/80/46, operative paragraph 5" in html


def test_list_answer_shows_each_item_with_its_citation() -> None:
    lead = _passage("将通过下列工作推进本次级方案的目标：", pid="P#3.9", paragraph="3.9", kind="strategy")
    items = [_passage(f"项目 {c}", pid=f"P#3.9({c})", paragraph=f"3.9 ({c})") for c in "abc"]
    assert fmt.list_items(lead, [lead, *items, _passage("其他", pid="P#3.10", paragraph="3.10")]) == items
    html = cards.answer_html(lead.text, lead, "zh", items)
    assert html.count("<li>") == 3 and "A/65/6 (Prog. 3)，第 3.9 (b) 段" in html


def test_diff_html_escapes_and_marks() -> None:
    html = cards.diff_html([(0, "保留"), (-1, "<删除>"), (1, "新增&")])
    assert "<span>保留</span><del>&lt;删除&gt;</del><ins>新增&amp;</ins>" in html


def test_recalled_by_newest_first_opening_in_the_app() -> None:
    groups = [
        {
            "symbol": "A/RES/78/48",
            "date": "2023-12-04",
            "title": "武器贸易条约",
            "paragraphs": [{"paragraph": "序言部分第 1 段"}],
        },
        {
            "symbol": "A/RES/80/46",
            "date": "2025-12-01",
            "title": "武器贸易条约",
            "paragraphs": [{"paragraph": "序言部分第 1 段"}],
        },
    ]
    html = cards.recalled_by_html({"recalled_by": groups}, "en")
    assert html.index("A/RES/80/46") < html.index("A/RES/78/48")
    assert 'href="?q=A%2FRES%2F80%2F46&amp;doc=A%2FRES%2F80%2F46"' in html
    assert "1 December 2025" in html and "https://docs.un.org/en/A/RES/80/46" in html


def test_document_filter_is_searchable_by_title() -> None:
    f = service.facets([_resolution(), _passage()])
    assert f.label("A/RES/80/46") == "A/RES/80/46"  # no title known: the symbol alone
    titled = service.Facets(("A/RES/80/46",), (), (), 1, {"A/RES/80/46": "武器贸易条约"})
    assert titled.label("A/RES/80/46") == "A/RES/80/46 — 武器贸易条约"
