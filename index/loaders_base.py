"""What every format's reader shares: the one error a file may raise and the record a reader
returns (``index.loaders`` turns it into a :class:`Document`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class LoadError(Exception):
    """Expected failure of one file; str(err) is a one-line reason for the user (no traceback)."""


@dataclass
class Extracted:
    """Text, title, date and metadata one reader found in one file's bytes."""

    text: str
    title: str | None = None
    date: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()
    page_ocr: tuple[float | None, ...] = ()  # per page: OCR confidence, None: text layer
    warnings: list[str] = field(default_factory=list)


def short_error(err: BaseException) -> str:
    """The first line of a library's error, cut to fit in a one-line :class:`LoadError`."""
    lines = str(err).strip().splitlines()
    text = lines[0] if lines else type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."
