from __future__ import annotations

from index.glossary import expand_zh, translate_terms
from index.tokenize import is_cjk, tokenize


def test_un_terms_stay_whole() -> None:
    tokens = tokenize("裁军事务厅将推动小武器和轻武器非法贸易问题的行动纲领")
    assert "裁军事务厅" in tokens
    assert "小武器和轻武器" in tokens


def test_never_a_whole_sentence_as_one_token() -> None:
    sentence = "联合国大会决议关于可持续发展目标的执行情况"
    tokens = tokenize(sentence)
    assert len(tokens) >= 4
    assert sentence not in tokens
    assert all(len(t) <= 8 for t in tokens)


def test_punctuation_and_stopwords_dropped_latin_lowercased() -> None:
    tokens = tokenize("《武器贸易条约》的 Arms Trade Treaty，。！")
    assert "的" not in tokens and "，" not in tokens and "《" not in tokens
    assert "arms" in tokens and "treaty" in tokens


def test_office_names_also_yield_department() -> None:
    assert "部门" in tokenize("本次级方案由常规武器处执行")


def test_glossary_maps_english_terms_to_chinese() -> None:
    terms = translate_terms("Which resolution is about cluster munitions?")
    assert "集束弹药" in terms and "决议" in terms
    assert translate_terms("small arms and light weapons")[0] == "小武器和轻武器"


def test_chinese_synonyms_for_the_keyword_side() -> None:
    assert "责任" in expand_zh(["负责"])


def test_language_detection() -> None:
    assert is_cjk("哪项决议涉及集束弹药？")
    assert not is_cjk("Which resolution deals with cluster munitions?")


def test_glossary_harvested_from_aligned_resolution_titles(shared_dir) -> None:
    """Short titles of aligned Chinese/English resolutions become glossary pairs (real XML)."""
    from index.glossary_build import best_pairs, title_pairs
    from ingest.pipeline import collect

    ga = shared_dir / "un-xml" / "GA" / "75session"
    docs, _ = collect([ga / "Chinese" / "75_64_C.xml", ga / "English" / "75_64_E.xml"], show_progress=False)
    assert best_pairs(title_pairs(docs)) == {"arms trade treaty": "武器贸易条约"}
    assert "致命自主武器系统" in translate_terms("What about lethal autonomous weapons systems?")
