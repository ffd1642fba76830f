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

Irregular files (found by ``unqa audit``, issue 15) are cited as the document itself says, never with an
invented or shared number:

- an unnumbered paragraph ahead of operative paragraph 1 (A/RES/77/63, 78/45, 79/34, 77/65, 78/53, 80/24 in
  Chinese) becomes the preamble's last paragraph when the English has it there (``#pp12``), otherwise it
  stays unnumbered: ``#op0-unnumbered``, cited as 执行部分第 1 段之前的未编号段落;
- operative paragraphs marked up inside the preamble (a ``blockList`` of numbered items, A/RES/76/54; a
  container typed ``1.…``; a ``crossHeading`` typed ``9．…``) and one nested in another's sub-list
  (S/RES/2820 (2026)) are read as the operative paragraphs they are; an unnumbered line after a heading is
  the heading's title, a table after a heading belongs to the last numbered paragraph;
- footnote references repeated as ``<sup>3</sup>``, typed before an empty ``<sup/>`` or typed at the end of
  a paragraph (session 74) leave the text and point to the footnote they repeat;
- zh/en pairs follow the eId (or its running number, the same in both languages), then the numbers; an
  English paragraph is never shown beside two Chinese ones, and none is shown rather than a guessed one.

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
_SUB_NUM = re.compile(r"^\s*([(（]\s*(?:[a-z]{1,3}|[ivxlc]{1,6}|\d{1,2})\s*[)）]|[\u3220-\u3229\u2474-\u247d])\s*")
_FIRST_OP = re.compile(r"^\s*1\s*[.．]\s*(?!\d)")
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
    unnumbered: bool = False  # the UN file gives this operative-part paragraph no number (cited as such)
    lead: int = 0  # the how-manieth unnumbered paragraph ahead of paragraph 1 of its part
    en_eid: str = ""

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
    annexes: int = 0


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
        if _is_empty_sup(child):  # "《公约》2<sup></sup>": the marker was typed before an empty <sup>
            parts[-1] = _TYPED_BEFORE_SUP.sub("", parts[-1])
        elif isinstance(child.tag, str) and _local(child) != "authorialNote" and not _is_note_ref(child):
            parts.append(" " if _local(child) == "eol" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


_TYPED_BEFORE_SUP = re.compile(r"(?<=[^\x00-\x7f;,.:)])\d{1,3}\s*$")
_TYPED_AT_END = re.compile(r"(?<=[；;。，,、：:])\s*(\d{1,2})$")


def _is_empty_sup(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and _local(el) == "sup" and not "".join(el.itertext()).strip()


def _note_markers(el: etree._Element) -> set[str]:
    root = el.getroottree().getroot()
    return {n.get("marker", "") for n in root.iter(_q("authorialNote"))}


def _typed_end_marker(el: etree._Element, text: str) -> str:
    """A footnote number typed at the very end of a paragraph (``…任择议定书；4``) that repeats one of the
    document's footnote markers; ``""`` when there is none."""
    m = _TYPED_AT_END.search(text)
    return m.group(1) if m and m.group(1) in _note_markers(el) else ""


def _is_note_ref(el: etree._Element) -> bool:
    """``<sup>3</sup>`` right after punctuation or a Han character: a repeated footnote reference (session 74
    files cite an earlier footnote this way), not a power such as ``m<sup>2</sup>``."""
    if _local(el) != "sup" or not re.fullmatch(r"\s*\d{1,3}\s*", "".join(el.itertext())):
        return False
    prev = el.getprevious()
    before = ((prev.tail if prev is not None else el.getparent().text) or "").rstrip()
    if not before and prev is not None:
        before = "".join(prev.itertext()).rstrip()
    return bool(before) and (not before[-1].isascii() or before[-1] in ";,.:)")


_LEAF = {"p", "heading", "subheading", "crossHeading", "docTitle", "num"}


def _lines(el: etree._Element) -> list[str]:
    """Block lines of an element; a ``<num>`` child labels the first line (``(a) ...``)."""
    tag = _local(el)
    if tag == "authorialNote":
        return []
    if tag in _LEAF:
        text = _norm(_inline(el))
        marker = _typed_end_marker(el, text) if tag == "p" else ""
        text = _TYPED_AT_END.sub("", text) if marker else text
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


def _note_text(note: etree._Element) -> str:
    text = " ".join(line for child in _children(note) for line in _lines(child)) or _norm(_inline(note))
    return f"{note.get('marker', '')} {text}".strip()


def _footnotes(el: etree._Element) -> list[str]:
    """Footnotes of a block: its own notes, and the earlier notes its ``<sup>N</sup>`` references repeat."""
    notes = []
    for child in el.iter(_q("authorialNote"), _q("sup"), _q("p")):
        if _local(child) == "authorialNote":
            notes.append(_note_text(child))
        elif _local(child) == "sup" and _is_note_ref(child):
            notes.append(_referenced_note(child, "".join(child.itertext()).strip()))
        elif _local(child) == "p" and child.getparent() is not None and _local(child.getparent()) != "authorialNote":
            marker = _typed_end_marker(child, _norm(_inline(child)))
            if marker:
                notes.append(_referenced_note(child, marker))
    return notes


def _referenced_note(el: etree._Element, marker: str) -> str:
    """The text of the document's footnote ``marker`` (a repeated reference cites an earlier footnote)."""
    found = el.getroottree().getroot().find(f".//{_q('authorialNote')}[@marker='{marker}']")
    return _note_text(found) if found is not None else marker


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
    """Preambular units; a file that marks its numbered operative paragraphs up inside the preamble (a
    ``blockList`` of ``<item><num>1.</num>``, A/RES/76/54 in Chinese) gets them back as body units, and
    every container after them is operative text too."""
    if preamble is None:
        return []
    units: list[_Unit] = []
    in_body = False
    for child in _children(preamble):
        if _local(child) == "formula":
            continue
        embedded = _embedded_operative(child)
        if embedded:
            units.extend(embedded)
            in_body = True
            continue
        lines = _lines(child)
        in_body = in_body or bool(lines and _FIRST_OP.match(lines[0]))  # "1.表示注意到…" typed in a container
        if lines:
            units.append(_Unit("body" if in_body else "preamble", child.get("eId", ""), "", lines, _footnotes(child)))
    return units


def _is_op_num(el: etree._Element | None) -> bool:
    return el is not None and bool(re.fullmatch(r"\d{1,3}\s*[.．]", _norm(_inline(el))))


def _embedded_operative(container: etree._Element) -> list[_Unit]:
    """The list introduction (a preambular unit) and the numbered items (body units) of a preamble
    container whose ``blockList`` holds numbered operative paragraphs; [] for any other container."""
    block = container.find(f".//{_q('blockList')}")
    if block is None:
        return []
    items = [i for i in _children(block) if _local(i) == "item"]
    if not any(_is_op_num(i.find(_q("num"))) for i in items):
        return []
    intro = block.find(_q("listIntroduction"))
    units = []
    intro_text = _norm(_inline(intro)) if intro is not None else ""
    if intro is not None and intro_text:
        units.append(_Unit("preamble", container.get("eId", ""), "", [intro_text], _footnotes(intro)))
    for item in items:
        num = item.find(_q("num"))
        lines = [ln for k in _children(item) if _local(k) != "num" for ln in _lines(k)]
        units.append(
            _Unit("body", item.get("eId", ""), _norm(_inline(num)) if num is not None else "", lines, _footnotes(item))
        )
    return units


def _body_units(el: etree._Element) -> list[_Unit]:
    """Paragraph-level units of a body in document order (sections and containers walked through)."""
    units: list[_Unit] = []
    last = [0]  # the last operative number seen, for numbered paragraphs nested in a sub-list
    for child in _children(el):
        tag = _local(child)
        if tag in ("heading", "subheading", "num"):
            units.append(_Unit("heading", child.get("eId", ""), "", _lines(child), []))
        elif tag == "crossHeading":
            kind = "preamble" if child.get("refersTo") == "#preamble" else "heading"
            lines = _lines(child)
            if kind == "preamble" and lines and _OP_NUM.match(lines[0]):
                kind = "body"  # "9．回顾…": an operative paragraph the file marked up as a preamble heading
            units.append(_Unit(kind, child.get("eId", ""), "", lines, _footnotes(child)))
        elif tag in _CONTAINERS and child.find(f".//{_q('paragraph')}") is not None:
            units.extend(_body_units(child))
        elif tag not in ("authorialNote",):
            own = child.find(_q("num"))
            last[0] = _op_number(own) or last[0]
            nested = _nested_operative(child, last)
            units.append(_paragraph_unit(child))
            units.extend(_paragraph_unit(point) for point in nested)
    return [u for u in units if u.lines]


def _op_number(num: etree._Element | None) -> int:
    return int(re.sub(r"\D", "", _norm(_inline(num)))) if num is not None and _is_op_num(num) else 0


def _nested_operative(paragraph: etree._Element, last: list[int]) -> list[etree._Element]:
    """Numbered operative paragraphs the file nests inside another paragraph's list (``<point><num>5.</num>``
    in a sub-list of paragraph 4, S/RES/2820 (2026) in Chinese): taken out of it, in order, so that each is
    cited under its own number."""
    nested = []
    for point in paragraph.iter(_q("point"), _q("item")):
        if last[0] and _op_number(point.find(_q("num"))) == last[0] + 1:  # continues the operative numbering
            nested.append(point)
            last[0] += 1
    for point in nested:
        point.getparent().remove(point)
    return nested


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


def _typed_number(unit: _Unit, expected: int) -> bool:
    """A number typed before the text without its dot (``"\\t7\\t决定…"``) that continues the numbering."""
    m = re.match(r"(\d{1,3})\s*(?=[^\d.．,，/%年月日])", unit.lines[0]) if unit.lines and not unit.num else None
    if m is None or int(m.group(1)) != expected:
        return False
    unit.lines[0] = unit.lines[0][m.end() :]
    return True


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
        self.after_heading = False
        self.heading_just_before = False
        self.current: _Para | None = None

    def feed(self, unit: _Unit) -> None:
        if unit.kind == "heading":
            self._heading(" ".join(unit.lines))
            return
        if unit.kind == "body" and self._is_subheading(unit):
            self._heading(" ".join(unit.lines))
            return
        self.heading_just_before, self.after_heading = self.after_heading, False
        if unit.kind == "preamble":
            self._preamble(unit)
        else:
            self._body(unit)

    def _new_part(self) -> None:
        """A new part: numbering restarts; the last part's heading does not carry over unless it just came."""
        self.part, self.pp, self.op = self.part + 1, 0, 0
        if not self.heading_just_before:
            self.heading = ""

    def _last_numbered(self) -> _Para | None:
        """The last numbered paragraph of the current part, if any."""
        last = self.paras[-1] if self.paras else None
        ok = last is not None and last.kind == self.body_kind and last.part == self.part and not last.unnumbered
        return last if ok else None

    def _is_subheading(self, unit: _Unit) -> bool:
        """An unnumbered paragraph right after a heading, between numbered paragraphs, is the heading's title
        (``二`` then ``执行1995年《…协定》``, A/RES/77/118), not a paragraph of its own."""
        if not (self.numbered and self.op and self.after_heading and unit.lines and not unit.num):
            return False
        return not (_OP_NUM.match(unit.lines[0]) or _SUB_NUM.match(unit.lines[0])) and len(unit.lines) == 1

    def _heading(self, text: str) -> None:
        self.heading = f"{self.heading} {text}" if self.after_heading and self.heading else text
        self.current = None
        self.after_heading = True

    def _new(self, kind: str, number: int, unit: _Unit) -> _Para:
        para = _Para(kind, number, self.part, unit.eid, heading=self.heading)
        self.paras.append(para)
        self.current = para
        return para

    def _preamble(self, unit: _Unit) -> None:
        if self.op:  # a preamble after operative paragraphs starts a new part
            self._new_part()
        self.pp += 1
        para = self._new("preamble", self.pp, unit)
        para.lines, para.footnotes = list(unit.lines), list(unit.footnotes)
        self.current = None

    def _body(self, unit: _Unit) -> None:
        what, number = _split_number(unit)
        if what == "" and self.numbered and self.op and _typed_number(unit, self.op + 1):
            what, number = "op", str(self.op + 1)
        if what == "sub" and re.fullmatch(r"(?:[A-Z]|[IVX]{1,4})\s*[.．]", number):
            self._heading(" ".join(unit.lines))  # "A. 定向制裁": a section heading, numbered with a letter
            return
        if what == "op":
            if int(number) == 1 and self.op >= 1:
                self._new_part()
            self.op = int(number)
            para = self._new(self.body_kind, self.op, unit)
        elif what == "" and _is_heading_like(unit):
            self._heading(" ".join(unit.lines))
            return
        elif what == "" and self.numbered and self.op == 0:
            # an unnumbered paragraph ahead of operative paragraph 1: never given a number of its own
            para = self._new(self.body_kind, 0, unit)
            para.unnumbered = True
            para.lead = sum(p.part == self.part and p.unnumbered for p in self.paras)
        elif self.current is not None and (what == "sub" or self.numbered):
            para = self.current
        elif self.numbered and self._last_numbered() is not None:
            para = self._last_numbered()  # a table or text after a heading: never a number of its own
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
    tail = "-unnumbered" if para.unnumbered else ""
    if para.part >= 100:
        return f"{symbol}#annex{para.part - 100}.p{para.number}{tail}"
    prefix = "" if para.part == 1 else f"part{para.part}."
    return f"{symbol}#{prefix}{'pp' if para.kind == 'preamble' else 'op'}{para.number}{tail}"


_ZH_NUMERALS = "一二三四五六七八九十"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _ordinal(n: int, lang: str) -> str:
    table = _ZH_NUMERALS if lang == "zh" else _ROMAN
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def _paragraph_label(meta: _Meta, para: _Para) -> str:
    """``执行部分第 5 段`` / ``operative para. 5``; an unnumbered head paragraph says so, never a number."""
    lang = "zh" if meta.lang == "zh" else "en"
    lab = LABELS[lang]
    if para.kind == "paragraph":
        annex = lab["annex"] + (_ordinal(para.part - 100, lang) if meta.annexes > 1 else "")
        annex = annex if lang == "zh" or meta.annexes <= 1 else f"{lab['annex']} {_ordinal(para.part - 100, lang)}"
        if para.unnumbered:
            return (
                f"{annex} {_lead_label(para.lead, lang, '')}".strip()
                if lang == "zh"
                else f"{annex}, {_lead_label(para.lead, lang, '')}"
            )
        return f"{annex} {lab['para'].format(n=para.number)}"
    if para.unnumbered:
        return _lead_label(para.lead, lang, "执行部分第 1 段之前的" if lang == "zh" else " before operative para. 1")
    n = lab["para"].format(n=para.number)
    if lang == "zh":
        return f"{lab[para.kind]}{n}"
    return f"{'preambular' if para.kind == 'preamble' else 'operative'} {n}"


def _lead_label(k: int, lang: str, where: str) -> str:
    """``执行部分第 1 段之前的未编号段落`` (the k-th, when there are several) / ``unnumbered paragraph 2 before…``."""
    if lang == "zh":
        return f"{where}{f'第 {k} 个' if k > 1 else ''}未编号段落"
    return f"unnumbered paragraph{f' {k}' if k > 1 else ''}{where}"


def _part_label(meta: _Meta, para: _Para) -> str:
    """A later part of a resolution in several parts, when no heading of its own names it."""
    if para.heading or para.part <= 1 or para.part >= 100:
        return ""
    return f"第{_ordinal(para.part, 'zh')}部分" if meta.lang == "zh" else f"part {_ordinal(para.part, 'en')}"


def _citation(meta: _Meta, para: _Para, source: str) -> Citation:
    paragraph = _paragraph_label(meta, para)
    # A/RES/75/36 › 执行部分第 5 段
    path = tuple(p for p in (meta.symbol, para.heading or _part_label(meta, para), paragraph) if p)
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


def _passage(meta: _Meta, para: _Para, order: int, source: str, en: _Para | None, title_en: str = "") -> Passage:
    own = key_of(meta.symbol)
    mentions = [k for k in symbol_keys(para.text) if k != own]
    extra: dict[str, Any] = {
        "eId": para.eid,
        "num": para.number,
        "part": para.part,
        "date": meta.date,
        "session": meta.session,
        "body": meta.body,
    }
    if para.unnumbered:
        extra.update(unnumbered=True, lead=para.lead)
    if en is not None:
        extra.update(en_eId=en.eid, en_num=en.number, en_kind=en.kind, en_part=en.part)
    if title_en:
        extra["title_en"] = title_en  # the English title, shown in the English interface
    return Passage(
        en=en.text if en is not None else "",
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


def _eid_number(eid: str) -> int | None:
    """The running number of a Mercury eId (``para_13``, ``container_13``): the same paragraph carries the
    same number in every language version, whichever element the file chose for it."""
    m = re.fullmatch(r"[a-z]+_(\d+)", eid)
    return int(m.group(1)) if m else None


def _same(para: _Para, other: _Para | None) -> bool:
    return other is not None and (para.kind, para.number, para.unnumbered) == (
        other.kind,
        other.number,
        other.unnumbered,
    )


def _head_pair(para: _Para, other: _Para) -> bool:
    kinds = {(para.kind, para.unnumbered), (other.kind, other.unnumbered)}
    return kinds == {("preamble", False), ("operative", True)}


class _English:
    """The English paragraphs of a statement, looked up the ways a Chinese paragraph may be paired with one."""

    def __init__(self, english: list[_Para]) -> None:
        counts: dict[tuple[str, int], int] = {}
        for p in english:
            counts[(p.kind, p.number)] = counts.get((p.kind, p.number), 0) + 1
        self.by_eid = {p.eid: p for p in english if p.eid}
        self.by_num = {n: p for p in english if (n := _eid_number(p.eid)) is not None}
        self.by_pos = {(p.part, p.kind, p.number): p for p in reversed(english) if not p.unnumbered}
        self.by_kind_number = {(p.kind, p.number): p for p in english if counts[(p.kind, p.number)] == 1}
        self.by_lead = {(p.part, p.lead): p for p in english if p.unnumbered}
        self.english = english
        self.used: set[int] = set()

    def _free(self, para: _Para | None) -> bool:
        return para is not None and id(para) not in self.used

    def by_eids(self, para: _Para) -> _Para | None:
        """Same eId, else same eId number; same kind and number, or one file's unnumbered head paragraph
        that the other has as a preambular paragraph."""
        twin = self.by_num.get(_eid_number(para.eid) or -1)
        for c in (self.by_eid.get(para.eid), twin):
            if self._free(c) and _same(para, c):
                return c
        return twin if self._free(twin) and _head_pair(para, twin) else None  # type: ignore[arg-type]

    def by_numbers(self, para: _Para, unique_here: bool) -> _Para | None:
        """Same part, kind and number; else the one English paragraph of that kind and number, when the
        Chinese has only one too (the two files cut the resolution into parts differently)."""
        if para.unnumbered:  # the k-th unnumbered paragraph before paragraph 1 of the same part
            lead = self.by_lead.get((para.part, para.lead))
            return lead if self._free(lead) and lead.kind == para.kind else None  # type: ignore[union-attr]
        pos = self.by_pos.get((para.part, para.kind, para.number))
        if self._free(pos):
            return pos
        alone = self.by_kind_number.get((para.kind, para.number)) if unique_here else None
        return alone if self._free(alone) else None

    def take(self, para: _Para | None) -> _Para | None:
        if para is not None:
            self.used.add(id(para))
        return para

    def left(self) -> list[str]:
        """English paragraphs paired with none: ``"operative 5"``."""
        return [f"{p.kind} {p.number}" for p in self.english if id(p) not in self.used]


def _align(paras: list[_Para], english: list[_Para]) -> tuple[list[_Para | None], int, list[str]]:
    """The English paragraph of each Chinese one, by eId first, then by numbers, never by order alone, and
    never one English paragraph for two Chinese ones. Returns (matches, eId hits, English left over)."""
    index = _English(english)
    counts: dict[tuple[str, int], int] = {}
    for p in paras:
        counts[(p.kind, p.number)] = counts.get((p.kind, p.number), 0) + 1
    matches: list[_Para | None] = []
    eid_hits = 0
    for para in paras:
        match = index.take(index.by_eids(para))
        eid_hits += match is not None
        if match is None:
            match = index.take(index.by_numbers(para, counts[(para.kind, para.number)] == 1))
        matches.append(match)
    return matches, eid_hits, index.left()


def _settle_unnumbered(paras: list[_Para], english: list[_Para]) -> None:
    """Unnumbered paragraphs at the head of an operative part that the English version has as the last
    paragraphs of the preamble become those preambular paragraphs (A/RES/77/63 in Chinese); otherwise they
    stay unnumbered, cited as the paragraph before operative paragraph 1."""
    for part in sorted({p.part for p in paras if p.unnumbered and p.part < 100}):
        leads = [p for p in paras if p.part == part and p.unnumbered]
        zh_pp = sum(p.part == part and p.kind == "preamble" for p in paras)
        en_pp = sum(p.part == part and p.kind == "preamble" for p in english)
        en_leads = sum(p.part == part and p.unnumbered for p in english)
        if en_leads or en_pp != zh_pp + len(leads):
            continue
        for k, lead in enumerate(leads, start=1):
            lead.kind, lead.number, lead.unnumbered = "preamble", zh_pp + k, False


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
    parsed = []
    for stmt in stmts:
        meta, paras = _meta(stmt, root, multi), _paragraphs(stmt)
        meta.annexes = len({p.part for p in paras if p.part >= 100})
        parsed.append((meta, paras))
    return parsed


def read_akn(path_or_bytes: Path | bytes, name: str = "", english: Path | bytes | None = None) -> Document:
    """Read one AKN resolution file (optionally with its English counterpart for ``Passage.en``)."""
    data = _read_bytes(path_or_bytes)
    name = name or (Path(path_or_bytes).name if not isinstance(path_or_bytes, bytes) else "<bytes>")
    parts = _parsed(data, name)
    en_data = _read_bytes(english) if english is not None else b""
    en_parts = _parsed(en_data, f"{name} (English)") if en_data else []
    passages: list[Passage] = []
    stats = {"paragraphs": 0, "eid_aligned": 0, "aligned": 0}
    english_left: list[str] = []
    seen: set[str] = set()
    title_en = en_parts[0][0].title if en_parts else ""
    for i, (meta, paras) in enumerate(parts):
        en_paras: list[_Para | None] = [None] * len(paras)
        if i < len(en_parts) and meta.lang != "en":
            _settle_unnumbered(paras, en_parts[i][1])
            en_paras, hits, left = _align(paras, en_parts[i][1])
            stats["eid_aligned"] += hits
            english_left.extend(left)
            stats["aligned"] += sum(t is not None for t in en_paras)
        stats["paragraphs"] += len(paras)
        for para, en in zip(paras, en_paras, strict=True):
            passages.append(_unique(_passage(meta, para, len(passages), name, en, title_en), seen))
    doc = _document(parts, passages, data + en_data, name, stats)
    doc.meta["title_en"] = title_en
    doc.meta["english_left"] = english_left  # English paragraphs no Chinese one was paired with
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
