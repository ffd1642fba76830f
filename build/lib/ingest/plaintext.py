"""Read any other text file (.txt, .md) into cleaned, cited paragraphs.

A paragraph ends at a blank line, or where a numbered item (``3.1``, ``1.``, ``(a)``, ``一、``), a
bullet or a Markdown heading starts. Text extracted from PDFs often puts a blank line after
every line; in such "double-spaced" files only two blank lines in a row end a paragraph.
Markdown headings are not passages: they name the section of the paragraphs below them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.clean import clean_text, extract_urls, join_lines
from ingest.textio import decode_bytes, read_meta
from unqa.model import Citation, Document, IngestError, Passage
from unqa.symbols import symbol_keys

logger = logging.getLogger(__name__)

_NUMBERED = re.compile(
    r"^(\d{1,3}(?:\.\d{1,3})+(?=\s)|\d{1,3}[.、．](?!\d)|\([a-zA-Z0-9一二三四五六七八九十]{1,4}\)|（[a-zA-Z0-9一二三四五六七八九十]{1,4}）"
    r"|[一二三四五六七八九十]+、|[㈠-㈩])"
)
_BULLET = re.compile(r"^[-*•]\s")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Para:
    section: str
    lines: list[tuple[int, str]] = field(default_factory=list)


def _is_double_spaced(lines: list[str]) -> bool:
    """Most text lines followed by exactly one blank line, then text again."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    single_gaps = sum(1 for a, b in zip(filled, filled[1:], strict=False) if b - a == 2)
    return len(filled) > 2 and single_gaps >= 0.5 * (len(filled) - 1)


def _starts_paragraph(line: str) -> bool:
    return bool(_NUMBERED.match(line) or _BULLET.match(line))


def _paragraphs(lines: list[str]) -> list[_Para]:
    min_gap = 2 if _is_double_spaced(lines) else 1
    paras: list[_Para] = []
    section, blanks = "", 0
    for no, raw in enumerate(lines, start=1):
        line = raw.strip()
        heading = _HEADING.match(line)
        if not line:
            blanks += 1
        elif heading:
            section, blanks = clean_text(heading.group(1)), min_gap
        else:
            if not paras or blanks >= min_gap or _starts_paragraph(line) or paras[-1].section != section:
                paras.append(_Para(section))
            paras[-1].lines.append((no, line))
            blanks = 0
    return paras


def _label(text: str, n: int) -> str:
    m = _NUMBERED.match(text)
    return m.group(1).rstrip(".、．") if m else f"p{n}"


def _language(meta: dict[str, Any], text: str) -> str:
    if meta.get("language"):
        return str(meta["language"])
    sample = text[:5000]
    return "zh" if len(_HAN.findall(sample)) > 0.2 * max(len(sample.strip()), 1) else "en"


@dataclass(frozen=True)
class _Doc:
    stem: str
    source: str
    document: str
    title: str
    lang: str
    url: str | None


def _passage(doc: _Doc, para: _Para, n: int) -> Passage | None:
    body, urls = extract_urls("\n".join(text for _, text in para.lines))
    text = clean_text(join_lines(body.split("\n")))
    if not text:
        return None
    label = _label(text, n)
    citation = Citation(
        document=doc.document,
        title=doc.title,
        path=(*([para.section] if para.section else []), label),
        paragraph=label,
        source=doc.source,
        url=doc.url,
    )
    return Passage(
        id=f"{doc.stem}#p{n}",
        text=text,
        kind="paragraph",
        citation=citation,
        context=para.section or doc.title,
        lang=doc.lang,
        doc_id=doc.stem,
        order=n - 1,
        location=f"lines {para.lines[0][0]}-{para.lines[-1][0]}",
        mentions=tuple(symbol_keys(text)),  # the paragraph cites them; it is not those documents
        extra={"urls": urls} if urls else {},
    )


def read_plain_text(path: Path) -> Document:
    """Read a .txt/.md file (and its optional ``<stem>.meta.json``) into paragraph passages."""
    path = Path(path)
    meta = read_meta(path) or {}
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read ({err.strerror or err})") from err
    text, encoding = decode_bytes(raw, path.name)
    document = str(meta.get("symbol") or path.stem)
    title = str(meta.get("title_zh") or meta.get("title") or meta.get("title_en") or document)
    doc = _Doc(path.stem, path.name, document, title, _language(meta, text), meta.get("url"))
    passages: list[Passage] = []
    for para in _paragraphs(re.split(r"\r\n|\r|\n", text)):
        passage = _passage(doc, para, len(passages) + 1)
        if passage:
            passages.append(passage)
    if not passages:
        raise IngestError(f"{path.name}: no paragraphs of text")
    logger.info("%s: %d paragraphs (%s)", path.name, len(passages), encoding)
    return Document(
        doc_id=path.stem,
        symbol=document,
        title=title,
        lang=doc.lang,
        source=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
        meta=meta,
    )
