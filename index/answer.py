"""Answer sentences and abstention, with no extra model call at query time.

The answer is the sentence of the top passages that shares the most (IDF-weighted) terms
with the question, with a prior for the higher-ranked passage. A question that asks for a kind
of fact (a place, a date, an amount, a person) that none of the top passages states is
answered with an abstention instead of a weak passage."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from index.config import SearchConfig
from index.lanes.sentence import SentenceLane
from index.query import INSTRUMENT_KINDS, INSTRUMENT_LINKS, Query, opens_with_action
from index.sentences import split_sentences
from index.terms import TermStats
from index.tokenize import is_cjk
from unqa.model import Answer, AnswerItem, Hit, Passage

RANK_PRIOR = (0.2, 0.05, 0.0)

_NUMERALS = "一二三四五六七八九十百千万两"
_COUNTED = "(名|个|位|人|次|枚|项|件|国|天|周(?!年))"
_MONTHS = "(January|February|March|April|May|June|July|August|September|October|November|December)"
# the evidence a passage must show for each kind of fact a question asks for (``Query.asks_facts``;
# the question side is ``index.query.FACT_ASKS``)
FACT_EVIDENCE: dict[str, re.Pattern[str]] = {
    "place": re.compile(
        r"设在|位于|总部设|[\u4e00-\u9fff]{1,6}市(?![场])|在[^，。；]{1,12}(举行|召开)|"
        r"located in|based in|headquartered|held (in|at)",
        re.I,
    ),
    "time": re.compile(rf"\d{{4}}\s*年|\d{{1,2}}\s*月|\b(19|20)\d{{2}}\b|{_MONTHS}", re.I),
    "day": re.compile(rf"\d{{1,2}}\s*[日号]|\b\d{{1,2}}\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}}\b", re.I),
    "money": re.compile(r"美元|\$|dollars?|预算[^。]*\d", re.I),
    "count": re.compile(  # a number of things: not an ordinal (第十二次), not the article 一 (一个, 一项)
        rf"(?<![第\d])\d+\s*[多余]?\s*{_COUNTED}|"
        rf"(?<![第{_NUMERALS}])([二两三四五六七八九十百千万][{_NUMERALS}]*|一[{_NUMERALS}]+)[多余]?{_COUNTED}|"
        r"\b\d[\d,]*\s+(staff|people|posts|States|Member States|countries|experts|members|days|weeks)\b",
        re.I,
    ),
    "contact": re.compile(r"\+?\d[\d\s()-]{7,}\d|@|www\.|https?://", re.I),
    "person": re.compile(
        r"先生|女士|阁下|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}|\bMr\.|\bMs\.|\bMrs\.|"
        r"(Executive Secretary|Director-General|Secretary-General|High Representative|President|Chair)"
        r"\w*,? [A-Z][a-z]+ [A-Z]"
    ),
}
# the words a sentence dating an event uses (``Query.asks_events``; the question side is
# ``index.query.EVENT_ASKS``): "when did the Treaty enter into force" is not answered by a sentence
# dating another act ("回顾其1968年6月12日第2373号决议")
EVENT_WORDS: dict[str, re.Pattern[str]] = {
    "in_force": re.compile(r"生效|into force", re.I),
    "signed": re.compile(r"签署|签订|签字|signed|signature", re.I),
    "built": re.compile(r"建成|竣工|落成|建造|built|completed|constructed", re.I),
    "held": re.compile(r"召开|举行|开幕|held|convened|take place|took place", re.I),
    "founded": re.compile(r"成立|创建|创立|设立|建立|founded|established|created", re.I),
    "launched": re.compile(r"启动|发起|launched", re.I),
    "joined": re.compile(r"加入|批准|accession|acceded|joined|ratif", re.I),
}
_DATED = ("time", "day")


def states(evidence: re.Pattern[str], events: Sequence[re.Pattern[str]], text: str) -> bool:
    """The text states the fact: anywhere in it, or for an event, in a sentence naming the event."""
    if not events:
        return bool(evidence.search(text))
    return any(evidence.search(s) and any(e.search(s) for e in events) for s in split_sentences(text))


@dataclass(frozen=True)
class FactRule:
    """How strictly a passage must state the fact asked for (``SearchConfig``'s ``treaty_named_share``
    and ``count_window``)."""

    named_share: float = SearchConfig.treaty_named_share  # of a treaty's name: its characters in one run
    count_window: int = SearchConfig.count_window  # where the thing counted is named after its number

    @classmethod
    def of(cls, config: SearchConfig) -> FactRule:
        return cls(config.treaty_named_share, config.count_window)


def states_type(
    name: str, events: Sequence[str], text: str, counts: Sequence[str] = (), rule: FactRule = FactRule()
) -> bool:
    """The text states a fact of type ``name``: a date of one of ``events``, when the question names
    any; a number of the things counted (``Query.counts``), when it names them."""
    if name == "count" and counts:
        return counts_thing(text, counts, rule.count_window)
    words = [EVENT_WORDS[e] for e in events] if name in _DATED else []
    return states(FACT_EVIDENCE[name], words, text)


def counts_thing(text: str, things: Sequence[str], window_chars: int = SearchConfig.count_window) -> bool:
    """A number in the text counts one of ``things``: the thing is named in the number's classifier or
    the ``window_chars`` characters after it ("9个国家" counts States, not warheads: 核弹头)."""
    for found in FACT_EVIDENCE["count"].finditer(text):
        window = text[found.start() : found.end() + window_chars]
        if any(_names_thing(window, thing) for thing in things):
            return True
    return False


def _names_thing(window: str, thing: str) -> bool:
    """One of the thing's character pairs is in the window (官员 in 一百多名官员; 人员 of 工作人员), a
    one-character thing is; a country (国家, 各国) is named by any 国 (会员国, 缔约国)."""
    if "国" in thing and "国" in window:
        return True
    pairs = [thing[i : i + 2] for i in range(len(thing) - 1)] or [thing]
    return any(pair in window for pair in pairs)


# the words of an English treaty name that say nothing about which treaty it is
_INSTRUMENT_WORDS = frozenset(w.lower() for w in (*INSTRUMENT_KINDS, *INSTRUMENT_LINKS))
NAMED_SHARE = SearchConfig.treaty_named_share  # of a name: its characters in one run, or its English words


def names_instrument(names: Sequence[str], passage: Passage, share: float = NAMED_SHARE) -> bool:
    """The passage (its text, or its document's title) names the treaty known by ``names``: by its Chinese
    names where it has any (most of one name in one unbroken run: 全面禁止核试验条约 does not name
    禁止核武器条约), else by its English ones (most of a name's words in the English text and title; a
    passage with no English side is not judged on an English name)."""
    zh = [name for name in names if is_cjk(name)]
    if zh:
        return any(_names_zh(name, passage, share) for name in zh)
    return any(_names_en(name, passage, share) for name in names)


def _names_zh(name: str, passage: Passage, share: float) -> bool:
    side = passage.text + passage.citation.title
    found = SequenceMatcher(None, name, side, autojunk=False).find_longest_match(0, len(name), 0, len(side))
    return found.size >= share * len(name)


def _names_en(name: str, passage: Passage, share: float) -> bool:
    words = {w[:5] for w in re.findall(r"[a-z]+", name.lower()) if w not in _INSTRUMENT_WORDS and len(w) > 2}
    side = f"{passage.en} {passage.extra.get('title_en', '')}".lower()
    if not words or not side.strip():
        return True
    return sum(w in side for w in words) >= share * len(words)


def _about_instruments(query: Query, passage: Passage, share: float) -> bool:
    return all(names_instrument(names, passage, share) for names in query.instruments)


def states_asked(query: Query, rule: FactRule = FactRule()) -> Callable[[str, Passage], bool] | None:
    """A test of whether a sentence of a passage states every kind of fact the question asks for, of the
    treaty it names (None: it asks for none)."""
    if not query.asks_facts:
        return None
    facts, events, counts = query.asks_facts, query.asks_events, query.counts
    return lambda text, p: (
        _about_instruments(query, p, rule.named_share)
        and all(states_type(n, events, text, counts, rule) for n in facts)
    )


def type_unmet(query: Query, hits: Sequence[Hit], rule: FactRule = FactRule(), depth: int = 3) -> bool:
    """True when the question asks for a kind of fact that none of the top passages states (of a treaty
    it names: in a passage naming that treaty; of the thing it counts)."""
    about = [h.passage for h in hits[:depth] if _about_instruments(query, h.passage, rule.named_share)]
    events, counts = query.asks_events, query.counts
    return any(not any(states_type(n, events, p.text, counts, rule) for p in about) for n in query.asks_facts)


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
    rule: FactRule = FactRule(),
) -> tuple[Answer | None, int]:
    """The answer sentence and the rank (0-based) of the passage it comes from. It comes from the first
    hit unless a sentence of another top passage is better by more than ``margin`` (the caller then
    ranks that passage first). With ``states_fact``, a question asking for a kind of fact (a date, a
    count...) is answered by a sentence stating it, where one of the top passages has one (about the
    treaty it names, of the thing it counts: ``rule``)."""
    found = candidates(query, hits, sentences, row_of, stats)
    test = states_asked(query, rule) if states_fact else None
    if test is not None:
        found = [c for c in found if test(c.text, hits[c.rank].passage)] or found
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
