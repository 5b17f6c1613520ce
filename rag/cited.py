"""A citation seen again later: is its document still what it quoted, and the window of text
a viewer shows around the quote (never the whole of a 50 MB document)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from index.store import Store
from rag.records import Citation, CitedText


def _field(citation: Citation | Mapping[str, Any], name: str, default: Any = None) -> Any:
    if isinstance(citation, Mapping):
        return citation.get(name, default)
    return getattr(citation, name, default)


def cited_text(
    store: Store, citation: Citation | Mapping[str, Any], context: int = 2000
) -> CitedText:
    """The quote in its document now, with up to ``context`` characters either side.

    A citation (or its JSON object) made before the document changed gets status "changed"
    and no text, so no viewer highlights a span that now holds something else.
    """
    doc_id = str(_field(citation, "doc_id", ""))
    start, end = int(_field(citation, "start", 0)), int(_field(citation, "end", 0))
    quote = str(_field(citation, "quote", ""))
    quoted_hash = str(_field(citation, "content_hash", "") or "")
    document = store.document(doc_id)
    if document is None:
        return CitedText("removed", message="the document is no longer in the index")
    if quoted_hash and quoted_hash != document.content_hash:
        return CitedText(
            "changed",
            message=(
                f"the document has changed since this answer was given (content "
                f"{quoted_hash[:12]} then, {document.content_hash[:12]} now); ask again to "
                "quote the current version"
            ),
        )
    lo = max(0, start - max(0, context))
    text, offset, length = store.document_window(doc_id, lo, end + max(0, context))
    # Without a hash (an older answer) the quote itself must still be where it was.
    if not (0 <= start - offset <= end - offset <= len(text)) or (
        quote and text[start - offset : end - offset] != quote
    ):
        return CitedText(
            "changed",
            message="the document has changed since this answer was given; ask again",
        )
    return CitedText(
        "current",
        text=text,
        offset=offset,
        quote_start=start - offset,
        quote_end=end - offset,
        length=length,
    )
