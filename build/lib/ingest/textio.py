"""Read a text file of unknown encoding: UTF-8 (BOM or not), UTF-16/32, GB18030/GBK.

Order of trust: a byte-order mark; NUL-byte pattern of UTF-16 without BOM; strict UTF-8;
strict GB18030 (a superset of GBK and GB2312); the one of those two with very few bad bytes;
charset-normalizer's best guess; UTF-8 with replacement characters (logged). Empty and binary
files raise :class:`unqa.model.IngestError`.
"""

from __future__ import annotations

import codecs
import json
import logging
import unicodedata
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from unqa.model import IngestError

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_MAX_CONTROL_BYTES = 0.05  # share of control bytes above which raw bytes are binary
_MAX_BAD_CHARS = 0.10  # share of U+FFFD / control characters above which a decoded text is binary
_MAX_REPLACED = 0.001  # share of bad bytes tolerated when a file is "almost" UTF-8 / GB18030


def _bom_encoding(raw: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    return None


def _utf16_by_nuls(raw: bytes) -> str | None:
    """ASCII characters (spaces, digits, line breaks) in UTF-16 leave a NUL in every other byte;
    Chinese text has few of them, so 5% of one parity is enough when the other has far fewer."""
    sample = raw[:_SAMPLE]
    half = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if odd >= 0.05 and even <= odd / 4:
        return "utf-16-le"
    if even >= 0.05 and odd <= even / 4:
        return "utf-16-be"
    return None


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:_SAMPLE]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return controls / len(sample) > _MAX_CONTROL_BYTES


def _decode_lenient(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        logger.warning("%s: bad bytes for %s (%s); replaced", name, encoding, err.reason)
        return raw.decode(encoding, errors="replace")


def _almost(raw: bytes, name: str) -> tuple[str, str] | None:
    """UTF-8 or GB18030 with a few bad bytes: decode with replacement characters."""
    best = min(
        ((raw.decode(enc, errors="replace"), enc) for enc in ("utf-8", "gb18030")),
        key=lambda pair: pair[0].count("\ufffd"),
    )
    bad = best[0].count("\ufffd")
    if bad / max(len(best[0]), 1) > _MAX_REPLACED:
        return None
    logger.warning("%s: %d bad byte(s) in %s text; replaced", name, bad, best[1])
    return best


def _guess(raw: bytes, name: str) -> tuple[str, str]:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    almost = _almost(raw, name)
    if almost:
        return almost
    match = from_bytes(raw).best()
    if match is not None and match.coherence > 0:  # coherence 0: no language recognised, not text
        logger.warning("%s: encoding guessed by charset-normalizer: %s", name, match.encoding)
        return str(match), match.encoding
    logger.warning("%s: unknown encoding; decoded as UTF-8 with replacement characters", name)
    return raw.decode("utf-8", errors="replace"), "utf-8"


def _check_text(text: str, name: str) -> None:
    if not text.strip():
        raise IngestError(f"{name}: empty file (no text)")
    sample = text[:_SAMPLE]
    bad = sum(1 for c in sample if c == "\ufffd" or (unicodedata.category(c) == "Cc" and not c.isspace()))
    if bad / len(sample) > _MAX_BAD_CHARS:
        raise IngestError(f"{name}: not a text file (binary content)")


def decode_bytes(raw: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode the raw bytes of a text file; return (text, encoding name)."""
    if not raw:
        raise IngestError(f"{name}: empty file")
    encoding = _bom_encoding(raw) or _utf16_by_nuls(raw)
    if encoding:
        text = _decode_lenient(raw, encoding, name)
    elif _looks_binary(raw):
        raise IngestError(f"{name}: not a text file (binary content)")
    else:
        text, encoding = _guess(raw, name)
    _check_text(text, name)
    return text, encoding


def read_text(path: Path) -> tuple[str, str]:
    """Text of the file at ``path`` and the encoding it was read with."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read ({err.strerror or err})") from err
    return decode_bytes(raw, Path(path).name)


def meta_path(path: Path) -> Path:
    """The metadata file beside a text: ``<stem>.meta.json``."""
    return path.with_name(f"{path.stem}.meta.json")


def read_meta(path: Path) -> dict[str, Any] | None:
    """The metadata beside ``path``, or None when there is none."""
    mp = meta_path(path)
    if not mp.is_file():
        return None
    try:
        meta = json.loads(mp.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as err:
        raise IngestError(f"{mp.name}: invalid metadata ({err})") from err
    if not isinstance(meta, dict):
        raise IngestError(f"{mp.name}: invalid metadata (not a JSON object)")
    return meta
