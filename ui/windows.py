"""The text of an opened citation, fetched by the browser when the citation is opened.

A rendered answer holds no document text (a 30 MB source once made a 62-million-character
page): each closed document block carries a reference to its quote (``data-cite``), and the
click handler sends that reference here (a Gradio server function) to get a bounded window
around the quote, with the quote marked, or why there is none (removed, changed since).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from rag import RAG, CitedText
from ui.render import esc, render_window_html

log = logging.getLogger(__name__)

# A reference comes from the browser: it is checked before it reaches the store, and the
# window stays bounded whatever it asks for (a quote is a sentence or a passage, never more).
MAX_QUOTE_CHARS = 20_000
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,40}$")
_KEY = re.compile(r"^c?[0-9]{1,4}$")


class BadReference(ValueError):
    """A citation reference the page could not have made."""


def _offset(ref: Mapping[str, Any], name: str, required: bool = True) -> int | None:
    value = ref.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadReference(f"{name} must be a whole number >= 0, not {value!r}")
    return value


def check_reference(ref: object) -> dict[str, Any]:
    """The reference as the store needs it; raises :class:`BadReference` otherwise."""
    if not isinstance(ref, Mapping):
        raise BadReference("a citation reference is an object")
    prefix, key = str(ref.get("prefix", "")), str(ref.get("key", ""))
    if not _ID.match(prefix) or not _KEY.match(key):
        raise BadReference(f"bad citation key {prefix!r}/{key!r}")
    doc_id = ref.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > 500:
        raise BadReference("doc_id must be a document id")
    start, end = _offset(ref, "start"), _offset(ref, "end")
    assert start is not None and end is not None
    if end < start or end - start > MAX_QUOTE_CHARS:
        raise BadReference(f"the span [{start}:{end}] is not a quote")
    checked: dict[str, Any] = {
        "prefix": prefix,
        "key": key,
        "doc_id": doc_id,
        "start": start,
        "end": end,
        "content_hash": str(ref.get("content_hash") or "")[:128],
        "quote": str(ref.get("quote") or "")[:MAX_QUOTE_CHARS],
        "value_start": _offset(ref, "value_start", required=False),
        "value_end": _offset(ref, "value_end", required=False),
    }
    return checked


def window_html(rag: RAG, ref: object) -> str:
    """The HTML body of an opened citation (everything from the document escaped)."""
    try:
        checked = check_reference(ref)
    except BadReference as exc:
        log.warning("citation window refused: %s", exc)
        return f'<p class="rag-error">{esc(exc)}</p>'
    mark_id = f"{checked['prefix']}-q-{checked['key']}"
    try:
        window = rag.cited_text(checked)
    except Exception as exc:  # a store error must not break the page
        log.warning("no text for citation %s: %s", mark_id, exc)
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        window = CitedText("removed", message=f"the document cannot be opened: {reason}")
    return render_window_html(window, mark_id, checked["value_start"], checked["value_end"])
