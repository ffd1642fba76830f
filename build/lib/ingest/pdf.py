"""Read a PDF (UN reports, programme budgets) into paragraph passages that cite their page.

Pages are read one at a time through pypdf. Running headers and footers are dropped: lines at the top
or bottom of a page that repeat (digits ignored) on the first pages, plus page/job-number patterns
("3/31", "26-03518", "26-03518 (E) 140426", "*2603518*", "A/81/6 (Sect. 4)", "- 3 -", "第 3 页").
Footnotes (below a "____" rule) are kept apart. Paragraphs start at a UN paragraph number ("4.12"),
after a heading or after a short line that ends a sentence; lines are joined (Chinese without spaces).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.clean import join_lines
from unqa.model import Citation, Document, IngestError, Passage
from unqa.symbols import official_url, symbol_keys

logger = logging.getLogger(__name__)

LEARN_PAGES = 12  # pages buffered to learn the running headers and footers
EDGE_LINES = 3  # lines at the top and bottom of a page that may be header or footer
_HAN = re.compile(r"[\u4e00-\u9fff]")
_PARA_NUM = re.compile(r"^\s*(\d{1,2}\.(?:[IVX]{1,4}\.)?\d{1,3})(?:\s+|(?=[\u4e00-\u9fff]))(\S.*)$")
_STRONG_NOISE = [
    re.compile(r"^\d{2}-\d{5}(\s*\([A-Z]\))?(\s+\d{1,4}\s*/\s*\d{1,4})?(\s+\d{6})?$"),  # 26-03518 (E) 140426
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}\s+\d{2}-\d{5}(\s*\([A-Z]\))?$"),  # 3/31 26-03518
    re.compile(r"^\*\d{7}\*$"),  # bar code text
    re.compile(r"^(United Nations|联合国)\s+[AES]/\d"),  # first-page masthead
]
_NOISE = [
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}(\s+\d{2}-\d{5}(\s*\([A-Z]\))?)?$"),  # 3/31, 3/31 26-03518
    re.compile(r"^\d{2}-\d{5}(\s*\([A-Z]\))?(\s+\d{1,4}\s*/\s*\d{1,4})?(\s+\d{6})?$"),  # 26-03518 2/31
    re.compile(r"^\*\d{7}\*$"),  # bar code text
    re.compile(r"^[-–—]?\s*\d{1,4}\s*[-–—]?$"),  # page numbers
    re.compile(r"^第\s*\d+\s*页(\s*/?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^(?:Page\s+)?\d+\s+(?:of|/)\s+\d+$", re.I),
    re.compile(r"^[AES]/(?:[A-Z0-9.]+/)*\d+[A-Z0-9./ ]*(?:\((?:Sect|Prog|Part)\.?\s*[\dIVX]+\))?(?:/[\w.]+)*\*?$"),
]
_SYMBOL = re.compile(r"\b([AES]/\d{1,3}/\d{1,4}(?:/[A-Za-z0-9.]+)*(?:\s*\((?:Sect|Prog|Part)\.\s*\d+\))?)")
_FILE_SYMBOL = re.compile(r"^([AES])_(\d+)_(\d+)(?:\s*\((SECT|PROG|PART)\.?\s*(\d+)\))?", re.I)


@dataclass
class _Para:
    page: int
    label: str
    heading: str
    lines: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- pages


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{path.name}: encrypted PDF (needs a password)")
        _ = len(reader.pages)
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError(f"{path.name}: encrypted PDF (needs a password)") from exc
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"{path.name}: broken or truncated PDF ({exc})") from exc
    return reader


def _page_lines(reader: PdfReader, path: Path) -> Iterator[list[str]]:
    """Text lines of each page, one page at a time."""
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many types on damaged content streams
            raise IngestError(f"{path.name}: cannot extract text from page {number} ({exc})") from exc
        yield [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _edges(lines: list[str]) -> list[str]:
    content = [ln for ln in lines if ln]
    return content[:EDGE_LINES] + content[-EDGE_LINES:]


def _learn_running(pages: list[list[str]]) -> set[str]:
    """Line shapes seen at a page edge on at least two pages (and a third of the pages learnt from)."""
    counts = Counter(shape for lines in pages for shape in {_shape(ln) for ln in _edges(lines)})
    need = max(2, len(pages) // 3)
    return {shape for shape, n in counts.items() if n >= need and len(shape) < 120}


def _is_noise(line: str) -> bool:
    return any(p.match(line) for p in _NOISE)


def _clean_page(lines: list[str], running: set[str]) -> tuple[list[str], list[str]]:
    """(body lines, footnote lines) without headers, footers and page numbers."""
    edges = set(_edges(lines))
    body, notes, in_notes = [], [], False
    for line in lines:
        if line and line in edges and (_shape(line) in running or _is_noise(line)):
            continue
        if any(p.match(line) for p in _STRONG_NOISE):
            continue
        if re.fullmatch(r"_{5,}", line):
            in_notes = True
            continue
        (notes if in_notes else body).append(line)
    return body, [n for n in notes if n and not _is_noise(n)]


# ---------------------------------------------------------------- paragraphs


def _join(lines: list[str]) -> str:
    try:
        return join_lines(lines)
    except Exception:  # a broken helper must not lose the text
        logger.debug("ingest.clean.join_lines failed; using the local join")
    return _join_local(lines)


def _join_local(lines: list[str]) -> str:
    out = ""
    for line in (ln.strip() for ln in lines if ln.strip()):
        if not out:
            out = line
        elif out.endswith("-") and line[:1].islower():
            out = out[:-1] + line
        elif _HAN.match(line[:1]) or _HAN.match(out[-1:]) or out[-1:] in "，。；：、（）":
            out += line
        else:
            out += " " + line
    return out


def _is_heading(line: str, prev_blank: bool, next_line: str) -> bool:
    if not line or len(line) > 90 or _PARA_NUM.match(line) or line[-1:] in ".。;；:：,，":
        return False
    starts_upper = line[:1].isupper() or bool(_HAN.match(line[:1])) or line[:1].isdigit()
    return prev_blank and starts_upper and (not next_line or next_line[:1].isupper() or not line[-1:].isalnum())


class _Segmenter:
    """Feeds page lines, yields paragraphs; a paragraph keeps the page it started on."""

    def __init__(self) -> None:
        self.heading = ""
        self.current: _Para | None = None
        self.width = 0

    def page(self, number: int, lines: list[str]) -> Iterator[_Para]:
        self.width = max([self.width, *(len(ln) for ln in lines)])
        prev_blank = True
        for i, line in enumerate(lines):
            nxt = next((ln for ln in lines[i + 1 :] if ln), "")
            if not line:
                prev_blank = True
                continue
            yield from self._line(number, line, prev_blank, nxt)
            prev_blank = False

    def _line(self, page: int, line: str, prev_blank: bool, nxt: str) -> Iterator[_Para]:
        m = _PARA_NUM.match(line)
        if m:
            yield from self.flush()
            self.current = _Para(page, m.group(1), self.heading, [m.group(2)])
        elif _is_heading(line, prev_blank, nxt) and not self._open_sentence():
            yield from self.flush()
            self.heading = line
        else:
            if self.current is None:
                self.current = _Para(page, "", self.heading)
            self.current.lines.append(line)
            if line[-1:] in ".。!！?？" and len(line) < 0.7 * self.width and not self.current.label:
                yield from self.flush()

    def _open_sentence(self) -> bool:
        last = self.current.lines[-1] if self.current and self.current.lines else ""
        return bool(last) and last[-1:] not in ".。;；:：!！?？" and len(last) >= 0.7 * self.width

    def flush(self) -> Iterator[_Para]:
        if self.current is not None and any(self.current.lines):
            yield self.current
        self.current = None


# ---------------------------------------------------------------- document


def _symbol(first_page: str, path: Path) -> str:
    m = _SYMBOL.search(first_page)
    if m:
        return re.sub(r"\s+", " ", m.group(1)).replace("( ", "(")
    m = _FILE_SYMBOL.match(path.stem)
    if m:
        base = f"{m.group(1).upper()}/{m.group(2)}/{m.group(3)}"
        return f"{base} ({m.group(4).capitalize()}. {m.group(5)})" if m.group(4) else base
    return path.stem


def _title(reader: PdfReader, running: set[str], pages: list[list[str]], symbol: str) -> str:
    meta = reader.metadata
    title = str(meta.title or "").strip() if meta else ""
    if title and not title.lower().startswith(("microsoft", "untitled")) and len(title) > 3:
        return title
    headers = [ln for lines in pages[1:] for ln in _edges(lines)[:EDGE_LINES] if _shape(ln) in running]
    headers = [h for h in headers if not _is_noise(h)]
    preferred = [h for h in headers if h.startswith(("Section", "Programme", "第"))]
    return (preferred or headers or [symbol])[0]


def _lang(text: str) -> str:
    return "zh" if len(_HAN.findall(text)) > 0.1 * max(len(text), 1) else "en"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_pdf(path: Path) -> Document:
    """Read a PDF into paragraph passages (``Citation.page`` 1-based); raises IngestError."""
    path = Path(path)
    reader = _open(path)
    pages_iter = _page_lines(reader, path)
    learnt = list(islice(pages_iter, LEARN_PAGES))
    if not learnt:
        raise IngestError(f"{path.name}: PDF has no pages")
    running = _learn_running(learnt)
    first = "\n".join(learnt[0])
    symbol = _symbol(first, path)
    title = _title(reader, running, learnt, symbol)
    paras, notes = _segment(_all_pages(learnt, pages_iter), running)
    if not paras:
        raise IngestError(f"{path.name}: no text layer (scanned or image-only PDF?)")
    lang = _lang(" ".join(p[1] for p in paras[:20]))
    passages = _passages(paras, symbol, title, lang, path.name)
    return Document(
        doc_id=f"{symbol}@{lang}",
        symbol=symbol,
        title=title,
        lang=lang,
        source=str(path),
        sha256=_sha256(path),
        passages=tuple(passages),
        meta={"pages": len(reader.pages), "footnotes": notes},
    )


def _all_pages(learnt: list[list[str]], rest: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    yield from enumerate(learnt, start=1)
    yield from enumerate(rest, start=len(learnt) + 1)


def _segment(
    pages: Iterator[tuple[int, list[str]]], running: set[str]
) -> tuple[list[tuple[_Para, str]], list[dict[str, object]]]:
    seg = _Segmenter()
    paras: list[tuple[_Para, str]] = []
    notes: list[dict[str, object]] = []
    for number, lines in pages:
        body, page_notes = _clean_page(lines, running)
        notes.extend({"page": number, "text": n} for n in page_notes)
        paras.extend((p, _join(p.lines)) for p in seg.page(number, body))
    paras.extend((p, _join(p.lines)) for p in seg.flush())
    return [(p, t) for p, t in paras if t.strip()], notes


def _passages(paras: list[tuple[_Para, str]], symbol: str, title: str, lang: str, source: str) -> list[Passage]:
    compact = symbol.replace(" ", "")
    url = official_url(symbol, lang) if re.match(r"^[AES]/", symbol) else None
    passages, seen, per_page = [], set(), Counter()
    for order, (para, text) in enumerate(paras):
        per_page[para.page] += 1
        label = para.label or f"p{para.page}.{per_page[para.page]}"
        pid = f"{compact}#{label}" if label not in seen else f"{compact}#{label}-p{para.page}.{per_page[para.page]}"
        seen.add(label)
        citation = Citation(
            document=symbol,
            title=title,
            path=tuple(x for x in (title, para.heading, label) if x),
            paragraph=label,
            source=source,
            page=para.page,
            url=url,
        )
        passages.append(
            Passage(
                id=pid,
                text=text,
                kind="paragraph",
                citation=citation,
                context=" ".join(x for x in (title, para.heading) if x),
                lang=lang,
                doc_id=f"{symbol}@{lang}",
                order=order,
                location=f"p. {para.page}",
                mentions=tuple(symbol_keys(text)),  # the paragraph cites them; it is not those documents
                extra={"heading": para.heading},
            )
        )
    return passages
