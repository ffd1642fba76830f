"""Citation strings and labels as delegates paste them into their notes."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import quote, urlparse

from unqa import cite
from unqa.model import Passage

logger = logging.getLogger(__name__)

SEP = " › "

KIND_LABELS: dict[str, tuple[str, str]] = {
    "overview": ("总方向", "Overall orientation"),
    "subprogramme": ("次级方案", "Sub-programme"),
    "objective": ("目标", "Objective"),
    "accomplishment": ("预期成绩", "Expected accomplishment"),
    "indicator": ("绩效指标", "Indicator of achievement"),
    "strategy": ("战略", "Strategy"),
    "strategy_item": ("战略分项", "Strategy item"),
    "mandate": ("法律授权", "Legislative mandate"),
    "preamble": ("序言部分", "Preambular paragraph"),
    "operative": ("执行部分", "Operative paragraph"),
    "paragraph": ("段落", "Paragraph"),
}


def kind_label(kind: str, lang: str = "zh") -> str:
    """Human label of a passage kind in the interface language; unknown kinds as they are."""
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    return en if lang == "en" else zh


def subprogramme_of(passage: Passage) -> str | None:
    """The sub-programme a programme passage belongs to (``Passage.subprogramme``), if any."""
    return passage.subprogramme or None


def citation_path(passage: Passage) -> list[str]:
    """Breadcrumb below the document, ending with the paragraph label (added if not there yet)."""
    c = passage.citation
    parts = [p for p in c.path if p and p != c.document]
    if c.paragraph and (not parts or c.paragraph not in parts[-1]):
        parts.append(c.paragraph)
    return parts


def citation_text(passage: Passage) -> str:
    """``"A/65/6 (Prog. 3), 方案 3 裁军 › 次级方案 3 … › 战略 › 3.9 (c)"`` (plus the page, if known)."""
    c = passage.citation
    text = c.document
    parts = citation_path(passage)
    if parts:
        text += ", " + SEP.join(parts)
    if c.page:
        text += f", p. {c.page}"
    return text


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no ``javascript:`` links on the page)."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")
    logger.debug("dropping unsafe url %r", url)
    return None


def paste_citation(passage: Passage) -> str:
    """Ready-to-paste citation: the citation line, then the official link when there is one."""
    url = safe_url(passage.citation.url)
    return f"{citation_text(passage)}\n{url}" if url else citation_text(passage)


def quote_with_citation(text: str, passage: Passage) -> str:
    """``“quoted sentence” (citation)`` for an answer."""
    return f"“{text.strip()}” ({citation_text(passage)})"


def score_text(score: float) -> str:
    return f"{score:.3f}"


def widget_key(prefix: str, *parts: str) -> str:
    """A short stable widget key from arbitrary text (queries may hold any character)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"


def answer_paragraph(p: Passage, answer: str) -> str:
    """The paragraph label for an answer sentence: a resolution's sub-point when the sentence lies in one
    ("执行部分第 5 (b) 段", "operative para. 5 (b)"), else the passage's own label."""
    start = p.text.find(answer.strip()) if answer.strip() else -1
    for sub in p.subpoints:
        if start >= 0 and sub.start <= start < sub.end:
            label = p.citation.paragraph
            return label[:-2] + f" {sub.label} 段" if label.endswith(" 段") else f"{label} {sub.label}"
    return p.citation.paragraph


def answer_citation(p: Passage, answer: str) -> str:
    """Ready-to-paste citation of an answer sentence, precise to the sub-point."""
    paragraph = answer_paragraph(p, answer)
    if paragraph == p.citation.paragraph:
        return citation_text(p)
    path = tuple(paragraph if part == p.citation.paragraph else part for part in p.citation.path)
    return citation_text(replace(p, citation=replace(p.citation, path=path)))


# ---------------------------------------------------------------- v2: UN-style citations, English content

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_ZH_NUM = "〇一二三四五六七八九"


def is_english(text: str) -> bool:
    """A question written in English (Latin words, no Chinese characters)."""
    return bool(_LATIN.search(text or "")) and not _CJK.search(text or "")


def content_lang(ui_lang: str, query: str) -> str:
    """The language documents are shown in: English for the English interface or an English question."""
    return "en" if ui_lang == "en" or is_english(query) else "zh"


def shows_english(p: Passage, lang: str) -> bool:
    """Whether the card leads with the English paragraph."""
    return lang == "en" and bool(p.en)


def official_link(p: Passage, lang: str) -> str | None:
    """The safe docs.un.org link of the passage's document in ``lang`` (``unqa.cite``)."""
    return safe_url(cite.official_url(p, lang))


def copy_citation(p: Passage, lang: str, subpoint: str = "") -> str:
    """What the copy button gives: the UN-style citation, then the official link."""
    url = official_link(p, lang)
    text = cite.un_style(p, lang, subpoint)
    return f"{text}\n{url}" if url else text


def doc_title(p: Passage, lang: str) -> str:
    """The document's title in ``lang`` when the document has it, else its own title."""
    if lang == "en" and p.extra.get("title_en"):
        return str(p.extra["title_en"])
    return p.citation.title


def session_label(session: str, lang: str) -> str:
    """``"80"`` -> ``"第八十届会议"`` / ``"80th session"``."""
    if not session.isdigit():
        return session
    n = int(session)
    if lang == "en":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix} session"
    tens, ones = divmod(n, 10)
    zh = (_ZH_NUM[tens] if tens > 1 else "") + ("十" if tens else "") + (_ZH_NUM[ones] if ones else "")
    return f"第{zh}届会议"


def date_label(date: str, lang: str) -> str:
    """``"2025-12-01"`` -> ``"2025年12月1日"`` / ``"1 December 2025"``."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", date or "")
    if not m:
        return date or ""
    y, mo, d = (int(x) for x in m.groups())
    if lang == "en":
        months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        return f"{d} {months[mo - 1]} {y}"
    return f"{y}年{mo}月{d}日"


def doc_facts(p: Passage, lang: str) -> list[str]:
    """Adoption date and session of a resolution; the section path of a programme paragraph."""
    facts = [date_label(str(p.extra.get("date") or ""), lang), session_label(str(p.extra.get("session") or ""), lang)]
    if p.kind not in ("preamble", "operative"):
        c = p.citation
        facts.append(SEP.join(x for x in c.path[:-1] if x and x != c.document and x != c.paragraph))
    return [f for f in facts if f]


def list_items(p: Passage, passages: Sequence[Passage]) -> list[Passage]:
    """The lettered items of a programme paragraph (3.9 -> 3.9 (a) ... (k)), in document order."""
    if p.kind not in ("strategy", "overview", "paragraph") or not p.citation.paragraph:
        return []
    prefix = p.citation.paragraph + " ("
    return [q for q in passages if q.doc_id == p.doc_id and q.citation.paragraph.startswith(prefix)]
