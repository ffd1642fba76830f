"""The delegates' app: ask a question, get the answer quoted from UN documents with its citation.

A thin Streamlit view. Searching is ``Searcher.search`` (the CLI's function); formatting,
highlighting, export, permalinks and judgments live in the tested ``unqa_app.ui`` package.
Run it with ``unqa app`` (or ``make run``); ``app.py`` at the repository root is the same page
for ``streamlit run app.py``. The page is ``main()``, which Streamlit reruns on every interaction.
"""

from __future__ import annotations

import logging
import os
import uuid

import streamlit as st

from index.mandates import MandateGraph, build_graph
from unqa import UN_SOURCE_NOTE_EN, UN_SOURCE_NOTE_ZH
from unqa.model import Hit, IndexStateError, QueryError
from unqa.paths import DEFAULT_INDEX_DIR
from unqa_app.ui import cards, export, judgments, permalink, service
from unqa_app.ui import format as fmt
from unqa_app.ui.highlight import query_terms
from unqa_app.ui.i18n import EXAMPLE_QUESTIONS, LANG_NAMES, LANGS, SOURCE_FOOTER, t
from unqa_app.ui.permalink import ViewState

logger = logging.getLogger(__name__)

INDEX_DIR = os.environ.get("UNQA_INDEX") or str(DEFAULT_INDEX_DIR)
DOWNLOADS = (
    ("download_csv", export.to_csv, "csv", "text/csv"),
    ("download_md", export.to_markdown, "md", "text/markdown"),
)
FILTER_KEYS = {"documents": "f_doc", "subprogrammes": "f_sp", "kinds": "f_kind"}


@st.cache_resource(show_spinner=False)
def load_searcher(index_dir: str) -> service.Searcher:
    return service.open_searcher(index_dir)


@st.cache_resource(show_spinner=False)
def load_graph(index_dir: str) -> MandateGraph:
    return build_graph(load_searcher(index_dir).passages)


@st.cache_resource(show_spinner=False)
def load_facets(index_dir: str) -> service.Facets:
    return service.facets(load_searcher(index_dir).passages)


def url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def searcher_or_stop(lang: str) -> service.Searcher:
    try:
        with st.spinner(t("loading", lang)):
            return load_searcher(INDEX_DIR)
    except IndexStateError as exc:
        st.error(f"{t('index_error', lang)}: {exc}")
        st.markdown(t("index_hint", lang, index=INDEX_DIR))
        st.stop()
        raise


def init_state(facets: service.Facets) -> None:
    """First run of a session: widgets start from the URL (the permalink)."""
    if st.session_state.get("_init"):
        return
    view = permalink.from_params(
        url_params(), documents=facets.documents, subprogrammes=facets.subprogrammes, kinds=facets.kinds
    )
    fresh = {"_init": True, "session_id": uuid.uuid4().hex, "lang": view.lang, "q": view.query}
    st.session_state.update(fresh)
    for field, key in FILTER_KEYS.items():
        st.session_state[key] = list(getattr(view, field))


def current_view() -> permalink.ViewState:
    s = st.session_state
    return permalink.ViewState(
        query=permalink.clean_query(s.get("q", "")),
        documents=tuple(s.get("f_doc", ())),
        subprogrammes=tuple(s.get("f_sp", ())),
        kinds=tuple(s.get("f_kind", ())),
        lang=s.get("lang", "zh"),
    )


def sync_url(view: permalink.ViewState) -> None:
    wanted = {k: v if isinstance(v, list) else [v] for k, v in permalink.to_params(view).items()}
    if wanted != url_params():
        st.query_params.from_dict(wanted)


def clear_filters() -> None:
    for key in FILTER_KEYS.values():
        st.session_state[key] = []


def sidebar(facets: service.Facets) -> None:
    with st.sidebar:
        st.radio(
            t("language", st.session_state.lang),
            LANGS,
            format_func=LANG_NAMES.get,
            key="lang",
            horizontal=True,
        )
        lang = st.session_state.lang
        st.header(t("filters", lang))
        hint = t("choose", lang)
        st.multiselect(t("f_documents", lang), facets.documents, key="f_doc", placeholder=hint)
        if facets.subprogrammes:
            st.multiselect(t("f_subprogrammes", lang), facets.subprogrammes, key="f_sp", placeholder=hint)
        st.multiselect(
            t("f_kinds", lang),
            facets.kinds,
            key="f_kind",
            placeholder=hint,
            format_func=lambda k: fmt.kind_label(k, lang),
        )
        st.button(t("clear", lang), on_click=clear_filters, width="stretch")
        st.caption(t("about", lang, p=facets.n_passages, d=len(facets.documents)))
        st.caption(t("permalink", lang))


def set_query(text: str) -> None:
    st.session_state["q"] = text


def question_box(lang: str) -> None:
    st.title(t("title", lang))
    st.caption(t("subtitle", lang))
    col_q, col_b = st.columns([6, 1], vertical_alignment="bottom")
    col_q.text_input(t("query_label", lang), key="q", placeholder=t("query_placeholder", lang), max_chars=500)
    col_b.button(t("search", lang), type="primary", width="stretch")
    st.caption(t("examples", lang))
    cols = st.columns(2)
    for i, example in enumerate(EXAMPLE_QUESTIONS):
        cols[i % 2].button(
            example, on_click=set_query, args=(example,), key=fmt.widget_key("ex", example), width="stretch"
        )


@st.cache_data(max_entries=512, show_spinner=False)
def cached_search(index_dir: str, query: str, documents: tuple, subprogrammes: tuple, kinds: tuple) -> tuple:
    """``Searcher.search`` memoised across sessions (examples and shared permalinks answer at once)."""
    view = permalink.ViewState(query, documents, subprogrammes, kinds)
    return service.run_query(load_searcher(index_dir), view)


def search(view: permalink.ViewState) -> tuple | None:
    """(response, milliseconds) for the view, or None with a warning for an empty question."""
    try:
        return cached_search(INDEX_DIR, view.query, view.documents, view.subprogrammes, view.kinds)
    except QueryError:
        st.warning(t("query_error", view.lang))
        return None


def on_feedback(key: str, query: str, passage_id: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        return
    judgments.record(query, passage_id, value == 1, st.session_state.get("session_id", ""))
    st.toast(t("thanks", st.session_state.get("lang", "zh")), icon="✅")


def show_answer(searcher: service.Searcher, response, lang: str) -> None:
    if response.abstained or response.answer is None:
        if response.abstained:
            st.info(t("abstained", lang), icon="ℹ️")
        return
    hit = service.answer_hit(response)
    passage = hit.passage if hit else searcher.get(response.answer.passage_id)
    st.subheader(t("answer", lang))
    st.html(cards.answer_html(response.answer.text, passage, lang))


def show_hit(hit: Hit, view: ViewState, terms: list[str], answer: str | None) -> None:
    p, lang, searcher = hit.passage, view.lang, load_searcher(INDEX_DIR)
    with st.container(border=True):
        st.html(cards.hit_header_html(hit, lang))
        st.html(cards.passage_html(p, answer=answer, terms=terms, lang=lang))
        with st.expander(t("context", lang)):
            st.html(cards.context_html(service.in_context(searcher, p.id), terms=terms))
        if p.en:
            with st.expander(t("english", lang)):
                st.html(cards.english_html(p.en))
        show_mandate_links(p, lang)
        col_c, col_f = st.columns([5, 1], vertical_alignment="center")
        col_c.code(fmt.paste_citation(p), language=None, wrap_lines=True)
        key = fmt.widget_key("fb", view.query, p.id)
        with col_f:
            st.caption(t("helpful", lang))
            st.feedback("thumbs", key=key, on_change=on_feedback, args=(key, view.query, p.id))


def show_mandate_links(p, lang: str) -> None:
    links = service.mandate_links(load_graph(INDEX_DIR), p)
    if links is None:
        return
    kind, data = links
    if kind == "recalled_by":
        with st.expander(f"{t('recalled_by', lang)} ({len(data['recalled_by'])})"):
            st.html(cards.recalled_by_html(data) if data["recalled_by"] else t("no_recall", lang))
    else:
        st.html(f"<div class='unqa-cont'>{t('continues', lang)}:</div>{cards.continues_html(data)}")


def show_downloads(response, view: permalink.ViewState, ms: float) -> None:
    lang, stem = view.lang, export.file_stem(view.query)
    col_n, col_csv, col_md = st.columns([3, 1, 1], vertical_alignment="center")
    col_n.html(cards.count_html(view.query, len(response.hits), ms, abstained=response.abstained, lang=lang))
    for col, (label, render, ext, mime) in zip((col_csv, col_md), DOWNLOADS, strict=True):
        col.download_button(
            t(label, lang), render(response, lang), f"{stem}.{ext}", mime=mime, on_click="ignore", width="stretch"
        )


def show_results(searcher: service.Searcher, view: permalink.ViewState) -> None:
    result = search(view)
    if result is None:
        return
    response, ms = result
    lang = view.lang
    show_answer(searcher, response, lang)
    for notice in response.notices:
        st.caption(f"ℹ️ {notice}")
    st.subheader(t("closest" if response.abstained else "results", lang))
    if not response.hits:
        st.html(cards.count_html(view.query, 0, ms, abstained=response.abstained, lang=lang))
        st.info(t("no_results", lang))
        return
    show_downloads(response, view, ms)
    terms = query_terms(view.query)
    answer = response.answer.text if response.answer and not response.abstained else None
    for hit in response.hits:
        show_hit(hit, view, terms, answer)


def footer() -> None:
    st.divider()
    st.html(cards.footer_html(f"{SOURCE_FOOTER} · {UN_SOURCE_NOTE_ZH} {UN_SOURCE_NOTE_EN}"))


def main() -> None:
    url_lang = permalink.from_params(url_params()).lang
    st.set_page_config(page_title=t("page_title", url_lang), page_icon="🔎", layout="wide")
    st.html(cards.CSS)
    searcher = searcher_or_stop(st.session_state.get("lang", url_lang))
    facets = load_facets(INDEX_DIR)
    init_state(facets)
    sidebar(facets)
    view = current_view()
    question_box(view.lang)
    sync_url(view)
    if view.query:
        show_results(searcher, view)
    footer()


if __name__ == "__main__":  # `streamlit run unqa_app/streamlit_app.py` (what `unqa app` does)
    main()
