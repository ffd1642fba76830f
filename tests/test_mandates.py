"""The mandate graph (index.mandates), `unqa mandates`, and incremental ingest of resolutions.

Verified by reading the XML: the programme mandate 64/48 (武器贸易条约) is recalled in the first
preambular paragraph of A/RES/75/64 (7 Dec 2020) and A/RES/80/46 (1 Dec 2025), both titled 武器贸易条约
("回顾其……2009年12月2日第64/48号……决议").
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from index.mandates import build_graph, cited_keys, resolve_key, snippet
from unqa.model import Citation, Passage

# ---------------------------------------------------------------- hand-made passages


def _mandate(key: str, text: str, order: int) -> Passage:
    symbol = f"A/RES/{key}"
    return Passage(
        id=f"A/65/6(Prog.3)#mandate.{key}",
        text=f"{key} {text}",
        kind="mandate",
        citation=Citation(
            "A/65/6 (Prog. 3)",
            "方案 3 裁军",
            ("方案 3 裁军", "法律授权", "大会决议", key),
            key,
            "prog.txt",
            url=f"https://docs.un.org/zh/{symbol}",
        ),
        doc_id="A/65/6(Prog.3)",
        order=order,
        symbols=(key,),
        extra={"symbol": symbol, "mandate_type": "ga_resolution"},
    )


def _para(
    symbol: str, kind: str, n: int, text: str, date: str, *, mentions: list[str] | None = None, en: str = ""
) -> Passage:
    key = symbol.removeprefix("A/RES/")
    label = "序言部分" if kind == "preamble" else "执行部分"
    pid = f"{symbol}#{'pp' if kind == 'preamble' else 'op'}{n}"
    extra = {"date": date, "num": n}
    return Passage(
        en=en,
        mentions=tuple(mentions or ()),
        id=pid,
        text=text,
        kind=kind,
        citation=Citation(
            symbol,
            "武器贸易条约",
            (symbol, f"{label}第 {n} 段"),
            f"{label}第 {n} 段",
            "x.xml",
            url=f"https://docs.un.org/zh/{symbol}",
        ),
        doc_id=f"{symbol}@zh",
        order=n if kind == "preamble" else 100 + n,
        symbols=(key,),
        extra=extra,
    )


@pytest.fixture()
def fake() -> list[Passage]:
    return [
        _mandate("64/48", "武器贸易条约", 0),
        _mandate("63/240", "推动拟订一项武器贸易条约", 1),
        _mandate("1540(2004)", "不扩散大规模毁灭性武器", 2),
        _mandate("60/77", "防止恐怖分子获取大规模毁灭性武器的措施", 3),
        # the mandate resolution itself is in the corpus
        _para("A/RES/64/48", "preamble", 1, "回顾其2008年12月24日第63/240号决议，", "2009-12-02"),
        _para("A/RES/64/48", "operative", 1, "决定召开联合国武器贸易条约会议；", "2009-12-02"),
        # a later resolution, listed before an earlier one (sorting by date is the graph's job)
        _para(
            "A/RES/80/46",
            "preamble",
            1,
            "回顾其2009年12月2日第６４／４８号决议，",
            "2025-12-01",
            en="Recalling its resolution 64/48 of 2 December 2009,",
        ),
        _para(
            "A/RES/75/64",
            "preamble",
            1,
            "回顾其2008年12月24日第63/240号和2009年12月2日第64/48号决议，",
            "2020-12-07",
            mentions=["63/240", "64/48"],
        ),
        _para("A/RES/75/64", "operative", 3, "又回顾A/RES/64/48号决议的各项规定；", "2020-12-07"),
        _para("A/RES/75/64", "operative", 4, "促请所有国家加入《条约》；", "2020-12-07"),
        # cited only through the reader's mentions (the text spells it otherwise)
        _para(
            "A/RES/75/58", "preamble", 2, "回顾安全理事会第1540（2004）号决议，", "2020-12-07", mentions=["1540(2004)"]
        ),
        # a programme (non-resolution) passage citing the key is not a recalling resolution
        Passage(
            id="A/65/6(Prog.3)#3.9",
            text="执行第64/48号决议。",
            kind="strategy",
            citation=Citation("A/65/6 (Prog. 3)", "", (), "3.9", "prog.txt"),
            order=9,
        ),
    ]


def test_resolve_key_spellings() -> None:
    for spelling in ("64/48", "A/RES/64/48", "第64/48号决议", "６４／４８", "resolution 64/48"):
        assert resolve_key(spelling) == "64/48", spelling
    assert resolve_key("S/RES/1540 (2004)") == resolve_key("第1540（2004）号决议") == "1540(2004)"
    assert resolve_key("武器贸易条约") is None


def test_entry_lists_resolution_and_recalling_resolutions_by_date(fake: list[Passage]) -> None:
    graph = build_graph(fake)
    for spelling in ("64/48", "A/RES/64/48", "第64/48号决议"):
        assert graph.entry(spelling) == graph.entry("64/48")
    entry = graph.entry("64/48")
    assert entry["key"] == "64/48" and entry["symbol"] == "A/RES/64/48" and entry["title"] == "武器贸易条约"
    prog = entry["programme_entry"]
    assert prog["id"] == "A/65/6(Prog.3)#mandate.64/48"
    assert prog["url"] == "https://docs.un.org/zh/A/RES/64/48"
    assert prog["citation"] == "A/65/6 (Prog. 3) › 方案 3 裁军 › 法律授权 › 大会决议 › 64/48"
    own = entry["resolution_in_corpus"]
    assert own["symbol"] == "A/RES/64/48" and own["date"] == "2009-12-02" and own["paragraphs"] == 2
    recalled = entry["recalled_by"]
    assert [r["symbol"] for r in recalled] == ["A/RES/75/64", "A/RES/80/46"]  # oldest first, itself excluded
    first = recalled[0]
    assert first["date"] == "2020-12-07" and first["url"] == "https://docs.un.org/zh/A/RES/75/64"
    assert first["title"] == "武器贸易条约"
    assert [p["id"] for p in first["paragraphs"]] == ["A/RES/75/64#pp1", "A/RES/75/64#op3"]
    assert [p["paragraph"] for p in first["paragraphs"]] == ["序言部分第 1 段", "执行部分第 3 段"]
    assert first["paragraphs"][1]["citation"] == "A/RES/75/64 › 执行部分第 3 段"
    assert "64/48" in first["paragraphs"][0]["snippet"]
    later = recalled[1]["paragraphs"][0]
    assert "６４／４８" in later["snippet"]  # full-width spelling found, text shown as written
    assert later["snippet_en"] == "Recalling its resolution 64/48 of 2 December 2009,"
    json.dumps(entry, ensure_ascii=False)  # JSON-ready


def test_entry_via_mentions_only_and_unknown(fake: list[Passage]) -> None:
    graph = build_graph(fake)
    sc = graph.entry("S/RES/1540 (2004)")
    assert sc["resolution_in_corpus"] is None
    assert [r["symbol"] for r in sc["recalled_by"]] == ["A/RES/75/58"]
    assert graph.entry("60/77")["recalled_by"] == []
    assert graph.entry("75/64") is None  # a resolution in the corpus, but no programme mandate
    assert graph.entry("99/1") is None and graph.entry("no symbol") is None
    assert graph.keys() == ["64/48", "63/240", "1540(2004)", "60/77"]


def test_continues(fake: list[Passage]) -> None:
    graph = build_graph(fake)
    by_doc = graph.continues("A/RES/75/64")
    assert [(m["key"], m["relation"]) for m in by_doc] == [("64/48", "recalls"), ("63/240", "recalls")]
    assert [p["id"] for p in by_doc[0]["paragraphs"]] == ["A/RES/75/64#pp1", "A/RES/75/64#op3"]
    assert graph.continues("第75/64号决议") == by_doc
    assert [m["key"] for m in graph.continues("A/RES/75/64#op3")] == ["64/48"]
    assert graph.continues("A/RES/75/64#op4") == []
    same = graph.continues("A/RES/64/48")
    assert [(m["key"], m["relation"]) for m in same] == [("64/48", "same"), ("63/240", "recalls")]
    assert graph.continues("A/RES/99/1") == [] and graph.continues("A/65/6(Prog.3)#3.9") == []


def test_cited_keys_and_snippet() -> None:
    p = _para("A/RES/75/64", "preamble", 1, "回顾第75/64号和第64/48号决议", "2020-12-07", mentions=["1540(2004)"])
    assert cited_keys(p) == ["1540(2004)", "64/48"]  # its own key left out
    long = "甲" * 100 + "第64/48号决议" + "乙" * 100
    s = snippet(long, "64/48", width=10)
    assert s == "…" + "甲" * 9 + "第64/48号决议" + "乙" * 7 + "…"
    assert snippet("第164/480号", "64/48").startswith("第164/480号")  # no false match inside another symbol


# ---------------------------------------------------------------- `unqa mandates` on a real index


def _cli(*argv: str) -> tuple[int, str, str]:
    from unqa_app.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def real_resolution_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_resolutions import GA, build_resolution_index

    if not GA.is_dir():
        pytest.fail("../shared/un-xml not available")
    path = tmp_path_factory.mktemp("mandates") / "index"
    build_resolution_index(path)
    return path


@pytest.mark.slow
def test_cli_mandates_json_lists_the_recalling_resolutions(real_resolution_index: Path) -> None:
    code, out, _ = _cli("mandates", "64/48", "--index", str(real_resolution_index), "--json")
    assert code == 0
    entry = json.loads(out)["mandate"]
    assert entry["key"] == "64/48" and entry["title"] == "武器贸易条约"
    assert entry["programme_entry"]["id"] == "A/65/6(Prog.3)#mandate.64/48"
    assert entry["resolution_in_corpus"] is None
    recalled = entry["recalled_by"]
    assert [(r["symbol"], r["date"]) for r in recalled] == [
        ("A/RES/75/64", "2020-12-07"),
        ("A/RES/80/46", "2025-12-01"),
    ]
    pp1 = recalled[0]["paragraphs"][0]
    assert pp1["id"] == "A/RES/75/64#pp1" and pp1["paragraph"] == "序言部分第 1 段"
    assert "2009年12月2日第64/48号" in pp1["snippet"]
    assert "64/48 of 2 December 2009" in pp1["snippet_en"]
    # any spelling; text output with Chinese and English labels and the source note
    code, text, _ = _cli("mandates", "A/RES/64/48", "--index", str(real_resolution_index))
    assert code == 0
    assert "后续决议 Recalled by: 2" in text and "A/RES/75/64 › 序言部分第 1 段" in text
    assert "United Nations" in text
    # the reverse: what a resolution continues
    code, out, _ = _cli("mandates", "A/RES/75/50", "--index", str(real_resolution_index), "--json")
    assert code == 0 and [m["key"] for m in json.loads(out)["continues"]] == ["64/42"]


@pytest.mark.slow
def test_cli_mandates_unknown_symbol(real_resolution_index: Path, tmp_path: Path) -> None:
    code, out, err = _cli("mandates", "99/999", "--index", str(real_resolution_index))
    assert code == 2 and not out
    assert "99/999" in err and "neither a mandate" in err and "Traceback" not in err
    code, _, err = _cli("mandates", "武器贸易条约", "--index", str(real_resolution_index))
    assert code == 2 and "not a UN document symbol" in err
    code, _, err = _cli("mandates", "64/48", "--index", str(tmp_path / "nothing"))
    assert code == 2 and "no index" in err


def test_cli_does_not_load_the_encoder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: list[Passage]) -> None:
    from index import encoders, store

    def boom(*a, **k):
        raise AssertionError("the encoder must not be loaded")

    monkeypatch.setattr(encoders, "load_encoder", boom)
    build = tmp_path / "index" / "builds" / "b1"
    build.mkdir(parents=True)
    store.write_passages(build / store.PASSAGES, fake)
    store.write_json(build / store.MANIFEST, {"format_version": store.FORMAT_VERSION})
    os.symlink(Path("builds") / "b1", tmp_path / "index" / "current")
    code, out, _ = _cli("mandates", "64/48", "--index", str(tmp_path / "index"), "--json")
    assert code == 0
    assert [r["symbol"] for r in json.loads(out)["mandate"]["recalled_by"]] == ["A/RES/75/64", "A/RES/80/46"]


# ---------------------------------------------------------------- incremental ingest (real encoder)


def _texts(index_dir: Path) -> set[str]:
    from index import store
    from index.build import embed_texts

    return set(embed_texts(store.read_passages(store.current_dir(index_dir) / store.PASSAGES)))


def _ingest(folder: Path, index_dir: Path) -> dict:
    code, out, err = _cli("ingest", str(folder), "--index", str(index_dir), "--json", "--no-progress")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.slow
def test_incremental_ingest_embeds_only_changed_passages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from test_resolutions import GA, RESOLUTIONS

    from index import store

    if not GA.is_dir():
        pytest.fail("../shared/un-xml not available")
    monkeypatch.setenv("UNQA_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "xml" / "75session"
    for symbol in ("A/RES/75/50", "A/RES/75/53"):  # working copies in tmp (never in the repository)
        for name in RESOLUTIONS[symbol]:
            dst = folder / Path(name).relative_to("75session")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(GA / name, dst)
    index_dir = tmp_path / "index"

    first = _ingest(folder, index_dir)
    assert first["documents_read"] == 2
    assert first["build"]["from_cache"] == 0 and first["build"]["embedded_now"] > 0
    before = _texts(index_dir)

    again = _ingest(folder, index_dir)
    assert again["build"]["embedded_now"] == 0
    assert store.read_manifest(index_dir)["build"]["embedded_now"] == 0

    zh = folder / "Chinese" / "75_53_C.xml"
    os.utime(zh, (1_700_000_000, 1_700_000_000))  # touched, same bytes
    assert _ingest(folder, index_dir)["build"]["embedded_now"] == 0

    data = zh.read_text(encoding="utf-8")
    old = "使用核武器对环境造成的有害影响"
    assert data.count(old) == 1
    zh.write_text(data.replace(old, "使用核武器对环境和人类健康造成的有害影响"), encoding="utf-8")
    changed = _ingest(folder, index_dir)
    new_texts = _texts(index_dir) - before
    assert changed["build"]["embedded_now"] == len(new_texts) >= 1
    assert all("人类健康" in t for t in new_texts)  # only the changed paragraph of 75/53
    passages = store.read_passages(store.current_dir(index_dir) / store.PASSAGES)
    pp6 = next(p for p in passages if p.id == "A/RES/75/53#pp6")
    assert pp6.text == "念及使用核武器对环境和人类健康造成的有害影响，"

    # --add: one more resolution joins the index; what was there stays, and only its new texts are embedded
    extra = tmp_path / "xml" / "80session"
    for name in RESOLUTIONS["A/RES/80/46"]:
        dst = extra / Path(name).relative_to("80session")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GA / name, dst)
    before_add = _texts(index_dir)
    code, out, err = _cli("ingest", str(extra), "--index", str(index_dir), "--add", "--json", "--no-progress")
    assert code == 0, err
    added = json.loads(out)
    assert added["documents_read"] == 3
    assert added["build"]["embedded_now"] == len(_texts(index_dir) - before_add) > 0
    ids = {p.id for p in store.read_passages(store.current_dir(index_dir) / store.PASSAGES)}
    assert "A/RES/75/50#op1" in ids and "A/RES/75/53#pp6" in ids and "A/RES/80/46#op5" in ids
    code, _, err = _cli("ingest", str(extra), "--index", str(tmp_path / "none"), "--add", "--no-progress")
    assert code != 0 and "--add needs a built index" in err
