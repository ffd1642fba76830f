"""Corpus term statistics for answers, abstention and the ranker's features: document frequencies
of the BM25 tokens (``terms.json``) and a memo of passage and sentence token sets."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from index.tokenize import tokenize

FILE = "terms.json"


def document_frequencies(token_lists: Sequence[Sequence[str]]) -> dict[str, int]:
    df: Counter[str] = Counter()
    for tokens in token_lists:
        df.update(set(tokens))
    return dict(df)


class TermStats:
    def __init__(self, df: dict[str, int], n: int, english: frozenset[str] = frozenset()) -> None:
        self.df, self.n = df, max(1, n)
        self.english = english  # vocabulary of the English parallel text (what an English word can match)
        self._token_sets: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, directory: Path, english: frozenset[str] = frozenset()) -> TermStats:
        data = json.loads((directory / FILE).read_text(encoding="utf-8"))
        return cls(data["df"], int(data["n"]), english)

    def idf(self, token: str) -> float:
        df = self.df.get(token, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def known(self, token: str) -> bool:
        """The corpus has this token, in its Chinese text or its English parallel text."""
        return token in self.df or token in self.english

    def token_set(self, text: str) -> frozenset[str]:
        """Tokens of a passage or sentence, memoised (the same few passages answer many questions)."""
        found = self._token_sets.get(text)
        if found is None:
            found = self._token_sets[text] = frozenset(tokenize(text))
        return found

    def coverage(self, query_tokens: set[str], text_tokens: set[str]) -> float:
        """IDF-weighted share of the question's tokens that ``text`` contains."""
        total = sum(self.idf(t) for t in query_tokens) or 1.0
        return sum(self.idf(t) for t in query_tokens & text_tokens) / total
