"""Read a UN programme text (strategic framework, e.g. A/65/6 (Prog. 3)) into structured passages.

The reader follows the document's own units, line by line: 总方向 paragraphs, each 次级方案 with
its 本组织的目标, the table of 预期成绩 and 绩效指标 (whose two PDF columns are interleaved: an
indicator is paired with its accomplishment by letter, never by position), the 战略 paragraphs
and their lettered items, and the 法律授权 list (one passage per resolution or decision). Web
addresses dumped among the mandates are removed from the text and kept as confirmation of the
mandates' links.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from ingest.clean import clean_text, extract_urls, join_lines
from ingest.textio import decode_bytes, read_meta
from unqa.model import Citation, Document, IngestError, Passage
from unqa.symbols import full_symbol, ga_key, key_of, official_url, sc_key, with_part

logger = logging.getLogger(__name__)

FORMAT = "un-programme"
MANDATE_TYPES = {"大会决议": "ga_resolution", "大会决定": "ga_decision", "安全理事会决议": "sc_resolution"}
_TABLE_HEADER = "秘书处的预期成绩绩效指标"
_SUBPROGRAMME = re.compile(r"^次级方案 ?(\d+) ?(.*)$")
_OBJECTIVE = re.compile(r"^本组织的目标[：:] ?(.*)$")
_LETTER = re.compile(r"^\(([a-z])\) ?(.*)$")
_TABLE_ITEM = re.compile(r"^(?:\(([a-z])\) ?)?(?:\(([一二三四五六七八九十]+)\) ?)?(.*)$")
_GA_ENTRY = re.compile(r"^((?:ES|S)-\d{1,2}|\d{1,2})/(\d{1,4})(?: ?([A-Z])(?= ))? (.*)$")
_SC_ENTRY = re.compile(r"^(\d{2,4}) ?\(((?:19|20)\d{2})\) ?(.*)$")
_GIST_CHARS = 40

Line = tuple[int, str]  # (1-based line number in the source file, cleaned text)


@dataclass
class _Unit:
    """A structural unit found by the parser, before it becomes a passage."""

    kind: str
    lines: list[Line]
    sp: int | None = None
    number: str = ""  # paragraph number "3.9"
    letter: str = ""  # "c": letter of a strategy item, accomplishment or indicator
    sub: str = ""  # indicator number "一"
    heading: str = ""  # mandate list heading "大会决议"
    label: str = ""  # mandate label "42/37 C"
    key: str = ""  # mandate symbol key "42/37"
    part: str = ""  # mandate part letter "C"


@dataclass
class _Parser:
    """A line-driven state machine over the sections of a programme text."""

    programme_no: str
    units: list[_Unit] = field(default_factory=list)
    titles: dict[int, list[str]] = field(default_factory=dict)
    section: str = "overview"
    sp: int | None = None
    heading: str = ""
    current: _Unit | None = None
    last_number: str = ""
    seen_letters: set[str] = field(default_factory=set)

    def feed(self, line: Line) -> None:
        if not self._heading(line):
            getattr(self, f"_in_{self.section}")(line)

    def _start(self, unit: _Unit) -> None:
        self.units.append(unit)
        self.current = unit

    def _append(self, line: Line) -> None:
        if self.current is None:
            logger.warning("line %d: text outside any unit of the programme: %s", line[0], line[1][:40])
            return
        self.current.lines.append(line)

    def _heading(self, line: Line) -> bool:
        no, text = line
        compact = text.replace(" ", "")
        m_sp, m_obj = _SUBPROGRAMME.match(text), _OBJECTIVE.match(text)
        if m_sp:
            self.sp, self.section, self.current = int(m_sp.group(1)), "title", None
            self.titles[self.sp] = [m_sp.group(2)] if m_sp.group(2) else []
        elif m_obj and self.sp is not None:
            self.section = "objective"
            self._start(_Unit("objective", [(no, m_obj.group(1))], sp=self.sp))
        elif compact in ("总方向", "战略", _TABLE_HEADER, "法律授权", *MANDATE_TYPES):
            self._section(compact)
        else:
            return False
        return True

    def _section(self, compact: str) -> None:
        self.current = None
        if compact == "总方向":
            self.section, self.sp = "overview", None
        elif compact == "战略":
            self.section = "strategy"
        elif compact == _TABLE_HEADER:
            self.section, self.seen_letters = "table", set()
        else:
            self.section, self.sp = "mandates", None
            self.heading = compact if compact in MANDATE_TYPES else ""

    def _paragraph_number(self, text: str) -> tuple[str, str] | None:
        """A new numbered paragraph ("3.9 ..."), numbers increasing within the programme."""
        m = re.match(rf"^({re.escape(self.programme_no)})\.(\d{{1,3}})(?![\d.]) ?(.*)$", text)
        if not m or (self.last_number and int(m.group(2)) <= int(self.last_number.split(".")[1])):
            return None
        self.last_number = f"{m.group(1)}.{m.group(2)}"
        return self.last_number, m.group(3)

    def _in_overview(self, line: Line) -> None:
        para = self._paragraph_number(line[1])
        if para:
            self._start(_Unit("overview", [(line[0], para[1])], number=para[0]))
        else:
            self._append(line)

    def _in_title(self, line: Line) -> None:
        if self.sp is not None:
            self.titles[self.sp].append(line[1])

    def _in_objective(self, line: Line) -> None:
        self._append(line)

    def _in_table(self, line: Line) -> None:
        """Pair by letter: the first "(b)" is the accomplishment, a later "(b)" or a bare "(一)"
        starts an indicator of the last indicator letter."""
        m = _TABLE_ITEM.match(line[1])
        letter, sub, rest = m.groups() if m else (None, None, line[1])
        if not (letter or sub):
            self._append(line)
        elif letter and not sub and letter not in self.seen_letters:
            self.seen_letters.add(letter)
            self._start(_Unit("accomplishment", [(line[0], rest)], sp=self.sp, letter=letter))
        else:
            letter = letter or self._indicator_letter()
            self._start(_Unit("indicator", [(line[0], rest)], sp=self.sp, letter=letter, sub=sub or ""))

    def _indicator_letter(self) -> str:
        for unit in reversed(self.units):
            if unit.kind in ("indicator", "accomplishment") and unit.sp == self.sp:
                return unit.letter
        return ""

    def _in_strategy(self, line: Line) -> None:
        para, item = self._paragraph_number(line[1]), _LETTER.match(line[1])
        if para:
            self._start(_Unit("strategy", [(line[0], para[1])], sp=self.sp, number=para[0]))
        elif item and self.last_number:
            lines = [(line[0], item.group(2))]
            self._start(_Unit("strategy_item", lines, sp=self.sp, number=self.last_number, letter=item.group(1)))
        else:
            self._append(line)

    def _in_mandates(self, line: Line) -> None:
        unit = _mandate_unit(line, self.heading)
        if unit:
            self._start(unit)
        else:
            self._append(line)


def _mandate_unit(line: Line, heading: str) -> _Unit | None:
    """A new entry of the mandate list ("42/37 C 确认…", "1540(2004) 不扩散…"), or None."""
    no, text = line
    if heading == "安全理事会决议":
        m = _SC_ENTRY.match(text)
        if m:
            key = sc_key(m.group(1), m.group(2))
            return _Unit("mandate", [(no, m.group(3))], heading=heading, label=key, key=key)
        return None
    m = _GA_ENTRY.match(text)
    if not m or not heading:
        return None
    key, part = ga_key(m.group(1), m.group(2)), m.group(3) or ""
    label = f"{key} {part}" if part else key
    return _Unit("mandate", [(no, m.group(4))], heading=heading, label=label, key=key, part=part)


@dataclass(frozen=True)
class _Doc:
    """What every passage of one document shares."""

    meta: dict[str, Any]
    source: str
    titles: dict[int, str]

    @property
    def prefix(self) -> str:
        return str(self.meta.get("id_prefix") or self.meta["symbol"].replace(" ", ""))

    @property
    def programme(self) -> str:
        return str(self.meta.get("programme") or self.meta["symbol"])

    def sp_title(self, sp: int | None) -> str:
        return f"次级方案 {sp} {self.titles.get(sp or 0, '')}".strip()

    def sp_short(self, sp: int | None) -> str:
        """Title without its parenthetical: "次级方案 3 常规军备"."""
        return re.sub(r"\s*\([^()]*\)$", "", self.sp_title(sp))


def _text(unit: _Unit) -> str:
    return clean_text(join_lines(text for _, text in unit.lines))


def _gist(text: str) -> str:
    return text if len(text) <= _GIST_CHARS else text[:_GIST_CHARS] + "…"


def _passage(doc: _Doc, unit: _Unit, **fields: Any) -> Passage:
    path: tuple[str, ...] = fields.pop("path")
    citation = Citation(
        document=doc.meta["symbol"],
        title=str(doc.meta.get("title_zh") or doc.meta.get("title") or doc.meta["symbol"]),
        path=path,
        paragraph=fields.pop("paragraph"),
        source=doc.source,
        url=fields.pop("url", doc.meta.get("url")),
    )
    first, last = unit.lines[0][0], unit.lines[-1][0]
    text = fields.pop("text", None) or _text(unit)
    fields.setdefault("symbols", ())  # only mandate entries stand for a resolution; mentions are found at indexing
    return Passage(
        id=f"{doc.prefix}#{fields.pop('key')}",
        text=text,
        kind=unit.kind,
        citation=citation,
        lang=str(doc.meta.get("language") or "zh"),
        doc_id=doc.prefix,
        location=f"lines {first}-{last}",
        **fields,
    )


def _overview(doc: _Doc, unit: _Unit) -> Passage:
    return _passage(
        doc,
        unit,
        key=unit.number,
        path=(doc.programme, "总方向", unit.number),
        paragraph=unit.number,
        context=f"{doc.programme} 总方向",
    )


def _objective(doc: _Doc, unit: _Unit) -> Passage:
    return _passage(
        doc,
        unit,
        key=f"sp{unit.sp}.objective",
        path=(doc.programme, doc.sp_title(unit.sp), "本组织的目标"),
        paragraph="本组织的目标",
        context=f"{doc.sp_short(unit.sp)} 本组织的目标",
        extra={"subprogramme": unit.sp, "subprogramme_title": doc.sp_title(unit.sp)},
    )


def _accomplishment(doc: _Doc, unit: _Unit) -> Passage:
    label = f"预期成绩 ({unit.letter})"
    return _passage(
        doc,
        unit,
        key=f"sp{unit.sp}.ea({unit.letter})",
        path=(doc.programme, doc.sp_title(unit.sp), label),
        paragraph=label,
        context=f"{doc.sp_short(unit.sp)} {label}",
        extra={"subprogramme": unit.sp, "indicators": []},
    )


def _indicator(doc: _Doc, unit: _Unit, accomplishment: Passage) -> Passage:
    label = f"绩效指标 ({unit.letter})" + (f" ({unit.sub})" if unit.sub else "")
    suffix = f".ind({unit.sub})" if unit.sub else ".ind"
    ea_label = accomplishment.citation.paragraph
    passage = _passage(
        doc,
        unit,
        key=accomplishment.id.split("#", 1)[1] + suffix,
        path=(doc.programme, doc.sp_title(unit.sp), ea_label, label),
        paragraph=label,
        context=f"{doc.sp_short(unit.sp)} 绩效指标 {ea_label}：{_gist(accomplishment.text)}",
        extra={"subprogramme": unit.sp, "accomplishment": accomplishment.id},
    )
    accomplishment.extra["indicators"].append(passage.id)
    return passage


def _strategy(doc: _Doc, unit: _Unit) -> Passage:
    label = f"{unit.number} ({unit.letter})" if unit.letter else unit.number
    key = f"{unit.number}({unit.letter})" if unit.letter else unit.number
    return _passage(
        doc,
        unit,
        key=key,
        path=(doc.programme, doc.sp_title(unit.sp), "战略", label),
        paragraph=label,
        context=f"{doc.sp_short(unit.sp)} 战略",
        extra={"subprogramme": unit.sp},
    )


def _mandate(doc: _Doc, unit: _Unit) -> Passage:
    mandate_type = MANDATE_TYPES[unit.heading]
    symbol = full_symbol(unit.key, decision=mandate_type == "ga_decision")
    extra: dict[str, Any] = {"symbol": symbol, "mandate_type": mandate_type}
    if unit.part:
        extra["part"] = unit.part
    return _passage(
        doc,
        unit,
        key=f"mandate.{unit.key}{unit.part}",
        text=clean_text(f"{unit.label} {_text(unit)}"),
        path=(doc.programme, "法律授权", unit.heading, unit.label),
        paragraph=unit.label,
        url=official_url(with_part(symbol, unit.part), str(doc.meta.get("language") or "zh")),  # A/RES/42/37C
        context=f"{doc.programme} 法律授权 {unit.heading}",
        symbols=(unit.key,),
        extra=extra,
    )


def _accomplishment_of(unit: _Unit, accomplishments: dict[tuple[int | None, str], Passage]) -> Passage:
    found = accomplishments.get((unit.sp, unit.letter))
    if found is None:
        where = f"line {unit.lines[0][0]}"
        raise IngestError(f"{where}: 绩效指标 ({unit.letter or '?'}) has no 预期成绩 of its own in 次级方案 {unit.sp}")
    return found


def _build(doc: _Doc, units: list[_Unit]) -> list[Passage]:
    passages: list[Passage] = []
    accomplishments: dict[tuple[int | None, str], Passage] = {}
    simple = {
        "overview": _overview,
        "objective": _objective,
        "strategy": _strategy,
        "strategy_item": _strategy,
        "mandate": _mandate,
    }
    for unit in units:
        if unit.kind == "accomplishment":
            passage = accomplishments[(unit.sp, unit.letter)] = _accomplishment(doc, unit)
        elif unit.kind == "indicator":
            passage = _indicator(doc, unit, _accomplishment_of(unit, accomplishments))
        else:
            passage = simple[unit.kind](doc, unit)
        passages.append(passage)
    return [replace(p, order=i) for i, p in enumerate(passages)]  # ``extra`` dicts stay shared


def _confirm_links(passages: list[Passage], urls: list[Line]) -> None:
    """Attach each listed legacy link to its mandate; log links that confirm nothing."""
    mandates = {p.symbols[0]: p for p in passages if p.kind == "mandate"}
    for no, url in urls:
        symbol = (parse_qs(urlparse(url).query).get("symbol") or [""])[0]
        passage = mandates.get(key_of(symbol) or "")
        if passage is None or passage.extra["symbol"] != symbol:
            logger.warning("line %d: listed link matches no mandate entry: %s", no, url)
            continue
        passage.extra["listed_url"] = url


def _lines(text: str) -> tuple[list[Line], list[Line]]:
    """Cleaned non-empty lines (1-based numbers) and the web addresses found on them."""
    lines: list[Line] = []
    urls: list[Line] = []
    for no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        rest, found = extract_urls(raw)
        urls.extend((no, url) for url in found)
        cleaned = clean_text(rest)
        if cleaned:
            lines.append((no, cleaned))
    return lines, urls


def _check(passages: list[Passage], name: str) -> None:
    if not passages:
        raise IngestError(f"{name}: no programme structure found (总方向, 次级方案, 战略, 法律授权)")
    ids = [p.id for p in passages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise IngestError(f"{name}: duplicate passage ids {duplicates[:5]}")
    for p in passages:
        if p.kind == "accomplishment" and not p.extra["indicators"]:
            logger.warning("%s: %s has no indicator", name, p.id)


def _meta(path: Path) -> dict[str, Any]:
    meta = read_meta(path)
    if meta is None or meta.get("format") != FORMAT or not meta.get("symbol"):
        raise IngestError(f"{path.name}: needs {path.stem}.meta.json with format {FORMAT!r} and a symbol")
    return meta


def is_programme(path: Path) -> bool:
    """Whether ``path`` has metadata saying it is a UN programme text."""
    try:
        meta = read_meta(Path(path))
    except IngestError:
        return False
    return bool(meta and meta.get("format") == FORMAT)


def _non_empty(passages: list[Passage], name: str) -> list[Passage]:
    """A unit whose text is lost (a damaged line holding only its label) is dropped, with a warning."""
    for p in passages:
        if not p.text.strip():
            logger.warning("%s: %s has no text; dropped", name, p.id)
    return [p for p in passages if p.text.strip()]


def read_programme(path: Path) -> Document:
    """Read a programme text and its ``<stem>.meta.json`` into a segmented, cited document."""
    path = Path(path)
    meta = _meta(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read ({err.strerror or err})") from err
    text, encoding = decode_bytes(raw, path.name)
    lines, urls = _lines(text)
    parser = _Parser(programme_no=_programme_number(meta))
    for line in lines:
        parser.feed(line)
    titles = {sp: clean_text(join_lines(parts)) for sp, parts in parser.titles.items()}
    doc = _Doc(meta=meta, source=path.name, titles=titles)
    passages = _non_empty(_build(doc, parser.units), path.name)
    _confirm_links(passages, urls)
    _check(passages, path.name)
    logger.info("%s: %d passages (%s)", path.name, len(passages), encoding)
    return Document(
        doc_id=doc.prefix,
        symbol=meta["symbol"],
        title=str(meta.get("title_zh") or meta["symbol"]),
        lang=str(meta.get("language") or "zh"),
        source=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
        meta=meta,
    )


def _programme_number(meta: dict[str, Any]) -> str:
    """The programme number ("3" from "方案 3 裁军" or "A/65/6 (Prog. 3)"); paragraphs are 3.1, 3.2..."""
    for value in (meta.get("programme", ""), meta.get("symbol", "")):
        m = re.search(r"(?:方案|Prog\.?)\s*(\d+)", str(value))
        if m:
            return m.group(1)
    raise IngestError(f"metadata gives no programme number: {meta.get('symbol')}")
