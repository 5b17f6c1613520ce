"""What a count counts, compared across languages.

A count is bound to the noun it counts: "11 печатных машин" counts printing machines. In the
question's own language the counted noun is matched word by word (rag.evidence); across
languages no word is shared, so "how many doctors" would be answered by the only count of a
Russian sentence, whatever it counts. Here the question's counted noun ("doctors", "Konkurs
missile systems", the noun of "сколько человек") is compared with the noun phrase the
foreign sentence binds to each figure (rag.verify.binding frames, "печатных машин"):

- by name, through transliteration: a name of the question in the counted phrase
  ("Konkurs" in "комплексов 9П135М «Конкурс»") makes it the thing asked about;
- by a bilingual dictionary (rag.lexicon), when it knows the question's noun as a noun: a
  translation of it in the counted phrase is a match, none is not ("helicopters" is not
  "340 пожарных");
- by meaning, for a noun the dictionary does not know: both phrases lemmatised by their
  profiles (simplemma: "машин" -> "машина") and embedded with the multilingual model;
  the question's noun (its first word, or first two) must be at least
  ``crosslang_counted_similarity`` close to the foreign phrase (a setting, on
  multilingual-e5-small's scale).

A figure counting another thing does not answer; a figure whose noun is elided ("а ещё 80 –
Саудовской Аравии") or a question with no counted noun ("сколько стоило") is not judged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from index.languages import COUNTED_KINDS, get_profile
from index.translit import name_in_text
from rag.lexicon import lemmas, lexicon, phrase_match
from rag.measure import bound_class, keyed_forms, measure_class, word_forms
from rag.verify.lexicon import get_lexicon

if TYPE_CHECKING:
    from rag.question import Question

__all__ = [
    "attribute_absent",
    "counted_phrases",
    "counts_asked",
    "keep_counted",
    "thing_similarity",
]

# The question's counted noun is read from the first words after its question phrase
# (names before it among them: "Konkurs missile systems"), and compared as its first word
# and its first two: a verb or a qualifier may follow it ("лікарів працювало", "people
# work"), and which word ends the noun phrase is not known without a word-class dictionary.
# The foreign sentence's counted phrase is compared whole: its binding ends it.
_LEAD = 3
_RUN = 2
_EDGE = "?!.,;:«»\"'()“”„"


def _words(text: str) -> list[str]:
    return [w.strip(_EDGE) for w in text.split() if w.strip(_EDGE)]


def _phrase_noun(q: Question) -> str:
    """The noun inside the question phrase itself, beyond a shorter phrase of its kind
    ("сколько *человек*", "колко *души*"); "" when the phrase holds none ("how many")."""
    profile = get_profile(q.language)
    phrases = profile.question_words.get(q.kind or "", [])
    lowered = " ".join(q.text.lower().split())
    found = [
        (m.start(), -len(p), p)
        for p in phrases
        for m in re.finditer(rf"(?<!\w){re.escape(p)}(?!\w)", lowered)
    ]
    if not found:
        return ""
    _, _, phrase = min(found)
    shorter = [p for p in phrases if phrase.startswith(p + " ")]
    if not shorter:
        return ""
    return phrase[len(max(shorter, key=len)) :].strip()


def _name_words(q: Question) -> set[str]:
    return {w.lower() for entity in q.entities for w in _words(entity)}


def counted_phrases(q: Question) -> tuple[list[str], list[str]]:
    """(the question's counted noun as its leading runs of words, the names among them):
    "How many Konkurs missile systems ...?" -> (["missile", "missile systems"], ["Konkurs"]).
    Empty when the question counts no thing: not a count, a measure ("how many months",
    "how long"), a percentage, or nothing follows its question phrase."""
    if q.kind != "number" or q.measure or q.wants_percent:
        return [], []
    names = _name_words(q)
    words = _lead_words(q)
    common = [w for w in words if w not in names]
    # a name before the counted noun qualifies it ("Konkurs systems"); one after it is
    # another constraint ("ships left Ust-Luga"), checked by rag.crosslang's anchors
    first = next((i for i, w in enumerate(words) if w not in names), len(words))
    named = words[:first]
    if any(measure_class(w, q.language) for w in common[:_RUN]):
        return [], []  # a measure: its class of unit decides (rag.crosslang)
    runs = [" ".join(common[:n]) for n in range(1, min(_RUN, len(common)) + 1)]
    return runs, named


def counted_similarity(q: Question, thing: str, language: str, embedder: Any) -> float | None:
    """How close the thing a foreign figure counts (``thing``, in ``language``) is to the
    question's counted noun: the best similarity of their lemmatised leading runs; 1.0 when a
    name of the counted noun is in it; None when either side has no counted noun."""
    runs, named = counted_phrases(q)
    thing = " ".join(_words(thing))
    if not (runs or named) or not thing:
        return None
    if any(name_in_text(name, thing) for name in named):
        return 1.0
    if not runs:
        return None
    # a dictionary that knows the counted noun decides: a translation of it in the foreign
    # phrase is the thing asked about, none is another thing ("helicopters" / "пожарных")
    # (one word, the first it knows as a noun: the second is as often a verb, "пилотов
    # *работает*"). A noun of the question phrase itself ("колко *души*") is read through
    # the profile's dictionary aliases: it counts people, not "souls".
    noun, decisive = _noun(q, runs, language)
    if any(_same_kind(w, q.language, thing, language) for w in dict.fromkeys([runs[0], *noun])):
        return 1.0
    known = phrase_match(noun, q.language, thing, language)
    if known or (known is False and decisive):
        return 1.0 if known else 0.0
    import numpy as np

    ours = np.stack([embedder.embed_query(lemmas(r, q.language)) for r in runs])
    return float((ours @ embedder.embed_query(lemmas(thing, language))).max())


def _lead_words(q: Question) -> list[str]:
    """The first words of what a count question counts, names included."""
    return _words(_phrase_noun(q) or q.target_text)[:_LEAD]


def _noun(q: Question, runs: Sequence[str], other: str) -> tuple[list[str], bool]:
    """The word of the question's counted noun a dictionary judges, and whether its verdict
    rules a figure out: the first word, decisively; or, past the words that only modify a
    noun, the noun after them, whose match counts but whose absence does not (the noun is
    then a guess of word order, and the dictionaries' senses are narrower than texts':
    "panels" / "модулей"). A modifier is a word the dictionary knows as an adjective first
    ("*permanent* staff", "*solar* panels"), or one the language's word-class dictionary
    knows as no noun at all: a participle or an adverb ("*laying* hens", "*internally
    displaced* people")."""
    first = list(runs[:1])
    lex = lexicon(q.language, other)
    if lex is None or not runs or len(runs[-1].split()) < 2:
        return first, True
    names = _name_words(q)
    words = [w for w in _lead_words(q) if w not in names]
    classes = get_lexicon(q.language)
    at = 0
    while at < len(words) - 1 and (lex.is_modifier(words[at]) or classes.no_noun(words[at])):
        at += 1
    if at and lex.translations(words[at]):
        return [words[at]], False
    return first, True


def _same_kind(noun: str, language: str, thing: str, thing_language: str) -> bool:
    """Does ``thing`` count a kind of people the question's ``noun`` accepts ("души" /
    "workers", "сотрудников" / "employees")? A word of the profiles' counted kinds, which
    link what the dictionaries leave apart."""
    ours = keyed_forms(language, "counted_kinds")
    asked = next((k for f in word_forms(noun, language) if (k := ours.get(f))), None)
    if asked is None:
        return False
    theirs = keyed_forms(thing_language, "counted_kinds")
    return any(
        theirs.get(f) in COUNTED_KINDS[asked]
        for w in _words(thing)
        for f in word_forms(w, thing_language)
    )


def thing_similarity(
    q: Question, text: str, start: int, language: str, embedder: Any
) -> float | None:
    """:func:`counted_similarity` of the thing the figure starting at ``start`` of ``text``
    counts; None when it counts no named thing (an elided noun) or the question none."""
    things = _count_things(text, language)
    thing = things.get(start, "")
    if not thing:
        return None
    similarity = counted_similarity(q, thing, language, embedder)
    end = _count_frames(text, language)[start][1]
    if similarity is not None and similarity < 1.0:
        runs, _named = counted_phrases(q)
        if _said_after(q, runs, text, end, things, language, thing):
            return 1.0
    return similarity


@functools.lru_cache(maxsize=1024)
def _count_frames(text: str, language: str) -> Mapping[int, tuple[str, int]]:
    """Per count of ``text`` (by its start), the noun phrase its binding gives it and where
    the figure ends: read once for a sentence, which :func:`keep_counted` filters and
    rag.crosslang then ranks."""
    from rag.verify.binding import frames

    return MappingProxyType(
        {
            f.value.start: (f.thing_text, f.value.end)
            for f in frames(text, language)
            if f.kind == "count"
        }
    )


def _count_things(text: str, language: str) -> dict[int, str]:
    """Per count of ``text`` (by its start), the noun phrase its binding gives it."""
    return {start: thing for start, (thing, _) in _count_frames(text, language).items()}


def counts_asked(q: Question, thing: str, language: str, embedder: Any, threshold: float) -> bool:
    """Does a foreign figure counting ``thing`` count what ``q`` asks about? True when
    nothing can be compared (an elided noun, a question counting no named thing)."""
    similarity = counted_similarity(q, thing, language, embedder)
    return similarity is None or similarity >= threshold


def attribute_absent(q: Question, text: str, language: str) -> bool:
    """Does a foreign sentence fail to speak of the attribute a value question asks for?
    "Какое население у Беларуси?" counts no noun after its question phrase, but asks for one
    attribute ("население"): a sentence whose figures count missile systems does not answer
    it, and binding each figure to its noun cannot tell (the population is written "9.2
    million people" as often as "a population of 9.2 million"). So the attribute itself must
    be in the sentence: one of the question's content words (its names aside), judged by the
    bilingual dictionary only. True when the dictionary knows one of them and the sentence
    holds a translation of none; False when it holds one, the dictionary knows none of them,
    or the question is not such a count."""
    if q.kind != "number" or q.measure or q.wants_percent or _phrase_noun(q) or q.target_text:
        return False  # not a count, or one whose noun follows its question phrase
    from rag.crosslang_match import content_words

    return phrase_match(content_words(q), q.language, text, language) is False


def keep_counted(
    q: Question,
    text: str,
    spans: Sequence[tuple[str, int, int]],
    language: str,
    embedder: Any,
    threshold: float,
    context: str = "",
) -> list[tuple[str, int, int]]:
    """Of a count question's candidate values in a sentence in another language, those that
    do not count another thing than the question asks about (a measure counts none).
    ``context``: the sentence before, where an elided figure's noun may stand ("136
    комплексов ... А ещё 80 ...")."""
    runs, named = counted_phrases(q)
    if not spans:
        return []
    around = f"{context} {text}"
    if not (runs or named):
        return [] if attribute_absent(q, around, language) else list(spans)
    things = _count_things(text, language)
    out = []
    elided_counts: bool | None = None  # the same for every figure of the sentence: once
    for span in spans:
        thing = things.get(span[1], "")
        if bound_class(text, span[2], language) is not None:
            # a figure with a unit of measure ("150 МВт", "18 месеца") counts no thing: it
            # never answers how many of a thing (a question asking for a measure has no
            # counted noun and does not come here)
            continue
        if thing:
            if counts_asked(q, thing, language, embedder, threshold) or _said_after(
                q, runs, text, span[2], things, language, thing
            ):
                out.append(span)
        else:
            # a figure with no noun of its own ("reached 102,400") counts what its sentence
            # or the one before speaks of: not the trams asked about when neither names one
            if elided_counts is None:
                elided_counts = _mentioned(q, runs, named, around, language) is not False
            if elided_counts:
                out.append(span)
    return out


# A figure whose own words name the question's noun though its binding gave it another
# thing: "Of the 164 people we have hired, 112 are women" binds 112 to the people before it
# (an elided noun), and the women it counts stand after it, past a copula or a dash ("з
# них 73 — переміщені особи"). Only a dictionary translation among its next few words
# keeps such a figure (the embedding is not precise enough for a second chance). Not one
# whose own noun follows it: in "3 училищни автобуса ще возят децата" the 3 counts buses,
# the children after them are what the buses carry.
_AFTER = 5


def _said_after(
    q: Question,
    runs: Sequence[str],
    text: str,
    end: int,
    things: Mapping[int, str],
    language: str,
    thing: str = "",
) -> bool:
    if not runs:
        return False
    own = _words(thing)[:1]
    if own and own[0].lower() in (w.lower() for w in _words(text[end:])[:2]):
        return False
    stop = min((s for s in things if s >= end), default=len(text))
    after = " ".join(_words(text[end:stop])[:_AFTER])
    noun, _decisive = _noun(q, runs, language)
    return bool(after) and phrase_match(noun, q.language, after, language) is True


def _mentioned(
    q: Question, runs: Sequence[str], named: Sequence[str], text: str, language: str
) -> bool | None:
    """Does ``text`` speak of the question's counted noun: one of its names, or a dictionary
    translation of it? None when the dictionary cannot tell (it does not know the noun)."""
    if any(name_in_text(name, text) for name in named):
        return True
    if not runs:
        return None if not named else False
    noun, decisive = _noun(q, runs, language)
    found = phrase_match(noun, q.language, text, language)
    return None if found is False and not decisive else found
