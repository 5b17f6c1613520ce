"""Evidence calibration per embedding model: which values the similarity-scale settings take.

Evidence scoring compares cosine similarities with thresholds ("a sentence this close to the
question is about it"), and a cosine means something different for every model. The values
for each model are data (``calibration.yaml``, keyed by ``RAG_EMBED_MODEL``); a setting given
explicitly (``RAG_*`` variable or keyword) always wins over them. :class:`index.settings.Settings`
applies the record of its model when it is built, and :func:`with_embed_model` when a store
built with another model is opened.
"""

from __future__ import annotations

import functools
import logging
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)

# The settings a calibration record may set: thresholds on the embedding's similarity scale
# and on the evidence score, which is a weighted sum of that similarity and term coverage.
CALIBRATED_FIELDS = frozenset(
    {
        "evidence_similarity_low",
        "evidence_similarity_high",
        "evidence_focus_similarity",
        "evidence_focus_word_similarity",
        "evidence_focus_word_floor",
        "evidence_counted_similarity",
        "evidence_paraphrase_similarity",
        "crosslang_min_similarity",
        "crosslang_min_evidence_score",
        "min_evidence_score",
        "evidence_window",
        "name_vote_min_score",
        "name_vote_min_support",
    }
)


# Keys of a model's record that are facts about the model, not settings: read elsewhere
# (``languages``: index/model_languages.py).
MODEL_FACTS = frozenset({"languages"})


class CalibrationError(ValueError):
    """calibration.yaml names a setting that is not calibrated per model, or a non-number."""


@functools.cache
def _table() -> dict[str, dict[str, float]]:
    text = resources.files("index").joinpath("calibration.yaml").read_text(encoding="utf-8")
    return parse_table(yaml.safe_load(text) or {})


def parse_table(raw: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The calibration table checked: every key a calibrated setting, every value a number."""
    table: dict[str, dict[str, float]] = {}
    for model, record in raw.items():
        if not isinstance(record, dict):
            raise CalibrationError(f"calibration for {model!r} is not a mapping of settings")
        record = {k: v for k, v in record.items() if k not in MODEL_FACTS}
        unknown = sorted(set(record) - CALIBRATED_FIELDS)
        if unknown:
            raise CalibrationError(
                f"calibration for {model!r} sets {', '.join(unknown)}, which are not calibrated "
                f"per model (allowed: {', '.join(sorted(CALIBRATED_FIELDS))})"
            )
        bad = [
            k for k, v in record.items() if isinstance(v, bool) or not isinstance(v, int | float)
        ]
        if bad:
            raise CalibrationError(f"calibration for {model!r}: {', '.join(bad)} must be numbers")
        table[str(model)] = {k: float(v) for k, v in record.items()}
    return table


def calibration_for(model: str) -> dict[str, float]:
    """The calibrated values for ``model`` (empty for a model with no record)."""
    record = _table().get(model)
    if record is None:
        _warn_uncalibrated(model)
        return {}
    return dict(record)


def calibrated_models() -> list[str]:
    return sorted(_table())


@functools.cache
def _warn_uncalibrated(model: str) -> None:
    log.warning(
        "no evidence calibration for the embedding model %s: its similarity thresholds are "
        "the defaults (calibrated on all-MiniLM-L6-v2); see index/calibration.yaml",
        model,
    )


def apply_calibration(settings: Settings, chosen: set[str] | frozenset[str] = frozenset()) -> None:
    """Set, in place, each calibrated setting of ``settings.embed_model`` that was not
    ``chosen`` explicitly. The values go straight into the model's fields without marking them
    as set, so that they still count as not chosen when the model changes."""
    # With several models, the settings object itself carries the first one's values: each
    # model's own come with its copy (:func:`with_embed_model`, index/models.py).
    for field, value in calibration_for(settings.embed_models[0]).items():
        if field not in chosen:
            settings.__dict__[field] = value


def with_embed_model(settings: Settings, model: str) -> Settings:
    """A copy of ``settings`` for ``model``: the calibrated settings not chosen explicitly
    take that model's values (those of a model with no record: the field defaults)."""
    chosen = set(settings.model_fields_set)
    copy = settings.model_copy(update={"embed_model": model})
    for field in CALIBRATED_FIELDS - chosen:
        copy.__dict__[field] = type(settings).model_fields[field].default
    apply_calibration(copy, chosen)
    return copy
