"""Word documents (.docx): paragraphs and tables in document order, title, author, date."""

from __future__ import annotations

import io
from typing import Any

from index.loaders_base import Extracted, LoadError, short_error

# python-docx's blank template carries this creation time; it says nothing about the document.
_DOCX_TEMPLATE_CREATED = "2013-12-23"


def _paragraph_text(paragraph: Any) -> str:
    """A paragraph's text with each hyperlink's target after its words when they differ ("link
    to file <court-exif.jpg>", "http://foo.com#introduction <http://foo.com/#intro>"): where a
    link points is a fact of the document its shown words may not give."""
    from docx.text.hyperlink import Hyperlink

    parts = []
    for item in paragraph.iter_inner_content():
        parts.append(item.text)
        if isinstance(item, Hyperlink) and item.url and item.url != item.text.strip():
            parts.append(f" <{item.url}>")
    return "".join(parts)


def from_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table

    blocks: list[str] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = []
                for row in item.rows:
                    cells = [cell.text.strip() for cell in dict.fromkeys(row.cells)]
                    if any(cells):  # dict.fromkeys: a merged cell repeats in row.cells
                        rows.append(" | ".join(cells))
                blocks.append("\n".join(rows))
            else:
                blocks.append(_paragraph_text(item).strip())
        props = document.core_properties
        title, author, created = props.title, props.author, props.created
    except Exception as err:  # python-docx and zipfile raise many kinds on damaged files
        raise LoadError(f"corrupt or unreadable DOCX: {short_error(err)}") from None
    iso = created.date().isoformat() if created else None
    ex = Extracted(
        text="\n\n".join(block for block in blocks if block.strip()),
        title=(title or "").strip() or None,
        date=None if iso == _DOCX_TEMPLATE_CREATED else iso,
    )
    if author and author != "python-docx":
        ex.metadata["author"] = author
    return ex
