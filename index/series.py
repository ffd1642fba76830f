"""Resolution series across sessions, paragraph matching and word-level diffs.

A General Assembly resolution is usually the latest of a series (the Arms Trade Treaty: 74/49 ->
75/64 -> ... -> 80/46). Its predecessor is found from the resolution's own references (the symbol
keys its paragraphs cite, ``Passage.mentions``) among the resolutions at hand, confirmed by the title;
when no reference is found, a resolution of an earlier session with the same title is taken.

Paragraphs of two sessions are matched by kind and text similarity (each old paragraph used once), and
a pair is diffed word by word with ``diff-match-patch`` over jieba tokens (Chinese) or words (English).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

from index.tokenize import _tokenizer
from unqa.model import RESOLUTION_KINDS, Passage

logger = logging.getLogger(__name__)

TITLE_SIMILARITY = 0.8
MATCH_SIMILARITY = 0.5
SAME = 0.999
_SESSION_KEY = re.compile(r"^(\d+)/(\d+)")
_EN_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
EQUAL, INSERT, DELETE = 0, 1, -1


@dataclass(frozen=True)
class Resolution:
    """One resolution: its symbol key, session, title and paragraphs in document order."""

    key: str  # "80/46"
    symbol: str  # "A/RES/80/46"
    title: str
    session: int
    date: str = ""
    title_en: str = ""
    paragraphs: tuple[Passage, ...] = ()
    mentions: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "symbol": self.symbol,
            "title": self.title,
            "title_en": self.title_en,
            "session": self.session,
            "date": self.date,
            "paragraphs": len(self.paragraphs),
        }


def session_of(key: str) -> int | None:
    """The session number of a GA symbol key (``"80/46"`` -> 80), None for others (``"S-10/2"``)."""
    m = _SESSION_KEY.match(key)
    return int(m.group(1)) if m else None


def _resolution(key: str, group: list[Passage]) -> Resolution:
    first = group[0]
    mentions: dict[str, None] = {}
    for p in group:
        mentions.update(dict.fromkeys(p.mentions))
    return Resolution(
        key=key,
        symbol=first.citation.document,
        title=first.citation.title,
        session=session_of(key) or 0,
        date=str(first.extra.get("date") or ""),
        title_en=str(first.extra.get("title_en") or ""),
        paragraphs=tuple(sorted(group, key=lambda p: p.order)),
        mentions=tuple(mentions),
    )


def resolutions(passages: Iterable[Passage]) -> dict[str, Resolution]:
    """The General Assembly resolutions among ``passages`` (from an index or read from XML), by key."""
    groups: dict[str, list[Passage]] = {}
    for p in passages:
        if p.kind in RESOLUTION_KINDS and p.symbols and session_of(p.symbols[0]):
            groups.setdefault(p.symbols[0], []).append(p)
    return {key: _resolution(key, group) for key, group in groups.items()}


def normalize_title(title: str) -> str:
    """A title for comparison: letters and digits only, case-folded (punctuation and spaces dropped)."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())


def same_series_title(a: str, b: str) -> bool:
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return False
    return na == nb or SequenceMatcher(None, na, nb).ratio() >= TITLE_SIMILARITY


def predecessor(res: Resolution, known: dict[str, Resolution]) -> Resolution | None:
    """The previous resolution of the series among ``known``: a cited earlier resolution with a similar
    title (the latest session wins), else an earlier resolution with the same title."""
    cited = [known[k] for k in res.mentions if k in known and 0 < known[k].session < res.session]
    same = [r for r in cited if same_series_title(r.title, res.title)]
    if not same:
        title = normalize_title(res.title)
        same = [r for r in known.values() if 0 < r.session < res.session and normalize_title(r.title) == title]
    return max(same, key=lambda r: (r.session, r.key)) if same else None


def series_ids(known: dict[str, Resolution]) -> dict[str, str]:
    """Each resolution's series id: the key of the oldest resolution of its series among ``known``
    (a predecessor is always of an earlier session, so the walk ends)."""
    prev = {k: predecessor(r, known) for k, r in known.items()}
    out: dict[str, str] = {}
    for key in sorted(known, key=lambda k: known[k].session):
        p = prev[key]
        out[key] = out.get(p.key, p.key) if p is not None else key
    return out


def same_subject(title: str, known: dict[str, Resolution], after: int = 0) -> list[Resolution]:
    """Resolutions (of sessions after ``after``) whose title holds ``title`` or is close to it: a
    programme mandate's later resolutions found by subject when they do not cite it by number
    (64/36 集束弹药公约 -> 80/52 《集束弹药公约》的执行情况). Newest first."""
    wanted = normalize_title(title)
    if len(wanted) < 2:
        return []
    found = [
        r
        for r in known.values()
        if r.session > after and (wanted in normalize_title(r.title) or same_series_title(title, r.title))
    ]
    return sorted(found, key=lambda r: (-r.session, r.key))


def chain(key: str, known: dict[str, Resolution]) -> list[Resolution]:
    """The series of resolution ``key``, oldest first (predecessors, the resolution, successors)."""
    if key not in known:
        raise KeyError(key)
    back = [known[key]]
    while (prev := predecessor(back[-1], known)) is not None and prev not in back:
        back.append(prev)
    series = list(reversed(back))
    while True:
        nxt = [r for r in known.values() if r not in series and predecessor(r, known) == series[-1]]
        if not nxt:
            return series
        series.append(min(nxt, key=lambda r: (r.session, r.key)))


def cited_predecessors(res: Resolution) -> list[str]:
    """Symbol keys of earlier sessions the resolution cites (its series history as the text gives it)."""
    return sorted(
        (k for k in res.mentions if (s := session_of(k)) and s < res.session), key=lambda k: (session_of(k), k)
    )


# ---------------------------------------------------------------- paragraphs


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """Character similarity 0-1 (``difflib``); 0 early when the cheap upper bounds are below ``floor``."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < floor or m.quick_ratio() < floor:
        return 0.0
    return m.ratio()


@dataclass(frozen=True)
class Pair:
    """A paragraph of the newer resolution and its counterpart in the older one (either may be None)."""

    old: Passage | None
    new: Passage | None
    ratio: float

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "unchanged" if self.ratio >= SAME else "changed"


def match_paragraphs(old: Sequence[Passage], new: Sequence[Passage]) -> list[Pair]:
    """Each new paragraph with its most similar unused old paragraph of the same kind (ratio >= 0.5),
    best pairs first; then the old paragraphs left over as removed. Result in the new document's order."""
    scored = sorted(
        (
            (similarity(o.text, n.text, MATCH_SIMILARITY), i, j)
            for i, o in enumerate(old)
            for j, n in enumerate(new)
            if o.kind == n.kind
        ),
        reverse=True,
    )
    used_old: dict[int, tuple[int, float]] = {}
    used_new: set[int] = set()
    for ratio, i, j in scored:
        if ratio < MATCH_SIMILARITY:
            break
        if i not in used_old and j not in used_new:
            used_old[i] = (j, ratio)
            used_new.add(j)
    by_new = {j: (i, r) for i, (j, r) in used_old.items()}
    pairs = [Pair(old[by_new[j][0]], n, by_new[j][1]) if j in by_new else Pair(None, n, 0.0) for j, n in enumerate(new)]
    pairs += [Pair(o, None, 0.0) for i, o in enumerate(old) if i not in used_old]
    return pairs


def counterpart(p: Passage, old: Resolution, new: Resolution) -> Pair | None:
    """The pair holding paragraph ``p`` of ``new`` matched against ``old``."""
    return next((pair for pair in match_paragraphs(old.paragraphs, new.paragraphs) if pair.new == p), None)


def what_changed(old: Resolution, new: Resolution) -> dict:
    """Counts and pairs for a whole resolution against its predecessor."""
    pairs = match_paragraphs(old.paragraphs, new.paragraphs)
    counts = {s: sum(1 for p in pairs if p.status == s) for s in ("added", "removed", "changed", "unchanged")}
    return {"old": old.key, "new": new.key, "counts": counts, "pairs": pairs}


# ---------------------------------------------------------------- word diff


def tokens(text: str) -> list[str]:
    """Tokens whose concatenation is ``text``: jieba words for Chinese, words/spaces/marks otherwise."""
    if re.search(r"[\u3400-\u9fff]", text):
        return list(_tokenizer().cut(text, HMM=False))
    return _EN_TOKEN.findall(text)


def _char(n: int) -> str:
    """A private-use character standing for token number ``n``."""
    return chr(0xE000 + n) if n < 0x1900 else chr(0xF0000 + n)


def _encode(a: list[str], b: list[str]) -> tuple[str, str, list[str]]:
    vocab: dict[str, int] = {}
    table: list[str] = []
    for tok in (*a, *b):
        if tok not in vocab:
            vocab[tok] = len(table)
            table.append(tok)
    return "".join(_char(vocab[t]) for t in a), "".join(_char(vocab[t]) for t in b), table


def _decode(ch: str, table: list[str]) -> str:
    code = ord(ch)
    return table[code - 0xE000] if code < 0xF0000 else table[code - 0xF0000]


def word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """``diff-match-patch`` diff of ``old`` -> ``new`` over whole tokens: (op, text) with op
    -1 deleted, 1 inserted, 0 kept; the kept and inserted texts concatenate to ``new``."""
    a, b, table = _encode(tokens(old), tokens(new))
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    out: list[tuple[int, str]] = []
    for op, chunk in diffs:
        text = "".join(_decode(ch, table) for ch in chunk)
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif text:
            out.append((op, text))
    return out


def diff_counts(diffs: Sequence[tuple[int, str]]) -> dict[str, int]:
    """Characters inserted and deleted."""
    return {
        "inserted": sum(len(t) for op, t in diffs if op == INSERT),
        "deleted": sum(len(t) for op, t in diffs if op == DELETE),
    }
