"""Evidence: clean sentence units of the retrieved passages, scored against the question, and
the answerability decision (does any unit meet every constraint of the question?).

A unit is an exact span of its document (the citation quote) with a display form for matching
and reading (PDF line breaks and hyphenation resolved). Title lines, metadata headers and
boilerplate are not units: they are not facts.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.sentences import display_form, header_value, is_boilerplate, sentence_spans
from rag.normalize import extract_dates, extract_names, extract_quantities, fold, name_in_texts
from rag.question import NAME_KINDS, Question
from rag.records import Passage
from rag.terms import lexicon

if TYPE_CHECKING:
    import numpy as np

    from index.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["Assessment", "Evidence", "Unit", "assess", "embed_units", "score_units", "units"]

_MIN_CHARS = 12


@dataclass(frozen=True)
class Unit:
    """A sentence of a document: ``quote == document_text[start:end]``."""

    passage: Passage
    start: int
    end: int
    quote: str  # exact document span (what the citation carries)
    display: str  # line breaks and hyphenation resolved (what is matched and shown)


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


def _is_statement(display: str, language: str) -> bool:
    """A title page line or heading ("Annual Report of the Ministry 2023", "John Smith,
    Editor") names things but states nothing: a sentence has a lower-case content word."""
    words = display.split()
    stop = lexicon(language).stopwords
    content = sum(1 for w in words if w[:1].islower() and w.strip(".,;:!?") not in stop)
    return len(words) >= 4 and content >= 1


def units(passage: Passage, document_text: str, language: str = "en") -> list[Unit]:
    """The clean sentence units of one passage."""
    out = []
    for a, b in sentence_spans(document_text, passage.start, passage.end, language):
        raw = document_text[a:b]
        # Trim to the visible sentence: the quote must still be an exact span.
        lead = len(raw) - len(raw.lstrip())
        a, b = a + lead, a + len(raw.rstrip())
        if b - a < _MIN_CHARS:
            continue
        quote = document_text[a:b]
        value = header_value(quote)
        if value is not None:
            # A headline or subject states a fact ("title: Binance to pay $4.3B in fines");
            # its key does not, and metadata values (a name, a URL, a date) are no statement.
            a, b = a + value[0], a + value[1]
            quote = document_text[a:b]
        display = display_form(quote)
        if is_boilerplate(quote, language) or not _is_statement(display, language):
            continue
        out.append(Unit(passage, a, b, quote, display))
    return out


def embed_units(embedder: Any, question: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of each text to the question. The one place evidence embeds: a
    sentence-vector cache plugs in here."""
    import numpy as np

    question_vector = embedder.embed_query(question)
    vectors = embedder.embed_documents(list(texts))
    return np.asarray(vectors @ question_vector)


def _has_value(q: Question, text: str) -> bool:
    """Does the sentence hold something of the wanted kind the question does not already
    say? "How many ... in 2015?" is not answered by a sentence whose only number is 2015."""
    if q.kind in ("number", "amount"):
        found = [
            x
            for x in extract_quantities(text)
            if (x.unit is not None or not _is_year_value(x.value)) and x.value not in q.asked_values
        ]
        if q.kind == "amount":
            return any(x.unit is not None for x in found)
        return bool(found)
    if q.kind == "date":
        return any((d.year, d.month, d.day) not in q.asked_dates for d in extract_dates(text))
    if q.kind in NAME_KINDS:
        folded = fold(q.text)
        return any(fold(name) not in folded for name in extract_names(text))
    return True


def _is_year_value(value: Any) -> bool:
    return value == value.to_integral_value() and 1800 <= value <= 2100


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


def score_units(
    q: Question,
    candidates: Sequence[Unit],
    similarities: Sequence[float],
    settings: Settings,
    premise_gaps: bool = False,
) -> list[Evidence]:
    """Score every unit; best first. Similarity carries paraphrase, term coverage exact
    wording; a unit missing the asked-for kind, attribute or topic keeps only a share of it."""
    lex = lexicon(q.language)
    before = sentence_before(candidates)
    scored: list[Evidence] = []
    for unit, similarity in zip(candidates, similarities, strict=True):
        terms = lex.terms(unit.display)
        coverage = len(q.terms & terms) / len(q.terms) if q.terms else 0.0
        score = (
            settings.evidence_similarity_weight * float(similarity)
            + settings.evidence_coverage_weight * coverage
        )
        has_value = _has_value(q, unit.display)
        has_attribute = not q.attribute or bool(q.attribute & terms)
        has_focus = not q.focus or bool(q.focus & terms)
        # The value's sentence often refers back to what the sentence before it names ("it",
        # "the company", "Sofia" for Bulgaria): the names may stand there, not further away.
        has_entities = q.kind not in ("number", "amount", "date") or all(
            name_in_texts(e, [unit.display, unit.passage.title, before.get(id(unit), "")])
            for e in q.entities
        )
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
            )
        )
    scored.sort(key=lambda e: -e.score)
    return scored


@dataclass(frozen=True)
class Assessment:
    """The answerability decision: the evidence to answer with, or what is missing."""

    picked: list[Evidence]
    missing: str  # empty when answerable; else which part the sources do not cover
    # a name several documents agree on, when no single sentence answers on its own
    name: str | None = None


def _missing_part(q: Question, best: Evidence | None) -> str:
    """Say which constraint the closest evidence fails: "the sources mention X but not Y"."""
    if best is None:
        return ""
    lex = lexicon(q.language)
    terms = lex.terms(best.unit.display)
    folded = fold(best.unit.display)
    covered = [e for e in q.entities if fold(e) in folded]
    about = ", ".join(covered) if covered else ""
    if not best.has_entities:
        absent = [e for e in q.entities if not name_in_texts(e, [best.unit.display])]
        lack = f"{_what(q)} for {', '.join(absent)}"
    elif not best.has_attribute and q.attribute_text:
        lack = f"the {q.attribute_text}"
    elif not best.has_value and q.kind:
        lack = _what(q)
    elif not best.has_focus:
        words = sorted(q.focus - terms)
        lack = "what the question asks about" + (f" ({', '.join(words)})" if words else "")
    else:
        return ""
    return f"they mention {about} but not {lack}" if about else f"they do not give {lack}"


def _what(q: Question) -> str:
    return {
        "number": "the number asked for",
        "amount": "an amount",
        "date": "a date",
        "person": "who",
        "place": "where",
        "organisation": "which organisation",
        "name": "the name asked for",
    }.get(q.kind or "", "the answer")


def candidate_names(q: Question, text: str) -> list[tuple[str, int]]:
    """Names in ``text`` the question does not already give, with their offsets. A single
    capitalised word opening the sentence ("Unfortunately") is not taken for a name."""
    folded_q = fold(q.text)
    out = []
    position = 0
    for name in extract_names(text):
        at = text.find(name, position)
        if at < 0:
            at = text.find(name)
        if at < 0:
            continue
        position = at + len(name)
        if fold(name) in folded_q or any(fold(p) in folded_q for p in name.split()):
            continue
        if " " not in name and not text[:at].strip():
            continue
        out.append((name, at))
    return out


def _corroborated_name(
    q: Question, ranked: Sequence[Evidence], settings: Settings
) -> Assessment | None:
    """A multi-part "who/which" question rarely has one sentence that says it all; the
    answer is then the name that sentences from several documents about the question's
    topic share. Each name's votes: the documents whose on-topic sentences name it."""
    from rag.question import NAME_KINDS

    if q.kind not in NAME_KINDS:
        return None
    pool = [
        e
        for e in ranked[: settings.name_vote_pool]
        if e.has_focus and e.has_attribute and e.score >= settings.name_vote_min_score
    ]
    votes: dict[str, dict[str, Evidence]] = {}
    spelled: dict[str, str] = {}
    for e in pool:
        for name, _ in candidate_names(q, e.unit.display):
            key = fold(name.split()[-1])  # "Sam Bankman-Fried" and "Bankman-Fried" agree
            if len(key) < 3:
                continue
            votes.setdefault(key, {}).setdefault(e.unit.passage.doc_id, e)
            if len(name) > len(spelled.get(key, "")):
                spelled[key] = name
    if not votes:
        return None
    key, documents = max(
        votes.items(), key=lambda kv: (len(kv[1]), sum(e.score for e in kv[1].values()))
    )
    if len(documents) < settings.name_vote_documents:
        return None
    picked = sorted(documents.values(), key=lambda e: -e.score)[: settings.max_evidence]
    return Assessment(picked, "", spelled[key])


def assess(q: Question, ranked: Sequence[Evidence], settings: Settings) -> Assessment:
    """Answer only with units that meet every constraint and score above the threshold; the
    others close to the best join it (up to ``max_evidence``), without repeats."""
    threshold = settings.min_evidence_score
    qualified = [e for e in ranked if e.meets_all and e.score >= threshold]
    if not qualified:
        corroborated = _corroborated_name(q, ranked, settings)
        if corroborated is not None:
            return corroborated
        closest = ranked[0] if ranked else None
        return Assessment([], _missing_part(q, closest))
    best = qualified[0].score
    picked: list[Evidence] = []
    seen: set[str] = set()
    for e in ranked:
        if len(picked) >= settings.max_evidence:
            break
        if e.score < max(threshold, best - settings.evidence_window):
            break
        key = " ".join(e.unit.display.lower().split())
        if key in seen:  # the same sentence in two documents (or two chunks) is said once
            continue
        if picked or e.meets_all:
            seen.add(key)
            picked.append(e)
    return Assessment(picked, "")
