"""Real GA disarmament resolutions (Chinese + English AKN XML) through ingest, index and search.

Four First Committee resolutions read from ../shared/un-xml (never copied into the repository):
75/64 and 80/46 "武器贸易条约" (both recall the programme mandate 64/48 in their first preambular
paragraph), 75/50 (conventional arms control at the regional level, recalls 64/42) and 75/53
(environmental norms, recalls 64/33). The index also holds the programme (corpus/).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from unqa.model import Document, Passage
from unqa.paths import CORPUS_DIR, SHARED_DIR

GA = SHARED_DIR / "un-xml" / "GA"
RESOLUTIONS = {  # symbol -> (Chinese file, English file)
    "A/RES/75/64": ("75session/Chinese/75_64_C.xml", "75session/English/75_64_E.xml"),
    "A/RES/75/50": ("75session/Chinese/75_50_C.xml", "75session/English/75_50_E.xml"),
    "A/RES/75/53": ("75session/Chinese/75_53_C.xml", "75session/English/75_53_E.xml"),
    "A/RES/80/46": ("80session/Chinese/A_RES_80_46-2519840C.xml", "80session/English/A_RES_80_46-2519840E.xml"),
}
ATT_QUESTION = "大会就武器贸易条约提出了哪些要求？"

pytestmark = pytest.mark.skipif(not GA.is_dir(), reason="../shared/un-xml not available")


def resolution_files(symbols: tuple[str, ...] = tuple(RESOLUTIONS)) -> list[Path]:
    """The Chinese and English files of the resolutions, as paths into ../shared (paired by ingest.load)."""
    return [GA / name for s in symbols for name in RESOLUTIONS[s]]


def read_resolutions(symbols: tuple[str, ...] = tuple(RESOLUTIONS)) -> list[Document]:
    from ingest.pipeline import collect

    docs, skipped = collect(resolution_files(symbols), show_progress=False)
    assert not skipped, skipped
    return docs


def build_resolution_index(path: Path) -> dict:
    """The programme + the four resolutions, indexed with the real default encoder."""
    from index.build import build_index
    from ingest.pipeline import collect, unique_passages

    docs, skipped = collect([CORPUS_DIR / "a_65_6_prog3_zh.txt", *resolution_files()], show_progress=False)
    assert not skipped, skipped
    return build_index(unique_passages(docs), path, show_progress=False)


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {d.symbol: d for d in read_resolutions()}


@pytest.fixture(scope="module")
def att(docs: dict[str, Document]) -> dict[str, Passage]:
    return {p.id.split("#")[1]: p for p in docs["A/RES/75/64"].passages}


# ---------------------------------------------------------------- reading


def test_pairs_chinese_with_english(docs: dict[str, Document]) -> None:
    assert set(docs) == set(RESOLUTIONS)
    for symbol, doc in docs.items():
        assert doc.lang == "zh" and doc.doc_id == f"{symbol}@zh"
        assert doc.meta["first_committee"], symbol
        align = doc.meta["alignment"]
        assert align["aligned"] == align["paragraphs"] == len(doc.passages), (symbol, align)
    assert docs["A/RES/75/64"].title == docs["A/RES/80/46"].title == "武器贸易条约"
    assert docs["A/RES/75/64"].meta["date"] == "2020-12-07"
    assert docs["A/RES/80/46"].meta["date"] == "2025-12-01"


def test_numbering_and_labels(docs: dict[str, Document], att: dict[str, Passage]) -> None:
    passages = docs["A/RES/75/64"].passages
    assert [p.id.split("#")[1] for p in passages] == [f"pp{n}" for n in range(1, 16)] + [f"op{n}" for n in range(1, 18)]
    assert {p.kind for p in passages if "#pp" in p.id} == {"preamble"}
    assert {p.kind for p in passages if "#op" in p.id} == {"operative"}
    assert [p.order for p in passages] == list(range(len(passages)))
    op4 = att["op4"]
    assert op4.text.startswith("促请所有尚未批准、接受、核准或加入《条约》的国家")
    assert op4.citation.document == "A/RES/75/64"
    assert op4.citation.paragraph == "执行部分第 4 段"
    assert op4.citation.breadcrumb() == "A/RES/75/64 › 执行部分第 4 段"
    assert op4.citation.url == "https://docs.un.org/zh/A/RES/75/64"
    assert att["pp1"].citation.paragraph == "序言部分第 1 段"
    assert att["pp1"].citation.breadcrumb() == "A/RES/75/64 › 序言部分第 1 段"
    assert op4.symbols == ("75/64",)
    assert op4.extra["num"] == 4 and op4.extra["date"] == "2020-12-07"


def test_chinese_english_aligned(att: dict[str, Passage]) -> None:
    assert att["pp1"].en.startswith("Recalling its resolutions 61/89 of 6 December 2006")
    assert att["op4"].en.startswith("Calls upon all States that have not yet done so to")
    assert att["op17"].en.startswith("Decides to include in the provisional agenda")
    assert att["op17"].text.startswith("决定在大会第七十六届会议临时议程")


def test_pairs_follow_eids_and_numbers_and_cite_cleanly(docs: dict[str, Document]) -> None:
    """Regular resolutions keep their ids; every paragraph has its own English of the same kind and number,
    and the audit finds nothing the product is answerable for."""
    from ingest.audit import check_passages
    from unqa.cite import un_style

    for symbol, doc in docs.items():
        for p in doc.passages:
            assert (p.extra["en_kind"], p.extra["en_num"], p.extra["en_eId"]) == (
                p.kind,
                p.extra["num"],
                p.extra["eId"],
            )
        assert len({p.en for p in doc.passages}) == len(doc.passages), symbol
        assert check_passages(doc.doc_id, doc.source, doc.passages, doc.meta).findings == {}, symbol
    op4 = next(p for p in docs["A/RES/75/64"].passages if p.id == "A/RES/75/64#op4")
    assert un_style(op4, "zh") == "A/RES/75/64，执行部分第 4 段"
    assert un_style(op4, "en") == "A/RES/75/64, operative paragraph 4"


def test_footnotes_kept_apart(att: dict[str, Passage]) -> None:
    pp7 = att["pp7"]
    assert pp7.footnotes and "A/CONF.192/15" in pp7.footnotes[0]
    assert "A/CONF.192/15" not in pp7.text
    assert "A/CONF.192/2018/RC/3" in att["op10"].footnotes[0]
    assert "A/CONF.192/2018/RC/3" not in att["op10"].text
    assert "A/CONF.192/15" not in pp7.en


def test_mentions_the_programme_mandates(att: dict[str, Passage], docs: dict[str, Document]) -> None:
    assert {"61/89", "63/240", "64/48"} <= set(att["pp1"].mentions)
    assert "75/64" not in att["pp1"].mentions
    pp1_80 = next(p for p in docs["A/RES/80/46"].passages if p.id == "A/RES/80/46#pp1")
    assert "64/48" in pp1_80.mentions
    assert any("64/42" in p.mentions for p in docs["A/RES/75/50"].passages)
    assert any("64/33" in p.mentions for p in docs["A/RES/75/53"].passages)


# ---------------------------------------------------------------- index + search (real encoder)


@pytest.fixture(scope="module")
def resolution_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("resolutions") / "index"
    build_resolution_index(path)
    return path


@pytest.mark.slow
def test_att_question_finds_resolution_paragraphs(resolution_index: Path) -> None:
    from index.search import Searcher

    searcher = Searcher.load(resolution_index)
    kinds = {p.kind for p in searcher.passages}
    assert {"mandate", "preamble", "operative"} <= kinds
    response = searcher.search(ATT_QUESTION, 5)
    assert not response.abstained
    top = [h.passage for h in response.hits[:5]]
    resolution_hits = [p for p in top if p.kind in ("operative", "preamble")]
    assert resolution_hits, [p.id for p in top]
    for p in resolution_hits:
        assert p.citation.document in ("A/RES/75/64", "A/RES/80/46"), p.id
        assert p.citation.title == "武器贸易条约"
        label = "执行部分" if p.kind == "operative" else "序言部分"
        n = p.extra["num"]
        assert p.id == f"{p.citation.document}#{'op' if p.kind == 'operative' else 'pp'}{n}"
        assert p.citation.paragraph == f"{label}第 {n} 段"
        assert p.citation.breadcrumb() == f"{p.citation.document} › {label}第 {n} 段"
        assert p.citation.url == f"https://docs.un.org/zh/{p.citation.document}"
    assert any(p.kind == "operative" for p in resolution_hits), [p.id for p in top]
