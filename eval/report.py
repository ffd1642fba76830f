"""Eval outputs: TREC run and qrels files, metrics.json, results.md, comparison.png, README block."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.gold import GoldQuestion, Qrels
from eval.metrics import METRICS, ranked_scores
from unqa.model import SearchResponse

logger = logging.getLogger(__name__)

README_START = "<!-- eval:start -->"
README_END = "<!-- eval:end -->"
LABELS = {"recall@1": "R@1", "recall@5": "R@5", "recall@10": "R@10", "mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}


def trec_run_lines(questions: Sequence[GoldQuestion], responses: Sequence[SearchResponse], tag: str) -> list[str]:
    """``qid Q0 pid rank score tag``, one line per hit (strictly decreasing scores)."""
    lines = []
    for q, r in zip(questions, responses, strict=True):
        for rank, (pid, score) in enumerate(ranked_scores(r.hits), 1):
            lines.append(f"{q.id} Q0 {pid} {rank} {score:.6f} {tag}")
    return lines


def trec_qrels_lines(qrels: Qrels) -> list[str]:
    return [f"{qid} 0 {pid} {rel}" for qid in sorted(qrels) for pid, rel in sorted(qrels[qid].items())]


def write_lines(path: Path, lines: Sequence[str]) -> None:
    Path(path).write_text("".join(f"{ln}\n" for ln in lines), encoding="utf-8")


def _row(name: str, values: dict[str, float], extra: Sequence[str] = ()) -> str:
    cells = [f"{values[m]:.3f}" if m in values else "–" for m in METRICS]
    return "| " + " | ".join([name, *cells, *extra]) + " |"


def main_table(results: dict[str, Any]) -> str:
    """Systems × metrics, plus abstention columns."""
    head = ["System", *(LABELS[m] for m in METRICS), "Abstained (unanswerable)", "Wrong abstentions"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in results["systems"].items():
        a = r["abstention"]
        extra = [f"{a['abstained_unanswerable']}/{a['unanswerable']}", f"{a['wrongly_abstained']}/{a['answerable']}"]
        lines.append(_row(name, r["overall"], extra))
    return "\n".join(lines)


def group_table(results: dict[str, Any], group: str, system: str) -> str:
    head = [group.replace("per_", ""), *(LABELS[m] for m in METRICS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for g, values in results["systems"][system][group].items():
        lines.append(_row(g, values))
    return "\n".join(lines)


def significance_text(results: dict[str, Any]) -> str:
    blocks = results.get("significance") or []
    if isinstance(blocks, dict):  # results written before the fusion comparison
        blocks = [dict(blocks, label="best single system")]
    if not blocks:
        return "No significance test (hybrid or single systems missing)."
    return " ".join(_block_text(b) for b in blocks)


def _block_text(sig: dict[str, Any]) -> str:
    parts = []
    for m, v in sig["metrics"].items():
        verdict = "significant" if v["significant"] else "not significant"
        parts.append(
            f"{LABELS.get(m, m)}: {sig['a']} {v[sig['a']]:.3f} vs {sig['b']} {v[sig['b']]:.3f}, "
            f"{_p_text(v['p'])} ({verdict} at 0.05)"
        )
    return (
        f"Paired {sig['test']}, {sig['a']} vs {sig.get('label', 'best single system')} {sig['b']}: "
        + "; ".join(parts)
        + "."
    )


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def summary_line(results: dict[str, Any]) -> str:
    return (
        f"{results['questions']} questions, {results['scored']} scored (answerable with a relevant "
        f"passage), {results['unanswerable']} unanswerable."
    )


def results_markdown(results: dict[str, Any], focus: str = "hybrid") -> str:
    focus = focus if focus in results["systems"] else next(iter(results["systems"]))
    parts = [
        "# unqa retrieval evaluation",
        "",
        summary_line(results),
        "",
        main_table(results),
        "",
        significance_text(results),
        "",
        f"## {focus} per kind",
        "",
        group_table(results, "per_kind", focus),
        "",
        f"## {focus} per language",
        "",
        group_table(results, "per_lang", focus),
        "",
    ]
    return "\n".join(parts)


def readme_block(results: dict[str, Any], command: str = "make eval") -> str:
    return "\n".join(
        [
            summary_line(results),
            "",
            main_table(results),
            "",
            significance_text(results),
            "",
            f"Regenerate with `{command}`.",
        ]
    )


def replace_block(text: str, body: str, name: str = "eval") -> str:
    """Replace what lies between the ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers (appending
    the markers if absent)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return text.rstrip("\n") + "\n\n" + block + "\n"


def update_readme(readme: Path, results: dict[str, Any], blind: bool = False) -> None:
    """The dev table (``eval``) or the blind table (``eval-test``) of the README."""
    name, command = ("eval-test", "make eval-test") if blind else ("eval", "make eval")
    text = Path(readme).read_text(encoding="utf-8") if Path(readme).exists() else ""
    Path(readme).write_text(replace_block(text, readme_block(results, command), name), encoding="utf-8")
    logger.info("updated the results block of %s", readme)


def plot_comparison(results: dict[str, Any], path: Path) -> None:
    """Grouped bar chart: one group per metric, one bar per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(results["systems"])
    width = 0.8 / max(1, len(systems))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for i, name in enumerate(systems):
        values = [results["systems"][name]["overall"].get(m, 0.0) for m in METRICS]
        ax.bar([x + i * width for x in range(len(METRICS))], values, width, label=name)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(METRICS))])
    ax.set_xticklabels([LABELS[m] for m in METRICS])
    ax.set_ylim(0, 1)
    ax.set_title(f"unqa retrieval: {summary_line(results)}", fontsize=9)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_outputs(
    out: Path,
    questions: Sequence[GoldQuestion],
    qrels: Qrels,
    responses: dict[str, list[SearchResponse]],
    results: dict[str, Any],
) -> None:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, resp in responses.items():
        write_lines(out / f"run.{name}.txt", trec_run_lines(questions, resp, f"unqa-{name}"))
    write_lines(out / "qrels.txt", trec_qrels_lines(qrels))
    (out / "metrics.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "results.md").write_text(results_markdown(results), encoding="utf-8")
    plot_comparison(results, out / "comparison.png")
    logger.info("wrote %s", out)
