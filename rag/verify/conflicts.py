"""Conflicts: what a quote says otherwise than the sentence citing it.

* binding: another value said of the sentence's thing (or its recipient, source, owner),
  the same value given to someone else, the same event dated otherwise;
* polarity: a clause saying the same thing negated or hedged where the sentence is not
  (or the reverse).

The verdict that joins them with the value and name checks is :mod:`rag.verify.claims`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from index.translit import has_cyrillic
from rag.normalize import (
    Quantity,
    extract_names,
    extract_quantities,
    phrase_in_texts,
    quantity_in,
)
from rag.verify.binding import Frame, Token, dates_agree, frames, is_stop, tokens
from rag.verify.lexicon import get_lexicon
from rag.verify.polarity import Polarity, clauses


@dataclass(frozen=True)
class Conflict:
    """Something a quote says otherwise, and the quote (sentence) that says it."""

    what: str  # as written in the sentence: "80", "not", "Alexander Allen"
    reason: str
    quote: str
    kind: str = "value"  # "value", "date", "name", "polarity", "arithmetic"


def quote_sentences(quotes: Sequence[str]) -> list[str]:
    """The sentences of the quotes (a quote may be a whole passage)."""
    from index.sentences import sentence_spans

    out: list[str] = []
    for quote in quotes:
        spans = sentence_spans(quote)
        out.extend(quote[a:b].strip() for a, b in spans if quote[a:b].strip())
    return out


# --------------------------------------------------------------------------- binding


def _state(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> int:
    """+1 the sentence's and the quote's phrases share a word, -1 they do not, 0 unknown."""
    if not a or not b:
        return 0
    return 1 if any(x & y for x in a for y in b) else -1


def _roles(f: Frame, g: Frame) -> list[int]:
    """Agreement (+1 / -1 / 0 unknown) on who got it, who gave it, whose it is, when."""
    recipient = _state(f.recipients, g.recipients)
    source = _state(f.sources, g.sources)
    # who gave is not who got: "the U.S. gave 136" against "136 went to the U.S."
    if recipient == 0 and _state(f.recipients, g.sources) == 1:
        recipient = -1
    if source == 0 and _state(f.sources, g.recipients) == 1:
        source = -1
    owner = _state([f.owner] if f.owner else [], [g.owner] if g.owner else [])
    when = 0
    if f.when and g.when:
        when = 1 if any(dates_agree(a, b) for a in f.when for b in g.when) else -1
    return [recipient, source, owner, when]


def _thing_score(f: Frame, g: Frame) -> float | None:
    """The share of the sentence's thing words that the quote's value is said of."""
    if not f.thing or not g.thing:
        return None
    return len(f.thing & g.thing) / len(f.thing)


def _fits(f: Frame, g: Frame) -> bool:
    """Who gave and who got do not disagree, and the thing (if both say one) overlaps.
    The date is judged by the date check; whose value it is only decides between two."""
    return -1 not in _roles(f, g)[:2] and _thing_score(f, g) != 0


def _binds(f: Frame, g: Frame) -> bool:
    """``g`` fits and shares the thing or a role (a date alone binds nothing)."""
    states = _roles(f, g)
    score = _thing_score(f, g)
    return -1 not in states and score != 0 and (1 in states[:3] or (score or 0) >= 0.5)


def _role_elsewhere(f: Frame, theirs: Sequence[Frame]) -> bool:
    """The quote gives the sentence's recipient or source that role for another value, or
    the opposite role for this one ("the U.S. sent 136 to Sofia")."""
    return any(
        _state(f.recipients, g.sources) == 1 or _state(f.sources, g.recipients) == 1
        if _same_value(f, g)
        else _state(f.recipients, g.recipients) == 1 or _state(f.sources, g.sources) == 1
        for g in theirs
    )


def _same_value(f: Frame, g: Frame) -> bool:
    assert isinstance(f.value, Quantity) and isinstance(g.value, Quantity)
    return quantity_in(f.value, (g.value,))


def _sentence_stems(sentence: str) -> frozenset[str]:
    lex = get_lexicon()
    return frozenset(lex.stem(t.word) for t in tokens(sentence) if t.word)


def _describe(g: Frame) -> str:
    parts = [p for p in (g.thing_text,) if p]
    if g.recipient_text:
        parts.append(f"to {g.recipient_text}")
    if g.source_text:
        parts.append(f"from {g.source_text}")
    if g.owner_text and g.owner_text not in (g.source_text, g.recipient_text):
        parts.append(f"of {g.owner_text}")
    return f"{g.text} ({'; '.join(parts)})" if parts else g.text


def quantity_conflicts(
    mine: list[Frame], theirs: list[Frame], names_found: bool
) -> tuple[list[Conflict], list[tuple[int, str]]]:
    conflicts: list[Conflict] = []
    unbound: list[tuple[int, str]] = []
    for f in mine:
        assert isinstance(f.value, Quantity)
        peers = [g for g in theirs if g.kind == f.kind or (f.kind == "count" and g.kind != "date")]
        matched = [g for g in peers if _same_value(f, g)]
        fitting = [g for g in matched if _fits(f, g)]
        if not fitting and any(
            has_cyrillic(g.sentence) != has_cyrillic(f.sentence) for g in matched
        ):
            # An English sentence citing a Russian quote (or the reverse): the value is there,
            # but what it is said of cannot be compared word for word across languages.
            continue
        others = [g for g in peers if g.kind == f.kind and not _same_value(f, g) and _binds(f, g)]
        # another value said better of the sentence's thing ("$219 million in operating
        # income" where the quote has $394 million in operating income and $219 million of
        # net income), or of the sentence's owner ("City ... on 27" where City has 28)
        best = max((_thing_score(f, g) or 0.0 for g in fitting), default=0.0)
        better = [g for g in others if (_thing_score(f, g) or 0.0) > best]
        if fitting and all(_roles(f, g)[2] == -1 for g in fitting):
            better += [g for g in others if _roles(f, g)[2] == 1 and g not in better]
        if not matched:
            # a value the quote lacks is contradicted only by another value said of the
            # same thing and, when the sentence says whose or to whom, of the same one
            known = bool(f.recipients or f.sources or f.owner)
            others = [
                g
                for g in others
                if (_thing_score(f, g) or 0.0) >= 0.5 and (not known or 1 in _roles(f, g)[:3])
            ]
        if fitting and not better:
            continue
        if not fitting and not (others and (matched or names_found)):
            if matched and _thing_score(f, matched[0]) != 0 and _role_elsewhere(f, theirs):
                # the same thing given by or to someone else, who has that role for
                # another value: "240 ... to Saudi Arabia" where 80 went to Saudi Arabia
                said = f"the passage gives {_describe(matched[0])}"
                conflicts.append(
                    Conflict(f.text, f"'{f.text}' is contradicted: {said}", matched[0].sentence)
                )
            elif matched and (
                -1 in _roles(f, matched[0])[:2]
                or not any(f.thing & _sentence_stems(g.sentence) for g in matched)
            ):
                # given by or to someone the passage does not say, or "80 tanks" where the
                # passage has 80 of something else and no tanks at all;
                # words of the sentence elsewhere in it ("62 injured" for "injured 62
                # others") are a rewording the rules cannot bind, not a contradiction
                unbound.append((f.value.start, f"the passage gives {_describe(matched[0])}"))
            continue
        alt = (better or others)[0]
        said = f"the passage gives {_describe(alt)}"
        if matched:
            said += f", and {_describe((fitting or matched)[0])}"
        conflicts.append(Conflict(f.text, f"'{f.text}' is contradicted: {said}", alt.sentence))
    return conflicts, unbound


def date_conflicts(
    mine: list[Frame], theirs: list[Frame], quantities: list[Frame], names_found: bool
) -> list[Conflict]:
    out: list[Conflict] = []
    for f in mine:
        if not f.event:
            continue
        matched = [g for g in theirs if dates_agree(f.value, g.value)]  # type: ignore[arg-type]
        best = max((len(f.event & g.event) for g in matched), default=0)
        if not matched and not names_found:
            continue
        need = max(2, math.ceil(0.5 * len(f.event)))
        for g in sorted(theirs, key=lambda g: -len(f.event & g.event)):
            overlap = len(f.event & g.event)
            if overlap < need or best * 2 > overlap:
                break
            if dates_agree(f.value, g.value):  # type: ignore[arg-type]
                continue
            # the same event with the same figures: only the date differs
            figures = [h.value for h in frames(g.sentence) if isinstance(h.value, Quantity)]
            if all(quantity_in(q.value, figures) for q in quantities):  # type: ignore[arg-type]
                out.append(
                    Conflict(
                        f.text,
                        f"'{f.text}' is contradicted: the passage dates this to {g.text}",
                        g.sentence,
                        "date",
                    )
                )
                break
    return out


# --------------------------------------------------------------------------- polarity


def _content(toks: Sequence[Token], lang: str) -> set[str]:
    lex = get_lexicon(lang)
    skip = {w for p in lex.negations + lex.hedges for w in p}
    out = set()
    for t in toks:
        if t.word and t.word not in skip and not is_stop(t, lex):
            stem = lex.stem(t.word)
            # "sent" and "send", "sent" and "transferred" say the same move
            out.add("<give>" if stem in lex.give_verbs else
                    "<receive>" if stem in lex.receive_verbs else stem)  # fmt: skip
    return out


def polarity_conflicts(text: str, sentences: Sequence[str], lang: str) -> list[Conflict]:
    """A clause of ``text`` against the quote clauses that say the most of it. Only clauses
    of quote sentences that hold the clause's names and counts are about the same matter:
    "104 were not passed to the U.S." does not deny "136 went to the U.S."."""
    theirs = [(c, s, _content(c.tokens, lang)) for s in sentences for c in clauses(s, lang)]
    out: list[Conflict] = []
    for mine in (c for s in quote_sentences([text]) for c in clauses(s, lang)):
        words = _content(mine.tokens, lang)
        names = extract_names(mine.text)
        counts = [t.value for t in mine.tokens if isinstance(t.value, Quantity)]
        same = [
            (c, w)
            for c, s, w in theirs
            if all(phrase_in_texts(n, [s]) for n in names)
            and all(quantity_in(q, extract_quantities(s)) for q in counts)
        ]
        if len(words) < 2 or not same:
            continue
        overlap = max(len(words & w) for _, w in same)
        if overlap < max(2, math.ceil(0.6 * len(words))):
            continue
        # the clauses that say the most of it; any one agreeing is enough
        best = [c for c, w in same if len(words & w) == overlap]
        reasons = [_disagreement(mine.polarity, c.polarity, lang) for c in best]
        if all(reasons):
            clause, reason = best[0], reasons[0]
            what = (mine.polarity.negations + mine.polarity.hedges + ("",))[0]
            said = f"{reason}: '{clause.text}'"
            out.append(Conflict(what or mine.text, said, clause.text, "polarity"))
    return out


def _disagreement(mine: Polarity, theirs: Polarity, lang: str = "en") -> str:
    lex = get_lexicon(lang)
    # "Ellison said she took ..." agrees with "Ellison, who claimed she took ...": an
    # attributed sentence meets a quote hedged only by a verb of saying
    attributed = mine.reported and all(
        lex.stem(w) in lex.reporting_verbs for h in theirs.hedges for w in h.split()
    )
    if mine.negated and not theirs.negated:
        return f"the sentence says '{mine.negations[0]}' but the passage does not negate it"
    if theirs.negated and not mine.negated:
        return f"the passage negates it ('{theirs.negations[0]}')"
    if theirs.hedged and not mine.hedged and not attributed:
        return f"the passage only says it is '{theirs.hedges[0]}', the sentence states it as fact"
    if mine.hedged and not theirs.hedged:
        return f"the sentence says '{mine.hedges[0]}' but the passage states it as fact"
    return ""
