"""Ingest dispatcher: walking, zip members, Chinese/English pairing, Skipped, duplicates, subsets."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ingest import load
from ingest.load import Skipped, count_inputs, iter_documents, xml_key
from unqa.model import Citation, Document, Passage
from unqa.paths import SHARED_DIR

GA75 = SHARED_DIR / "un-xml" / "GA" / "75session"
pytestmark = pytest.mark.skipif(not GA75.is_dir(), reason="../shared/un-xml not available")


def _copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def _run(paths: list[Path], **kw: object) -> tuple[list[Document], dict[str, str]]:
    out = list(iter_documents(paths, show_progress=False, **kw))  # type: ignore[arg-type]
    docs = [d for d in out if isinstance(d, Document)]
    return docs, {Path(s.source.split("!")[-1]).name: s.reason for s in out if isinstance(s, Skipped)}


@pytest.mark.parametrize(
    ("stem", "key", "lang"),
    [
        ("75_36_C", "75_36", "zh"),
        ("74_1", "74_1", ""),
        ("A_RES_76_72-2118581C_reissue", "76_72", "zh"),
        ("A_RES_76_23-2118258E-reissue", "76_23", "en"),
        ("A_RES_77_315_2313027C", "77_315", "zh"),  # job number after an underscore
        ("A_RES_ES-11_4_2223239E", "ES-11_4", "en"),
        ("S_RES_2504 (2020)-2000407E", "S_RES_2504", "en"),
        ("S_RES_2504-2000407C", "S_RES_2504", "zh"),
        ("SC_2561_2021-C", "S_RES_2561", "zh"),
        ("S_RES_2561_2105407E", "S_RES_2561", "en"),
        ("75_245B_E", "75_245B", "en"),
        ("A_RES_77_336-2317569A", "77_336", "ar"),
    ],
)
def test_xml_key(stem: str, key: str, lang: str) -> None:
    assert xml_key(stem) == (key, lang)


def test_pairs_chinese_with_english_and_reads_lone_english(tmp_path: Path) -> None:
    root = tmp_path / "75session"
    _copy(GA75 / "Chinese" / "75_36_C.xml", root / "Chinese" / "75_36_C.xml")
    _copy(GA75 / "English" / "75_36_E.xml", root / "English" / "75_36_E.xml")
    _copy(GA75 / "English" / "75_1_E.xml", root / "English" / "75_1_E.xml")
    docs, skipped = _run([tmp_path])
    assert skipped == {}
    assert sorted(d.doc_id for d in docs) == ["A/RES/75/1@en", "A/RES/75/36@zh"]
    zh = next(d for d in docs if d.lang == "zh")
    assert all(p.en for p in zh.passages)
    assert count_inputs([tmp_path]) == 3


def test_zip_members_read_and_paired_in_place(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "GA_Chinese.zip", "w") as zf:
        zf.write(GA75 / "Chinese" / "75_36_C.xml", "Chinese/75_36_C.xml")
        zf.writestr("Chinese/75_99_C.xml", b"<akomaNtoso><statement>")  # broken member
    with zipfile.ZipFile(tmp_path / "GA_English.zip", "w") as zf:
        zf.write(GA75 / "English" / "75_36_E.xml", "English/75_36.xml")  # no _E, as in the 74th session
    docs, skipped = _run([tmp_path])
    assert [d.doc_id for d in docs] == ["A/RES/75/36@zh"]
    assert docs[0].passages[0].en.startswith("Reaffirming the applicability")
    assert "malformed XML" in skipped["75_99_C.xml"]


def _fake_reader(path: Path) -> Document:
    cit = Citation(document=path.stem, title="t", path=(), paragraph="1", source=path.name)
    passage = Passage(id=f"{path.stem}#1", text=path.read_text(encoding="utf-8"), kind="paragraph", citation=cit)
    return Document(path.stem, path.stem, "t", "zh", str(path), path.stem, (passage,), meta={"reader": "?"})


def test_dispatch_by_suffix_and_meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.programme import is_programme  # the real metadata check decides the dispatch

    calls: list[str] = []
    for func in ("read_programme", "read_plain_text"):
        monkeypatch.setattr(load, func, lambda p, f=func: (calls.append(f"{f}:{p.name}"), _fake_reader(p))[1])
    assert load.is_programme is is_programme
    (tmp_path / "prog.txt").write_text("方案 3 裁军", encoding="utf-8")
    (tmp_path / "prog.meta.json").write_text(json.dumps({"format": "un-programme"}), encoding="utf-8")
    (tmp_path / "notes.md").write_text("笔记", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "data.csv").write_text("a,b", encoding="utf-8")
    (tmp_path / "bad.xml").write_text("<akomaNtoso>", encoding="utf-8")
    docs, skipped = _run([tmp_path])
    assert calls == ["read_plain_text:notes.md", "read_programme:prog.txt"]
    assert sorted(d.doc_id for d in docs) == ["notes", "prog"]
    assert "unsupported file type '.csv'" in skipped["data.csv"] and "malformed XML" in skipped["bad.xml"]
    assert set(skipped) == {"data.csv", "bad.xml"}  # hidden files and *.meta.json are not inputs


def test_duplicates_and_first_committee_subset(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        _copy(GA75 / "Chinese" / "75_36_C.xml", tmp_path / folder / "Chinese" / "75_36_C.xml")
    _copy(GA75 / "Chinese" / "75_1_C.xml", tmp_path / "a" / "Chinese" / "75_1_C.xml")
    docs, skipped = _run([tmp_path])
    assert sorted(d.doc_id for d in docs) == ["A/RES/75/1@zh", "A/RES/75/36@zh"]
    assert skipped["75_36_C.xml"].startswith("duplicate of ") and "/a/Chinese/75_36_C.xml" in skipped["75_36_C.xml"]
    first, _ = _run([tmp_path / "a"], subset="first-committee")
    assert [d.doc_id for d in first] == ["A/RES/75/36@zh"]
    with pytest.raises(ValueError, match="unknown subset"):
        list(iter_documents([tmp_path], subset="second", show_progress=False))
