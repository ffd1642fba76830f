"""HTML fragments of the result page. Every text from a document goes through ``highlight``/``escape``;
the only markup is ours. Rendered with ``st.html`` (sanitised again by DOMPurify in the browser).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from unqa import cite
from unqa.model import Hit, Passage
from unqa.symbols import official_url as symbol_url
from unqa_app.ui.format import (
    date_label,
    doc_facts,
    doc_title,
    kind_label,
    official_link,
    safe_url,
    shows_english,
    widget_key,
)
from unqa_app.ui.highlight import escape, highlight
from unqa_app.ui.i18n import t

logger = logging.getLogger(__name__)

CSS = """<style>
[data-testid="InputInstructions"]{display:none}
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
.unqa-facts{font-size:.82rem;color:#6b7782;margin:-.1rem 0 .3rem 0}
.unqa-other{margin-top:.3rem;font-size:.9rem}
.unqa-other summary{cursor:pointer;color:#0077b6}
.unqa-notice{background:#fff8e1;border-radius:6px;padding:.4rem .7rem;font-size:.9rem;margin-bottom:.5rem}
.unqa-items{margin:.5rem 0 0 1.2rem;line-height:1.6}
.unqa-diff{line-height:1.7;margin:.2rem 0 .6rem 0}
.unqa-diff del{background:#fde2e1;color:#9b1c1c}
.unqa-diff ins{background:#def7e5;color:#14532d;text-decoration:none;border-bottom:2px solid #16a34a}
.unqa-series,.unqa-changes ul{padding-left:1.1rem}
.unqa-cont{font-size:.85rem;color:#4a5560;margin-top:.3rem}
</style>"""


def _link(url: str | None, label: str) -> str:
    safe = safe_url(url)
    if not safe:
        return ""
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener noreferrer">{escape(label)} ↗</a>'


def _segments(text: str, lang: str) -> list[str]:
    pattern = r"(?<=[。；;])" if lang == "zh" else r"(?<=[.;])\s+"
    return [s for s in re.split(pattern, text.strip()) if s.strip()]


def english_answer(p: Passage, answer: str) -> str:
    """The English counterpart of an answer sentence: the sentence at the same position when both
    languages split into as many sentences, else the whole English paragraph."""
    zh, en = _segments(p.text, "zh"), _segments(p.en, "en")
    at = next((i for i, s in enumerate(zh) if answer.strip() and answer.strip() in s), None)
    if at is not None and len(zh) == len(en):
        return en[at]
    return p.en


def _other_language(label: str, text: str, lang: str) -> str:
    """The paragraph in the other language, one click away."""
    return (
        f'<details class="unqa-other" data-testid="unqa-other-lang"><summary>{escape(label)}</summary>'
        f'<div class="unqa-text" lang="{lang}">{escape(text)}</div></details>'
    )


def answer_html(text: str, passage: Passage, lang: str = "zh", items: Sequence[Passage] = ()) -> str:
    """The quoted answer (English first where the document has it), its UN-style citation and link;
    a lettered list (3.9 (a)-(k)) as a list with each item's citation."""
    sub = cite.subpoint_at(passage, text)
    english = shows_english(passage, lang)
    quote = english_answer(passage, text) if english else text.strip()
    other = _other_language(t("chinese_text", lang), text.strip(), "zh") if english else ""
    link = _link(official_link(passage, lang), t("official", lang))
    lis = "".join(
        f"<li>{escape(i.en if shows_english(i, lang) else i.text)}"
        f' <span class="unqa-cite">({escape(cite.un_style(i, lang))})</span></li>'
        for i in items
    )
    listing = f'<ol class="unqa-items" data-testid="unqa-answer-items">{lis}</ol>' if items else ""
    return (
        '<div class="unqa-answer-box" data-testid="unqa-answer">'
        f'<blockquote lang="{"en" if english else "zh"}">“{escape(quote)}”</blockquote>{listing}'
        f'<div class="unqa-cite" data-testid="unqa-answer-cite">'
        f"{escape(cite.un_style(passage, lang, sub))} {link}</div>"
        f"{other}</div>"
    )


def hit_header_html(hit: Hit, lang: str = "zh", *, ui_lang: str | None = None) -> str:
    """Rank, the document's title, kind; below it adoption date, session (or the programme section).
    The citation itself is given once, in the copy block under the text."""
    p = hit.passage
    facts = " · ".join(escape(f) for f in doc_facts(p, lang))
    return (
        f'<div class="unqa-head" data-testid="unqa-hit" data-passage-id="{escape(p.id)}">'
        f'<span class="unqa-rank">{hit.rank}</span>'
        f'<span class="unqa-crumb">{escape(doc_title(p, lang) or p.citation.document)}</span>'
        f'<span class="unqa-kind">{escape(kind_label(p.kind, ui_lang or lang))}</span></div>'
        f'<div class="unqa-facts">{facts}</div>'
    )


def passage_html(passage: Passage, *, answer: str | None, terms: Iterable[str], lang: str = "zh") -> str:
    """The paragraph (English first where there is one and English is wanted; the other language one
    click away), then the official link in ``lang``."""
    english = shows_english(passage, lang)
    text = passage.en if english else passage.text
    body = highlight(text, answer=None if english else answer, terms=terms)
    text_div = f'<div class="unqa-text" lang="{"en" if english else passage.lang}">{body}</div>'
    if english:
        other = _other_language(t("chinese_text", lang), passage.text, "zh")
    elif passage.en:
        other = _other_language(t("english", lang), passage.en, "en")
    else:
        other = ""
    links = [_link(official_link(passage, lang), t("official_res" if passage.kind == "mandate" else "official", lang))]
    if passage.kind == "mandate":
        links.append(_link(symbol_url(passage.citation.document, lang), t("official_prog", lang)))
    meta_html = " · ".join(x for x in links if x)
    return f'{text_div}{other}<div class="unqa-meta">{meta_html}</div>'


def no_english_html(documents: Sequence[str], lang: str = "en") -> str:
    """Said once above the results: these documents have no English text here."""
    text = t("no_english", lang, docs=", ".join(documents))
    return f'<div class="unqa-notice" data-testid="unqa-no-english">{escape(text)}</div>'


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


def app_link(symbol: str, label: str) -> str:
    """A link that opens a resolution inside the app (its paragraphs, filtered to that document)."""
    href = "?" + urlencode({"q": symbol, "doc": symbol})
    return f'<a href="{escape(href)}" target="_self" class="unqa-inapp">{escape(label)}</a>'


def recalled_by_html(entry: dict | None, lang: str = "zh") -> str:
    """The resolutions that recall a programme mandate (index.mandates entry), newest first, each opening
    inside the app and linking to its official text."""
    groups = sorted((entry or {}).get("recalled_by") or [], key=lambda g: (g.get("date") or "", g["symbol"]))
    items = []
    for g in reversed(groups):
        paras = ", ".join(escape(p["paragraph"]) for p in g["paragraphs"])
        items.append(
            f"<li>{app_link(g['symbol'], g['symbol'])} {escape(date_label(g.get('date') or '', lang))} "
            f"{escape(g.get('title') or '')} — {paras} {_link(symbol_url(g['symbol'], lang), t('official', lang))}</li>"
        )
    return f'<ul class="unqa-recall">{"".join(items)}</ul>'


def same_subject_html(items: Sequence[dict], lang: str = "zh") -> str:
    """Later resolutions on the mandate's subject, newest first, opening in the app and linked to docs.un.org."""
    lis = [
        f"<li>{app_link(i['symbol'], i['symbol'])} {escape(date_label(i['date'], lang))} {escape(i['title'])} "
        f"{_link(symbol_url(i['symbol'], lang), t('official', lang))}</li>"
        for i in items
    ]
    return f'<ul class="unqa-recall" data-testid="unqa-same-subject">{"".join(lis)}</ul>'


def continues_html(items: list[dict], lang: str = "zh") -> str:
    """The programme mandates a resolution continues: the programme entry and the mandate resolution, each labelled."""
    lis = []
    for i in items:
        entry = i["programme_entry"]
        prog = _link(
            symbol_url(entry["document"], lang), f"{t('programme', lang)} {entry['document']}, {entry['paragraph']}"
        )
        lis.append(f"<li>{escape(i['symbol'] or i['key'])} {escape(i['title'])} · {prog}</li>")
    return f'<ul class="unqa-continues">{"".join(lis)}</ul>'


def diff_html(diffs: Sequence[tuple[int, str]]) -> str:
    """A word diff: deletions struck through in red, insertions underlined in green."""
    tags = {-1: "del", 1: "ins", 0: "span"}
    body = "".join(f"<{tags[op]}>{escape(text)}</{tags[op]}>" for op, text in diffs)
    return f'<div class="unqa-diff" data-testid="unqa-diff">{body}</div>'


def series_html(rows: Sequence[dict], lang: str = "zh") -> str:
    """Earlier sessions of a paragraph's series: symbol, date, similarity, and the diff against the newer one."""
    lis = []
    for r in rows:
        head = f"{escape(r['citation'])} · {escape(date_label(r['date'], lang))}"
        if r.get("pair") is None:
            lis.append(f"<li>{head} — {escape(t('no_counterpart', lang))}</li>")
            continue
        same = t("unchanged", lang) if r["unchanged"] else t("changed", lang, pct=round(100 * r["ratio"]))
        lis.append(f"<li><div>{head} — {escape(same)}</div>{'' if r['unchanged'] else diff_html(r['diff'])}</li>")
    return f'<ul class="unqa-series" data-testid="unqa-series">{"".join(lis)}</ul>'


def changes_html(change: dict, lang: str = "zh") -> str:
    """What changed in a resolution against its predecessor: counts, then each changed, added or removed paragraph."""
    c = change["counts"]
    head = t("changes_counts", lang, old=change["old"], new=change["new"], **c)
    rows = []
    for pair in change["pairs"]:
        if pair.status == "unchanged":
            continue
        p = pair.new or pair.old
        label = escape(cite.paragraph_label(p, lang))
        if pair.status == "changed":
            rows.append(f"<li><b>{label}</b> {diff_html(change['diff'](pair, lang))}</li>")
        else:
            text = escape(p.en if shows_english(p, lang) else p.text)
            rows.append(f'<li class="unqa-{pair.status}"><b>{label}</b> [{escape(t(pair.status, lang))}] {text}</li>')
    return f'<div class="unqa-changes" data-testid="unqa-changes"><p>{escape(head)}</p><ul>{"".join(rows)}</ul></div>'
