"""Answer sentences and abstention, with no extra model call at query time.

The answer is the sentence of the top passages that shares the most (IDF-weighted) terms
with the question, with a prior for the higher-ranked passage. A question that asks for a kind
of fact (a place, a date, an amount, a person) that none of the top passages states is
answered with an abstention instead of a weak passage."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from unqa.model import Answer, Hit

_SENT_END = re.compile(r"(?<=[。；！？!?;])|(?<=\.)\s+(?=[A-Z(])")
RANK_PRIOR = (0.2, 0.05, 0.0)

# (question pattern, evidence a passage must show for it)
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "place": (
        re.compile(
            r"哪个?(城市|国家|地方)|在哪里|在哪儿|何处|设在|位于|总部|地址|"
            r"\bwhere (is|are)\b|which city|located|headquarter",
            re.I,
        ),
        re.compile(r"设在|位于|总部设|[\u4e00-\u9fff]{1,6}市(?![场])|located in|based in|headquartered", re.I),
    ),
    "time": (
        re.compile(r"什么时候|何时|哪一?年|几月|日期|截止|\bwhen\b|what year|what date|deadline", re.I),
        re.compile(
            r"\d{4}\s*年|\d{1,2}\s*月|\b(19|20)\d{2}\b|January|February|March|April|May|June|July|"
            r"August|September|October|November|December",
            re.I,
        ),
    ),
    "money": (
        re.compile(r"预算|经费|多少钱|金额|美元|资金数额|budget|how much money|cost|funding amount|dollars", re.I),
        re.compile(r"美元|\$|dollars?|预算[^。]*\d", re.I),
    ),
    "count": (
        re.compile(
            r"多少(名|个|位|人|次)|几(名|位|个人)|一共有多少|"
            r"how many (staff|people|persons|members|employees)",
            re.I,
        ),
        re.compile(
            r"\d+\s*(名|个|位|人|次)|[一二三四五六七八九十百千两]+(名|个|位|人|次)|"
            r"\b\d+\s+(staff|people|posts)\b",
            re.I,
        ),
    ),
    "person": (
        re.compile(r"谁是|是谁|姓名|名字|哪位|who is|who was|name of the (head|director|chair)", re.I),
        re.compile(r"先生|女士|阁下|\bMr\.|\bMs\.|\bMrs\.", re.I),
    ),
}


def split_sentences(text: str) -> list[str]:
    parts = [s.strip() for s in _SENT_END.split(text) if s and s.strip()]
    return [s for s in parts if len(s) >= 2] or [text.strip()]


def asked_types(question: str) -> list[str]:
    return [name for name, (ask, _) in ANSWER_TYPES.items() if ask.search(question)]


def type_unmet(question: str, hits: Sequence[Hit], depth: int = 3) -> bool:
    """True when the question asks for a kind of fact that none of the top passages states."""
    for name in asked_types(question):
        evidence = ANSWER_TYPES[name][1]
        if not any(evidence.search(h.passage.text) for h in hits[:depth]):
            return True
    return False


def _idf(token: str, df: dict[str, int], n: int) -> float:
    return math.log(1 + (n - df.get(token, 0) + 0.5) / (df.get(token, 0) + 0.5))


def score_sentence(sentence_tokens: set[str], query_tokens: set[str], df: dict[str, int], n: int) -> float:
    total = sum(_idf(t, df, n) for t in query_tokens) or 1.0
    return sum(_idf(t, df, n) for t in query_tokens & sentence_tokens) / total


def choose_answer(
    candidates: Sequence[tuple[str, str, float, float]],
    query_tokens: Sequence[str],
    df: dict[str, int],
    n: int,
    tokenize,
) -> Answer | None:
    """The best of (sentence, passage id, dense similarity, rank prior) candidates: similarity to
    the question, plus the share of the question's (IDF-weighted) terms it contains, plus a prior
    for the higher-ranked passage."""
    best: tuple[float, str, str] | None = None
    q = set(query_tokens)
    for sentence, pid, sim, prior in candidates:
        score = sim + 0.5 * score_sentence(set(tokenize(sentence)), q, df, n) + prior
        if best is None or score > best[0]:
            best = (score, sentence, pid)
    return Answer(text=best[1], passage_id=best[2]) if best else None
