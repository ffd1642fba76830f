"""PDF reader: pages cited, running headers/footers dropped, Chinese text, bad PDFs refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.load import Skipped, iter_documents
from ingest.pdf import read_pdf
from unqa.model import IngestError
from unqa.paths import SHARED_DIR

SECT4 = SHARED_DIR / "un-pdf" / "A_81_6 (SECT. 4).pdf"
SECT3 = SHARED_DIR / "un-pdf" / "A_81_6 (SECT. 3).pdf"
needs_shared = pytest.mark.skipif(not SECT4.is_file(), reason="../shared/un-pdf not available")

PAGES = [
    [("4.1 裁军事务厅负责支持旨在实现在严格有效国际监督下全面彻底裁军目标的多边努力。", "其任务源自大会相关决议。")],
    [
        ("4.2 本厅将确保充分执行立法授权，遵守联合国的政策和程序，", "并加强与区域组织的合作。"),
        ("4.3 本厅将继续推动妇女平等参与裁军进程。", ""),
    ],
    [("4.4 预计上述工作将有助于实现以下成果：", "会员国加强履行裁军义务的能力。")],
]


def _chinese_pdf(path: Path) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, paras in enumerate(PAGES, start=1):
        c.setFont("STSong-Light", 10)
        c.drawString(72, 800, "第四款 裁军")
        c.drawString(72, 785, "A/81/6 (Sect. 4)")
        y = 740
        for first, second in paras:
            c.setFont("STSong-Light", 12)
            c.drawString(72, y, first)
            if second:
                c.drawString(72, y - 16, second)
            y -= 60
        c.setFont("STSong-Light", 9)
        footer = f"{number}/{len(PAGES)} 26-03518" if number % 2 else f"26-03518 {number}/{len(PAGES)}"
        c.drawString(72, 40, footer)
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def chinese_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _chinese_pdf(tmp_path_factory.mktemp("pdf") / "zh_report.pdf")


def test_chinese_pdf_pages_and_text(chinese_pdf: Path) -> None:
    doc = read_pdf(chinese_pdf)
    by_label = {p.citation.paragraph: p for p in doc.passages}
    assert doc.lang == "zh"
    assert doc.symbol == "A/81/6 (Sect. 4)"
    assert {k: by_label[k].citation.page for k in ("4.1", "4.2", "4.3", "4.4")} == {
        "4.1": 1,
        "4.2": 2,
        "4.3": 2,
        "4.4": 3,
    }
    assert by_label["4.1"].text == PAGES[0][0][0][4:] + PAGES[0][0][1]  # joined without a space
    assert by_label["4.2"].id == "A/81/6(Sect.4)#4.2"
    assert len(doc.passages) == 4
    for p in doc.passages:
        assert not re.search(r"26-03518|\d/3\b|第四款|A/81/6", p.text), p.text


@needs_shared
def test_real_pdf_page_numbers_and_no_furniture() -> None:
    doc = read_pdf(SECT4)
    by_label = {p.citation.paragraph: p for p in doc.passages}
    # read off the PDF: 4.1 opens page 2, 4.5 opens page 3 (4.4 runs over from page 2), 4.12 on page 4
    assert (by_label["4.1"].citation.page, by_label["4.4"].citation.page) == (2, 2)
    assert by_label["4.5"].citation.page == 3 and by_label["4.12"].citation.page == 4
    assert by_label["4.1"].text.startswith("The Office for Disarmament Affairs is responsible")
    assert "subprogramme combines subprogrammes 4 and 5" in by_label["4.4"].text  # joined across the page
    assert by_label["4.12"].citation.url == "https://docs.un.org/en/A/81/6(Sect.4)"
    assert doc.title == "Section 4 Disarmament"
    for p in doc.passages:
        assert not re.search(r"\b26-03518\b|\*2603518\*|Section 4 Disarmament|Part II Political affairs", p.text)
        assert not re.match(r"\d{1,2}/31\b", p.text) and not re.search(r"\b\d{1,2}/31$", p.text), p.text


@needs_shared
def test_real_pdf_section_3_roman_numbering() -> None:
    doc = read_pdf(SECT3)
    labels = [p.citation.paragraph for p in doc.passages]
    assert "3.I.1" in labels and doc.symbol == "A/81/6 (Sect. 3)"
    assert len(set(p.id for p in doc.passages)) == len(doc.passages)


def _encrypted(tmp: Path, src: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = tmp / "locked.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_bad_pdfs_skipped_while_good_one_ingested(tmp_path: Path, chinese_pdf: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = folder / "good.pdf"
    good.write_bytes(chinese_pdf.read_bytes())
    _encrypted(folder, chinese_pdf)
    (folder / "truncated.pdf").write_bytes(chinese_pdf.read_bytes()[:700])
    out = list(iter_documents([folder], show_progress=False))
    skipped = {Path(s.source).name: s.reason for s in out if isinstance(s, Skipped)}
    docs = [d for d in out if not isinstance(d, Skipped)]
    assert [Path(d.source).name for d in docs] == ["good.pdf"]
    assert "encrypted" in skipped["locked.pdf"]
    assert re.search(r"broken|truncated|no pages|no text", skipped["truncated.pdf"])


def test_scanned_pdf_raises(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(72, 72, 400, 600, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match="no text layer"):
        read_pdf(path)
