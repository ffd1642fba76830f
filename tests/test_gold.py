"""The gold set itself: well-formed, balanced, every span in its source, every part covered."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from eval.gold import (
    GOLD_FILE,
    KINDS,
    LANGS,
    PROGRAMME_DOC,
    RESOLUTIONS_FILE,
    load_gold,
    normalize_span,
    read_resolution_list,
)
from unqa.paths import REPO_ROOT, SHARED_DIR

PROGRAMME_FILE = REPO_ROOT / "corpus" / "a_65_6_prog3_zh.txt"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"

# Landmarks of the programme, in document order (normalised text): each labels the stretch of
# text up to the next one. Objectives and the 预期成绩|绩效指标 tables get their own stretches.
LANDMARKS = [
    ("3.1", "3.1在严格"),
    ("3.2", "3.2本方案"),
    ("3.3", "3.3在秘书处"),
    ("3.4", "3.4裁军厅"),
    ("3.5", "3.5裁军厅"),
    ("3.6", "3.6将性别"),
]
for _n, _para in zip(range(1, 6), ("3.7", "3.8", "3.9", "3.10", "3.11"), strict=True):
    LANDMARKS += [
        (f"sp{_n}", f"次级方案{_n}"),
        (f"sp{_n}.objective", "本组织的目标"),
        (f"sp{_n}.table", "秘书处的预期成绩"),
        (_para, f"{_para}本次级方案"),
    ]
LANDMARKS += [("mandate.ga", "法律授权"), ("mandate.decisions", "大会决定"), ("mandate.sc", "安全理事会决议")]
REQUIRED = [label for label, _ in LANDMARKS if not re.fullmatch(r"sp\d", label)]


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD_FILE)


@pytest.fixture(scope="module")
def programme_text() -> str:
    return normalize_span(PROGRAMME_FILE.read_text(encoding="utf-8"))


def landmark_starts(text: str) -> list[tuple[int, str]]:
    starts, pos = [], 0
    for label, anchor in LANDMARKS:
        pos = text.index(normalize_span(anchor), pos)
        starts.append((pos, label))
    return starts


def section_of(offset: int, starts: list[tuple[int, str]]) -> str:
    label = "front"
    for start, name in starts:
        if start <= offset:
            label = name
    return label


def resolution_texts() -> dict[str, str]:
    """Document symbol -> normalised text (all text of the file) of each listed resolution."""
    texts = {}
    for rel in read_resolution_list(RESOLUTIONS_FILE):
        root = etree.parse(str(SHARED_DIR / rel)).getroot()
        symbol = root.find(f".//{AKN}docNumber[@refersTo='#symbol']").text
        texts[normalize_span(symbol)] = normalize_span("".join(root.itertext()))
    return texts


def test_ids_unique_and_fields_valid(gold):
    ids = [q.id for q in gold]
    assert len(ids) == len(set(ids))
    for q in gold:
        assert re.fullmatch(r"[pr]\d{3}", q.id), q.id
        assert q.kind in KINDS, q.id
        assert q.lang in LANGS, q.id
        assert q.question.strip(), q.id


def test_lang_matches_question(gold):
    for q in gold:
        has_cjk = bool(re.search(r"[\u4e00-\u9fff]", q.question))
        assert (q.lang == "zh") == has_cjk, q.id
        if q.kind == "crosslingual":
            assert q.lang == "en", q.id


def test_counts(gold):
    programme = [q for q in gold if q.id.startswith("p")]
    resolutions = [q for q in gold if q.id.startswith("r")]
    assert len(programme) >= 85 and len(resolutions) >= 32
    assert all(q.doc == PROGRAMME_DOC for q in programme)
    assert all(q.doc.startswith(("A/RES/", "S/RES/")) for q in resolutions if q.answerable)
    share_unanswerable = sum(not q.answerable for q in gold) / len(gold)
    assert 0.03 <= share_unanswerable <= 0.08
    share_en = sum(q.lang == "en" for q in gold) / len(gold)
    assert 0.15 <= share_en <= 0.30
    kinds = Counter(q.kind for q in gold)
    assert kinds["paraphrase"] == max(kinds.values())
    assert all(kinds[k] for k in KINDS)


def test_spans_shape(gold):
    for q in gold:
        if not q.answerable:
            assert q.spans == (), q.id
            continue
        assert 1 <= len(q.spans) <= 3, q.id
        for span in q.spans:
            norm = normalize_span(span)
            assert 8 <= len(norm) <= 45, (q.id, span)
            assert "http" not in norm and "www." not in norm, (q.id, span)


def test_programme_spans_exist(gold, programme_text):
    missing = [
        (q.id, s) for q in gold if q.doc == PROGRAMME_DOC for s in q.spans if normalize_span(s) not in programme_text
    ]
    assert not missing


def test_every_part_of_the_programme_is_covered(gold, programme_text):
    starts = landmark_starts(programme_text)
    covered = Counter()
    for q in gold:
        for span in q.spans if q.doc == PROGRAMME_DOC else ():
            covered[section_of(programme_text.index(normalize_span(span)), starts)] += 1
    assert [label for label in REQUIRED if not covered[label]] == []


def test_resolution_list_has_english_counterparts():
    rels = read_resolution_list(RESOLUTIONS_FILE)
    assert 15 <= len(rels) <= 22 and len(set(rels)) == len(rels)
    if not SHARED_DIR.exists():
        pytest.fail(f"shared data not found at {SHARED_DIR}")
    for rel in rels:
        path = SHARED_DIR / rel
        assert path.exists(), rel
        english = path.parent.parent / "English" / re.sub(r"C(_reissue)?\.xml$", r"E\1.xml", path.name)
        assert english.exists(), rel


def test_resolution_spans_exist(gold):
    if not SHARED_DIR.exists():
        pytest.fail(f"shared data not found at {SHARED_DIR}")
    texts = resolution_texts()
    resolution_qs = [q for q in gold if q.id.startswith("r") and q.answerable]
    assert {normalize_span(q.doc) for q in resolution_qs} == set(texts)  # every resolution asked about
    missing = [
        (q.id, s) for q in resolution_qs for s in q.spans if normalize_span(s) not in texts[normalize_span(q.doc)]
    ]
    assert not missing


def test_gold_file_is_clean_jsonl():
    lines = Path(GOLD_FILE).read_text(encoding="utf-8").splitlines()
    assert all(line.startswith("{") and line.endswith("}") for line in lines)


TEST_FILE = GOLD_FILE.with_name("gold_test.jsonl")


def test_blind_test_set_is_valid_and_apart_from_the_dev_set(gold, programme_text):
    blind = load_gold(TEST_FILE)
    assert len(blind) >= 50 and len({q.id for q in blind}) == len(blind)
    assert all(q.id.startswith("t") and q.kind in KINDS and q.lang in LANGS for q in blind)
    assert not {q.question for q in blind} & {q.question for q in gold}
    texts = resolution_texts()
    missing = []
    for q in blind:
        source = programme_text if q.doc == PROGRAMME_DOC else texts.get(normalize_span(q.doc), "")
        missing += [(q.id, s) for s in q.spans if normalize_span(s) not in source]
    assert not missing


def test_eval_corpus_pairs_each_resolution_with_its_english_text():
    from eval.harness import corpus_sources

    rels = read_resolution_list(RESOLUTIONS_FILE)
    paths = corpus_sources(REPO_ROOT / "corpus", SHARED_DIR, rels)
    english = [p for p in paths if p.parent.name == "English"]
    assert len(english) == len(rels)  # the product indexes the English parallel text; so must the eval
