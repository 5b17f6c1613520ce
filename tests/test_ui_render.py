"""The UI's pure rendering functions: escaping, citation links, highlighted spans, upload names.

No gradio, no model: records are built by hand, so these run in milliseconds.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from index.records import StoredDocument
from rag import Answer, Citation, CitedText, Passage
from ui.render import (
    render_answer_html,
    render_citations_html,
    render_document_html,
    render_sources_table,
    render_turn_html,
    render_window_html,
)
from ui.uploads import clean_upload_name, safe_upload_name

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
DOC_TEXT = (
    f"Title line {SCRIPT}\n\nIn 2015, Belarus sent 240 systems {IMG} to Bulgaria. "
    "The same year, Sofia transferred 136 Konkurs systems to the U.S.\nEnd & more."
)


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _citation(
    n: int,
    quote: str,
    *,
    title: str = "Belarus report",
    page: int | None = None,
    date_origin: str = "document",
) -> Citation:
    start, end = _span(DOC_TEXT, quote)
    return Citation(
        n=n,
        doc_id="doc1",
        source="/data/belarus.txt",
        title=title,
        date="2024-12-13",
        date_origin=date_origin,
        quote=quote,
        start=start,
        end=end,
        score=0.9,
        page=page,
    )


class _Collector(HTMLParser):
    """Tags and attributes of rendered HTML, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_mark: str | None = None
        self.marks: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark = dict(attrs).get("id") or ""
            self.marks[self._in_mark] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark is not None:
            self.marks[self._in_mark] += data


def parse(markup: str) -> _Collector:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector


def assert_no_active_markup(markup: str) -> None:
    tags = parse(markup).tags
    names = {t for t, _ in tags}
    assert "script" not in names and "img" not in names
    for _, attrs in tags:
        assert not any(a.startswith("on") for a in attrs), attrs


def test_answer_markers_are_links_and_text_is_escaped() -> None:
    answer = Answer(
        question=f"What about {IMG}?",
        text=f"Sofia transferred 136 systems {SCRIPT}. [1] Belarus sent 240. [1][2] See [7].",
        abstained=False,
        citations=[
            _citation(1, "The same year, Sofia transferred 136 Konkurs systems to the U.S."),
            _citation(2, f"In 2015, Belarus sent 240 systems {IMG} to Bulgaria."),
        ],
        notes=[f"Dropped a sentence with no valid citation: “{IMG}”"],
    )
    markup = render_answer_html(answer, prefix="t3")
    assert_no_active_markup(markup)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    links = [a for t, a in parse(markup).tags if t == "a"]
    assert [(a["data-n"], a["href"]) for a in links] == [
        ("1", "#t3-q-1"),
        ("1", "#t3-q-1"),
        ("2", "#t3-q-2"),
    ]
    assert all(a["class"] == "cite" and a["data-prefix"] == "t3" for a in links)
    assert "[7]" in markup  # not a citation of this answer: stays plain text
    assert "Verification notes" in markup and "&lt;img src=x onerror=alert(1)&gt;" in markup


def _window(quote: str, context: int = 1000) -> CitedText:
    """What ``RAG.cited_text`` returns for ``quote`` in DOC_TEXT: a window around it."""
    start, end = _span(DOC_TEXT, quote)
    lo = max(0, start - context)
    text = DOC_TEXT[lo : end + context]
    return CitedText("current", text, lo, start - lo, end - lo, len(DOC_TEXT))


def test_citations_panel_lists_quotes_and_the_viewer_holds_no_document_text() -> None:
    quotes = [
        "The same year, Sofia transferred 136 Konkurs systems to the U.S.",
        f"In 2015, Belarus sent 240 systems {IMG} to Bulgaria.",
    ]
    answer = Answer(
        question="q",
        text="A [1]. B [2].",
        abstained=False,
        citations=[
            _citation(1, quotes[0], title=f"Report {SCRIPT}", page=4, date_origin="file"),
            _citation(2, quotes[1]),
        ],
    )
    markup = render_citations_html(answer, prefix="t1")
    assert_no_active_markup(markup)
    parsed = parse(markup)
    assert parsed.marks == {}  # nothing is marked until a citation is opened
    ids = {a.get("id") for _, a in parsed.tags}
    assert {"t1-doc-1", "t1-doc-2", "t1-cite-1", "t1-cite-2"} <= ids
    text = "".join(parsed.text)
    assert "2024-12-13 (file date)" in text and "p. 4" in text
    assert f"Report {SCRIPT}" in text  # the title shows as text
    assert "Title line" not in markup and "End &amp; more" not in markup  # no document text
    # Each closed block carries the reference the browser sends back to open it.
    refs = [json.loads(a["data-cite"] or "") for t, a in parsed.tags if a.get("data-cite")]
    assert [(r["prefix"], r["key"], r["doc_id"]) for r in refs] == [
        ("t1", "1", "doc1"),
        ("t1", "2", "doc1"),
    ]
    assert [(r["start"], r["end"]) for r in refs] == [_span(DOC_TEXT, q) for q in quotes]


def test_an_opened_window_marks_the_exact_quote_and_escapes_the_text() -> None:
    quote = f"In 2015, Belarus sent 240 systems {IMG} to Bulgaria."
    markup = render_window_html(_window(quote), "t1-q-2")
    assert_no_active_markup(markup)
    parsed = parse(markup)
    assert parsed.marks == {"t1-q-2": quote}
    assert "".join(parsed.text) == DOC_TEXT  # the window is the whole short document
    # A window inside a long document says that the text goes on.
    cut = render_window_html(_window(quote, context=5), "t1-q-2")
    assert parse(cut).marks == {"t1-q-2": quote}
    assert "".join(parse(cut).text).startswith("… ") and "".join(parse(cut).text).endswith(" …")
    # The answer value is marked inside the quote (offsets in the document, not the window).
    start, _ = _span(DOC_TEXT, quote)
    value = quote.index("240")
    valued = render_window_html(_window(quote, 5), "q", start + value, start + value + 3)
    assert 'class="rag-value-mark">240</mark>' in valued


def test_abstained_answer_says_so_and_offers_closest_passages() -> None:
    quote = "The same year, Sofia transferred 136 Konkurs systems to the U.S."
    start, end = _span(DOC_TEXT, quote)
    passage = Passage(
        chunk_id="c1",
        doc_id="doc1",
        source="/data/belarus.txt",
        title=IMG,
        date="2024-12-13",
        date_origin="document",
        text=quote,
        start=start,
        end=end,
        score=0.01,
    )
    answer = Answer(question="q", text="", abstained=True, closest=[passage])
    markup = render_turn_html(answer, prefix="t2")
    assert_no_active_markup(markup)
    assert "The sources do not say" in markup
    assert "Closest passages" in markup
    assert 'href="#t2-q-c1"' in markup and 'id="t2-doc-c1"' in markup


def test_a_removed_or_changed_document_is_reported_not_crashed() -> None:
    for status in ("removed", "changed"):
        markup = render_window_html(CitedText(status, message=f"it was {status}"), "t1-q-1")
        assert f"it was {status}" in markup and "rag-quote-mark" not in markup


def test_render_document_html_escapes_and_marks_span() -> None:
    quote = f"Belarus sent 240 systems {IMG}"
    start, end = _span(DOC_TEXT, quote)
    markup = render_document_html(DOC_TEXT, start, end, "q-1")
    assert_no_active_markup(markup)
    parsed = parse(markup)
    assert parsed.marks == {"q-1": DOC_TEXT[start:end]}
    assert "".join(parsed.text) == DOC_TEXT
    with pytest.raises(ValueError):
        render_document_html("short", 2, 10, "q-1")


def test_bad_prefix_is_refused() -> None:
    answer = Answer(question="q", text="x", abstained=False)
    with pytest.raises(ValueError):
        render_answer_html(answer, prefix='t1" onclick="alert(1)')


def test_sources_table_escapes_and_marks_file_dates() -> None:
    doc = StoredDocument(
        doc_id="d1",
        source=f"/data/{IMG}.txt",
        file=f"/data/{IMG}.txt",
        title=SCRIPT,
        date="2024-01-02",
        date_origin="file",
        content_hash="h",
        format="txt",
        n_chunks=3,
        metadata={},
    )
    markup = render_sources_table([doc])
    assert_no_active_markup(markup)
    text = "".join(parse(markup).text)
    assert SCRIPT in text and "2024-01-02 (file date)" in text and "3" in text
    assert "Nothing is indexed" in render_sources_table([])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        (".hidden", "hidden"),
        ("..", "upload"),
        ("a/b.txt", "b.txt"),
        ("/abs/path/report.pdf", "report.pdf"),
        ("notes <img>.md", "notes _img_.md"),
        ("ок\x00тябрь.txt", "октябрь.txt"),
        ("", "upload"),
    ],
)
def test_clean_upload_name(name: str, expected: str) -> None:
    assert clean_upload_name(name) == expected


def test_safe_upload_name_stays_in_folder_and_avoids_collisions(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    for name in ("../../etc/passwd", ".hidden", "a/b.txt", "..", "x/../../y.md"):
        target = safe_upload_name(name, folder)
        assert target.parent == folder
        assert not target.name.startswith(".")
        assert target.resolve().is_relative_to(folder.resolve())
    first = safe_upload_name("report.txt", folder)
    first.write_text("one")
    second = safe_upload_name("../report.txt", folder)
    assert second.name == "report-1.txt"
    second.write_text("two")
    assert safe_upload_name("report.txt", folder).name == "report-2.txt"
    long = safe_upload_name("x" * 500 + ".pdf", folder)
    assert long.suffix == ".pdf" and len(long.name) <= 120
    assert re.fullmatch(r"x+\.pdf", long.name)


def test_failed_answer_shows_the_error_not_an_abstention() -> None:
    answer = Answer(
        question="q", text="", abstained=True, backend="openai", error=f"LLMError: {SCRIPT}"
    )
    markup = render_answer_html(answer, prefix="t1")
    assert_no_active_markup(markup)
    assert "Error: LLMError: &lt;script&gt;" in markup
    assert "The sources do not say" not in markup
    assert "openai" in markup
