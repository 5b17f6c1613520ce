"""Claims: is one sentence supported, contradicted or not found in the quotes it cites?

Four checks, each in its own module, joined here:

* values (``values``): every quantity, date and number-bearing word occurs in a quote, and
  shown arithmetic is right;
* names (``names``): every name occurs as that name or a recognised short form of it, never
  assembled from parts of two names, and is not given a role the quote gives another;
* binding (``binding``): a value is bound in the quote to what the sentence binds it to
  (the thing counted, who gave or got it, when; for a date, the event);
* polarity (``polarity``): negations and hedges agree with the clause that says the same.

What a quote says otherwise (binding and polarity) is found in ``conflicts``.

The verdict is *contradicted* when a quote says otherwise (another value bound to the same
thing, the same value bound to another recipient, the opposite polarity, a name made of two
people, wrong arithmetic), *not_found* when something the sentence states is not in the
quotes, and *supported* otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.normalize import extract_names, phrase_in_texts
from rag.verify.binding import frames, tokens
from rag.verify.conflicts import (
    Conflict,
    date_conflicts,
    polarity_conflicts,
    quantity_conflicts,
    quote_sentences,
)
from rag.verify.lexicon import get_lexicon
from rag.verify.names import check_name, role_conflicts
from rag.verify.values import quote_list, shown_arithmetic, strip_citation_markers, value_gaps

__all__ = [
    "Conflict",
    "Coverage",
    "SentenceCheck",
    "Verdict",
    "check_sentence",
    "coverage",
    "quote_sentences",
]

Verdict = str  # "supported" | "contradicted" | "not_found"


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one sentence against the quotes it cites."""

    ok: bool
    # what was not found in the cited quotes, as written in the sentence: ("300", "Romania")
    missing: tuple[str, ...]
    # arithmetic expressions found and checked: ("136 + 80 = 216",)
    arithmetic: tuple[str, ...]
    # one line for the user when not ok; empty when ok
    reason: str
    verdict: Verdict = "supported"
    # what the quotes say otherwise (contradicted), each with its quote
    conflicts: tuple[Conflict, ...] = ()


# --------------------------------------------------------------------------- the verdict


def _arithmetic_spans(text: str) -> frozenset[tuple[int, int]]:
    return frozenset(
        (o.start, o.end) for e in shown_arithmetic(text) for o in (*e.operands, e.result)
    )


def check_sentence(sentence: str, quotes: Sequence[str], lang: str = "en") -> SentenceCheck:
    """Check one sentence against the quotes it cites (see the module docstring)."""
    text = strip_citation_markers(sentence)
    quotes = [q for q in quotes if q.strip()]
    if not quotes:
        return SentenceCheck(
            False, (), (), "no cited passage backs this sentence", verdict="not_found"
        )
    gaps = value_gaps(text, quotes)
    missing: list[tuple[int, str]] = list(gaps.missing)
    conflicts: list[Conflict] = []
    names_found = True
    for name in extract_names(text):
        found = check_name(name, quotes, lang)
        names_found = names_found and found.found
        if found.assembled_from:
            made = quote_list(found.assembled_from)
            said = f"'{name}' is not one name in the passage: it joins {made}"
            conflicts.append(Conflict(name, said, "", "name"))
        elif not found.found:
            missing.append((text.find(name), name))
            if found.instead:
                said = f"the passage names {quote_list(found.instead)}, not '{name}'"
                quote = next((s for s in quote_sentences(quotes) if found.instead[0] in s), "")
                conflicts.append(Conflict(name, said, quote, "name"))
    for claimed, holder in role_conflicts(text, quotes, lang):
        said = f"the passage calls {holder.name} ‘{holder.text}’, not {claimed.name}"
        quote = next((s for s in quote_sentences(quotes) if holder.name in s), "")
        conflicts.append(Conflict(claimed.name, said, quote, "name"))

    sentences = quote_sentences(quotes)
    # sentence by sentence, as the quotes are read: a header line ("date 2024-12-13") binds
    # nothing in the sentence after it
    mine = [
        f
        for own in (quote_sentences([text]) or [text])
        for f in frames(own, lang, _arithmetic_spans(own))
    ]
    theirs = [g for s in sentences for g in frames(s, lang)]
    quantities = [f for f in mine if f.kind != "date"]
    found_conflicts, unbound = quantity_conflicts(
        quantities, [g for g in theirs if g.kind != "date"], names_found
    )
    conflicts += found_conflicts
    conflicts += date_conflicts(
        [f for f in mine if f.kind == "date"],
        [g for g in theirs if g.kind == "date"],
        quantities,
        names_found,
    )
    if names_found:  # a quote naming others is not about the same matter
        conflicts += polarity_conflicts(text, sentences, lang)

    missed: tuple[str, ...] = ()
    for _, item in sorted(missing):
        if item not in missed:
            missed += (item,)
    reasons: list[str] = []
    if missed:
        verb = "is" if len(missed) == 1 else "are"
        reasons.append(f"{quote_list(missed)} {verb} not in the cited passages")
    reasons.extend(gaps.wrong)
    reasons.extend(c.reason for c in conflicts)
    reasons.extend(r for _, r in sorted(unbound))
    if conflicts or gaps.wrong:
        verdict: Verdict = "contradicted"
    elif missed or unbound:
        verdict = "not_found"
    else:
        verdict = "supported"
    return SentenceCheck(
        ok=not reasons,
        missing=missed,
        arithmetic=tuple(e.text for e in gaps.expressions),
        reason="; ".join(reasons),
        verdict=verdict,
        conflicts=tuple(conflicts),
    )


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Coverage:
    """How much of a claim's wording the passages carry (values and names aside)."""

    share: float  # of the claim's content words, the share found (1.0 when it has none)
    uncovered: tuple[str, ...]  # as written in the claim


def coverage(claim: str, texts: Sequence[str], lang: str = "en") -> Coverage:
    """Content words of ``claim`` (not function words, negations, hedges or values) found in
    ``texts`` by stem; a name also with its derived forms ("Belarusian" for "Belarus"), a verb
    of giving or getting by any verb of either kind ("received" for "transferred": who gave
    and who got is the binding check's business)."""
    lex = get_lexicon(lang)
    skip = lex.stopwords | {w for p in lex.negations + lex.hedges for w in p}
    have: set[str] = set()
    moves = False
    for text in texts:
        for t in tokens(text):
            if t.word:
                stem = lex.stem(t.word)
                have.add(stem)
                moves = moves or stem in lex.give_verbs or stem in lex.receive_verbs
    words = [t for t in tokens(strip_citation_markers(claim)) if t.word and t.word not in skip]
    missing: list[str] = []
    for t in words:
        stem = lex.stem(t.word)
        if stem in have:
            continue
        if moves and (stem in lex.give_verbs or stem in lex.receive_verbs):
            continue
        if t.text[:1].isupper() and phrase_in_texts(t.text, texts):
            continue
        missing.append(t.text)
    share = 1.0 - len(missing) / len(words) if words else 1.0
    return Coverage(share, tuple(dict.fromkeys(missing)))
