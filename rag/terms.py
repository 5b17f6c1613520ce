"""Content words of a text in one language: stop words dropped, the rest stemmed.

Shared by question analysis, evidence scoring and LLM output matching, so that a question and
a sentence are compared with the same words.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

from index.languages import LanguageProfile, get_profile

__all__ = ["Lexicon", "lexicon"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


class Lexicon:
    """Stemming and stop words of one language profile."""

    def __init__(self, profile: LanguageProfile) -> None:
        self.profile = profile
        self.stopwords = frozenset(profile.stopwords)
        # PyStemmer objects are not thread-safe: one per thread (UI workers, ask_many).
        self._local = threading.local()
        self.scaffold = frozenset(self.stems(profile.scaffold_words))

    def words(self, text: str) -> list[str]:
        """Lower-case words of ``text`` (apostrophes and hyphens at the edges trimmed). A
        typographic apostrophe is read as the plain one the stemmers know: "OpenAI’s" is
        "OpenAI's", whose possessive the stemmer removes, not a word "openai’" of its own."""
        return [
            w for w in (m.lower().replace("’", "'").strip("'-") for m in _WORD.findall(text)) if w
        ]

    def _stemmer(self) -> Any:
        if not self.profile.stemmer:
            return None
        if not hasattr(self._local, "stemmer"):
            import Stemmer

            self._local.stemmer = Stemmer.Stemmer(self.profile.stemmer)
        return self._local.stemmer

    def stems(self, words: list[str]) -> list[str]:
        stemmer = self._stemmer()
        if stemmer is None:
            return list(words)
        return list(stemmer.stemWords(words))

    def terms(self, text: str) -> frozenset[str]:
        """Stemmed content words of ``text``."""
        return frozenset(self.stems([w for w in self.words(text) if w not in self.stopwords]))


@functools.lru_cache(maxsize=16)
def lexicon(code: str = "en") -> Lexicon:
    """The (cached) lexicon of language ``code``."""
    return Lexicon(get_profile(code))
