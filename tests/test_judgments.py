"""The SQLite judgment store: latest vote wins, undo, WAL, exports, several processes at once, eval reads it."""

from __future__ import annotations

import json
import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest

from eval import judgments as J
from eval.gold import GoldQuestion, merge_judgments
from eval.judgments import JudgmentStore, Vote
from unqa_app.cli import main

Q = "联合国哪个部门负责裁军方案？"


def _vote(**kw) -> Vote:
    base = {"query": Q, "passage_id": "A/65/6(Prog.3)#3.3", "judge": "ann", "relevant": True, "rank": 1}
    return Vote(**{**base, **kw})


def test_store_lives_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UNQA_DATA", str(tmp_path / "d"))
    assert J.default_path() == tmp_path / "d" / "judgments.sqlite3"
    monkeypatch.delenv("UNQA_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert J.default_path() == tmp_path / "xdg" / "unqa" / "judgments.sqlite3"
    assert "/work/main" not in str(J.default_path())


def test_latest_vote_wins_undo_and_row_fields(tmp_path: Path) -> None:
    with JudgmentStore(tmp_path / "j.sqlite3") as store:
        assert store.journal_mode() == "wal"
        store.vote(_vote(relevant=True, filters={"kinds": ["overview"]}, system="hybrid", build_id="b1"))
        store.vote(_vote(relevant=False, rank=3, system="hybrid", build_id="b1"))  # change of mind
        store.vote(_vote(judge="bob"))
        store.vote(_vote(target="answer"))
        rows = store.all()
        assert len(rows) == 3
        ann = next(v for v in rows if v.judge == "ann" and v.target == "passage")
        assert (ann.relevant, ann.rank, ann.system, ann.build_id, ann.filters) == (False, 3, "hybrid", "b1", {})
        assert store.votes_for(Q, "ann") == {
            ("A/65/6(Prog.3)#3.3", "passage"): False,
            ("A/65/6(Prog.3)#3.3", "answer"): True,
        }
        assert store.undo(Q, "A/65/6(Prog.3)#3.3", "ann") is True
        assert store.undo(Q, "A/65/6(Prog.3)#3.3", "ann") is False
        assert store.votes_for(Q, "ann") == {("A/65/6(Prog.3)#3.3", "answer"): True}
        with pytest.raises(ValueError, match="target"):
            store.vote(_vote(target="sentence"))


def _writer(path: str, worker: int, n: int) -> None:
    with JudgmentStore(path) as store:
        for i in range(n):
            store.vote(_vote(passage_id=f"P#{worker}-{i}", judge=f"w{worker}"))


def test_several_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "j.sqlite3")
    JudgmentStore(path).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 60)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with JudgmentStore(path) as store:
        votes = store.all()
    assert len(votes) == 240
    assert {v.passage_id for v in votes} == {f"P#{w}-{i}" for w in range(4) for i in range(60)}
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_export_trec_and_jsonl_and_eval_reads_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "j.sqlite3"
    with JudgmentStore(db) as store:
        store.vote(_vote(relevant=True, time="2026-01-01T00:00:00"))
        store.vote(_vote(judge="bob", relevant=False, time="2026-01-02T00:00:00"))  # the latest wins overall
        store.vote(_vote(passage_id="A/65/6(Prog.3)#3.2", relevant=True))
    trec, jsonl = tmp_path / "q.trec", tmp_path / "v.jsonl"
    assert main(["judgments", "--db", str(db), "export", "--trec", str(trec), "--jsonl", str(jsonl)]) == 0
    lines = sorted(trec.read_text(encoding="utf-8").splitlines())
    qid = J.qid_of(Q)
    assert lines == [f"{qid} 0 A/65/6(Prog.3)#3.2 1", f"{qid} 0 A/65/6(Prog.3)#3.3 0"]
    assert f"{qid}\t{Q}" in Path(f"{trec}.queries.tsv").read_text(encoding="utf-8")
    rows = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and {"filters", "rank", "system", "build_id", "judge"} <= set(rows[0])
    gold = [GoldQuestion(id="p9", question=Q, lang="zh", kind="paraphrase")]
    for source in (db, jsonl):  # what unqa eval --judgments reads
        merged = merge_judgments({}, gold, J.read_records(source))
        assert merged.qrels == {"p9": {"A/65/6(Prog.3)#3.2": 1}}, source
    assert "2 qrels" in capsys.readouterr().out


def test_export_without_a_store_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judgments", "--db", str(tmp_path / "none.sqlite3"), "export", "--trec", str(tmp_path / "q")]) != 0
    assert "no judgment store" in capsys.readouterr().err
