"""Questions that pick out one thing by its kind ("Which architect ...?", "Какой архитектор
...?", "Кой архитект ...?") or ask for several ("Which of her children ...?"): the part of
question analysis (rag/question.py) that reads the identifying word and the noun after it;
and questions asking what something cost ("What did the workshop cost?", "Во сколько Елгаве
обошлась атака?"). Which words identify, and whether they agree with their noun in number, is
profile data (``identify_words``, ``identify_words_singular``, ``plural_phrases``), and so
are the verbs of cost (``cost_words``)."""

from __future__ import annotations

import itertools
import re

from index.languages import LanguageProfile
from rag.normalize import extract_quantities

__all__ = [
    "asks_cost",
    "asks_several",
    "costs_whom",
    "phrase_of",
    "phrase_positions",
    "picks_one",
]


def phrase_positions(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """(start, -length) of every whole-word occurrence of each phrase in lower-case ``text``."""
    found = []
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            found.append((match.start(), -len(phrase)))
    return found


def asks_several(lowered: str, profile: LanguageProfile) -> bool:
    """ "Who are the starting pitchers ...?", "Which of Jada's children ...?" (a phrase of
    the profile), "Which two forwards ...?" (a number above one after an identifying word):
    the question asks for several names."""
    if phrase_positions(lowered, profile.plural_phrases):
        return True
    split = [w.strip("?,.;:!") for w in lowered.split()]
    for word, after in itertools.pairwise(split):
        if word in profile.identify_words:
            counted = extract_quantities(after)
            return any(x.unit is None and x.value > 1 for x in counted)
    return False


def phrase_of(lowered: str, candidate: tuple[int, int, str]) -> str:
    position, negative_length, _ = candidate
    return lowered[position : position - negative_length]


def picks_one(lowered: str, profile: LanguageProfile, named: set[str]) -> str | None:
    """A question opening with an identifying word ("which", "at which", "какой") and a
    singular noun phrase asks for one thing of the noun's kind ("Which architect designed
    ...?": a name bound to that role); "Which receivers ...?" asks for a list. The phrase
    runs up to a stop word, punctuation or its verb ("designed"), three words at most.
    Singular: the identifying word says so where it agrees with its noun (profile
    ``identify_words_singular``), else every word of the phrase but the question's names
    is its own lemma (without a lemmatiser number cannot be told: the rule does not apply).
    Returns the phrase's head noun ("Which billionaire *investor* ..."), None when the
    rule fails."""
    if not profile.lemmatizer and not profile.identify_words_singular:
        return None
    from rag.verify.lexicon import get_lexicon

    lex = get_lexicon(profile.code)
    split = lowered.split()
    # a preposition may stand before it ("At which stadium ...", "In which film ...")
    opening = next((i for i, w in enumerate(split[:2]) if w in profile.identify_words), None)
    if opening is None or (opening and split[0] not in profile.stopwords):
        return None
    words: list[str] = []
    for raw in split[opening + 1 : opening + 4]:
        word = raw.strip("?,.;:!\"'“”‘’")
        if not word or word in profile.stopwords or word in profile.auxiliaries:
            break
        if words and lex.verb_form(word) in _FINITE:
            break  # "Which architect *designed* ...": the noun phrase ends at its verb
        words.append(word)
        if word != raw:
            break  # punctuation ends the phrase
    if not words:
        return None
    if profile.identify_words_singular:
        return _head_of(words[:2], profile)  # an adjective and its noun, as head_noun_first
    if not profile.lemmatizer:
        return None
    import simplemma

    # (a name's lemma keeps its capital: "ohio" -> "Ohio")
    own = [w for w in words if w not in named] or words  # "Which RFC": a name that is a noun
    if own and all(simplemma.lemmatize(w, lang=profile.lemmatizer).lower() == w for w in own):
        return words[-1]
    return None


# verb forms that end a noun phrase: past, participle, present third person ("designed",
# "drawn", "runs"); not the base or -ing form, which also make nouns ("design firm")
_FINITE = frozenset({"VBD", "VBN", "VBZ"})


def _head_of(words: list[str], profile: LanguageProfile) -> str | None:
    """The noun of a phrase after an agreeing identifying word: the first word that is its
    own lemma ("какая строительная *компания*"; adjectives and verbs are not: "Кой
    *подписа* договора?" asks "who"), None when there is none. Without a lemmatiser, the
    first word."""
    if not profile.lemmatizer:
        return words[0]
    import simplemma

    return next(
        (w for w in words if simplemma.lemmatize(w, lang=profile.lemmatizer).lower() == w), None
    )


def asks_cost(
    lowered: str, candidates: list[tuple[int, int, str]], profile: LanguageProfile
) -> bool:
    """ "What did the new workshop cost to build?" asks for a sum: a generic question phrase,
    an auxiliary right after it and a verb of cost later (the profile's ``cost_words``); no
    list of phrases can hold every subject between "what did" and "cost"."""
    if not candidates:
        return False
    position, negative_length, _ = min(candidates)
    after = [w.strip("?.,!;:") for w in lowered[position - negative_length :].split()]
    # the verb follows its subject's noun ("the new bridge cost"); after a function word the
    # word is a noun ("said about the cost"; "what did it cost" is a question phrase)
    return (
        bool(after)
        and after[0] in profile.auxiliaries
        and any(
            w in profile.cost_words and before not in profile.stopwords
            for before, w in itertools.pairwise(after)
        )
    )


def costs_whom(
    question: str, lowered: str, candidates: list[tuple[int, int, str]], profile: LanguageProfile
) -> bool:
    """ "Во сколько Елгаве обошлась атака?" asks what something cost someone: a count's
    question phrase with no noun of its own, a name or a function word right after it (who
    paid: no counted thing) and a verb of cost later. "Сколько жизней стоила война?" counts
    the lives after its phrase."""
    position, negative_length, _ = min(candidates)
    end = position - negative_length
    # the words after the phrase, as written (the lowered text is the question's words)
    rest = question.split()[len(lowered[:end].split()) :]
    if not rest:
        return False
    words = [w.strip('?.,!;:«»"') for w in rest] + [""]
    function = {*profile.stopwords, *profile.auxiliaries}
    costs = set(profile.cost_words)
    # who paid right after the phrase: a name ("Елгаве"), a preposition and a name ("на
    # Елгава"), or an auxiliary and the verb ("е платила"); then no noun stands there to be
    # counted ("How many Jelgava *residents*", "how much *of a* second charge")
    first, second = words[0], words[1]
    if first[:1].isupper():
        whom = second[:1].isupper() or second.lower() in function | costs
    else:
        whom = first.lower() in function and (second[:1].isupper() or second.lower() in costs)
    return whom and any(w.lower() in costs for w in words)
