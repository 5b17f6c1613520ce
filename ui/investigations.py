"""Switching and creating named investigations from the UI.

The app's handlers all reach the index through one :class:`CurrentRAG`, so switching the
investigation swaps the index for every tab at once (the UI serves one journalist).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import gradio as gr

from rag import RAG, InvestigationError, check_name, list_investigations, open_store

log = logging.getLogger(__name__)

DEFAULT = "(default store)"


class CurrentRAG:
    """Stands in for a :class:`RAG`; every attribute is the current investigation's."""

    def __init__(self, rag: RAG) -> None:
        self._current = rag
        name = rag.settings.investigation
        self.name = name if name else DEFAULT
        self._opened: dict[str, RAG] = {self.name: rag}
        self._lock = threading.Lock()

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._current, attribute)

    def names(self) -> list[str]:
        found = [i.name for i in list_investigations()]
        return [DEFAULT, *sorted(set(found) | {n for n in self._opened if n != DEFAULT})]

    def switch(self, name: str) -> None:
        """Open (creating if new) investigation ``name`` and make it current."""
        name = name.strip() or DEFAULT
        if name != DEFAULT:
            name = check_name(name)
        with self._lock:
            if name not in self._opened:
                base = self._current.settings
                if name == DEFAULT:
                    rag = open_store(None, **_carry(base))
                else:
                    rag = open_store(None, investigation=name, **_carry(base))
                self._opened[name] = rag
            self._current, self.name = self._opened[name], name


def _carry(settings: Any) -> dict[str, Any]:
    """The settings an opened investigation keeps from the current one (not the store)."""
    keep = settings.model_dump(exclude={"store", "investigation"})
    return {k: v for k, v in keep.items() if k in settings.model_fields_set}


def investigation_controls(current: CurrentRAG) -> tuple[Any, Any, Any, Any]:
    """The dropdown, the new-name box, its button and a status line."""
    with gr.Row(equal_height=True):
        chooser = gr.Dropdown(
            choices=current.names(),
            value=current.name,
            label="Investigation",
            elem_id="rag-investigation",
            scale=3,
        )
        new_name = gr.Textbox(label="New investigation", placeholder="e.g. port-contracts", scale=3)
        create = gr.Button("Create", size="sm", scale=1, elem_id="rag-investigation-create")
    status = gr.HTML("", elem_id="rag-investigation-status")
    return chooser, new_name, create, status


def switch_to(current: CurrentRAG, name: str) -> tuple[Any, str, str]:
    """(dropdown update, cleared name box, status html) after switching to ``name``."""
    from ui.render import render_message_html

    try:
        current.switch(name)
    except InvestigationError as exc:
        return gr.update(), name, render_message_html(str(exc), kind="error")
    except Exception as exc:  # a damaged store: say so, stay where we are
        log.exception("cannot open investigation %r", name)
        message = f"cannot open {name!r}: {exc}".splitlines()[0]
        return gr.update(), name, render_message_html(message, kind="error")
    shown = f"Now working in “{current.name}” ({current.settings.store})."
    return (
        gr.update(choices=current.names(), value=current.name),
        "",
        render_message_html(shown, kind="info"),
    )
