"""The eval harness against a fake searcher: qrels from spans, judgments, metrics, outputs."""

from __future__ import annotations

import argparse
import json
import math
import platform
import re

import pytest

from eval import harness, report
from eval.gold import GoldQuestion, merge_judgments, normalize_span, read_judgments, span_qrels
from eval.metrics import METRICS, ranked_scores
from index.config import SearchConfig
from unqa.model import Citation, Hit, Passage, SearchResponse

PROG = "A/65/6 (Prog. 3)"


def passage(pid: str, text: str, doc: str = PROG) -> Passage:
    return Passage(id=pid, text=text, kind="paragraph", citation=Citation(doc, "t", (), pid, "src"))


PASSAGES = [
    passage("P#1", "3.1 在严格有效的国际监督下的全面彻底\n裁军仍然是最终目标。"),
    passage("P#2", "(a) ㈠ 附属机构主席对支助的 效力 的承认增加"),
    passage("P#3", "本次级方案由常规武器处执行。"),
    passage("P#4", "64/36 集束弹药公约"),
    passage("R#op1", "敦促所有尚未参加《集束弹药公约》的国家尽早批准", doc="A/RES/80/52"),
    passage("P#5", "敦促所有尚未参加《集束弹药公约》的国家尽早批准"),  # same words, other document
]
QUESTIONS = [
    GoldQuestion("p001", "最终目标？", "zh", "paraphrase", PROG, ("全面彻底裁军仍然是最终目标",)),
    GoldQuestion("p002", "Who executes it?", "en", "structure", PROG, ("本次级方案由常规武器处执行",)),
    GoldQuestion("r001", "集束弹药？", "zh", "mandate", "A/RES/80/52", ("尚未参加《集束弹药公约》的国家",)),
    GoldQuestion("p003", "城市？", "zh", "unanswerable", PROG, ()),
]
# Deterministic rankings per mode: relevant passage at rank 1, 2 and 4 for "hybrid".
RANKINGS = {
    "hybrid": {
        "最终目标？": ["P#1", "P#2"],
        "Who executes it?": ["P#1", "P#3"],
        "集束弹药？": ["P#4", "P#5", "P#2", "R#op1"],
        "城市？": ["P#2"],
    },
    "bm25": {"最终目标？": ["P#2", "P#1"], "Who executes it?": [], "集束弹药？": ["P#5", "P#4"], "城市？": []},
}
ABSTAIN = {"城市？", "Who executes it?"}


class FakeSearcher:
    def __init__(self, passages=PASSAGES) -> None:
        self.passages = list(passages)
        self.manifest = {"model": "fake", "dimension": 2}
        self._by_id = {p.id: p for p in passages}

    def batch_search(self, queries, k=10, *, config=None, filters=None):
        mode = (config or SearchConfig()).mode
        ranking = RANKINGS["bm25" if mode == "bm25" else "hybrid"]
        return [self._response(q, ranking.get(q, [])[:k]) for q in queries]

    def _response(self, query, pids):
        hits = tuple(
            Hit(self._by_id[pid], score=1.0 if i < 2 else 0.5 - i / 10, rank=i + 1) for i, pid in enumerate(pids)
        )
        return SearchResponse(query=query, abstained=query in ABSTAIN, answer=None, hits=hits)


SYSTEMS = [harness.System("bm25", SearchConfig(mode="bm25")), harness.System("hybrid", SearchConfig())]


@pytest.fixture(scope="module")
def evaluated():
    return harness.evaluate_systems(QUESTIONS, {"main": FakeSearcher()}, SYSTEMS, judgments_file=None)


def test_normalize_span():
    assert normalize_span("(a) ㈠ 附属\n机构") == "(a)(一)附属机构"
    assert normalize_span("（第 55/2 号决议）") == "(第55/2号决议)"


def test_span_qrels_match_across_whitespace_and_document():
    qrels = span_qrels(QUESTIONS, PASSAGES)
    assert qrels == {"p001": {"P#1": 1}, "p002": {"P#3": 1}, "r001": {"R#op1": 1}}


def test_hand_derived_metrics(evaluated):
    _, _, results = evaluated
    hybrid = results["systems"]["hybrid"]["overall"]
    assert hybrid["recall@1"] == pytest.approx(1 / 3)
    assert hybrid["recall@5"] == pytest.approx(1.0)
    assert hybrid["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 4) / 3)
    assert hybrid["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(5)) / 3)
    bm25 = results["systems"]["bm25"]["overall"]
    assert bm25["recall@1"] == 0.0 and bm25["mrr@10"] == pytest.approx(1 / 6)  # 1/2, none, none
    assert results["scored"] == 3 and results["unanswerable"] == 1


def test_groups_and_abstention(evaluated):
    _, _, results = evaluated
    hybrid = results["systems"]["hybrid"]
    assert set(hybrid["per_kind"]) == {"paraphrase", "structure", "mandate"}
    assert hybrid["per_lang"]["en"]["mrr@10"] == pytest.approx(0.5)  # abstained, still ranked
    assert hybrid["abstention"] == {
        "unanswerable": 1,
        "abstained_unanswerable": 1,
        "abstain_rate_unanswerable": 1.0,
        "answerable": 3,
        "wrongly_abstained": 1,
        "wrong_abstain_rate": pytest.approx(1 / 3),
    }
    assert hybrid["per_question_mrr@10"] == {"p001": 1.0, "p002": 0.5, "r001": 0.25}


def test_significance_against_best_single(evaluated):
    (sig,) = evaluated[2]["significance"]  # no "fusion" system here: only the best single one
    assert sig["a"] == "hybrid" and sig["b"] == "bm25" and sig["label"] == "best single system"
    assert set(sig["metrics"]) == {"mrr@10", "recall@1"}
    assert 0.0 <= sig["metrics"]["mrr@10"]["p"] <= 1.0


def write_judgments(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_judgments_merge(tmp_path):
    f = tmp_path / "judgments.jsonl"
    rows = [
        {"time": "2024-01-01T10:00:00", "query": "最终目标？ ", "passage_id": "P#2", "relevant": True, "session": "a"},
        {"time": "2024-01-01T10:00:01", "query": "最终目标？", "passage_id": "P#4", "relevant": True, "session": "a"},
        {"time": "2024-01-01T10:05:00", "query": "最终目标？", "passage_id": "P#4", "relevant": False, "session": "b"},
        {"time": "2024-01-01T10:06:00", "query": "最终目标？", "passage_id": "P#1", "relevant": False, "session": "b"},
        {
            "time": "2024-01-01T10:07:00",
            "query": "not a gold question",
            "passage_id": "P#3",
            "relevant": True,
            "session": "b",
        },
    ]
    write_judgments(f, rows)
    f.write_text(f.read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    merged = merge_judgments(span_qrels(QUESTIONS, PASSAGES), QUESTIONS, read_judgments(f))
    assert merged.qrels["p001"] == {"P#1": 1, "P#2": 1}  # thumbs-up added, span qrel kept, P#4 withdrawn
    assert merged.summary() == {"read": 5, "matched": 3, "added": 1, "ignored_negative": 1}
    assert read_judgments(tmp_path / "absent.jsonl") == []


def test_judgments_change_metrics(tmp_path):
    f = tmp_path / "j.jsonl"
    write_judgments(f, [{"time": "t", "query": "集束弹药？", "passage_id": "P#4", "relevant": True, "session": "s"}])
    _, _, results = harness.evaluate_systems(QUESTIONS, {"main": FakeSearcher()}, SYSTEMS[1:], f)
    assert results["systems"]["hybrid"]["overall"]["mrr@10"] == pytest.approx((1 + 1 / 2 + 1) / 3)
    assert results["provenance"]["judgments"]["added"] == 1


def test_trec_files(evaluated):
    qrels, responses, _ = evaluated
    lines = report.trec_run_lines(QUESTIONS, responses["hybrid"], "unqa-hybrid")
    assert lines[0] == "p001 Q0 P#1 1 1.000000 unqa-hybrid"
    pattern = re.compile(r"^[pr]\d{3} Q0 \S+ \d+ -?\d+\.\d{6} unqa-hybrid$")
    assert all(pattern.match(ln) for ln in lines)
    r001 = [ln.split() for ln in lines if ln.startswith("r001")]
    assert [int(x[3]) for x in r001] == [1, 2, 3, 4]
    scores = [float(x[4]) for x in r001]
    assert all(a > b for a, b in zip(scores, scores[1:], strict=False))  # tie 1.0/1.0 broken in rank order
    assert report.trec_qrels_lines(qrels) == ["p001 0 P#1 1", "p002 0 P#3 1", "r001 0 R#op1 1"]


def test_ranked_scores_dedupes_and_orders_by_rank():
    p = PASSAGES[0]
    hits = [Hit(p, 0.2, 2), Hit(PASSAGES[1], 0.9, 1), Hit(p, 0.1, 3)]
    assert ranked_scores(hits) == [("P#2", 0.9), ("P#1", 0.2)]


def test_write_outputs(tmp_path, evaluated):
    qrels, responses, results = evaluated
    report.write_outputs(tmp_path, QUESTIONS, qrels, responses, results)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"run.bm25.txt", "run.hybrid.txt", "qrels.txt", "metrics.json", "results.md", "comparison.png"} <= names
    data = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert data["provenance"]["packages"]["ranx"] and data["provenance"]["manifest"]["model"] == "fake"
    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| hybrid | 0.333 | 1.000 | 1.000 | 0.583 |" in md
    assert (tmp_path / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_readme_block_rewrite(tmp_path, evaluated):
    results = evaluated[2]
    readme = tmp_path / "README.md"
    readme.write_text(f"# unqa\n\nintro\n\n{report.README_START}\nold table\n{report.README_END}\n\nafter\n")
    report.update_readme(readme, results)
    text = readme.read_text()
    assert "old table" not in text and "intro" in text and text.endswith("after\n")
    assert text.count(report.README_START) == 1 and "| hybrid |" in text
    report.update_readme(readme, results)
    assert readme.read_text() == text  # idempotent
    bare = tmp_path / "BARE.md"
    bare.write_text("# x\n")
    report.update_readme(bare, results)
    assert bare.read_text().startswith("# x\n\n" + report.README_START)


def test_check_expected():
    systems = [
        harness.System("a", expected={"mrr@10": 0.5}),
        harness.System("b", expected={"mrr@10": 0.5}),
        harness.System("c", expected={"mrr@10": 0.5}),
        harness.System("d"),
    ]
    results = {n: {"overall": {"mrr@10": v}} for n, v in (("a", 0.5), ("b", 0.504), ("c", 0.49), ("d", 0.1))}
    assert [row[0] for row in harness.check_expected(systems, results)] == ["OK", "OKish", "FAIL", "SKIP"]


def by_name_config(systems, name: str) -> SearchConfig:
    return next(s.config for s in systems if s.name == name)


def test_conditions_file():
    systems = harness.load_conditions()
    names = [s.name for s in systems]
    assert names[:3] == ["bm25", "dense", "hybrid"]
    assert {"fusion", "hybrid-no-symbol", "hybrid-no-glossary", "fusion-plain-rrf", "hybrid-no-context"} <= set(names)
    assert by_name_config(systems, "fusion") == SearchConfig(ranker=False)
    by_name = {s.name: s for s in systems}
    assert by_name["hybrid-no-symbol"].config == SearchConfig(symbol_lane=False)
    assert by_name["hybrid-no-context"].index == "no-context"
    assert by_name["hybrid-all-headers"].index == "all-headers"
    assert {s.index for s in systems} <= {"main", *harness.INDEX_VARIANTS}
    assert all(set(s.expected) <= set(METRICS) for s in systems)


def test_index_variants_are_built_with_their_settings(tmp_path) -> None:
    """Each variant the conditions may name builds an index whose manifest records its settings."""
    from index import store
    from unqa.paths import CORPUS_DIR

    programme = CORPUS_DIR / "a_65_6_prog3_zh.txt"
    for name, overrides in harness.INDEX_VARIANTS.items():
        harness.ensure_index(tmp_path / name, [programme], **overrides)
        settings = store.verify(tmp_path / name)["fingerprint"]["settings"]
        assert all(settings[k] == (list(v) if isinstance(v, tuple) else v) for k, v in overrides.items()), name


def test_cli_registers_eval():
    from unqa_app.commands import eval as eval_cmd

    parser = argparse.ArgumentParser()
    eval_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["eval", "--out", "x", "--rebuild", "--update-readme"])
    assert args.func is eval_cmd.run and args.rebuild and args.update_readme and args.index is None


def test_record_expected_rewrites_and_adds_expected_lines(tmp_path):
    path = tmp_path / "conditions.yaml"
    path.write_text(
        "# keep me\nconditions:\n  - name: a\n    config: {}\n    expected: {mrr@10: 0.1}\n"
        "  - name: b\n    config: {mode: bm25}\n\n  - name: c\n    config: {}\n",
        encoding="utf-8",
    )
    got = {"overall": dict.fromkeys(harness.EXPECTED_METRICS, 0.5)}
    harness.record_expected(path, {"a": got, "b": got}, family="avx2")
    systems = {s.name: s for s in harness.load_conditions(path, family="avx2")}
    assert systems["a"].expected == systems["b"].expected == dict.fromkeys(harness.EXPECTED_METRICS, 0.5)
    assert systems["a"].expected_on == "avx2"
    assert systems["c"].expected == {} and systems["b"].config == SearchConfig(mode="bm25")
    assert path.read_text(encoding="utf-8").startswith("# keep me\n")
    # another CPU family gets its own line; a system without one is checked against avx2's, and told so
    harness.record_expected(path, {"a": {"overall": dict.fromkeys(harness.EXPECTED_METRICS, 0.7)}}, family="avx512")
    other = {s.name: s for s in harness.load_conditions(path, family="avx512")}
    assert other["a"].expected == dict.fromkeys(harness.EXPECTED_METRICS, 0.7) and other["a"].expected_on == "avx512"
    assert other["b"].expected_on == "avx2" and systems["a"].expected["mrr@10"] == 0.5
    row = dict((n, d) for _, n, d in harness.check_expected(list(other.values()), {"b": got}, family="avx512"))
    assert "recorded on avx2 CPU, this one is avx512" in row["b"]


def test_cpu_family_is_named() -> None:
    assert harness.cpu_family() in ("avx512", "avx2") or harness.cpu_family() == platform.machine()
