"""Verification: an answer sentence (or a claim) may state only what its quotes state.

``check_sentence`` gives the verdict (supported / contradicted / not_found) with the reason
and the quote that says otherwise. The modules: ``values`` (quantities, dates, arithmetic),
``names`` (whole names and their short forms), ``binding`` (what a value is said of),
``polarity`` (negations, hedges), ``conflicts`` (what a quote says otherwise),
``claims`` (the verdict).
"""

from rag.verify.claims import Conflict, SentenceCheck, Verdict, check_sentence
from rag.verify.values import Arithmetic, check_quote, shown_arithmetic, strip_citation_markers

__all__ = [
    "Arithmetic",
    "Conflict",
    "SentenceCheck",
    "Verdict",
    "check_quote",
    "check_sentence",
    "shown_arithmetic",
    "strip_citation_markers",
]
