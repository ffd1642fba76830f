"""The delegates' app: ask a question, get the answer quoted from UN documents with its citation.

A thin Streamlit view. Searching is ``Searcher.search`` (the CLI's function); formatting,
highlighting, export, permalinks and judgments live in the tested ``unqa_app.ui`` package.
Run it with ``unqa app`` (or ``make run``); ``app.py`` at the repository root is the same page
for ``streamlit run app.py``. The page is ``main()``, which Streamlit reruns on every interaction.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

import streamlit as st

from eval.judgments import Vote
from unqa import cite
from unqa.model import Hit, IndexStateError, QueryError
from unqa_app.pages import workbench
from unqa_app.pages.common import (
    INDEX_DIR,
    judge_id,
    load_facets,
    load_graph,
    load_searcher,
    load_series,
    load_subjects,
    store,
)
from unqa_app.ui import cards, export, permalink, service
from unqa_app.ui import format as fmt
from unqa_app.ui.highlight import query_terms
from unqa_app.ui.i18n import EXAMPLES, LANG_NAMES, LANGS, SOURCES, norm_lang, t
from unqa_app.ui.permalink import ViewState

logger = logging.getLogger(__name__)

DOWNLOADS = (
    ("download_csv", export.to_csv, "csv", "text/csv"),
    ("download_md", export.to_markdown, "md", "text/markdown"),
)
FILTER_KEYS = {"documents": "f_doc", "subprogrammes": "f_sp", "kinds": "f_kind"}


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


def adopt_url(facets: service.Facets) -> None:
    """Widgets start from the URL on the first run (the permalink) and whenever the URL changed under
    them (the browser's Back and Forward buttons step through earlier questions)."""
    params = url_params()
    s = st.session_state
    if s.get("_init") and s.get("_url") == params:
        return
    view = permalink.from_params(
        params, documents=facets.documents, subprogrammes=facets.subprogrammes, kinds=facets.kinds
    )
    if not s.get("_init"):
        s.update({"_init": True, "session_id": uuid.uuid4().hex})
    s.update({"lang": view.lang, "q": view.query, "_url": params, "judge": (params.get("judge") or [""])[0]})
    for field, key in FILTER_KEYS.items():
        s[key] = list(getattr(view, field))


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
    """Push the view to the address bar (Streamlit pushes a history entry, so Back steps back)."""
    wanted = {k: v if isinstance(v, list) else [v] for k, v in permalink.to_params(view).items()}
    if st.session_state.get("judge"):
        wanted["judge"] = [st.session_state["judge"]]
    if wanted != url_params():
        st.query_params.from_dict(wanted)
    st.session_state["_url"] = wanted


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
        st.multiselect(
            t("f_documents", lang),
            facets.documents,
            key="f_doc",
            placeholder=hint,
            format_func=facets.label,
            max_selections=no_select_all(facets.documents),
        )
        if facets.subprogrammes:
            st.multiselect(
                t("f_subprogrammes", lang),
                facets.subprogrammes,
                key="f_sp",
                placeholder=hint,
                max_selections=no_select_all(facets.subprogrammes),
            )
        st.multiselect(
            t("f_kinds", lang),
            facets.kinds,
            key="f_kind",
            placeholder=hint,
            format_func=lambda k: fmt.kind_label(k, lang),
            max_selections=no_select_all(facets.kinds),
        )
        st.button(t("clear", lang), on_click=clear_filters, width="stretch")
        st.text_input(t("judge", lang), key="judge", max_chars=60)
        st.caption(t("about", lang, p=facets.n_passages, d=len(facets.documents)))
        st.caption(t("permalink", lang))


def no_select_all(options: tuple[str, ...]) -> int:
    """A selection limit below the number of options: Streamlit then offers no "Select all" (an English
    label in the Chinese interface, and a huge permalink); choosing everything is the empty filter anyway."""
    return max(1, min(len(options) - 1, permalink.MAX_VALUES))


def set_query(text: str) -> None:
    st.session_state["q"] = text


def trim_query() -> None:
    """A pasted question longer than the limit keeps its first characters, and the user is told."""
    text = st.session_state.get("q", "")
    if len(text) > permalink.MAX_QUERY_CHARS:
        st.session_state["q"] = text[: permalink.MAX_QUERY_CHARS]
        st.session_state["_trimmed"] = True


def question_box(lang: str, has_query: bool) -> None:
    st.title(t("title", lang))
    st.caption(t("subtitle", lang))
    col_q, col_b = st.columns([6, 1], vertical_alignment="bottom")
    col_q.text_input(t("query_label", lang), key="q", placeholder=t("query_placeholder", lang), on_change=trim_query)
    col_b.button(t("search", lang), type="primary", width="stretch")
    if st.session_state.pop("_trimmed", False):
        st.warning(t("too_long", lang, n=permalink.MAX_QUERY_CHARS), icon="✂️")
    if not has_query:  # on a phone the answer comes first: examples only on the empty page
        examples(lang)


def examples(lang: str) -> None:
    st.caption(t("examples", lang))
    cols = st.columns(2)
    for i, example in enumerate(EXAMPLES[norm_lang(lang)]):
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


def on_feedback(key: str, query: str, passage_id: str, rank: int | None, target: str) -> None:
    """Store the vote (the latest one wins); a withdrawn thumb removes it."""
    value = st.session_state.get(key)
    lang = st.session_state.get("lang", "zh")
    if value is None:
        store().undo(query, passage_id, judge_id(), target)
        return
    view = current_view()
    filters = {"documents": list(view.documents), "subprogrammes": list(view.subprogrammes), "kinds": list(view.kinds)}
    vote = Vote(
        query=query,
        passage_id=passage_id,
        judge=judge_id(),
        relevant=value == 1,
        target=target,
        rank=rank,
        system=st.session_state.get("_system", "app"),
        filters=filters,
        build_id=service.build_id(load_searcher(INDEX_DIR)),
        page="delegates",
    )
    store().vote(vote)
    st.toast(t("thanks", lang), icon="✅")


def feedback(query: str, passage_id: str, rank: int | None, target: str, votes: dict) -> None:
    """Thumbs for a passage or the answer, showing the judge's stored vote again after a reload."""
    key = fmt.widget_key("fb", query, passage_id, target, judge_id())
    if key not in st.session_state and (passage_id, target) in votes:
        st.session_state[key] = 1 if votes[(passage_id, target)] else 0
    st.feedback("thumbs", key=key, on_change=on_feedback, args=(key, query, passage_id, rank, target))


def show_answer(searcher: service.Searcher, response, view: ViewState, clang: str, votes: dict) -> None:
    lang = view.lang
    if response.abstained or response.answer is None:
        if response.abstained:
            st.info(f"{t('not_covered', lang).upper() if lang == 'en' else t('not_covered', lang)} · "
                    f"{t('abstained', lang)}", icon="ℹ️")  # fmt: skip
        return
    hit = service.answer_hit(response)
    passage = hit.passage if hit else searcher.get(response.answer.passage_id)
    st.subheader(t("answer", lang))
    items = fmt.list_items(passage, searcher.passages)
    st.html(cards.answer_html(response.answer.text, passage, clang, items))
    col_l, col_f = st.columns([5, 1], vertical_alignment="center")
    col_l.caption(t("answer_helpful", lang))
    with col_f:
        feedback(view.query, passage.id, hit.rank if hit else None, "answer", votes)


def show_hit(hit: Hit, folded: list[Hit], view: ViewState, terms: list[str], answer: str | None, ctx: dict) -> None:
    p, lang, clang, searcher = hit.passage, view.lang, ctx["clang"], load_searcher(INDEX_DIR)
    with st.container(border=True):
        shown = replace(hit, rank=ctx.get("position", hit.rank))  # 1..n after folding; votes keep the search rank
        st.html(cards.hit_header_html(shown, clang, ui_lang=lang))
        st.html(cards.passage_html(p, answer=answer, terms=terms, lang=clang))
        with st.expander(t("context", lang)):
            st.html(cards.context_html(service.in_context(searcher, p.id), terms=terms))
        show_series(p, folded, lang, clang)
        show_mandate_links(p, lang)
        col_c, col_f = st.columns([5, 1], vertical_alignment="center")
        col_c.code(fmt.copy_citation(p, clang), language=None, wrap_lines=True)
        with col_f:
            st.caption(t("helpful", lang))
            feedback(view.query, p.id, hit.rank, "passage", ctx["votes"])


def show_series(p, folded: list[Hit], lang: str, clang: str) -> None:
    """Earlier sessions of the paragraph's series with word diffs, and the whole resolution's changes."""
    si = load_series(INDEX_DIR)
    rows = service.earlier_sessions(si, p, clang) if si.resolution_of(p) else []
    if folded:
        st.caption(f"{t('also_in', lang)}: " + "; ".join(cite.un_style(h.passage, clang) for h in folded))
    if not rows:
        return
    with st.expander(t("earlier", lang, n=len(rows))):
        st.html(cards.series_html(rows, clang))
        change = service.predecessor_changes(si, p)
        if change:
            st.markdown(f"**{t('changes', lang)}**")
            st.html(cards.changes_html(change, clang))


def show_mandate_links(p, lang: str) -> None:
    links = service.mandate_links(load_graph(INDEX_DIR), p, load_subjects(INDEX_DIR))
    if links is None:
        return
    kind, data = links
    if kind == "recalled_by":
        if data["recalled_by"]:  # no empty expanders
            with st.expander(f"{t('recalled_by', lang)} ({len(data['recalled_by'])})"):
                st.html(cards.recalled_by_html(data, lang))
        subject = service.same_subject(load_series(INDEX_DIR), data)
        if subject:
            with st.expander(f"{t('same_subject', lang)} ({len(subject)})"):
                st.html(cards.same_subject_html(subject, lang))
    else:
        st.html(f"<div class='unqa-cont'>{t('continues', lang)}:</div>{cards.continues_html(data, lang)}")


def show_downloads(response, view: permalink.ViewState, ms: float, shown: int) -> None:
    lang, stem = view.lang, export.file_stem(view.query)
    col_n, col_csv, col_md = st.columns([3, 1, 1], vertical_alignment="center")
    col_n.html(cards.count_html(view.query, shown, ms, abstained=response.abstained, lang=lang))
    for col, (label, render, ext, mime) in zip((col_csv, col_md), DOWNLOADS, strict=True):
        col.download_button(
            t(label, lang), render(response, lang), f"{stem}.{ext}", mime=mime, on_click="ignore", width="stretch"
        )


def show_results(searcher: service.Searcher, view: permalink.ViewState) -> None:
    result = search(view)
    if result is None:
        return
    response, ms = result
    lang, clang = view.lang, fmt.content_lang(view.lang, view.query)
    votes = store().votes_for(view.query, judge_id())
    show_answer(searcher, response, view, clang, votes)
    for notice in response.notices:
        st.caption(f"ℹ️ {notice}")
    st.subheader(t("closest" if response.abstained else "results", lang))
    if not response.hits:
        st.html(cards.count_html(view.query, 0, ms, abstained=response.abstained, lang=lang))
        st.info(t("no_results", lang))
        return
    groups = service.fold_series(response.hits, load_series(INDEX_DIR))
    show_downloads(response, view, ms, len(groups))
    missing = service.docs_without_english(response.hits) if clang == "en" else []
    if missing:
        st.html(cards.no_english_html(missing, lang))
    terms = query_terms(view.query)
    answer = response.answer.text if response.answer and not response.abstained else None
    ctx = {"clang": clang, "votes": votes}
    for position, (hit, folded) in enumerate(groups, 1):
        show_hit(hit, folded, view, terms, answer, {**ctx, "position": position})


def footer(lang: str) -> None:
    st.divider()
    st.html(cards.footer_html(SOURCES[norm_lang(lang)]))


def delegates_page() -> None:
    searcher = searcher_or_stop(st.session_state.get("lang") or permalink.from_params(url_params()).lang)
    facets = load_facets(INDEX_DIR)
    adopt_url(facets)
    sidebar(facets)
    view = current_view()
    question_box(view.lang, bool(view.query))
    sync_url(view)
    if view.query:
        show_results(searcher, view)
    footer(view.lang)


def main() -> None:
    url_lang = permalink.from_params(url_params()).lang
    lang = st.session_state.get("lang", url_lang)
    st.set_page_config(page_title=t("page_title", url_lang), page_icon="🔎", layout="wide")
    st.html(cards.CSS)
    pages = [
        st.Page(delegates_page, title=t("page_delegates", lang), url_path="ask", default=True),
        st.Page(workbench.page, title=t("page_workbench", lang), url_path="workbench"),
    ]
    st.navigation(pages, position="top" if len(pages) > 1 else "hidden").run()


if __name__ == "__main__":  # `streamlit run unqa_app/streamlit_app.py` (what `unqa app` does)
    main()
