"""The learned English->Chinese table and Chinese associations: built for real (eflomal over real UN
paragraph pairs), and the committed tables load and translate UN terms as a delegate would expect."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from index import lexicon, lexicon_build
from index.assoc_build import MIN_NPMI, AssocStats, assoc_from_texts, write_assoc
from index.lexicon_build import (
    BuildStats,
    LinkCounts,
    build_from_texts,
    grow_diag_final_and,
    lexicon_rows,
    parse_sessions,
    read_pairs,
    session_dirs,
    write_outputs,
    zh_words,
)
from index.tokenize import stopwords, tokenize
from unqa.model import UnqaError
from unqa_app.cli import main

SUBSET_SESSION = 79
TARGET_WORDS = ("verification", "strategy")


@pytest.fixture(scope="module")
def session_pairs(shared_dir: Path) -> list[tuple[str, str]]:
    """Every distinct aligned (Chinese, English) paragraph pair of GA session 79."""
    stats = BuildStats()
    pairs = read_pairs(session_dirs(shared_dir / "un-xml", [SUBSET_SESSION]), stats, show_progress=False)
    assert stats.documents > 250 and stats.pairs_unique > 5000, stats
    return pairs


@pytest.fixture(scope="module")
def subset_texts(session_pairs) -> list[tuple[str, str]]:
    """A few hundred real aligned paragraph pairs of GA session 79: every pair whose English has a
    target word, and the session's first pairs without one."""
    pairs = session_pairs
    hits = [p for p in pairs if any(w in p[1].lower() for w in TARGET_WORDS)]
    others = [p for p in pairs if p not in hits][:250]
    assert 40 <= len(hits) <= 300, len(hits)
    return hits + others


@pytest.fixture(scope="module")
def subset_build(subset_texts, tmp_path_factory) -> tuple[Path, BuildStats]:
    stats = BuildStats(sessions=[SUBSET_SESSION])
    with pytest.MonkeyPatch.context() as mp:  # eflomal scales iterations up on small corpora; a third is plenty here
        mp.setitem(lexicon_build.EFLOMAL, "rel_iterations", 0.3)
        rows, df = build_from_texts(subset_texts, stats, show_progress=False)
    out = tmp_path_factory.mktemp("lexicon") / "lexicon_en_zh.tsv"
    write_outputs(rows, df, stats.pairs_used, out, stats)
    return out, stats


def _first(table: lexicon.Lexicon, en: str) -> str:
    return table.entries[en.replace(" ", "_")][0][0]


def test_real_subset_learns_clear_pairs(subset_build, subset_texts) -> None:
    out, stats = subset_build
    assert 250 <= stats.pairs_used <= len(subset_texts)
    table = lexicon.load_lexicon(out)
    assert _first(table, "verification") == "核查"
    assert _first(table, "strategy") == "战略"
    for entries in table.entries.values():
        assert all(0.05 <= p <= 1.0 for _, p in entries) and len(entries) <= 5


def test_build_writes_meta_and_frequencies(subset_build) -> None:
    out, stats = subset_build
    meta = json.loads(out.with_name("lexicon_en_zh.meta.json").read_text(encoding="utf-8"))
    assert meta["pairs_used"] == stats.pairs_used and meta["eflomal"]["model"] == 3
    assert meta["symmetrisation"] == "grow-diag-final-and"
    table = lexicon.load_lexicon(out)
    assert table.n_pairs == stats.pairs_used
    assert set(table.entries) <= set(table.df)


def test_grow_diag_final_and() -> None:
    fwd = {(0, 0), (1, 1), (2, 1), (0, 3)}
    rev = {(0, 0), (1, 1), (3, 3)}
    # intersection (0,0) (1,1); grown: (2,1) next to (1,1) with English 2 unaligned; final-and: (3,3), both
    # words unaligned; never (0,3): English 0 is aligned and the link touches no alignment point
    assert grow_diag_final_and(fwd, rev) == {(0, 0), (1, 1), (2, 1), (3, 3)}
    assert grow_diag_final_and(set(), set()) == set()


def test_rows_filter_by_both_directions() -> None:
    from collections import Counter

    counts = LinkCounts(
        en=Counter({"verification": 10, "rare": 2}),
        zh=Counter({"核查": 12, "机制": 40, "参加": 900, "稀": 2}),
        joint=Counter({("verification", "核查"): 9, ("verification", "机制"): 3, ("verification", "参加"): 4}),
    )
    counts.joint[("rare", "稀")] = 2  # the English word is too rare
    rows = lexicon_rows(counts)
    # 参加: p(zh|en) = 0.4 but p(en|zh) = 4/900 < MIN_P_REV, a frequent word linked by chance
    assert rows == [("verification", "核查", 0.9, 9), ("verification", "机制", 0.3, 3)]


def test_question_units_phrases_first_then_question_words_out() -> None:
    table = lexicon.Lexicon(
        entries={
            u: (("词", 0.9),)
            for u in ("small_arms", "small", "arms", "indicators", "verification", "programme", "programme_action")
        },
        df={"small_arms": 10, "indicators": 50, "verification": 5, "programme_action": 20},
        n_pairs=1000,
    )
    question = (
        "What does the programme say about small arms, the Programme of Action and the indicator of verification?"
    )
    assert lexicon.question_units(question, table) == ["small_arms", "programme_action", "indicators", "verification"]
    weights = dict(lexicon.translate("verification indicators", lexicon=table))
    assert weights == {"词": 0.9}  # the best English unit's weight wins


def test_parse_sessions() -> None:
    assert parse_sessions("75-80") == (75, 76, 77, 78, 79, 80)
    assert parse_sessions("74, 76-77") == (74, 76, 77)
    for bad in ("", "80-75", "seventy", "75-"):
        with pytest.raises(UnqaError):
            parse_sessions(bad)


def test_missing_session_folder_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["lexicon", "build", str(tmp_path), "--sessions", "75", "--no-progress"]) == 2
    assert "no UN XML session folder" in capsys.readouterr().err


def test_assoc_on_a_real_session(session_pairs, tmp_path: Path) -> None:
    stats = AssocStats()
    rows = assoc_from_texts(sorted({zh for zh, _ in session_pairs}), stats, show_progress=False)
    assert stats.vocabulary > 1000 and rows
    by_token: dict[str, list[str]] = {}
    for token, other, npmi, count in rows:
        assert MIN_NPMI <= npmi <= 1.0 and count >= 5
        assert other not in token and token not in other
        by_token.setdefault(token, []).append(other)
    assert all(len(v) <= 5 for v in by_token.values())
    assert "轻武器" in by_token["小武器"]
    out = tmp_path / "assoc_zh.tsv"
    write_assoc(rows, out, stats)
    assert lexicon.expand(["小武器"], table=lexicon.load_assoc(out))[0][0] in by_token["小武器"]


# ---------------------------------------------------------------- the committed tables


def test_committed_table_translates_un_terms() -> None:
    expected = {
        "cluster munitions": "集束弹药",
        "arms trade treaty": "武器贸易条约",
        "nuclear disarmament": "核裁军",
        "verification": "核查",
    }
    for en, zh in expected.items():
        terms = [t for t, _ in lexicon.translate(en)]
        assert zh in terms[:2], (en, terms)
    assert lexicon.translate("What does the programme say about verification?")[0][0] == "核查"


def test_translate_weights_follow_idf() -> None:
    terms = dict(lexicon.translate("international cooperation on cluster munitions"))
    assert terms["集束弹药"] > terms.get("国际", 0.0)
    assert all(0.0 < w <= 1.0 for w in terms.values())
    assert lexicon.translate("what is it?") == []
    assert lexicon.translate("") == []


def test_committed_table_entries_are_clean_tokens() -> None:
    table = lexicon.load_lexicon()
    assert len(table.entries) > 5000
    zh = {t for entries in table.entries.values() for t, _ in entries}
    assert not zh & stopwords()
    assert all(re.search(r"[\w\u4e00-\u9fff]", t) and t == t.strip() for t in zh)
    assert "small_arms" in table.entries and "outer_space" in table.entries
    assert not any(w in lexicon.EN_FUNCTION_WORDS for u in table.entries for w in u.split("_"))


def test_alignment_tokens_are_bm25_tokens_in_context(subset_texts) -> None:
    """Table entries come from precise-mode tokens; each is also a BM25 token of the same paragraph."""
    for zh, _ in subset_texts:
        assert set(zh_words(zh)) <= set(tokenize(zh)), zh


def test_expand_associations() -> None:
    assoc = lexicon.load_assoc()
    assert len(assoc) > 1000
    extra = lexicon.expand(["集束弹药"])
    assert extra and all(t != "集束弹药" and 0.0 < w <= 1.0 for t, w in extra)
    assert not any("集束弹药" in t or t in "集束弹药" for t, _ in extra)  # no self or part of itself
    assert lexicon.expand(["不存在的词语xyz"]) == []


def test_hash_is_stable_and_tracks_the_files(tmp_path: Path, monkeypatch) -> None:
    first = lexicon.lexicon_hash()
    assert first == lexicon.lexicon_hash() and len(first) == 16
    copy = tmp_path / "lexicon_en_zh.tsv"
    shutil.copy(lexicon.TABLE_FILE, copy)
    shutil.copy(lexicon.df_path(lexicon.TABLE_FILE), lexicon.df_path(copy))
    monkeypatch.setattr(lexicon, "TABLE_FILE", copy)
    monkeypatch.setattr(lexicon, "ASSOC_FILE", lexicon.DATA_DIR / "assoc_zh.tsv")
    assert lexicon.lexicon_hash() == first
    copy.write_text(copy.read_text(encoding="utf-8") + "zzz\t测试\t0.5000\t3\n", encoding="utf-8")
    assert lexicon.lexicon_hash() != first


def test_bad_table_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad_en_zh.tsv"
    bad.write_text("verification\t核查\n", encoding="utf-8")
    lexicon.df_path(bad).write_text("# N=1\nverification\t1\n", encoding="utf-8")
    with pytest.raises(UnqaError, match="bad line"):
        lexicon.load_lexicon(bad)
    with pytest.raises(UnqaError, match="missing"):
        lexicon.load_lexicon(tmp_path / "none.tsv")


def test_cli_translate(capsys) -> None:
    assert main(["lexicon", "translate", "verification of nuclear disarmament"]) == 0
    terms = [t["zh"] for t in json.loads(capsys.readouterr().out)]
    assert "核查" in terms and "核裁军" in terms
