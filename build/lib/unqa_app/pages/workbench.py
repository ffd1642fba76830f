"""The evaluator's workbench: one question (free or from the gold set) against two systems side by side.

Per system: top-k, each lane on or off, weighted fusion or plain RRF, the learned ranker, abstention
and its threshold (all ``SearchConfig`` levers). Per hit: the score, the lanes that found it and, when
the searcher gives them (``Hit.explain``), the per-lane scores and ranks. For a gold question the
relevant passages (from the gold spans) are marked and their ranks in each system listed. Thumbs
here go to the same SQLite judgment store as the delegates' page, with the system's name.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from eval.gold import GOLD_FILE, GoldQuestion, load_gold, span_qrels
from eval.judgments import Vote
from index import abstain
from index.config import SearchConfig
from unqa import cite
from unqa.model import Hit, QueryError, SearchResponse
from unqa_app.pages.common import INDEX_DIR, judge_id, load_searcher, store
from unqa_app.ui import format as fmt
from unqa_app.ui import service
from unqa_app.ui.highlight import escape

logger = logging.getLogger(__name__)

LANES = (
    ("symbol_lane", "symbol"),
    ("structure_lane", "structure"),
    ("glossary", "glossary"),
    ("lexicon", "lexicon"),
    ("english_lane", "English BM25"),
    ("sentence_lane", "sentence"),
    ("chars_lane", "character bigrams"),
    ("associations", "Chinese associations"),
    ("newest_first", "newest session first"),
)
MODES = ("hybrid", "bm25", "dense")
RANK_DEPTH = 50  # how deep relevant passages are looked for


@st.cache_resource(show_spinner=False)
def load_questions() -> list[GoldQuestion]:
    return load_gold(GOLD_FILE)


@st.cache_resource(show_spinner=False)
def load_qrels(index_dir: str) -> dict[str, dict[str, int]]:
    return span_qrels(load_questions(), load_searcher(index_dir).passages)


MODEL_THRESHOLD = getattr(abstain.load_default(), "threshold", 0.5)  # the shipped model's (dev cross-validation)


def system_controls(col, name: str) -> tuple[SearchConfig, int]:
    """The levers of one system, in its column."""
    with col:
        st.markdown(f"**{name}**")
        mode = st.selectbox("mode", MODES, key=f"{name}_mode")
        k = st.slider("top-k", 1, 50, 10, key=f"{name}_k")
        flags = {f: st.checkbox(label, True, key=f"{name}_{f}") for f, label in LANES}
        fusion = st.radio("fusion", ("weighted", "RRF"), horizontal=True, key=f"{name}_fusion")
        ranker = st.checkbox("learned ranker", True, key=f"{name}_ranker")
        abstain = st.checkbox("abstain", True, key=f"{name}_abstain")
        default = round(MODEL_THRESHOLD, 2)
        threshold = st.slider("abstention threshold (P answerable)", 0.0, 1.0, default, 0.01, key=f"{name}_thr")
    config = replace(
        SearchConfig(),
        mode=mode,
        weighted_fusion=fusion == "weighted",
        ranker=ranker,
        abstain=abstain,
        abstain_threshold=threshold,
        **flags,
    )
    return config, k


def explain_text(hit: Hit) -> str:
    """Per-lane scores when the searcher explains its hits, else the lanes that found the hit."""
    explain = getattr(hit, "explain", None)
    if isinstance(explain, dict) and explain:
        return " · ".join(f"{lane} {v.get('score', 0):.3f} (#{v.get('rank', '?')})" for lane, v in explain.items())
    return ", ".join(hit.sources) or "—"


def hits_html(response: SearchResponse, relevant: dict[str, int]) -> str:
    rows = []
    for h in response.hits:
        mark = "✅" if h.passage.id in relevant else ""
        rows.append(
            f'<tr data-passage-id="{escape(h.passage.id)}"><td>{h.rank}</td><td>{mark}</td>'
            f"<td>{h.score:.3f}</td><td>{escape(explain_text(h))}</td>"
            f"<td>{escape(cite.un_style(h.passage, 'zh'))}<br><small>{escape(h.passage.text[:120])}</small></td></tr>"
        )
    head = "<tr><th>#</th><th>gold</th><th>score</th><th>lanes</th><th>passage</th></tr>"
    status = "abstained" if response.abstained else "answered"
    return f'<div data-testid="unqa-wb-hits" data-status="{status}"><table>{head}{"".join(rows)}</table></div>'


def ranks_of_relevant(searcher, question: str, config: SearchConfig, relevant: dict[str, int]) -> dict[str, int | None]:
    """Where each relevant passage ranked (None: not in the first ``RANK_DEPTH``)."""
    deep = searcher.search(question, RANK_DEPTH, config=config)
    ranks = {h.passage.id: h.rank for h in deep.hits}
    return {pid: ranks.get(pid) for pid in relevant}


def on_vote(key: str, question: str, hit_id: str, rank: int, system: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        store().undo(question, hit_id, judge_id())
        return
    searcher = load_searcher(INDEX_DIR)
    vote = Vote(question, hit_id, judge_id(), value == 1, rank=rank, system=system, build_id=service.build_id(searcher))
    store().vote(replace(vote, page="workbench"))


def votes_column(col, response: SearchResponse, question: str, system: str) -> None:
    votes = store().votes_for(question, judge_id())
    with col:
        for h in response.hits[:10]:
            key = fmt.widget_key("wb", system, question, h.passage.id, judge_id())
            if key not in st.session_state and (h.passage.id, "passage") in votes:
                st.session_state[key] = 1 if votes[(h.passage.id, "passage")] else 0
            c1, c2 = st.columns([1, 3], vertical_alignment="center")
            c1.caption(f"#{h.rank}")
            with c2:
                st.feedback("thumbs", key=key, on_change=on_vote, args=(key, question, h.passage.id, h.rank, system))


def question_picker() -> tuple[str, dict[str, int]]:
    questions = load_questions()
    qrels = load_qrels(INDEX_DIR)
    labels = {"": "—"} | {q.id: f"{q.id} · {q.question}" for q in questions}
    picked = st.selectbox("gold question", list(labels), format_func=labels.get, key="wb_gold")
    typed = st.text_input("or a question of your own", key="wb_q")
    if picked and not typed:
        q = next(q for q in questions if q.id == picked)
        return q.question, qrels.get(q.id, {})
    return typed.strip(), {}


def show_system(col, name: str, question: str, config: SearchConfig, k: int, relevant: dict[str, int]) -> None:
    searcher = load_searcher(INDEX_DIR)
    try:
        response = searcher.search(question, k, config=config)
    except QueryError:
        col.warning("empty question")
        return
    with col:
        st.markdown(f"**{name}** — {'abstained' if response.abstained else 'answered'}")
        if relevant:
            ranks = ranks_of_relevant(searcher, question, config, relevant)
            st.caption("relevant passages ranked: " + "; ".join(f"{pid} → {r or '>50'}" for pid, r in ranks.items()))
        st.html(hits_html(response, relevant))
    votes_column(col, response, question, name)


def page() -> None:
    st.title("Evaluator workbench")
    st.caption(
        "Retrieval test against the gold sets: two systems side by side. Judgments go to the SQLite store "
        "(`unqa judgments export --trec FILE`), read by `unqa eval`. Source of the texts: United Nations."
    )
    question, relevant = question_picker()
    col_a, col_b = st.columns(2)
    config_a, k_a = system_controls(col_a, "A")
    config_b, k_b = system_controls(col_b, "B")
    if not question:
        st.info("Pick a gold question or type one.")
        return
    res_a, res_b = st.columns(2)
    show_system(res_a, "A", question, config_a, k_a, relevant)
    show_system(res_b, "B", question, config_b, k_b, relevant)
