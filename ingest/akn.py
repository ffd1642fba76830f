"""Read UN resolutions in Akoma Ntoso (AKN4UN) XML into passages.

How the UN marks resolutions up (GA sessions 74-80, ES-10/11, SC 2000-2026, read across all files):

- ``<statement name="resolution">`` (or ``draftResolution`` for SC drafts not adopted), or a
  ``<documentCollection>`` whose ``<components>`` hold one ``<statement>`` per lettered resolution
  (``75/101 A-B``); each component gets its own symbol (``A/RES/75/101 A``).
- Metadata: ``FRBRWork/FRBRthis`` (``/akn/un/statement/deliberation/unga/2020-12-07/75-36/``: body,
  adoption date, number), ``FRBRlanguage`` (``zho``/``eng``; a few files are mislabelled, so the text
  is checked for Han characters), ``coverPage`` ``docNumber[@refersTo="#symbol"]``, ``session/@value``,
  ``preface/docTitle[@refersTo="#resolutionTitle"]`` (GA; SC resolutions have no title, the
  ``docTitle[@refersTo="#resolutionNumber"]`` "Resolution 1540 (2004)" stands in).
- Preamble: ``<preamble>`` holds the ``enactingFormula`` then one ``<container eId="container_N">`` per
  preambular paragraph (unnumbered); multi-part resolutions put later preambles in the body as
  ``<crossHeading refersTo="#preamble">``.
- Operative part: ``<mainBody>`` holds ``<paragraph eId="para_N">`` with ``<num>1.</num>`` and
  ``<content><p>``; sub-points are ``<list><intro/><point><num>(a)</num>...`` inside the paragraph,
  but older files put each sub-point in its own ``<paragraph>`` with the ``(a)`` either in ``<num>`` or
  typed into the text; some paragraphs carry their number in the text (``"\\t1.\\t..."``). Headings are
  paragraphs with only ``<heading>``/``<subheading>``, or ``<section>`` subheadings. Annexes live in
  ``<attachments>``.
- Footnotes: ``<authorialNote marker="1" placement="bottom">`` inline at the reference point; kept
  apart in ``Passage.footnotes``, never in the text.

First Committee rule (``is_first_committee``): a GA resolution is a First Committee (disarmament and
international security) resolution when its cover page says it was adopted on the report of the First
Committee (``docProponent[@refersTo="#firstCommittee"]``) or its draft (``workflow/step
[@outcome="draftResolution"]/@as``) is an ``A/C.1/...`` document. Over sessions 74-80 the two signals
(and the ``TLCTerm eId="firstCommittee"`` reference) agree on every file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from unqa.model import Citation, Document, IngestError, Passage, Subpoint
from unqa.symbols import full_symbol, is_sc_key, key_of, official_url, symbol_keys

logger = logging.getLogger(__name__)

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
MAX_XML_BYTES = 64 * 1024 * 1024
_LANGS = {"zho": "zh", "chi": "zh", "eng": "en", "fra": "fr", "spa": "es", "rus": "ru", "ara": "ar"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK_SPACE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
_OP_NUM = re.compile(r"^\s*(\d{1,3})\s*[.．]\s*")
_SUB_NUM = re.compile(r"^\s*([(（]\s*(?:[a-z]{1,3}|[ivxlc]{1,6}|\d{1,2})\s*[)）])\s*")
_FRBR = re.compile(r"/(unga|unsc)/(\d{4}-\d{2}-\d{2})/([^/]+)/")

LABELS = {
    "zh": {
        "preamble": "序言部分",
        "operative": "执行部分",
        "para": "第 {n} 段",
        "ctx_pre": "序言",
        "ctx_op": "执行部分",
        "annex": "附件",
    },
    "en": {
        "preamble": "Preamble",
        "operative": "Operative part",
        "para": "para. {n}",
        "ctx_pre": "preamble",
        "ctx_op": "operative part",
        "annex": "Annex",
    },
}


@dataclass
class _Unit:
    """One block of the body in document order: a paragraph, a preamble crossHeading or a heading."""

    kind: str  # "preamble", "body", "heading"
    eid: str
    num: str
    lines: list[str]
    footnotes: list[str]


@dataclass
class _Para:
    kind: str  # "preamble", "operative", "paragraph"
    number: int
    part: int
    eid: str
    lines: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    heading: str = ""

    @property
    def text(self) -> str:
        return "\n".join(line for line in self.lines if line)


@dataclass
class _Meta:
    symbol: str
    title: str
    lang: str
    date: str
    session: str
    body: str
    first_committee: bool


# ---------------------------------------------------------------- parsing


def _parse(data: bytes, name: str) -> etree._Element:
    if len(data) > MAX_XML_BYTES:
        raise IngestError(f"{name}: XML file too large ({len(data)} bytes)")
    if re.search(rb"<!(DOCTYPE|ENTITY)", data[:65536]):
        raise IngestError(f"{name}: XML with a DOCTYPE or entity declarations is refused (possible XML bomb)")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{name}: malformed XML ({exc})") from exc
    if _local(root) != "akomaNtoso":
        raise IngestError(f"{name}: not an Akoma Ntoso document (root <{_local(root)}>)")
    return root


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _q(tag: str) -> str:
    return f"{{{AKN_NS}}}{tag}"


def _first(el: etree._Element, path: str) -> etree._Element | None:
    found = el.find(path.replace("a:", f"{{{AKN_NS}}}"))
    return found


def _children(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


# ---------------------------------------------------------------- text


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return _CJK_SPACE.sub("", text)


def _inline(el: etree._Element) -> str:
    """Text of an inline element, footnotes left out (their tails kept)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and _local(child) != "authorialNote":
            parts.append(" " if _local(child) == "eol" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


_LEAF = {"p", "heading", "subheading", "crossHeading", "docTitle", "num"}


def _lines(el: etree._Element) -> list[str]:
    """Block lines of an element; a ``<num>`` child labels the first line (``(a) ...``)."""
    tag = _local(el)
    if tag == "authorialNote":
        return []
    if tag in _LEAF:
        text = _norm(_inline(el))
        return [text] if text else []
    if tag == "tr":
        cells = [_norm(_inline(c)) for c in _children(el)]
        return [" | ".join(c for c in cells if c)] if any(cells) else []
    label, lines = "", []
    for child in _children(el):
        if _local(child) == "num":
            label = _norm(_inline(child))
        else:
            lines.extend(_lines(child))
    if label and lines:
        lines[0] = f"{label} {lines[0]}"
    elif label:
        lines = [label]
    return lines


def _footnotes(el: etree._Element) -> list[str]:
    notes = []
    for note in el.iter(_q("authorialNote")):
        text = " ".join(line for child in _children(note) for line in _lines(child)) or _norm(_inline(note))
        marker = note.get("marker", "")
        notes.append(f"{marker} {text}".strip())
    return notes


# ---------------------------------------------------------------- metadata


def _statements(root: etree._Element) -> list[etree._Element]:
    """The resolution statements of a file: the root statement, or each component of a collection."""
    top = _children(root)[0] if _children(root) else root
    if _local(top) == "documentCollection":
        return [s for comp in root.iter(_q("component")) for s in _children(comp) if _local(s) == "statement"]
    return [top]


def _frbr(stmt: etree._Element) -> tuple[str, str, str]:
    this = stmt.find(f"{_q('meta')}/{_q('identification')}/{_q('FRBRWork')}/{_q('FRBRthis')}")
    m = _FRBR.search(this.get("value", "")) if this is not None else None
    return (m.group(1), m.group(2), m.group(3)) if m else ("", "", "")


def _symbol_from_frbr(body: str, number: str) -> str:
    if body == "unsc" and re.fullmatch(r"\d+-\d{4}", number):
        n, year = number.split("-")
        return full_symbol(f"{int(n)}({year})")
    m = re.fullmatch(r"((?:ES-|S-)?\d+)-(\d+)([A-Z]*)", number)
    if m:
        return f"A/RES/{m.group(1)}/{m.group(2)}" + (f" {m.group(3)}" if m.group(3) else "")
    return number


def _normalize_symbol(raw: str) -> str:
    raw = _norm(raw).rstrip(".")
    key = key_of(raw)
    if key and is_sc_key(key) and raw.upper().startswith("S/RES"):
        return full_symbol(key)
    return re.sub(r"\s*/\s*", "/", raw)


def _text_of(el: etree._Element | None) -> str:
    return _norm(_inline(el)) if el is not None else ""


def _title(stmt: etree._Element, file_root: etree._Element) -> str:
    for scope in (stmt, file_root):
        for el in scope.iter(_q("docTitle")):
            if el.get("refersTo") == "#resolutionTitle" and _text_of(el):
                return _text_of(el)
    for el in file_root.iter(_q("docTitle")):
        if el.get("refersTo") == "#resolutionNumber":
            return _text_of(el)
    return ""


def _language(stmt: etree._Element) -> str:
    el = stmt.find(f".//{_q('FRBRlanguage')}")
    declared = _LANGS.get(el.get("language", "") if el is not None else "", "en")
    sample = "".join(t for body in stmt.iter(_q("preamble"), _q("mainBody")) for t in body.itertext())[:4000]
    if len(_HAN.findall(sample)) > 0.1 * len(re.sub(r"\s", "", sample)):
        return "zh"
    return "en" if declared == "zh" else declared


def _is_first_committee_xml(stmt: etree._Element, file_root: etree._Element) -> bool:
    for scope in (stmt, file_root):
        if any(d.get("refersTo") == "#firstCommittee" for d in scope.iter(_q("docProponent"))):
            return True
        for step in scope.iter(_q("step")):
            if step.get("outcome") == "draftResolution" and re.sub(r"\s", "", step.get("as", "")).startswith("A/C.1/"):
                return True
    return False


def _meta(stmt: etree._Element, file_root: etree._Element, multi: bool) -> _Meta:
    body, date, number = _frbr(stmt)
    cover = None if multi else file_root.find(f".//{_q('docNumber')}[@refersTo='#symbol']")
    symbol = _normalize_symbol(_text_of(cover)) or _symbol_from_frbr(body, number)
    if not symbol:
        raise IngestError("no document symbol in the XML (docNumber or FRBRWork)")
    key = key_of(symbol) or ""
    session = key.split("/")[0] if body == "unga" and "/" in key else ""
    return _Meta(
        symbol=symbol,
        title=_title(stmt, file_root),
        lang=_language(stmt),
        date=date,
        session=session,
        body={"unga": "GA", "unsc": "SC"}.get(body, "GA" if symbol.startswith("A/") else "SC"),
        first_committee=body != "unsc" and _is_first_committee_xml(stmt, file_root),
    )


# ---------------------------------------------------------------- structure


_CONTAINERS = {
    "section",
    "part",
    "chapter",
    "title",
    "division",
    "hcontainer",
    "blockContainer",
    "container",
    "subsection",
    "article",
    "level",
    "tblock",
}


def _preamble_units(preamble: etree._Element | None) -> list[_Unit]:
    if preamble is None:
        return []
    units = []
    for child in _children(preamble):
        if _local(child) == "formula":
            continue
        lines = _lines(child)
        if lines:
            units.append(_Unit("preamble", child.get("eId", ""), "", lines, _footnotes(child)))
    return units


def _body_units(el: etree._Element) -> list[_Unit]:
    """Paragraph-level units of a body in document order (sections and containers walked through)."""
    units: list[_Unit] = []
    for child in _children(el):
        tag = _local(child)
        if tag in ("heading", "subheading", "num"):
            units.append(_Unit("heading", child.get("eId", ""), "", _lines(child), []))
        elif tag == "crossHeading":
            kind = "preamble" if child.get("refersTo") == "#preamble" else "heading"
            units.append(_Unit(kind, child.get("eId", ""), "", _lines(child), _footnotes(child)))
        elif tag in _CONTAINERS and child.find(f".//{_q('paragraph')}") is not None:
            units.extend(_body_units(child))
        elif tag not in ("authorialNote",):
            units.append(_paragraph_unit(child))
    return [u for u in units if u.lines]


def _paragraph_unit(el: etree._Element) -> _Unit:
    kids = _children(el)
    if (
        kids
        and all(_local(k) in ("heading", "subheading", "num") for k in kids)
        and any(_local(k) != "num" for k in kids)
    ):
        return _Unit("heading", el.get("eId", ""), "", [ln for k in kids for ln in _lines(k)], [])
    num = next((_norm(_inline(k)) for k in kids if _local(k) == "num"), "")
    lines = [ln for k in kids if _local(k) != "num" for ln in _lines(k)]
    return _Unit("body", el.get("eId", ""), num, lines, _footnotes(el))


def _split_number(unit: _Unit) -> tuple[str, str]:
    """("op", "5") for an operative number, ("sub", "(a)") for a sub-point, ("", "") for none."""
    num = unit.num
    if not num and unit.lines:
        m = _OP_NUM.match(unit.lines[0]) or _SUB_NUM.match(unit.lines[0])
        if m:
            num = m.group(0).strip()
            unit.lines[0] = unit.lines[0][m.end() :]
    if re.fullmatch(r"\d{1,3}\s*[.．]?", num):
        return "op", re.sub(r"\D", "", num)
    if num:
        if unit.num:
            unit.lines[0] = f"{num} {unit.lines[0]}".strip()
        return "sub", num
    return "", ""


def _is_heading_like(unit: _Unit) -> bool:
    """SC and annex texts set headings as plain unnumbered paragraphs ("报告", "Sanctions measures")."""
    text = " ".join(unit.lines)
    limit = 40 if _HAN.search(text) else 90
    return len(unit.lines) == 1 and len(text) <= limit and text[-1:] not in ".。;；:：,，)）"


class _Grouper:
    """Turns units into numbered preambular and operative paragraphs, sub-points folded in.

    When the body numbers its paragraphs, an unnumbered paragraph continues the previous one (list
    items after a colon, closing text); when it numbers none, each unnumbered paragraph is one.
    """

    def __init__(self, body_kind: str, numbered: bool) -> None:
        self.body_kind = body_kind
        self.numbered = numbered
        self.paras: list[_Para] = []
        self.part = 1
        self.pp = 0
        self.op = 0
        self.heading = ""
        self.current: _Para | None = None

    def feed(self, unit: _Unit) -> None:
        if unit.kind == "heading":
            self._heading(" ".join(unit.lines))
        elif unit.kind == "preamble":
            self._preamble(unit)
        else:
            self._body(unit)

    def _heading(self, text: str) -> None:
        self.heading = text
        self.current = None

    def _new(self, kind: str, number: int, unit: _Unit) -> _Para:
        para = _Para(kind, number, self.part, unit.eid, heading=self.heading)
        self.paras.append(para)
        self.current = para
        return para

    def _preamble(self, unit: _Unit) -> None:
        if self.op:  # a preamble after operative paragraphs starts a new part
            self.part, self.pp, self.op = self.part + 1, 0, 0
        self.pp += 1
        para = self._new("preamble", self.pp, unit)
        para.lines, para.footnotes = list(unit.lines), list(unit.footnotes)
        self.current = None

    def _body(self, unit: _Unit) -> None:
        what, number = _split_number(unit)
        if what == "op":
            if int(number) == 1 and self.op >= 1:
                self.part, self.pp = self.part + 1, 0
            self.op = int(number)
            para = self._new(self.body_kind, self.op, unit)
        elif what == "" and _is_heading_like(unit):
            self._heading(" ".join(unit.lines))
            return
        elif self.current is not None and (what == "sub" or self.numbered):
            para = self.current
        else:
            self.op += 1
            para = self._new(self.body_kind, self.op, unit)
        para.lines.extend(unit.lines)
        para.footnotes.extend(unit.footnotes)


def _numbered(units: list[_Unit]) -> bool:
    return any(
        u.kind == "body"
        and (re.fullmatch(r"\d{1,3}\s*[.．]?", u.num) or (not u.num and u.lines and _OP_NUM.match(u.lines[0])))
        for u in units
    )


def _statement_units(stmt: etree._Element) -> list[_Unit]:
    """Units of every ``preamble`` and ``mainBody`` of a statement, in order (some files alternate them)."""
    units: list[_Unit] = []
    for child in _children(stmt):
        if _local(child) == "preamble":
            units.extend(_preamble_units(child))
        elif _local(child) == "mainBody":
            units.extend(_body_units(child))
    return units


def _group(units: list[_Unit], body_kind: str, part: int = 1) -> list[_Para]:
    grouper = _Grouper(body_kind, _numbered(units))
    grouper.part = part
    for unit in units:
        grouper.feed(unit)
    return grouper.paras


def _paragraphs(stmt: etree._Element) -> list[_Para]:
    paras = _group(_statement_units(stmt), "operative")
    for i, attachment in enumerate(stmt.iter(_q("attachment")), start=1):
        main = attachment.find(f".//{_q('mainBody')}")
        paras.extend(_group(_body_units(main if main is not None else attachment), "paragraph", 100 + i))
    return paras


# ---------------------------------------------------------------- passages


def _para_id(symbol: str, para: _Para) -> str:
    """Stable passage id without spaces (TREC files split on whitespace): "S/RES/2663(2022)#pp1"."""
    symbol = symbol.replace(" ", "")
    if para.part >= 100:
        return f"{symbol}#annex{para.part - 100}.p{para.number}"
    prefix = "" if para.part == 1 else f"part{para.part}."
    return f"{symbol}#{prefix}{'pp' if para.kind == 'preamble' else 'op'}{para.number}"


def _citation(meta: _Meta, para: _Para, source: str) -> Citation:
    lab = LABELS["zh" if meta.lang == "zh" else "en"]
    n = lab["para"].format(n=para.number)
    if para.kind == "paragraph":
        section, paragraph = lab["annex"], f"{lab['annex']} {n}"
    elif meta.lang == "zh":
        section = lab[para.kind]
        paragraph = f"{section}{n}"
    else:
        section = lab[para.kind]
        paragraph = f"{'preambular' if para.kind == 'preamble' else 'operative'} {n}"
    path = tuple(p for p in (meta.symbol, para.heading, paragraph) if p)  # A/RES/75/36 › 执行部分第 5 段
    return Citation(
        document=meta.symbol,
        title=meta.title,
        path=path,
        paragraph=paragraph,
        source=source,
        url=official_url(meta.symbol, meta.lang),
    )


def _context(meta: _Meta, para: _Para) -> str:
    lab = LABELS["zh" if meta.lang == "zh" else "en"]
    part = lab["ctx_pre"] if para.kind == "preamble" else lab["ctx_op"] if para.kind == "operative" else ""
    return f"{meta.title} {part}".strip() if part else meta.title


def _passage(meta: _Meta, para: _Para, order: int, source: str, en: str | None) -> Passage:
    own = key_of(meta.symbol)
    mentions = [k for k in symbol_keys(para.text) if k != own]
    extra: dict[str, Any] = {
        "eId": para.eid,
        "num": para.number,
        "date": meta.date,
        "session": meta.session,
        "body": meta.body,
    }
    return Passage(
        en=en or "",
        mentions=tuple(mentions),
        footnotes=tuple(para.footnotes),
        subpoints=tuple(subpoints(para.text)) if para.kind == "operative" else (),
        id=_para_id(meta.symbol, para),
        text=para.text,
        kind=para.kind,
        citation=_citation(meta, para, source),
        context=_context(meta, para),
        lang=meta.lang,
        doc_id=doc_key(meta.symbol, meta.lang),
        order=order,
        location=para.eid,
        symbols=(own,) if own else (),
        extra=extra,
    )


_SUBPOINT = re.compile(r"^\s*(\(([a-z]{1,2}|[ivx]{1,5})\))\s*", re.M)


def subpoints(text: str) -> list[Subpoint]:
    """Sub-points of an operative paragraph: label ("(b)") and character span in the passage text,
    so an answer inside one can be cited as 执行部分第 5 (b) 段."""
    found = [(m.group(1), m.start()) for m in _SUBPOINT.finditer(text)]
    if not found:
        return []
    ends = [start for _, start in found[1:]] + [len(text)]
    return [Subpoint(label, start, end) for (label, start), end in zip(found, ends, strict=True)]


def doc_key(symbol: str, lang: str) -> str:
    """Document key: symbol and language, ``"A/RES/75/36@zh"``."""
    return f"{symbol}@{lang}"


# ---------------------------------------------------------------- alignment


def _align(paras: list[_Para], english: list[_Para]) -> tuple[list[str | None], int]:
    """English text per Chinese paragraph: by eId, else by (part, kind, number). Returns (texts, eId hits)."""
    by_eid = {p.eid: p for p in english if p.eid}
    by_pos = {(p.part, p.kind, p.number): p for p in english}
    texts: list[str | None] = []
    eid_hits = 0
    for para in paras:
        match = by_eid.get(para.eid) if para.eid else None
        if match is not None and match.kind == para.kind and match.number == para.number:
            eid_hits += 1
        else:
            match = by_pos.get((para.part, para.kind, para.number))
        texts.append(match.text if match is not None else None)
    return texts, eid_hits


# ---------------------------------------------------------------- entry points


def _read_bytes(src: Path | bytes) -> bytes:
    if isinstance(src, bytes):
        return src
    try:
        return Path(src).read_bytes()
    except OSError as exc:
        raise IngestError(f"{src}: cannot read ({exc.strerror})") from exc


def _parsed(data: bytes, name: str) -> list[tuple[_Meta, list[_Para]]]:
    root = _parse(data, name)
    stmts = _statements(root)
    if not stmts:
        raise IngestError(f"{name}: no resolution statement in the XML")
    multi = len(stmts) > 1 or stmts[0].getparent() is not root
    return [(_meta(s, root, multi), _paragraphs(s)) for s in stmts]


def read_akn(path_or_bytes: Path | bytes, name: str = "", english: Path | bytes | None = None) -> Document:
    """Read one AKN resolution file (optionally with its English counterpart for ``Passage.en``)."""
    data = _read_bytes(path_or_bytes)
    name = name or (Path(path_or_bytes).name if not isinstance(path_or_bytes, bytes) else "<bytes>")
    parts = _parsed(data, name)
    en_data = _read_bytes(english) if english is not None else b""
    en_parts = _parsed(en_data, f"{name} (English)") if en_data else []
    passages: list[Passage] = []
    stats = {"paragraphs": 0, "eid_aligned": 0, "aligned": 0}
    seen: set[str] = set()
    for i, (meta, paras) in enumerate(parts):
        en_texts: list[str | None] = [None] * len(paras)
        if i < len(en_parts) and meta.lang != "en":
            en_texts, hits = _align(paras, en_parts[i][1])
            stats["eid_aligned"] += hits
            stats["aligned"] += sum(t is not None for t in en_texts)
        stats["paragraphs"] += len(paras)
        for para, en in zip(paras, en_texts, strict=True):
            passages.append(_unique(_passage(meta, para, len(passages), name, en), seen))
    doc = _document(parts, passages, data + en_data, name, stats)
    doc.meta["title_en"] = en_parts[0][0].title if en_parts else ""
    return doc


def _unique(passage: Passage, seen: set[str]) -> Passage:
    """Source files occasionally repeat a paragraph number; the repeat gets ``-2``, ``-3``..."""
    pid, k = passage.id, 1
    while pid in seen:
        k += 1
        pid = f"{passage.id}-{k}"
    seen.add(pid)
    return passage if pid == passage.id else replace(passage, id=pid)


def _document(
    parts: list[tuple[_Meta, list[_Para]]], passages: list[Passage], raw: bytes, name: str, stats: dict[str, int]
) -> Document:
    meta = parts[0][0]
    symbol = meta.symbol if len(parts) == 1 else re.sub(r"\s+[A-Z]$", "", meta.symbol)
    if not passages:
        raise IngestError(f"{name}: no preambular or operative paragraphs found")
    info: dict[str, Any] = {
        "date": meta.date,
        "session": meta.session,
        "body": meta.body,
        "first_committee": meta.first_committee,
        "committee": "first" if meta.first_committee else "",
        "alignment": stats,
        "parts": [m.symbol for m, _ in parts],
    }
    return Document(
        doc_id=doc_key(symbol, meta.lang),
        symbol=symbol,
        title=meta.title,
        lang=meta.lang,
        source=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
        meta=info,
    )


def is_first_committee(doc: Document) -> bool:
    """True for a GA resolution adopted on the report of the First Committee (see the module docstring)."""
    return bool(doc.meta.get("first_committee")) and doc.meta.get("body") == "GA"
