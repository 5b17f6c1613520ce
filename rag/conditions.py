"""Conditional clauses: a value inside one is a condition, not what the sentence states.

"If the value is 0, commands are not saved in the history list" does not say that anything
is 0: the 0 is the condition under which the rest holds. A reference manual states a default
beside such conditions ("The shell sets the default value to 500"), and a question asking for
the value must be answered by the statement, not by the condition. The words that open a
condition are language data (profile ``condition_words``).
"""

from __future__ import annotations

import functools
import re

from index.languages import get_profile

__all__ = ["conditional_spans", "in_condition"]

# A condition runs to the end of its clause: a comma, semicolon or colon before a space ("If
# the value is 1,000, ..." keeps its thousands separator) or the end of the sentence.
_CLAUSE_END = re.compile(r"[,;:](?=\s)|[.!?](?=\s|$)|$")


@functools.cache
def _opener(language: str) -> re.Pattern[str] | None:
    words = sorted(get_profile(language).condition_words, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def conditional_spans(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of every conditional clause of ``text``, from its opening word to the end
    of the clause."""
    opener = _opener(language)
    if opener is None:
        return []
    spans = []
    for match in opener.finditer(text):
        end = _CLAUSE_END.search(text, match.end())
        spans.append((match.start(), end.start() if end else len(text)))
    return spans


def in_condition(spans: list[tuple[int, int]], start: int) -> bool:
    """Does the span starting at ``start`` stand inside one of the conditional ``spans``?"""
    return any(a <= start < b for a, b in spans)
