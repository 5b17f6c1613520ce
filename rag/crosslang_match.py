"""Matching a sentence in another language to the question (rag.crosslang): the anchors,
what the question gives that any language writes recognisably (its names, found across
scripts through transliteration, its numbers and dates, compared as values), and the
multilingual embedding similarity, with each language's bias taken out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from index.languages import UnknownLanguage, get_profile
from index.translit import name_in_text, names_match, place_in_text, place_named
from rag.exonyms import country_in_text, is_country, same_country
from rag.normalize import extract_dates, extract_quantities, fold, name_in_texts
from rag.question import Question, is_year

if TYPE_CHECKING:
    from rag.evidence import Unit


def _name_in(name: str, text: str) -> bool:
    """``name`` in ``text`` in its own script (with the same-script short forms and endings
    of rag.normalize) or across scripts through transliteration, also where one side makes
    an adjective of a place: "Kostroma" is in "Арбитражный суд Костромской области"."""
    return (
        name_in_texts(name, [text])
        or name_in_text(name, text)
        or country_in_text(name, text)
        or place_in_text(name, text)
    )


def _asked_name(q: Question, name: str) -> bool:
    """Is ``name`` (from a sentence) one the question already gives, in any script? Also as
    a word of another class: "the Minsk printing house's owner" asks a Russian reader about
    "минской типографии", and Minsk is not where he lives now."""
    if fold(name) in fold(q.text):
        return True
    words = name.split()
    if len(words) == 1 and any(names_match(name, w) for w in _word_stems(q)):
        return True
    return any(
        names_match(name, e)
        or name_in_text(name, e)
        or any(name_in_text(w, e) for w in words)
        or same_country(name, e)
        for e in names(q)
    )


def place_stems(word: str, language: str) -> list[str]:
    """The place names ``word`` makes an adjective of, by the profile's
    ``place_adjective_endings`` ("гомельской" -> "гомель"; a stem of three letters at
    least); [] for a word that is none, or a language with no profile."""
    try:
        endings = get_profile(language).place_adjective_endings
    except UnknownLanguage:
        return []
    lowered = word.lower()
    stems = [word[: -len(e)] for e in endings if lowered.endswith(e) and len(word) - len(e) >= 3]
    # a place ending in the adjective's consonants keeps them ("минской" of "Минск", "луцький"
    # of "Луцьк"): the word without its vowel inflection too
    inflections = {e.lstrip(_CONSONANTS) for e in endings if lowered.endswith(e)}
    stems += [word[: -len(i)] for i in inflections if i and len(word) - len(i) >= 3]
    return list(dict.fromkeys(stems))


_CONSONANTS = "бвгджзйклмнпрстфхцчшщьґў"


def _word_stems(q: Question) -> list[str]:
    """The question's words of four letters or more, and a place adjective's stem as well."""
    out = []
    for word in re.findall(r"[^\W\d_]+", q.text):
        if len(word) >= 4:
            out += [word, *place_stems(word, q.language)]
    return out


def content_words(q: Question) -> list[str]:
    """The question's words that are neither names nor its language's function, scaffold or
    question words, as written ("население" of "Какое население у Беларуси?")."""
    profile = get_profile(q.language)
    common = {w.lower() for w in [*profile.stopwords, *profile.scaffold_words]}
    common |= {w for phrases in profile.question_words.values() for p in phrases for w in p.split()}
    named = {w.lower() for e in names(q) for w in e.split()}
    words = re.findall(r"[^\W\d_][\w'-]*", q.text)
    return [w for w in words if len(w) >= 3 and w.lower() not in common | named]


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
        if is_country(entity):
            out.append(("name", entity))  # "Saudi Arabia" is "Саудовская Аравия" as a whole
        else:
            out.extend(("name", w) for w in entity.split() if len(w) > 1)
    out.extend(("value", v) for v in q.asked_values if not is_year(v))
    out.extend(("date", d) for d in q.asked_dates)
    # a place the question names by a lower-case adjective ("даугавпілська фабрика": the
    # Daugavpils mill) tells the documents about it apart, but is no name every answer must
    # hold: an adjective ending may be no place's ("економічна")
    named = {w.lower() for e in names(q) for w in e.split()}
    for word in dict.fromkeys(re.findall(r"[^\W\d_]+", q.text)):
        # lower case, only a "-ский" adjective is a place's: "-кай", "-кой" end nouns too
        # ("праверкай", "кибератакой")
        if not word.islower() or word in named or not re.search(r"сь?к\w{1,4}$", word):
            continue
        # a stem of four letters at least: "мин-" of "минской" would be "Mina"
        stems = [s for s in place_stems(word, q.language) if len(s) >= 4]
        if stems:
            out.append(("place", tuple(stems)))
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
            found += any(_name_in(anchor, t) for t in texts) or _parts_in(anchor, texts)
        elif kind == "place":
            found += any(place_named(anchor, t) for t in texts)
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


def topic_counts(q: Question, texts: Sequence[str], language: str) -> tuple[int, int]:
    """(found, known): of the question's content words a bilingual dictionary knows for
    ``language`` (rag.lexicon, directly or through a related language), how many
    ``texts`` hold a translation of. A figure or name answers the question only in text
    about what it asks ("работало в типографии": a printing house, not a port); the
    dictionary tells that word for word where the embedding only tells a likeness."""
    from rag.lexicon_reach import topic_match

    joined = " ".join(texts)
    words = dict.fromkeys(content_words(q))
    verdicts = [topic_match(w, q.language, language, joined) for w in words]
    known = [v for v in verdicts if v is not None]
    return sum(known), len(known)


def sentence_topics(q: Question, text: str, language: str) -> frozenset[str]:
    """The question's content words a dictionary finds translated in one sentence: by the
    pair's dictionary read in its own direction (one composed through Apertium included:
    what it finds is a match). Not read inverted, nor through another language: those
    reach every sense of a word ("руководство" -> "staff", "management"), and a sentence is
    too short a text to outweigh that. Found words only: a word not found rules nothing
    out here, it only leaves the sentence without this evidence."""
    from rag.lexicon import lexicon, phrase_match

    lex = lexicon(q.language, language)
    if lex is None or lex.inverted:
        return frozenset()
    # the attribute a question phrase names counts too ("how much did it *cost*", "what
    # *share*"): the sentence giving a cost says "вартість", the one giving a salary does not
    profile = get_profile(q.language)
    asked = set(profile.kind_nouns.get(q.kind or "", [])) | set(profile.cost_words)
    words = [*content_words(q), *(w for w in re.findall(r"\w+", q.text) if w.lower() in asked)]
    return frozenset(
        w for w in dict.fromkeys(words) if phrase_match([w], q.language, text, language)
    )


def sentence_topic_counts(q: Question, candidates: Sequence[Unit]) -> list[tuple[int, int]]:
    """Per unit: how many of the question's words :func:`sentence_topics` finds in it, and
    how many it finds anywhere in the unit's document's retrieved text. Of a document's
    sentences holding values, the one saying what is asked about ("Загальна вартість
    проєкту склала 86,5 млн грн" for "how much did it cost") answers, not another figure of
    the same document ("Середня заробітна плата ... 21 400 грн"); (0, 0) for a question
    asking no value."""
    said = [
        sentence_topics(q, u.display, u.passage.language) if q.wants_value else frozenset()
        for u in candidates
    ]
    documents: dict[str, set[str]] = {}
    for unit, words in zip(candidates, said, strict=True):
        documents.setdefault(unit.passage.doc_id, set()).update(words)
    return [
        (len(words), len(documents[u.passage.doc_id]))
        for u, words in zip(candidates, said, strict=True)
    ]


def _parts_in(name: str, texts: Sequence[str]) -> bool:
    """ "Vidin-Calafat" (the ferry between two towns) in texts naming "Видин" and "Калафат"
    apart: a hyphenated name of capitalised parts is there when each part is."""
    parts = name.split("-")
    return (
        len(parts) > 1
        and all(p[:1].isupper() and len(p) > 1 for p in parts)
        and all(any(_name_in(p, t) for t in texts) for p in parts)
    )


def _document_texts(candidates: Sequence[Unit]) -> dict[str, list[str]]:
    """Per document, its title and the retrieved sentences of it among ``candidates``."""
    texts: dict[str, list[str]] = {}
    for unit in candidates:
        texts.setdefault(unit.passage.doc_id, [unit.passage.title]).append(unit.display)
    return texts


def _document_shares(
    anchors: Sequence[tuple[str, Any]], candidates: Sequence[Unit]
) -> dict[str, float]:
    """Per document, the share of anchors its retrieved sentences and title hold."""
    texts = _document_texts(candidates)
    return {doc: _anchor_share(anchors, found) for doc, found in texts.items()}


def every_country(q: Question, candidates: Sequence[Unit]) -> dict[str, bool]:
    """Per document: do its retrieved sentences and title name each country the question
    names ("how many bottles did Dealul Verde sell to Germany" over a report on its sales
    abroad: no)? Countries only: each has its names in every language (rag.exonyms), so
    their absence is certain where another name may be written in a way transliteration
    misses."""
    texts = _document_texts(candidates)
    countries = [entity for entity in names(q) if is_country(entity)]
    return {
        doc: all(any(country_in_text(c, t) for t in found) for c in countries)
        for doc, found in texts.items()
    }


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
