"""Pure HTML rendering for the chat UI: no gradio here, so every function is testable alone.

Everything that comes from a source (text, titles, file names, quotes) or from a model
(answer text, notes) is HTML-escaped before it is placed in markup: a document containing
``<script>`` must show as text. Only the markup written in this module is trusted.

Ids inside one rendered turn share a ``prefix`` (``t1``, ``t2``...), so several answers can
live on one page without their citation anchors colliding:

- ``{prefix}-q-{key}``: the highlighted ``<mark>`` of citation ``key`` in its document
- ``{prefix}-doc-{key}``: the document block of citation ``key``: closed, holding no document
  text, until the citation is opened; then the browser fetches the window around the quote
  (``ui.windows``) and puts it in
- ``{prefix}-cite-{key}``: the citation's entry in the citations panel

``key`` is the citation number ``n`` (``1``, ``2``...) or ``c1``, ``c2``... for the closest
passages of an abstained answer.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag import Answer, Citation, CitedText, Passage, StoredDocument, decline_openings
from rag.markers import MARKER, marker_numbers

NOT_SAY = "The sources do not say"

# One marker grammar for the whole tool ("[1]", "[1, 2]", "[1-3]"; "[1][3]" is two markers).
_MARKER = MARKER
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@functools.cache
def _openings() -> tuple[str, ...]:
    return (NOT_SAY, *decline_openings())


def esc(value: object) -> str:
    """Escape text for element content and quoted attribute values."""
    return html.escape(str(value), quote=True)


def _check_prefix(prefix: str) -> str:
    # Prefixes end up inside id and href attributes; only the app chooses them, but a bad one
    # would silently break every anchor of the turn, so fail loudly instead.
    if not _PREFIX.match(prefix):
        raise ValueError(f"invalid id prefix {prefix!r}")
    return prefix


def cite_link(prefix: str, key: str | int, label: str | None = None) -> str:
    """A clickable marker that opens citation ``key`` of turn ``prefix`` in the viewer."""
    key = esc(key)
    text = esc(label) if label is not None else f"[{key}]"
    return (
        f'<a class="cite" data-n="{key}" data-prefix="{esc(prefix)}" '
        f'href="#{esc(prefix)}-q-{key}" title="Show the quoted passage">{text}</a>'
    )


def format_date(date: str, date_origin: str) -> str:
    """A document date for display; a file's modification time is labelled as such."""
    if not date:
        return "undated"
    return f"{date} (file date)" if date_origin == "file" else date


# ---------------------------------------------------------------------------- answers
def render_answer_html(answer: Answer, prefix: str = "a") -> str:
    """The answer with its inline markers as links, the verification notes, and (when the
    answer abstained) the closest passages, each openable in the viewer."""
    prefix = _check_prefix(prefix)
    known = {c.n for c in answer.citations}
    parts: list[str] = []
    if answer.error:
        parts.append(f'<p class="rag-error">Error: {esc(answer.error)}</p>')
    text = answer.text.strip()
    # a decline the pipeline wrote says so in the question's language; an abstaining
    # model's own words get the English phrase in front
    if answer.abstained and not answer.error and not text.startswith(_openings()):
        text = f"{NOT_SAY}. {text}".strip()

    def link(match: re.Match[str]) -> str:
        numbers = marker_numbers(match.group(0))
        if not all(n in known for n in numbers):
            return match.group(0)  # a bracketed number that is not a citation stays text
        return "".join(cite_link(prefix, n) for n in numbers)

    css = "rag-answer-text abstained" if answer.abstained else "rag-answer-text"
    parts.append(f'<p class="{css}">{_MARKER.sub(link, esc(text))}</p>')
    if answer.notes:
        items = "".join(f"<li>{esc(note)}</li>" for note in answer.notes)
        parts.append(
            '<div class="rag-notes"><div class="rag-notes-title">Verification notes</div>'
            f"<ul>{items}</ul></div>"
        )
    if answer.abstained and answer.closest:
        items = "".join(_closest_item(prefix, i + 1, p) for i, p in enumerate(answer.closest))
        parts.append(
            '<div class="rag-closest"><div class="rag-closest-title">Closest passages '
            "(they do not answer the question; read them yourself)</div>"
            f"<ol>{items}</ol></div>"
        )
    meta = esc(answer.backend)
    if "total" in answer.timings:
        meta += f" · {answer.timings['total']:.1f} s"
    parts.append(f'<div class="rag-meta">{meta}</div>')
    return f'<div class="rag-answer" id="{prefix}-answer">{"".join(parts)}</div>'


def _snippet(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _closest_item(prefix: str, i: int, passage: Passage) -> str:
    return (
        f'<li id="{prefix}-cite-c{i}">{cite_link(prefix, f"c{i}", "open")} '
        f'<span class="rag-title">{esc(passage.title)}</span> · '
        f'<span class="rag-date">{esc(format_date(passage.date, passage.date_origin))}</span>'
        f'{_page(passage.page)}<div class="rag-quote">{esc(_snippet(passage.text))}</div></li>'
    )


def _page(page: int | None) -> str:
    return f' · <span class="rag-page">p. {int(page)}</span>' if page is not None else ""


# ------------------------------------------------------------------- citations + viewer
@dataclass(frozen=True)
class _Span:
    key: str
    doc_id: str
    title: str
    source: str
    date: str
    date_origin: str
    start: int
    end: int
    page: int | None
    quote: str
    content_hash: str
    # the answer value inside the quote (document offsets), highlighted within the mark
    value_start: int | None = None
    value_end: int | None = None


def _spans(answer: Answer) -> list[_Span]:
    spans = [
        _Span(
            str(c.n),
            c.doc_id,
            c.title,
            c.source,
            c.date,
            c.date_origin,
            c.start,
            c.end,
            c.page,
            c.quote,
            c.content_hash,
            c.value_start,
            c.value_end,
        )
        for c in answer.citations
    ]
    if answer.abstained:
        spans += [
            _Span(
                f"c{i + 1}",
                p.doc_id,
                p.title,
                p.source,
                p.date,
                p.date_origin,
                p.start,
                p.end,
                p.page,
                p.text,
                p.content_hash,
            )
            for i, p in enumerate(answer.closest)
        ]
    return spans


def render_citations_html(answer: Answer, prefix: str = "a") -> str:
    """The citations panel (n, title, date, page, quote) and the source viewer: for every
    citation a closed document block that holds no document text; the browser fetches a
    window around the quote when the citation is opened (see :func:`render_window_html`)."""
    prefix = _check_prefix(prefix)
    return _citations_panel(answer, prefix) + _viewer(answer, prefix)


def _citations_panel(answer: Answer, prefix: str) -> str:
    if not answer.citations:
        return ""
    items = "".join(_citation_item(prefix, c) for c in answer.citations)
    return (
        '<div class="rag-citations"><div class="rag-citations-title">Citations</div>'
        f"<ol>{items}</ol></div>"
    )


def _ref(prefix: str, span: _Span) -> dict[str, object]:
    ref: dict[str, object] = {
        "prefix": prefix,
        "key": span.key,
        "doc_id": span.doc_id,
        "start": span.start,
        "end": span.end,
        "content_hash": span.content_hash,
    }
    if not span.content_hash:  # an answer without hashes: the quote itself is checked
        ref["quote"] = span.quote
    if span.value_start is not None and span.value_end is not None:
        ref["value_start"], ref["value_end"] = span.value_start, span.value_end
    return ref


def _viewer(answer: Answer, prefix: str) -> str:
    # Each block carries only a reference to its quote (data-cite); its text is fetched when
    # the citation is opened, so the page does not grow with the size of the cited documents.
    docs = "".join(
        f'<section class="rag-doc" id="{prefix}-doc-{esc(span.key)}" data-key="{esc(span.key)}" '
        f'data-cite="{esc(json.dumps(_ref(prefix, span), ensure_ascii=False))}">'
        f'{_doc_header(span)}<div class="rag-doc-body"></div></section>'
        for span in _spans(answer)
    )
    if not docs:
        return ""
    return (
        f'<div class="rag-viewer" id="{prefix}-viewer">'
        '<div class="rag-viewer-hint">Click a citation marker to open the quoted passage '
        "in its document.</div>"
        f"{docs}</div>"
    )


def _citation_item(prefix: str, c: Citation) -> str:
    return (
        f'<li id="{prefix}-cite-{c.n}">{cite_link(prefix, c.n)} '
        f'<span class="rag-title">{esc(c.title)}</span> · '
        f'<span class="rag-date">{esc(format_date(c.date, c.date_origin))}</span>'
        f"{_ocr(c.ocr_label) if c.ocr else _page(c.page)}"
        f'<div class="rag-quote">{esc(c.quote)}</div></li>'
    )


def _ocr(label: str) -> str:
    # A quote read by OCR may hold misread characters: the reader is told, with the page's
    # confidence, so that they check the scan before quoting it.
    return f' · <span class="rag-ocr">{esc(label)}</span>'


def render_window_html(
    window: CitedText,
    mark_id: str,
    value_start: int | None = None,
    value_end: int | None = None,
) -> str:
    """The body of an opened citation: a window of the document around the quote with the
    quote marked (``value_*``: the answer value, in document offsets), or why there is none:
    removed, or changed since the answer was given."""
    if window.status != "current":
        return f'<p class="rag-error" id="{esc(mark_id)}">{esc(window.message)}</p>'
    if value_start is not None and value_end is not None:
        value_start, value_end = value_start - window.offset, value_end - window.offset
    body = render_document_html(
        window.text, window.quote_start, window.quote_end, mark_id, value_start, value_end
    )
    # The ellipses say that the document goes on beyond the window.
    if window.offset > 0:
        body = body.replace('<div class="rag-doc-text">', '<div class="rag-doc-text">… ', 1)
    if window.offset + len(window.text) < window.length:
        body = body[: -len("</div>")] + " …</div>"
    return body


def _doc_header(span: _Span) -> str:
    return (
        f'<div class="rag-doc-head"><span class="rag-doc-key">[{esc(span.key)}]</span> '
        f'<span class="rag-title">{esc(span.title)}</span> · '
        f"{esc(format_date(span.date, span.date_origin))}{_page(span.page)}"
        f'<div class="rag-source">{esc(span.source)}</div></div>'
    )


def render_document_html(
    text: str,
    start: int,
    end: int,
    mark_id: str,
    value_start: int | None = None,
    value_end: int | None = None,
) -> str:
    """The whole document text with ``text[start:end]`` wrapped in ``<mark id=mark_id>``; the
    answer value ``text[value_start:value_end]``, when inside the quote, is marked within it."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span [{start}:{end}] outside a text of {len(text)} characters")
    quote = esc(text[start:end])
    if (
        value_start is not None
        and value_end is not None
        and start <= value_start < value_end <= end
    ):
        quote = (
            f"{esc(text[start:value_start])}"
            f'<mark class="rag-value-mark">{esc(text[value_start:value_end])}</mark>'
            f"{esc(text[value_end:end])}"
        )
    return (
        f'<div class="rag-doc-text">{esc(text[:start])}'
        f'<mark class="rag-quote-mark" id="{esc(mark_id)}">{quote}</mark>'
        f"{esc(text[end:])}</div>"
    )


# ------------------------------------------------------------------------------ turns
def render_turn_html(answer: Answer, prefix: str) -> str:
    """One question and its answer: answer and citations on the left, the viewer (closed
    document blocks, filled when a citation is opened) on the right."""
    return (
        f'<article class="rag-turn" id="{_check_prefix(prefix)}">'
        f'<div class="rag-question">{esc(answer.question)}</div>'
        f'<div class="rag-turn-body"><div class="rag-turn-main">'
        f"{render_answer_html(answer, prefix)}{_citations_panel(answer, prefix)}</div>"
        f'<div class="rag-turn-side">{_viewer(answer, prefix)}</div>'
        "</div></article>"
    )


def render_pending_html(question: str, partial: str, status: str) -> str:
    """A turn still being answered: the streamed text so far, not yet verified."""
    return (
        '<article class="rag-turn rag-pending">'
        f'<div class="rag-question">{esc(question)}</div>'
        f'<div class="rag-status">{esc(status)}</div>'
        f'<p class="rag-answer-text streaming">{esc(partial)}</p></article>'
    )


def render_message_html(message: str, kind: str = "error") -> str:
    """A one-line message (validation error, failure) in the conversation area."""
    css = "rag-error" if kind == "error" else "rag-info"
    return f'<p class="{css}">{esc(message)}</p>'


# ---------------------------------------------------------------------------- sources
def render_sources_table(docs: Sequence[StoredDocument]) -> str:
    """What is indexed: title, date, language, source, format (and OCR pages), chunks."""
    if not docs:
        return '<p class="rag-info">Nothing is indexed yet: upload files below.</p>'
    rows = "".join(
        "<tr>"
        f"<td>{esc(d.title)}</td>"
        f"<td>{esc(format_date(d.date, d.date_origin))}</td>"
        f'<td class="rag-lang">{esc(d.metadata.get("languages", d.language) or "und")}</td>'
        f'<td class="rag-source">{esc(d.source)}</td>'
        f"<td>{esc(d.format)}{esc(f', OCR {d.ocr_pages} p.' if d.ocr_pages else '')}</td>"
        f'<td class="num">{int(d.n_chunks)}</td>'
        "</tr>"
        for d in docs
    )
    return (
        f'<table class="rag-sources"><caption>{len(docs)} document(s) indexed</caption>'
        "<thead><tr><th>Title</th><th>Date</th><th>Language</th><th>Source</th><th>Format</th>"
        f"<th>Chunks</th></tr></thead><tbody>{rows}</tbody></table>"
    )
