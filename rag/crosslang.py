"""Cross-language evidence: scoring sentences written in another language than the question.

The same-language path (rag.evidence.score_units) matches the question's stemmed words in a
sentence; an English question shares no word with a Russian sentence, so that path never
finds cross-language evidence. Here a sentence whose document language differs from the
question's (both detected) is scored by what does not depend on the language:

- the multilingual embedding similarity of question and sentence (the retriever's model,
  e.g. multilingual-e5-small: one vector space for every language it reads);
- anchors: the question's names, found across scripts through transliteration
  ("Konkurs" in "«Конкурс»", "Sakalouski" in "Сакалоўскі"), and the numbers and dates it
  gives, compared as values each language profile parses ("1 December 2024" in
  "1 снежня 2024 г.").

The answer value is chosen in the sentence the same way: each candidate value owns the words
between its neighbours, and the one whose words are closest in meaning to the question is the
answer ("80 – Саудовской Аравии" for "... pass on to Saudi Arabia?"). Values are quoted as
the source writes them; the composer leads with that exact span.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from index.languages import UnknownLanguage, available_languages, get_profile, writes_latin
from index.translit import romanize
from rag.counted import keep_counted, thing_similarity
from rag.crosslang_match import (
    _anchor_share,
    _anchors,
    _document_shares,
    _similarities,
    _unbiased,
    content_words,
    every_country,
    focus_text,
    names,
    sentence_topic_counts,
    topic_counts,
)
from rag.crosslang_values import _bind_all, _several_figures, value_spans
from rag.evidence import Evidence, Unit, sentence_before
from rag.lexicon import lexicon
from rag.lexicon_reach import can_reach
from rag.named import keep_bound
from rag.normalize import extract_dates, extract_quantities
from rag.question import NAME_KINDS, Question

if TYPE_CHECKING:
    from index.settings import Settings
    from rag.records import Passage
    from rag.retrieve import Filters, Retriever

log = logging.getLogger(__name__)

# The matching (rag.crosslang_match) and the values (rag.crosslang_values) of a sentence in
# another language live in their own modules; focus_text, names and value_spans are
# re-exported here, where they have always been imported.
__all__ = [
    "focus_text",
    "is_cross",
    "mixed",
    "names",
    "notes",
    "other_language_passages",
    "partition",
    "question_for",
    "refine",
    "score_units",
    "several_values",
    "translated_query",
    "unit_language",
    "value_gaps_only",
    "value_spans",
]


_UNKNOWN = frozenset({"", "und"})


def is_cross(question_language: str, unit_language: str) -> bool:
    """Both languages are known and they differ."""
    if question_language in _UNKNOWN or unit_language in _UNKNOWN:
        return False
    return question_language != unit_language


def partition(q: Question, candidates: Sequence[Unit]) -> tuple[list[Unit], list[Unit]]:
    """(same-language units, cross-language units), each in the given order."""
    same: list[Unit] = []
    cross: list[Unit] = []
    for unit in candidates:
        (cross if is_cross(q.language, unit.passage.language) else same).append(unit)
    return same, cross


def unit_language(q: Question, passage: Passage) -> str:
    """The language a passage's sentences are read in: its document's, when that is
    another than the question's and has a profile; else the question's."""
    if is_cross(q.language, passage.language) and passage.language in available_languages():
        return passage.language
    return q.language


def mixed(q: Question, passages: Sequence[Passage]) -> bool:
    """Does any passage come from a document in another language than the question?"""
    return any(is_cross(q.language, p.language) for p in passages)


def other_language_passages(
    q: Question, passages: Sequence[Passage], retriever: Retriever, filters: Filters
) -> list[Passage]:
    """``passages`` and the best few (``crosslang_passages``) from documents in each other
    language than the question's, when the store holds any. Fusion with BM25 favours
    passages in the question's language (only they share its words): a passage in another
    language has the dense ranking alone, and may miss the top k it deserves."""
    n = retriever.settings.crosslang_passages
    if n <= 0 or q.language in _UNKNOWN:
        return list(passages)
    languages = {
        d.language
        for d in retriever.documents().values()
        if filters.admits(d) and is_cross(q.language, d.language)
    }
    if filters.languages:
        languages &= set(filters.languages)
    if not languages:
        return list(passages)
    out = list(passages)
    seen = {p.chunk_id for p in passages}
    for language in sorted(languages):  # each language its own: close ones crowd out others
        for p in retriever.retrieve(
            q.text,
            top_k=n,
            filters=replace(filters, languages=(language,)),
            language=q.language,
            lexical_query=_lexical_query(q, language, retriever.settings.crosslang_translated_bm25),
        ):
            if p.chunk_id not in seen:
                seen.add(p.chunk_id)
                out.append(p)
    return out


def _lexical_query(q: Question, language: str, translated: bool) -> str | None:
    """What BM25 searches documents in ``language`` with, when not the question itself: its
    names in Latin letters for a language written in them (BM25 finds "Tartu" for "Тарту",
    where the embedding may rank a passage naming no place of the question higher), and,
    when ``translated``, its content words' dictionary translations."""
    query = translated_query(q, language) if translated else None
    romanized = [romanize(n) for n in names(q) if not n.isascii()] if writes_latin(language) else []
    if not romanized:
        return query
    return " ".join([query or q.text, *romanized])


def translated_query(q: Question, language: str) -> str | None:
    """The question with its content words' dictionary translations into ``language``
    (rag.lexicon) added, for BM25 over documents in that language: a question shares no
    word with them, so BM25 ranks them by chance and only e5 finds them. None when no
    dictionary serves the pair (one composed through Apertium adds too many senses for a
    query) or it knows none of the words."""
    lex = lexicon(q.language, language)
    if lex is None or lex.composed:
        return None
    added: dict[str, None] = {}
    for word in content_words(q):
        for translation in sorted(lex.senses(word)):
            if len(translation) == 1:  # a phrase's words would match on their own
                added[translation[0]] = None
    if not added:
        return None
    return " ".join([q.text, *added])


def value_gaps_only(gaps: Sequence[str]) -> list[str]:
    """Of the premise gaps found against passages in other languages, the numbers and dates:
    a name may be spelt differently in another language ("United States" / "США"), so its
    absence proves nothing; a number or date is the same value in every language."""
    return [g for g in gaps if extract_quantities(g) or extract_dates(g)]


_LOCAL = 0.25  # share of the anchor score owed to the sentence itself (the rest: its document)


def refine(q: Question) -> Question:
    """The question as the cross-language path reads it. "Who is Oleg Morozov's lawyer?" is
    a definition question by its phrase ("who is"), but it asks for a person: the phrase
    begins with a person phrase ("who") and the question asks about more than its names
    (its focus: "lawyer"). Same-language evidence shows such a person by the words around
    it; across languages the name is the answer to lead with."""
    if q.kind != "definition" or not q.focus:
        return q
    profile = get_profile(q.language)
    lowered = " ".join(q.text.lower().split())
    starts = {
        m.start() for p in profile.question_words.get("definition", []) for m in _find(lowered, p)
    }
    person = {
        m.start() for p in profile.question_words.get("person", []) for m in _find(lowered, p)
    }
    return replace(q, kind="person") if starts & person else q


def _find(text: str, phrase: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))


def _bound_values(
    q: Question, unit: Unit, settings: Settings, embedder: Any, before: str = ""
) -> list[tuple[str, int, int]]:
    """The unit's candidate values bound to what the question asks: a count to the thing it
    counts (rag.counted), a name to the role or kind asked for (rag.named)."""
    if not q.wants_value:
        return []
    language = unit.passage.language
    spans = value_spans(q, unit.quote, language)
    if q.kind in NAME_KINDS:
        return keep_bound(
            q, unit.quote, spans, language, embedder, settings.crosslang_role_similarity
        )
    return keep_counted(
        q, unit.quote, spans, language, embedder, settings.crosslang_counted_similarity, before
    )


def score_units(
    q: Question, candidates: Sequence[Unit], settings: Settings, embedder: Any
) -> list[Evidence]:
    """Score units written in another language than the question; best first.

    similarity: of the sentence to the question (and to the question without its names);
    for a value question, the mean of that and the best similarity of one of its values in
    its context ("arrested 14 people" for "how many people were arrested"), which also
    chooses the value. score = similarity weight x similarity + coverage weight x share of
    the question's anchors the sentence (or its document title) holds. A sentence without a
    value of the kind asked for, or less similar than ``crosslang_min_similarity``, keeps
    ``evidence_penalty`` of its score: topic and attribute cannot be checked word by word
    across languages, the similarity stands for them.
    """
    if not candidates:
        return []
    q = refine(q)
    similarities = _unbiased(
        candidates, _similarities(q, [u.display for u in candidates], embedder)
    )
    before = sentence_before(candidates)
    spans = [_bound_values(q, u, settings, embedder, before.get(id(u), "")) for u in candidates]
    bound = _bind_all(q, candidates, spans, embedder, settings.crosslang_value_words)
    anchors = _anchors(q)
    documents = _document_shares(anchors, candidates)
    # a document that holds none of the question's names is about something else: its
    # figure answers another question ("how many ships left Ust-Luga" is not answered by a
    # count in a report that never names Ust-Luga)
    name_anchors = [a for a in anchors if a[0] == "name"]
    named = _document_shares(name_anchors, candidates) if name_anchors else {}
    # ... nor one that does not name a country the question names: "how many bottles did
    # Dealul Verde sell to Germany" is not answered by its sales abroad
    whole = every_country(q, candidates)
    # a date or year the question is about is the same value in every language: a document
    # that does not hold it answers about another time ("How many ships docked in 2019?" is
    # not answered by a report on 2023)
    date_anchors = [a for a in anchors if a[0] == "date"]
    dated = _document_shares(date_anchors, candidates) if date_anchors else {}
    # The question's content words, translated by a dictionary, count as anchors too: found
    # over each document's retrieved text. Only where a dictionary serves every language of
    # the candidates: else the documents it serves would outrank the others for being
    # checkable, not for being about the question.
    languages = {u.passage.language for u in candidates}
    topical = all(can_reach(q.language, language) for language in languages)
    doc_texts: dict[str, tuple[str, list[str]]] = {}
    for unit in candidates:
        doc = doc_texts.setdefault(
            unit.passage.doc_id, (unit.passage.language, [unit.passage.title])
        )
        doc[1].append(unit.display)
    topics = {
        doc: topic_counts(q, texts, language) if topical else (0, 0)
        for doc, (language, texts) in doc_texts.items()
    }
    # the question's words a dictionary finds in each sentence, and in its whole document
    said = sentence_topic_counts(q, candidates)
    scored: list[Evidence] = []
    for unit, similarity, found, own, (here, reached) in zip(
        candidates, similarities, bound, spans, said, strict=True
    ):
        value = None
        if found is not None:
            (text, start, end), value_similarity = found
            # a count's noun as close as can be told to the question's ranks it too: of
            # "23 гаспадаркі" and "74 чалавекі" for "how many people", the people
            counted = (
                thing_similarity(q, unit.quote, start, unit.passage.language, embedder)
                if q.kind == "number"
                else None
            )
            if counted is None:
                similarity = (similarity + value_similarity) / 2
            else:
                similarity = (similarity + value_similarity + counted) / 3
            # Which of several values answers cannot be verified across languages: the
            # context similarity that chose one ranks the sentence, but only a sole
            # candidate is led with; else the quote answers alone (see several_values).
            if len(own) == 1 and not _several_figures(q, unit.quote, unit.passage.language):
                value = (text, unit.start + start, unit.start + end)
        # Across languages a sentence refers to its names by "the company", "he", a
        # translated or shortened name: the anchors are sought in its document's retrieved
        # text, which tells the document about the question; the similarity tells the
        # sentence within it. Anchors in the sentence itself add a little; those of the
        # document's title count as the sentence's own, since every sentence stands under
        # it ("The mill, founded in 1961" under "Daugavpils textile workers strike"): else
        # the one sentence repeating the town outranks the one answering.
        around = [unit.display, before.get(id(unit), ""), unit.passage.title]
        local = _anchor_share(anchors, around)
        n = len(anchors)
        if reached:
            local = (local * n + here) / (n + reached)
        doc_found, doc_known = topics[unit.passage.doc_id]
        if doc_known:
            # over the document only: a sentence repeating the question's words is not the
            # more likely answer ("the bakery's two ovens"), the answer names it as "it"
            document = (documents[unit.passage.doc_id] * n + doc_found) / (n + doc_known)
        else:
            document = documents[unit.passage.doc_id]
        share = (1 - _LOCAL) * document + _LOCAL * local
        score = (
            settings.evidence_similarity_weight * similarity
            + settings.evidence_coverage_weight * share
        )
        has_value = found is not None or not q.wants_value
        on_topic = similarity >= settings.crosslang_min_similarity
        has_names = not name_anchors or (
            named[unit.passage.doc_id] > 0 and whole[unit.passage.doc_id]
        )
        has_names = has_names and (not date_anchors or dated[unit.passage.doc_id] == 1.0)
        if not (has_value and has_names):
            score *= settings.evidence_penalty
        if not on_topic:
            score *= settings.evidence_penalty
        scored.append(
            Evidence(
                unit, score, similarity, share, has_value, True, on_topic, has_names, value=value
            )
        )
    scored.sort(key=lambda e: -e.score)
    return scored


def notes(q: Question, picked: Sequence[Evidence], extractive: bool = True) -> list[str]:
    """Say so when the answer rests on a quote in another language: it was matched to the
    question by meaning, its names, numbers and dates by value; the question's other words
    could not be checked in it word by word. With the extractive composer, say too when the
    quote holds several values and none is led with."""
    languages = sorted(
        {e.unit.passage.language for e in picked if is_cross(q.language, e.unit.passage.language)}
    )
    if not languages:
        return []
    names = ", ".join(_language_name(code) for code in languages)
    out = [
        f"Quoted from sources in {names}: matched to the question by meaning and by its names, "
        "numbers and dates; check that the quote says what was asked."
    ]
    if extractive and several_values(q, picked[0]):
        out.append(
            "The quoted sentence holds several possible answers of the kind asked for "
            "(figures, dates or names); which one answers the question could not be checked "
            "across languages, so none is stated first: read it in the quote."
        )
    return out


def several_values(q: Question, e: Evidence) -> bool:
    """Is ``e`` a sentence in another language with more than one candidate value for
    ``q`` (its own left out), so that no value is led with?"""
    q = refine(q)
    if not q.wants_value or not is_cross(q.language, e.unit.passage.language):
        return False
    language = e.unit.passage.language
    return len(value_spans(q, e.unit.quote, language)) > 1 or _several_figures(
        q, e.unit.quote, language
    )


def _language_name(code: str) -> str:
    try:
        return get_profile(code).name
    except UnknownLanguage:
        return code


def question_for(q: Question, picked: Sequence[Evidence]) -> Question:
    """The question the composer answers: as the cross-language path read it when the best
    evidence is in another language (it leads with the value bound there)."""
    if picked and is_cross(q.language, picked[0].unit.passage.language):
        return refine(q)
    return q
