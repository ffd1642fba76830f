"""Answer sentences and abstention, with no extra model call at query time.

The answer is the sentence of the top passages that shares the most (IDF-weighted) terms
with the question, with a prior for the higher-ranked passage. A question that asks for a kind
of fact (a place, a date, an amount, a person) that none of the top passages states is
answered with an abstention instead of a weak passage."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.lanes.sentence import SentenceLane
from index.query import Query, opens_with_action
from index.sentences import split_sentences
from index.terms import TermStats
from unqa.model import Answer, AnswerItem, Hit, Passage

RANK_PRIOR = (0.2, 0.05, 0.0)

_NUMERALS = "一二三四五六七八九十百千万两"
_COUNTED = "(名|个|位|人|次|枚|项|件|国|天|周(?!年))"
_MONTHS = "(January|February|March|April|May|June|July|August|September|October|November|December)"
# (question pattern, evidence a passage must show for it)
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "place": (
        re.compile(
            r"哪个?(城市|地方)|在哪里|在哪儿|何处|设在|位于|总部|地址|"
            r"\bwhere (is|are)\b|which city|located|headquarter",
            re.I,
        ),
        re.compile(
            r"设在|位于|总部设|[\u4e00-\u9fff]{1,6}市(?![场])|在[^，。；]{1,12}(举行|召开)|"
            r"located in|based in|headquartered|held (in|at)",
            re.I,
        ),
    ),
    "time": (
        re.compile(  # "when" asks for a time opening the question or its clause, not in "use when they ask"
            r"什么时候|何时|哪一?年|几月|日期|截止|what year|what date|deadline|"
            r"^when\b|\bwhen (did|was|were|will|is|are|does|do|has|have|should|must)\b",
            re.I,
        ),
        re.compile(rf"\d{{4}}\s*年|\d{{1,2}}\s*月|\b(19|20)\d{{2}}\b|{_MONTHS}", re.I),
    ),
    "day": (  # a day, not only a year: 哪一天 is answered by 2021年1月22日, not by 2021年
        re.compile(r"哪一?天|哪一日|几月几[日号]|具体日期|\bwhich day\b|\bwhat date\b|\bon what date\b", re.I),
        re.compile(rf"\d{{1,2}}\s*[日号]|\b\d{{1,2}}\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}}\b", re.I),
    ),
    "money": (
        re.compile(  # an amount: "the sources of its funding" (经费来源) ask for none
            r"预算|经费(?!来源|筹措)|多少钱|金额|美元|资金数额|budget|how much money|cost|funding amount|dollars", re.I
        ),
        re.compile(r"美元|\$|dollars?|预算[^。]*\d", re.I),
    ),
    "count": (
        re.compile(r"多少(名|个|位|人|次|枚|项|件)|几(名|位|个人)|一共有多少|\bhow many\b", re.I),
        re.compile(  # a number of things: not an ordinal (第十二次), not the article 一 (一个, 一项)
            rf"(?<![第\d])\d+\s*[多余]?\s*{_COUNTED}|"
            rf"(?<![第{_NUMERALS}])([二两三四五六七八九十百千万][{_NUMERALS}]*|一[{_NUMERALS}]+)[多余]?{_COUNTED}|"
            r"\b\d[\d,]*\s+(staff|people|posts|States|Member States|countries|experts|members|days|weeks)\b",
            re.I,
        ),
    ),
    "contact": (
        re.compile(r"电话|传真|电子邮件|邮箱|网址|\b(tele)?phone\b|\bfax\b|e-?mail|website address", re.I),
        re.compile(r"\+?\d[\d\s()-]{7,}\d|@|www\.|https?://", re.I),
    ),
    "person": (
        re.compile(
            r"谁是|是谁(?!干|做|发动|实施|所为)|姓名|名字|哪位|who (is|was)(?! (responsible|in charge))|"
            r"\bwho (will )?(chairs?|chaired|heads?|headed|leads?|led|presides?|presided|directs?|directed)\b|"
            r"name of the (head|director|chair)",
            re.I,
        ),
        re.compile(
            r"先生|女士|阁下|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}|\bMr\.|\bMs\.|\bMrs\.|"
            r"(Executive Secretary|Director-General|Secretary-General|High Representative|President|Chair)"
            r"\w*,? [A-Z][a-z]+ [A-Z]"
        ),
    ),
}


# (what a "when" question asks about, the words a sentence dating that event uses): "when did the Treaty
# enter into force" is not answered by a sentence dating another act ("回顾其1968年6月12日第2373号决议")
EVENTS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "in_force": (re.compile(r"生效|into force", re.I), re.compile(r"生效|into force", re.I)),
    "signed": (re.compile(r"签署|签订|签字|\bsign(ed)?\b", re.I), re.compile(r"签署|签订|签字|signed|signature", re.I)),
    "built": (
        re.compile(r"建成|竣工|落成|建造|\b(built|completed|constructed)\b", re.I),
        re.compile(r"建成|竣工|落成|建造|built|completed|constructed", re.I),
    ),
    "held": (
        re.compile(r"召开|举行|开幕|\b(hold|held|convened?|take place|took place)\b", re.I),
        re.compile(r"召开|举行|开幕|held|convened|take place|took place", re.I),
    ),
    "founded": (
        re.compile(r"成立|创建|创立|\b(founded|established|created|set up)\b", re.I),
        re.compile(r"成立|创建|创立|设立|建立|founded|established|created", re.I),
    ),
    "launched": (re.compile(r"启动|发起|\blaunch(ed)?\b", re.I), re.compile(r"启动|发起|launched", re.I)),
    "joined": (
        re.compile(r"加入|\b(join(ed)?|accede[ds]?)\b", re.I),
        re.compile(r"加入|批准|accession|acceded|joined|ratif", re.I),
    ),
}
_DATED = ("time", "day")


def asked_types(question: str) -> list[str]:
    return [name for name, (ask, _) in ANSWER_TYPES.items() if ask.search(question)]


def asked_events(question: str) -> list[re.Pattern[str]]:
    """The wording a sentence must share to date what the question asks about (empty: any date will do)."""
    return [words for ask, words in EVENTS.values() if ask.search(question)]


def states(evidence: re.Pattern[str], events: Sequence[re.Pattern[str]], text: str) -> bool:
    """The text states the fact: anywhere in it, or for an event, in a sentence naming the event."""
    if not events:
        return bool(evidence.search(text))
    return any(evidence.search(s) and any(e.search(s) for e in events) for s in split_sentences(text))


def states_type(name: str, events: Sequence[re.Pattern[str]], text: str) -> bool:
    """The text states a fact of type ``name`` (a date: of one of ``events``, when the question names any)."""
    return states(ANSWER_TYPES[name][1], events if name in _DATED else [], text)


def states_asked(question: str) -> Callable[[str], bool] | None:
    """A test of whether a text states every kind of fact the question asks for (None: it asks none)."""
    names, events = asked_types(question), asked_events(question)
    if not names:
        return None
    return lambda text: all(states_type(n, events, text) for n in names)


def type_unmet(question: str, hits: Sequence[Hit], depth: int = 3) -> bool:
    """True when the question asks for a kind of fact that none of the top passages states."""
    events = asked_events(question)
    return any(
        not any(states_type(name, events, h.passage.text) for h in hits[:depth]) for name in asked_types(question)
    )


LEAD_IN = re.compile(r"[：:]\s*$")
_LIST_KINDS = ("strategy", "strategy_item")


@dataclass(frozen=True)
class Candidate:
    score: float
    text: str
    rank: int  # rank of its passage among the hits (0-based)


def candidates(query: Query, hits: Sequence[Hit], sentences: SentenceLane, row_of: dict[str, int], stats: TermStats):
    """Every sentence of the top passages, scored: similarity to the question, plus the share of the
    question's (IDF-weighted) terms it contains, plus a prior for the higher-ranked passage, plus a bonus
    for the operative verb the question asks about. A lead-in ending in "：" is never an answer."""
    q = query.content_tokens()
    out = []
    for rank, (hit, prior) in enumerate(zip(hits[:3], RANK_PRIOR, strict=False)):
        for piece, _, sim in sentences.candidates([row_of[hit.passage.id]], query.vector):
            for text in split_sentences(piece or hit.passage.text):  # a piece or passage without its own vector
                if LEAD_IN.search(text):
                    continue
                score = sim + 0.5 * stats.coverage(q, stats.token_set(text)) + prior + _verb_bonus(query, hit, text)
                out.append(Candidate(score, text, rank))
    return out


def _verb_bonus(query: Query, hit: Hit, text: str) -> float:
    if not query.actions or hit.passage.kind != "operative":
        return 0.0
    return 0.15 if opens_with_action(query, text) else 0.0


def choose(
    query: Query,
    hits: Sequence[Hit],
    sentences: SentenceLane,
    row_of: dict[str, int],
    stats: TermStats,
    margin: float,
    states_fact: bool = False,
) -> tuple[Answer | None, int]:
    """The answer sentence and the rank (0-based) of the passage it comes from. It comes from the first
    hit unless a sentence of another top passage is better by more than ``margin`` (the caller then
    ranks that passage first). With ``states_fact``, a question asking for a kind of fact (a date, a
    count...) is answered by a sentence stating it, where one of the top passages has one."""
    found = candidates(query, hits, sentences, row_of, stats)
    test = states_asked(query.text) if states_fact else None
    if test is not None:
        found = [c for c in found if test(c.text)] or found
    if not found:
        return (Answer(hits[0].passage.text, hits[0].passage.id), 0) if hits else (None, 0)
    best = max(found, key=lambda c: (c.score, -c.rank))
    first = max((c for c in found if c.rank == 0), key=lambda c: c.score, default=None)
    if first is not None and best.score - first.score <= margin:
        best = first
    return Answer(best.text, hits[best.rank].passage.id), best.rank


def list_answer(query: Query, hit: Hit, items: Sequence[Passage]) -> Answer | None:
    """A question about what a strategy does, answered by the list itself: the lead-in, then each
    lettered item with its own citation, in document order."""
    if hit.passage.kind not in _LIST_KINDS or not items or not (query.asks_list or LEAD_IN.search(hit.passage.text)):
        return None
    lead = next((p for p in items if p.kind == "strategy"), None)
    listed = tuple(AnswerItem(p.text, p.id, p.citation.paragraph) for p in items if p.kind == "strategy_item")
    if not listed:
        return None
    head = lead.text if lead is not None else hit.passage.text
    text = head + " ".join(f"{i.label.split(' ')[-1]} {i.text}" for i in listed)  # the list, never a bare lead-in
    return Answer(text, lead.id if lead is not None else hit.passage.id, listed)
