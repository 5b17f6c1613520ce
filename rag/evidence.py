"""Evidence: the clean sentence units of the retrieved passages (rag.units) scored against
the question. What in a sentence may answer is rag.candidates, the similarities come from
rag.similarity, and the answerability decision (does any unit meet every constraint of the
question?) is rag.assess.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.languages import get_profile
from rag.assess import Assessment, assess, assess_without_vote
from rag.candidates import (
    _figure_meets_noun,
    _has_value,
    candidate_names,
    names_entity,
)
from rag.normalize import fold
from rag.question import NAME_KINDS, Question
from rag.records import Passage
from rag.similarity import WordSimilarity, embed_units, on_reference_scale
from rag.terms import lexicon
from rag.units import EMAIL_FORMATS, Unit, asks_about_notices, units, units_around

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)

# Unit, units, units_around and asks_about_notices live in rag.units, the candidates in
# rag.candidates, the similarities in rag.similarity and the decision in rag.assess; they are
# re-exported here, where the stages have always imported them.
__all__ = [
    "EMAIL_FORMATS",
    "Assessment",
    "Evidence",
    "Unit",
    "WordSimilarity",
    "asks_about_notices",
    "assess",
    "assess_without_vote",
    "candidate_names",
    "embed_units",
    "names_entity",
    "score_units",
    "units",
    "units_around",
]


@dataclass(frozen=True)
class Evidence:
    """A scored unit and which of the question's constraints it meets."""

    unit: Unit
    score: float
    similarity: float
    coverage: float
    has_value: bool  # holds something of the wanted kind the question does not give
    has_attribute: bool  # names the attribute asked for ("unit price"), or none was asked
    has_focus: bool  # mentions what the question asks about, beyond its names
    # names every entity of the question (checked for value questions: a number is only an
    # answer when it is about the things the question names)
    has_entities: bool = True
    # what is asked is met only by a word worded otherwise ("attorney" for "lawyer"): weaker
    # than the question's own words, it does not outweigh documents agreeing on a name
    focus_by_word: bool = False
    # the answer value chosen while scoring, (text, start, end) in the document: set by the
    # cross-language path (rag.crosslang), where the value cannot be bound word by word
    value: tuple[str, int, int] | None = None

    @property
    def meets_all(self) -> bool:
        return self.has_value and self.has_attribute and self.has_focus and self.has_entities

    # Short-hands the composers use.
    @property
    def text(self) -> str:
        return self.unit.quote

    @property
    def passage(self) -> Passage:
        return self.unit.passage


@functools.lru_cache(maxsize=4096)
def _names(entity: str, text: str, language: str) -> bool:
    """:func:`names_entity` of one text, cached: a title and the sentence before are asked
    about for every unit of a passage."""
    return names_entity(entity, [text], language)


def sentence_before(candidates: Sequence[Unit]) -> dict[int, str]:
    """Each unit's nearest preceding unit of the same document (by ``id`` of the unit)."""
    by_doc: dict[str, list[Unit]] = {}
    for unit in candidates:
        by_doc.setdefault(unit.passage.doc_id, []).append(unit)
    before: dict[int, str] = {}
    for units_of_doc in by_doc.values():
        ordered = sorted(units_of_doc, key=lambda u: u.start)
        for previous, unit in itertools.pairwise(ordered):
            before[id(unit)] = previous.display
    return before


# Kinds whose answer must be about every name the question gives, in the sentence or next to
# it. Not a name: who did something is often told apart from what the question names, and
# requiring them declined a right answer and kept no wrong one out on the development set.
_ENTITY_KINDS = frozenset({"number", "amount", "date"})

# Kinds whose evidence may meet the focus by one word worded otherwise: a name or list
# answer must still be a name (or list) in the sentence. A number question is not: a figure
# "paid" in total is no answer to how much of it "went to" one of them.
_WORD_FOCUS_KINDS = NAME_KINDS | {"list"}


def _agent_bases(word: str, suffixes: Sequence[str]) -> list[str]:
    """The verbs ``word`` may be the doer's noun of ("winner": win, "investor": invest)."""
    bases = []
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            base = word[: -len(suffix)]
            bases.append(base)
            if base[-1] == base[-2]:
                bases.append(base[:-1])  # "winn" of "winner"
    return bases


def _derived_focus(q: Question, text: str) -> frozenset[str]:
    """The focus stems ``text`` meets by a noun of the doer of their verb ("won the title":
    "Grand Slam winner"). Needs the profile's word-class dictionary to know the verbs."""
    profile = get_profile(q.language)
    if not profile.agent_suffixes or profile.verb_lexicon != "lemminflect":
        return frozenset()
    from lemminflect import getAllLemmas

    wanted = _focus_verbs(q)
    if not wanted:
        return frozenset()
    lex = lexicon(q.language)
    found = set()
    for word in lex.words(text):
        for base in _agent_bases(word, profile.agent_suffixes):
            if base in wanted and "NOUN" in getAllLemmas(word):
                found.add(wanted[base])
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def _focus_verbs(q: Question) -> dict[str, str]:
    """The verbs of the question's focus words ("won": win), each with the focus stem."""
    from lemminflect import getAllLemmas

    lex = lexicon(q.language)
    wanted: dict[str, str] = {}
    for word in _focus_words(q):
        for lemma in getAllLemmas(word).get("VERB", ()):
            wanted[lemma] = lex.stems([word])[0]
    return wanted


def _focus_words(q: Question) -> list[str]:
    """The question's words as written whose stems are its focus ("lawyer", "loss")."""
    lex = lexicon(q.language)
    written = [w for w in lex.words(q.text) if w not in lex.stopwords]
    return list(
        dict.fromkeys(
            w for w, stem in zip(written, lex.stems(written), strict=True) if stem in q.focus
        )
    )


def _focus_by_word(q: Question, text: str, words: WordSimilarity, settings: Settings) -> bool:
    """Does a content word of ``text`` the question does not use mean one of its focus
    words, by the embedder? Words the question uses were compared by stem already; only a
    sentence close enough to the question as a whole is looked at word by word."""
    lex = lexicon(q.language)
    own = [w for w in lex.words(text) if w not in lex.stopwords and len(w) > 1]
    fresh = [w for w, stem in zip(own, lex.stems(own), strict=True) if stem not in q.terms]
    least = settings.evidence_focus_word_similarity
    return any(words(w, f) >= least for w in dict.fromkeys(fresh) for f in _focus_words(q))


def score_units(
    q: Question,
    candidates: Sequence[Unit],
    similarities: Sequence[float],
    settings: Settings,
    premise_gaps: bool = False,
    words: WordSimilarity | None = None,
) -> list[Evidence]:
    """Score every unit; best first. Similarity carries paraphrase, term coverage exact
    wording; a unit missing the asked-for kind, attribute or topic keeps only a share of it."""
    lex = lexicon(q.language)
    before = sentence_before(candidates)
    asked_words = set(re.findall(r"\w+", q.text.lower()))
    # the header roles the question asks for ("who sent" asks for From:); a header line of
    # another key (To:, Recipient address:) is not about what is asked
    profile = get_profile(q.language)
    roles_asked = {
        key
        for key, words_of in profile.header_roles.items()
        if not asked_words.isdisjoint(words_of)
    }
    # "who wrote the message that bounced": the returned message's header lines answer, the
    # bounce's own (From: postmaster) do not
    enclosed_asked = not asked_words.isdisjoint(profile.enclosed_header_roles)
    entity_terms = {e: lex.terms(e) for e in q.entities}
    # "by default": the evidence must say it (a value under a condition is another one)
    qualifiers = q.terms & lex.terms(" ".join(profile.required_qualifiers))
    scored: list[Evidence] = []
    for unit, similarity in zip(candidates, similarities, strict=True):
        own = lex.terms(unit.display)
        # The value's sentence often refers back to what the sentence before it names ("it",
        # "the company", "Sofia" for Bulgaria): the names may stand there, not further away.
        context = [unit.display, unit.passage.title, before.get(id(unit), ""), unit.context]
        # a name of the question the sentence refers back to (the title or the sentence
        # before name it: "The company's reported net income ...") counts as its context
        named: list[str] = []
        referred: set[str] = set()
        for entity in q.entities:
            if _names(entity, unit.display, q.language):
                named.append(entity)
            elif any(_names(entity, text, q.language) for text in context[1:] if text):
                named.append(entity)
                referred |= entity_terms[entity]
        own = own | _derived_focus(q, unit.display)
        # words of the heading a sentence stands under count, at a lower weight
        around = lex.terms(unit.context) - own if unit.context else set()
        # (what the sentence and its heading say is asked about, the names referred to aside:
        # "Nike's total revenue" is not met by "Nike" in the title)
        terms = own | around
        around = (around | referred) - own
        context_weight = (
            settings.evidence_term_weight if unit.under_term else settings.evidence_context_weight
        )
        # a header line asked for by its role ("who sent" -> "From:", "why" -> "Reason:")
        # counts as holding one more of the question's words; question words like "why"
        # are no terms, so the role is looked for among the question's plain words
        key_role = 1 if unit.roles and not asked_words.isdisjoint(unit.roles.split()) else 0
        # the enclosed message asked about: one more of the question's words
        role = key_role + (1 if unit.roles and enclosed_asked and unit.enclosed else 0)
        coverage = (
            min(
                1.0,
                (len(q.terms & own) + role + context_weight * len(q.terms & around)) / len(q.terms),
            )
            if q.terms
            else 0.0
        )
        score = (
            settings.evidence_similarity_weight * on_reference_scale(float(similarity), settings)
            + settings.evidence_coverage_weight * coverage
        )
        has_value = _has_value(
            q,
            unit.answer_text,
            close=similarity >= settings.evidence_focus_similarity,
            words=words,
            least=settings.evidence_counted_similarity,
        ) and not (unit.roles and fold(unit.answer_text.strip("<>")) in fold(q.text))
        # (a header line whose value the question gives, "Recipient address: jangel1@...",
        # asked "why could the mail not be delivered to jangel1@...", says nothing new)
        figure_meets = _figure_meets_noun(q, unit.display)
        # "the final score of ...": a score is met by its form ("3-2") as the focus is
        has_attribute = (
            not q.attribute
            or bool(q.attribute & terms)
            or (figure_meets and bool(q.attribute & q.kind_noun))
        ) and qualifiers <= terms
        # The sources word what is asked about in their own way ("seven victories" for
        # "games won", "commit to invest" for "agree to put in"): a sentence the embedding
        # finds this close to the question is about it, whatever its words.
        has_focus = (
            not q.focus
            or bool((q.focus | q.measured) & terms)
            or similarity >= settings.evidence_focus_similarity
            or figure_meets
        )
        focus_by_word = False
        if (
            not has_focus
            and words is not None
            and q.kind in _WORD_FOCUS_KINDS
            and similarity >= settings.evidence_focus_word_floor
        ):
            # One word of what is asked worded otherwise ("Federline's attorney" for "his
            # lawyer", "a maiden defeat" for "their first loss")
            has_focus = focus_by_word = _focus_by_word(q, unit.display, words, settings)
        if unit.roles and roles_asked and not key_role:
            has_focus = focus_by_word = False  # a header line of a role not asked for
        if unit.furniture and not key_role:
            has_focus = focus_by_word = False  # a page's running line, its date not asked
        if unit.roles and enclosed_asked and not unit.enclosed:
            has_focus = focus_by_word = False  # the outer message's line, the enclosed asked
        has_entities = q.kind not in _ENTITY_KINDS or len(named) == len(q.entities)
        if not (has_value and has_entities):
            score *= settings.evidence_penalty
        if not (has_focus and has_attribute):
            # About the right names, but not about what the question asks. When the question
            # rests on a false premise, what the sources say instead is a paraphrase ("arms
            # deal" for "sent ... worth"): a close one is penalised less.
            close = premise_gaps and similarity >= settings.evidence_paraphrase_similarity
            score *= settings.evidence_paraphrase_penalty if close else settings.evidence_penalty
        scored.append(
            Evidence(
                unit,
                score,
                float(similarity),
                coverage,
                has_value,
                has_attribute,
                has_focus,
                has_entities,
                focus_by_word=focus_by_word,
            )
        )
    scored.sort(key=lambda e: -e.score)
    return scored
