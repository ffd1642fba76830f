"""What the encoder sees of each passage (``index.build.EmbedPlan``): long passages as pieces only, never
a text longer than ``piece_chars``, a long passage's vector the mean of its pieces'; and the same through
the real encoder on a real resolution whose first paragraph is longer than a piece."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_resolutions import GA, read_resolutions

from index import store
from index.build import EmbedPlan, build_index, cut_sentences, embed_texts, mean_of_pieces, sentence_table
from index.lanes import sentence
from index.search import Searcher
from unqa.model import Passage


def _passage(text: str, row: int = 0) -> Passage:
    base = read_resolutions(("A/RES/75/50",))[0].passages[0]
    return replace(base, id=f"X#{row}", text=text)


def test_cut_sentences_keeps_every_character_within_the_limit() -> None:
    sentences = ["甲" * 7, "乙" * 2, "丙" * 10]
    pieces = cut_sentences(sentences, 4)
    assert "".join(pieces) == "".join(sentences)
    assert max(map(len, pieces)) == 4 and len(pieces) == 2 + 1 + 3


def test_plan_pieces_by_length() -> None:
    plan = EmbedPlan(piece_chars=40, sentence_chars=10)
    short_one = _passage("大会决定将该项目列入议程。")
    short_two = _passage("大会回顾其决议。又回顾其决定。")
    tiny_two = _passage("回顾。重申。")
    long_one = _passage("注意到" + "，".join(["各国的努力"] * 20) + "。再次呼吁所有国家加入条约。")
    assert plan.pieces(short_one) == [] and not plan.is_long(short_one)
    assert plan.pieces(short_two) == ["大会回顾其决议。", "又回顾其决定。"]
    assert plan.pieces(tiny_two) == []  # not longer than sentence_chars: embedded whole only
    pieces = plan.pieces(long_one)
    assert plan.is_long(long_one) and len(pieces) >= 3 and max(map(len, pieces)) <= 40
    texts = embed_texts([short_one, long_one], plan)
    assert texts[0] == short_one.embed_text() and long_one.embed_text() not in texts  # long: pieces only


def test_programme_passages_are_embedded_without_their_header(programme_passages) -> None:
    programme = next(p for p in programme_passages if p.context and not EmbedPlan().pieces(p))
    resolution = _passage("大会决定将该项目列入议程。")
    assert programme.collection == "programme" and resolution.collection == "resolution" and resolution.context
    default, every, none = EmbedPlan(), EmbedPlan(headerless=()), EmbedPlan(context_headers=False)
    assert embed_texts([programme, resolution], default) == [programme.text, resolution.embed_text()]
    assert embed_texts([programme, resolution], every) == [programme.embed_text(), resolution.embed_text()]
    assert embed_texts([programme, resolution], none) == [programme.text, resolution.text]


def test_mean_of_pieces_is_normalised_and_zero_without_pieces() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    out = mean_of_pieces(3, [(0, "a"), (0, "b"), (2, "c")], vectors)
    assert np.allclose(out[0], [2**-0.5, 2**-0.5]) and np.allclose(out[1], 0) and np.allclose(out[2], [0.6, 0.8])


@pytest.mark.skipif(not GA.is_dir(), reason="../shared/un-xml not available")
def test_long_paragraph_is_embedded_as_pieces_and_found_by_its_last_piece(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("UNQA_CACHE_DIR", str(tmp_path / "cache"))
    passages = read_resolutions(("A/RES/75/50",))[0].passages
    row = next(i for i, p in enumerate(passages) if len(p.text) > 300)
    manifest = build_index(passages, tmp_path / "index", show_progress=False)
    assert manifest["settings"]["piece_chars"] == 300 and manifest["build"]["texts"] < 2 * len(passages)
    build = store.current_dir(tmp_path / "index")
    table = json.loads((build / sentence.SENTENCES).read_text(encoding="utf-8"))
    pieces = [i for i, (r, _) in enumerate(table) if r == row]
    assert len(pieces) >= 2 and all(len(table[i][1]) <= 300 for i in pieces)
    assert sentence_table(passages) == [tuple(e) for e in table]
    piece_vectors = np.load(build / sentence.SENTENCE_VECTORS)[pieces]
    mean = piece_vectors.mean(axis=0) / np.linalg.norm(piece_vectors.mean(axis=0))
    assert np.allclose(np.load(build / sentence.VECTORS)[row], mean, atol=1e-5)
    searcher = Searcher.load(tmp_path / "index")
    last = table[pieces[-1]][1]
    response = searcher.search(last, 5)
    assert response.hits and response.hits[0].passage.id == passages[row].id
