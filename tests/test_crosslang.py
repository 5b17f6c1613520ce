"""The cross-language path's parts that need no model: which sentences it takes, the premise
gaps it keeps, the question it answers, numbers read by their own words, names across
scripts. Answers with the real multilingual model: tests/test_xlang_answers.py."""

from __future__ import annotations

from decimal import Decimal

from index.translit import names_match
from rag.crosslang import focus_text, is_cross, names, refine, value_gaps_only, value_spans
from rag.normalize import extract_quantities
from rag.pipeline import question_language
from rag.question import analyze


def test_only_two_known_different_languages_make_a_sentence_cross_language() -> None:
    assert is_cross("en", "ru")
    assert not is_cross("en", "en")
    assert not is_cross("en", "und")
    assert not is_cross("", "ru")


def test_the_question_language_is_detected() -> None:
    assert question_language("How many Konkurs systems did Sofia hand over?") == "en"
    assert question_language("Сколько тонн удобрений перевезла компания?") == "ru"
    assert question_language("Колко спирки ще има трамвайната линия в Пловдив?") == "bg"


def test_a_name_spelt_in_another_language_is_no_premise_gap_but_a_number_is() -> None:
    assert value_gaps_only(["United States", "Saudi Arabia", "240", "1 December 2024"]) == [
        "240",
        "1 December 2024",
    ]


def test_a_capitalised_question_word_is_not_a_name() -> None:
    q = analyze("Кто руководит компанией Baltic Reefer Lines?", "ru")
    assert names(q) == ["Baltic Reefer Lines"]
    assert focus_text(q) == "Кто руководит компанией ?"


def test_who_is_with_a_role_asks_for_a_person_and_who_is_a_name_for_a_definition() -> None:
    assert refine(analyze("Who is Oleg Morozov's lawyer?", "en")).kind == "person"
    assert refine(analyze("Who is Oleg Morozov?", "en")).kind == "definition"


def test_a_person_answer_across_languages_has_two_words_or_a_title() -> None:
    q = refine(analyze("Who is Oleg Morozov's lawyer?", "en"))
    text = (
        "Октябрьский районный суд Твери приговорил директора водоканала Олега Морозова к 6 "
        "годам колонии. Его адвокат Наталья Кравец заявила, что приговор будет обжалован."
    )
    assert [s[0] for s in value_spans(q, text, "ru")] == ["Наталья Кравец"]


def test_the_question_s_own_names_are_no_answer_in_any_script() -> None:
    q = analyze("Which city was Lukashenko visiting when he said Assad was not a dictator?", "en")
    text = "Во вторник Лукашенко во время поездки в Борисов сказал, что Асад не диктатор."
    assert [s[0] for s in value_spans(q, text, "ru")] == ["Борисов"]


def test_a_number_follows_the_conventions_of_its_own_words_in_a_mixed_text() -> None:
    text = "Officers seized 6,200 cartons. Найбольш доўгі тэрмін: 37,9 млн евро и 1 200 тонн."
    values = {q.text: q.value for q in extract_quantities(text)}
    assert values["6,200"] == Decimal(6200)
    assert values["37,9 млн евро"] == Decimal(37900000)
    assert values["1 200"] == Decimal(1200)


def test_a_hard_c_transliterates_as_k() -> None:
    assert names_match("Calafat", "Калафат")
    assert names_match("Matthew Allen", "Мэтью Аллен")
    assert not names_match("Calafat", "Салафат")
