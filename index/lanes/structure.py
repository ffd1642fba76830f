"""Exact lane for the document's own structure, beside the symbol lane.

- A question that names a sub-programme ("次级方案 3", "sub-programme 3") or a paragraph
  ("3.9 (c)", "第 3.9 段") lifts the passages that carry that label.
- A question that asks *which office/department* is responsible lifts passages that state a
  responsibility ("由常规武器处执行", "裁军事务厅对本方案负有实质性责任").
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence

from index.config import SearchConfig
from index.lanes.base import Run, Selection, restrict
from index.query import Query
from index.tokenize import tokenize
from unqa.model import Passage
from unqa.symbols import normalize_width

_ZH_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_SUB_Q = re.compile(
    r"(?:次级方案|sub-?programme)\s*(?:第\s*)?([1-9一二三四五六七八九])|"
    r"第\s*([1-9一二三四五六七八九])\s*个?\s*次级方案|"
    r"(first|second|third|fourth|fifth) sub-?programme",
    re.I,
)
_ORDINAL_EN = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5"}
_EXECUTED_BY = re.compile(r"由(.{2,40}?)执行")
_PARA_Q = re.compile(r"(?<![\d./])(\d{1,2}\.\d{1,2})(?![\d/])\s*(?:\(\s*([a-z])\s*\))?")
_ASKS_WHO = re.compile(
    r"哪个?(部门|机构|办公室|单位|处|厅)|由谁|谁负责|谁来|哪一?个?实体|"
    r"which (office|department|unit|body|entity)|who (is responsible|implements|carries out|executes|runs)",
    re.I,
)
_STATES_WHO = re.compile(
    r"由[^。，；]{1,30}(厅|处|办事处|部|中心)[^。，；]{0,6}执行|(厅|处|办事处)对[^。]{0,12}负有|负责(?!任)"
)
_PROGRAMME_LEVEL = re.compile(r"(?<!次级)方案|(?<!sub)(?<!sub-)programme", re.I)


def subprogramme_of(p: Passage) -> str | None:
    """The number of the sub-programme a passage belongs to ("3"), or None."""
    m = re.match(r"次级方案\s*(\d)", p.subprogramme)
    return m.group(1) if m else None


def paragraph_key(label: str) -> str:
    return re.sub(r"\s+", "", normalize_width(label))


class StructureLane:
    """Each passage's sub-programme, paragraph label and whether it states who is responsible,
    computed once when the index is loaded (no files of its own), so a query costs only look-ups."""

    name = "structure"

    def __init__(self, passages: Sequence[Passage], config: SearchConfig) -> None:
        self.config = config
        self.by_sub: dict[str, list[int]] = {}
        self.by_para: dict[str, list[int]] = {}
        self.states_who: list[int] = []
        self.sub_of: list[str | None] = []
        self.by_kind: dict[str, list[int]] = {}
        self.names: dict[str, dict[str, frozenset[str]]] = {}  # sub-programme -> title or branch -> tokens
        for row, p in enumerate(passages):
            self.by_kind.setdefault(p.kind, []).append(row)
            sub = subprogramme_of(p)
            self.sub_of.append(sub)
            if sub:
                self.by_sub.setdefault(sub, []).append(row)
                self._learn_names(sub, p)
            self.by_para.setdefault(paragraph_key(p.citation.paragraph), []).append(row)
            if _STATES_WHO.search(p.text):
                self.states_who.append(row)

    def _learn_names(self, sub: str, p: Passage) -> None:
        """The title of sub-programme ``sub`` and the branch that executes it (text and tokens)."""
        known = self.names.setdefault(sub, {})
        found = [re.sub(r"\(.*?\)|次级方案\s*\d", "", p.subprogramme).strip()]
        found += [re.sub(r"处$", "", m) for m in _EXECUTED_BY.findall(p.text) if "和" not in m]
        for name in found:
            if name and name not in known:
                known[name] = frozenset(tokenize(name))

    def with_config(self, config: SearchConfig) -> StructureLane:
        lane = copy.copy(self)
        lane.config = config
        return lane

    def search(self, query: Query, depth: int, selection: Selection | None = None) -> Run:
        return Run(self.name, restrict(self.boosts(query), selection))

    def boosts(self, query: Query) -> dict[int, float]:
        """Row -> bonus for the structural references in ``query`` (empty when it has none): the
        sub-programme it names (by number, title or branch), the parts it asks for
        (``Query.asks_for``), the paragraph it cites, and who is responsible."""
        q, c = normalize_width(query.text), self.config
        out: dict[int, float] = {}
        wanted_sub = _wanted_subprogramme(q)
        for sub in [wanted_sub] if wanted_sub else self._named_subprogrammes(query):
            _add(out, self.by_sub.get(sub, []), c.subprogramme_bonus)
        for kind in query.asks_for:
            _add(out, self.by_kind.get(kind, []), c.kind_bonus)
        for m in _PARA_Q.finditer(q):
            _add(out, self.by_para.get(m.group(1) + (f"({m.group(2)})" if m.group(2) else ""), []), c.paragraph_bonus)
        if _ASKS_WHO.search(q):
            programme_level = not wanted_sub and bool(_PROGRAMME_LEVEL.search(q))
            rows = [r for r in self.states_who if not (programme_level and self.sub_of[r])]
            _add(out, rows, c.responsible_bonus)
        return out

    def _named_subprogrammes(self, query: Query) -> list[str]:
        """Sub-programmes named by title ("信息和外联次级方案") or branch ("常规武器处"), when the question
        says sub-programme or branch (``Query.names_unit``)."""
        if not query.names_unit:
            return []
        words = set(query.tokens) | set(query.glossary) | {t for t, _ in query.translated}
        return [
            sub
            for sub, names in self.names.items()
            if any(text in query.text or tokens <= words for text, tokens in names.items())
        ]


def _add(out: dict[int, float], rows: Sequence[int], bonus: float) -> None:
    for row in rows:
        out[row] = out.get(row, 0.0) + bonus


def _wanted_subprogramme(q: str) -> str | None:
    m = _SUB_Q.search(q)
    if not m:
        return None
    if m.group(3):
        return _ORDINAL_EN[m.group(3).lower()]
    raw = m.group(1) or m.group(2)
    return _ZH_NUM.get(raw, raw)
