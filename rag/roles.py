"""The role a who/which question asks a name in, and whether a sentence's name stands in it.

A sentence answering "Which player was carried off after announcing she would retire?" may
name several people: "Richelle Cranston of the Bulldogs is chaired off the ground by
teammates Isabelle Pritchard and Ellie Blackburn after announcing her retirement." The
question asks for the one carried (the subject of a passive verb), so the names after "by"
(who carried her) are not it, however near they stand to the question's words. In "Which
opponent was Michigan flying to face?" the question gives its own subject (Michigan) and
asks for an object, so a name that is the subject of a clause ("the Wolverines will be
without their coach") is not it either.

The roles are read from word order alone (English-like: the subject before its verb,
inversion after a question word), with the profile's auxiliaries and agent prepositions and
the word classes of its verb lexicon; a question read otherwise asks no role, and every
name stays a candidate. Roles only remove candidates, never add one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.question import Question
from rag.verify.lexicon import Lexicon, get_lexicon

__all__ = ["AGENT", "OBJECT", "PATIENT", "asked_role", "in_asked_role"]

# The roles a question can ask a name in.
AGENT = "agent"  # who does it: "Who scored ...?"
PATIENT = "patient"  # who undergoes it, the subject of a passive: "Which player was carried off?"
OBJECT = "object"  # what the given subject acts on: "Which opponent was Michigan flying to face?"

_WORD = re.compile(r"[\w’'-]+|[,;:()]")
# Words between an agent preposition and the name it introduces ("by teammates Isabelle
# Pritchard and"): a short run of nouns and names.
_AGENT_PHRASE_WORDS = 6


def _words(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _WORD.finditer(text)]


def _verb(word: str, lex: Lexicon, strict: bool = False) -> bool:
    """A lower-case verb form ("carried", "flying", "face"); ``strict``: a word the lexicon
    knows only as a verb (a noun phrase's "player" or "games" is no verb there)."""
    if not word.isalpha() or not word.islower() or word in lex.stopwords:
        return False
    return lex.only_verb(word) if strict else lex.verb_form(word) is not None


def _participle(word: str, lex: Lexicon) -> bool:
    """ "carried", "broken" (the past form stands for the participle of a regular verb)."""
    return word.islower() and lex.verb_form(word) in ("VBN", "VBD")


def _names_role(words: list[tuple[str, int]], lex: Lexicon) -> str | None:
    """The role asked by a question's words, after its question word and the noun phrase it
    opens ("Which *Bulldogs player* was ..."); None when word order does not tell it."""
    if words[0][0].lower() in _pronouns(lex.code) and _verb(words[1][0], lex):
        return AGENT  # "Who scored ...": a question pronoun as the subject
    j = 1
    # the asked noun phrase: words up to the first auxiliary or verb
    auxiliaries = lex.auxiliaries | lex.passive_auxiliaries
    while j < len(words) and words[j][0].lower() not in auxiliaries:
        if _verb(words[j][0], lex, strict=True):
            return AGENT  # "Which team beat ...", "Who scored ..."
        j += 1
    if j + 1 >= len(words):
        return None
    aux, after = words[j][0].lower(), words[j + 1][0]
    if _verb(after, lex):
        if any(w.lower() in lex.agent_prepositions for w, _ in words[j + 2 :]):
            return None  # "Which player was tackled by ...": both sides named
        # "was carried off": the subject of a passive; "has scored": the doer
        return PATIENT if aux in lex.passive_auxiliaries and _participle(after, lex) else AGENT
    # inversion: the question's own subject stands after the auxiliary, its verb after that
    # ("was Michigan flying to face", "did the Bills beat"); a copula before a noun phrase
    # with no verb ("Who was the chief executive?") asks an identity, not a role
    # A form of "be" inverts before a progressive ("was Michigan flying"), another auxiliary
    # before a bare verb or a participle ("did the Bills beat", "has Apple bought"): "is the
    # founder" (a noun that is also a verb) is no inversion.
    wanted = ("VBG",) if aux in lex.passive_auxiliaries else ("VB", "VBP", "VBN", "VBD")
    # (a relative clause inside that noun phrase, "the chief executive who announced", is
    # no inversion: only the phrase's first word may be a function word)
    # (nor is a verb form inside it: "the NATO *reporting* name of", a noun follows)
    rest = words[j + 1 :]
    for k, (word, _) in enumerate(rest):
        low = word.lower()
        if low in lex.auxiliaries or word in ",;:()" or (k > 0 and low in lex.stopwords):
            return None
        if k > 0 and _verb(word, lex) and lex.verb_form(word) in wanted:
            following = rest[k + 1][0] if k + 1 < len(rest) else ""
            noun_follows = following.islower() and following not in lex.stopwords
            if noun_follows and lex.may_be_noun(following):
                return None
            return OBJECT
    return None


def _pronouns(language: str) -> frozenset[str]:
    """The one-word question words that ask for a person ("who", "whom"): no noun follows."""
    from index.languages import get_profile

    asked = get_profile(language).question_words.get("person", [])
    return frozenset(w.lower() for w in asked if " " not in w)


def asked_role(q: Question) -> str | None:
    """The role ``q`` asks its name in (AGENT, PATIENT, OBJECT), or None."""
    lex = get_lexicon(q.language)
    words = _words(q.text)
    if len(words) < 3 or words[0][0].lower() in lex.stopwords - {"which", "what", "who"}:
        return None  # "In which minute ...": the name is a preposition's object
    return _names_role(words, lex)


def _in_agent_phrase(text: str, start: int, lex: Lexicon) -> bool:
    """ "by teammates Isabelle Pritchard and Ellie Blackburn": the name stands in a short
    phrase of nouns and names opened by an agent preposition."""
    before = _words(text[:start])[-_AGENT_PHRASE_WORDS:]
    for word, _ in reversed(before):
        low = word.lower()
        if low in lex.agent_prepositions:
            return True
        if word in ",;:()" and word != ",":
            return False
        if low in lex.auxiliaries or _verb(word, lex, strict=True):
            return False
    return False


def _clause_subject(text: str, end: int, lex: Lexicon) -> str | None:
    """ "the Wolverines will be without": the name is the subject of the clause when an
    auxiliary or a verb follows it; "active" or "passive" ("Kane was brought down")."""
    after = _words(text[end:])[:2]
    if not after:
        return None
    first = after[0][0]
    if first.lower() in lex.auxiliaries:
        second = after[1][0] if len(after) > 1 else ""
        if first.lower() in lex.passive_auxiliaries and _participle(second, lex):
            return "passive"
        return "active"
    if _verb(first, lex, strict=True):
        return "active"
    return None


def in_asked_role(role: str | None, text: str, span: tuple[str, int, int], language: str) -> bool:
    """Can the name at ``span`` (name, start, end in ``text``) stand in ``role``?"""
    if role is None:
        return True
    lex = get_lexicon(language)
    _, start, end = span
    if role == PATIENT:
        return not _in_agent_phrase(text, start, lex)
    subject = _clause_subject(text, end, lex)
    if role == OBJECT:
        return subject != "active"
    if role == AGENT:
        return subject != "passive"
    return True


def _after_object_word(text: str, start: int, lex: Lexicon, places: frozenset[str]) -> bool:
    """ "en route to Penn State", "to face Penn State": the name follows a preposition or a
    verb (an article may come between)."""
    prepositions = lex.recipient_prepositions | lex.source_prepositions | places
    before = [w for w, _ in _words(text[:start])][-2:]
    if len(before) == 2 and before[1] not in prepositions and before[1] in lex.stopwords:
        before = before[:1]  # "to *the* Rosewood"
    if not before:
        return False
    word = before[-1]
    return word.lower() in prepositions or _verb(word, lex, strict=True)


def keep_in_role(
    q: Question, text: str, spans: Sequence[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """The spans that can stand in the role ``q`` asks a name in; for an object asked, the
    names standing as objects (after a preposition or verb) when the sentence has any."""
    role = asked_role(q)
    kept = [s for s in spans if in_asked_role(role, text, s, q.language)]
    if role == OBJECT:
        from index.languages import get_profile

        lex = get_lexicon(q.language)
        places = frozenset(w.lower() for w in get_profile(q.language).place_prepositions)
        objects = [s for s in kept if _after_object_word(text, s[1], lex, places)]
        return objects or kept
    return kept
