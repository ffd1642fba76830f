"""Cleaning of text extracted from PDFs, Chinese first.

One form per character, so that the same text always cleans to the same string
(``clean_text`` is idempotent):

- ASCII letters, digits, brackets and symbols in full-width form (``Ａ１（）／％``) become
  half-width; the document's own labels use half-width brackets (``(a)``, ``(S-10/2 号决议)``).
- Chinese punctuation (``，。；：、？！“”《》``) is kept as is; a half-width ``, ; : ? !`` between two
  Chinese characters becomes its full-width form.
- Circled and parenthesised numbers become bracketed numbers: ``㈠ ㈡`` -> ``(一) (二)``,
  ``⑴ ①`` -> ``(1)``, ``⒈`` -> ``1.``.
- Kangxi radicals and CJK compatibility ideographs that PDF extraction produces become the
  unified ideographs (``⽅`` -> ``方``).
- Whitespace collapses to single spaces; a space between two Chinese characters or Chinese
  punctuation marks is removed, a space between Latin words (or between Chinese and Latin) kept.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

logger = logging.getLogger(__name__)

_HAN = "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_WIDE_PUNCT = "\u3001-\u3004\u3008-\u3011\u3014-\u301f\uff01\uff0c\uff1a\uff1b\uff1f\u2018-\u201d\u2026\u2014\u00b7"
_WIDE = f"[{_HAN}{_WIDE_PUNCT}]"
_QUOTES = "\u2018\u2019\u201c\u201d"
_KEEP_FULL = "！，：；？"  # full-width punctuation that Chinese text uses as is
_CN_NUMS = "一二三四五六七八九十"
_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}

_SPACE_BETWEEN_WIDE = re.compile(f"(?<={_WIDE}) (?={_WIDE})")
_HALF_PUNCT_IN_HAN = re.compile(f"(?<=[{_HAN}]) ?([,;:?!]) ?(?=[{_HAN}])")
_URL = re.compile(r"[ \t]*((?:https?://|www\.)[!-~]+)")
_URL_TRAILING = ".,;:!?'\""


def _translation_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0xFF01, 0xFF5F):
        if chr(cp) not in _KEEP_FULL:
            table[cp] = chr(cp - 0xFEE0)
    table.update({0xFF61: "。", 0xFF64: "、", 0xFF62: "「", 0xFF63: "」", 0xFF65: "·"})
    for i, num in enumerate(_CN_NUMS):
        table[0x3220 + i] = f"({num})"  # ㈠
        table[0x3280 + i] = f"({num})"  # ㊀
    for i in range(20):
        table[0x2460 + i] = f"({i + 1})"  # ①
        table[0x2474 + i] = f"({i + 1})"  # ⑴
        table[0x2488 + i] = f"{i + 1}."  # ⒈
    for cp in [*range(0x2F00, 0x2FE0), *range(0xF900, 0xFB00)]:
        norm = unicodedata.normalize("NFKC", chr(cp))
        if norm != chr(cp) and len(norm) == 1:
            table[cp] = norm
    for cp in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(cp) not in "\t\n\r\x0b\x0c":
            table[cp] = None
    for cp in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[cp] = None
    return table


_TABLE = _translation_table()


def normalize_chars(s: str) -> str:
    """Width, circled numbers, radicals and invisible characters (see the module docstring)."""
    return s.translate(_TABLE)


def _drop_space_between_wide(s: str) -> str:
    def repl(m: re.Match[str]) -> str:
        left, right = s[m.start() - 1], s[m.end()]
        return " " if left in _QUOTES and right in _QUOTES else ""

    return _SPACE_BETWEEN_WIDE.sub(repl, s)


def clean_text(s: str) -> str:
    """Clean one passage: normalised characters, one line, no stray spaces inside Chinese."""
    s = " ".join(normalize_chars(s).split())
    s = _HALF_PUNCT_IN_HAN.sub(lambda m: _TO_FULL[m.group(1)], s)
    return _drop_space_between_wide(s)


def _is_wide(ch: str) -> bool:
    return re.match(_WIDE, ch) is not None


def _needs_space(left: str, right: str) -> bool:
    """A space goes back where a line break separated two Latin words or numbers."""
    if _is_wide(left[-1]) or _is_wide(right[0]):
        return False
    return not (left.endswith("-") and len(left) > 1 and left[-2].isalpha())


def join_lines(lines: Iterable[str]) -> str:
    """Join lines broken mid-sentence: no space between Chinese, one between Latin words."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        out = f"{out} {line}" if out and _needs_space(out, line) else out + line
    return out


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        url = url[:-1]
    while url.endswith((")", "]")) and url.count(url[-1]) > url.count("(" if url[-1] == ")" else "["):
        url = url[:-1]
    return url


def extract_urls(s: str) -> tuple[str, list[str]]:
    """Remove web addresses from ``s``; return the text without them and the addresses."""
    urls: list[str] = []
    parts: list[str] = []
    pos = 0
    for m in _URL.finditer(s):
        url = _trim_url(m.group(1))
        end = m.start(1) + len(url)
        if not url or "." not in url:
            continue
        parts.append(s[pos : m.start()])
        urls.append(url)
        pos = end
    parts.append(s[pos:])
    return "".join(parts), urls
