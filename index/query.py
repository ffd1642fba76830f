"""A question analysed once into a ``Query``: no lane works any of this out again.

``clean_query`` is the one cleaning of user input (the app's permalinks use it too).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from index import instruments, lexicon
from index.config import SearchConfig
from index.encoders import MAX_QUERY_CHARS
from index.glossary import expand_zh, translate_terms, uncovered
from index.tokenize import char_bigrams, is_cjk, jieba_words, tokenize
from unqa.model import QueryError
from unqa.symbols import strip_symbols, symbol_keys

logger = logging.getLogger(__name__)

_ACTION_VERBS = {
    # 请 as the Assembly's request, not the user's politeness (请问, 请列出, 请说明…)
    "request": re.compile(r"请(?!问|列|说|介绍|告诉|简|解释|概述|描述|给出)求?|要求|\brequests?\b|\basks?\b", re.I),
    "urge": re.compile(r"敦促|促请|吁请|呼吁|\burges?\b|\bcalls? (up)?on\b", re.I),
    "decide": re.compile(r"决定|\bdecides?\b|\bdecided\b", re.I),
    "invite": re.compile(r"邀请|请[^。]{0,3}邀|\binvites?\b", re.I),
    "encourage": re.compile(r"鼓励|\bencourages?\b", re.I),
    "welcome": re.compile(r"欢迎|\bwelcomes?\b", re.I),
}
# how an operative paragraph opens when it does what the question asks about (its first words)
ACTION_WORDS = {"request": ("请",), "urge": ("敦促", "促请", "吁请"), "decide": ("决定",), "invite": ("邀请",),
                "encourage": ("鼓励",), "welcome": ("欢迎",)}  # fmt: skip
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)|第\s*([78]\d)\s*届")
_LIST_ASK = re.compile(r"包括哪些|有哪些|哪些(工作|活动|措施|方面)|列出|\bwhat does\b.*\binclude|\blist\b", re.I)
# words of a question about the programme text itself (the office, its sub-programmes, indicators)
_PROGRAMME_WORDS = re.compile(
    r"方案|次级方案|裁军厅|裁军事务厅|秘书处|指标|预期成绩|programme|office|secretariat|indicator", re.I
)
# words of a question about resolutions (the General Assembly, the Council, States)
_RESOLUTION_WORDS = re.compile(
    r"决议|大会|安理会|会员国|缔约国|resolution|general assembly|security council|states", re.I
)
# a sub-programme or branch named ("次级方案", "常规武器处", "branch"; not 秘书处, the Secretariat)
_NAMES_A_UNIT = re.compile(r"次级方案|sub-?programme|(?<!秘书)处|branch", re.I)
# the part of a programme text a question asks for (its passage kind), by what it says: an objective
# or the unit that executes it needs the sub-programme or branch named beside it
_ROLE_ASKS = {
    "objective": (re.compile(r"目标|目的|宗旨|要实现|想.{0,8}建立|objective|\baims?\b|purpose", re.I), True),
    "accomplishment": (re.compile(r"预期成绩|预期.{0,6}成绩|取得什么成绩|expected accomplishment", re.I), False),
    "indicator": (re.compile(r"衡量|指标|indicator|\bmeasur", re.I), False),
    "strategy": (re.compile(r"由哪|执行|隶属|implement|belongs? to", re.I), True),
    "strategy_item": (re.compile(r"(?<!非)战略|strategy", re.I), False),
}


_WHO_WORDS = ("谁", "哪个部门", "who", "which office")  # as a plain substring, as the ranker was trained
# the kind of fact a question asks for (a place, a date, an amount, a person...): the answer step and the
# abstention then need a passage stating one (the evidence each needs is ``index.answer.FACT_EVIDENCE``)
FACT_ASKS: dict[str, re.Pattern[str]] = {
    "place": re.compile(
        r"哪个?(城市|地方)|在哪里|在哪儿|何处|设在|位于|总部|地址|"
        r"\bwhere (is|are)\b|which city|located|headquarter",
        re.I,
    ),
    "time": re.compile(  # "when" asks for a time opening the question or its clause, not in "use when they ask"
        r"什么时候|何时|哪一?年|几月|日期|截止|what year|what date|deadline|"
        r"^when\b|\bwhen (did|was|were|will|is|are|does|do|has|have|should|must)\b",
        re.I,
    ),
    # a day, not only a year: 哪一天 is answered by 2021年1月22日, not by 2021年
    "day": re.compile(r"哪一?天|哪一日|几月几[日号]|具体日期|\bwhich day\b|\bwhat date\b|\bon what date\b", re.I),
    "money": re.compile(  # an amount: "the sources of its funding" (经费来源) ask for none
        r"预算|经费(?!来源|筹措)|多少钱|金额|美元|资金数额|薪金|薪酬|薪水|工资|"
        r"budget|how much money|cost|funding amount|dollars|salary|salaries",
        re.I,
    ),
    "count": re.compile(r"多少(名|个|位|人|次|枚|项|件)|几(名|位|个人)|一共有多少|\bhow many\b", re.I),
    "contact": re.compile(r"电话|传真|电子邮件|邮箱|网址|\b(tele)?phone\b|\bfax\b|e-?mail|website address", re.I),
    "person": re.compile(
        r"谁是|是谁(?!干|做|发动|实施|所为)|姓名|名字|哪位|who (is|was)(?! (responsible|in charge))|"
        r"\bwho (will )?(chairs?|chaired|heads?|headed|leads?|led|presides?|presided|directs?|directed)\b|"
        r"name of the (head|director|chair)",
        re.I,
    ),
}
# a treaty or convention named in the question: a fact it asks for must then be about that instrument
_INSTRUMENT_ZH = re.compile(r"《([^》]{2,40}(?:条约|公约|议定书|协定))》")
INSTRUMENT_KINDS = ("Treaty", "Convention", "Protocol")
INSTRUMENT_LINKS = ("on", "of", "for", "against", "the", "and", "to")  # lower-case words inside an English name
_INSTRUMENT_EN = re.compile(
    rf"\b((?:[A-Z][\w()-]*\s+)*(?:{'|'.join(INSTRUMENT_KINDS)})(?:\s+(?:{'|'.join(INSTRUMENT_LINKS)}|[A-Z][\w()-]*))*)"
)
# the event a question about a time asks about: a date must then be that event's (``index.answer.EVENT_WORDS``)
EVENT_ASKS: dict[str, re.Pattern[str]] = {
    "in_force": re.compile(r"生效|into force", re.I),
    "signed": re.compile(r"签署|签订|签字|\bsign(ed)?\b", re.I),
    "built": re.compile(r"建成|竣工|落成|建造|\b(built|completed|constructed)\b", re.I),
    "held": re.compile(r"召开|举行|开幕|\b(hold|held|convened?|take place|took place)\b", re.I),
    "founded": re.compile(r"成立|创建|创立|\b(founded|established|created|set up)\b", re.I),
    "launched": re.compile(r"启动|发起|\blaunch(ed)?\b", re.I),
    "joined": re.compile(r"加入|\b(join(ed)?|accede[ds]?)\b", re.I),
}


def normalize_question(text: str) -> str:
    """Control, format, surrogate, private-use and unassigned characters (Unicode category C*) become
    spaces; runs of white space become one space."""
    return " ".join("".join(" " if unicodedata.category(c).startswith("C") else c for c in text).split())


def clean_query(query: object) -> tuple[str, list[str]]:
    """Strip control characters; refuse empty questions; cut very long ones (with a notice)."""
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    text = normalize_question(query)
    if not text:
        raise QueryError("empty question: type a question in Chinese or English")
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"question cut to its first {MAX_QUERY_CHARS} characters (it had {len(text)})")
        text = text[:MAX_QUERY_CHARS]
    return text, notices


@dataclass(frozen=True)
class Query:
    """Everything the lanes, the fusion, the ranker and the answer need to know about a question."""

    text: str  # cleaned question
    lang: str  # "zh" | "en"
    tokens: tuple[str, ...]  # jieba tokens of the question itself
    char_bigrams: tuple[str, ...] = ()  # character bigrams of its Chinese (the bm25_chars lane)
    synonyms: tuple[str, ...] = ()  # tokens of the UN wording of the question's words (zh questions)
    glossary: tuple[str, ...] = ()  # Chinese tokens of the curated glossary's terms (en questions)
    glossary_weight: float = 1.0  # their weight in the keyword query
    translated: tuple[tuple[str, float], ...] = ()  # Chinese tokens learned from aligned text, with weights
    associated: tuple[tuple[str, float], ...] = ()  # tokens the Chinese corpus associates with its tokens (PMI)
    symbols: tuple[str, ...] = ()  # UN symbol keys named in the question ("64/48")
    names_only: bool = False  # the question is a symbol and nothing else ("第1540（2004）号决议")
    actions: tuple[str, ...] = ()  # operative verbs the question asks about ("request", "urge"...)
    year: int | None = None  # a session or year the question names
    asks_list: bool = False  # "what does ... include": the answer is a list
    asks_for: tuple[str, ...] = ()  # the programme passage kinds it asks for ("objective", "indicator"...)
    about_programme: bool = False  # it names the programme's own words (方案, 裁军厅, indicator...)
    about_resolutions: bool = False  # it names resolutions' words (决议, 大会, States...)
    names_unit: bool = False  # it says sub-programme or branch (the structure lane then reads titles)
    asks_who: bool = False  # who / which office does something (a ranker feature: the unit, not a fact)
    asks_facts: tuple[str, ...] = ()  # kinds of fact it asks for ("time", "count"...: ``FACT_ASKS``)
    asks_events: tuple[str, ...] = ()  # events whose date it asks for ("in_force"...: ``EVENT_ASKS``)
    counts: tuple[str, ...] = ()  # what a count question counts, in Chinese ("工作人员", "核弹头": ``counted``)
    # treaties it names, each as written ("TPNW", "佩林达巴条约") and then by its other names (index/instruments.py)
    instruments: tuple[tuple[str, ...], ...] = ()
    termed: tuple[str, ...] = ()  # its own tokens that the glossary or the treaty table turns into Chinese terms
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    notices: tuple[str, ...] = ()

    @property
    def fusion_lang(self) -> str:
        """The fusion-weight key: zh, en-terms (an English question with Chinese terms), en."""
        if self.lang == "zh":
            return "zh"
        return "en-terms" if self.glossary or self.translated else "en"

    def keyword_weights(self) -> dict[str, float]:
        """The weighted BM25 query over the Chinese text: own tokens and synonyms count once per
        occurrence, glossary terms ``glossary_weight``, learned translations and associations with their
        weights (the highest wins)."""
        weights: dict[str, float] = dict(Counter([*self.tokens, *self.synonyms]))
        for token, weight in (*self.glossary_weighted(), *self.translated, *self.associated):
            if weight > weights.get(token, 0.0):
                weights[token] = weight
        return weights

    def glossary_weighted(self) -> list[tuple[str, float]]:
        counts = Counter(self.glossary)
        return [(token, n * self.glossary_weight) for token, n in counts.items()]

    def english_weights(self) -> dict[str, float]:
        return dict(Counter(self.tokens))

    def content_tokens(self) -> set[str]:
        return set(self.tokens) | set(self.synonyms) | set(self.glossary)


def analyse(text: str, notices: list[str], config: SearchConfig, vector: np.ndarray | None = None) -> Query:
    """The one analysis of a cleaned question (``clean_query`` first)."""
    tokens = tokenize(text)
    zh = is_cjk(text)
    synonyms = tuple(t for s in expand_zh(tokens) for t in tokenize(s)) if zh and config.glossary else ()
    glossary = tuple(t for term in translate_terms(text) for t in tokenize(term)) if not zh and config.glossary else ()
    rest = uncovered(text) if not zh and config.glossary else text  # what the curated glossary leaves
    translated = _translations(rest, config) if not zh and config.lexicon else ()
    associated = _associations(tokens, config) if zh and config.associations else ()
    symbols = tuple(symbol_keys(text))
    names_unit = bool(_NAMES_A_UNIT.search(text))
    facts, named = _matching(FACT_ASKS, text), named_instruments(text)
    if config.glossary:  # a treaty named by an acronym or short name is searched by the name the texts use
        terms = _instrument_terms(named, [*tokens, *synonyms, *glossary])
        synonyms, glossary = (synonyms + terms, glossary) if zh else (synonyms, glossary + terms)
    return Query(
        text=text,
        lang="zh" if zh else "en",
        tokens=tuple(tokens),
        char_bigrams=tuple(char_bigrams(text)) if zh else (),
        synonyms=synonyms,
        glossary=glossary,
        glossary_weight=config.glossary_weight,
        translated=translated,
        associated=associated,
        symbols=symbols,
        names_only=names_only(text, symbols),
        actions=_matching(_ACTION_VERBS, text),
        year=_year(text),
        asks_list=bool(_LIST_ASK.search(text)),
        asks_for=asked_roles(text, names_unit),
        about_programme=bool(_PROGRAMME_WORDS.search(text)),
        about_resolutions=bool(_RESOLUTION_WORDS.search(text)),
        names_unit=names_unit,
        asks_who=any(w in text for w in _WHO_WORDS),
        asks_facts=facts,
        counts=counted(text, zh, config.lexicon) if "count" in facts else (),
        asks_events=_matching(EVENT_ASKS, text),
        instruments=named,
        termed=_termed(rest, tokens, named) if not zh and config.glossary else (),
        vector=vector,
        notices=tuple(notices),
    )


def named_instruments(text: str) -> tuple[tuple[str, ...], ...]:
    """Treaties and conventions the question names, each with all its names: 《…条约》 in Chinese, "… Treaty /
    Convention on …" in English, or a name the instrument table lists (an acronym such as TPNW, 禁核条约)."""
    found = _INSTRUMENT_ZH.findall(text) or _INSTRUMENT_EN.findall(text)
    found = [*(name.strip() for name in found), *instruments.mentioned(text)]
    groups: list[tuple[str, ...]] = []
    for names in (names for name in filter(None, found) for names in instruments.resolve(name)):
        if not any(set(names) & set(known) for known in groups):
            groups.append(names)
    return tuple(groups)


def _instrument_terms(named: Sequence[Sequence[str]], known: Sequence[str]) -> tuple[str, ...]:
    """The tokens of the Chinese names of the treaties named (``instruments.short_chinese``) that the
    question's own tokens and terms lack."""
    terms = [t for names in named for t in tokenize(instruments.short_chinese(names) or "")]
    return tuple(dict.fromkeys(t for t in terms if t not in known))


def _termed(rest: str, tokens: Sequence[str], named: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The tokens of an English question that a glossary entry covers (absent from ``rest``, what the
    glossary leaves), or that name a treaty the table lists ("iaea", "ctbt"): words the corpus need not
    know in English, since its Chinese terms are searched."""
    left = set(tokenize(rest))
    names = {n.casefold() for names in named if instruments.short_chinese(names) for n in names}
    return tuple(t for t in dict.fromkeys(tokens) if t not in left or t in names)


_COUNT_ZH = re.compile(r"(?:多少|几)(?:名|个|位|人|次|枚|项|件)?([\u4e00-\u9fff]{1,8})")
_COUNT_EN = re.compile(r"\bhow many ((?:[a-z][a-z-]*\s*){1,3})", re.I)
_PLURALS = frozenset(("people", "staff", "personnel", "children", "men", "women", "police"))  # plurals without -s
COUNTED_SHARE = 0.1  # the learned translations of an English counted noun kept (p at least this)
COUNTED_FORMS = 4


def counted(text: str, zh: bool, learned: bool = True) -> tuple[str, ...]:
    """What a count question counts, as the Chinese text writes it: the word after 多少名/几个
    (工作人员), or the English plural noun after "how many", translated by the learned table ("nuclear
    warheads": 核弹头; "days": 为期, 天; not without the table: ``learned``). Empty when the question
    counts nothing it names."""
    if zh:
        found = _COUNT_ZH.search(text)
        return tuple(jieba_words(found.group(1))[:1]) if found else ()
    found = _COUNT_EN.search(text) if learned else None
    units = lexicon.question_units(_plural_noun(found.group(1))) if found else []
    if not units:
        return ()
    entries = lexicon.load_lexicon().entries[units[-1]]  # the head of the noun phrase is its last word
    return tuple(zh for zh, p in entries[:COUNTED_FORMS] if p >= COUNTED_SHARE and is_cjk(zh))


def _plural_noun(words: str) -> str:
    """The words up to the first plural ("nuclear warheads does" -> "nuclear warheads")."""
    out = []
    for word in words.lower().split():
        if word in lexicon.EN_FUNCTION_WORDS:
            break
        out.append(word)
        if word.endswith("s") or word in _PLURALS:
            break
    return " ".join(out)


def _matching(patterns: dict[str, re.Pattern[str]], text: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in patterns.items() if pattern.search(text))


_SYMBOL_WRAPPING = re.compile(
    r"[\s\W_]|第|号|號|决议|決議|决定|大会|安理会|安全理事会|resolution|decision|general assembly|security council"
    r"|\b(?:res|dec|the|of)\b",
    re.IGNORECASE,
)


def names_only(text: str, symbols: Sequence[str] | None = None) -> bool:
    """The question names a document by its symbol and asks nothing else: "64/36", "第1540（2004）号决议",
    "resolution A/RES/75/36" (then the document itself comes first, whatever the ranker thinks).
    ``symbols``: the question's symbol keys when already found."""
    found = symbol_keys(text) if symbols is None else symbols
    return bool(found) and not _SYMBOL_WRAPPING.sub("", strip_symbols(text))


def asked_roles(text: str, names_unit: bool | None = None) -> tuple[str, ...]:
    """The programme passage kinds a question asks for: "第一个次级方案的目标是什么？" -> objective,
    "怎样衡量…" -> indicator, "次级方案3由哪个处执行？" -> strategy (the paragraph naming the unit).
    ``names_unit``: whether it names a sub-programme or branch, when already found."""
    named = bool(_NAMES_A_UNIT.search(text)) if names_unit is None else names_unit
    return tuple(
        kind for kind, (pattern, needs_unit) in _ROLE_ASKS.items() if pattern.search(text) and (named or not needs_unit)
    )


def _translations(rest: str, config: SearchConfig) -> tuple[tuple[str, float], ...]:
    """The learned table's weighted Chinese tokens for what the curated glossary left of the question
    (its terms stay on top)."""
    if not lexicon.TABLE_FILE.is_file():  # a checkout without the learned table: the glossary alone
        return ()
    pairs = lexicon.translate(rest) if rest.strip() else []
    return tuple((token, round(weight * config.lexicon_weight, 6)) for token, weight in pairs)


def _associations(tokens: list[str], config: SearchConfig) -> tuple[tuple[str, float], ...]:
    if not lexicon.ASSOC_FILE.is_file():
        return ()
    pairs = lexicon.expand(tokens, per_token=config.associations_per_token)
    return tuple((token, round(weight * config.associations_weight, 6)) for token, weight in pairs)


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    if not m:
        return None
    return int(m.group(1)) if m.group(1) else 1945 + int(m.group(2))


def opens_with_action(query: Query, text: str, head: int = 12) -> bool:
    """Whether ``text`` opens with a verb of an action the question asks about (请, 敦促, 决定 ...)."""
    return any(w in text[:head] for a in query.actions for w in ACTION_WORDS.get(a, ()))
