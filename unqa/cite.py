"""The one place that writes the citation strings a delegate quotes.

A UN editor cites a resolution paragraph as ``A/RES/80/46, operative paragraph 5 (b)`` (Chinese:
``A/RES/80/46，执行部分第 5 (b) 段``) and a programme paragraph as ``A/65/6 (Prog. 3), paragraph 3.9 (c)``
(``第 3.9 (c) 段``). A sub-point is named once, inside the paragraph's label; its quote keeps the
paragraph's lead-in so the sense stays the document's. Links go to the UN's document system
(docs.un.org), the part letter of a resolution adopted in lettered parts kept (``A/RES/42/37C``, as the
UN's own files write their links).

Standard library only: every layer above may call it.
"""

from __future__ import annotations

import logging
import re

from unqa.model import RESOLUTION_KINDS, Passage
from unqa.symbols import official_url as _symbol_url
from unqa.symbols import with_part

logger = logging.getLogger(__name__)

_PROGRAMME_NUMBER = re.compile(r"^\d+(?:\.\d+)*(?:\s*\([a-z]{1,3}\))?$")
_ZH_PART = "一二三四五六七八九十"


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _number(p: Passage) -> int | None:
    """The paragraph number a resolution passage carries (``extra["num"]``, else from its id)."""
    num = p.extra.get("num")
    if isinstance(num, int):
        return num
    m = re.search(r"#(?:part\d+\.)?(?:pp|op|annex\d+\.p)(\d+)", p.id)
    return int(m.group(1)) if m else None


def _with_sub(n: str, subpoint: str) -> str:
    return f"{n} {subpoint}".strip() if subpoint else n


def _resolution_label(p: Passage, lang: str, subpoint: str) -> str:
    n = _number(p)
    if p.extra.get("unnumbered") or not n:
        k = int(p.extra.get("lead") or 1)
        if lang == "zh":
            return f"执行部分第 1 段之前的{f'第 {k} 个' if k > 1 else ''}未编号段落"
        return f"unnumbered paragraph{f' {k}' if k > 1 else ''} before operative paragraph 1"
    text = _with_sub(str(n), subpoint)
    if lang == "zh":
        return f"{'序言部分' if p.kind == 'preamble' else '执行部分'}第 {text} 段"
    return f"{'preambular' if p.kind == 'preamble' else 'operative'} paragraph {text}"


def _annex_label(p: Passage, lang: str, subpoint: str) -> str:
    text = _with_sub(str(_number(p) or ""), subpoint)
    return f"附件第 {text} 段" if lang == "zh" else f"annex, paragraph {text}"


def _programme_label(p: Passage, lang: str, subpoint: str) -> str:
    raw = (p.citation.paragraph or "").strip()
    if not _PROGRAMME_NUMBER.match(raw):
        return _with_sub(raw, subpoint)  # "本组织的目标", a mandate entry "42/37 C": no paragraph number
    text = _with_sub(raw, subpoint)
    return f"第 {text} 段" if lang == "zh" else f"paragraph {text}"


def paragraph_label(p: Passage, lang: str, subpoint: str = "") -> str:
    """``执行部分第 5 (b) 段`` / ``operative paragraph 5 (b)``; programme ``第 3.9 (c) 段`` / ``paragraph 3.9 (c)``."""
    lang = _lang(lang)
    if p.kind in RESOLUTION_KINDS:
        return _resolution_label(p, lang, subpoint)
    if p.kind == "paragraph" and re.search(r"#annex\d+\.p\d+", p.id):
        return _annex_label(p, lang, subpoint)
    return _programme_label(p, lang, subpoint)


def _section(p: Passage, lang: str) -> str:
    """The part of a resolution in several parts, for a passage past the first: its own heading (shortened),
    else ``第二部分`` / ``part II``."""
    part = p.extra.get("part")
    if not isinstance(part, int) or part <= 1 or part >= 100:
        return ""
    heading = p.citation.path[1] if len(p.citation.path) > 2 else ""
    if heading and not re.fullmatch(r"第.{1,3}部分|part [IVX\d]+", heading):
        return shorten(heading, 30)
    if lang == "zh":
        return f"第{_ZH_PART[part - 1]}部分" if part <= len(_ZH_PART) else f"第 {part} 部分"
    roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
    return f"part {roman[part - 1]}" if part <= len(roman) else f"part {part}"


def un_style(p: Passage, lang: str, subpoint: str = "") -> str:
    """``A/RES/80/46，执行部分第 5 段`` / ``A/RES/80/46, operative paragraph 5``;
    programme ``A/65/6 (Prog. 3)，第 3.9 (c) 段``."""
    lang = _lang(lang)
    sep = "，" if lang == "zh" else ", "
    parts = [p.citation.document, _section(p, lang), paragraph_label(p, lang, subpoint)]
    return sep.join(part for part in parts if part)


def subpoint_at(p: Passage, text: str) -> str:
    """Label (``"(b)"``) of the sub-point whose span holds ``text``, or ``""``."""
    needle = text.strip()
    start = p.text.find(needle) if needle else -1
    if start < 0:
        return ""
    for sub in p.subpoints:
        if sub.start <= start < sub.end:
            return sub.label
    return ""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters in the middle with ``……``, keeping head and tail
    (the subject and the verb or colon that leads into the sub-points)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    keep = max(limit // 2, 1)
    return f"{text[:keep].rstrip()}……{text[-keep:].lstrip()}"


def subpoint_quote(p: Passage, label: str, max_lead: int = 80) -> str:
    """The sub-point's text, preceded by the paragraph's lead-in (shortened with ``……`` past ``max_lead``)."""
    subs = list(p.subpoints)
    sub = next((s for s in subs if s.label == label), None)
    if sub is None:
        logger.debug("%s has no sub-point %s", p.id, label)
        return p.text
    lead = shorten(p.text[: subs[0].start], max_lead)
    body = p.text[sub.start : sub.end].strip()
    if not lead:
        return body
    joiner = "" if re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$", lead) else " "
    return f"{lead}{joiner}{body}"


def _document_symbol(p: Passage) -> str:
    """The symbol a passage's link points to: a mandate entry stands for the resolution it lists."""
    if p.kind == "mandate" and p.extra.get("symbol"):
        return with_part(str(p.extra["symbol"]), str(p.extra.get("part") or ""))
    return p.citation.document


def official_url(p: Passage, lang: str) -> str:
    """``https://docs.un.org/{zh,en}/SYMBOL`` of the passage's document, lettered parts kept (``A/RES/42/37C``)."""
    return _symbol_url(_document_symbol(p), _lang(lang))
