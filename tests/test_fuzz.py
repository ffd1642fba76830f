"""Property tests (hypothesis): text cleaning, programme segmentation, query parsing, highlighting."""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.encoders import MAX_QUERY_CHARS
from index.search import clean_query
from ingest.clean import clean_text, join_lines, normalize_chars
from unqa.model import IngestError, QueryError
from unqa.paths import CORPUS_DIR
from unqa.symbols import symbol_keys
from unqa_app.ui import permalink
from unqa_app.ui.highlight import ANSWER_CLASS, TERM_CLASS, highlight

FAST = settings(deadline=None, max_examples=200, database=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(deadline=None, max_examples=100, database=None, suppress_health_check=[HealthCheck.too_slow])

# characters the cleaners treat specially, mixed with anything unicode
_SPECIAL = (
    "裁军事务厅常规武器，。；：、？！“”‘’《》（）()[]【】 \u3000\t\n\r\x00\x0b\x0c\x1b\x7f\x85\xa0\u00ad\u200b\ufeff"
    "ＡＢＣ１２３／％＋－，：；？！㈠㈡①⑴⒈⽅⾦豈,;:?!/-–—…·abcXYZ0123456789"
    "ARES/64/36 S/RES/1540 (2004)６４／３６"
)
text = st.text(alphabet=st.one_of(st.sampled_from(_SPECIAL), st.characters()), max_size=300)

PROGRAMME = next(CORPUS_DIR.glob("*.txt"))
META = PROGRAMME.with_name(f"{PROGRAMME.stem}.meta.json")
LINES = PROGRAMME.read_text(encoding="utf-8").splitlines()


# ---------------------------------------------------------------- cleaning


@FAST
@given(text)
def test_clean_text_never_fails_and_is_idempotent(s: str) -> None:
    once = clean_text(s)
    assert clean_text(once) == once
    assert "\n" not in once and "  " not in once and once == once.strip()
    assert not any(unicodedata.category(c) == "Cc" for c in once)


@FAST
@given(text)
def test_normalize_chars_is_idempotent(s: str) -> None:
    once = normalize_chars(s)
    assert normalize_chars(once) == once


@FAST
@given(st.lists(text, max_size=10))
def test_join_lines_never_fails(lines: list[str]) -> None:
    joined = join_lines(lines)
    assert joined == joined.strip()
    assert (joined == "") == all(not ln.strip() for ln in lines)


# ---------------------------------------------------------------- programme segmentation


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="unqa-fuzz-") as d:
        shutil.copy(META, Path(d) / "prog.meta.json")
        yield Path(d)


def _segment(folder: Path, body: str) -> None:
    from ingest.programme import read_programme

    path = folder / "prog.txt"
    path.write_bytes(body.encode("utf-8", "surrogatepass"))  # lone surrogates become invalid UTF-8 bytes
    try:
        doc = read_programme(path)
    except IngestError:
        return
    ids = [p.id for p in doc.passages]
    assert len(ids) == len(set(ids))
    assert all(p.text for p in doc.passages)


@SLOW
@given(body=text)
def test_segmentation_of_random_text(workdir: Path, body: str) -> None:
    _segment(workdir, body)


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "swap", "insert", "cut", "replace"]),
        st.integers(0, len(LINES) - 1),
        st.integers(0, len(LINES) - 1),
        text,
    ),
    min_size=1,
    max_size=6,
)


@SLOW
@given(edits=_EDITS)
def test_segmentation_of_perturbed_programme(workdir: Path, edits) -> None:
    lines = list(LINES)
    for op, i, j, s in edits:
        i, j = i % max(len(lines), 1), j % max(len(lines), 1)
        if not lines:
            break
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[j])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, s)
        elif op == "cut":
            lines[i] = lines[i][: len(s)]
        else:
            lines[i] = s
    _segment(workdir, "\n".join(lines))


# ---------------------------------------------------------------- queries


@FAST
@given(st.one_of(text, st.text(max_size=2000)))
def test_clean_query_never_fails_and_bounds_the_question(q: str) -> None:
    try:
        cleaned, notices = clean_query(q)
    except QueryError:
        assert not "".join(c for c in q if not unicodedata.category(c).startswith("C")).strip()
        return
    assert cleaned and cleaned == cleaned.strip()
    assert len(cleaned) <= MAX_QUERY_CHARS
    assert not any(unicodedata.category(c).startswith("C") for c in cleaned)
    visible = " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in q).split())
    assert bool(notices) == (len(visible) > MAX_QUERY_CHARS)
    assert clean_query(cleaned)[0] == cleaned


@FAST
@given(text)
def test_symbol_keys_never_fail(q: str) -> None:
    keys = symbol_keys(q)
    assert len(keys) == len(set(keys))
    for key in keys:
        assert re.fullmatch(r"(?:(?:ES|S)-)?\d{1,2}/\d{1,4}|\d{2,4}\(\d{4}\)", key), key


@FAST
@given(
    st.integers(1, 99),
    st.integers(1, 9999),
    st.sampled_from(["A/RES/{}/{}", "{}/{}", "A / RES / {} / {}", "第{}/{}号决议", "resolution {}/{}"]),
)
def test_symbol_keys_of_any_spelling(session: int, number: int, pattern: str) -> None:
    spelled = pattern.format(session, number)
    assert symbol_keys(f"关于 {spelled} 的执行情况") == [f"{session}/{number}"]
    full_width = spelled.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert symbol_keys(full_width) == [f"{session}/{number}"]


@FAST
@given(text)
def test_permalink_query_is_clean(q: str) -> None:
    cleaned = permalink.clean_query(q)
    assert len(cleaned) <= permalink.MAX_QUERY_CHARS
    assert not any(unicodedata.category(c).startswith("C") for c in cleaned)


_OUR_TAGS = re.compile(f'<mark class="(?:{ANSWER_CLASS}|{TERM_CLASS})">|</mark>')


@FAST
@given(text, st.lists(text, max_size=5), st.one_of(st.none(), text))
def test_highlight_output_has_no_markup_but_ours(s: str, terms: list[str], answer: str | None) -> None:
    out = highlight(s, answer=answer, terms=terms)
    stripped = _OUR_TAGS.sub("", out)
    assert "<" not in stripped and ">" not in stripped and '"' not in stripped
    import html

    assert html.unescape(stripped) == s
