"""The Gradio app: streamed, verified answers with clickable citations, and the sources.

Layout: an "Ask" tab (question, options, the conversation with the newest answer first) and a
"Sources" tab (what is indexed, upload, delete). Every answer is rendered as HTML by
``ui.render`` (everything escaped); a citation marker is ``<a class="cite">`` and one
document-level click handler (installed by the conversation component's ``js_on_load``)
opens the cited document beside the answer and scrolls its ``<mark>`` into view.

Nothing mutable is shared between sessions: the conversation lives in ``gr.State`` (one per
browser session), and the only shared objects are the thread-safe ``RAG`` and a lock that
serialises index writes.

This module is the layout and the server; the event handlers are ``ui.handlers`` and the
page's JavaScript and CSS ``ui.assets``.
"""

import rag.api as _offline  # noqa: F401  (first: sets the offline environment before gradio)

# isort: split

import logging
import time
from typing import Any, cast

import gradio as gr

from rag import RAG
from ui.assets import APP_CSS, CITE_JS, CONFIRM_DELETE_JS, CSS, LAST_MODIFIED_JS, UPLOAD_JS
from ui.bind import check_bind
from ui.check import check_tab
from ui.evidence import EVIDENCE_FORMATS, EvidenceFiles
from ui.handlers import ChatState, Handlers, one_line, transcript_html
from ui.investigations import CurrentRAG, investigation_controls, switch_to

log = logging.getLogger(__name__)

USER = "rag"


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
                transcript_html(ChatState()),
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
