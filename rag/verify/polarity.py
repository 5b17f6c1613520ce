"""Polarity: whether a clause is negated ("not", "never") or hedged ("likely", "reportedly").

A sentence must agree with the clause of its quote that says the same thing: "Sofia did not
transfer any Konkurs systems" is the opposite of "Sofia transferred 136 Konkurs systems", and
"rebel forces received weapons" states as fact what the quote only calls likely. The words
are the language profile's ``negations`` and ``hedges`` (less its ``approximators``, which
soften a number, not the claim).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.verify.binding import Token, tokens
from rag.verify.lexicon import Lexicon, get_lexicon

__all__ = ["Clause", "Polarity", "clauses", "polarity"]


@dataclass(frozen=True)
class Polarity:
    negations: tuple[str, ...]  # as matched, e.g. ("not",)
    hedges: tuple[str, ...]
    reported: bool = False  # attributed to someone ("said", "according to")

    @property
    def negated(self) -> bool:
        # "not ... never" cancels out only in logic books; an odd count is a negation
        return len(self.negations) % 2 == 1

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)


@dataclass(frozen=True)
class Clause:
    text: str
    words: tuple[str, ...]  # folded words, values left out
    polarity: Polarity
    tokens: tuple[Token, ...] = ()


def _find(words: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> list[str]:
    found: list[str] = []
    i = 0
    while i < len(words):
        for phrase in phrases:  # longest first
            if tuple(words[i : i + len(phrase)]) == phrase:
                found.append(" ".join(phrase))
                i += len(phrase)
                break
        else:
            i += 1
    return found


def _polarity(words: Sequence[str], lex: Lexicon) -> Polarity:
    hedges = [h for h in lex.hedges if h not in lex.approximators]
    # "no doubt", "not only": read first, so their "no"/"not" is not counted
    negations = [
        n
        for n in _find(words, [*lex.not_negations, *lex.negations])
        if tuple(n.split()) not in lex.not_negations
    ]
    reported = any(lex.stem(w) in lex.reporting_verbs for w in words)
    return Polarity(tuple(negations), tuple(_find(words, hedges)), reported)


def polarity(text: str, lang: str = "en") -> Polarity:
    """Negations and hedges of ``text`` as a whole."""
    lex = get_lexicon(lang)
    return _polarity([t.word for t in tokens(text) if t.word], lex)


def clauses(sentence: str, lang: str = "en") -> list[Clause]:
    """``sentence`` cut at strong punctuation (; :) and at the profile's clause breaks
    ("but", "while", "whereas"), each with its polarity."""
    lex = get_lexicon(lang)
    out: list[Clause] = []
    current: list[Token] = []

    def flush() -> None:
        if current:
            words = [t.word for t in current if t.word]
            text = sentence[current[0].start : current[-1].end]
            out.append(Clause(text, tuple(words), _polarity(words, lex), tuple(current)))
        current.clear()

    for t in tokens(sentence):
        if (t.text in (";", ":") and not t.depth) or t.word in lex.clause_breaks:
            flush()
            if t.word:
                current.append(t)
            continue
        current.append(t)
    flush()
    return out
