"""The "Check a claim" panel: a claim in, its verdict with the exact quotes out.

Built inside the app's Blocks by :func:`check_tab`; programs call it through gradio_client:
``Client(url).predict("claim", api_name="/check")`` returns the same object as
``rag check --json``. Everything from a source or the user is escaped before it is shown.

``from __future__ import annotations`` is absent on purpose: ``gr.api`` reads the ``check``
endpoint's type hints at run time.
"""

import logging
from typing import Any

import gradio as gr

from rag import RAG, Citation, ClaimCheck
from ui.render import esc

log = logging.getLogger(__name__)

_LABELS = {
    "supported": ("Supported", "#1a7f37"),
    "contradicted": ("Contradicted", "#cf222e"),
    "not_found": ("Not found in the sources", "#6e7781"),
}


def _quote(c: Citation, role: str) -> str:
    where = ", ".join(esc(p) for p in (c.title, c.date, c.source) if p)
    return (
        f'<li class="claim-quote" data-role="{esc(role)}"><b>[{c.n}] {esc(role)}</b> '
        f"<q>{esc(c.quote)}</q> <small>({where}; characters {c.start}-{c.end})</small></li>"
    )


def render_check_html(result: ClaimCheck) -> str:
    """The verdict, its reason, and the quotes: supporting, contradicting, or the closest."""
    label, colour = _LABELS.get(result.verdict, (result.verdict, "#6e7781"))
    against = {c.n for c in result.contradicting}
    items = [
        _quote(c, "says otherwise" if c.n in against else "supports") for c in result.citations
    ]
    items += [_quote(c, "closest") for c in result.closest]
    quotes = f"<ol>{''.join(items)}</ol>" if items else ""
    return (
        f'<div class="claim-check" data-verdict="{esc(result.verdict)}">'
        f'<p><span style="color:{colour};font-weight:bold">{esc(label)}</span>: '
        f"{esc(result.reason)}</p>{quotes}</div>"
    )


def check_claim(rag: RAG, claim: str) -> tuple[str, dict[str, Any]]:
    """(HTML, the ``rag check --json`` object) for one claim; an error is shown, not raised."""
    claim = (claim or "").strip()
    if not claim:
        return '<p class="rag-error">Type a claim to check.</p>', {}
    try:
        result = rag.check(claim)
    except Exception as exc:  # the panel shows one line; the log keeps the rest
        log.exception("claim check failed")
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f'<p class="rag-error">Error: {esc(message)}</p>', {"error": message}
    return render_check_html(result), result.to_dict()


def check_tab(rag: RAG, css: str = "") -> None:
    """Add the "Check a claim" tab (and the /check API) to the Blocks being built; ``css`` is
    the app's stylesheet for our HTML (errors in red like everywhere else)."""
    with gr.Tab("Check a claim"):
        with gr.Row(equal_height=True):
            claim = gr.Textbox(
                label="Claim",
                placeholder="e.g. Sofia sent 80 Konkurs systems to the U.S.",
                lines=1,
                max_lines=4,
                scale=5,
                elem_id="rag-claim",
            )
            button = gr.Button("Check", variant="primary", scale=1, elem_id="rag-check")
        verdict = gr.HTML("", css_template=css, js_on_load=None, elem_id="rag-verdict")
        with gr.Accordion("Verdict JSON", open=False):
            as_json = gr.JSON(label="rag check --json")

    def run(text: str) -> tuple[str, dict[str, Any]]:
        return check_claim(rag, text)

    for trigger in (button.click, claim.submit):
        trigger(run, [claim], [verdict, as_json], api_visibility="private")

    def check(claim: str) -> dict[str, Any]:
        """The verdict on ``claim``: the same object as ``rag check --json``."""
        return check_claim(rag, claim)[1]

    gr.api(check, api_name="check")
