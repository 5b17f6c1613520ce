"""Which of a store's embedding models serves which pair of languages.

A store may hold the vectors of several embedding models (``RAG_EMBED_MODEL=a,b``, in order of
preference; index/store_vectors.py keeps one Chroma collection per model). No one model is
best everywhere: all-MiniLM-L6-v2 answers English best, multilingual-e5-small is the one that
matches a Russian question with an English sentence. So each (question language, document
language) pair is served by the first model whose ``languages`` (index/calibration.yaml) cover
both: with [all-MiniLM-L6-v2, multilingual-e5-small] an English question over English
documents is served by MiniLM exactly as in a MiniLM store, every other pair by e5.

A language that is not known ("und": too short or mixed to tell) is taken as the other side's,
as the cross-language path takes it (rag.crosslang.is_cross); when no model covers a pair, the
first model serves it (a model with no record, such as a user's folder, covers none known).

Each model's similarities are compared with that model's own calibrated thresholds:
:func:`model_settings` gives one settings copy per model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from index.model_languages import model_languages

if TYPE_CHECKING:
    from index.settings import Settings

UNKNOWN_LANGUAGES = frozenset({"", "und"})


def serving_model(models: Sequence[str], question_language: str, document_language: str) -> str:
    """The model of ``models`` (in order of preference) that serves this pair."""
    wanted = {question_language, document_language} - UNKNOWN_LANGUAGES
    for model in models:
        coverage = model_languages(model)
        if all(coverage.covers(code) for code in wanted):
            return model
    return models[0]


def model_settings(settings: Settings) -> dict[str, Settings]:
    """One settings object per model of ``settings``, each with its model's calibration
    (index/calibration.yaml); a one-model settings object is its own."""
    from index.calibration import with_embed_model

    models = settings.embed_models
    if len(models) == 1:
        return {models[0]: settings}
    return {model: with_embed_model(settings, model) for model in models}
