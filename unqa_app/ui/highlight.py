"""Safe highlighting of passages: every character of the document is HTML-escaped; only our own
``<mark>`` tags are markup.

Spans (the answer sentence, the query terms) are located on the raw text and each raw segment is
escaped before the tags are put around it. That is the same as escaping first and marking
afterwards, except that a term can never match inside an entity such as ``&amp;``. A document
containing ``<script>`` therefore shows as the text ``<script>``.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable

from index.tokenize import tokenize

logger = logging.getLogger(__name__)

ANSWER_CLASS = "unqa-answer"
TERM_CLASS = "unqa-term"
MAX_TERMS = 30

_STOP_ZH = "哪个 哪些 哪项 什么 如何 怎么 怎样 是否 为何 为什么 关于 有关 涉及 负责 方面 问题"
_STOP_EN = (
    "the which what how does do deal deals dealt with and for are was were who whom that this these "
    "from into about there their its any all can could should would"
)
_STOP = frozenset(f"{_STOP_ZH} {_STOP_EN}".split())
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDY = re.compile(r"\w", re.UNICODE)


@functools.cache
def _tokenizer() -> Callable[[str], list[str]]:
    """The index's tokenizer (``index.tokenize.tokenize``) when present, else plain jieba."""
    try:
        return tokenize
    except ImportError:
        import jieba

        logger.debug("index.tokenize not available; highlighting with jieba.lcut")
        return jieba.lcut


def _keep(term: str) -> bool:
    if not _WORDY.search(term) or term.lower() in _STOP:
        return False
    if _CJK.search(term):
        return len(term) >= 2
    return len(term) >= 3 or any(ch.isdigit() for ch in term)


def query_terms(query: str) -> list[str]:
    """Content words of the question, longest first, without duplicates (case-insensitively)."""
    query = unicodedata.normalize("NFKC", query or "")
    if not query.strip():
        return []
    seen: dict[str, str] = {}
    for tok in _tokenizer()(query):
        tok = tok.strip()
        if tok and _keep(tok):
            seen.setdefault(tok.lower(), tok)
    return sorted(seen.values(), key=len, reverse=True)[:MAX_TERMS]


def escape(text: str) -> str:
    """HTML-escape text (quotes included)."""
    return html.escape(text or "", quote=True)


def _term_regex(term: str) -> str:
    """A Chinese term matches anywhere; a Latin one matches from a word's start to that word's end, so
    "encourage" marks the whole of "Encourages" and never the inside of another word."""
    if _CJK.search(term):
        return re.escape(term)
    return rf"(?<!\w){re.escape(term)}\w*"


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    uniq = sorted({t for t in terms if t}, key=len, reverse=True)
    if not uniq:
        return None
    return re.compile("|".join(_term_regex(t) for t in uniq), re.IGNORECASE)


def _mark_terms(segment: str, pattern: re.Pattern[str] | None) -> str:
    """Escape ``segment`` and wrap every match of ``pattern`` in a term mark."""
    if pattern is None:
        return escape(segment)
    out, pos = [], 0
    for m in pattern.finditer(segment):
        out.append(escape(segment[pos : m.start()]))
        out.append(f'<mark class="{TERM_CLASS}">{escape(m.group(0))}</mark>')
        pos = m.end()
    out.append(escape(segment[pos:]))
    return "".join(out)


def answer_span(text: str, answer: str | None) -> tuple[int, int] | None:
    """Where the answer sentence sits in ``text`` (exact match of its stripped form), if it does."""
    needle = (answer or "").strip()
    if not needle:
        return None
    start = text.find(needle)
    return (start, start + len(needle)) if start >= 0 else None


def highlight(text: str, *, answer: str | None = None, terms: Iterable[str] = ()) -> str:
    """Escaped ``text`` with the answer sentence and the query terms marked."""
    text = text or ""
    pattern = _term_pattern(terms)
    span = answer_span(text, answer)
    if span is None:
        return _mark_terms(text, pattern)
    a, b = span
    before, inner, after = (_mark_terms(s, pattern) for s in (text[:a], text[a:b], text[b:]))
    return f'{before}<mark class="{ANSWER_CLASS}">{inner}</mark>{after}'
