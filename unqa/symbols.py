"""UN document symbols: find them in free text, reduce them to one key, build official links.

Keys are what the symbol lane matches on, identical for every spelling of a symbol:

- GA resolutions and decisions: ``"64/36"``, ``"S-10/2"``, ``"ES-10/21"`` (from ``64/36``,
  ``A/RES/64/36``, ``第64/36号决议``, full-width ``６４／３６``, ``resolution 64/36``).
- SC resolutions: ``"1540(2004)"`` (from ``1540(2004)``, ``1540 (2004)``, ``S/RES/1540 (2004)``,
  ``第1540（2004）号决议``).
"""

from __future__ import annotations

import re
import unicodedata

_GA = re.compile(
    r"(?<![A-Za-z0-9_/\-.])(?:A\s*/\s*(?:RES|DEC)\s*/\s*)?((?:ES|S)\s*-\s*\d{1,2}|\d{1,2})\s*/\s*(\d{1,4})(?![\d/])"
    r"(?:\s?([A-Z])(?![A-Za-z]))?"
)
_SC = re.compile(r"(?<![A-Za-z0-9_/\-.])(?:S\s*/\s*RES\s*/\s*)?(\d{2,4})\s*\(\s*((?:19|20)\d{2})\s*\)")


def normalize_width(text: str) -> str:
    """Full-width digits, letters, slashes and brackets to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def ga_key(session: str, number: str) -> str:
    session = re.sub(r"\s+", "", session).upper()
    return f"{session}/{int(number)}"


def sc_key(number: str, year: str) -> str:
    return f"{int(number)}({year})"


def symbol_keys(text: str) -> list[str]:
    """All symbol keys mentioned in ``text``, in order of first mention, without duplicates."""
    norm = normalize_width(text)
    found: list[tuple[int, str]] = []
    sc_spans: list[tuple[int, int]] = []
    for m in _SC.finditer(norm):
        found.append((m.start(), sc_key(m.group(1), m.group(2))))
        sc_spans.append(m.span())
    for m in _GA.finditer(norm):
        if any(a <= m.start() < b for a, b in sc_spans):
            continue
        found.append((m.start(), ga_key(m.group(1), m.group(2))))
    keys: list[str] = []
    for _, key in sorted(found):
        if key not in keys:
            keys.append(key)
    return keys


def strip_symbols(text: str) -> str:
    """``text`` (width-normalised) with every symbol it mentions cut out."""
    return _GA.sub(" ", _SC.sub(" ", normalize_width(text)))


def is_sc_key(key: str) -> bool:
    return "(" in key


def full_symbol(key: str, *, decision: bool = False) -> str:
    """``"64/36"`` -> ``"A/RES/64/36"``; ``"54/418"`` with decision -> ``"A/DEC/54/418"``;
    ``"1540(2004)"`` -> ``"S/RES/1540 (2004)"``."""
    if is_sc_key(key):
        number, year = key.rstrip(")").split("(")
        return f"S/RES/{number} ({year})"
    return f"A/{'DEC' if decision else 'RES'}/{key}"


def key_of(symbol: str) -> str | None:
    """The key of a full symbol (``"A/RES/75/36"`` -> ``"75/36"``), or None."""
    keys = symbol_keys(symbol)
    return keys[0] if keys else None


def official_url(symbol: str, lang: str = "zh") -> str:
    """Link to the official document on the UN's document system (docs.un.org)."""
    code = {"zh": "zh", "en": "en", "fr": "fr", "es": "es", "ru": "ru", "ar": "ar"}.get(lang, "en")
    return f"https://docs.un.org/{code}/{symbol.replace(' ', '')}"


_PART = re.compile(r"^(.*?\d)\s*([A-Z](?:\s*-\s*[A-Z])?)$")


def with_part(symbol: str, part: str) -> str:
    """The symbol of a resolution adopted in lettered parts, as the UN cites it: ``"A/RES/42/37 C"``
    (the letter is an integral part of the citation); ``part`` empty leaves the symbol as it is."""
    part = part.strip().upper()
    return f"{symbol} {part}" if part and not symbol.endswith(f" {part}") else symbol


def part_of(symbol: str) -> str:
    """The part letter(s) of a GA symbol: ``"A/RES/42/37 C"`` -> ``"C"``, ``"A/RES/74/92 A-B"`` -> ``"A-B"``;
    ``""`` for none."""
    m = _PART.match(symbol.strip())
    return re.sub(r"\s+", "", m.group(2)) if m and not symbol.strip().startswith("S/") else ""
