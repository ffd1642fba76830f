"""The result list as CSV and Markdown, each row with its citation and the UN as source."""

from __future__ import annotations

import csv
import io
import logging
import re

from unqa.model import SearchResponse
from unqa_app.ui.format import citation_text, kind_label, safe_url, subprogramme_of
from unqa_app.ui.i18n import SOURCE_FOOTER

logger = logging.getLogger(__name__)

CSV_COLUMNS = (
    "rank",
    "score",
    "passage_id",
    "document",
    "citation",
    "paragraph",
    "subprogramme",
    "kind",
    "text",
    "url",
    "source",
)
SOURCE_CELL = "United Nations / 联合国"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def csv_safe(value: object) -> str:
    """Cell text that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(response: SearchResponse, lang: str = "zh") -> list[dict[str, str]]:
    rows = []
    for hit in response.hits:
        p = hit.passage
        row = {
            "rank": hit.rank,
            "score": f"{hit.score:.4f}",
            "passage_id": p.id,
            "document": p.citation.document,
            "citation": citation_text(p),
            "paragraph": p.citation.paragraph,
            "subprogramme": subprogramme_of(p) or "",
            "kind": kind_label(p.kind, lang),
            "text": p.text,
            "url": safe_url(p.citation.url) or "",
            "source": SOURCE_CELL,
        }
        rows.append({k: csv_safe(v) for k, v in row.items()})
    return rows


def to_csv(response: SearchResponse, lang: str = "zh") -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs show the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(response, lang))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def md_escape(text: str) -> str:
    """Text that renders literally in Markdown (no HTML, links or emphasis from documents)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _md_answer(response: SearchResponse) -> list[str]:
    if response.abstained or response.answer is None:
        return ["> 所收录的文件没有回答这个问题的内容。 / The documents do not answer this question.", ""]
    cited = next((h.passage for h in response.hits if h.passage.id == response.answer.passage_id), None)
    line = f"> {md_escape(response.answer.text)}"
    if cited is not None:
        line += f"  \n> — {md_escape(citation_text(cited))}"
    return [line, ""]


def to_markdown(response: SearchResponse, lang: str = "zh") -> str:
    """Markdown report: the question, the answer (or the abstention), then every passage cited."""
    lines = [f"# {md_escape(response.query)}", ""]
    lines += _md_answer(response)
    for hit in response.hits:
        p = hit.passage
        url = safe_url(p.citation.url)
        label = f"{kind_label(p.kind, lang)}, {hit.score:.3f}"
        lines.append(f"{hit.rank}. **{md_escape(citation_text(p))}** ({label})")
        lines.append(f"   {md_escape(p.text)}")
        if url:
            lines.append(f"   <{url}>")
        lines.append("")
    lines += ["---", SOURCE_FOOTER, ""]
    return "\n".join(lines)


def file_stem(query: str) -> str:
    """A file-name-safe stem for downloads (letters, digits, CJK; at most 40 characters)."""
    stem = re.sub(r"[^\w\u3400-\u9fff]+", "_", query or "").strip("_")[:40]
    return f"unqa_{stem}" if stem else "unqa_results"
