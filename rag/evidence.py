"""Evidence: the clean sentence units of the retrieved passages (rag.units) scored against
the question, and the answerability decision (does any unit meet every constraint of the
question?).
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.languages import get_profile
from rag.conditions import conditional_spans, in_condition
from rag.normalize import (
    extract_dates,
    extract_names,
    fold,
    has_joined_figure,
    joined_figures,
    name_in_texts,
    phrase_in_texts,
)
from rag.question import (
    NAME_KINDS,
    VALUE_KINDS,
    Question,
    apposed_figures,
    counts_other_thing,
    money_of_other_thing,
    new_quantities,
    ordinal_spans,
)
from rag.records import Passage
from rag.terms import lexicon
from rag.units import EMAIL_FORMATS, Unit, asks_about_notices, units, units_around
from rag.verify.names import check_name
from rag.vote import NameVote, name_vote

if TYPE_CHECKING:
    import numpy as np

    from index.settings import Settings

log = logging.getLogger(__name__)

# Unit, units, units_around and asks_about_notices live in rag.units; they are re-exported
# here, where the stages have always imported them.
__all__ = [
    "EMAIL_FORMATS",
    "Assessment",
    "Evidence",
    "Unit",
    "asks_about_notices",
    "assess",
    "embed_units",
    "score_units",
    "units",
    "units_around",
]

# a number right after a name makes an identifier of it: "RFC 4880", "Standard 1003.1"
_NUMBERED = re.compile(r"[ \u00a0](\d+(?:\.\d+)*)\b(?![.,]?\d)")
_ADDRESS = re.compile(r"https?://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


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


def embed_units(embedder: Any, question: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of each text to the question. The one place evidence embeds: a
    sentence-vector cache plugs in here."""
    import numpy as np

    question_vector = embedder.embed_query(question)
    vectors = embedder.embed_documents(list(texts))
    return np.asarray(vectors @ question_vector)


class WordSimilarity:
    """Cosine similarity of two short phrases by the embedder, each embedded once."""

    def __init__(self, embedder: Any, amount_least: float = 1.0) -> None:
        self._embedder = embedder
        self._vectors: dict[str, Any] = {}
        # least similarity of the thing a sum is bound to to the thing a question counts
        # (settings.evidence_amount_thing_similarity)
        self.amount_least = amount_least

    def __call__(self, a: str, b: str) -> float:
        missing = [w for w in dict.fromkeys((a, b)) if w not in self._vectors]
        if missing:
            for word, vector in zip(missing, self._embedder.embed_documents(missing), strict=True):
                self._vectors[word] = vector
        return float(self._vectors[a] @ self._vectors[b])


def _counts_other(
    q: Question, text: str, end: int, words: WordSimilarity | None, least: float
) -> bool:
    """Is the bare number ending at ``end`` a count of something other than what the question
    counts? "How many people were killed" is not answered by "in 50 years": the word right
    after a number is what it counts, when it is a content word. A counted noun worded
    otherwise ("residents" for "people") is the same thing when the embedder says so."""
    if not q.target:
        return False
    lex = lexicon(q.language)
    following = text[end:].split(maxsplit=1)
    if not following:
        return False
    word = following[0].strip(".,;:!?)»”\"'")
    if not word.isalpha() or word.lower() in lex.stopwords:
        return False
    profile = get_profile(q.language)
    if word.lower() in {*profile.date_prepositions, *profile.clause_breaks}:
        return False  # "to 500 after reading ...": a preposition is nothing counted
    counted = lex.terms(word)
    if not counted or counted & q.target:
        return False
    head = " ".join(q.target_text.split()[:2])
    return words is None or not head or words(word.lower(), head) < least


def _has_value(
    q: Question,
    text: str,
    close: bool = False,
    words: WordSimilarity | None = None,
    least: float = 1.0,
) -> bool:
    """Does the sentence hold something of the wanted kind the question does not already
    say? "How many ... in 2015?" is not answered by a sentence whose only number is 2015.
    ``close``: the sentence is as close to the question as a paraphrase, whose counted noun
    may be worded otherwise ("seven victories" for "how many games ... win")."""
    if q.ordinal:
        return bool(ordinal_spans(q, text))  # "in which minute": "a 57th-minute penalty"
    if q.kind == "number" and _asks_frequency(q):
        return _states_frequency(text, q.language)
    if q.kind in ("number", "amount"):
        # a measure question is not answered by a count of another thing ("four games" for
        # "for how long"), a percentage question only by a percentage
        # a value in a conditional clause ("If the value is 0, ...") is no statement of it
        conditions = conditional_spans(text, q.language)
        found = [
            x
            for x in new_quantities(q, text)
            if not counts_other_thing(q, text, x) and not in_condition(conditions, x.start)
        ]
        if q.wants_percent:
            return any(x.unit == "%" for x in found)
        if q.kind == "amount":
            return any(x.unit is not None for x in found)
        if words is not None:
            # a sum bound to another thing than the one counted ("$394 million in operating
            # income" for "how much revenue")
            found = [
                x for x in found if not money_of_other_thing(q, text, x, words, words.amount_least)
            ]
        return any(
            close or x.unit is not None or not _counts_other(q, text, x.end, words, least)
            for x in found
        )
    if q.kind == "date":
        return any((d.year, d.month, d.day) not in q.asked_dates for d in extract_dates(text))
    if q.kind in NAME_KINDS:
        folded = fold(q.text)
        if any(
            fold(name) not in folded and not calendar_word(name, q.language)
            for name in extract_names(text)
        ) or new_identifiers(q, text):
            return True
        if q.kind == "name" and not q.plural:
            # "which issue", "which edition": the one thing picked out may be named by its
            # date ("the November 24 issue"); the quote answers (no name leads)
            dates = extract_dates(text)
            if any((d.year, d.month, d.day) not in q.asked_dates for d in dates):
                return True
        # "where is the database", "whom to contact", "which address": a URL or an email
        # address answers as a name does
        return any(a.group().rstrip(".,;:)") not in q.text for a in _ADDRESS.finditer(text))
    return True


def _asks_frequency(q: Question) -> bool:
    """Does the question ask how often ("How often are updates processed?")?"""
    lowered = " ".join(q.text.lower().split())
    return any(
        re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)
        for phrase in get_profile(q.language).frequency_questions
    )


def _states_frequency(text: str, language: str) -> bool:
    """Does ``text`` state a frequency ("at least once a month", "updated weekly")?"""
    lowered = " ".join(text.lower().split())
    return any(
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered)
        for word in get_profile(language).frequency_words
    )


def calendar_word(name: str, language: str) -> bool:
    """A weekday or month ("Sun" of "Date: Sun, 12 May 2002", "May"): capitalised, no name."""
    profile = get_profile(language)
    word = name.lower().rstrip(".")
    return word in profile.months or (
        len(word) >= 3 and any(day.startswith(word) for day in profile.weekdays)
    )


def _figure_meets_noun(q: Question, text: str) -> bool:
    """A question asking for a score ("what was the score when ...") is met by the figure
    that is one ("a 4-1 victory"), whatever word the sentence uses for it; a question
    giving a record or score ("when did the Lions last stand at 9-3") by a sentence stating
    that same figure ("Lions reach 9-3 for first time since 1962")."""
    if q.kind in VALUE_KINDS and joined_figures(q.text) & joined_figures(text):
        return True
    lex, profile = lexicon(q.language), get_profile(q.language)
    nouns = lex.terms(" ".join(profile.joined_figure_nouns))
    if q.kind == "number" and bool(q.kind_noun & nouns) and has_joined_figure(text):
        return True
    return bool(apposed_figures(q, text))


def names_entity(entity: str, texts: Sequence[str], language: str) -> bool:
    """The texts name ``entity`` whole, or by a short form a writer uses for it ("Soto" for
    "Juan Soto", "City" for "Manchester City"), never by parts of two names. A one-word name
    is also named by an address in its domain ("UCLA" by postmaster@ucla.edu: the header
    lines of a message its mail system sent)."""
    return (
        name_in_texts(entity, texts)
        or check_name(entity, texts, language).found
        or _in_domain(entity, texts)
    )


_DOMAIN = re.compile(r"(?:@|https?://|\bwww\.)([\w-]+(?:\.[\w-]+)+)")


def _in_domain(entity: str, texts: Sequence[str]) -> bool:
    """Is the one-word ``entity`` a label of an address's domain in ``texts`` ("ucla" of
    "postmaster@ucla.edu", "debian" of "https://keyring.debian.org/")?"""
    word = entity.strip().lower()
    if not word.isalnum():
        return False
    return any(
        word in re.split(r"[.-]", found.group(1).lower())
        for text in texts
        for found in _DOMAIN.finditer(text)
    )


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
            settings.evidence_similarity_weight * float(similarity)
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
    if not best.has_entities:
        absent = [e for e in q.entities if not names_entity(e, [best.unit.display], q.language)]
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


def candidate_names(
    q: Question, text: str, asked: Callable[[str], bool] | None = None
) -> list[tuple[str, int]]:
    """Names in ``text`` the question does not already give, with their offsets. A single
    capitalised word opening the sentence ("Unfortunately") is not taken for a name.
    ``asked`` tells a name the question gives (default: the same words, same script)."""
    if asked is None:

        def asked(name: str) -> bool:
            # whole words (with derived endings: "Harbaugh's"), never a substring: the "Com."
            # of "Lt. Com. Matthew Allen" is no word of a question about a "Command"
            # A name's lower-case words ("is", "a" of the title "Pressure is a Privilege")
            # are function words the question may hold too; they do not make it given.
            return phrase_in_texts(name, [q.text]) or any(
                phrase_in_texts(p, [q.text]) or _clipped(p, q.text)
                for p in name.split()
                if not p.islower()
            )

    out = []
    position = 0
    addresses = [m.span() for m in _ADDRESS.finditer(text)]
    for found in extract_names(text):
        at = text.find(found, position)
        if at < 0:
            at = text.find(found)
        if at < 0:
            continue
        position = at + len(found)
        if any(a <= at < b for a, b in addresses) or calendar_word(found, q.language):
            continue  # "jangel1" of "jangel1@cougar.noc.ucla.edu" is no name of its own
        numbered = _NUMBERED.match(text, at + len(found))
        if numbered and any(d.start <= numbered.start(1) < d.end for d in extract_dates(text)):
            numbered = None  # "суд Твери 5 июня 2024": the number opens a date, not a name's
        if numbered and numbered.group(1) not in q.text:
            # "RFC 4880", "IEEE Standard 1003.1": a name with a number the question does not
            # give is a new identifier, even when the question gives the name ("Which RFC")
            out.append((text[at : numbered.end()], at))
            continue
        whole = [(found, at)]
        for name, start in _joined_parts(found, at, q.language) if asked(found) else whole:
            if asked(name) or calendar_word(name, q.language):
                continue
            if " " not in name and not text[:start].strip():
                continue
            out.append((name, start))
    return out


def new_identifiers(q: Question, text: str) -> bool:
    """Does ``text`` hold a name with a number the question does not give ("RFC 4880")?"""
    return any(_NUMBERED.match(name, len(name.split()[0])) for name, _ in candidate_names(q, text))


def _clipped(part: str, question: str) -> bool:
    """ "[VAC]" for a question about a "vacation": a word in capitals that a question word
    begins with is that word clipped (three letters at least; "Com." is not clipped
    "Command": a clipped word is written in capitals)."""
    letters = part.strip("[]().,;:")
    if len(letters) < 3 or not letters.isalpha() or not letters.isupper():
        return False
    low = letters.lower()
    return any(w.lower().startswith(low) for w in re.findall(r"\w+", question))


def _joined_parts(name: str, at: int, language: str) -> list[tuple[str, int]]:
    """The parts of a name joined to another by connector words, each at its own offset:
    "Richelle Cranston of the Bulldogs" is a person of a team the question gives, and the
    part it does not give ("Richelle Cranston") can answer it. Empty when nothing joins."""
    connectors = set(get_profile(language).name_connectors)
    words = name.split(" ")
    if not any(w in connectors for w in words[1:-1]):
        return []
    parts: list[tuple[str, int]] = []
    offset, start = at, at
    current: list[str] = []
    for word in words:
        if word in connectors:
            if current:
                parts.append((" ".join(current), start))
            current = []
        else:
            if not current:
                start = offset
            current.append(word)
        offset += len(word) + 1
    if current:
        parts.append((" ".join(current), start))
    return parts


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
    from rag.crosslang import is_cross  # (rag.crosslang imports this module)

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
