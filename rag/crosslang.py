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
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from index.languages import UnknownLanguage, available_languages, get_profile
from index.translit import name_in_text, names_match
from rag.counted import keep_counted
from rag.evidence import Evidence, Unit, candidate_names, sentence_before
from rag.measure import bound_class, measure_class
from rag.normalize import extract_dates, extract_quantities, fold, name_in_texts
from rag.question import NAME_KINDS, Question, is_year, new_quantities, value_candidates

if TYPE_CHECKING:
    from index.settings import Settings
    from rag.records import Passage
    from rag.retrieve import Filters, Retriever

log = logging.getLogger(__name__)

__all__ = [
    "is_cross",
    "mixed",
    "notes",
    "other_language_passages",
    "partition",
    "question_for",
    "refine",
    "score_units",
    "several_values",
    "unit_language",
    "value_gaps_only",
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
            q.text, top_k=n, filters=replace(filters, languages=(language,))
        ):
            if p.chunk_id not in seen:
                seen.add(p.chunk_id)
                out.append(p)
    return out


def value_gaps_only(gaps: Sequence[str]) -> list[str]:
    """Of the premise gaps found against passages in other languages, the numbers and dates:
    a name may be spelt differently in another language ("United States" / "США"), so its
    absence proves nothing; a number or date is the same value in every language."""
    return [g for g in gaps if extract_quantities(g) or extract_dates(g)]


def _name_in(name: str, text: str) -> bool:
    """``name`` in ``text`` in its own script (with the same-script short forms and endings
    of rag.normalize) or across scripts through transliteration."""
    return name_in_texts(name, [text]) or name_in_text(name, text)


def _asked_name(q: Question, name: str) -> bool:
    """Is ``name`` (from a sentence) one the question already gives, in any script?"""
    if fold(name) in fold(q.text):
        return True
    words = name.split()
    return any(
        names_match(name, e) or name_in_text(name, e) or any(name_in_text(w, e) for w in words)
        for e in names(q)
    )


def names(q: Question) -> list[str]:
    """The question's names, without a capitalised question or function word taken for one
    ("Кто", "Сколько", "В" opening a question)."""
    profile = get_profile(q.language)
    common = set(profile.stopwords) | {
        w for phrases in profile.question_words.values() for p in phrases for w in p.split()
    }
    return [e for e in q.entities if " " in e or e.lower() not in common]


def _anchors(q: Question) -> list[tuple[str, Any]]:
    """What the question gives that any language writes recognisably: each word of its names,
    its numbers (not years: those are dates) and its dates."""
    out: list[tuple[str, Any]] = []
    for entity in names(q):
        out.extend(("name", w) for w in entity.split() if len(w) > 1)
    out.extend(("value", v) for v in q.asked_values if not is_year(v))
    out.extend(("date", d) for d in q.asked_dates)
    return out


def _anchor_share(anchors: Sequence[tuple[str, Any]], texts: Sequence[str]) -> float:
    if not anchors:
        return 0.0
    joined = " ".join(texts)
    values = {x.value for x in extract_quantities(joined)}
    dates = extract_dates(joined)
    found = 0
    for kind, anchor in anchors:
        if kind == "name":
            found += any(_name_in(anchor, t) for t in texts)
        elif kind == "value":
            found += anchor in values
        else:
            year, month, day = anchor
            found += any(
                (year is None or d.year == year or (d.year is None and year in values))
                and (month is None or d.month == month)
                and (day is None or d.day == day)
                for d in dates
            ) or (month is None and day is None and Decimal(year or 0) in values)
    return found / len(anchors)


def _titles(language: str) -> list[str]:
    try:
        return get_profile(language).titles
    except UnknownLanguage:
        return []


def value_spans(q: Question, text: str, language: str = "") -> list[tuple[str, int, int]]:
    """Candidate answer values in ``text`` (written in ``language``; offsets in it), the
    question's own left out."""
    if q.kind in ("number", "amount"):
        return _measured(q, text, value_candidates(q, text), language or q.language)
    if q.kind == "date":
        return value_candidates(q, text)
    if q.kind in NAME_KINDS:
        spans = [
            (name, at, at + len(name))
            for name, at in candidate_names(q, text, lambda name: _asked_name(q, name))
        ]
        if q.kind == "person":
            # across languages nothing else tells a person from a place ("Твери"): a
            # person's name has two words or follows a title
            titles = {t.lower() for t in _titles(language)}
            spans = [
                s
                for s in spans
                if len(s[0].split()) >= 2
                or (text[: s[1]].split() or [""])[-1].strip(".,").lower() in titles
            ]
        return spans
    return []


def _measured(
    q: Question, text: str, spans: list[tuple[str, int, int]], language: str
) -> list[tuple[str, int, int]]:
    """Of a number or amount question's candidate values, those that can answer it across
    languages, where no word of the question can be matched in the sentence: an amount is
    a figure with a currency or percent (a bare "18" beside no sum is none); a count of
    things is no measure ("how many cars" is not answered by "18 месеца", "how many ships"
    not by "50,000 tonnes"), and a measure asked for is answered by that class of unit only
    ("how many months" by "18 месеца", not by "60 000 автомобила"). Units by class are the
    profiles' data (rag.measure)."""
    if q.kind == "amount":
        priced = {x.start for x in new_quantities(q, text) if x.unit is not None}
        return [s for s in spans if s[1] in priced]
    if not q.target_text:
        return spans  # "how long", "how much": nothing says what is counted
    head = q.target_text.split()[:2]  # the counted noun and its adjective, as in rag.evidence
    asked = next((c for w in head if (c := measure_class(w, q.language))), None)
    if not _names_currency(head, q.language):
        # "how many submarines" is not answered by a sum ("42,7 млн. лв.")
        money = {x.start for x in new_quantities(q, text) if x.unit not in (None, "%")}
        spans = [s for s in spans if s[1] not in money]
    return [s for s in spans if bound_class(text, s[2], language) == asked]


def _names_currency(words: Sequence[str], language: str) -> bool:
    """Does one of ``words`` name a currency of ``language``'s profile ("рублей", "euros")?"""
    currencies = get_profile(language).currencies
    return any(w.strip("?,.;:!") in currencies for w in words)


def _window(text: str, start: int, end: int, words: int) -> str:
    """A value with up to ``words`` words either side of it in its sentence: what it is
    said of ("arrested 14 people and seized", "а ещё 80 – Саудовской Аравии.")."""
    before = text[:start].split()[-words:]
    after = text[end:].split()[:words]
    return " ".join([*before, text[start:end], *after])


_LOCAL = 0.25  # share of the anchor score owed to the sentence itself (the rest: its document)


def _unbiased(candidates: Sequence[Unit], similarities: list[float]) -> list[float]:
    """Similarities with each language's bias taken out: a multilingual model finds text in
    a language close to the question's (Belarusian to a Russian question) more similar
    whatever it says. Each language's median is moved to the median of all."""
    import statistics

    overall = statistics.median(similarities)
    by_language: dict[str, list[float]] = {}
    for unit, s in zip(candidates, similarities, strict=True):
        by_language.setdefault(unit.passage.language, []).append(s)
    shift = {lang: overall - statistics.median(found) for lang, found in by_language.items()}
    return [s + shift[u.passage.language] for u, s in zip(candidates, similarities, strict=True)]


def _document_shares(
    anchors: Sequence[tuple[str, Any]], candidates: Sequence[Unit]
) -> dict[str, float]:
    """Per document, the share of anchors its retrieved sentences and title hold."""
    texts: dict[str, list[str]] = {}
    for unit in candidates:
        texts.setdefault(unit.passage.doc_id, [unit.passage.title]).append(unit.display)
    return {doc: _anchor_share(anchors, found) for doc, found in texts.items()}


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


def focus_text(q: Question) -> str:
    """The question without its names: what it asks about them ("Who is 's lawyer?" ->
    the embedding compares "lawyer" with each sentence, where the whole question is
    dominated by the name every sentence of the document repeats)."""
    text = q.text
    for entity in sorted(names(q), key=len, reverse=True):
        text = text.replace(entity, " ")
    return " ".join(text.replace(" 's", " ").replace(" ’s", " ").split())


def _similarities(q: Question, texts: Sequence[str], embedder: Any) -> list[float]:
    """Mean of the sentence's similarity to the question and to its focus text."""
    import numpy as np

    vectors = embedder.embed_documents(list(texts))
    whole = np.asarray(vectors @ embedder.embed_query(q.text))
    focus = focus_text(q)
    if not focus or focus == q.text:
        return [float(x) for x in whole]
    part = np.asarray(vectors @ embedder.embed_query(focus))
    return [float(x) for x in (whole + part) / 2]


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
    spans = [
        keep_counted(
            q,
            u.quote,
            value_spans(q, u.quote, u.passage.language) if q.wants_value else [],
            u.passage.language,
            embedder,
            settings.crosslang_counted_similarity,
        )
        for u in candidates
    ]
    bound = _bind_all(q, candidates, spans, embedder, settings.crosslang_value_words)
    anchors = _anchors(q)
    before = sentence_before(candidates)
    documents = _document_shares(anchors, candidates)
    # a document that holds none of the question's names is about something else: its
    # figure answers another question ("how many ships left Ust-Luga" is not answered by a
    # count in a report that never names Ust-Luga)
    name_anchors = [a for a in anchors if a[0] == "name"]
    named = _document_shares(name_anchors, candidates) if name_anchors else {}
    scored: list[Evidence] = []
    for unit, similarity, found, own in zip(candidates, similarities, bound, spans, strict=True):
        value = None
        if found is not None:
            (text, start, end), value_similarity = found
            similarity = (similarity + value_similarity) / 2
            # Which of several values answers cannot be verified across languages: the
            # context similarity that chose one ranks the sentence, but only a sole
            # candidate is led with; else the quote answers alone (see several_values).
            if len(own) == 1 and not _several_figures(q, unit.quote):
                value = (text, unit.start + start, unit.start + end)
        # Across languages a sentence refers to its names by "the company", "he", a
        # translated or shortened name: the anchors are sought in its document's retrieved
        # text, which tells the document about the question; the similarity tells the
        # sentence within it. Anchors in the sentence itself add a little.
        local = _anchor_share(anchors, [unit.display, before.get(id(unit), "")])
        share = (1 - _LOCAL) * documents[unit.passage.doc_id] + _LOCAL * local
        score = (
            settings.evidence_similarity_weight * similarity
            + settings.evidence_coverage_weight * share
        )
        has_value = found is not None or not q.wants_value
        on_topic = similarity >= settings.crosslang_min_similarity
        has_names = not name_anchors or named[unit.passage.doc_id] > 0
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


def _bind_all(
    q: Question,
    candidates: Sequence[Unit],
    spans: Sequence[list[tuple[str, int, int]]],
    embedder: Any,
    words: int,
) -> list[tuple[tuple[str, int, int], float] | None]:
    """Per unit, its value most similar (in its context) to the question, and that
    similarity; None for a unit without candidate values. One batch for all of them."""
    windows = [
        _window(unit.quote, start, end, words)
        for unit, found in zip(candidates, spans, strict=True)
        for _, start, end in found
    ]
    if not windows:
        return [None] * len(candidates)
    similarities = _similarities(q, windows, embedder)
    out: list[tuple[tuple[str, int, int], float] | None] = []
    i = 0
    for found in spans:
        if not found:
            out.append(None)
            continue
        scores = [float(x) for x in similarities[i : i + len(found)]]
        i += len(found)
        best = max(range(len(found)), key=lambda j: (scores[j], -found[j][1]))
        out.append((found[best], scores[best]))
    return out


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
    return len(value_spans(q, e.unit.quote, e.unit.passage.language)) > 1 or _several_figures(
        q, e.unit.quote
    )


def _several_figures(q: Question, text: str) -> bool:
    """For a count question: does ``text`` hold more than one figure the question does not
    give, whatever its unit? Across languages nothing reads which figure counts what, so a
    sum beside a count ("4,6 млрд рублей ... 26 месяцев") leaves the count unverified too.
    (An amount question asks for the one figure with a currency or percent: a bare count
    beside it does not make it ambiguous.)"""
    return q.kind == "number" and len(new_quantities(q, text)) > 1


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
