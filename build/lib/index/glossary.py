"""Bilingual glossary of UN disarmament terms: English terms in a question become Chinese
terms for the keyword (BM25) side, so an English question can match the Chinese text."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

_NON_WORD = re.compile(r"[^a-z0-9\-]+")
GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary_en_zh.tsv"
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms_zh.tsv"
# harvested from aligned resolution titles by index/glossary_build.py; the curated file wins on conflicts
TITLES_FILE = Path(__file__).resolve().parent / "data" / "glossary_titles_en_zh.tsv"


def _read_pairs(path: Path) -> dict[str, tuple[str, ...]]:
    pairs: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        src, dst = line.split("\t", 1)
        pairs[src.strip().lower()] = tuple(t.strip() for t in dst.split("|") if t.strip())
    return pairs


@lru_cache(maxsize=1)
def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(english, chinese terms) pairs, longest English term first (keys normalised like questions)."""
    pairs = _read_pairs(TITLES_FILE) if TITLES_FILE.is_file() else {}
    pairs.update(_read_pairs(path))
    normalised = {" ".join(_NON_WORD.sub(" ", en).split()): zh for en, zh in pairs.items()}
    return tuple(sorted(normalised.items(), key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, tuple[str, ...]]:
    return _read_pairs(path)


def glossary_hash() -> str:
    titles = TITLES_FILE.read_bytes() if TITLES_FILE.is_file() else b""
    return hashlib.sha256(GLOSSARY_FILE.read_bytes() + SYNONYMS_FILE.read_bytes() + titles).hexdigest()[:16]


def expand_zh(tokens: list[str]) -> list[str]:
    """The words the UN text uses for a Chinese question's words (keyword side only)."""
    synonyms = load_synonyms()
    extra = [s for t in tokens for s in synonyms.get(t, ())]
    return [s for i, s in enumerate(extra) if s not in tokens and s not in extra[:i]]


def translate_terms(question: str) -> list[str]:
    """Chinese terms for the English terms in ``question`` (longest match wins, each span once)."""
    return _match(question)[0]


def uncovered(question: str) -> str:
    """The question with the glossary's terms taken out: what is left for the learned lexicon."""
    return " ".join(t for t in _match(question)[1].split() if t != "|")


def _match(question: str) -> tuple[list[str], str]:
    text = " " + _NON_WORD.sub(" ", question.lower()) + " "
    found: list[str] = []
    for en, zh in load_glossary():
        needle = f" {en} "
        if needle in text:
            found.extend(t for t in zh if t not in found)
            text = text.replace(needle, " | ")
    return found, text
