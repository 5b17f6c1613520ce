"""Question analysis: what kind of answer is wanted and what evidence must hold to give it.

The first stage of answering. Everything language-specific comes from the language profile:
the question words that set the answer kind, the head nouns after a generic "what/which",
the phrase pattern of the attribute asked for, stop and scaffold words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from index.languages import LanguageProfile, get_profile
from rag.answer_values import (
    apposed_figures,
    counts_other_thing,
    is_year,
    money_of_other_thing,
    new_quantities,
    ordinal_spans,
    reads_as_year,
    signed,
    value_candidates,
)
from rag.measure import keyed_forms, word_forms
from rag.normalize import extract_dates, extract_names, extract_quantities
from rag.question_identify import (
    asks_cost,
    asks_several,
    costs_whom,
    phrase_of,
    phrase_positions,
    picks_one,
)
from rag.terms import lexicon

# The values of a text that could answer live in rag.answer_values; they are re-exported
# here, where the stages have always imported them.
__all__ = [
    "NAME_KINDS",
    "VALUE_KINDS",
    "Question",
    "analyze",
    "apposed_figures",
    "counts_other_thing",
    "is_year",
    "money_of_other_thing",
    "new_quantities",
    "ordinal_spans",
    "question_language",
    "reads_as_year",
    "signed",
    "value_candidates",
]

# Kinds whose answer is a value the extractive answer can lead with.
VALUE_KINDS = frozenset({"number", "amount", "date", "person", "place", "organisation", "name"})
NAME_KINDS = frozenset({"person", "place", "organisation", "name"})


@dataclass(frozen=True)
class Question:
    """A question and the constraints its evidence must meet."""

    text: str
    language: str
    # number, amount, date, person, place, organisation, name, yesno, list, reason, manner,
    # definition, or None when no question word says
    kind: str | None
    terms: frozenset[str]  # stemmed content words
    focus: frozenset[str]  # content words that are not names: what is asked *about* them
    attribute: frozenset[str]  # "what is the unit price of ..." -> {unit, price}
    attribute_text: str  # the attribute as written ("unit price"), for messages
    entities: tuple[str, ...]  # names the question mentions
    asked_values: frozenset[Decimal]  # numbers the question already gives
    asked_dates: frozenset[tuple[int | None, int | None, int | None]]
    wants_total: bool  # "in total", "combined": arithmetic wanted
    # the thing counted or named right after the question phrase ("how many *Konkurs
    # systems* went to ..."): a value is bound to the rest (the qualifiers), since sources
    # elide the counted noun ("136 systems to the U.S. and another 80 to Saudi Arabia")
    target: frozenset[str] = frozenset()
    # the target as written ("home runs"), for comparing it with a sentence's counted noun
    target_text: str = ""
    # the head noun that set the kind ("what was the *score*", "Jaden Smith's *age*")
    kind_noun: frozenset[str] = frozenset()
    # asks for several names ("Who are the starting pitchers?", "Which of her children
    # ...?"): no one name leads the answer, the quotes give them all
    plural: bool = False
    # a measure is asked for ("how far did the stock slide", "how long is the enclave"): a
    # number with a unit or a bare one answers, a count of some other thing does not
    measure: bool = False
    # a percentage is asked for ("by what percentage"): a "%" answers, not money or a count
    wants_percent: bool = False
    # what something cost is asked ("how much does it cost"): money answers, never a "%"
    wants_money: bool = False
    # the adjective of a measure question ("how *long*"): a sentence saying it ("25 miles
    # long") is about what is asked, though the word is no topic the evidence must repeat
    measured: frozenset[str] = frozenset()
    # a position on a scale is asked for ("In which *minute* ...", "which lap"): an ordinal
    # before that unit answers ("a 57th-minute penalty"), not a count of it ("35 minutes")
    ordinal: bool = False

    @property
    def qualifiers(self) -> frozenset[str]:
        return self.terms - self.target

    @property
    def wants_value(self) -> bool:
        return self.kind in VALUE_KINDS


def _target(lowered: str, profile: LanguageProfile, kind: str | None) -> str:
    """The words right after the question phrase of ``kind``, up to the first stop word
    (through a coordinator between nouns: "how many fraud and conspiracy counts"). A phrase
    ending in an auxiliary ("how much did") is followed by its subject and verb ("Nike
    earn"), not by a counted noun: no target."""
    if kind is None:
        return ""
    positions = sorted(phrase_positions(lowered, profile.question_words.get(kind, [])))
    if not positions:
        return ""
    start, negative_length = positions[0]
    phrase = lowered[start : start - negative_length].split()
    if phrase and phrase[-1] in profile.auxiliaries:
        return ""
    words: list[str] = []
    stop = set(profile.stopwords)
    following = lowered[start - negative_length :].split()
    for i, word in enumerate(following):
        bare = word.strip("?,.")
        if bare in stop:
            after = following[i + 1].strip("?,.") if i + 1 < len(following) else ""
            if words and bare in profile.coordinators and after and after not in stop:
                words.append(word)
                continue
            break
        words.append(word)
        if bare != word:
            break  # punctuation ends the phrase
    return " ".join(words)


def _degree_phrases(lowered: str, profile: LanguageProfile) -> list[tuple[int, int]]:
    """(start, -length) of each degree word followed by an adjective ("how deep", "how
    long"): a content word that is neither a stop word nor a verb ("how come")."""
    if not profile.degree_words:
        return []
    from rag.verify.lexicon import get_lexicon

    lex = get_lexicon(profile.code)
    stop = set(profile.stopwords) | set(profile.auxiliaries)
    found = []
    words = r"|".join(re.escape(w) for w in profile.degree_words)
    for match in re.finditer(rf"(?<!\w)(?:{words})\s+([^\W\d_]+)", lowered):
        adjective = match.group(1)
        if adjective not in stop and not lex.only_verb(adjective):
            found.append((match.start(), -(match.end() - match.start())))
    return found


def answer_kind(question: str, profile: LanguageProfile) -> str | None:
    """The kind whose phrase comes first ("Where was he when he said ..." asks for a place);
    at one position the longest phrase wins ("how many" over "how"). Yes/no phrases count
    only as the first word. A generic "what/which ... the X" takes its kind from X."""
    return _kind_and_noun(question, profile)[0]


def _kind_and_noun(question: str, profile: LanguageProfile) -> tuple[str | None, str]:
    """The answer kind, and the head noun it came from ("" when a question phrase set it)."""
    lowered = " ".join(question.lower().split())
    first_word = lowered.split(" ", 1)[0] if lowered else ""
    candidates: list[tuple[int, int, str]] = []
    for name, phrases in profile.question_words.items():
        if name == "yesno":
            if first_word in phrases:
                candidates.append((0, -len(first_word), name))
            continue
        candidates.extend((pos, neg, name) for pos, neg in phrase_positions(lowered, phrases))
    # "how deep", "how tall": a measure, whichever adjective ("when" later in "How deep in
    # the red was Alameda when ..." does not make it a date question)
    candidates.extend((pos, neg, "number") for pos, neg in _degree_phrases(lowered, profile))
    kind: str | None = min(candidates)[2] if candidates else None
    if kind == "definition":
        kind = _identifying(lowered, candidates, profile)
    # a bare identifying word that is also a question phrase ("коя" is "who" and "which")
    # says no more than "which": the noun after it says the kind ("Коя корабостроителница")
    generic = kind in (None, "definition") or (
        candidates and phrase_of(lowered, min(candidates)) in profile.identify_words
    )
    # a word of a name the question gives is no head noun ("Which *Ohio State* kicker")
    named = {w for n in extract_names(question) for w in n.lower().split()}
    if generic or kind == "list":
        noun_kind, noun = _head_noun_kind(lowered, profile, named)
        # a question giving the sum it names asks something else of it ("What did the £6bn
        # investment buy him?")
        gives_sum = noun_kind == "amount" and any(
            x.unit not in (None, "%") for x in extract_quantities(question)
        )
        if noun_kind is not None and not gives_sum:
            return noun_kind, noun
    if generic and asks_several(lowered, profile):
        return "name", ""  # "Which of her children ...?", "Which two forwards ...?"
    if generic and asks_cost(lowered, candidates, profile):
        return "amount", ""
    if kind == "number" and costs_whom(question, lowered, candidates, profile):
        return "amount", ""
    one = picks_one(lowered, profile, named)
    if generic and one is not None:
        if one in profile.measure_words:
            return "number", one  # "In which minute ...?": a position on a scale of units
        return "name", one  # "Which pop star, ...?" picks out one named thing
    return kind, ""


def _identifying(
    lowered: str, candidates: list[tuple[int, int, str]], profile: LanguageProfile
) -> str:
    """ "Who is Sam Altman?" asks for a definition; "Who is the individual that ...?" asks
    to identify someone: a description (a function word after the phrase) makes it the kind
    of the shorter phrase at the same place ("who": a person)."""
    position, negative_length, _ = min(candidates)
    after = lowered[position - negative_length :].split()
    if not after or after[0] not in profile.stopwords:
        return "definition"
    shorter = [c for c in candidates if c[0] == position and c[2] != "definition"]
    return min(shorter)[2] if shorter else "definition"


def _opening_phrase(lowered: str, profile: LanguageProfile) -> list[str]:
    """The first run of content words ("what was the *final score* when ...", "what is
    *jaden smith's age*?"): the noun phrase a generic question word asks about."""
    stop = set(profile.stopwords)
    words: list[str] = []
    for raw in lowered.split():
        word = raw.strip("?,.!;:")
        if word in stop:
            if words:
                break
            continue
        words.append(word)
        if raw != word.rstrip():  # punctuation closes the phrase
            break
    return words


def _head_noun_kind(
    lowered: str, profile: LanguageProfile, named: frozenset[str] | set[str] = frozenset()
) -> tuple[str | None, str]:
    """Kind from the attribute's nouns: "what was the total value of" -> amount."""
    attribute = _attribute(lowered, profile)
    words = attribute.split() if attribute else _opening_phrase(lowered, profile)
    # The head noun is last in English noun phrases; where it comes first, the words after
    # it are the verb and its object ("какие компании получили *штраф*"), not the thing asked.
    ordered = words[:2] if profile.head_noun_first and not attribute else reversed(words)
    for word in ordered:
        if word.strip("?,.") in named:
            continue
        for kind, nouns in profile.kind_nouns.items():
            if word.strip("?,.") in nouns:
                return kind, word.strip("?,.")
        if not profile.kind_noun_forms:
            continue
        # another case of a listed noun ("по какой *цене*": "цена" is listed)
        keyed = keyed_forms(profile.code, "kind_nouns")
        found = next(
            (k for f in word_forms(word.strip("?,."), profile.code) if (k := keyed.get(f))), None
        )
        if found is not None:
            return found, word.strip("?,.")
    return None, ""


@functools.lru_cache(maxsize=16)
def _attribute_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _attribute(question: str, profile: LanguageProfile) -> str:
    if not profile.attribute_pattern:
        return ""
    match = _attribute_re(profile.attribute_pattern).search(question)
    return match.group("attr").strip() if match else ""


def question_language(text: str, default: str = "en", candidates: str | None = None) -> str:
    """The language a question is written in, among those with a profile (the detector
    chooses from ``candidates``, by default the ``languages`` setting: a caller holding its
    settings passes them, which spares building the settings object for every question);
    ``default`` when it cannot be told or has no profile. Its profile reads the question:
    question words, stop words, number words."""
    from index.language import detect_language
    from index.languages import available_languages

    code = detect_language(text, candidates)
    return code if code in available_languages() else default


def analyze(text: str, language: str = "en") -> Question:
    """The :class:`Question` of ``text`` in ``language``."""
    profile = get_profile(language)
    lex = lexicon(profile.code)
    text = " ".join(text.split())
    terms = lex.terms(text)
    entities = tuple(extract_names(text))
    name_terms = lex.terms(" ".join(entities))
    focus = terms - name_terms - lex.scaffold
    attribute_text = _attribute(text, profile)
    kind, noun = _kind_and_noun(text, profile)
    kind_noun = lex.terms(noun) if noun else frozenset()
    attribute = lex.terms(attribute_text) - lex.scaffold if attribute_text else frozenset()
    if attribute <= kind_noun:
        # "what was the score of": the head noun alone names the value wanted, and sources
        # often state it by form alone ("won 23-20"): it stays a focus word, which a close
        # paraphrase may meet. A compound ("the unit price") stays an attribute, strictly.
        attribute = frozenset()
    # The question phrase says what kind of answer is wanted ("how old", "what percentage"),
    # not what the question is about: its words are not a topic the evidence must repeat.
    lowered_text = " ".join(text.lower().split())
    for phrase in profile.question_words.get(kind or "", []):
        if phrase_positions(lowered_text, [phrase]):
            focus -= lex.terms(phrase)
    degree = _degree_phrases(lowered_text, profile)
    measured: frozenset[str] = frozenset()
    if kind == "number" and degree:
        # "About how long is the enclave?": the adjective is what is measured, and a source
        # stating it says it ("roughly 25 miles long"): a word that also meets the topic,
        # never a topic of its own ("How old is Willow Smith?": "Willow, 22")
        start, negative_length = min(degree)
        measured = lex.terms(lowered_text[start : start - negative_length].split()[-1])
    target_text = _target(lowered_text, profile, kind)
    target = lex.terms(target_text)
    lowered = f" {text.lower()} "
    wants_total = any(f" {w} " in lowered or f" {w}?" in lowered for w in profile.total_words)
    measure = (
        kind == "number"
        and bool(degree)
        and min(degree)[0]
        == min(
            (p for p, _ in phrase_positions(lowered_text, profile.question_words.get(kind, []))),
            default=min(degree)[0],
        )
    )
    # the phrase or head noun that set the kind asks for a percentage ("by what percentage",
    # "what is the percent of"), not a word elsewhere ("how small was the percentage gap")
    kind_phrases = sorted(
        phrase_positions(lowered_text, profile.question_words.get(kind or "", []))
    )
    asking = noun
    if kind_phrases:
        start, negative_length = kind_phrases[0]
        asking += " " + lowered_text[start : start - negative_length]
    wants_percent = kind in ("number", "amount") and bool(
        phrase_positions(asking, profile.percent_questions)
    )
    return Question(
        text=text,
        language=profile.code,
        kind=kind,
        terms=terms,
        focus=frozenset(focus),
        attribute=frozenset(attribute),
        attribute_text=attribute_text,
        entities=entities,
        asked_values=frozenset(signed(x, text) for x in extract_quantities(text)),
        asked_dates=frozenset((d.year, d.month, d.day) for d in extract_dates(text)),
        wants_total=wants_total,
        target=frozenset(target),
        target_text=target_text,
        kind_noun=frozenset(kind_noun),
        plural=kind in NAME_KINDS and asks_several(lowered_text, profile),
        measure=measure,
        wants_percent=wants_percent,
        wants_money=kind == "amount"
        and not wants_percent
        and bool(phrase_positions(lowered_text, profile.cost_words)),
        measured=measured,
        ordinal=kind == "number" and noun in profile.measure_words,
    )
