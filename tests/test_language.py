"""Language of documents and questions: detection, storage (and migration), `rag sources`,
the --lang filter in the CLI, the API and the UI handlers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from multilingual import QUESTIONS, SOURCES

from index.ingest import ingest
from index.language import detect_language, detect_languages, language_name
from index.settings import get_settings
from index.store import Store
from rag.cli import cli


@pytest.mark.parametrize("code", sorted(SOURCES))
def test_short_questions_and_documents_in_five_languages(code: str) -> None:
    assert detect_language(QUESTIONS[code]) == code
    assert detect_language(SOURCES[code]) == code


def test_close_cyrillic_languages_are_told_apart() -> None:
    # The same question in four Cyrillic languages: one word decides it.
    assert detect_language("Хто падпісаў кантракт?") == "be"
    assert detect_language("Хто підписав контракт?") == "uk"
    assert detect_language("Кто подписал контракт?") == "ru"
    assert detect_language("Кога е подписан договорът?") == "bg"


def test_no_letters_is_undetermined() -> None:
    assert detect_language("") == "und"
    assert detect_language("2024-11-27 37,9 — 1 200") == "und"


def test_mixed_document_dominant_and_others() -> None:
    russian = "\n\n".join([SOURCES["ru"]] * 4)
    mixed = f"{russian}\n\n{SOURCES['en']}"
    found = detect_languages(mixed)
    assert found.dominant == "ru"
    assert found.others == ("en",)
    assert detect_languages(SOURCES["ru"]).others == ()


def test_language_setting_restricts_and_rejects_unknown_codes() -> None:
    assert detect_language(SOURCES["uk"], "ru,en") == "ru"  # uk is not a candidate
    assert detect_language(SOURCES["bg"], "bg") == "bg"
    with pytest.raises(ValueError, match="unknown language code 'xx'"):
        detect_language("text", "en,xx")
    assert language_name("be") == "Belarusian"


@pytest.fixture(scope="module")
def lang_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for code, text in SOURCES.items():
        (folder / f"{code}.txt").write_text(text, encoding="utf-8")
    mixed = "\n\n".join([SOURCES["bg"]] * 3 + [SOURCES["en"]])
    (folder / "mixed.txt").write_text(mixed, encoding="utf-8")
    store = tmp_path_factory.mktemp("store")
    summary = ingest([folder], get_settings(store=store))
    assert (summary.added, summary.failed) == (6, [])
    return store


def _by_file(store: Path) -> dict[str, object]:
    return {Path(d.file).name: d for d in Store(get_settings(store=store)).documents()}


def test_language_is_stored_with_each_document(lang_store: Path) -> None:
    docs = _by_file(lang_store)
    got = {name: d.language for name, d in docs.items()}  # type: ignore[attr-defined]
    assert got == {
        "be.txt": "be",
        "bg.txt": "bg",
        "en.txt": "en",
        "mixed.txt": "bg",
        "ru.txt": "ru",
        "uk.txt": "uk",
    }
    assert docs["mixed.txt"].metadata["languages"] == "bg,en"  # type: ignore[attr-defined]
    assert "languages" not in docs["ru.txt"].metadata  # type: ignore[attr-defined]


def test_sources_shows_language_in_text_and_json(lang_store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sources", "--store", str(lang_store), "--json"])
    assert result.exit_code == 0, result.output
    by_name = {Path(d["file"]).name: d for d in json.loads(result.output)}
    assert by_name["be.txt"]["language"] == "be"
    assert by_name["mixed.txt"]["language"] == "bg"
    result = runner.invoke(cli, ["sources", "--store", str(lang_store)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    detail = {Path(lines[i]).name: lines[i + 1] for i in range(0, len(lines), 2)}
    assert detail["uk.txt"].split(" | ")[2] == "uk"
    assert detail["mixed.txt"].split(" | ")[2] == "bg+en"
    # --lang lists the documents `ask --lang` would search: by their main language
    result = runner.invoke(cli, ["sources", "--store", str(lang_store), "--lang", "bg", "--json"])
    assert result.exit_code == 0, result.output
    assert sorted(Path(d["file"]).name for d in json.loads(result.output)) == [
        "bg.txt",
        "mixed.txt",
    ]
    result = runner.invoke(
        cli, ["sources", "--store", str(lang_store), "--lang", "ru", "--lang", "BE"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(Path(line).name for line in result.output.splitlines()[::2]) == [
        "be.txt",
        "ru.txt",
    ]
    result = runner.invoke(cli, ["sources", "--store", str(lang_store), "--lang", "de"])
    assert (result.exit_code, result.output.strip()) == (0, "no documents in de")


def test_lang_filter_in_the_api(lang_store: Path) -> None:
    from rag import open_store

    rag = open_store(lang_store, create=False, backend="extractive")
    by_id = {d.doc_id: d.language for d in rag.sources()}
    question = "How many boxes of cigarettes were found?"  # en and uk sources both say 96
    passages = rag.retriever.retrieve(question, top_k=10)
    assert {by_id[p.doc_id] for p in passages} >= {"en", "uk"}
    for wanted in (("uk",), ("ru", "be")):
        from rag.retrieve import Filters

        passages = rag.retriever.retrieve(question, top_k=10, filters=Filters(languages=wanted))
        assert passages and {by_id[p.doc_id] for p in passages} <= set(wanted)
        assert all(p.language in wanted for p in passages)
    # Answers keep to the filter too: with English out, the English source is never cited
    # (answering across languages is the multilingual embedder's job, not tested here).
    answer = rag.ask(question, languages=["uk", "ru"])
    shown = [c.doc_id for c in answer.citations] + [p.doc_id for p in answer.closest]
    assert shown and {by_id[d] for d in shown} <= {"uk", "ru"}
    answer = rag.ask(question, languages=["en"])
    assert {by_id[c.doc_id] for c in answer.citations} == {"en"}
    assert any(c.quote.find("96 boxes") >= 0 for c in answer.citations)


def test_lang_filter_in_ask_and_batch(lang_store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    question = "How many boxes of cigarettes were found?"
    result = runner.invoke(
        cli, ["ask", question, "--store", str(lang_store), "--lang", "en", "--json"]
    )
    assert result.exit_code == 0, result.output
    sources = {Path(c["source"]).name for c in json.loads(result.output)["citations"]}
    assert sources == {"en.txt"}
    questions = tmp_path / "q.txt"
    questions.write_text(f"{question}\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["batch", str(questions), "--store", str(lang_store), "--lang", "uk"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[0])
    shown = [*record["citations"], *record["closest"]]  # an English question: it may abstain
    assert shown and {Path(c["source"]).name for c in shown} == {"uk.txt"}


def test_lang_filter_in_check(lang_store: Path) -> None:
    from rag import open_store

    claim = "Customs officers in Dover found 96 boxes of cigarettes."
    rag = open_store(lang_store, create=False, backend="extractive")
    result = rag.check(claim)
    assert result.verdict == "supported"
    assert {Path(c.source).name for c in result.citations} == {"en.txt"}
    # with English out, the English source is never cited, and the claim is not found
    # (the Ukrainian source has 96 boxes too, but in Uzhhorod)
    result = rag.check(claim, languages=["uk", "RU"])
    assert result.verdict == "not_found"
    shown = [*result.citations, *result.closest]
    assert shown and {Path(c.source).name for c in shown} <= {"uk.txt", "ru.txt"}
    # a document's main language is what the filter reads: mixed.txt (bg+en) is Bulgarian
    result = rag.check(claim, languages=["bg"])
    assert {Path(c.source).name for c in result.citations} <= {"mixed.txt"}
    runner = CliRunner()
    done = runner.invoke(
        cli, ["check", claim, "--store", str(lang_store), "--lang", "uk", "--json"]
    )
    assert done.exit_code == 0, done.output
    record = json.loads(done.output)
    listed = [*record["citations"], *record["closest"]]
    assert record["verdict"] == "not_found"
    assert listed and {Path(c["source"]).name for c in listed} == {"uk.txt"}


def test_lang_filter_in_the_ui_handlers(lang_store: Path) -> None:
    from rag import open_store
    from ui.bind import UIError
    from ui.handlers import Handlers

    handlers = Handlers(open_store(lang_store, create=False, backend="extractive"))
    choices = handlers.language_choices()
    assert choices[0] == ("Bulgarian (bg), 2", "bg")
    assert {code for _, code in choices} == {"be", "bg", "en", "ru", "uk"}
    result = handlers.ask("How many boxes of cigarettes were found?", languages=["en"])
    assert {Path(c["source"]).name for c in result["citations"]} == {"en.txt"}
    with pytest.raises(UIError, match="not a language code"):
        handlers.options(languages=["Russian!"])
    table = handlers.refresh()[0]
    assert '<td class="rag-lang">bg,en</td>' in table


def test_old_store_is_migrated_with_languages(lang_store: Path, tmp_path: Path) -> None:
    import shutil

    old = tmp_path / "old"
    shutil.copytree(lang_store, old)
    with sqlite3.connect(old / "manifest.sqlite") as db:  # a store from before languages
        db.execute("ALTER TABLE documents DROP COLUMN language")
        db.execute("ALTER TABLE documents DROP COLUMN page_ocr")
    docs = _by_file(old)
    assert {n: d.language for n, d in docs.items()} == {  # type: ignore[attr-defined]
        n: d.language  # type: ignore[attr-defined]
        for n, d in _by_file(lang_store).items()
    }
    with sqlite3.connect(old / "manifest.sqlite") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    assert {"language", "page_ocr"} <= columns


def test_the_question_language_is_told_among_the_callers_candidates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A RAG object passes its own settings' languages: the environment's may differ, and
    # building a settings object per question cost ~11 ms of every warm answer.
    from rag.question import question_language

    monkeypatch.setenv("RAG_LANGUAGES", "en,ru")
    question = "Сколько систем «Конкурс» отправила Болгария в США?"
    assert question_language(question) == "ru"
    assert question_language(question, candidates="en,ru") == "ru"
    assert question_language(question, candidates="en,bg") == "bg"
