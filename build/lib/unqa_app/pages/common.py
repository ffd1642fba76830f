"""Resources both pages share, loaded once per server process (Streamlit's resource cache)."""

from __future__ import annotations

import logging
import os

import streamlit as st

from eval import judgments as judgment_store
from eval.judgments import JudgmentStore
from index.mandates import MandateGraph, build_graph
from unqa.paths import DEFAULT_INDEX_DIR
from unqa_app.ui import service

logger = logging.getLogger(__name__)

INDEX_DIR = os.environ.get("UNQA_INDEX") or str(DEFAULT_INDEX_DIR)


@st.cache_resource(show_spinner=False)
def load_searcher(index_dir: str) -> service.Searcher:
    return service.open_searcher(index_dir)


@st.cache_resource(show_spinner=False)
def load_graph(index_dir: str) -> MandateGraph:
    return build_graph(load_searcher(index_dir).passages)


@st.cache_resource(show_spinner=False)
def load_facets(index_dir: str) -> service.Facets:
    return service.facets(load_searcher(index_dir).passages)


@st.cache_resource(show_spinner=False)
def load_series(index_dir: str) -> service.SeriesIndex:
    return service.series_index(load_searcher(index_dir).passages)


@st.cache_resource(show_spinner=False)
def load_subjects(index_dir: str) -> dict[str, list[dict]]:
    return service.subject_continues(load_graph(index_dir), load_series(index_dir))


@st.cache_resource(show_spinner=False)
def load_store(path: str) -> JudgmentStore:
    return JudgmentStore(path)


def store() -> JudgmentStore:
    """The judgment store of this user (``UNQA_DATA`` read at each call, so tests can point it elsewhere)."""
    return load_store(str(judgment_store.default_path()))


def judge_id() -> str:
    return st.session_state.get("judge") or judgment_store.LOCAL_JUDGE
