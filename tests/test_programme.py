"""Structure-aware ingest of the real programme text A/65/6 (Prog. 3) (corpus/a_65_6_prog3_zh.txt)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.programme import is_programme, read_programme
from unqa.model import Document, IngestError, Passage
from unqa.paths import CORPUS_DIR

PROGRAMME = CORPUS_DIR / "a_65_6_prog3_zh.txt"
P = "A/65/6(Prog.3)#"
CJK_GAP = re.compile(r"[\u4e00-\u9fff\u3001-\u303f\uff01-\uff1f“”]\s+[\u4e00-\u9fff\u3001-\u303f\uff01-\uff1f“”]")
MANDATE_COUNT = 95  # 82 GA resolutions + 9 GA decisions + 4 SC resolutions, counted in the text


@pytest.fixture(scope="module")
def doc() -> Document:
    return read_programme(PROGRAMME)


@pytest.fixture(scope="module")
def by_id(doc: Document) -> dict[str, Passage]:
    return {p.id: p for p in doc.passages}


def _texts(by_id: dict[str, Passage], ids: list[str]) -> list[str]:
    return [by_id[i].text for i in ids]


def test_document_fields(doc: Document) -> None:
    assert doc.doc_id == "A/65/6(Prog.3)" and doc.symbol == "A/65/6 (Prog. 3)" and doc.lang == "zh"
    assert doc.sha256 == hashlib.sha256(PROGRAMME.read_bytes()).hexdigest()
    assert doc.meta == json.loads(PROGRAMME.with_name("a_65_6_prog3_zh.meta.json").read_text("utf-8"))
    assert is_programme(PROGRAMME)


def test_counts_per_kind(doc: Document) -> None:
    counts = Counter(p.kind for p in doc.passages)
    assert counts == {
        "overview": 6,
        "objective": 5,
        "accomplishment": 13,
        "indicator": 23,
        "strategy": 5,
        "strategy_item": 35,
        "mandate": MANDATE_COUNT,
    }


def test_paragraphs_3_1_to_3_11_present(by_id: dict[str, Passage]) -> None:
    for n in range(1, 12):
        assert f"{P}3.{n}" in by_id, f"3.{n} missing"
    assert by_id[f"{P}3.1"].text.startswith("在严格有效的国际监督下的全面彻底裁军仍然是裁军领域一切努力的最终目标。")
    assert by_id[f"{P}3.3"].citation.path == ("方案 3 裁军", "总方向", "3.3")
    assert by_id[f"{P}3.2"].symbols == ()  # mentions (S-10/2, 55/2) are found at indexing time


def test_strategy_3_9_has_eleven_items(doc: Document, by_id: dict[str, Passage]) -> None:
    items = [p for p in doc.passages if p.kind == "strategy_item" and p.id.startswith(f"{P}3.9(")]
    assert [p.id[-3:] for p in items] == [f"({c})" for c in "abcdefghijk"]
    c = by_id[f"{P}3.9(c)"]
    assert c.text == "推动武器贸易条约的审议进程；"
    assert c.citation.path == ("方案 3 裁军", "次级方案 3 常规军备(包括实际裁军措施)", "战略", "3.9 (c)")
    assert c.citation.paragraph == "3.9 (c)" and c.context == "次级方案 3 常规军备 战略"
    assert by_id[f"{P}3.9"].kind == "strategy" and "常规武器处执行" in by_id[f"{P}3.9"].text
    assert by_id[f"{P}3.9(k)"].text.startswith("应各国政府的要求就如何监测和评价")


def test_five_subprogrammes_with_objectives(by_id: dict[str, Passage]) -> None:
    titles = [by_id[f"{P}sp{n}.objective"].citation.path[1] for n in range(1, 6)]
    assert titles == [
        "次级方案 1 军备限制和裁军问题多边谈判",
        "次级方案 2 大规模毁灭性武器",
        "次级方案 3 常规军备(包括实际裁军措施)",
        "次级方案 4 信息和外联",
        "次级方案 5 区域裁军",
    ]
    assert by_id[f"{P}sp4.objective"].text == "加强会员国和公众对裁军问题的理解和了解"
    assert by_id[f"{P}sp1.objective"].text.endswith("并提供这些领域现有多边军备限制和裁军协定的缔约国所要求的支助")


def test_subprogramme_1_accomplishments_paired_with_own_indicators(by_id: dict[str, Passage]) -> None:
    a, b, c = (by_id[f"{P}sp1.ea({x})"] for x in "abc")
    assert a.text.startswith("在组织、程序和实质层面向裁军谈判会议") and a.text.endswith("谈判工作提供有效支助")
    assert [t[-4:] for t in _texts(by_id, a.extra["indicators"])] == ["承认增加", "承认增加"]
    assert a.extra["indicators"] == [f"{P}sp1.ea(a).ind(一)", f"{P}sp1.ea(a).ind(二)"]
    b_texts = _texts(by_id, b.extra["indicators"])
    assert len(b_texts) == 3 and b_texts[0].startswith("各缔约国更多地报告") and "数据库" in b_texts[1]
    assert b_texts[2].startswith("在线信息来源")
    c_texts = _texts(by_id, c.extra["indicators"])
    assert len(c_texts) == 3 and all("研究金" in t for t in c_texts) and c_texts[2].endswith("女性参加者百分比提高")
    ind = by_id[f"{P}sp1.ea(a).ind(一)"]
    assert ind.extra["accomplishment"] == a.id and ind.citation.paragraph == "绩效指标 (a) (一)"
    assert "预期成绩 (a)" in ind.context and "在组织、程序和实质层面" in ind.context


def test_subprogramme_3_interleaved_columns_paired_by_letter(by_id: dict[str, Passage]) -> None:
    for letter, start in (("a", "利用现有工具"), ("b", "切实推动联合国武器贸易条约"), ("c", "切实推动会员国参加")):
        acc = by_id[f"{P}sp3.ea({letter})"]
        assert acc.text.startswith(start)
        assert acc.extra["indicators"] == [f"{P}sp3.ea({letter}).ind"]
        ind = by_id[f"{P}sp3.ea({letter}).ind"]
        assert ind.text == "会员国对所获得的服务没有投诉意见" and ind.extra["accomplishment"] == acc.id
        assert start in ind.context
    assert by_id[f"{P}sp3.ea(c)"].text.endswith("这种文书的范围得到进一步扩展")


def test_every_indicator_points_back_to_its_accomplishment(doc: Document, by_id: dict[str, Passage]) -> None:
    for p in doc.passages:
        if p.kind == "accomplishment":
            assert p.extra["indicators"], p.id
            assert all(by_id[i].extra["accomplishment"] == p.id for i in p.extra["indicators"])
        if p.kind == "indicator":
            assert p.id in by_id[p.extra["accomplishment"]].extra["indicators"]


def test_mandates_one_passage_per_entry(doc: Document, by_id: dict[str, Passage]) -> None:
    mandates = [p for p in doc.passages if p.kind == "mandate"]
    assert len(mandates) == MANDATE_COUNT
    types = Counter(p.extra["mandate_type"] for p in mandates)
    assert types == {"ga_resolution": 82, "ga_decision": 9, "sc_resolution": 4}
    m = by_id[f"{P}mandate.64/36"]
    assert m.text == "64/36 集束弹药公约" and m.symbols == ("64/36",)
    assert m.extra == {"symbol": "A/RES/64/36", "mandate_type": "ga_resolution"}
    assert m.citation.url == "https://docs.un.org/zh/A/RES/64/36"
    assert m.citation.path == ("方案 3 裁军", "法律授权", "大会决议", "64/36")
    assert m.location == "lines 629-629"


def test_mandate_long_and_lettered_entries(by_id: dict[str, Passage]) -> None:
    long = by_id[f"{P}mandate.59/81"]
    assert long.text.startswith("59/81 裁军谈判会议 1998 年 8 月 11 日决定(CD/1547)在题为“停止核军备竞赛和核裁军”")
    assert long.text.endswith("谈判缔结一项非歧视性的、可由国际有效核查的多边条约") and long.location == "lines 525-533"
    o = by_id[f"{P}mandate.38/183O"]
    assert o.text == "38/183 O 裁军研究咨询委员会" and o.extra["part"] == "O" and o.symbols == ("38/183",)
    c = by_id[f"{P}mandate.42/37C"]
    assert c.text.endswith("支持缔结一项化学武器公约的措施") and c.citation.paragraph == "42/37 C"
    assert by_id[f"{P}mandate.S-10/2"].extra["symbol"] == "A/RES/S-10/2"


def test_mandate_decisions_and_security_council(by_id: dict[str, Passage]) -> None:
    dec = by_id[f"{P}mandate.54/418"]
    assert dec.text == "54/418 裁军事项咨询委员会" and dec.extra["mandate_type"] == "ga_decision"
    assert dec.extra["symbol"] == "A/DEC/54/418" and dec.citation.url == "https://docs.un.org/zh/A/DEC/54/418"
    sc = by_id[f"{P}mandate.1887(2009)"]
    assert sc.text.startswith("1887(2009) 2009 年 9 月 24 日安全理事会第 6191 次会议") and sc.text.endswith("通过")
    assert sc.symbols == ("1887(2009)",) and sc.extra["symbol"] == "S/RES/1887 (2009)"
    assert sc.citation.path == ("方案 3 裁军", "法律授权", "安全理事会决议", "1887(2009)")
    assert by_id[f"{P}mandate.1540(2004)"].citation.url == "https://docs.un.org/zh/S/RES/1540(2004)"


def test_listed_links_confirm_mandates_and_leave_the_text(doc: Document, by_id: dict[str, Passage]) -> None:
    confirmed = sorted(p.symbols[0] for p in doc.passages if "listed_url" in p.extra)
    assert confirmed == ["63/13", "63/36", *(f"64/{n}" for n in range(22, 31))]
    assert by_id[f"{P}mandate.64/24"].text == "64/24 非洲无核武器区条约"
    assert by_id[f"{P}mandate.64/30"].location == "lines 615-615"


def test_passages_are_clean_and_cited(doc: Document) -> None:
    for p in doc.passages:
        assert p.text and not CJK_GAP.search(p.text), p.id
        assert "http" not in p.text and "www." not in p.text and "㈠" not in p.text, p.id
        assert p.citation.path and all(p.citation.path) and p.citation.paragraph, p.id
        assert p.citation.document == "A/65/6 (Prog. 3)" and p.citation.source == PROGRAMME.name
        assert p.citation.title == "2012-2013年期间拟议战略框架 方案 3 裁军" and p.citation.page is None
        assert p.citation.url and p.lang == "zh" and p.doc_id == "A/65/6(Prog.3)" and p.context
        assert re.fullmatch(r"lines \d+-\d+", p.location), p.id
    assert [p.order for p in doc.passages] == list(range(len(doc.passages)))


def test_ids_unique_and_stable(doc: Document) -> None:
    ids = [p.id for p in doc.passages]
    assert len(ids) == len(set(ids))
    again = read_programme(PROGRAMME)
    assert [p.to_dict() for p in again.passages] == [p.to_dict() for p in doc.passages]


def test_missing_metadata_is_an_ingest_error(tmp_path: Path) -> None:
    copy = tmp_path / "prog.txt"
    copy.write_bytes(PROGRAMME.read_bytes())
    with pytest.raises(IngestError, match="meta.json"):
        read_programme(copy)
    assert not is_programme(copy)
