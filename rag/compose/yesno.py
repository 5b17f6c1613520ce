"""Yes or no, only from quotes that state it.

A yes/no question asks about a claim. "Yes" is given when a quote states the claim (it holds
nearly all the claim's content words and the verifier finds it supported); "No" when a quote
states its opposite (the verifier finds it contradicted: a negation, another value bound to
the same thing). A compound claim ("Did A say X, while B said Y?", "Did A report X before B
reported Y?") is judged clause by clause, each clause by its own quote: "Yes" when every
clause is stated, "No" when one is contradicted; "before"/"after" then compares the dates
of the two documents that state the clauses, which must differ. Anything less is no verdict:
the answer declines and shows the evidence. A wrong "Yes" is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.languages import get_profile
from rag.doc_names import document_header
from rag.evidence import Evidence
from rag.normalize import extract_names, name_in_texts
from rag.question import Question
from rag.terms import lexicon
from rag.verify import check_sentence

# The text of a document by its id (the store's), to read who published it.
DocumentText = Callable[[str], str]

__all__ = ["YesNo", "claim_of", "clauses", "yes_no"]

# The least content words each clause of a compound claim must have: "before 2015" is a
# qualifier of one claim, not a second claim.
_MIN_CLAUSE_TERMS = 2


@dataclass(frozen=True)
class YesNo:
    word: str  # "yes" | "no"
    evidence: tuple[Evidence, ...]  # the quote(s) that state it, in the claim's order
    # "before"/"after" of a compound claim about order: the dates compared, as written
    order: tuple[str, str, str] | None = None  # (first date, order word, second date)


def claim_of(q: Question) -> str:
    """The statement a yes/no question asks about: the question without its first word."""
    words = q.text.rstrip("?").split()
    return " ".join(words[1:]) if len(words) > 1 else q.text


def clauses(claim: str, language: str) -> tuple[list[str], str | None]:
    """The clauses of a compound claim and the order word joining two of them (or None).
    Joins come from the language profile: ``clause_breaks`` ("while", "but") and
    ``order_words`` ("before", "after")."""
    profile = get_profile(language)
    lex = lexicon(language)
    order = None
    parts = [claim]
    for word in profile.order_words:
        pieces = re.split(rf",?\s+{re.escape(word)}\s+", claim, flags=re.IGNORECASE)
        if len(pieces) == 2:
            parts, order = pieces, profile.order_words[word]
            break
    else:
        joins = "|".join(re.escape(j) for j in profile.clause_breaks)
        if joins:
            parts = re.split(rf",?\s+(?:{joins})\s+", claim, flags=re.IGNORECASE)
    parts = [p.strip(" ,;") for p in parts if p.strip(" ,;")]
    if len(parts) < 2 or any(len(lex.terms(p) - lex.scaffold) < _MIN_CLAUSE_TERMS for p in parts):
        return [claim], None
    return parts, order


def _stated(
    claim: str, candidates: Sequence[Evidence], coverage: float, language: str
) -> tuple[str, Evidence] | None:
    """("yes"|"no", the quote) when a quote holds nearly all the claim's content words and
    the verifier finds the claim supported by it, or contradicted (negated, or another value
    for the same thing); anything it cannot find is no verdict."""
    lex = lexicon(language)
    content = lex.terms(claim) - lex.scaffold
    if not content:
        return None
    for e in candidates:
        terms = lex.terms(e.unit.display)
        if len(content & terms) / len(content) < coverage:
            continue
        check = check_sentence(claim, [e.unit.display], language)
        if check.verdict == "supported":
            return "yes", e
        if check.verdict == "contradicted" and check.conflicts:
            return "no", e
    return None


def _reported(clause: str, language: str) -> tuple[list[str], str] | None:
    """(who reports, what is reported) of "TechCrunch reported that X": the names before the
    clause's first reporting verb, and the words after it; None when no name reports."""
    verbs = get_profile(language).reporting_verbs
    words = "|".join(re.escape(v) for v in sorted(verbs, key=len, reverse=True))
    match = re.search(rf"(?<!\w)(?:{words})(?!\w)", clause, flags=re.IGNORECASE) if words else None
    if match is None:
        return None
    names = extract_names(clause[: match.start()])
    content = clause[match.end() :].strip()
    return (names, content) if names and content else None


def _headers(document_text: DocumentText) -> DocumentText:
    """Each document's header by its id, read once per question."""
    read: dict[str, str] = {}

    def header_of(doc_id: str) -> str:
        if doc_id not in read:
            read[doc_id] = document_header(document_text(doc_id))
        return read[doc_id]

    return header_of


def _clause_stated(
    clause: str,
    candidates: Sequence[Evidence],
    coverage: float,
    language: str,
    header_of: DocumentText | None,
) -> tuple[str, Evidence] | None:
    """A clause stated by a quote. "The Verge reported X": X stated by a quote of a document
    The Verge published (its header names it); a reporter that cannot be read is no verdict."""
    reported = _reported(clause, language)
    if reported is None:
        return _stated(clause, candidates, coverage, language)
    names, content = reported
    if header_of is None:
        return None
    by_them = [
        e
        for e in candidates
        if all(name_in_texts(n, [header_of(e.unit.passage.doc_id)]) for n in names)
    ]
    return _stated(content, by_them, coverage, language)


def _document_date(e: Evidence) -> str | None:
    """The publication date of the quote's document (YYYY-MM-DD); a file's own date is not
    when it was reported."""
    p = e.unit.passage
    if p.date_origin == "file" or not re.match(r"\d{4}-\d{2}-\d{2}", p.date or ""):
        return None
    return p.date[:10]


def yes_no(
    q: Question,
    candidates: Sequence[Evidence],
    coverage: float,
    document_text: DocumentText | None = None,
) -> YesNo | None:
    """The verdict on ``q`` from the candidate quotes, or None (decline). ``document_text``
    reads a document's header, to check who reported a clause."""
    header_of = None if document_text is None else _headers(document_text)
    claim = claim_of(q)
    whole = _stated(claim, candidates, coverage, q.language)
    if whole is not None:
        return YesNo(whole[0], (whole[1],))
    parts, order = clauses(claim, q.language)
    if len(parts) < 2:
        return None
    found = [_clause_stated(part, candidates, coverage, q.language, header_of) for part in parts]
    denied = [f for f in found if f is not None and f[0] == "no"]
    if denied:
        return YesNo("no", (denied[0][1],))  # one false clause makes the whole claim false
    if any(f is None for f in found):
        return None
    stated = tuple(f[1] for f in found if f is not None)
    if order is None:
        return YesNo("yes", stated)
    if any(_reported(part, q.language) is None for part in parts):
        return None  # publication dates order reports, not the events they report
    first, second = stated[0], stated[1]
    dates = _document_date(first), _document_date(second)
    if first.unit.passage.doc_id == second.unit.passage.doc_id or None in dates:
        return None
    a, b = str(dates[0]), str(dates[1])
    if a == b:
        return None
    holds = a < b if order == "before" else a > b
    return YesNo("yes" if holds else "no", stated, (a, "before" if a < b else "after", b))
