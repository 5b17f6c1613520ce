"""Bilingual dictionaries: which nouns of one language translate which of another.

multilingual-e5-small does not tell single nouns apart across languages: "helicopters" is as
close to "врачей" (0.80-0.87) as to "вертолётов" (0.80-0.95), "mayor" to "заместник-кмет" as to
"кмет". A dictionary does: Mueller's English-Russian dictionary gives "helicopter" ->
"вертолёт, геликоптер", FreeDict's English-Bulgarian "mayor" -> "кмет, градоначалник". Across
languages the question's noun (what a count counts, the role a name is asked in, what the
question is about) is looked up here; when the dictionary knows it, a translation in the
foreign sentence is a match and none is not, whatever the embedding says. Words it does not
know are left to the embedding.

Which dictionary serves which pair of languages is data: ``dictionaries`` in the language
profile of the dictionary's source language (``en.yaml``: ``ru`` -> Mueller's dictd files).
The other direction (a Russian question over English sources) reads the same dictionary
inverted. Only nouns are kept (noun senses, by the dictionaries' part-of-speech marks): they
are what a count counts and what a role is; verbs and adjectives translate too loosely. A
missing dictionary file is logged once and the pair falls back to the embedding alone.

Parsing a dictionary takes seconds; its noun map is cached as JSON under the settings'
``cache_dir``, keyed by the dictionary file's hash, so a process pays only the load.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.languages import UnknownLanguage, get_profile
from rag.lexicon_dictd import KIND, MODIFIER, entries

__all__ = ["Lexicon", "lemmas", "lexicon", "phrase_match", "translations_in"]

log = logging.getLogger(__name__)

_FORMAT = 9  # bump when the parse changes: the cached maps are rebuilt


@functools.lru_cache(maxsize=4096)
def lemmas(phrase: str, language: str) -> str:
    """``phrase`` with each word lemmatised by the profile's lemmatiser (simplemma; lower
    case as it is, without one): inflection moves a word away from its meaning in the
    embedding ("ліжок" / "beds" is less close than "ліжко" / "bed") and from its dictionary
    form."""
    try:
        code = get_profile(language).lemmatizer
    except UnknownLanguage:
        code = None
    if not code:
        return phrase.lower()
    import simplemma

    return " ".join(simplemma.lemmatize(w, lang=code).lower() for w in phrase.lower().split())


def _plain(word: str) -> str:
    """Lower case without stress marks and with "ё" as "е" (dictionaries mark stress and
    write "ё"; texts mostly do neither)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    kept = "".join(c for c in decomposed if c not in "\u0301\u0300")
    return unicodedata.normalize("NFC", kept).replace("ё", "е")


# Two forms of one word: the same stem with an inflection ending either side ("линейки" /
# "линейка", "вертолётов" / "вертолёт"). The lemmatisers miss some forms (simplemma reads
# Bulgarian "линейки" as "линея"), so a dictionary form is compared with both the word and
# its lemma, and equal stems of at least _STEM letters with endings of at most _ENDING count.
_STEM = 4
_ENDING = 3
_KIND = KIND  # the key prefix of a word's compounds' translations
_MODIFIER = MODIFIER  # the key prefix marking a word that is an adjective first


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    short = min(len(a), len(b))
    if a.isascii() and b.isascii():
        # English inflects a noun by "s" or "es" ("home" / "homes"; the lemmatiser reads
        # the rest); "work" / "workers" and "manage" / "manager" are other words
        return n == short and max(a, b, key=len)[n:] in ("s", "es")
    ending = _ENDING
    if n < _STEM and not (n == short and short >= 3 and max(len(a), len(b)) - n <= 1):
        return False
    return len(a) - n <= ending and len(b) - n <= ending


@dataclass
class Lexicon:
    """Nouns of ``source`` -> their translations in ``target``, each a tuple of plain
    dictionary words ("медицинска", "сестра"). Looked up by a word's lemma or its form.
    A key "+word" holds the translations of compounds naming kinds of the word ("public
    prosecutor" -> "прокурор" under "+prosecutor"): a match, but no synonym to reason
    through ("district attorney" -> "прокурор" does not make a lawyer a prosecutor)."""

    source: str
    target: str
    nouns: dict[str, frozenset[tuple[str, ...]]]
    # carried through another language (rag.lexicon_apertium): its gaps are the two
    # resources' gaps together, so finding no translation rules nothing out
    composed: bool = False
    # read from a dictionary of the other direction: every headword listing a word among its
    # translations comes back as its sense ("руководство" -> "staff", "management", ...)
    inverted: bool = False
    _buckets: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _seen: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for key in self.nouns:
            if not key.startswith((_KIND, _MODIFIER)):
                self._buckets.setdefault(key[:_STEM], []).append(key)

    def translations(self, word: str) -> frozenset[tuple[str, ...]]:
        """The translations of the noun ``word`` (any form, in ``source``) and of its
        compounds; empty when the dictionary does not know it as a noun."""
        out: set[tuple[str, ...]] = set()
        for key in self._keys(word):
            out |= self.nouns.get(key, frozenset()) | self.nouns.get(_KIND + key, frozenset())
        return frozenset(out)

    def is_modifier(self, word: str) -> bool:
        """Does the dictionary know ``word`` as an adjective first ("solar", "permanent")?"""
        forms = {_plain(word), _plain(lemmas(word, self.source))}
        return any(_MODIFIER + f in self.nouns for f in forms)

    def senses(self, word: str) -> frozenset[tuple[str, ...]]:
        """The translations of the noun ``word`` itself, without its compounds'."""
        out: set[tuple[str, ...]] = set()
        for key in self._keys(word):
            out |= self.nouns.get(key, frozenset())
        return frozenset(out)

    def _keys(self, word: str) -> frozenset[str]:
        if word not in self._seen:
            self._seen[word] = self._lookup(word)
        return self._seen[word]

    def _lookup(self, word: str) -> frozenset[str]:
        forms = {_plain(word), _plain(lemmas(word, self.source))}
        aliases = get_profile(self.source).dictionary_aliases
        forms = {_plain(a) for f in forms for a in aliases.get(f, [])} or forms
        if any(_MODIFIER + f in self.nouns for f in forms):
            return frozenset()  # not decided by its noun senses
        found = {f for f in forms if f in self.nouns or _KIND + f in self.nouns}
        if found:
            return frozenset(found)
        for form in forms:  # an inflected form the lemmatiser left as it is
            for key in self._buckets.get(form[:_STEM], []):
                if _same_word(form, key):
                    found.add(key)
        return frozenset(found)

    def knows(self, word: str) -> bool:
        return bool(self.translations(word))


def _forms(text: str, language: str) -> list[set[str]]:
    """Per word of ``text``: its plain form and its lemma's."""
    words = re.findall(r"[^\W\d_][\w'-]*", text)
    return [{_plain(w), _plain(lemmas(w, language))} for w in words]


def _word_in(word: str, language: str, forms: Sequence[set[str]]) -> bool:
    mine = {word, _plain(lemmas(word, language))}
    return any(_same_word(t, f) for t in mine for other in forms for f in other)


def _translation_in(translation: tuple[str, ...], language: str, forms: Sequence[set[str]]) -> bool:
    """Is ``translation`` in a text (its words' ``forms``)? Every word of it, or its longest,
    the specific one: "буксирное судно" (tugboat) is in "14 буксиров"."""
    longest = max(translation, key=len)
    return _word_in(longest, language, forms) and (
        len(translation) == 1
        or len(longest) >= 6
        or all(_word_in(t, language, forms) for t in translation)
    )


_FEW = 3  # senses of a word that is no hub of meanings
_SHARED = 2  # translations a text's word must share with the question's through its own
_COGNATE_KEY = 3  # consonants: "mayor" (m-r) would be "море" and "мир" too


def _cognate(word: str, forms: Sequence[set[str]]) -> bool:
    """Is ``word`` written in the text in another script, as a loanword ("dockers" /
    "докери", "terminal" / "терминале")? Compared as names are (index.translit), on
    consonant skeletons long enough not to meet by chance."""
    from index.translit import name_key, names_match

    if len(name_key(word)) < _COGNATE_KEY:
        return False
    return any(names_match(word, f) for other in forms for f in other if len(f) >= len(word) - 2)


def translations_in(lex: Lexicon, word: str, text: str) -> bool | None:
    """Does ``text`` (in ``lex.target``) hold a translation of ``word`` (in ``lex.source``)?
    None when the dictionary does not know ``word`` (and the text holds it in no other
    script). The same word as a loanword in the other script counts ("docker" / "докер",
    which FreeDict does not have).

    A dictionary gives some translations, not every synonym ("chief": "глава, начальник,
    руководитель", not "директор"), so a word of the text also matches when one of its own
    translations back shares a translation with ``word``: "директор" -> "director" ->
    "руководитель". Words that only look alike do not ("пожарных" -> "fireman" shares
    nothing with "helicopter")."""
    found = lex.translations(word)
    forms = _forms(text, lex.target)
    if not found:
        # a loanword is the same word even where the dictionary has no entry ("dockers" /
        # "докери"); else the dictionary cannot say
        return True if _cognate(lemmas(word, lex.source), forms) else None
    if any(_translation_in(t, lex.target, forms) for t in found):
        return True
    if _cognate(lemmas(word, lex.source), forms):
        return True
    back = lexicon(lex.target, lex.source)
    if back is None or lex.composed:
        # a composed map's senses are a pivot's senses carried twice: sharing them is chance
        return False
    mine = [{_plain(word), _plain(lemmas(word, lex.source))}]
    shared: set[tuple[str, ...]] = set()
    for other in forms:
        for form in other:
            for translation in back.translations(form):
                # the text's word translates back to the question's ("chief" ->
                # "руководитель" for "руководит")
                if _translation_in(translation, lex.source, mine):
                    return True
            for translation in back.senses(form):
                # or to words sharing translations with it, sense for sense: two at least,
                # as "директор" -> "director", "manager" share "руководитель" and
                # "начальник" with "chief", or one through a word of few senses; one
                # through a word of many is chance ("человек" -> "machine" -> "самолёт" is
                # no "aircraft")
                senses = lex.senses(translation[0])
                overlap = senses & lex.senses(word)
                if overlap and len(senses) <= _FEW:
                    return True  # a word of few senses: "доктор" -> doctor, physician
                shared |= overlap
    return len(shared) >= _SHARED


def phrase_match(words: Iterable[str], language: str, text: str, text_language: str) -> bool | None:
    """Does ``text`` (in ``text_language``) translate one of ``words`` (in ``language``)?
    None when no dictionary serves the pair or it knows none of the words; else True when a
    translation of one known word is in ``text``, False when none is. Only a dictionary of
    the pair decides: a word it lacks is not absent (rag.lexicon_reach reaches further, for
    what may only add)."""
    lex = lexicon(language, text_language)
    if lex is None:
        return None
    verdicts = [translations_in(lex, w, text) for w in words]
    known = [v for v in verdicts if v is not None]
    if not known:
        return None
    if lex.composed:
        return True if any(known) else None
    return any(known)


# ---------------------------------------------------------------- which dictionary, cached


@functools.lru_cache(maxsize=32)
def lexicon(source: str, target: str) -> Lexicon | None:
    """The noun lexicon from ``source`` into ``target``: a profile's dictionary read as it
    is, or the other language's read inverted; None (logged once) when there is none or its
    file is missing."""
    if source == target:
        return None
    for owner, other, inverted in ((source, target, False), (target, source, True)):
        index = _dictionary(owner, other)
        if index is None:
            continue
        if not _present(index):
            log.warning(
                "bilingual dictionary %s (%s -> %s) is missing: across these languages "
                "nouns are matched by the embedding alone (make dictionaries)",
                index,
                owner,
                other,
            )
            return None
        nouns = _noun_map(index, owner, other)
        return Lexicon(source, target, _inverted(nouns) if inverted else nouns, inverted=inverted)
    # no dictionary of the pair: one into a language an Apertium pair carries on from
    for owner, other, inverted in ((source, target, False), (target, source, True)):
        composed = _composed(owner, other)
        if composed is not None:
            nouns = _inverted(composed) if inverted else composed
            return Lexicon(source, target, nouns, composed=True, inverted=inverted)
    return None


def _dictionary(source: str, target: str) -> Path | None:
    """The dictd index path a profile gives for ``source`` -> ``target`` (not inverted)."""
    try:
        path = get_profile(source).dictionaries.get(target)
    except UnknownLanguage:
        return None
    return Path(path) if path else None


def _present(index: Path) -> bool:
    return _with(index, ".index").is_file() and _data_file(index).is_file()


def _digest(files: Iterable[Path]) -> str:
    """The files' contents' hash, what a cached noun map is keyed by."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


# cached: a pair and its inverse (``lexicon("en", "uk")``, ``lexicon("uk", "en")``) share one
# composition, its files hashed and its cache read once
@functools.lru_cache(maxsize=8)
def _composed(source: str, target: str) -> dict[str, frozenset[tuple[str, ...]]] | None:
    """``source`` -> ``target`` nouns through a dictionary into a pivot language and the
    Apertium pair from the pivot into ``target`` (rag.lexicon_apertium); None when the
    profiles give no such path or its files are missing (logged once)."""
    from rag.lexicon_apertium import apertium_files, compose

    try:
        pairs = get_profile(target).apertium
    except UnknownLanguage:
        return None
    for pivot, prefix in pairs.items():
        index = _dictionary(source, pivot)
        if index is None:
            continue
        files = apertium_files(prefix)
        if files is None or not _present(index):
            log.warning(
                "Apertium pair %s (%s -> %s) or lt-proc or dictionary %s is missing: "
                "%s -> %s nouns are matched by the embedding alone (make dictionaries)",
                prefix,
                pivot,
                target,
                index,
                source,
                target,
            )
            return None
        digest = _digest([_data_file(index), *files])
        cache = _cache_dir() / f"{index.name}-{Path(prefix).name}-{digest}-v{_FORMAT}.json"
        cached = _read_cache(cache)
        if cached is not None:
            return cached
        log.info("composing %s -> %s nouns through %s and Apertium, once", source, target, pivot)
        nouns = compose(_noun_map(index, source, pivot), *files)
        return _write_cache(cache, nouns)
    return None


def _cache_dir() -> Path:
    from index.settings import get_settings

    return get_settings().cache_dir / "lexicon"


def _read_cache(cache: Path) -> dict[str, frozenset[tuple[str, ...]]] | None:
    if not cache.is_file():
        return None
    try:
        raw = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("unreadable lexicon cache %s: building the noun map again", cache)
        return None
    return {k: frozenset(tuple(t) for t in v) for k, v in raw.items()}


def _write_cache(
    cache: Path, nouns: dict[str, set[tuple[str, ...]]]
) -> dict[str, frozenset[tuple[str, ...]]]:
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps({k: sorted(v) for k, v in nouns.items()}, ensure_ascii=False), encoding="utf-8"
    )
    os.replace(tmp, cache)  # whole or absent for a concurrent reader
    return {k: frozenset(v) for k, v in nouns.items()}


def _with(index: Path, suffix: str) -> Path:
    return index.parent / (index.name + suffix)


def _data_file(index: Path) -> Path:
    for suffix in (".dict.dz", ".dict"):
        candidate = _with(index, suffix)
        if candidate.is_file():
            return candidate
    return _with(index, ".dict.dz")


def _inverted(
    nouns: dict[str, frozenset[tuple[str, ...]]],
) -> dict[str, frozenset[tuple[str, ...]]]:
    """target word -> source nouns, from single-word translations (a phrase such as
    "медицинска сестра" is not a word a question would be looked up by)."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for head, found in nouns.items():
        kind = head.startswith(_KIND)
        for translation in found:
            if len(translation) == 1:
                key = _KIND + translation[0] if kind else translation[0]
                out.setdefault(key, set()).add((head.removeprefix(_KIND),))
    return {k: frozenset(v) for k, v in out.items()}


def _noun_map(index: Path, source: str, target: str) -> dict[str, frozenset[tuple[str, ...]]]:
    """The dictionary's noun map, from the cache when its file has not changed."""
    data = _data_file(index)
    cache = _cache_dir() / f"{index.name}-{_digest([data])}-v{_FORMAT}.json"
    cached = _read_cache(cache)
    if cached is not None:
        return cached
    log.info("parsing bilingual dictionary %s (%s -> %s), once", index, source, target)
    nouns: dict[str, set[tuple[str, ...]]] = {}
    heads = frozenset(get_profile(target).gloss_heads)
    for head, items in entries(index, data, heads):
        key = _plain(lemmas(head, source))
        for item in items:
            if item == _MODIFIER:
                if key == _plain(head):  # not "headed", an adjective lemmatised to "head"
                    nouns.setdefault(_MODIFIER + key, set())
                continue
            words = tuple(_plain(w) for w in item.removeprefix(_KIND).split())
            nouns.setdefault(_KIND + key if item.startswith(_KIND) else key, set()).add(words)
    return _write_cache(cache, nouns)
