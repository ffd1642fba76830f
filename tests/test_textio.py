"""Reading text of any encoding; empty and binary files; the generic plain-text reader."""

from __future__ import annotations

import logging
import random
import shutil
from pathlib import Path

import pytest

from ingest.plaintext import read_plain_text
from ingest.programme import read_programme
from ingest.textio import read_text
from unqa.model import IngestError
from unqa.paths import CORPUS_DIR

PROGRAMME = CORPUS_DIR / "a_65_6_prog3_zh.txt"
META = CORPUS_DIR / "a_65_6_prog3_zh.meta.json"
TEXT = PROGRAMME.read_text(encoding="utf-8")
ENCODINGS = {
    "gb18030": ("gb18030", b""),
    "utf-16-le": ("utf-16-le", b""),
    "utf-16-be": ("utf-16-be", b""),
    "utf-16-bom": ("utf-16-le", b"\xff\xfe"),
    "utf-8-bom": ("utf-8", b"\xef\xbb\xbf"),
}


@pytest.fixture(scope="module")
def reference() -> list[dict]:
    return [p.to_dict() for p in read_programme(PROGRAMME).passages]


def _copy_with_meta(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / PROGRAMME.name
    path.write_bytes(data)
    shutil.copy(META, tmp_path / META.name)
    return path


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_reencoded_programme_gives_same_passages(tmp_path: Path, reference: list[dict], name: str) -> None:
    codec, bom = ENCODINGS[name]
    path = _copy_with_meta(tmp_path, bom + TEXT.encode(codec))
    text, _ = read_text(path)
    assert text == TEXT
    assert [p.to_dict() for p in read_programme(path).passages] == reference


def test_detected_encoding_names(tmp_path: Path) -> None:
    found = {}
    for name, (codec, bom) in ENCODINGS.items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(bom + TEXT.encode(codec))
        found[name] = read_text(path)[1]
    assert found == {
        "gb18030": "gb18030",
        "utf-16-le": "utf-16-le",
        "utf-16-be": "utf-16-be",
        "utf-16-bom": "utf-16",
        "utf-8-bom": "utf-8-sig",
    }


def test_crlf_line_endings_give_same_passages(tmp_path: Path, reference: list[dict]) -> None:
    path = _copy_with_meta(tmp_path, TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert [p.to_dict() for p in read_programme(path).passages] == reference


def test_invalid_utf8_byte_does_not_crash(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    raw = TEXT.encode("utf-8")
    cut = raw.index("集束弹药公约".encode()) + len("集束".encode())
    path = _copy_with_meta(tmp_path, raw[:cut] + b"\xff" + raw[cut:])
    with caplog.at_level(logging.WARNING, logger="ingest.textio"):
        text, encoding = read_text(path)
    assert encoding == "utf-8" and text.count("\ufffd") == 1 and "集束\ufffd弹药公约" in text
    assert "bad byte" in caplog.text
    passages = {p.id: p for p in read_programme(path).passages}
    assert len(passages) == 182 and passages["A/65/6(Prog.3)#mandate.64/36"].text == "64/36 集束\ufffd弹药公约"


def test_zero_byte_file_is_an_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file"):
        read_text(path)
    with pytest.raises(IngestError, match="empty file"):
        read_plain_text(path)


def test_whitespace_only_file_is_an_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\u3000\n", encoding="utf-8")
    with pytest.raises(IngestError, match="empty file"):
        read_text(path)


@pytest.mark.parametrize(
    "data",
    [
        random.Random(0).randbytes(4096),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        b"\x01\x00\x02\x00\x03\x00" * 500,  # NUL pattern of UTF-16, but control characters
    ],
    ids=["random", "png", "utf16-controls"],
)
def test_binary_file_is_an_ingest_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=r"not a text file \(binary content\)"):
        read_text(path)
    with pytest.raises(IngestError, match="binary"):
        read_plain_text(path)


def test_plain_text_paragraphs_of_a_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    body = "# 裁军\n\n第一段 第一行\n第二行 Programme of\nAction\n\n1. 第二段\n2. 第三段 http://example.org/x\n"
    path.write_text(body, encoding="gb18030")
    doc = read_plain_text(path)
    texts = [p.text for p in doc.passages]
    assert texts == ["第一段第一行第二行 Programme of Action", "1. 第二段", "2. 第三段"]
    first, third = doc.passages[0], doc.passages[2]
    assert first.id == "notes#p1" and first.kind == "paragraph" and first.location == "lines 3-5"
    assert first.citation.document == "notes" and first.citation.path == ("裁军", "p1")
    assert third.citation.paragraph == "2" and third.extra == {"urls": ["http://example.org/x"]}


def test_plain_text_double_spaced_pdf_extraction(tmp_path: Path) -> None:
    path = tmp_path / "extract.txt"
    path.write_text("3.1 在严格有效的国际监督下\n\n的全面彻底裁军\n\n3.2 本方案的授权\n\n来自大会\n", encoding="utf-8")
    doc = read_plain_text(path)
    assert [p.text for p in doc.passages] == ["3.1 在严格有效的国际监督下的全面彻底裁军", "3.2 本方案的授权来自大会"]
    assert [p.citation.paragraph for p in doc.passages] == ["3.1", "3.2"]
    assert doc.passages[1].location == "lines 5-7" and doc.lang == "zh"
