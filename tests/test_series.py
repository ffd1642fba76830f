"""Resolution series, paragraph matching and word diffs on real UN XML from ../shared (Arms Trade Treaty)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import series as S
from unqa.paths import CORPUS_DIR
from unqa_app.cli import main
from unqa_app.ui import service

ATT = [(75, "75_64_"), (76, "A_RES_76_50-"), (77, "A_RES_77_62-"), (78, "A_RES_78_48-"), (79, "A_RES_79_52-")]
OTHERS = [(79, "A_RES_79_54-"), (78, "A_RES_78_47-")]  # other First Committee series, same sessions


def _files(shared: Path, picks: list[tuple[int, str]]) -> list[Path]:
    out = [
        f
        for session, stem in picks
        for lang in ("Chinese", "English")
        for f in (shared / "un-xml" / "GA" / f"{session}session" / lang).glob(stem + "*")
    ]
    assert len(out) == 2 * len(picks), out
    return out


@pytest.fixture(scope="module")
def paths(shared_dir: Path) -> list[Path]:
    return [*_files(shared_dir, ATT + OTHERS), CORPUS_DIR / "resolutions"]


@pytest.fixture(scope="module")
def known(paths: list[Path]) -> dict[str, S.Resolution]:
    from ingest.pipeline import collect, unique_passages

    docs, skipped = collect(paths, show_progress=False)
    assert not skipped
    return S.resolutions(unique_passages(docs))


def test_the_arms_trade_treaty_chain_from_references_and_titles(known) -> None:
    chain = [r.key for r in S.chain("80/46", known)]
    assert chain == ["75/64", "76/50", "77/62", "78/48", "79/52", "80/46"]
    assert [r.key for r in S.chain("77/62", known)] == chain  # the same series from the middle
    assert S.predecessor(known["79/54"], known) is None or S.predecessor(known["79/54"], known).key != "78/48"
    assert "79/52" in S.cited_predecessors(known["80/46"])
    ids = S.series_ids(known)
    assert {ids[k] for k in chain} == {"75/64"} and ids["79/54"] != "75/64"


def test_paragraphs_match_across_sessions_and_what_changed(known) -> None:
    change = S.what_changed(known["79/52"], known["80/46"])
    c = change["counts"]
    assert sum(c.values()) >= len(known["80/46"].paragraphs)
    assert c["unchanged"] > c["changed"] > 0  # a yearly update: most paragraphs kept
    pp1 = next(p for p in change["pairs"] if p.new and p.new.id == "A/RES/80/46#pp1")
    assert pp1.old.id == "A/RES/79/52#pp1" and pp1.status == "changed"
    for p in change["pairs"]:
        if p.old and p.new:
            assert p.old.kind == p.new.kind


def test_word_diff_marks_the_new_reference_in_both_languages(known) -> None:
    old, new = known["79/52"].paragraphs[0], known["80/46"].paragraphs[0]
    diffs = S.word_diff(old.text, new.text)
    inserted = "".join(t for op, t in diffs if op == S.INSERT)
    assert "79/52" in inserted and "2024年12月2日" in inserted
    assert "".join(t for op, t in diffs if op != S.DELETE) == new.text
    assert "".join(t for op, t in diffs if op != S.INSERT) == old.text
    en = S.word_diff(old.en, new.en)
    assert "79/52 of 2 December 2024" in "".join(t for op, t in en if op == S.INSERT)
    assert all(op == S.EQUAL for op, _ in S.word_diff(new.text, new.text))


def test_earlier_sessions_and_folding_in_the_app(known) -> None:
    passages = [p for r in known.values() for p in r.paragraphs]
    si = service.series_index(passages)
    p = known["80/46"].paragraphs[0]
    rows = service.earlier_sessions(si, p, "zh")
    assert [r["key"] for r in rows] == ["79/52", "78/48", "77/62", "76/50", "75/64"]
    assert rows[0]["citation"] == "A/RES/79/52，序言部分第 1 段"
    from unqa.model import Hit

    same = [Hit(r.paragraphs[1], 1.0 - i / 10, i + 1) for i, r in enumerate(S.chain("80/46", known)[::-1])]
    folded = service.fold_series(same, si)
    assert len(folded) == 1 and folded[0][0].passage.id == "A/RES/80/46#pp2" and len(folded[0][1]) == 5


def test_series_command_prints_the_chain(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["series", "A/RES/80/46", *map(str, paths), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["symbol"] for c in out["chain"]][-2:] == ["A/RES/79/52", "A/RES/80/46"]
    assert out["chain"][-1]["title"] == "武器贸易条约" and out["chain"][-1]["date"] == "2025-12-01"
    assert out["changes"][-1]["old"] == "79/52" and out["changes"][-1]["changed"] > 0
    assert main(["series", "80/9999", *map(str, paths)]) != 0


def test_programme_mandates_find_their_later_resolutions_by_subject() -> None:
    """64/36, 64/24 and 64/69 are never cited by number in the 80th session; their series continue."""
    from index.mandates import build_graph
    from ingest.pipeline import collect, unique_passages

    docs, skipped = collect([CORPUS_DIR], show_progress=False)  # the default corpus: programme + 80th session
    assert not skipped
    passages = unique_passages(docs)
    graph, si = build_graph(passages), service.series_index(passages)
    later = {k: [r["symbol"] for r in service.same_subject(si, graph.entry(k))] for k in ("64/36", "64/24", "64/69")}
    assert later["64/36"][0] == "A/RES/80/52"  # 《集束弹药公约》的执行情况
    assert later["64/24"][0] == "A/RES/80/14"  # 非洲无核武器区条约 (Pelindaba)
    assert "A/RES/80/70" in later["64/69"]  # 全面禁止核试验条约
    assert all(s.startswith("A/RES/80/") for v in later.values() for s in v)
    assert service.same_subject(si, {"key": "64/99", "title": "核", "recalled_by": []}) == []  # too short to match


def test_resolution_paragraphs_show_the_mandate_they_continue_by_subject() -> None:
    from index.mandates import build_graph
    from ingest.pipeline import collect, unique_passages

    docs, _ = collect([CORPUS_DIR], show_progress=False)
    passages = unique_passages(docs)
    graph, si = build_graph(passages), service.series_index(passages)
    by_subject = service.subject_continues(graph, si)
    op = next(p for p in passages if p.citation.document == "A/RES/80/52" and p.kind == "operative")
    kind, items = service.mandate_links(graph, op, by_subject)
    assert kind == "continues" and "64/36" in [i["key"] for i in items]  # under operative hits too
