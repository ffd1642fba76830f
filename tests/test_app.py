"""The Streamlit app (app.py) driven by AppTest against a small fake searcher.

The fake stands in for ``index.search.Searcher`` (same attributes and methods) so these tests need
no index or encoder; the real searcher is exercised end to end by tests/test_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from eval.judgments import JudgmentStore
from unqa.model import Answer, Citation, Hit, IndexStateError, Passage, QueryError, SearchResponse
from unqa_app.ui import service
from unqa_app.ui.format import widget_key
from unqa_app.ui.i18n import EXAMPLE_QUESTIONS, EXAMPLES, SOURCE_FOOTER, SOURCES

APP = Path(__file__).resolve().parent.parent / "app.py"
PROG = "A/65/6 (Prog. 3)"
URL = "https://undocs.org/zh/A/65/6(Prog.3)"
DOCS = "https://docs.un.org/zh/A/65/6(Prog.3)"


def _p(pid: str, text: str, kind: str, doc: str, path: tuple[str, ...], para: str, order: int, en: str = "") -> Passage:
    cit = Citation(document=doc, title="", path=path, paragraph=para, source="x.txt", url=URL)
    return Passage(id=pid, text=text, kind=kind, citation=cit, doc_id=doc, order=order, en=en)


PASSAGES = [
    _p(
        "P#3.2",
        "本方案的授权来自大会在裁军领域的各项有关决议和决定。",
        "overview",
        PROG,
        ("方案 3 裁军", "总方向", "3.2"),
        "3.2",
        0,
    ),
    _p(
        "P#3.3",
        "在秘书处内，裁军事务厅对本方案负有实质性责任。裁军厅将继续协助会员国。",
        "overview",
        PROG,
        ("方案 3 裁军", "总方向", "3.3"),
        "3.3",
        1,
    ),
    _p(
        "P#3.9(c)",
        "促进常规武器领域的透明度，包括集束弹药问题。",
        "strategy_item",
        PROG,
        ("方案 3 裁军", "次级方案 3 常规武器", "战略", "3.9 (c)"),
        "3.9 (c)",
        2,
    ),
    _p(
        "R#op1",
        "决定继续审议集束弹药问题。",
        "operative",
        "A/RES/64/36",
        ("执行部分",),
        "执行部分第 1 段",
        0,
        en="Decides to keep the question of cluster munitions under review.",
    ),
    _p(
        "E#1",
        "恶意 <script>alert(1)</script> <b>粗体</b> [链接](javascript:alert(1))",
        "paragraph",
        "TEST/EVIL",
        (),
        "1",
        0,
    ),
]


class FakeSearcher:
    """Keyword overlap over the passages above; abstains when nothing matches."""

    def __init__(self) -> None:
        self.passages = list(PASSAGES)
        self.calls: list[tuple[str, object]] = []

    def get(self, pid: str) -> Passage:
        return next(p for p in self.passages if p.id == pid)

    def neighbours(self, pid: str, before: int = 2, after: int = 2) -> list[Passage]:
        doc = [p for p in self.passages if p.doc_id == self.get(pid).doc_id]
        at = [p.id for p in doc].index(pid)
        return doc[max(0, at - before) : at + after + 1]

    def _score(self, p: Passage, query: str) -> int:
        text = (p.text + " " + p.en).lower()
        pairs = [
            ("裁军", "裁军"),
            ("部门", "事务厅"),
            ("集束弹药", "集束弹药"),
            ("cluster", "cluster"),
            ("恶意", "恶意"),
        ]
        return sum(1 for q, w in pairs if q in query.lower() and w in text)

    def search(self, query: str, k: int = 10, *, filters=None) -> SearchResponse:
        self.calls.append((query, filters))
        if not query.strip():
            raise QueryError("empty question")
        pool = [p for p in self.passages if filters is None or _passes(p, filters)]
        scored = sorted(((self._score(p, query), p) for p in pool), key=lambda sp: -sp[0])[:k]
        hits = tuple(Hit(p, float(s), i) for i, (s, p) in enumerate(scored, 1))
        if not hits or hits[0].score == 0:
            return SearchResponse(query, True, None, hits)
        first = hits[0].passage.text.split("。")[0] + "。"
        return SearchResponse(query, False, Answer(first, hits[0].passage.id), hits)


def _passes(p: Passage, f) -> bool:
    sub = p.citation.path[1] if len(p.citation.path) > 1 else ""
    return (
        (not f.documents or p.citation.document in f.documents)
        and (not f.subprogrammes or sub in f.subprogrammes)
        and (not f.kinds or p.kind in f.kinds)
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeSearcher:
    searcher = FakeSearcher()
    monkeypatch.setattr(service, "open_searcher", lambda index_dir, **_: searcher)
    monkeypatch.setenv("UNQA_DATA", str(tmp_path / "data"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield searcher
    st.cache_resource.clear()
    st.cache_data.clear()


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def _ask(at: AppTest, question: str) -> AppTest:
    return at.text_input(key="q").input(question).run()


def _html(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def _hit_ids(at: AppTest) -> list[str]:
    marker = 'data-passage-id="'
    return [h.value.split(marker)[1].split('"')[0] for h in at.html if marker in h.value]


def test_start_page_has_question_box_examples_and_source(fake: FakeSearcher) -> None:
    at = _app().run()
    assert not at.exception
    assert at.text_input(key="q").value == ""
    labels = [b.label for b in at.button]
    assert all(q in labels for q in EXAMPLE_QUESTIONS)
    assert SOURCE_FOOTER in _html(at)
    assert not fake.calls  # no search before a question


def test_question_renders_answer_first_then_cited_results(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "联合国哪个部门负责裁军方案？")
    assert not at.exception
    html = _html(at)
    assert 'data-testid="unqa-answer"' in html
    assert "在秘书处内，裁军事务厅对本方案负有实质性责任。" in html
    assert html.index("unqa-answer") < html.index("data-passage-id")
    assert _hit_ids(at)[0] == "P#3.3"
    codes = [c.value for c in at.code]
    assert codes[0] == f"{PROG}，第 3.3 段\n{DOCS}"  # UN style, once per card, with the docs.un.org link
    assert "x.txt" not in html  # no raw file names
    assert 'class="unqa-score"' not in html and "相关度" not in html  # no incomparable raw scores
    assert EXAMPLE_QUESTIONS[0] not in [b.label for b in at.button]  # the answer comes first (phones)
    assert at.subheader[0].value == "答案"
    assert [d.label for d in at.download_button] == ["下载 CSV", "下载 Markdown"]
    assert at.query_params["q"] == "联合国哪个部门负责裁军方案？"


def test_document_text_is_shown_as_text_never_as_html(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "恶意")
    html = _html(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "<b>" not in html
    assert "E#1" in _hit_ids(at)


def test_filter_changes_the_list(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "哪项决议涉及集束弹药？")
    assert set(_hit_ids(at)) >= {"R#op1", "P#3.9(c)"}
    at.multiselect(key="f_kind").set_value(["operative"]).run()
    assert _hit_ids(at) == ["R#op1"]
    assert fake.calls[-1][1].kinds == ("operative",)
    assert at.query_params["kind"] == "operative"
    at.multiselect(key="f_sp").set_value(["次级方案 3 常规武器"]).run()
    assert _hit_ids(at) == []  # operative and sub-programme 3 exclude each other
    assert any("没有找到" in i.value for i in at.info)


def test_abstention_says_so_and_labels_closest_passages(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "明天的天气预报如何？")
    assert 'data-testid="unqa-answer"' not in _html(at)
    assert any("没有回答这个问题" in i.value for i in at.info)
    assert "最接近的段落" in [s.value for s in at.subheader]
    assert "答案" not in [s.value for s in at.subheader]


def test_query_params_prefill_question_filters_and_language(fake: FakeSearcher) -> None:
    at = _app()
    at.query_params.update({"q": "哪项决议涉及集束弹药？", "kind": ["operative", "<img src=x>"]})
    at.query_params["lang"] = "en"
    at.run()
    assert at.text_input(key="q").value == "哪项决议涉及集束弹药？"
    assert at.multiselect(key="f_kind").value == ["operative"]  # unknown value dropped
    assert at.radio(key="lang").value == "en"
    assert _hit_ids(at) == ["R#op1"]
    assert at.subheader[0].value == "Answer"


def test_injected_query_param_is_text(fake: FakeSearcher) -> None:
    at = _app()
    at.query_params["q"] = "<img src=x onerror=alert(1)>"
    at.run()
    assert not at.exception
    assert "<img" not in _html(at)
    assert at.text_input(key="q").value == "<img src=x onerror=alert(1)>"


def test_example_button_asks_it(fake: FakeSearcher) -> None:
    at = _app().run()
    at.button(key=widget_key("ex", EXAMPLE_QUESTIONS[1])).click().run()
    assert at.text_input(key="q").value == EXAMPLE_QUESTIONS[1]
    assert fake.calls[-1][0] == EXAMPLE_QUESTIONS[1]
    assert "R#op1" in _hit_ids(at)


def test_english_parallel_text_and_context(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "哪项决议涉及集束弹药？")
    labels = [e.label for e in at.expander]
    assert "在上下文中查看" in labels
    html = _html(at)
    assert "<summary>英文平行文本</summary>" in html  # one click away, Chinese first for a Chinese question
    assert "Decides to keep the question of cluster munitions under review." in html
    assert 'class="unqa-current"' in _html(at)


def _votes(tmp_data: Path) -> list:
    with JudgmentStore(tmp_data / "judgments.sqlite3") as store:
        return store.all()


def test_thumbs_are_stored_once_shown_again_after_reload_and_undone(fake: FakeSearcher, tmp_path: Path) -> None:
    question = "联合国哪个部门负责裁军方案？"
    at = _ask(_app().run(), question)
    at.feedback[1].set_value(0).run()  # [0] is the answer's, [1] the first card's
    at.feedback[1].set_value(1).run()  # a change of mind replaces the vote
    votes = _votes(tmp_path / "data")
    assert len(votes) == 1
    v = votes[0]
    assert (v.query, v.passage_id, v.relevant, v.target, v.rank, v.system) == (
        question,
        "P#3.3",
        True,
        "passage",
        1,
        "app",
    )
    assert v.judge == "local" and v.filters == {"documents": [], "subprogrammes": [], "kinds": []}
    again = _app()
    again.query_params["q"] = question
    again.run()  # a reload: a new session shows the stored vote
    assert again.feedback[1].value == 1
    again.feedback[1].set_value(None).run()  # undo
    assert _votes(tmp_path / "data") == []
    again.feedback[0].set_value(1).run()  # the answer sentence itself
    assert [(v.target, v.passage_id) for v in _votes(tmp_path / "data")] == [("answer", "P#3.3")]


def test_english_interface_toggle(fake: FakeSearcher) -> None:
    at = _app().run()
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Questions on UN programmes and resolutions"
    assert at.query_params["lang"] == "en"


def test_missing_index_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(index_dir: str, **_: object) -> None:
        raise IndexStateError(f"no index at {index_dir}; build it with unqa ingest")

    monkeypatch.setattr(service, "open_searcher", broken)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = _app().run()
    assert any("no index at" in e.value for e in at.error)
    assert not at.text_input


def test_english_interface_shows_english_first_with_english_links(fake: FakeSearcher) -> None:
    at = _app()
    at.query_params.update({"q": "哪项决议涉及集束弹药？", "lang": "en"})
    at.run()
    html = _html(at)
    assert not at.exception
    eng = "Decides to keep the question of cluster munitions under review."
    assert (
        html.index(eng) < html.index("决定继续审议集束弹药问题") if "决定继续审议集束弹药问题" in html else eng in html
    )
    assert "<summary>Chinese original</summary>" in html
    assert "A/RES/64/36, operative paragraph 1\nhttps://docs.un.org/en/A/RES/64/36" in [c.value for c in at.code]
    assert 'data-testid="unqa-no-english"' in html  # the programme has no English: said once
    assert html.count('data-testid="unqa-no-english"') == 1
    assert "Operative paragraph" in html and "执行部分" not in [k for k in html.split('"unqa-kind">')[1:2]]


def test_english_question_in_the_chinese_interface_gets_english(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "Which resolution deals with cluster munitions?")
    codes = [c.value for c in at.code]
    assert "A/RES/64/36, operative paragraph 1\nhttps://docs.un.org/en/A/RES/64/36" in codes
    assert at.subheader[0].value == "答案"  # the interface stays Chinese


def test_english_examples_in_the_english_interface(fake: FakeSearcher) -> None:
    at = _app()
    at.query_params["lang"] = "en"
    at.run()
    labels = [b.label for b in at.button]
    assert all(q in labels for q in EXAMPLES["en"]) and not any(q in labels for q in EXAMPLES["zh"])
    assert SOURCES["en"] in _html(at) and SOURCES["zh"] not in _html(at)  # the UN source once


def test_long_question_is_cut_with_a_message(fake: FakeSearcher) -> None:
    long = "集束弹药" * 200  # 800 characters
    at = _ask(_app().run(), long)
    assert at.text_input(key="q").value == long[:500]
    assert any("500" in w.value for w in at.warning)
    assert fake.calls[-1][0] == long[:500]


def test_url_change_is_adopted_so_back_steps_through_questions(fake: FakeSearcher) -> None:
    at = _ask(_app().run(), "联合国哪个部门负责裁军方案？")
    _ask(at, "哪项决议涉及集束弹药？")
    at.query_params.clear()
    at.query_params["q"] = "联合国哪个部门负责裁军方案？"  # what the browser's Back button does
    at.run()
    assert at.text_input(key="q").value == "联合国哪个部门负责裁军方案？"
    assert _hit_ids(at)[0] == "P#3.3"
