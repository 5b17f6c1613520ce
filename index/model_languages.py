"""Which languages an embedding model covers, and what to tell the user when it matters.

Data, not code: the ``languages`` key of each model's record in ``calibration.yaml`` ("en":
the model embeds English only; "all": a multilingual model; or a list of ISO 639-1 codes).
A model with no record, such as a user's own sentence-transformers folder, is *not known*:
we say so and never guess.

Why it matters: an English-only model puts a Russian sentence and its English translation
far apart, so a question in one language does not find passages in another by meaning
(``bench/retrieval_bench.py``: all-MiniLM-L6-v2 cross-language hit@6 0-64%,
multilingual-e5-small 80-100%). Ingest says so once when it adds documents the model does not
cover (:func:`ingest_note`), and an answer carries a note when its question is in another
language than some of the documents searched and the model cannot bridge the two
(:func:`question_note`); English questions over English documents never get one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml

ALL = "all"  # the record's value for a multilingual model
_UNKNOWN_LANGUAGES = frozenset({"", "und"})


class ModelLanguagesError(ValueError):
    """calibration.yaml gives a model's ``languages`` in a form that is not understood."""


@dataclass(frozen=True)
class ModelLanguages:
    """The languages ``model`` embeds: ``codes`` is None when not known, {"all"} when the
    model is multilingual."""

    model: str
    codes: frozenset[str] | None
    # the models of a store of several (RAG_EMBED_MODEL=a,b): it covers what any of them does
    members: tuple[ModelLanguages, ...] = ()

    @property
    def known(self) -> bool:
        return self.codes is not None

    def covers(self, code: str) -> bool:
        """Known to embed ``code`` (False for a model whose languages are not known)."""
        return self.codes is not None and (ALL in self.codes or code in self.codes)

    def bridges(self, a: str, b: str) -> bool:
        """Known to put a text in ``a`` near its translation in ``b`` (one of the models of a
        store of several does)."""
        if self.members:
            return any(member.bridges(a, b) for member in self.members)
        return a == b or (self.covers(a) and self.covers(b))

    def label(self) -> str:
        """ "is English-only", "is multilingual", "covers only de, en", "covers languages
        that are not known"."""
        if self.codes is None:
            return (
                "covers languages that are not known (it has no record in index/calibration.yaml)"
            )
        if ALL in self.codes:
            return "is multilingual"
        if self.codes == {"en"}:
            return "is English-only"
        return f"covers only {', '.join(sorted(self.codes))}"


def parse_languages(model: str, value: object) -> frozenset[str]:
    """A record's ``languages`` value ("en", "all", "en, de" or a list) as a set of codes."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise ModelLanguagesError(
            f"calibration for {model!r}: languages must be 'all', a code such as 'en', "
            f"or a list of ISO 639-1 codes, not {value!r}"
        )
    codes = frozenset(str(item).strip().lower() for item in items if str(item).strip())
    if not codes or any(not (c == ALL or (len(c) == 2 and c.isalpha())) for c in codes):
        raise ModelLanguagesError(
            f"calibration for {model!r}: languages {value!r} is not 'all' or ISO 639-1 codes"
        )
    return codes


@functools.cache
def _table() -> dict[str, frozenset[str]]:
    text = resources.files("index").joinpath("calibration.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text) or {}
    return {
        str(model): parse_languages(str(model), record["languages"])
        for model, record in raw.items()
        if isinstance(record, dict) and "languages" in record
    }


def model_languages(model: str) -> ModelLanguages:
    """What the data says about ``model`` (``RAG_EMBED_MODEL`` exactly as the store keeps it;
    a list "a,b" covers what its models cover together)."""
    names = model.split(",")
    if len(names) == 1:
        return ModelLanguages(model, _table().get(model))
    members = tuple(ModelLanguages(name, _table().get(name)) for name in names)
    known = [m.codes for m in members if m.codes is not None]
    codes = frozenset[str]().union(*known) if known else None
    return ModelLanguages(model, codes, members)


def multilingual_models() -> list[str]:
    """Recorded models that cover every language, in the file's order."""
    return [model for model, codes in _table().items() if ALL in codes]


def _rebuild_hint() -> str:
    from index.settings import DEFAULT_EMBED_MODEL

    # the default when it covers every language (MiniLM for English, e5 for the rest), else
    # the first multilingual model
    if ALL in (model_languages(DEFAULT_EMBED_MODEL).codes or ()):
        models = [DEFAULT_EMBED_MODEL]
    else:
        models = multilingual_models()
    if not models:
        return "rebuild the store with a multilingual embedding model"
    return f"rebuild the store: RAG_EMBED_MODEL={models[0]} rag ingest PATH... --rebuild"


def _language(code: str) -> str:
    """ "Russian (ru)" when a profile names it, else the code."""
    from index.languages import UnknownLanguage, get_profile

    try:
        return f"{get_profile(code).name} ({code})"
    except UnknownLanguage:
        return code


def _counted(counts: Mapping[str, int]) -> str:
    """ "4 documents in ru (3), bg (1)" — most first."""
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    where = ", ".join(f"{code} ({n})" for code, n in ranked) if len(ranked) > 1 else ranked[0][0]
    return f"{total} document{'s' if total != 1 else ''} in {where}"


def _not_covered(coverage: ModelLanguages, counts: Mapping[str, int]) -> dict[str, int]:
    """The counts of languages the model is not known to cover. For a model whose languages
    are not known, English is taken as covered: the note would otherwise follow every
    English pile built with a user's model."""
    return {
        code: n
        for code, n in counts.items()
        if n > 0
        and code not in _UNKNOWN_LANGUAGES
        and not coverage.covers(code)
        and (coverage.known or code != "en")
    }


def ingest_note(model: str, counts: Mapping[str, int]) -> str | None:
    """One line for an ingest that added ``counts`` documents per language, when the
    store's ``model`` is not known to cover some of them; None otherwise."""
    coverage = model_languages(model)
    missing = _not_covered(coverage, counts)
    if not missing:
        return None
    if coverage.known:
        return (
            f"{_counted(missing)}: this store's model {model} {coverage.label()}; questions in "
            f"another language will not find them by meaning; {_rebuild_hint()}"
        )
    return (
        f"{_counted(missing)}: whether this store's model {model} covers them is not known "
        f"(it has no record in index/calibration.yaml); if it is English-only, questions in "
        f"another language will not find them by meaning; {_rebuild_hint()}"
    )


def question_note(model: str, question_language: str, counts: Mapping[str, int]) -> str | None:
    """A note for an answer to a question in ``question_language`` over documents counted
    per language (those the question searched), when the store's ``model`` cannot be known
    to bridge the question's language and some of theirs; None when it can (or when every
    document is in the question's language)."""
    if question_language in _UNKNOWN_LANGUAGES:
        return None
    coverage = model_languages(model)
    others = {
        code: n
        for code, n in counts.items()
        if n > 0
        and code not in _UNKNOWN_LANGUAGES
        and not coverage.bridges(question_language, code)
    }
    if not others:
        return None
    if coverage.known:
        why = f"this store's embedding model {model} {coverage.label()}"
    else:
        why = (
            f"whether this store's embedding model {model} matches texts across languages is "
            "not known (it has no record in index/calibration.yaml)"
        )
    asked = _language(question_language)
    return (
        f"The store holds {_counted(others)}, and {why}: a question in {asked} "
        "finds them only through the names and numbers they share with it, so an answer they "
        f"hold may have been missed; {_rebuild_hint()}"
    )
