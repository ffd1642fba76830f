"""Learn the English->Chinese translation table (``index/data/lexicon_en_zh.tsv``) from the UN's
aligned resolution paragraphs, behind ``unqa lexicon build``.

Steps:

1. **Pairs.** Every GA resolution of the chosen sessions is read with :func:`ingest.load.iter_documents`
   (which pairs ``Chinese/75_36_C.xml`` with ``English/75_36_E.xml`` and calls
   ``ingest.akn.read_akn(zh, english=en)``); each Chinese passage's ``.en`` is the English paragraph
   with the same eId. Exact duplicate pairs (the same paragraph recurs every year) are dropped.
2. **Tokens.** English: lower-cased words (hyphenated words such as ``confidence-building`` and Latin
   acronyms such as ``npt``/``ctbt``/``att`` stay whole), English function words and bare numbers
   removed. Chinese: the product's jieba tokenizer (``index.tokenize``: same user dictionary, NFKC,
   lower-casing and stop words) in *precise* mode, so the tokens do not overlap; every precise-mode
   token of a paragraph is also one of its BM25 tokens (jieba's search mode yields each precise-mode
   word itself beside its parts), so table entries match the index. (A token alone may tokenize
   differently: ``tokenize("大会")`` is 大/会, while 大会 in a sentence stays whole.)
3. **Filter.** Pairs with fewer than ``MIN_TOKENS`` or more than ``MAX_TOKENS`` tokens on a side, or a
   Chinese/English token ratio outside ``RATIO``, are dropped.
4. **Multi-word entries.** Frequent English collocations ("small arms", "outer space", "arms trade
   treaty") are found by normalised PMI over adjacent content words (two passes, so three-word terms
   form; words that open resolution paragraphs, "requests"/"recalling", never join one) and joined
   with ``_`` for the aligner; the table writes them with a space.
5. **Alignment.** eflomal (HMM + fertility, both directions), symmetrised with grow-diag-final-and.
6. **Table.** ``p(zh|en)`` = share of the English unit's occurrences that are linked to the Chinese
   token (so a term translated by two tokens, 研究 + 金, gives both a high p); the top ``TOP_K`` with
   ``p >= MIN_P``, the reverse ``p(en|zh) >= MIN_P_REV`` and at least ``MIN_LINKS`` links are kept.
   ``lexicon_en_df.tsv`` beside it holds each English unit's paragraph frequency, for IDF weights
   at query time.
"""

from __future__ import annotations

import json
import logging
import math
import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

# the product tokenizer's jieba instance and stop words (precise mode over the same dictionary)
from index.lexicon import JOIN, MAX_PHRASE_WORDS, TABLE_FILE, df_path, en_segments, join_phrases
from index.tokenize import _tokenizer, stopwords
from ingest.load import iter_documents
from unqa.model import Document, UnqaError

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SESSIONS = tuple(range(75, 81))
MIN_TOKENS, MAX_TOKENS = 2, 250
RATIO = (0.4, 2.5)
TOP_K, MIN_P, MIN_P_REV, MIN_LINKS, MIN_OCC = 5, 0.05, 0.01, 3, 3
PHRASE_MIN_COUNT, PHRASE_NPMI = 30, 0.5
PHRASE_MAX_WORDS = MAX_PHRASE_WORDS
EFLOMAL = {"model": 3, "n_samplers": 2, "rel_iterations": 1.0, "null_prior": 0.2}
_NUMBER = re.compile(r"^[0-9][0-9.,%/\-]*$")


@dataclass(frozen=True)
class Pair:
    """One aligned paragraph pair as token sequences (English units may be joined phrases)."""

    en: tuple[str, ...]
    zh: tuple[str, ...]


@dataclass
class BuildStats:
    """What a build read, kept and produced (written to the sidecar ``.meta.json``)."""

    sources: list[str] = field(default_factory=list)
    sessions: list[int] = field(default_factory=list)
    documents: int = 0
    pairs_read: int = 0
    pairs_unique: int = 0
    dropped_length: int = 0
    dropped_ratio: int = 0
    pairs_used: int = 0
    phrases: int = 0
    en_vocabulary: int = 0
    zh_vocabulary: int = 0
    entries: int = 0
    rows: int = 0
    eflomal: dict[str, float] = field(default_factory=lambda: dict(EFLOMAL))
    symmetrisation: str = "grow-diag-final-and"
    settings: dict[str, object] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- reading pairs


def parse_sessions(spec: str) -> tuple[int, ...]:
    """``"75-80"`` or ``"74,76,78-80"`` -> session numbers; UnqaError on anything else."""
    out: list[int] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        m = re.fullmatch(r"(\d{2,3})(?:\s*-\s*(\d{2,3}))?", part)
        if not m:
            raise UnqaError(f"bad session range {part!r} (write e.g. 75-80 or 74,76-78)")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo:
            raise UnqaError(f"bad session range {part!r}: {hi} < {lo}")
        out.extend(range(lo, hi + 1))
    if not out:
        raise UnqaError("no sessions given (write e.g. 75-80)")
    return tuple(sorted(set(out)))


def session_dirs(root: Path, sessions: Sequence[int]) -> list[Path]:
    """``root/GA/<n>session`` for each session (``root`` is ``../shared/un-xml``); UnqaError if one is missing."""
    root = Path(root)
    ga = root / "GA" if (root / "GA").is_dir() else root
    dirs = [ga / f"{n}session" for n in sessions]
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        raise UnqaError(f"no UN XML session folder at {', '.join(missing)} (give the un-xml folder)")
    return dirs


def read_pairs(paths: Sequence[Path], stats: BuildStats, *, show_progress: bool = True) -> list[tuple[str, str]]:
    """(Chinese, English) texts of every aligned paragraph under ``paths``, exact duplicates removed."""
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[str, str]] = []
    for doc in iter_documents(list(paths), show_progress=show_progress):
        if not isinstance(doc, Document):
            continue
        stats.documents += 1
        for passage in doc.passages:
            if passage.lang != "zh" or not passage.en:
                continue
            stats.pairs_read += 1
            key = (" ".join(passage.text.split()), " ".join(passage.en.split()))
            if key not in seen:
                seen.add(key)
                pairs.append(key)
    stats.pairs_unique = len(pairs)
    return pairs


# ---------------------------------------------------------------- tokens


def en_words(text: str) -> list[str]:
    return [w for seg in en_segments(text) for w in seg]


def zh_words(text: str) -> list[str]:
    """Non-overlapping jieba tokens of the product tokenizer (precise mode), stop words and numbers
    removed (the English side drops numbers too; 12月 would otherwise teach december -> 12)."""
    norm = unicodedata.normalize("NFKC", text).lower()
    stop = stopwords()
    words = (t.strip() for t in _tokenizer().cut(norm, HMM=True))
    return [w for w in words if _zh_keep(w, stop)]


def _zh_keep(word: str, stop: frozenset[str]) -> bool:
    """A word token, not a stop word, not a number, not a lone Latin letter (the ``b`` of ``(b)``)."""
    if not word or word in stop or _NUMBER.match(word) or not re.search(r"\w", word):
        return False
    return len(word) > 1 or not word.isascii()


# ---------------------------------------------------------------- multi-word units


def _npmi(pair: int, a: int, b: int, total: int) -> float:
    p_ab = pair / total
    return math.log(p_ab / ((a / total) * (b / total))) / -math.log(p_ab)


def clause_openers(docs: Sequence[list[list[str]]], *, min_count: int = 20, share: float = 0.25) -> frozenset[str]:
    """Words that open resolution paragraphs ("requests", "recalling", "taking"): at least ``min_count``
    paragraphs start with them and at least ``share`` of their occurrences are openers. They never
    join a phrase, so "requests the Secretary-General" stays two units."""
    first = Counter(doc[0][0] for doc in docs if doc)
    total = Counter(w for doc in docs for seg in doc for w in seg)
    return frozenset(w for w, n in first.items() if n >= min_count and n >= share * total[w])


def learn_phrases(
    docs: Sequence[list[list[str]]],
    *,
    passes: int = 2,
    min_count: int = PHRASE_MIN_COUNT,
    threshold: float = PHRASE_NPMI,
) -> set[str]:
    """English collocations (joined with ``_``) whose adjacent-word NPMI reaches ``threshold``
    (clause openers left out; two passes, so three-word units form)."""
    banned = clause_openers(docs)
    phrases: set[str] = set()
    for _ in range(passes):
        segments = [join_phrases(seg, phrases) for doc in docs for seg in doc]
        unigrams = Counter(w for seg in segments for w in seg)
        bigrams = Counter(p for seg in segments for p in zip(seg, seg[1:], strict=False))
        total = sum(unigrams.values())
        for (a, b), n in bigrams.items():
            if n < min_count or a in banned or b in banned:
                continue
            size = a.count(JOIN) + b.count(JOIN) + 2
            if size <= PHRASE_MAX_WORDS and _npmi(n, unigrams[a], unigrams[b], total) >= threshold:
                phrases.add(f"{a}{JOIN}{b}")
    return phrases


# ---------------------------------------------------------------- pairs to align


def tokenize_pairs(
    texts: Sequence[tuple[str, str]], stats: BuildStats, *, show_progress: bool = True
) -> tuple[list[Pair], set[str]]:
    """Token pairs that pass the length and ratio filters, with English phrases joined."""
    from tqdm import tqdm

    raw: list[tuple[list[list[str]], list[str]]] = []
    for zh, en in tqdm(texts, desc="tokenize", unit="pair", disable=not show_progress):
        raw.append((en_segments(en), zh_words(zh)))
    phrases = learn_phrases([segs for segs, _ in raw])
    pairs: list[Pair] = []
    for segs, zh in raw:
        en = [u for seg in segs for u in join_phrases(seg, phrases)]
        if not (MIN_TOKENS <= len(en) <= MAX_TOKENS and MIN_TOKENS <= len(zh) <= MAX_TOKENS):
            stats.dropped_length += 1
        elif not RATIO[0] <= len(zh) / len(en) <= RATIO[1]:
            stats.dropped_ratio += 1
        else:
            pairs.append(Pair(tuple(en), tuple(zh)))
    stats.pairs_used, stats.phrases = len(pairs), len(phrases)
    return pairs, phrases


# ---------------------------------------------------------------- alignment


def _read_links(path: Path) -> list[set[tuple[int, int]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        out.append({(int(i), int(j)) for i, j in (link.split("-") for link in line.split())})
    return out


def eflomal_align(pairs: Sequence[Pair]) -> tuple[list[set[tuple[int, int]]], list[set[tuple[int, int]]]]:
    """Forward and reverse eflomal links (English index, Chinese index) per pair."""
    try:
        import eflomal
    except ImportError as exc:
        raise UnqaError("eflomal is not installed (pip install 'unqa[lexicon]')") from exc
    aligner = eflomal.Aligner(**EFLOMAL)
    with tempfile.TemporaryDirectory(prefix="unqa-lexicon-") as tmp:
        fwd, rev = Path(tmp) / "fwd", Path(tmp) / "rev"
        src = [" ".join(p.en) + "\n" for p in pairs]
        trg = [" ".join(p.zh) + "\n" for p in pairs]
        aligner.align(src, trg, links_filename_fwd=str(fwd), links_filename_rev=str(rev), quiet=True)
        links = _read_links(fwd), _read_links(rev)
    if len(links[0]) != len(pairs) or len(links[1]) != len(pairs):
        raise UnqaError(f"eflomal returned {len(links[0])}/{len(links[1])} alignments for {len(pairs)} pairs")
    return links


_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def grow_diag_final_and(fwd: set[tuple[int, int]], rev: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Koehn's symmetrisation: start from the intersection, grow into neighbouring union links that
    touch an unaligned word, then add union links whose two words are both unaligned."""
    union, links = fwd | rev, set(fwd & rev)
    en_done, zh_done = {i for i, _ in links}, {j for _, j in links}
    grew = True
    while grew:
        grew = False
        for i, j in sorted(links):
            for di, dj in _NEIGHBOURS:
                cand = (i + di, j + dj)
                if cand in union and cand not in links and (cand[0] not in en_done or cand[1] not in zh_done):
                    links.add(cand)
                    en_done.add(cand[0])
                    zh_done.add(cand[1])
                    grew = True
    for direction in (fwd, rev):
        for i, j in sorted(direction):
            if i not in en_done and j not in zh_done:
                links.add((i, j))
                en_done.add(i)
                zh_done.add(j)
    return links


# ---------------------------------------------------------------- table


@dataclass
class LinkCounts:
    """Occurrences of each English unit and Chinese token, and their links (symmetrised alignment)."""

    en: Counter = field(default_factory=Counter)
    zh: Counter = field(default_factory=Counter)
    joint: Counter = field(default_factory=Counter)


def count_links(pairs: Sequence[Pair], links: Iterable[set[tuple[int, int]]]) -> LinkCounts:
    """Counts over all pairs; a Chinese type counts once per linked English token."""
    counts = LinkCounts()
    for pair, pair_links in zip(pairs, links, strict=True):
        counts.en.update(pair.en)
        counts.zh.update(pair.zh)
        by_en: dict[int, set[str]] = {}
        for i, j in pair_links:
            by_en.setdefault(i, set()).add(pair.zh[j])
        for i, zh_types in by_en.items():
            counts.joint.update((pair.en[i], z) for z in zh_types)
    return counts


def _keep_link(counts: LinkCounts, en: str, zh: str, n: int) -> bool:
    """Enough links, p(zh|en) >= MIN_P, and the reverse direction p(en|zh) >= MIN_P_REV (drops a frequent
    Chinese word that a rare English word happened to be linked to: cluster munitions -> 参加)."""
    return n >= MIN_LINKS and n >= MIN_P * counts.en[en] and n >= MIN_P_REV * counts.zh[zh]


def lexicon_rows(counts: LinkCounts) -> list[tuple[str, str, float, int]]:
    """(en, zh, p, links) rows: per English unit seen ``MIN_OCC`` times its ``TOP_K`` kept Chinese tokens."""
    by_en: dict[str, list[tuple[str, int]]] = {}
    for (en, zh), n in counts.joint.items():
        if counts.en[en] >= MIN_OCC and _keep_link(counts, en, zh, n):
            by_en.setdefault(en, []).append((zh, n))
    rows: list[tuple[str, str, float, int]] = []
    for en in sorted(by_en):
        ranked = sorted(by_en[en], key=lambda x: (-x[1], x[0]))[:TOP_K]
        occ = counts.en[en]
        rows.extend((en.replace(JOIN, " "), zh, round(min(1.0, n / occ), 4), n) for zh, n in ranked)
    return rows


def english_df(pairs: Sequence[Pair], keep: set[str]) -> Counter:
    """Paragraph frequency of each English unit in ``keep`` (joined form)."""
    df: Counter = Counter()
    for pair in pairs:
        df.update(u for u in set(pair.en) if u in keep)
    return df


def write_outputs(
    rows: list[tuple[str, str, float, int]], df: Counter, n_pairs: int, out: Path, stats: BuildStats
) -> None:
    """The table, its ``.df.tsv`` (English paragraph frequencies) and its ``.meta.json``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    head = [
        "# English->Chinese translation table learned from UN GA resolutions (source: United Nations),",
        f"# sessions {stats.sessions[0]}-{stats.sessions[-1]}, {stats.pairs_used} aligned paragraph pairs; "
        "rebuild: unqa lexicon build ../shared/un-xml",
        "# multi-word English entries are written with spaces; p = share of the English unit's occurrences "
        "linked to the Chinese token",
        "# en\tzh\tp\tcount",
    ]
    body = [f"{en}\t{zh}\t{p:.4f}\t{n}" for en, zh, p, n in rows]
    out.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    df_lines = [f"# N={n_pairs}", "# en\tdf"] + [f"{en.replace(JOIN, ' ')}\t{n}" for en, n in sorted(df.items())]
    df_path(out).write_text("\n".join(df_lines) + "\n", encoding="utf-8")
    meta_path(out).write_text(json.dumps(asdict(stats), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def meta_path(table: Path) -> Path:
    return table.with_name(table.name.removesuffix(".tsv") + ".meta.json")


# ---------------------------------------------------------------- entry points


def build_from_texts(
    texts: Sequence[tuple[str, str]], stats: BuildStats, *, show_progress: bool = True
) -> tuple[list, Counter]:
    """Rows and English paragraph frequencies from (Chinese, English) paragraph texts."""
    t0 = time.perf_counter()
    pairs, _phrases = tokenize_pairs(texts, stats, show_progress=show_progress)
    if not pairs:
        raise UnqaError("no aligned paragraph pairs left after filtering (is the folder right?)")
    t1 = time.perf_counter()
    logger.info("aligning %d pairs with eflomal", len(pairs))
    fwd, rev = eflomal_align(pairs)
    t2 = time.perf_counter()
    counts = count_links(pairs, (grow_diag_final_and(f, r) for f, r in zip(fwd, rev, strict=True)))
    rows = lexicon_rows(counts)
    df = english_df(pairs, {en.replace(" ", JOIN) for en, *_ in rows})
    stats.en_vocabulary = len(counts.en)
    stats.zh_vocabulary = len(counts.zh)
    stats.entries, stats.rows = len({r[0] for r in rows}), len(rows)
    stats.seconds.update(tokenize=round(t1 - t0, 1), align=round(t2 - t1, 1), table=round(time.perf_counter() - t2, 1))
    return rows, df


def build_lexicon(
    root: Path, out: Path = TABLE_FILE, sessions: Sequence[int] = DEFAULT_SESSIONS, *, show_progress: bool = True
) -> BuildStats:
    """Read, align and write the table for ``root`` (the ``un-xml`` folder); returns the figures."""
    dirs = session_dirs(root, sessions)
    stats = BuildStats(sources=[str(d) for d in dirs], sessions=list(sessions), settings=_settings())
    t0 = time.perf_counter()
    texts = read_pairs(dirs, stats, show_progress=show_progress)
    stats.seconds["read"] = round(time.perf_counter() - t0, 1)
    rows, df = build_from_texts(texts, stats, show_progress=show_progress)
    stats.seconds["total"] = round(time.perf_counter() - t0, 1)
    write_outputs(rows, df, stats.pairs_used, Path(out), stats)
    return stats


def _settings() -> dict[str, object]:
    return {
        "tokens_per_side": [MIN_TOKENS, MAX_TOKENS],
        "zh_en_ratio": list(RATIO),
        "top_k": TOP_K,
        "min_p": MIN_P,
        "min_p_reverse": MIN_P_REV,
        "min_links": MIN_LINKS,
        "min_occurrences": MIN_OCC,
        "phrases": {"min_count": PHRASE_MIN_COUNT, "npmi": PHRASE_NPMI, "max_words": PHRASE_MAX_WORDS},
        "zh_tokens": "index.tokenize jieba, precise mode, stop words removed",
    }
