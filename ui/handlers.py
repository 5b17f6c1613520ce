"""The app's event handlers (ask, stream, upload, delete, refresh) and the checked answer
options, over one ``RAG``; callable without a browser. The Blocks layout that wires them to
widgets is ``ui.app``.

``from __future__ import annotations`` is deliberately absent: ``gr.api`` reads the
``ask`` endpoint's type hints at run time to describe its parameters.
"""

import json
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from rag import RAG, Answer, Settings
from ui.assets import CANCELLED
from ui.bind import UIError
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

MAX_TURNS = 20  # older turns are dropped from the page
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


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
        transcript = transcript_html(state)
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
        yield transcript_html(state), "", answer.to_dict(), state, ""

    def clear(self) -> tuple[str, str, Any, ChatState]:
        return transcript_html(ChatState()), "", {}, ChatState()

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


def transcript_html(state: ChatState) -> str:
    """The conversation's HTML: its turns, newest first, or the hint shown before any."""
    if not state.turns:
        return render_message_html(
            "Ask a question about your documents. Every sentence of an answer cites an exact "
            "quote; click a marker like [1] to see the quote in its document.",
            kind="info",
        )
    return "".join(state.turns)
