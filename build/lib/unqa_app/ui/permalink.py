"""Query, filters and interface language <-> URL query parameters, so a link reopens the same results.

Parameters: ``q`` (question), ``doc``, ``sp``, ``kind`` (repeatable filters) and ``lang``.
Everything read from a URL is untrusted: the question is cut to ``MAX_QUERY_CHARS`` and stripped of
control characters, filter values are kept only when they are among the options the index offers,
and unknown parameters are ignored. Nothing from the URL is ever rendered as HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from index.config import Filters
from index.query import MAX_QUERY_CHARS, normalize_question
from unqa_app.ui.i18n import DEFAULT_LANG, norm_lang

logger = logging.getLogger(__name__)

MAX_VALUES = 50
PARAM_QUERY, PARAM_DOC, PARAM_SUBPROGRAMME, PARAM_KIND, PARAM_LANG = "q", "doc", "sp", "kind", "lang"


@dataclass(frozen=True)
class ViewState:
    """What a permalink encodes."""

    query: str = ""
    documents: tuple[str, ...] = ()
    subprogrammes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    lang: str = DEFAULT_LANG

    def filters(self) -> Filters:
        return Filters(documents=self.documents, subprogrammes=self.subprogrammes, kinds=self.kinds)


def clean_query(text: str | None) -> str:
    """A question safe to keep: no control characters, single spaces, at most ``MAX_QUERY_CHARS``."""
    return normalize_question(text or "")[:MAX_QUERY_CHARS]


def _values(params: Mapping[str, str | list[str]], key: str) -> list[str]:
    raw = params.get(key, [])
    return [raw] if isinstance(raw, str) else [v for v in raw if isinstance(v, str)]


def _allowed(values: list[str], allowed: Collection[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values[:MAX_VALUES]:
        if (allowed is None or v in allowed) and v not in out:
            out.append(v)
        elif allowed is not None and v not in allowed:
            logger.info("ignoring unknown filter value from URL: %.60r", v)
    return tuple(out)


def from_params(
    params: Mapping[str, str | list[str]],
    *,
    documents: Collection[str] | None = None,
    subprogrammes: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> ViewState:
    """The view state a URL asks for, keeping only filter values in the given option sets."""
    query = _values(params, PARAM_QUERY)
    lang = _values(params, PARAM_LANG)
    return ViewState(
        query=clean_query(query[0] if query else ""),
        documents=_allowed(_values(params, PARAM_DOC), documents),
        subprogrammes=_allowed(_values(params, PARAM_SUBPROGRAMME), subprogrammes),
        kinds=_allowed(_values(params, PARAM_KIND), kinds),
        lang=norm_lang(lang[0] if lang else None),
    )


def to_params(state: ViewState) -> dict[str, str | list[str]]:
    """Query parameters for ``state`` (empty values left out; Chinese, the default, left out)."""
    params: dict[str, str | list[str]] = {}
    if state.query:
        params[PARAM_QUERY] = clean_query(state.query)
    for key, values in (
        (PARAM_DOC, state.documents),
        (PARAM_SUBPROGRAMME, state.subprogrammes),
        (PARAM_KIND, state.kinds),
    ):
        if values:
            params[key] = list(values)
    if state.lang != DEFAULT_LANG:
        params[PARAM_LANG] = norm_lang(state.lang)
    return params
