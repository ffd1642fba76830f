"""HTML fragments of the result page. Every text from a document goes through ``highlight``/``escape``;
the only markup is ours. Rendered with ``st.html`` (sanitised again by DOMPurify in the browser).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from unqa.model import Hit, Passage
from unqa_app.ui.format import answer_citation, kind_label, safe_url, score_text, widget_key
from unqa_app.ui.highlight import escape, highlight
from unqa_app.ui.i18n import t

logger = logging.getLogger(__name__)

CSS = """<style>
[data-testid="stMainBlockContainer"]{padding-top:2.5rem}
.unqa-answer-box{border-left:6px solid #009edb;background:#f0f8fd;padding:.9rem 1.1rem;border-radius:6px}
.unqa-answer-box blockquote{margin:0;font-size:1.15rem;line-height:1.7}
.unqa-cite{color:#4a5560;font-size:.88rem;margin-top:.4rem}
.unqa-cite a{color:#0077b6;margin-left:.4rem}
.unqa-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline;margin-bottom:.3rem}
.unqa-rank{background:#009edb;color:#fff;border-radius:999px;padding:0 .55rem;font-weight:600}
.unqa-crumb{font-weight:600;color:#1f2a33}
.unqa-kind{background:#eef1f4;border-radius:4px;padding:0 .4rem;font-size:.8rem;color:#4a5560}
.unqa-score{margin-left:auto;font-size:.8rem;color:#6b7782}
.unqa-text{line-height:1.75;white-space:pre-line}
.unqa-text mark.unqa-answer{background:#fff3b0;padding:0 .1rem}
.unqa-text mark.unqa-term{background:transparent;color:inherit;font-weight:700;
  text-decoration:underline;text-decoration-color:#009edb;text-decoration-thickness:2px}
.unqa-meta{font-size:.82rem;color:#6b7782;margin-top:.35rem}
.unqa-meta a{color:#0077b6}
.unqa-ctx p{margin:.35rem 0;line-height:1.7;color:#4a5560}
.unqa-ctx p.unqa-current{color:#1f2a33;border-left:4px solid #009edb;padding-left:.6rem;background:#f0f8fd}
.unqa-ctx .unqa-label{font-weight:600;margin-right:.4rem}
.unqa-en{line-height:1.6;color:#1f2a33}
.unqa-count{font-size:.85rem;color:#6b7782}
.unqa-footer{font-size:.85rem;color:#6b7782;text-align:center}
</style>"""


def _link(url: str | None, label: str) -> str:
    safe = safe_url(url)
    if not safe:
        return ""
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener noreferrer">{escape(label)} ↗</a>'


def answer_html(text: str, passage: Passage, lang: str = "zh") -> str:
    """The quoted answer sentence, its citation and the link to the official document."""
    link = _link(passage.citation.url, t("official", lang))
    return (
        '<div class="unqa-answer-box" data-testid="unqa-answer">'
        f"<blockquote>“{escape(text.strip())}”</blockquote>"
        f'<div class="unqa-cite">{escape(answer_citation(passage, text))} {link}</div></div>'
    )


def hit_header_html(hit: Hit, lang: str = "zh") -> str:
    p = hit.passage
    return (
        f'<div class="unqa-head" data-testid="unqa-hit" data-passage-id="{escape(p.id)}">'
        f'<span class="unqa-rank">{hit.rank}</span>'
        f'<span class="unqa-crumb">{escape(p.citation.breadcrumb())}</span>'
        f'<span class="unqa-kind">{escape(kind_label(p.kind, lang))}</span>'
        f'<span class="unqa-score">{escape(t("score", lang))} {score_text(hit.score)}</span></div>'
    )


def passage_html(passage: Passage, *, answer: str | None, terms: Iterable[str], lang: str = "zh") -> str:
    """Highlighted passage text followed by its paragraph label, source file and official link."""
    c = passage.citation
    meta = [f"{escape(t('paragraph', lang))} {escape(c.paragraph)}" if c.paragraph else "", escape(c.source)]
    link = _link(c.url, t("official", lang))
    meta_html = " · ".join(m for m in [*meta, link] if m)
    body = highlight(passage.text, answer=answer, terms=terms)
    text_div = f'<div class="unqa-text" lang="{escape(passage.lang)}">{body}</div>'
    return f'{text_div}<div class="unqa-meta">{meta_html}</div>'


def context_html(items: Sequence[tuple[Passage, bool]], *, terms: Iterable[str]) -> str:
    """Neighbouring paragraphs in document order; the hit is marked."""
    terms = list(terms)
    rows = []
    for p, current in items:
        cls = ' class="unqa-current"' if current else ""
        para = p.citation.paragraph
        show_label = para and not p.text.startswith(para)
        label = f'<span class="unqa-label">{escape(para)}</span>' if show_label else ""
        text = highlight(p.text, terms=terms) if current else escape(p.text)
        rows.append(f"<p{cls}>{label}{text}</p>")
    return f'<div class="unqa-ctx">{"".join(rows)}</div>'


def english_html(text: str) -> str:
    return f'<div class="unqa-en" lang="en">{escape(text)}</div>'


def footer_html(note: str) -> str:
    return f'<div class="unqa-footer">{escape(note)}</div>'


def count_html(query: str, n: int, ms: float, *, abstained: bool, lang: str = "zh") -> str:
    """Result count and time. ``data-qkey`` (a hash: DOMPurify drops attribute values that look like
    markup) tells a browser test which question the page shows."""
    return (
        f'<div class="unqa-count" data-testid="unqa-results" data-qkey="{widget_key("q", query)}" '
        f'data-abstained="{str(abstained).lower()}" data-count="{n}" data-ms="{ms:.0f}">'
        f"{escape(t('result_count', lang, n=n, ms=ms))}</div>"
    )


def _symbol_link(url: str | None, text: str) -> str:
    """A document symbol linked to its official page (plain text when there is no safe link)."""
    safe = safe_url(url)
    if not safe:
        return escape(text)
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'


def recalled_by_html(entry: dict | None) -> str:
    """The resolutions that recall a programme mandate (index.mandates entry), oldest first, escaped."""
    groups = (entry or {}).get("recalled_by") or []
    items = []
    for g in groups:
        paras = ", ".join(escape(p["paragraph"]) for p in g["paragraphs"])
        items.append(
            f"<li>{_symbol_link(g.get('url'), g['symbol'])} {escape(g.get('date') or '')} "
            f"{escape(g.get('title') or '')} — {paras}</li>"
        )
    return f'<ul class="unqa-recall">{"".join(items)}</ul>'


def continues_html(items: list[dict]) -> str:
    """The programme mandates a resolution paragraph continues, escaped."""
    lis = [
        f"<li>{_symbol_link(i['programme_entry'].get('url'), i['symbol'] or i['key'])} {escape(i['title'])} "
        f"({escape(i['programme_entry']['citation'])})</li>"
        for i in items
    ]
    return f'<ul class="unqa-continues">{"".join(lis)}</ul>'
