"""The one grammar of citation markers, shared by composition, verification, eval and the UI.

A marker is a bracket of citation numbers: "[1]", "[1, 2]", "[1; 3]", "[1-3]" (a range,
hyphen or en dash); several may follow each other ("[1][2]"). Models write all of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MARKER", "MARKERS", "marker_numbers", "render_markers", "strip_markers"]

_NUMBER_LIST = r"\d+(?:\s*(?:[,;]|[-–])\s*\d+)*"
# One marker; group 1 holds its numbers.
MARKER = re.compile(rf"\[({_NUMBER_LIST})\]")
# A run of markers with the space before it ("... 2015 [1][2]").
MARKERS = re.compile(rf"\s*(?:\[{_NUMBER_LIST}\])+")
_ITEM = re.compile(r"(\d+)\s*(?:[-–]\s*(\d+))?")
_LONGEST_RANGE = 50  # "[1-2024]" is not a citation range


def _expand(inner: str) -> list[int]:
    numbers: list[int] = []
    for match in _ITEM.finditer(inner):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if last < first or last - first > _LONGEST_RANGE:
            last = first
        numbers.extend(range(first, last + 1))
    return numbers


def marker_numbers(text: str) -> list[int]:
    """The citation numbers of every marker in ``text``, in order, ranges expanded, each once."""
    numbers: list[int] = []
    for match in MARKER.finditer(text):
        numbers.extend(_expand(match.group(1)))
    return list(dict.fromkeys(numbers))


def strip_markers(text: str) -> str:
    """``text`` without its markers (their digits are not facts)."""
    return MARKERS.sub("", text).strip()


def render_markers(numbers: Iterable[int]) -> str:
    """The markers the tool itself writes: "[1][2]"."""
    return "".join(f"[{n}]" for n in numbers)
