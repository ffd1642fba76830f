"""Bad questions, through the one search path (``Searcher``) and through ``unqa search``.

Empty, whitespace-only, huge, punctuation/emoji-only, control characters, mixed scripts, symbols with
odd spacing, and HTML/Markdown injection: never a crash, a clear message where the question cannot be
searched, and nothing from the question rendered as markup by the app's HTML and Markdown helpers.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from index.encoders import MAX_QUERY_CHARS
from index.search import clean_query
from unqa.model import QueryError
from unqa.paths import CORPUS_DIR
from unqa_app.cli import main
from unqa_app.ui import cards, export, permalink
from unqa_app.ui.highlight import highlight, query_terms

IMG = "<img src=x onerror=alert(1)>"
MD_LINK = "[x](javascript:alert(1))"
SCRIPT = "<script>alert(1)</script>"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["search", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _no_controls(text: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text)


# ---------------------------------------------------------------- empty and whitespace


@pytest.mark.parametrize("query", ["", " ", "\t\n \u3000 ", "\x00\x01", "\u200b\u200b"])
def test_empty_or_blank_question_is_refused_by_the_searcher(searcher, query: str) -> None:
    with pytest.raises(QueryError, match="empty question"):
        searcher.search(query)


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_or_blank_question_exits_2_with_a_message(capsys, real_index, query: str) -> None:
    code, out, err = _cli(capsys, query, "--index", str(real_index))
    assert code == 2
    assert "empty question" in err
    assert "Traceback" not in err and out == ""


def test_non_text_question_is_refused() -> None:
    with pytest.raises(QueryError, match="must be text"):
        clean_query(None)


# ---------------------------------------------------------------- very long


def test_100k_character_question_is_cut_with_a_notice(searcher) -> None:
    query = "裁军事务厅的任务是什么" * 10_000  # 110,000 characters
    response = searcher.search(query, 5)
    assert len(response.query) == MAX_QUERY_CHARS
    assert any("cut" in n and str(MAX_QUERY_CHARS) in n for n in response.notices)
    assert response.hits


def test_100k_character_question_through_the_cli(capsys, real_index) -> None:
    code, out, err = _cli(capsys, "x" * 100_000, "--index", str(real_index), "--k", "3", "--json")
    assert code == 0
    assert "notice: question cut" in err
    assert len(json.loads(out)["query"]) == MAX_QUERY_CHARS


# ---------------------------------------------------------------- punctuation, emoji, controls, scripts


@pytest.mark.parametrize("query", ["!!!", "？？？。。。", "……——", "😀😀😀", "🇺🇳🕊️", "%$#@&*"])
def test_punctuation_or_emoji_only_does_not_crash(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.query == clean_query(query)[0]
    assert len(response.hits) <= 5


@pytest.mark.parametrize("query", ["!!!", "😀😀😀", "%$#@&*"])
def test_punctuation_or_emoji_only_abstains(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.abstained and response.answer is None


@pytest.mark.parametrize(
    "query",
    [
        "裁军\x00事务厅\x01的\x7f任务\u200b\u202e是什么",
        "\x1b[31m常规武器\x1b[0m",
        "核\ud800武器",  # lone surrogate
        "小武器\r\n\x0b\x0c轻武器",
    ],
)
def test_control_characters_and_nul_are_stripped(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert _no_controls(response.query)
    assert response.hits


def test_control_characters_through_the_cli(capsys, real_index) -> None:
    code, out, err = _cli(capsys, "裁军\x07事务厅\x1b[2J", "--index", str(real_index), "--k", "2", "--json")
    assert code == 0, err
    assert _no_controls(json.loads(out)["query"])


@pytest.mark.parametrize(
    "query",
    [
        "disarmament 裁军 разоружение نزع السلاح निरस्त्रीकरण",
        "Ｏｆｆｉｃｅ　ｆｏｒ　裁军事务 ＵＮＯＤＡ",
        "核武器 nuclear weapons 核兵器 핵무기",
    ],
)
def test_mixed_scripts_do_not_crash(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    assert response.hits and len(response.hits) <= 5


# ---------------------------------------------------------------- document symbols


@pytest.mark.parametrize(
    "query", ["A / RES / 64 / 36", "６４／３６", "a/res/64/36", "第 64 / 36 号决议", "A/RES/64/36"]
)
def test_symbol_with_odd_spacing_hits_the_symbol_lane(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    top = response.hits[0].passage
    assert "64/36" in top.symbols, (query, top.id)
    assert top.id.endswith("mandate.64/36")
    assert not response.abstained


def test_symbol_through_the_cli(capsys, real_index) -> None:
    code, out, _ = _cli(capsys, "A / RES / 64 / 36", "--index", str(real_index), "--k", "1", "--json")
    assert code == 0
    assert json.loads(out)["results"][0]["id"].endswith("mandate.64/36")


# ---------------------------------------------------------------- injection


@pytest.mark.parametrize("query", [IMG, MD_LINK, SCRIPT, f"裁军 {IMG} 事务厅", '"><svg onload=alert(1)> 常规武器'])
def test_injection_in_the_question_is_escaped_by_the_app(searcher, query: str) -> None:
    response = searcher.search(query, 5)
    terms = query_terms(response.query)
    for hit in response.hits:
        html = cards.passage_html(hit.passage, answer=None, terms=terms)
        assert "<img" not in html and "<script" not in html and "<svg" not in html
    # the question itself, as the count line and a highlight of a text that contains it
    count = cards.count_html(response.query, len(response.hits), 1.0, abstained=response.abstained)
    assert "<img" not in count and "<script" not in count and "<svg" not in count
    assert '"><' not in count
    marked = highlight(f"文本 {query} 文本", terms=terms + [query])
    assert "<img" not in marked and "<script" not in marked and "<svg" not in marked
    assert "&lt;" in marked or "<" not in query
    assert "javascript:" not in marked or "href" not in marked
    # Markdown export: the question cannot become a link, an image or raw HTML
    md = export.to_markdown(response)
    heading = md.splitlines()[0]
    assert not re.search(r"(?<!\\)[<>\[\]]", heading), heading  # every <, >, [ and ] backslash-escaped


def test_injection_through_the_cli_is_printed_as_text(capsys, real_index) -> None:
    code, out, err = _cli(capsys, IMG, "--index", str(real_index), "--k", "2")
    assert code == 0, err
    assert "Question: <img src=x onerror=alert(1)>" in out  # terminal output is plain text


def test_permalink_question_is_cleaned() -> None:
    state = permalink.from_params({"q": [f"\x00{IMG}\x1b" + "长" * 2000]})
    assert _no_controls(state.query)
    assert len(state.query) <= permalink.MAX_QUERY_CHARS


# ================================================================ bad documents through `unqa ingest`

ZH = "裁军事务厅负责常规武器和小武器问题。\n\n第二段：核不扩散条约缔约国审议大会的筹备工作。\n"
SCRIPT_DOC = f"Report {SCRIPT} on confidence-building measures in the field of conventional arms.\n"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>\n<akomaNtoso>&lol9;</akomaNtoso>"
)
# the same bomb with its DOCTYPE pushed beyond the first 64 KiB by a long comment
LATE_BOMB = BILLION_LAUGHS.replace(b"?>\n", b"?>\n<!--" + b"p" * 70_000 + b"-->\n", 1)
GOOD = {"gb18030.txt", "utf16_bom.txt", "utf16_nobom.txt", "script.txt", "utf8_one_bad_byte.txt", "many_pages.pdf"}
BAD = {  # file -> words its SKIPPED reason must contain
    "empty.txt": "empty",
    "binary.txt": "binary",
    "encrypted.pdf": "encrypted",
    "truncated.pdf": "truncated",
    "image_only.pdf": "no text layer",
    "malformed.xml": "malformed",
    "bomb.xml": "XML bomb",
    "late_bomb.xml": "entit",
    "script_copy.txt": "duplicate of",
    "prog_copy.txt": "duplicate of",
    "invalid_utf8.txt": "",  # see test_garbage_bytes_are_skipped
}


def _pdf(pages: int, *, text_pages: set[int] | None = None, draw_only: bool = False) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i in range(pages):
        if draw_only:
            c.rect(100, 100, 200, 200, fill=1)
        elif text_pages is None or i in text_pages:
            c.drawString(72, 700, f"Paragraph on page {i + 1} about small arms and light weapons control.")
        c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(_pdf(1))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _bad_folder(folder: Path) -> Path:
    folder.mkdir()
    for f in (f for f in CORPUS_DIR.iterdir() if f.is_file()):  # the programme (not corpus/resolutions)
        shutil.copy(f, folder / f.name)
    prog = next(CORPUS_DIR.glob("*.txt"))
    shutil.copy(prog, folder / "prog_copy.txt")
    shutil.copy(prog.with_name(f"{prog.stem}.meta.json"), folder / "prog_copy.meta.json")
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 40,
        "invalid_utf8.txt": b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * 200,
        "utf8_one_bad_byte.txt": ("联合国区域和平与裁军中心的活动。" * 80).encode() + b"\xff" + "完。\n".encode(),
        "gb18030.txt": ("国家报告：" + ZH).encode("gb18030"),
        "utf16_bom.txt": ("带字节顺序标记的文本 UTF-16 BOM 2025。" + ZH).encode("utf-16"),
        "utf16_nobom.txt": ("没有字节顺序标记 UTF-16 LE 12345 text, 67890 more.\n" + ZH).encode("utf-16-le"),
        "script.txt": SCRIPT_DOC.encode(),
        "script_copy.txt": SCRIPT_DOC.encode(),
        "encrypted.pdf": _encrypted_pdf(),
        "truncated.pdf": _pdf(3)[:1500],
        "image_only.pdf": _pdf(2, draw_only=True),
        "many_pages.pdf": _pdf(2000, text_pages={0}),
        "malformed.xml": b"<akomaNtoso><act><body><p>unclosed</body></akomaNtoso>",
        "bomb.xml": BILLION_LAUGHS,
        "late_bomb.xml": LATE_BOMB,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def bad_ingest(tmp_path_factory: pytest.TempPathFactory, real_index) -> dict:
    """One `unqa ingest` over the real programme plus every bad document (real_index warms the cache)."""
    import contextlib
    import io
    import time

    root = tmp_path_factory.mktemp("bad_docs")
    folder = _bad_folder(root / "docs")
    index = root / "index"
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["ingest", str(folder), "--index", str(index), "--no-progress"])
    skipped = {}
    for line in err.getvalue().splitlines():
        if line.startswith("SKIPPED "):
            source, _, reason = line.removeprefix("SKIPPED ").partition(": ")
            skipped[Path(source).name] = reason
    return {
        "code": code,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "skipped": skipped,
        "index": index,
        "seconds": time.perf_counter() - started,
    }


def test_ingest_with_bad_documents_exits_3(bad_ingest) -> None:
    assert bad_ingest["code"] == 3, bad_ingest["err"][-2000:]
    assert bad_ingest["seconds"] < 90
    assert "Traceback" not in bad_ingest["err"]


@pytest.mark.parametrize("name", sorted(set(BAD) - {"invalid_utf8.txt"}))
def test_each_bad_document_is_skipped_with_its_reason(bad_ingest, name: str) -> None:
    assert name in bad_ingest["skipped"], bad_ingest["skipped"]
    assert BAD[name].lower() in bad_ingest["skipped"][name].lower()


def test_garbage_bytes_are_skipped(bad_ingest) -> None:
    assert "invalid_utf8.txt" in bad_ingest["skipped"]


def test_good_documents_are_ingested(bad_ingest) -> None:
    from index.store import read_manifest, read_passages

    manifest = read_manifest(bad_ingest["index"])
    docs = manifest["ingest"]["passages_per_document"]
    assert docs["A/65/6(Prog.3)"] > 100
    for name in GOOD:
        assert name not in bad_ingest["skipped"], (name, bad_ingest["skipped"].get(name))
    passages = read_passages(bad_ingest["index"] / "passages.jsonl")
    texts = "\n".join(p.text for p in passages)
    for needle in (
        "国家报告",
        "带字节顺序标记的文本",
        "没有字节顺序标记",
        "联合国区域和平与裁军中心",
        "page 1 about small arms",
    ):
        assert needle in texts, needle


def test_script_in_a_document_is_stored_as_text_and_escaped_in_the_app(bad_ingest) -> None:
    from index.store import read_passages

    passages = [p for p in read_passages(bad_ingest["index"] / "passages.jsonl") if SCRIPT in p.text]
    assert len(passages) == 1  # the duplicate copy was skipped
    html = cards.passage_html(passages[0], answer=passages[0].text, terms=["script", "alert"])
    assert "<script" not in html and "&lt;" in html
    assert "<script" not in cards.context_html([(passages[0], True)], terms=["alert"])


def test_many_page_pdf_is_read_in_bounded_time_and_memory(tmp_path: Path) -> None:
    import time
    import tracemalloc

    from ingest.pdf import read_pdf

    path = tmp_path / "many_pages.pdf"
    path.write_bytes(_pdf(2000, text_pages={0, 1999}))
    tracemalloc.start()
    started = time.perf_counter()
    try:
        doc = read_pdf(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 60
    assert peak < 300 * 1024 * 1024
    text = " ".join(p.text for p in doc.passages)
    assert "page 1 about" in text and "page 2000 about" in text


def test_xml_bomb_is_refused_fast() -> None:
    import time

    from ingest.akn import read_akn
    from unqa.model import IngestError

    for data in (BILLION_LAUGHS, LATE_BOMB):
        started = time.perf_counter()
        with pytest.raises(IngestError):
            read_akn(data, "bomb.xml")
        assert time.perf_counter() - started < 1.0
