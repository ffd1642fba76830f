"""Cleaning of PDF-extracted Chinese text: inline cases and properties."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text, extract_urls, join_lines

CJK_GAP = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")


def test_join_lines_chinese_break_adds_no_space() -> None:
    lines = ["3.1 在严格有效的国际监督下的全面彻底裁军仍然是裁军领域一切努力的最终", "", "目标。会员国 "]
    joined = join_lines(lines)
    assert "最终目标。" in joined
    assert not CJK_GAP.search(joined)


def test_join_lines_latin_words_keep_one_space() -> None:
    assert join_lines(["the Programme of", "  Action on small arms"]) == "the Programme of Action on small arms"
    assert join_lines(["resolution 64/36 of", "2 December 2009"]) == "resolution 64/36 of 2 December 2009"


def test_join_lines_number_then_chinese_and_hyphen() -> None:
    assert join_lines(["有效推动会员国执行 2001", "年《从各个方面》"]) == "有效推动会员国执行 2001年《从各个方面》"
    assert join_lines(["non-", "proliferation"]) == "non-proliferation"


def test_clean_text_removes_stray_spaces_inside_chinese() -> None:
    assert clean_text("裁军 厅将继续 ， 协助 会员国 。") == "裁军厅将继续，协助会员国。"
    assert clean_text("题为“停止核军 备竞赛” 的议程") == "题为“停止核军备竞赛”的议程"


def test_clean_text_keeps_latin_spacing_and_mixed_spacing() -> None:
    assert clean_text("  Programme   of\tAction  ") == "Programme of Action"
    assert clean_text("《联合国千年宣言》(第 55/2 号决议)") == "《联合国千年宣言》(第 55/2 号决议)"


def test_clean_text_circled_numbers() -> None:
    assert clean_text("(a) ㈠ 附属机构 ㈡ 缔约国 ㈢ 在线") == "(a) (一) 附属机构 (二) 缔约国 (三) 在线"
    assert clean_text("⑴ 第一 ② 第二") == "(1) 第一 (2) 第二"


def test_clean_text_width_normalisation() -> None:
    assert clean_text("第６４／３６号决议（２００９）ＵＮ") == "第64/36号决议(2009)UN"
    assert clean_text("武器,特别是核武器;以及:") == "武器，特别是核武器；以及:"
    assert clean_text("会员国，特别是发展中国家。") == "会员国，特别是发展中国家。"
    assert clean_text("⽅案 3") == "方案 3"  # Kangxi radical from PDF extraction


def test_clean_text_drops_invisible_characters() -> None:
    assert clean_text("\ufeff裁\u200b军\x00事务\u3000厅") == "裁军事务厅"


def test_extract_urls_removes_and_returns_them() -> None:
    url = "http://www.un.org/zh/documents/view_doc.asp?symbol=A/RES/63/13&Lang=C"
    text, urls = extract_urls(f"63/13 联合国同全面禁止核试验条约组织筹备委员会的合作 {url}\n64/22 军事情况")
    assert urls == [url]
    assert "http" not in text and "64/22 军事情况" in text
    text, urls = extract_urls("见 (https://docs.un.org/zh/A/RES/64/36).")
    assert urls == ["https://docs.un.org/zh/A/RES/64/36"] and text == "见 ()."


def test_clean_text_idempotent_examples() -> None:
    for s in ["军 , 特", "“ 核 ” “ 军 ”", "a ， b", "㈠ ａ （ｂ） 。 ，", "x\u3000 \u3000y"]:
        once = clean_text(s)
        assert clean_text(once) == once


_ALPHABET = st.sampled_from(list("裁军方案核 ，,:;?!。、（）()“”《》ＡＢ１２ab12㈠㈡①⑴⽅ \n\t\u3000\u200b-/.h"))
_TEXT = st.text(alphabet=_ALPHABET, max_size=60) | st.text(max_size=60)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_clean_text_is_idempotent(s: str) -> None:
    once = clean_text(s)
    assert clean_text(once) == once
    assert "\n" not in once and "  " not in once


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT, max_size=6))
def test_join_and_extract_never_crash(lines: list[str]) -> None:
    joined = join_lines(lines)
    text, urls = extract_urls("\n".join(lines))
    assert isinstance(joined, str) and isinstance(text, str)
    assert all(u.startswith(("http://", "https://", "www.")) for u in urls)
