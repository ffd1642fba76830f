"""The one tokenizer of unqa, shared by the BM25 index and the queries.

jieba (search mode, so long UN terms are kept whole *and* their parts are indexed) with a
user dictionary of UN disarmament terms kept in ``index/data/un_terms.txt``; Latin words are
lower-cased; punctuation, whitespace and stop words are dropped. bm25s's default splitter would
turn a whole Chinese sentence into one token; this one never does.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT = DATA_DIR / "un_terms.txt"
STOPWORD_FILES = (DATA_DIR / "stopwords_zh.txt", DATA_DIR / "stopwords_en.txt")
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_LATIN = re.compile(r"^[a-z0-9][a-z0-9\-_.]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_lock = threading.Lock()
ORG_SUFFIXES = ("厅", "处", "办事处")
ORG_TOKEN = "部门"

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        tok = jieba.Tokenizer()
        tok.load_userdict(str(USER_DICT))
        tok.initialize()
    return tok


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for path in STOPWORD_FILES:
        words.update(w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())
    return frozenset(words)


def dictionary_hash() -> str:
    """Fingerprint of the tokenizer's resources, recorded in the index manifest."""
    h = hashlib.sha256(f"jieba-{jieba.__version__}".encode())
    for path in (USER_DICT, *STOPWORD_FILES):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _keep(token: str, stop: frozenset[str]) -> bool:
    return bool(token) and bool(_WORD.search(token)) and token not in stop


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` for BM25: jieba search-mode words, lower-cased, no punctuation or stop words.

    The name of a UN office (a word ending in 厅/处/办事处, e.g. 常规武器处) also yields the
    generic word 部门 (department), so "哪个部门…" finds the office that the text names."""
    norm = unicodedata.normalize("NFKC", text).lower()
    stop = stopwords()
    tokens = [t.strip() for t in _tokenizer().cut_for_search(norm, HMM=True)]
    tokens += [ORG_TOKEN for t in tokens if len(t) >= 3 and t.endswith(ORG_SUFFIXES)]
    return [t for t in tokens if _keep(t, stop)]


def jieba_words(text: str) -> list[str]:
    """jieba's words of ``text`` in its precise mode (one cut, no overlapping pieces), stop words kept."""
    return [t for t in (w.strip() for w in _tokenizer().lcut(text, HMM=True)) if t]


def is_cjk(text: str) -> bool:
    """True when the text is mainly Chinese (CJK characters outnumber Latin letters)."""
    cjk = len(_CJK.findall(text))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cjk > 0 and cjk >= latin / 4


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]{2,}")


def char_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of the Chinese runs (plus Latin words): a second keyword view in
    which compounds that jieba splits differently in the question and the text still match."""
    norm = unicodedata.normalize("NFKC", text).lower()
    grams = [run[i : i + 2] for run in _CJK_RUN.findall(norm) for i in range(max(1, len(run) - 1))]
    return grams + _LATIN_WORD.findall(norm)
