"""The cross-language path's parts that need no model: which sentences it takes, the premise
gaps it keeps, the question it answers, numbers read by their own words, names across
scripts. Answers with the real multilingual model: tests/test_xlang_answers.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from index.settings import get_settings
from index.translit import names_match
from rag.compose.extractive import answer_value, compose
from rag.crosslang import (
    focus_text,
    is_cross,
    names,
    notes,
    refine,
    score_units,
    value_gaps_only,
    value_spans,
)
from rag.evidence import Unit
from rag.normalize import extract_quantities
from rag.pipeline import question_language
from rag.question import analyze
from rag.records import Passage


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


class _FlatEmbedder:
    """Every text the same vector: similarity tells nothing, so only the candidate count
    decides whether a value is led with (the rule under test)."""

    def embed_documents(self, texts: list[str]) -> Any:
        import numpy as np

        return np.ones((len(texts), 4)) / 2

    def embed_query(self, text: str) -> Any:
        import numpy as np

        return np.ones(4) / 2


def _russian_unit(text: str) -> Unit:
    passage = Passage(
        "c1",
        "ru-doc",
        "ru-doc.txt",
        "Оружие",
        "2024-01-01",
        "file",
        text,
        0,
        len(text),
        1.0,
        language="ru",
    )
    return Unit(passage, 0, len(text), text, text)


_SEVERAL = (
    "В 2015 г. Беларусь отправила в Болгарию 240 переносных комплексов «Конкурс» и 140 "
    "автоматических гранатомётов АГС-17."
)
_ONE = "В 2015 г. Беларусь отправила в Болгарию 240 переносных комплексов «Конкурс»."


def test_a_foreign_sentence_with_several_values_gets_no_lead_value_but_keeps_its_rank() -> None:
    q = analyze("How many Konkurs missile systems did Belarus send to Bulgaria in 2015?", "en")
    several, one = _russian_unit(_SEVERAL), _russian_unit(_ONE)
    scored = score_units(q, [several, one], get_settings(), _FlatEmbedder())
    by_text = {e.unit.quote: e for e in scored}
    assert by_text[_SEVERAL].value is None
    assert by_text[_SEVERAL].has_value  # it holds values of the kind: no penalty
    assert by_text[_ONE].value == ("240", _ONE.index("240"), _ONE.index("240") + 3)
    # the composer does not read the foreign sentence with the question's own binding either
    assert answer_value(q, by_text[_SEVERAL]) is None
    composed = compose(q, [by_text[_SEVERAL]], 0.5)
    assert [s.text for s in composed.sentences] == [_SEVERAL]
    said = notes(q, [by_text[_SEVERAL]])
    assert len(said) == 2 and "several possible answers" in said[1]
    assert len(notes(q, [by_text[_ONE]])) == 1
    assert len(notes(q, [by_text[_SEVERAL]], extractive=False)) == 1


_SUM_AND_COUNT = "Строительство обошлось в 4,6 млрд рублей и заняло 26 месяцев."


def test_a_sum_beside_a_count_leaves_the_count_unverified_across_languages() -> None:
    # a count question drops the sum as a candidate (money is no count), but across
    # languages nothing reads which figure counts what: 26 is not led with
    q = analyze("How many people work at the terminal?", "en")
    unit = _russian_unit(_SUM_AND_COUNT)
    (scored,) = score_units(q, [unit], get_settings(), _FlatEmbedder())
    assert scored.value is None
    assert answer_value(q, scored) is None
    said = notes(q, [scored])
    assert len(said) == 2 and "several possible answers" in said[1]
