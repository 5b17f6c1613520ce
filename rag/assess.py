"""Assessment: the answerability decision over the scored evidence (rag.evidence): does any
unit meet every constraint of the question above the threshold, which units answer, or which
part the sources do not cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.candidates import names_entity
from rag.decline import lack, missing_reason
from rag.normalize import fold
from rag.question import NAME_KINDS, Question
from rag.terms import lexicon
from rag.vote import NameVote, name_vote

if TYPE_CHECKING:
    from index.settings import Settings
    from rag.evidence import Evidence


@dataclass(frozen=True)
class Assessment:
    """The answerability decision: the evidence to answer with, or what is missing."""

    picked: list[Evidence]
    missing: str  # empty when answerable; else which part the sources do not cover
    # a name several documents agree on, when no single sentence answers on its own
    vote: NameVote | None = None


def _missing_part(q: Question, best: Evidence | None) -> str:
    """Say which constraint the closest evidence fails: "the sources mention X but not Y"."""
    if best is None:
        return ""
    lex = lexicon(q.language)
    terms = lex.terms(best.unit.display)
    folded = fold(best.unit.display)
    covered = [e for e in q.entities if fold(e) in folded]
    about = ", ".join(covered) if covered else ""
    language = q.language
    if not best.has_entities:
        absent = [e for e in q.entities if not names_entity(e, [best.unit.display], q.language)]
        lacking = lack(language, "lack_for", what=_what(q), names=", ".join(absent))
    elif not best.has_attribute and q.attribute_text:
        lacking = lack(language, "lack_attribute", attribute=q.attribute_text)
    elif not best.has_value and q.kind:
        lacking = _what(q)
    elif not best.has_focus:
        words = sorted(q.focus - terms)
        lacking = lack(language, "lack_focus") + (f" ({', '.join(words)})" if words else "")
    else:
        return ""
    return missing_reason(language, about, lacking)


def _what(q: Question) -> str:
    return lack(q.language, f"what_{q.kind or 'other'}")


def _asks(e: Evidence) -> bool:
    """Is the unit a question (it states nothing)?"""
    return e.unit.display.rstrip(" \"'”’»)").endswith("?")


def assess_without_vote(q: Question, ranked: Sequence[Evidence], settings: Settings) -> Assessment:
    """:func:`assess` with no name vote: single sentences only."""
    return assess(q, ranked, settings, vote=False)


def _least_score(q: Question, e: Evidence, settings: Settings) -> float:
    """The score below which ``e`` does not answer. A sentence in another language than the
    question is scored by rag.crosslang on a scale of its own (anchors, not word coverage), so
    it has its own threshold; both are calibrated per embedding model."""
    # (rag.crosslang imports rag.evidence, which imports this module)
    from rag.crosslang import is_cross

    if is_cross(q.language, e.unit.passage.language):
        return settings.crosslang_min_evidence_score
    return settings.min_evidence_score


def assess(
    q: Question, ranked: Sequence[Evidence], settings: Settings, vote: bool = True
) -> Assessment:
    """Answer only with units that meet every constraint and score above the threshold; the
    others close to the best join it (up to ``max_evidence``), without repeats. A who/which
    question no sentence holds most of is answered by the name documents agree on."""
    # a question in the sources ("WTF is going on at OpenAI?") answers nothing, though the
    # names it holds still vote
    voters = ranked
    ranked = [e for e in ranked if not _asks(e)]
    qualified = [e for e in ranked if e.meets_all and e.score >= _least_score(q, e, settings)]
    # several names asked for ("Who are the ...?"): one name the documents agree on is not it
    voting = vote and q.kind in NAME_KINDS and not q.plural
    agreed = name_vote(q, voters, settings) if voting else None
    literal = [e for e in qualified if not e.focus_by_word]
    if agreed is not None and (not literal or literal[0].coverage < settings.name_vote_coverage):
        # No sentence holds most of the question: the name the documents agree on answers.
        return Assessment(list(agreed.documents[: settings.max_evidence]), "", agreed)
    if not qualified:
        closest = ranked[0] if ranked else None
        return Assessment([], _missing_part(q, closest))
    best = qualified[0].score
    picked: list[Evidence] = []
    seen: set[str] = set()
    for e in ranked:
        if len(picked) >= settings.max_evidence:
            break
        if e.score < best - settings.evidence_window:
            break
        if e.score < _least_score(q, e, settings):
            continue
        key = e.unit.said
        if key in seen:  # the same sentence in two documents (or two chunks) is said once
            continue
        if picked or e.meets_all:
            seen.add(key)
            picked.append(e)
    return Assessment(picked, "")
