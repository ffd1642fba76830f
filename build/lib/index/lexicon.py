"""Learned cross-language and paraphrase terms for the keyword (BM25) side.

- :func:`translate`: an English question -> Chinese BM25 tokens with weights, from the translation
  table that ``unqa lexicon build`` learns from the UN's aligned resolution paragraphs
  (``index/data/lexicon_en_zh.tsv``, see :mod:`index.lexicon_build`). The weight of a Chinese token is
  ``p(zh|en) * idf(en) / max idf`` of the question's English units, so the question's most specific
  word counts fully and common words count less. Multi-word entries ("small arms", "arms trade
  treaty") match first (longest first); question words and words that name the document being asked
  about ("what", "programme", "resolution"...) are then left out. The curated glossary
  (``index/glossary.py``) stays the high-precision layer on top; this table adds recall.
- :func:`expand`: Chinese tokens -> associated Chinese tokens with weights (normalised PMI of
  paragraph co-occurrence over the Chinese corpus, ``index/data/assoc_zh.tsv``, built by
  ``unqa lexicon assoc``).
- :func:`lexicon_hash`: fingerprint of the three data files for the index manifest.

The data files are learned from United Nations texts (source: United Nations).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from unqa.model import UnqaError

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE_FILE = DATA_DIR / "lexicon_en_zh.tsv"
ASSOC_FILE = DATA_DIR / "assoc_zh.tsv"
JOIN = "_"
MAX_PHRASE_WORDS = 3

_EN_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_EN_BREAK = re.compile(r"[.,;:!?()\[\]\"“”‘’/]")
_DIGITS = re.compile(r"^[0-9][0-9\-']*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# English function words: left out of alignment and of questions (the Chinese side drops 的/和/与...).
EN_FUNCTION_WORDS = _words(
    """a an the of in on for to and or nor but by with at from as into onto upon under over than
    is are was were be been being am has have had having do does did doing will would shall should
    can could may might must it its it's this that these those there their theirs they them he she
    his her hers him we our ours us you your i me my which who whom whose what when where why how
    also all any both each either neither such same other others own so too very not no s 's
    about against between through during before after above below up down out off again further
    then once here only just if whether while because until within without among including
    """
)

# Words of a question that ask, or name the document asked about, rather than its subject. They are
# content words for alignment ("programme" -> 方案 is a good entry) but in a question ("what does the
# programme say about...") their translation points at passages that merely contain 方案/决议. Kept
# when part of a multi-word entry ("programme of action" -> 行动纲领). Evidence, the English questions of
# the dev set eval/gold.jsonl: 1 of 5 with "programme" has 方案 in an answer span ("programme of work"),
# 0 of 6 with "subprogramme" has 次级方案, 0 of 7 with "resolution" has 决议.
QUESTION_WORDS = _words(
    """say says said mention mentions mentioned state stated describe describes described tell list
    give explain according text document documents paragraph paragraphs programme programmes
    subprogramme subprogrammes
    resolution resolutions question questions answer kind type many much please know find show
    un united nations
    """
)


@dataclass(frozen=True, eq=False)  # hashed by identity: one cached object per file
class Lexicon:
    """The translation table: per English unit (phrases joined with ``_``) its Chinese tokens and p."""

    entries: dict[str, tuple[tuple[str, float], ...]]
    df: dict[str, int]
    n_pairs: int

    def idf(self, unit: str) -> float:
        """Smoothed IDF of an English unit over the aligned English paragraphs."""
        return math.log((self.n_pairs + 1) / (self.df.get(unit, 0) + 0.5))


# ---------------------------------------------------------------- English units


def en_segments(text: str) -> list[list[str]]:
    """Lower-cased English content words, split at punctuation (phrases never cross a comma).
    Hyphenated words (``confidence-building``) and acronyms (``npt``) stay whole; numbers and single
    letters (the ``(b)`` of a sub-point) go."""
    norm = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    segments = []
    for chunk in _EN_BREAK.split(norm):
        words = [w.removesuffix("'s") for w in _EN_WORD.findall(chunk)]
        words = [w for w in words if len(w) > 1 and w not in EN_FUNCTION_WORDS and not _DIGITS.match(w)]
        if words:
            segments.append(words)
    return segments


def join_phrases(
    words: Sequence[str], phrases: set[str] | frozenset[str], max_words: int = MAX_PHRASE_WORDS
) -> list[str]:
    """Greedy longest match of known phrases (joined with ``_``) over ``words``."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(max_words, len(words) - i), 1, -1):
            cand = JOIN.join(words[i : i + n])
            if cand in phrases:
                out.append(cand)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def question_units(en_text: str, lexicon: Lexicon | None = None) -> list[str]:
    """The English units of a question the table knows: phrases first, question words left out."""
    lex = lexicon or load_lexicon()
    phrases = _phrases(lex)
    units = [u for seg in en_segments(en_text) for u in join_phrases(seg, phrases)]
    seen: list[str] = []
    for u in units:
        known = _known_form(u, lex) if u not in QUESTION_WORDS else None
        if known is not None and known not in seen:
            seen.append(known)
    return seen


def _known_form(unit: str, lex: Lexicon) -> str | None:
    """The unit, or its singular/plural when only that is in the table (indicator -> indicators)."""
    if unit in lex.entries:
        return unit
    forms = [unit + "s", unit + "es"]
    if unit.endswith("ies"):
        forms.insert(0, unit[:-3] + "y")
    elif unit.endswith("es"):
        forms[:0] = [unit[:-1], unit[:-2]]
    elif unit.endswith("s"):
        forms.insert(0, unit[:-1])
    elif unit.endswith("y"):
        forms.insert(0, unit[:-1] + "ies")
    return next((f for f in forms if f in lex.entries and f not in QUESTION_WORDS), None)


# ---------------------------------------------------------------- data files


def iter_rows(path: Path) -> Iterator[list[str]]:
    """Tab-separated fields of a data file's lines, comments and blank lines left out."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def _read_n(path: Path) -> int:
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# N="):
            return int(line[4:])
    raise UnqaError(f"{path}: no '# N=' header (rebuild with unqa lexicon build)")


def df_path(table: Path) -> Path:
    """The paragraph-frequency file beside a table: ``lexicon_en_zh.tsv`` -> ``lexicon_en_df.tsv``."""
    table = Path(table)
    return table.with_name(table.name.removesuffix(".tsv").removesuffix("_en_zh") + "_en_df.tsv")


@lru_cache(maxsize=4)
def load_lexicon(path: Path = TABLE_FILE) -> Lexicon:
    """The table at ``path`` with its paragraph frequencies beside it (cached; UnqaError when unreadable)."""
    df_file = df_path(path)
    if not Path(path).is_file() or not Path(df_file).is_file():
        raise UnqaError(f"translation table {path} or {df_file} is missing (run: unqa lexicon build ../shared/un-xml)")
    entries: dict[str, list[tuple[str, float]]] = {}
    for fields in iter_rows(path):
        if len(fields) != 4:
            raise UnqaError(f"{path}: bad line {fields!r} (want en, zh, p, count)")
        entries.setdefault(fields[0].replace(" ", JOIN), []).append((fields[1], float(fields[2])))
    df = {f[0].replace(" ", JOIN): int(f[1]) for f in iter_rows(df_file)}
    return Lexicon({k: tuple(v) for k, v in entries.items()}, df, _read_n(df_file))


@lru_cache(maxsize=8)
def _phrases(lex: Lexicon) -> frozenset[str]:
    return frozenset(k for k in lex.entries if JOIN in k)


def lexicon_hash() -> str:
    """Fingerprint of the translation table, its frequencies and the association table."""
    h = hashlib.sha256()
    for path in (TABLE_FILE, df_path(TABLE_FILE), ASSOC_FILE):
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- translation


def translate(en_text: str, *, lexicon: Lexicon | None = None, min_weight: float = 0.01) -> list[tuple[str, float]]:
    """Chinese BM25 tokens for an English question, each with weight ``p(zh|en) * idf / max idf``,
    highest first (a token reached from two English units keeps its best weight)."""
    lex = lexicon or load_lexicon()
    units = question_units(en_text, lex)
    if not units:
        return []
    idf = {u: lex.idf(u) for u in units}
    top = max(idf.values()) or 1.0
    weights: dict[str, float] = {}
    for u in units:
        for zh, p in lex.entries[u]:
            w = p * idf[u] / top
            if w >= min_weight and w > weights.get(zh, 0.0):
                weights[zh] = w
    return sorted(((zh, round(w, 4)) for zh, w in weights.items()), key=lambda x: (-x[1], x[0]))


# ---------------------------------------------------------------- Chinese associations


@lru_cache(maxsize=4)
def load_assoc(path: Path = ASSOC_FILE) -> dict[str, tuple[tuple[str, float], ...]]:
    """token -> associated tokens with their normalised PMI, best first (cached)."""
    if not Path(path).is_file():
        raise UnqaError(f"association table {path} is missing (run: unqa lexicon assoc ../shared/un-xml)")
    table: dict[str, list[tuple[str, float]]] = {}
    for fields in iter_rows(path):
        if len(fields) != 4:
            raise UnqaError(f"{path}: bad line {fields!r} (want token, associate, npmi, count)")
        table.setdefault(fields[0], []).append((fields[1], float(fields[2])))
    return {k: tuple(sorted(v, key=lambda x: -x[1])) for k, v in table.items()}


def expand(
    tokens: Sequence[str], *, per_token: int = 3, min_weight: float = 0.0, table: dict | None = None
) -> list[tuple[str, float]]:
    """Associated Chinese tokens for a question's tokens (not already among them), weight = NPMI,
    at most ``per_token`` per token, highest first."""
    assoc = table if table is not None else load_assoc()
    given = set(tokens)
    weights: dict[str, float] = {}
    for tok in dict.fromkeys(tokens):
        for other, w in assoc.get(tok, ())[:per_token]:
            if other not in given and w >= min_weight and w > weights.get(other, 0.0):
                weights[other] = w
    return sorted(weights.items(), key=lambda x: (-x[1], x[0]))
