"""The mandate graph: which programme mandates later resolutions in the index continue.

Computed from an index's passages alone (no model, no vectors):

- every programme mandate entry (passage kind ``"mandate"``, ``symbols == ("64/48",)``) is a node;
- the resolution itself, when the index holds it (resolution passages whose ``symbols`` hold the key);
- the resolutions that recall it: preambular and operative paragraphs of *other* resolutions whose
  text (or ``Passage.mentions``, from the XML reader) cites the key, grouped per resolution and
  sorted by adoption date;
- and the reverse: the programme mandates a resolution paragraph or a whole resolution continues.

Every symbol spelling is accepted (``64/48``, ``A/RES/64/48``, ``第64/48号决议``, ``1540 (2004)``);
keys come from :func:`unqa.symbols.symbol_keys`. All results are JSON-ready dicts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from unqa.model import RESOLUTION_KINDS, Passage
from unqa.symbols import is_sc_key, key_of, symbol_keys

SNIPPET_CHARS = 60  # characters kept on each side of the cited symbol

_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789/()-ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def resolve_key(text: str) -> str | None:
    """The symbol key of any spelling (``"A/RES/64/48"`` -> ``"64/48"``), or None."""
    return key_of(text or "")


def cited_keys(p: Passage) -> list[str]:
    """Keys a passage cites (its text and the reader's ``Passage.mentions``), its own keys left out."""
    keys = [*p.mentions, *symbol_keys(p.text)]
    out: list[str] = []
    for k in keys:
        if k not in p.symbols and k not in out:
            out.append(k)
    return out


def _char(c: str) -> str:
    if c in _FULL_WIDTH:
        return f"[{re.escape(c)}{_FULL_WIDTH[c]}]"
    return re.escape(c)


def _key_pattern(key: str) -> re.Pattern[str]:
    """Regex for the key as written in a text: ASCII or full-width, spaces around ``/`` and brackets."""
    if is_sc_key(key):
        number, year = key.rstrip(")").split("(")
        body = "".join(map(_char, number)) + r"\s*[(（]\s*" + "".join(map(_char, year)) + r"\s*[)）]"
    else:
        session, number = key.split("/", 1)
        body = "".join(map(_char, session)) + r"\s*[/／]\s*" + "".join(map(_char, number)) + r"(?![0-9０-９])"
    return re.compile(r"(?<![0-9０-９/／])" + body)


def snippet(text: str, key: str, width: int = SNIPPET_CHARS) -> str:
    """The part of ``text`` around the first citation of ``key`` (the text's start when not found)."""
    text = " ".join((text or "").split())
    m = _key_pattern(key).search(text)
    if m is None:
        return text if len(text) <= 2 * width else text[: 2 * width] + "…"
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def _date(p: Passage) -> str:
    return str(p.extra.get("date") or "")


def _doc_symbol(p: Passage) -> str:
    return p.citation.document


@dataclass
class MandateGraph:
    """Programme mandates, the resolutions they name, and the resolutions that recall them."""

    mandates: dict[str, list[Passage]] = field(default_factory=dict)  # key -> programme entries
    own: dict[str, list[Passage]] = field(default_factory=dict)  # key -> paragraphs of that resolution
    citing: dict[str, list[Passage]] = field(default_factory=dict)  # key -> paragraphs citing it
    by_id: dict[str, Passage] = field(default_factory=dict)  # resolution paragraphs by passage id
    by_doc: dict[str, list[Passage]] = field(default_factory=dict)  # document symbol -> paragraphs

    # ------------------------------------------------------------ programme side

    def keys(self) -> list[str]:
        """Keys of the programme mandates, in programme order."""
        return list(self.mandates)

    def entry(self, symbol: str) -> dict[str, Any] | None:
        """The mandate named by ``symbol`` (any spelling) with its resolution and the resolutions recalling it."""
        key = resolve_key(symbol)
        if key is None or key not in self.mandates:
            return None
        entries = self.mandates[key]
        first = entries[0]
        return {
            "key": key,
            "symbol": str(first.extra.get("symbol") or ""),
            "title": _mandate_title(first, key),
            "programme_entry": _programme_entry(first),
            "programme_entries": [_programme_entry(p) for p in entries],
            "resolution_in_corpus": self._resolution(key),
            "recalled_by": self.recalled_by(key),
        }

    def recalled_by(self, key: str) -> list[dict[str, Any]]:
        """Resolutions (not the mandate itself) citing ``key``, oldest first, with their citing paragraphs."""
        groups: dict[str, list[Passage]] = defaultdict(list)
        for p in self.citing.get(key, []):
            groups[_doc_symbol(p)].append(p)
        out = [_resolution_group(doc, paras, key) for doc, paras in groups.items()]
        return sorted(out, key=lambda g: (g["date"] or "9999", g["symbol"]))

    def _resolution(self, key: str) -> dict[str, Any] | None:
        paras = self.own.get(key)
        if not paras:
            return None
        p = paras[0]
        return {
            "symbol": _doc_symbol(p),
            "title": p.citation.title,
            "date": _date(p),
            "url": p.citation.url,
            "paragraphs": len(paras),
            "first_id": p.id,
        }

    # ------------------------------------------------------------ resolution side

    def continues(self, ref: str) -> list[dict[str, Any]]:
        """Programme mandates a resolution paragraph (passage id) or a resolution (symbol) continues.

        A paragraph continues a mandate when it cites the mandate's key; a resolution continues the
        mandates its paragraphs cite, and the mandate that *is* the resolution (same key)."""
        paras = self.paragraphs_of(ref)
        if not paras:
            return []
        own = {k for p in paras for k in p.symbols}
        found: dict[str, list[Passage]] = {}
        for p in paras:
            for k in cited_keys(p):
                if k in self.mandates:
                    found.setdefault(k, []).append(p)
        out = []
        for k in self.mandates:  # programme order
            if k in own:
                out.append(self._continued(k, "same", []))
            elif k in found:
                out.append(self._continued(k, "recalls", found[k]))
        return out

    def paragraphs_of(self, ref: str) -> list[Passage]:
        """Resolution paragraphs for a passage id, or every paragraph of a resolution (any spelling)."""
        ref = (ref or "").strip()
        if ref in self.by_id:
            return [self.by_id[ref]]
        if ref in self.by_doc:
            return self.by_doc[ref]
        key = resolve_key(ref)
        return list(self.own.get(key, [])) if key else []

    def _continued(self, key: str, relation: str, paras: Sequence[Passage]) -> dict[str, Any]:
        first = self.mandates[key][0]
        return {
            "key": key,
            "symbol": str(first.extra.get("symbol") or ""),
            "title": _mandate_title(first, key),
            "relation": relation,  # "same": the resolution is the mandate; "recalls": it cites it
            "programme_entry": _programme_entry(first),
            "paragraphs": [_paragraph(p, key) for p in paras],
        }


def _mandate_title(p: Passage, key: str) -> str:
    """The entry's text without its leading symbol label (``"64/48 武器贸易条约"`` -> ``"武器贸易条约"``)."""
    text = p.text.strip()
    label = p.citation.paragraph.strip()
    if label and text.startswith(label):
        return text[len(label) :].strip()
    m = _key_pattern(key).match(text)
    return text[m.end() :].strip(" ,，") if m else text


def _programme_entry(p: Passage) -> dict[str, Any]:
    return {
        "id": p.id,
        "text": p.text,
        "document": p.citation.document,
        "paragraph": p.citation.paragraph,
        "citation": p.citation.breadcrumb(),
        "mandate_type": p.extra.get("mandate_type", ""),
        "url": p.citation.url,
    }


def _paragraph(p: Passage, key: str) -> dict[str, Any]:
    out = {
        "id": p.id,
        "kind": p.kind,
        "paragraph": p.citation.paragraph,
        "citation": p.citation.breadcrumb(),
        "snippet": snippet(p.text, key),
    }
    en = p.en
    if en and _key_pattern(key).search(en):
        out["snippet_en"] = snippet(en, key)
    return out


def _resolution_group(doc: str, paras: list[Passage], key: str) -> dict[str, Any]:
    paras = sorted(paras, key=lambda p: p.order)
    p = paras[0]
    return {
        "symbol": doc,
        "title": p.citation.title,
        "date": _date(p),
        "url": p.citation.url,
        "paragraphs": [_paragraph(q, key) for q in paras],
    }


def build_graph(passages: Iterable[Passage]) -> MandateGraph:
    """The mandate graph of an index's passages (programme entries and resolution paragraphs)."""
    graph = MandateGraph()
    resolution: list[Passage] = []
    for p in passages:
        if p.kind == "mandate" and p.symbols:
            graph.mandates.setdefault(p.symbols[0], []).append(p)
        elif p.kind in RESOLUTION_KINDS:
            resolution.append(p)
    for p in resolution:
        graph.by_id.setdefault(p.id, p)
        graph.by_doc.setdefault(_doc_symbol(p), []).append(p)
        for k in p.symbols:
            graph.own.setdefault(k, []).append(p)
        for k in cited_keys(p):
            if k in graph.mandates:
                graph.citing.setdefault(k, []).append(p)
    return graph
