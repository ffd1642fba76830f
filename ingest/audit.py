"""Citation audit: every check a UN editor would run before a delegation quotes a paragraph.

``audit_paths`` reads UN XML (files, folders, the per-language zips) through the ingest reader and
checks what the product will cite; ``audit_index`` runs the same checks over a built index's
``passages.jsonl``. No embedding is involved.

Each anomaly has a code and an owner:

- ``reader``: the product's fault (a number invented or shared, a leaked footnote marker, a wrong
  link); after the fixes of issue 15 these should be zero over ``../shared/un-xml``.
- ``source``: the UN's own file is irregular (an unnumbered paragraph at the head of the operative
  part, operative paragraphs marked up inside the preamble, a repeated footnote typed as ``<sup>``).
  The reader cites what the document says; the audit keeps reporting them so an editor can look.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ingest.load import iter_documents
from unqa.model import RESOLUTION_KINDS, Document, Passage
from unqa.symbols import official_url, part_of

logger = logging.getLogger(__name__)

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"

CHECKS: dict[str, tuple[str, str]] = {
    "op_numbering": ("reader", "operative numbering of a part is not 1..N, contiguous and unique"),
    "op_unnumbered": ("source", "operative-part paragraph without a number (cited as unnumbered)"),
    "empty_preamble": ("reader", "a resolution with no preambular paragraph"),
    "empty_operative": ("reader", "a resolution with no operative paragraph"),
    "part_not_in_symbol": ("reader", "numbering restarts (a second part) with no preamble or heading of its own"),
    "symbol_part_missing": ("reader", "the symbol names lettered parts (A-B) that were not read as parts"),
    "cite_shared": ("reader", "two different paragraphs carry the same citation"),
    "en_missing": ("reader", "a paragraph without its English counterpart although the English file was read"),
    "en_shared": ("reader", "the same English paragraph shown beside two different paragraphs"),
    "en_number": ("reader", "the English paragraph beside it has another number or kind"),
    "footnote_marker": ("reader", "a footnote marker left in the text"),
    "link_part": ("reader", "a link that drops the part letter of the symbol"),
    "link_lang": ("reader", "a link in another language than the passage"),
    "src_unnumbered_head": ("source", "UN file: unnumbered paragraph(s) before operative paragraph 1"),
    "src_ops_in_preamble": ("source", "UN file: numbered operative paragraphs marked up inside the preamble"),
    "src_sup_marker": ("source", "UN file: a footnote reference typed as <sup>N</sup>"),
    "src_numbering": ("source", "UN file: its own operative numbers skip or repeat (cited as numbered)"),
    "src_repeated_number": ("source", "UN file: a paragraph number used twice (the repeat's id gets -2)"),
    "src_no_preamble": ("source", "UN file: the resolution has no preamble"),
    "src_en_unmatched": ("source", "UN files: the English has no paragraph of this kind and number to pair with"),
    "src_lang_structure": ("source", "UN files: one language has it as the preamble's last, the other unnumbered"),
}

_FOOTNOTE_ZH = re.compile(r"(?<!\d)[；;。，,：:）)》”\"]\d{1,2}(?=$|\s(?!\d)|[；;。，,])|[\u4e00-\u9fff]\d{1,2}$")
_FOOTNOTE_EN = re.compile(r"(?<=[a-z])[;,.:)\"”]\d{1,2}(?=$|\s(?!\d))")
_PART_LETTERS = re.compile(r"\s([A-Z])(?:\s*(?:-|to|and|至|和)\s*([A-Z]))?$")


@dataclass
class DocReport:
    """The anomalies of one document: code -> details (passage ids or short notes)."""

    doc_id: str
    source: str
    findings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, code: str, detail: str) -> None:
        self.findings[code].append(detail)

    @property
    def weight(self) -> int:
        return sum(len(v) for v in self.findings.values())

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "source": self.source, "findings": dict(self.findings)}


# ---------------------------------------------------------------- checks over passages


def _resolution_passages(passages: Sequence[Passage]) -> list[Passage]:
    return [p for p in passages if p.kind in RESOLUTION_KINDS]


def _part(p: Passage) -> int:
    part = p.extra.get("part")
    if isinstance(part, int):
        return part
    m = re.search(r"#part(\d+)\.", p.id)
    return int(m.group(1)) if m else 1


def _num(p: Passage) -> int | None:
    num = p.extra.get("num")
    return num if isinstance(num, int) else None


def check_numbering(passages: Sequence[Passage], report: DocReport) -> None:
    """Operative numbers per part: 1..N, contiguous, unique; unnumbered paragraphs reported apart."""
    by_part: dict[tuple[str, int], list[int]] = defaultdict(list)
    for p in passages:
        if p.kind != "operative":
            continue
        if p.extra.get("unnumbered") or _num(p) in (None, 0):
            report.add("op_unnumbered", p.id)
        else:
            by_part[(p.citation.document, _part(p))].append(_num(p) or 0)
    last: dict[str, int] = {}
    for (symbol, part), numbers in sorted(by_part.items()):
        start = numbers[0] if numbers[0] == last.get(symbol, 0) + 1 else 1  # a part may continue the numbering
        if numbers != list(range(start, start + len(numbers))):
            report.add("op_numbering", f"{symbol} part {part}: {_runs(numbers, start)}")
        last[symbol] = numbers[-1]


def _runs(numbers: list[int], start: int = 1) -> str:
    """The numbers around the first break: ``"…,8,9,9,10…"``."""
    expected = range(start, start + len(numbers))
    at = next((i for i, (n, e) in enumerate(zip(numbers, expected, strict=True)) if n != e), 0)
    lo, hi = max(at - 2, 0), min(at + 3, len(numbers))
    return ("…" if lo else "") + ",".join(str(n) for n in numbers[lo:hi]) + ("…" if hi < len(numbers) else "")


def check_parts(doc_symbol: str, passages: Sequence[Passage], report: DocReport, parts: Sequence[str]) -> None:
    """Empty preamble/operative; numbering restarting without a preamble; lettered symbols not read as parts."""
    for symbol in dict.fromkeys(p.citation.document for p in passages):
        own = [p for p in passages if p.citation.document == symbol]
        if "preamble" not in {p.kind for p in own}:
            report.add("empty_preamble", symbol)
        if "operative" not in {p.kind for p in own if _part(p) == 1}:
            report.add("empty_operative", symbol)
    for symbol, part in sorted({(p.citation.document, _part(p)) for p in passages if _part(p) > 1}):
        members = [p for p in passages if _part(p) == part and p.citation.document == symbol]
        if not any(p.kind == "preamble" for p in members) and not any(len(p.citation.path) > 2 for p in members):
            report.add("part_not_in_symbol", f"{symbol} part {part} ({members[0].id})")
    m = _PART_LETTERS.search(doc_symbol)
    if m and m.group(2) and len(parts) < ord(m.group(2)) - ord(m.group(1)) + 1:
        report.add("symbol_part_missing", f"{doc_symbol}: {len(parts)} part(s) read")


def check_citations(passages: Sequence[Passage], report: DocReport) -> None:
    """No two paragraphs of a document share one citation."""
    seen: dict[tuple[str, ...], str] = {}
    for p in passages:
        key = (p.citation.document, *p.citation.path, p.citation.paragraph)
        if key in seen:
            code = "src_repeated_number" if re.search(r"-\d+$", p.id) else "cite_shared"
            report.add(code, f"{seen[key]} = {p.id}: {p.citation.paragraph}")
        else:
            seen[key] = p.id


def check_english(passages: Sequence[Passage], report: DocReport, meta: dict[str, Any]) -> None:
    """Every paragraph has its own English, of the same number and kind."""
    has_english = _has_english(passages, meta)
    left = meta.get("english_left")
    owner: dict[str, str] = {}
    for p in passages:
        if p.lang == "en":
            continue
        if not p.en:
            if has_english:
                report.add(_missing_code(p, left), p.id)
            continue
        key = "\x1f".join(str(p.extra.get(k, "")) for k in ("en_eId", "en_part", "en_kind", "en_num"))
        key = f"{p.citation.document}\x1f{key}\x1f{p.en}"
        if key in owner:
            report.add("en_shared", f"{owner[key]} = {p.id}")
        owner.setdefault(key, p.id)
        _check_en_number(p, report)


def _missing_code(p: Passage, left: list[str] | None) -> str:
    """``en_missing`` when the English file had a free paragraph of the same kind and number (a pairing
    the reader missed), ``src_en_unmatched`` when it has none (the two files are cut differently)."""
    if left is None:
        return "en_missing"
    return "en_missing" if f"{p.kind} {_num(p)}" in left else "src_en_unmatched"


def _check_en_number(p: Passage, report: DocReport) -> None:
    en_num, en_kind = p.extra.get("en_num"), p.extra.get("en_kind")
    if en_num is None or (en_num, en_kind) == (_num(p), p.kind):
        return
    head = {(p.kind, bool(p.extra.get("unnumbered"))), (en_kind, en_num == 0)} == {
        ("preamble", False),
        ("operative", True),
    }
    code = "src_lang_structure" if head else "en_number"
    report.add(code, f"{p.id} beside English {en_kind} {en_num}")


def footnote_markers(text: str, lang: str) -> list[str]:
    """Footnote numbers glued to the text (``…的报告；3``, ``…Ocean;3``)."""
    pattern = _FOOTNOTE_ZH if lang == "zh" else _FOOTNOTE_EN
    return [m.group(0) for m in pattern.finditer(text)]


def check_footnotes(passages: Sequence[Passage], report: DocReport) -> None:
    for p in passages:
        for marker in footnote_markers(p.text, p.lang):
            report.add("footnote_marker", f"{p.id}: …{marker}")


def _url_lang(url: str) -> str:
    m = re.match(r"https?://(?:docs|undocs)\.un\.org/([a-z]{2})/", url)
    return m.group(1) if m else ""


def check_links(passages: Sequence[Passage], report: DocReport) -> None:
    """Links keep the part letter (``A/RES/42/37C``) and the passage's language."""
    for p in passages:
        url = p.citation.url or ""
        if not url:
            continue
        symbol = str(p.extra.get("symbol") or p.citation.document) if p.kind == "mandate" else p.citation.document
        part = p.extra.get("part") if p.kind == "mandate" else None
        if isinstance(part, str) and part and not symbol.endswith(part):
            symbol = f"{symbol} {part}"
        if part_of(symbol) and url != official_url(symbol, _url_lang(url) or p.lang):
            report.add("link_part", f"{p.id}: {url}")
        if _url_lang(url) and _url_lang(url) != {"zh": "zh", "en": "en"}.get(p.lang, _url_lang(url)):
            report.add("link_lang", f"{p.id}: {url}")


def check_passages(doc_id: str, source: str, passages: Sequence[Passage], meta: dict[str, Any]) -> DocReport:
    """All passage-level checks of one document."""
    report = DocReport(doc_id, source)
    res = _resolution_passages(passages)
    if res:
        symbol = doc_id.rsplit("@", 1)[0]
        check_numbering(res, report)
        check_parts(symbol, res, report, meta.get("parts") or [symbol])
        check_english(res, report, meta)
    check_citations(passages, report)
    check_footnotes(passages, report)
    check_links(passages, report)
    return report


def _has_english(passages: Sequence[Passage], meta: dict[str, Any]) -> bool:
    stats = meta.get("alignment") or {}
    if stats:
        return bool(stats.get("aligned"))
    return any(p.en for p in passages)


# ---------------------------------------------------------------- checks over the UN file itself


def _raw(source: str) -> bytes | None:
    try:
        if "!" in source:
            archive, member = source.split("!", 1)
            with zipfile.ZipFile(archive) as zf:
                return zf.read(member)
        return Path(source).read_bytes()
    except (OSError, KeyError, zipfile.BadZipFile):
        return None


def _has_num(el: etree._Element) -> bool:
    num = el.find(f"{AKN}num")
    if num is not None and re.fullmatch(r"\s*\d{1,3}\s*[.．]?\s*", "".join(num.itertext())):
        return True
    return bool(re.match(r"\s*\d{1,3}\s*[.．]", "".join(el.itertext())))


def check_source(data: bytes, report: DocReport) -> None:
    """Irregularities of the UN file, reader-independent."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return
    for body in root.iter(f"{AKN}mainBody"):
        paras = [c for c in body if c.tag == f"{AKN}paragraph"]
        if any(_has_num(p) for p in paras):
            head = next((i for i, p in enumerate(paras) if _has_num(p)), 0)
            for p in paras[:head]:
                if p.find(f"{AKN}content") is not None:
                    report.add("src_unnumbered_head", p.get("eId", "?"))
    _source_numbering(root, report)
    if not any(
        "".join(c.itertext()).strip() for pre in root.iter(f"{AKN}preamble") for c in pre if _tag(c) != "formula"
    ):
        report.add("src_no_preamble", "no preambular paragraph in the file")
    for pre in root.iter(f"{AKN}preamble"):
        items = [n for n in pre.iter(f"{AKN}num") if re.fullmatch(r"\s*\d{1,3}\.\s*", n.text or "")]
        if items:
            report.add("src_ops_in_preamble", f"{len(items)} numbered items")
    for sup in root.iter(f"{AKN}sup"):
        if re.fullmatch(r"\s*\d{1,2}\s*", "".join(sup.itertext())) and _after_text(sup):
            report.add("src_sup_marker", "<sup>" + "".join(sup.itertext()).strip() + "</sup>")


def _tag(el: etree._Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _source_numbering(root: etree._Element, report: DocReport) -> None:
    """The file's own operative numbers (``<num>N.</num>`` in each ``mainBody``): each is 1 or the last + 1."""
    for body in root.iter(f"{AKN}mainBody"):
        numbers = [
            int(m.group(1))
            for num in body.iter(f"{AKN}num")
            if (m := re.fullmatch(r"\s*(\d{1,3})\s*[.．]?\s*", "".join(num.itertext())))
        ]
        jumps = [f"{a}→{b}" for a, b in zip(numbers, numbers[1:], strict=False) if b not in (1, a + 1)]
        if jumps or (numbers and numbers[0] != 1):
            report.add("src_numbering", ", ".join(jumps[:6]) or f"starts at {numbers[0]}")


def _reassign(report: DocReport) -> None:
    """What the UN file itself explains is the file's, not the reader's."""
    if "src_numbering" in report.findings:
        report.findings.pop("op_numbering", None)
    if "src_no_preamble" in report.findings:
        report.findings.pop("empty_preamble", None)


def _after_text(sup: etree._Element) -> bool:
    """A ``<sup>N</sup>`` right after punctuation or a Han character is a footnote reference, not a power."""
    prev = sup.getprevious()
    before = (prev.tail if prev is not None else sup.getparent().text) or ""
    before = before.rstrip()
    return bool(before) and (not before[-1].isascii() or before[-1] in ";,.:)")


# ---------------------------------------------------------------- runs


def audit_documents(docs: Iterable[Document], *, source_checks: bool = True) -> Iterator[DocReport]:
    for doc in docs:
        report = check_passages(doc.doc_id, doc.source, doc.passages, doc.meta)
        data = _raw(doc.source) if source_checks and doc.source.lower().split("!")[-1].endswith(".xml") else None
        if data is not None:
            check_source(data, report)
            _reassign(report)
        yield report


def audit_paths(paths: Sequence[Path], *, show_progress: bool = True) -> dict[str, Any]:
    """Audit every UN XML (and other input) under ``paths`` as the reader reads it."""
    docs = (d for d in iter_documents(list(paths), show_progress=show_progress) if isinstance(d, Document))
    return summarize(list(audit_documents(docs)), inputs=[str(p) for p in paths])


def audit_index(passages_jsonl: Path) -> dict[str, Any]:
    """Audit a built index: its ``passages.jsonl`` grouped by document."""
    groups: dict[str, list[Passage]] = defaultdict(list)
    with passages_jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                p = Passage.from_dict(json.loads(line))
                groups[p.doc_id].append(p)
    reports = [check_passages(doc_id, ps[0].citation.source, ps, {}) for doc_id, ps in groups.items()]
    return summarize(reports, inputs=[str(passages_jsonl)])


def summarize(reports: Sequence[DocReport], inputs: Sequence[str], worst: int = 20) -> dict[str, Any]:
    """Counts by anomaly (documents and instances, owner), the worst documents, every finding."""
    docs, hits = Counter(), Counter()
    for r in reports:
        for code, details in r.findings.items():
            docs[code] += 1
            hits[code] += len(details)
    flagged = sorted((r for r in reports if r.findings), key=lambda r: (-_reader_weight(r), -r.weight, r.doc_id))
    return {
        "inputs": list(inputs),
        "documents": len(reports),
        "documents_flagged": len(flagged),
        "counts": {
            code: {"owner": owner, "what": what, "documents": docs[code], "instances": hits[code]}
            for code, (owner, what) in CHECKS.items()
        },
        "worst": [r.to_dict() for r in flagged[:worst]],
        "reports": [r.to_dict() for r in flagged],
    }


def _reader_weight(r: DocReport) -> int:
    return sum(len(v) for k, v in r.findings.items() if CHECKS.get(k, ("reader",))[0] == "reader")


def reader_total(summary: dict[str, Any]) -> int:
    """Instances the product is answerable for (the ``reader`` anomalies)."""
    return sum(c["instances"] for c in summary["counts"].values() if c["owner"] == "reader")


def to_markdown(summary: dict[str, Any], title: str = "Citation audit") -> str:
    lines = [f"## {title}", "", f"Documents: {summary['documents']}, flagged: {summary['documents_flagged']}", ""]
    lines += ["| anomaly | owner | documents | instances | what |", "|---|---|---:|---:|---|"]
    for code, c in summary["counts"].items():
        lines.append(f"| `{code}` | {c['owner']} | {c['documents']} | {c['instances']} | {c['what']} |")
    return "\n".join(lines) + "\n\n" + worst_markdown(summary, "Worst documents:")


def worst_markdown(summary: dict[str, Any], title: str) -> str:
    """The worst documents (the product's anomalies first), with their anomaly counts."""
    lines = [title, "", "| document | anomalies |", "|---|---|"]
    for r in summary["worst"]:
        found = ", ".join(f"{k} ×{len(v)}" for k, v in r["findings"].items())
        lines.append(f"| {r['doc_id']} | {found} |")
    return "\n".join(lines) + "\n"


def condensed(summary: dict[str, Any]) -> dict[str, Any]:
    """What is committed: counts, totals and the worst documents (not every finding)."""
    keep = ("inputs", "documents", "documents_flagged", "counts", "worst")
    return {**{k: summary[k] for k in keep}, "reader_total": reader_total(summary)}


def compare_markdown(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Counts by anomaly before and after the reader fixes, then the worst documents of each run."""
    lines = [
        "| anomaly | owner | documents before | after | instances before | after | what |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for code, c in after["counts"].items():
        b = before["counts"].get(code, {"documents": 0, "instances": 0})
        lines.append(
            f"| `{code}` | {c['owner']} | {b['documents']} | {c['documents']} | {b['instances']} | {c['instances']} "
            f"| {c['what']} |"
        )
    lines += ["", f"Anomalies the product is answerable for (`reader`): {reader_total(before)} before, "]
    lines[-1] += f"{reader_total(after)} after; documents flagged: {before['documents_flagged']} before, "
    lines[-1] += f"{after['documents_flagged']} after (of {after['documents']})."
    return "\n".join(lines) + "\n"
