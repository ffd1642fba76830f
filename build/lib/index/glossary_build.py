"""Harvest English-to-Chinese term pairs from the titles of aligned UN resolutions.

Each General Assembly resolution exists in Chinese and English with the same structure; a short
resolution title is a UN term of art in both languages ("Arms Trade Treaty" / "武器贸易条约",
"Regional disarmament" / "区域裁军"). The pairs extend the curated glossary (which wins on conflicts)
for the keyword side of English questions.

    python -m index.glossary_build ../shared/un-xml --out index/data/glossary_titles_en_zh.tsv
"""

from __future__ import annotations

import argparse
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ingest.pipeline import collect
from unqa.model import Document

logger = logging.getLogger(__name__)

MAX_WORDS = 6
MAX_ZH_CHARS = 16
_UNSAFE = re.compile(r"[\t|\n]")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013"})


def title_pairs(docs: Iterable[Document]) -> Counter[tuple[str, str]]:
    """(english lower-case, chinese) title pairs of short titles, with how often each was seen."""
    pairs: Counter[tuple[str, str]] = Counter()
    for doc in docs:
        en, zh = str(doc.meta.get("title_en") or "").strip(), doc.title.strip()
        if not en or not zh or doc.lang != "zh" or _UNSAFE.search(en + zh):
            continue
        en = unicodedata.normalize("NFKC", en).translate(_DASHES).lower().rstrip(".").removeprefix("the ")
        if len(en.split()) <= MAX_WORDS and len(zh) <= MAX_ZH_CHARS and not re.search(r"\d", en):
            pairs[(en, zh.rstrip("。"))] += 1
    return pairs


def best_pairs(pairs: Counter[tuple[str, str]]) -> dict[str, str]:
    """One Chinese title per English title: the most frequent spelling."""
    best: dict[str, tuple[int, str]] = {}
    for (en, zh), n in pairs.items():
        if en not in best or n > best[en][0]:
            best[en] = (n, zh)
    return {en: zh for en, (_, zh) in sorted(best.items())}


def write_tsv(pairs: dict[str, str], out: Path, source: str) -> None:
    lines = [
        f"# Harvested by index/glossary_build.py from aligned resolution titles under {source}.",
        "# English title\tChinese title (source of the texts: United Nations)",
    ]
    lines += [f"{en}\t{zh}" for en, zh in pairs.items()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--subset", default="first-committee", choices=("all", "first-committee"))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "glossary_titles_en_zh.tsv")
    args = parser.parse_args(argv)
    docs, _ = collect(args.paths, subset=args.subset, show_progress=False)
    pairs = best_pairs(title_pairs(docs))
    write_tsv(pairs, args.out, " ".join(p.name for p in args.paths))
    print(f"{len(pairs)} title pairs written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
