"""The Gradio app: streamed, verified answers with clickable citations, and the sources.

Layout: an "Ask" tab (question, options, the conversation with the newest answer first) and a
"Sources" tab (what is indexed, upload, delete). Every answer is rendered as HTML by
``ui.render`` (everything escaped); a citation marker is ``<a class="cite">`` and one
document-level click handler (installed by the conversation component's ``js_on_load``)
opens the cited document beside the answer and scrolls its ``<mark>`` into view.

Nothing mutable is shared between sessions: the conversation lives in ``gr.State`` (one per
browser session), and the only shared objects are the thread-safe ``RAG`` and a lock that
serialises index writes.

``from __future__ import annotations`` is deliberately absent: ``gr.api`` reads the
``ask`` endpoint's type hints at run time to describe its parameters.
"""

import rag.api as _offline  # noqa: F401  (first: sets the offline environment before gradio)

# isort: split

import json
import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

import gradio as gr

from rag import RAG, Answer, Settings
from ui.bind import UIError, check_bind
from ui.check import check_tab
from ui.evidence import EVIDENCE_FORMATS, EvidenceFiles
from ui.investigations import CurrentRAG, investigation_controls, switch_to
from ui.render import (
    esc,
    render_message_html,
    render_pending_html,
    render_sources_table,
    render_turn_html,
)
from ui.uploads import save_and_ingest, upload_folder
from ui.windows import window_html

log = logging.getLogger(__name__)

USER = "rag"
MAX_TURNS = 20  # older turns are dropped from the page
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

# One handler for every citation link on the page, installed once: it survives the
# re-rendering of the HTML components, which replaces their inner elements. The page holds no
# document text: the first time a citation is opened, its block's reference (data-cite) goes
# to the server function `cited_window` (ui/windows.py), whose HTML (escaped there) fills it.
CITE_JS = """
window.__ragServer = server;
if (!window.__ragCiteHandler) {
  const fill = async (doc) => {
    const body = doc.querySelector('.rag-doc-body');
    const ref = doc.dataset.cite;
    if (!body || !ref || doc.dataset.loading) return;
    doc.dataset.loading = '1';
    body.innerHTML = '<p class="rag-info">Opening the document…</p>';
    try {
      body.innerHTML = await window.__ragServer.cited_window(JSON.parse(ref));
      doc.removeAttribute('data-cite');
    } catch (err) {
      const p = document.createElement('p');
      p.className = 'rag-error';
      p.textContent = 'The document could not be opened: ' + err;
      body.replaceChildren(p);
    } finally {
      delete doc.dataset.loading;
    }
  };
  window.__ragCiteHandler = async (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a.cite') : null;
    if (!link) return;
    const prefix = link.dataset.prefix, key = link.dataset.n;
    const doc = document.getElementById(prefix + '-doc-' + key);
    if (!doc) return;
    // The href is only a no-JS fallback; do not let the hash change move the page.
    event.preventDefault();
    event.stopPropagation();
    const viewer = doc.closest('.rag-viewer');
    if (viewer) {
      viewer.querySelectorAll('.rag-doc.open').forEach((d) => d.classList.remove('open'));
      viewer.classList.add('has-open');
    }
    doc.classList.add('open');
    document.querySelectorAll('li.rag-selected').forEach((m) => m.classList.remove('rag-selected'));
    const item = document.getElementById(prefix + '-cite-' + key);
    if (item) item.classList.add('rag-selected');
    if (!document.getElementById(prefix + '-q-' + key)) await fill(doc);
    const mark = document.getElementById(prefix + '-q-' + key);
    if (!mark || !doc.classList.contains('open')) return;
    document.querySelectorAll('mark.rag-active').forEach((m) => m.classList.remove('rag-active'));
    mark.classList.add('rag-active');
    // Scroll the document's own box to the quote, then the page only as far as needed, and
    // never under the question row (it is sticky): the reader asks the next question from
    // where they are (a page-level scrollIntoView sent the question box off screen).
    const box = mark.closest('.rag-doc-text');
    if (box) {
      const m = mark.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollTop += (m.top - b.top) - (box.clientHeight - m.height) / 2;
    }
    const row = document.getElementById('rag-ask-row');
    const top = row ? Math.max(0, row.getBoundingClientRect().bottom) : 0;
    const m = mark.getBoundingClientRect();
    if (m.top < top + 8 || m.bottom > window.innerHeight - 8) {
      const by = m.top - (top + window.innerHeight - m.height) / 2;
      window.scrollBy({top: by, behavior: 'instant'});
    }
  };
  document.addEventListener('click', window.__ragCiteHandler, true);
}
"""

# Gradio uploads a file's bytes but not its modification time: the browser's
# File.lastModified of every chosen or dropped file is kept here by name and sent with "Add to
# the index" (UPLOAD_JS), so an undated page from 2005 is dated 2005, not the day of upload.
LAST_MODIFIED_JS = """
if (!window.__ragLastModified) {
  window.__ragLastModified = {};
  const note = (files) => {
    for (const f of files || []) window.__ragLastModified[f.name] = f.lastModified;
  };
  document.addEventListener('change', (e) => {
    if (e.target && e.target.type === 'file') note(e.target.files);
  }, true);
  document.addEventListener('drop', (e) => {
    if (e.dataTransfer) note(e.dataTransfer.files);
  }, true);
}
"""
UPLOAD_JS = "(files, _) => [files, JSON.stringify(window.__ragLastModified || {})]"

CANCELLED = "__rag_delete_cancelled__"
# The browser asks before anything goes, naming the file and what is indexed from it.
CONFIRM_DELETE_JS = (
    "(file) => (!file || window.confirm('Delete ' + file + ' from the index? Its passages, "
    "and any attachments or messages indexed from it, go too; the file on disk stays. "
    "This cannot be undone.')) ? file : '" + CANCELLED + "'"
)

# Our HTML is set in the system sans-serif, not Gradio's Source Sans Pro: the SemiBold and
# Bold faces Gradio serves draw a capital "B" as a small capital "ʙ" (every bold question
# heading showed "ʙelarus"); their Regular face is fine, so Gradio's own widgets keep it.
CSS = """
.rag-turn, .rag-error, .rag-info, table.rag-sources, .rag-verdict {
  font-family: ui-sans-serif, system-ui, "Segoe UI", Roboto, "Liberation Sans", Arial,
  sans-serif; }
.rag-turn { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 12px 14px; margin: 0 0 14px 0; }
.rag-question { font-weight: 600; margin-bottom: 6px; }
.rag-question::before { content: "Q: "; color: var(--body-text-color-subdued); }
.rag-answer-text { line-height: 1.6; margin: 4px 0 8px 0; }
.rag-answer-text.abstained { font-style: italic; }
.rag-answer-text.streaming { color: var(--body-text-color-subdued); white-space: pre-wrap; }
.rag-meta { font-size: 0.8em; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.rag-status { font-size: 0.85em; color: var(--body-text-color-subdued); }
a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; cursor: pointer;
  color: var(--color-accent, #2563eb); }
a.cite:hover { text-decoration: underline; }
.rag-notes { border-left: 3px solid #d97706; padding: 4px 10px; margin: 8px 0;
  background: rgba(217, 119, 6, 0.08); }
.rag-notes-title, .rag-citations-title, .rag-closest-title { font-weight: 600;
  font-size: 0.9em; margin-bottom: 4px; }
.rag-citations ol, .rag-closest ol, .rag-notes ul { margin: 0; padding-left: 1.4em; }
.rag-citations li, .rag-closest li { margin: 4px 0; }
.rag-citations li.rag-selected, .rag-closest li.rag-selected {
  background: rgba(37, 99, 235, 0.08); }
.rag-quote { margin: 2px 0 0 0; padding-left: 8px; font-size: 0.92em;
  border-left: 2px solid var(--border-color-primary); }
.rag-turn-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr);
  gap: 18px; align-items: start; }
@media (max-width: 900px) { .rag-turn-body { grid-template-columns: minmax(0, 1fr); } }
.rag-date, .rag-page, .rag-source { color: var(--body-text-color-subdued); }
.rag-ocr { color: #b45309; font-size: 0.9em; }
.rag-source { font-size: 0.8em; word-break: break-all; }
.rag-viewer.has-open .rag-viewer-hint { display: none; }
.rag-viewer-hint { font-size: 0.85em; color: var(--body-text-color-subdued); }
.rag-doc { display: none; border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: 8px 10px; }
.rag-doc.open, .rag-doc:has(mark:target) { display: block; }
.rag-doc-head { font-size: 0.9em; margin-bottom: 6px; }
.rag-doc-key { font-weight: 600; }
.rag-doc-text { white-space: pre-wrap; max-height: 55vh; overflow-y: auto; font-size: 0.92em;
  line-height: 1.5; padding-right: 6px; }
mark.rag-quote-mark { background: #fde68a; color: #111827; padding: 0 1px; }
mark.rag-quote-mark.rag-active { background: #facc15; }
mark.rag-value-mark { background: #f59e0b; color: #111827; font-weight: 600; padding: 0; }
.rag-error { color: #b91c1c; font-weight: 600; }
.rag-info { color: var(--body-text-color-subdued); }
table.rag-sources { width: 100%; border-collapse: collapse; font-size: 0.92em; }
table.rag-sources th, table.rag-sources td { text-align: left; padding: 4px 6px;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
table.rag-sources td.num { text-align: right; }
table.rag-sources td.rag-source { font-size: 0.9em; }
table.rag-sources caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
ul.rag-upload-report { margin: 0; padding-left: 1.2em; }
"""


# Page-level rules (the CSS above is scoped to our HTML components): the question row stays
# at the top of the window while the reader scrolls through answers and their documents.
APP_CSS = """
#rag-ask-row { position: sticky; top: 0; z-index: 20; background: var(--body-background-fill);
  padding: 6px 0; }
/* Gradio's overflow: hidden here would make the container the sticky row's scroller; clip
   cuts the same overflow without that. */
.gradio-container { overflow: clip !important; }
"""


# ------------------------------------------------------------------------ pure helpers
def available_backends(settings: Settings) -> list[str]:
    """Back-ends worth offering: extractive always, the others when configured."""
    backends = ["extractive"]
    explicit = settings.model_fields_set
    if settings.backend == "llm" or settings.llm:
        backends.append("llm")
    if settings.backend == "openai" or explicit & {"openai_base_url", "openai_model"}:
        backends.append("openai")
    if settings.backend == "llama-cpp" or settings.llama_model_path is not None:
        backends.append("llama-cpp")
    return backends


def parse_date(value: str | None, label: str) -> str | None:
    """A YYYY-MM-DD date from a text box, or None when empty; raises UIError otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if not _DATE.match(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise UIError(f"{label} must be a date written YYYY-MM-DD, not {text!r}") from None
    return text


def one_line(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__


@dataclass(frozen=True)
class Options:
    """Answer options checked once, shared by the chat and the API endpoint."""

    backend: str | None = None
    top_k: int | None = None
    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    languages: tuple[str, ...] = ()

    def kwargs(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "top_k": self.top_k,
            "sources": self.sources,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "languages": self.languages,
        }


@dataclass(frozen=True)
class ChatState:
    """One browser session's conversation: rendered turns, newest first."""

    count: int = 0
    turns: tuple[str, ...] = ()
    evidence: tuple[dict[str, Any], ...] = ()  # evidence records of the answers, oldest first


# ---------------------------------------------------------------------------- handlers
class Handlers:
    """The app's event handlers over one RAG; callable without a browser (tests do)."""

    def __init__(self, rag: RAG) -> None:
        self.rag = rag
        self.backends = available_backends(rag.settings)
        # Ingest and remove both rewrite the manifest and BM25 files: one at a time.
        self._write_lock = threading.Lock()

    # ------------------------------------------------------------------ options
    def options(
        self,
        backend: str | None = None,
        top_k: int | float | None = None,
        sources: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        languages: Sequence[str] | None = None,
    ) -> Options:
        if backend and backend not in self.backends:
            raise UIError(f"back-end {backend!r} is not available here: {', '.join(self.backends)}")
        k: int | None = None
        if top_k:
            k = int(top_k)
            if not 1 <= k <= 100:
                raise UIError(f"top-k must be between 1 and 100, not {k}")
        start = parse_date(date_from, "'from' date")
        end = parse_date(date_to, "'to' date")
        if start and end and start > end:
            raise UIError(f"the 'from' date {start} is after the 'to' date {end}")
        codes = tuple(code.strip().lower() for code in languages or () if code and code.strip())
        if bad := [code for code in codes if not _LANGUAGE_CODE.match(code)]:
            raise UIError(f"not a language code: {bad[0]!r} (use codes like ru, be, bg, en)")
        return Options(backend or None, k, tuple(s for s in sources or () if s), start, end, codes)

    def cited_window(self, ref: dict[str, Any]) -> str:
        """The HTML of an opened citation: a bounded window of its document around the
        quote (called by the page when a citation is opened, never at render time)."""
        return window_html(self.rag, ref)

    # --------------------------------------------------------------------- chat
    def respond(
        self,
        question: str,
        backend: str | None,
        top_k: float | None,
        sources: Sequence[str] | None,
        date_from: str | None,
        date_to: str | None,
        state: ChatState | None,
        languages: Sequence[str] | None = None,
    ) -> Iterator[tuple[str, str, Any, ChatState, str]]:
        """Stream one answer: deltas into the live area, then the verified answer as a turn.

        Yields (transcript, live, answer json, state, question box)."""
        state = state or ChatState()
        transcript = _transcript(state)
        question = (question or "").strip()
        if not question:
            yield transcript, render_message_html("Type a question first."), {}, state, ""
            return
        try:
            options = self.options(backend, top_k, sources, date_from, date_to, languages)
        except UIError as exc:
            yield transcript, render_message_html(str(exc)), {}, state, question
            return
        yield (
            transcript,
            render_pending_html(question, "", "Searching the sources…"),
            {},
            state,
            question,
        )
        partial = ""
        answer: Answer | None = None
        try:
            for event in self.rag.stream(question, **options.kwargs()):
                if event.kind == "delta":
                    partial += event.text
                    status = "Writing the answer… (not yet checked against the sources)"
                    yield (
                        transcript,
                        render_pending_html(question, partial, status),
                        {},
                        state,
                        question,
                    )
                elif event.kind == "answer":
                    answer = event.answer
        except Exception as exc:
            log.exception("answering %r failed", question)
            answer = Answer(
                question=question,
                text="",
                abstained=True,
                backend=options.backend or self.rag.settings.backend,
                error=one_line(exc),
            )
        if answer is None:  # a stream that ends without its answer event is a bug upstream
            answer = Answer(question, "", True, error="the answer stream ended without an answer")
        count = state.count + 1
        # No document text: an opened citation fetches its window (ui/windows.py).
        turn = _incomplete_notice(self.rag) + render_turn_html(answer, f"t{count}")
        state = replace(
            state,
            count=count,
            turns=(turn, *state.turns)[:MAX_TURNS],
            evidence=(*state.evidence, self.rag.evidence_record(answer))[-MAX_TURNS:],
        )
        yield _transcript(state), "", answer.to_dict(), state, ""

    def clear(self) -> tuple[str, str, Any, ChatState]:
        return _transcript(ChatState()), "", {}, ChatState()

    # ---------------------------------------------------------------------- API
    def ask(
        self,
        question: str,
        backend: str = "",
        top_k: int = 0,
        sources: list[str] | None = None,
        date_from: str = "",
        date_to: str = "",
        languages: list[str] | None = None,
    ) -> dict[str, Any]:
        """Answer one question; returns the JSON object of `rag ask --json`.

        ``languages``: only documents in these languages (ISO 639-1 codes: ru, be, bg, en)."""
        question = (question or "").strip()
        if not question:
            raise gr.Error("question is empty")
        try:
            options = self.options(backend, top_k, sources, date_from, date_to, languages)
            answer = self.rag.ask(question, **options.kwargs())
        except UIError as exc:
            raise gr.Error(str(exc)) from None
        except Exception as exc:
            log.exception("answering %r failed", question)
            raise gr.Error(one_line(exc)) from None
        result: dict[str, Any] = answer.to_dict()
        return result

    # ------------------------------------------------------------------ sources
    def source_choices(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(filter choices by source, delete choices by file) of what is indexed now."""
        docs = self.rag.sources()
        by_source = [(f"{d.title} — {Path(d.source).name}", d.source) for d in docs]
        files: dict[str, str] = {}
        for d in docs:
            if d.parent_id is None:
                files.setdefault(d.file, f"{d.title} — {d.file}")
        return by_source, [(label, file) for file, label in files.items()]

    def language_choices(self) -> list[tuple[str, str]]:
        """Languages of the indexed documents, most documents first: ("Russian (ru), 3", "ru")."""
        from rag import language_name

        counts: dict[str, int] = {}
        for d in self.rag.sources():
            counts[d.language or "und"] = counts.get(d.language or "und", 0) + 1
        ranked = sorted(counts, key=lambda code: (-counts[code], code))
        return [(f"{language_name(c)} ({c}), {counts[c]}", c) for c in ranked]

    def refresh_languages(self) -> Any:
        """Update of the language filter after the sources changed."""
        return gr.update(choices=self.language_choices())

    def refresh(self) -> tuple[str, Any, Any]:
        """(sources table, filter dropdown update, delete dropdown update)."""
        by_source, by_file = self.source_choices()
        return (
            render_sources_table(self.rag.sources()),
            gr.update(choices=by_source),
            gr.update(choices=by_file, value=None),
        )

    def upload(
        self, files: Sequence[Any] | None, last_modified: str = ""
    ) -> tuple[str, str, Any, Any, None]:
        """Copy uploads into the store's upload folder and index them.

        ``last_modified``: JSON {file name: the browser's File.lastModified in milliseconds}.
        Returns (report html, sources table, filter update, delete update, cleared files)."""
        paths = [_upload_path(f) for f in files or () if f]
        if not paths:
            return (render_message_html("Choose files to upload first."), *self.refresh(), None)
        with self._write_lock:
            report = save_and_ingest(self.rag, paths, mtimes=_mtimes(last_modified))
        items = "".join(
            f'<li class="rag-error">{esc(line)}</li>' if line.startswith("failed:") else
            f"<li>{esc(line)}</li>"
            for line in report.lines()
        )  # fmt: skip
        html = f'<ul class="rag-upload-report">{items}</ul>'
        return (html, *self.refresh(), None)

    def delete(self, file: str | None) -> tuple[str, str, Any, Any]:
        """Remove one indexed file; a copy in the upload folder is deleted with it."""
        if file == CANCELLED:
            return (render_message_html("Nothing was deleted.", kind="info"), *self.refresh())
        if not file:
            return (render_message_html("Choose a document to delete first."), *self.refresh())
        with self._write_lock:
            try:
                removed = self.rag.remove([file])
            except Exception as exc:
                log.exception("removing %s failed", file)
                return (render_message_html(f"not removed: {one_line(exc)}"), *self.refresh())
            uploads = upload_folder(self.rag).resolve()
            path = Path(file).resolve()
            if removed and path.parent == uploads and path.is_file():
                path.unlink()  # our own copy; the user's original was never touched
        if not removed:
            message = render_message_html(f"{file} was not in the index")
        else:
            message = render_message_html(f"removed: {', '.join(removed)}", kind="info")
        return (message, *self.refresh())


def _incomplete_notice(rag: RAG) -> str:
    """A line above an answer given while a rebuild is unfinished: documents may be missing."""
    try:
        reason = rag.incomplete()
    except Exception as exc:  # the answer matters more than the notice
        log.warning("index state unknown: %s", exc)
        return ""
    return render_message_html(f"Warning: {reason}") if reason else ""


def _mtimes(last_modified: str) -> dict[str, float]:
    """{name: seconds} from the browser's JSON of File.lastModified milliseconds; anything
    malformed counts as absent (uploads.py also refuses implausible times)."""
    try:
        raw = json.loads(last_modified or "{}")
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    return {
        str(name): ms / 1000
        for name, ms in raw.items()
        if isinstance(ms, int | float) and not isinstance(ms, bool)
    }


def _upload_path(item: Any) -> str:
    # gr.File(type="filepath") gives str paths; older gradio versions gave tempfile wrappers.
    return str(getattr(item, "name", item))


def _transcript(state: ChatState) -> str:
    if not state.turns:
        return render_message_html(
            "Ask a question about your documents. Every sentence of an answer cites an exact "
            "quote; click a marker like [1] to see the quote in its document.",
            kind="info",
        )
    return "".join(state.turns)


# --------------------------------------------------------------------------------- app
def build_app(rag: RAG) -> gr.Blocks:
    """The Gradio Blocks app over ``rag`` (not launched; see :func:`launch`)."""
    # Every tab reaches the index through `current`, so switching investigation swaps it.
    current = CurrentRAG(rag)
    rag = cast(RAG, current)
    handlers = Handlers(rag)
    evidence_files = EvidenceFiles(rag)
    settings = rag.settings

    # Gradio marks a server function by setting an attribute on it: a plain function, then.
    def cited_window(ref: dict[str, Any]) -> str:
        return handlers.cited_window(ref)

    with gr.Blocks(title="rag-cite", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        gr.Markdown("### rag-cite — answers from your own documents, every sentence cited")
        chooser, new_name, create, switched = investigation_controls(current)
        with gr.Tab("Ask"):
            with gr.Row(equal_height=True, elem_id="rag-ask-row"):
                question = gr.Textbox(
                    label="Question",
                    placeholder="e.g. How many Konkurs systems did Sofia transfer to the U.S.?",
                    lines=1,
                    max_lines=4,
                    scale=5,
                    elem_id="rag-question",
                )
                ask = gr.Button("Ask", variant="primary", scale=1, elem_id="rag-ask")
            with gr.Accordion("Options", open=False):
                with gr.Row():
                    backend = gr.Dropdown(
                        choices=handlers.backends,
                        value=settings.backend
                        if settings.backend in handlers.backends
                        else "extractive",
                        label="Back-end",
                        elem_id="rag-backend",
                    )
                    top_k = gr.Slider(
                        1, 30, value=min(settings.top_k, 30), step=1, label="Passages (top-k)"
                    )
                with gr.Row():
                    source_filter = gr.Dropdown(
                        choices=[],
                        value=[],
                        multiselect=True,
                        label="Only these sources (empty: all)",
                    )
                    date_from = gr.Textbox(
                        label="From date", placeholder="YYYY-MM-DD", elem_id="rag-date-from"
                    )
                    date_to = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
                    language_filter = gr.Dropdown(
                        choices=[],
                        value=[],
                        multiselect=True,
                        label="Only documents in these languages (empty: all)",
                        elem_id="rag-languages",
                    )
            live = gr.HTML("", css_template=CSS, js_on_load=None, elem_id="rag-live")
            transcript = gr.HTML(
                _transcript(ChatState()),
                css_template=CSS,
                js_on_load=CITE_JS + LAST_MODIFIED_JS,
                server_functions=[cited_window],
                elem_id="rag-transcript",
            )
            with gr.Accordion("Answer JSON", open=False):
                answer_json = gr.JSON(label="rag ask --json")
            with gr.Row():
                clear = gr.Button("Clear conversation", size="sm")
                evidence_format = gr.Radio(
                    EVIDENCE_FORMATS, value="json", label="Evidence file", scale=0
                )
                evidence = gr.DownloadButton(
                    "Download evidence", size="sm", visible=False, elem_id="rag-evidence"
                )
            state = gr.State(ChatState())

        with gr.Tab("Sources"):
            sources_table = gr.HTML(css_template=CSS, js_on_load=None, elem_id="rag-sources")
            with gr.Row():
                with gr.Column():
                    files = gr.File(
                        label=f"Upload files (up to {settings.upload_max_mb:g} MB each)",
                        file_count="multiple",
                        type="filepath",
                    )
                    add = gr.Button("Add to the index", variant="primary")
                    # Filled by UPLOAD_JS in the browser when "Add" is clicked.
                    last_modified = gr.Textbox(visible=False)
                with gr.Column():
                    delete_choice = gr.Dropdown(choices=[], label="Document to delete")
                    delete = gr.Button("Delete from the index", variant="stop")
            report = gr.HTML(css_template=CSS, js_on_load=None, elem_id="rag-report")
        check_tab(rag, CSS)

        chat_inputs = [
            question, backend, top_k, source_filter, date_from, date_to, state, language_filter
        ]  # fmt: skip
        chat_outputs = [transcript, live, answer_json, state, question]
        for trigger in (ask.click, question.submit):
            trigger(
                handlers.respond,
                chat_inputs,
                chat_outputs,
                api_visibility="private",
                show_progress="hidden",
            ).then(
                evidence_files.refresh,
                [state, evidence_format],
                [evidence],
                api_visibility="private",
            )
        evidence_format.change(
            evidence_files.refresh, [state, evidence_format], [evidence], api_visibility="private"
        )
        clear.click(
            handlers.clear, None, [transcript, live, answer_json, state], api_visibility="private"
        ).then(
            evidence_files.refresh, [state, evidence_format], [evidence], api_visibility="private"
        )
        refresh_outputs = [sources_table, source_filter, delete_choice]
        app.load(handlers.refresh, None, refresh_outputs, api_visibility="private")
        app.load(handlers.refresh_languages, None, [language_filter], api_visibility="private")
        # Another investigation: its sources, and a fresh conversation (answers of one story
        # must not sit beside another's).
        for event, name_input in ((chooser.input, chooser), (create.click, new_name)):
            event(
                lambda name: switch_to(current, name),
                [name_input],
                [chooser, new_name, switched],
                api_visibility="private",
            ).then(handlers.refresh, None, refresh_outputs, api_visibility="private").then(
                handlers.refresh_languages, None, [language_filter], api_visibility="private"
            ).then(
                handlers.clear,
                None,
                [transcript, live, answer_json, state],
                api_visibility="private",
            )
        add.click(
            handlers.upload,
            [files, last_modified],
            [report, *refresh_outputs, files],
            api_visibility="private",
            js=UPLOAD_JS,
        ).then(handlers.refresh_languages, None, [language_filter], api_visibility="private")
        delete.click(
            handlers.delete,
            [delete_choice],
            [report, *refresh_outputs],
            api_visibility="private",
            js=CONFIRM_DELETE_JS,
        ).then(handlers.refresh_languages, None, [language_filter], api_visibility="private")
        gr.api(handlers.ask, api_name="ask")
    return app


def warm(rag: RAG) -> None:
    """Answer one throw-away question before serving.

    The first question loads the embedding model, the vector store client and the BM25
    index; done here it does not make the first user wait ~20 s, and sessions that arrive
    together do not race to open the vector store (its lazy opening is not thread-safe).
    """
    started = time.perf_counter()
    try:
        rag.ask("warm-up", backend="extractive")
    except Exception as exc:  # the app is still useful (uploads) if this fails
        log.warning("warm-up question failed: %s", one_line(exc))
    log.info("warm-up took %.1f s", time.perf_counter() - started)


def launch(
    rag: RAG,
    *,
    host: str | None = None,
    port: int | None = None,
    password: str | None = None,
    force_public: bool = False,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
    warm_up: bool = True,
) -> gr.Blocks:
    """Serve the app. Loopback by default; a non-loopback bind needs a password (user
    "rag") unless ``force_public``. Never a share link. Returns the running app (call
    ``close()`` on it when ``prevent_thread_lock`` was used)."""
    settings = rag.settings
    host = host or settings.ui_host
    port = port or settings.ui_port
    password = password or settings.ui_password
    check_bind(host, password, force_public)
    if warm_up:
        warm(rag)
    app = build_app(rag)
    # Several sessions answer at once; more only queue (measured: bench/ui_load.py).
    app.queue(default_concurrency_limit=settings.ui_concurrency)
    log.info("serving the UI on http://%s:%d", host, port)
    del quiet  # kept for callers; Gradio is always quiet now
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=(USER, password) if password else None,
        prevent_thread_lock=prevent_thread_lock,
        # Gradio's own start-up lines end with "set `share=True`", which we never do; the CLI
        # prints the address itself.
        quiet=True,
        show_error=True,
        css=APP_CSS,
        max_file_size=f"{settings.upload_max_mb:g}mb",
        footer_links=["api"],
        enable_monitoring=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
    )
    return app
