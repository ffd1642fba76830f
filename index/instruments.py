"""Treaties and conventions by all their names (``index/data/instruments.tsv``): an acronym, an English
title or short name, a Chinese title or short name. A question naming a treaty by any of them asks about
that treaty (``index.query``), and the answer step then looks for its Chinese names in the passages
(``index.answer.names_instrument``): "How many States signed the TPNW?" must be answered from a passage
naming 禁止核武器条约, not from the CTBT's count of its signatories."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from index.tokenize import is_cjk

TABLE_FILE = Path(__file__).resolve().parent / "data" / "instruments.tsv"
_ACRONYM = re.compile(r"^[A-Z]{3,5}$")
_SPACES = re.compile(r"\s+")
SHORT_CHARS = 15


@lru_cache(maxsize=1)
def table(path: Path = TABLE_FILE) -> tuple[tuple[str, ...], ...]:
    """One row of names per instrument, as the file lists them."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(n.strip() for n in line.split("|") if n.strip()))
    return tuple(rows)


def _key(name: str) -> str:
    name = _SPACES.sub(" ", name.strip())
    return name if is_cjk(name) else re.sub(r"^the ", "", name.casefold())


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[str, ...]]:
    return {_key(name): row for row in table() for name in row}


def names_of(name: str) -> tuple[str, ...]:
    """Every name of the instrument ``name`` is one of, ``name`` first; ``(name,)`` when the table does
    not list it."""
    row = _by_name().get(_key(name), ())
    return (name, *(n for n in row if n != name))


def resolve(name: str) -> list[tuple[str, ...]]:
    """The instruments a name found in a question stands for, each with all its names: the table's row
    for a name it lists; for an English name it does not list, the listed names inside it ("Treaty of
    Pelindaba and the NPT" is two); else the name alone."""
    key = _key(name)
    if key in _by_name() or is_cjk(name):
        return [names_of(name)]
    inside = [k for k in _by_name() if not is_cjk(k) and re.search(rf"\b{re.escape(k)}\b", key)]
    inside = [k for k in inside if not any(k != m and k in m for m in inside)]  # the longest names only
    return [names_of(_spelling(k)) for k in sorted(inside, key=key.index)] or [(name,)]


def _spelling(key: str) -> str:
    """The table's spelling of the name whose key is ``key``."""
    return next(n for n in _by_name()[key] if _key(n) == key)


def short_chinese(names: Sequence[str]) -> str | None:
    """The Chinese name a question's keywords take for an instrument the table lists: the row's first
    Chinese name of at most ``SHORT_CHARS`` characters (全面禁止核试验条约, 禁止化学武器公约), never a whole
    title, whichever name the question used."""
    row = _by_name().get(_key(names[0]), ()) if names else ()
    return next((n for n in row if is_cjk(n) and len(n) <= SHORT_CHARS), None)


@lru_cache(maxsize=1)
def _mention_pattern() -> re.Pattern[str]:
    """One alternation of the acronyms (whole words) and Chinese names, the longest first."""
    names = sorted({n for row in table() for n in row if _ACRONYM.match(n) or is_cjk(n)}, key=len, reverse=True)
    return re.compile("|".join(rf"\b{n}\b" if _ACRONYM.match(n) else re.escape(n) for n in names))


def mentioned(text: str) -> list[str]:
    """Names the table lists that occur in ``text`` without 《》 or a title's capitals: acronyms as whole
    words (TPNW), Chinese names (禁核条约), the longest first and never one inside another."""
    return _mention_pattern().findall(text)
