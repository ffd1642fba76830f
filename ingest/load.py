"""The ingest dispatcher behind ``unqa ingest PATH...``: walk inputs, pick a reader, skip bad files.

- Files and folders are walked in sorted order; zip archives (the GA 74th session) are read in place.
- XML: a resolution's Chinese and English files are paired (``.../Chinese/75_36_C.xml`` with
  ``.../English/75_36_E.xml``, also across the per-language zips) and read once, Chinese indexed with
  the English text attached; an English file without a Chinese counterpart is read as English.
  Files in other languages (``_F``, ``_A``...) are skipped.
- ``.pdf`` -> :func:`ingest.pdf.read_pdf`; ``.txt``/``.md`` -> ``ingest.programme.read_programme`` when a
  sibling ``<stem>.meta.json`` says ``"format": "un-programme"``, else ``ingest.plaintext.read_plain_text``.
- A reader's exception becomes :class:`Skipped`; so does a duplicate (same sha256 or doc_id).
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.akn import is_first_committee, read_akn
from ingest.doc_cache import cached, reader_version
from ingest.pdf import read_pdf
from ingest.plaintext import read_plain_text
from ingest.programme import is_programme, read_programme
from unqa.model import Document, IngestError

logger = logging.getLogger(__name__)

SUBSETS = ("all", "first-committee")
TEXT_SUFFIXES = (".txt", ".md")
MAX_ZIP_MEMBER = 64 * 1024 * 1024
_LANG_DIRS = {"chinese": "zh", "english": "en"}
_LANG_LETTERS = {"C": "zh", "E": "en", "F": "fr", "S": "es", "R": "ru", "A": "ar"}
_LANG_MARK = re.compile(r"(?:[-_]\d{7}|[-_])([CEFSRA])$")


@dataclass(frozen=True)
class Skipped:
    """An input that was not ingested, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class _Job:
    """One document to read: its source, the reader call, whether it is a resolution XML, files it uses."""

    source: str
    read: Callable[[], Document]
    is_xml: bool
    files: int


@dataclass(frozen=True)
class _Xml:
    """One XML input: a file or a zip member, with what pairing needs."""

    source: str  # display name: path, or "archive.zip!member"
    name: str  # file name
    group: str  # folder holding the language folders
    key: str  # resolution key from the file name
    lang: str  # "zh", "en", other, or "" when unknown
    read: Callable[[], bytes]


# ---------------------------------------------------------------- walking


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and not path.name.endswith(".meta.json")


def _walk(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and _is_visible_tree(p, path))
        else:
            yield path


def _is_visible_tree(path: Path, root: Path) -> bool:
    return all(not part.startswith(".") for part in path.relative_to(root).parts) and _visible(path)


def count_inputs(paths: list[Path]) -> int:
    """Number of input files (zip members counted one by one), for a progress total."""
    total = 0
    for path in _walk(paths):
        if path.suffix.lower() == ".zip":
            total += len(_zip_members(path))
        else:
            total += 1
    return total


def _zip_members(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as zf:
            return [i for i in zf.infolist() if not i.is_dir() and _visible(Path(i.filename))]
    except (zipfile.BadZipFile, OSError):
        return []


# ---------------------------------------------------------------- XML pairing


def xml_key(stem: str) -> tuple[str, str]:
    """(resolution key, language letter's language) from a file stem: ``"75_36_C"`` -> ``("75_36", "zh")``."""
    stem = re.sub(r"[-_\s]reissue$", "", stem.strip(), flags=re.I).strip()
    m = _LANG_MARK.search(stem)
    lang = _LANG_LETTERS[m.group(1)] if m else ""
    if m:
        stem = stem[: m.start()]
    stem = re.sub(r"[-_]\d{7}$", "", stem)
    stem = re.sub(r"\s*\(\d{4}\)", "", stem)  # S_RES_2510 (2020) and S_RES_2510 pair
    stem = re.sub(r"^A_RES_", "", stem.upper())  # 75_138_E and A_RES_75_138_C pair
    stem = re.sub(r"^SC_(\d+)_\d{4}$", r"S_RES_\1", stem)  # SC_2572_2021-C and S_RES_2572_2105407E pair
    return re.sub(r"[\s()]+", "", stem), lang


def _xml_entry(source: str, member: Path, base: str, read: Callable[[], bytes]) -> _Xml:
    """Files in a ``Chinese``/``English`` folder pair with their siblings; any other file stands alone."""
    key, lang = xml_key(member.stem)
    folder_lang = _LANG_DIRS.get(member.parent.name.lower(), "")
    group = f"{base}/{member.parent.parent if folder_lang else member}"
    return _Xml(source, member.name, group, key, lang or folder_lang, read)


def _file_xml(path: Path) -> _Xml:
    return _xml_entry(str(path), path, "", path.read_bytes)


def _zip_xml(archive: Path, info: zipfile.ZipInfo) -> _Xml:
    def read() -> bytes:
        if info.file_size > MAX_ZIP_MEMBER:
            raise IngestError(f"zip member too large ({info.file_size} bytes)")
        with zipfile.ZipFile(archive) as zf:
            return zf.read(info)

    return _xml_entry(f"{archive}!{info.filename}", Path(info.filename), str(archive.parent), read)


def _pairs(entries: list[_Xml]) -> Iterator[tuple[_Xml, _Xml | None] | Skipped]:
    """Chinese (or lone) files with their English counterpart, in input order."""
    by_group: dict[tuple[str, str], dict[str, _Xml]] = {}
    for e in entries:
        by_group.setdefault((e.group, e.key), {}).setdefault(e.lang, e)
    used: set[str] = set()
    for e in entries:
        if e.source in used:
            continue
        langs = by_group[(e.group, e.key)]
        if e.lang not in ("zh", "en", ""):
            yield Skipped(e.source, f"language {e.lang!r} is not ingested (Chinese and English only)")
        elif e.lang == "en" and "zh" in langs:
            continue  # read with its Chinese counterpart
        elif e.lang == "zh" and "en" in langs:
            used.add(langs["en"].source)
            yield e, langs["en"]
        else:
            yield e, None


def _read_pair(zh: _Xml, en: _Xml | None) -> Document:

    data = zh.read()
    english = en.read() if en is not None else None
    version = reader_version("akn", "clean") + zh.name
    doc = cached([data, english], version, lambda: read_akn(data, zh.name, english=english))
    return replace(doc, source=zh.source) if doc.source != zh.source else doc


# ---------------------------------------------------------------- other formats


def _read_text(path: Path) -> Document:

    if is_programme(path):
        return read_programme(path)

    return read_plain_text(path)


def _read_pdf(path: Path) -> Document:

    return read_pdf(path)


# ---------------------------------------------------------------- dispatch


def _plan(paths: list[Path]) -> Iterator[_Job | Skipped]:
    """(source, reader, is_xml) per document to read, or Skipped, in walk order (XML paired first seen)."""
    xml: list[_Xml] = []
    others: list[_Job | Skipped] = []
    for path in _walk(paths):
        suffix = path.suffix.lower()
        if suffix == ".zip":
            xml.extend(_zip_xml(path, i) for i in _zip_members(path) if i.filename.lower().endswith(".xml"))
            if not _zip_members(path):
                others.append(Skipped(str(path), "not a readable zip archive"))
        elif suffix == ".xml":
            xml.append(_file_xml(path))
        elif suffix == ".pdf":
            others.append(_Job(str(path), lambda p=path: _read_pdf(p), False, 1))
        elif suffix in TEXT_SUFFIXES:
            others.append(_Job(str(path), lambda p=path: _read_text(p), False, 1))
        else:
            others.append(Skipped(str(path), f"unsupported file type {suffix or '(none)'!r}"))
    yield from others
    for pair in _pairs(xml):
        if isinstance(pair, Skipped):
            yield pair
        else:
            zh, en = pair
            yield _Job(zh.source, lambda zh=zh, en=en: _read_pair(zh, en), True, 2 if en else 1)


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, IngestError) else f"{type(exc).__name__}: {exc}"


def iter_documents(
    paths: list[Path], *, subset: str = "all", show_progress: bool = True
) -> Iterator[Document | Skipped]:
    """Every document under ``paths``, read, deduplicated and filtered; bad inputs come out as Skipped."""
    if subset not in SUBSETS:
        raise ValueError(f"unknown subset {subset!r} (choose from {', '.join(SUBSETS)})")
    seen_hash: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    bar = _progress(paths, show_progress)
    try:
        for item in _plan([Path(p) for p in paths]):
            if bar is not None:
                bar.update(1 if isinstance(item, Skipped) else item.files)
            if isinstance(item, Skipped):
                yield item
                continue
            result = _read_one(item, subset=subset)
            if isinstance(result, Document):
                result = _dedupe(result, item.source, seen_hash, seen_id)
            if result is not None:
                yield result
    finally:
        if bar is not None:
            bar.close()


def _read_one(job: _Job, *, subset: str) -> Document | Skipped | None:
    try:
        doc = job.read()
    except Exception as exc:  # one bad document never stops the walk
        logger.warning("skipped %s: %s", job.source, _reason(exc))
        return Skipped(job.source, _reason(exc))
    if subset == "first-committee" and job.is_xml and not is_first_committee(doc):
        return None
    return doc


def _dedupe(doc: Document, source: str, seen_hash: dict[str, str], seen_id: dict[str, str]) -> Document | Skipped:
    first = seen_hash.get(doc.sha256) or seen_id.get(doc.doc_id)
    if first is not None:
        return Skipped(source, f"duplicate of {first}")
    seen_hash[doc.sha256] = source
    seen_id[doc.doc_id] = source
    return doc


def _progress(paths: list[Path], show: bool) -> Any:
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=count_inputs([Path(p) for p in paths]), unit="file", desc="ingest")
