"""The words the verifier needs from a language profile, prepared once per language.

The lists themselves live in ``index/languages/<code>.yaml``; this module only folds them
into the forms the verifier compares (folded lower-case words, stems, phrases as word tuples).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from rag.normalize import fold


@dataclass(frozen=True)
class Lexicon:
    """One language's verification words, folded (``fold``: lower-case, dots dropped)."""

    code: str
    titles: frozenset[str]
    connectors: frozenset[str]
    stopwords: frozenset[str]
    negations: tuple[tuple[str, ...], ...]  # phrases as word tuples: ("failed", "to")
    hedges: tuple[tuple[str, ...], ...]
    approximators: frozenset[tuple[str, ...]]
    recipient_prepositions: frozenset[str]
    source_prepositions: frozenset[str]
    agent_prepositions: frozenset[str]
    give_verbs: frozenset[str]  # stems
    receive_verbs: frozenset[str]  # stems
    clause_breaks: frozenset[str]
    measure_links: frozenset[str]
    auxiliaries: frozenset[str]
    name_stopwords: frozenset[str]  # as written
    not_negations: tuple[tuple[str, ...], ...]
    reporting_verbs: frozenset[str]  # stems
    stemmer: Any
    verb_lexicon: str | None = None  # the profile's word-class dictionary
    passive_auxiliaries: frozenset[str] = frozenset()

    def stem(self, word: str) -> str:
        return str(self.stemmer.stemWord(word)) if self.stemmer is not None else word

    def only_verb(self, word: str) -> bool:
        """``word`` is a verb form and nothing else ("filed", "agree"; not "games", which is
        a noun too). False when the language has no word-class dictionary."""
        if self.verb_lexicon is None or not word.isalpha():
            return False
        classes = _word_classes(word)
        return bool(classes) and set(classes) <= {"VERB", "AUX"}

    def no_noun(self, word: str) -> bool:
        """The word-class dictionary knows ``word`` and never as a noun ("laying",
        "internally", "solar"); False for a word it does not know, or without one."""
        if self.verb_lexicon is None or not word.isalpha():
            return False
        classes = _word_classes(word)
        return bool(classes) and "NOUN" not in classes

    def may_be_noun(self, word: str) -> bool:
        """``word`` can be a noun ("name", "games"); False without a word-class dictionary."""
        if self.verb_lexicon is None or not word.isalpha():
            return False
        return "NOUN" in _word_classes(word)

    def verb_form(self, word: str) -> str | None:
        """The Penn tag of ``word`` as a form of a verb ("VBN" for "carried", "VBG" for
        "flying", "VB" for "face"), or None: not a verb form, or no word-class dictionary."""
        if self.verb_lexicon is None or not word.isalpha():
            return None
        return _verb_form(word.lower())


@functools.lru_cache(maxsize=8192)
def _word_classes(word: str) -> tuple[str, ...]:
    """The word classes lemminflect's dictionary gives ``word`` (English)."""
    try:
        from lemminflect import getAllLemmas
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError(
            "the English profile reads word classes with lemminflect: pip install lemminflect"
        ) from exc
    return tuple(getAllLemmas(word))


@functools.lru_cache(maxsize=8192)
def _verb_form(word: str) -> str | None:
    from lemminflect import getAllInflections, getAllLemmas

    lemmas = getAllLemmas(word).get("VERB", ())
    for tag in ("VBN", "VBG", "VBD", "VBZ", "VBP", "VB"):
        for lemma in lemmas:
            if word in getAllInflections(lemma, upos="VERB").get(tag, ()):
                return tag
    return None


def _phrases(values: list[str]) -> tuple[tuple[str, ...], ...]:
    out = {tuple(fold(v).split()) for v in values if fold(v)}
    # longest first, so "no longer" is read before "no"
    return tuple(sorted(out, key=lambda p: (-len(p), p)))


@functools.lru_cache(maxsize=16)
def get_lexicon(code: str = "en") -> Lexicon:
    """The verification words of language ``code`` (an unknown code raises, naming those
    that exist)."""
    from index.languages import get_profile

    profile = get_profile(code)
    stemmer = None
    if profile.stemmer:
        import Stemmer

        stemmer = Stemmer.Stemmer(profile.stemmer)

    def stems(words: list[str]) -> frozenset[str]:
        folded = [fold(w) for w in words if fold(w)]
        return frozenset(stemmer.stemWords(folded) if stemmer is not None else folded)

    def folded(words: list[str]) -> frozenset[str]:
        return frozenset(fold(w) for w in words if fold(w))

    return Lexicon(
        code=profile.code,
        titles=folded(profile.titles),
        connectors=folded(profile.name_connectors),
        stopwords=folded(profile.stopwords),
        negations=_phrases(profile.negations),
        hedges=_phrases(profile.hedges),
        approximators=frozenset(_phrases(profile.approximators)),
        recipient_prepositions=folded(profile.recipient_prepositions),
        source_prepositions=folded(profile.source_prepositions),
        agent_prepositions=folded(profile.agent_prepositions),
        give_verbs=stems(profile.give_verbs),
        receive_verbs=stems(profile.receive_verbs),
        clause_breaks=folded(profile.clause_breaks),
        measure_links=folded(profile.measure_links),
        auxiliaries=folded(profile.auxiliaries),
        name_stopwords=frozenset(profile.name_stopwords),
        not_negations=_phrases(profile.not_negations),
        reporting_verbs=stems(profile.reporting_verbs),
        stemmer=stemmer,
        verb_lexicon=profile.verb_lexicon,
        passive_auxiliaries=folded(profile.passive_auxiliaries),
    )
