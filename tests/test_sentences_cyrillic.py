"""Sentence splitting of Russian, Belarusian, Bulgarian and Ukrainian text: razdel with the
profile's abbreviations, through ``sentence_spans`` (the function evidence selection uses).

Every text is a few sentences of our own; each test lists the sentences a reader sees, so a
split after an abbreviation or a missed sentence end fails it.
"""

from __future__ import annotations

import pytest

from index.languages import get_profile
from index.sentences import sentence_spans


def _sentences(text: str, language: str) -> list[str]:
    spans = sentence_spans(text, language=language)
    # offsets are exact: each span is the sentence itself, in order, nothing but blanks between
    position = 0
    for a, b in spans:
        assert a >= position and not text[position:a].strip(), (text[position:a], spans)
        assert text[a:b] == text[a:b].strip() and text[a:b]
        position = b
    assert not text[position:].strip()
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize("code", ["ru", "be", "bg", "uk"])
def test_cyrillic_profiles_split_with_razdel(code: str) -> None:
    assert get_profile(code).sentence_splitter == "razdel"


CASES = [
    # Russian: "г.", "т. е.", "и т.д.", initials, a month abbreviation before the year
    (
        "ru",
        "В 2024 г. компания получила 37,9 млн евро. А. Г. Лукашенко выступил 27 ноября 2024 г. "
        "в Минске. Выплаты, т. е. компенсации, получили 1 200 человек.",
        [
            "В 2024 г. компания получила 37,9 млн евро.",
            "А. Г. Лукашенко выступил 27 ноября 2024 г. в Минске.",
            "Выплаты, т. е. компенсации, получили 1 200 человек.",
        ],
    ),
    (
        "ru",
        "Суд изучил письма, договоры и т.д. Решение огласят позже. Офис находится на ул. "
        "Ленина, д. 5. Проф. Иванов там не работает. Платёж пришёл 3 дек. 2024 г.",
        [
            "Суд изучил письма, договоры и т.д.",
            "Решение огласят позже.",
            "Офис находится на ул. Ленина, д. 5.",
            "Проф. Иванов там не работает.",
            "Платёж пришёл 3 дек. 2024 г.",
        ],
    ),
    (
        "ru",
        "Сумма составила 5 тыс. руб. в месяц. Он сказал: «Мы не знали». Как это возможно? "
        "Никто не ответил!",
        [
            "Сумма составила 5 тыс. руб. в месяц.",
            "Он сказал: «Мы не знали».",
            "Как это возможно?",
            "Никто не ответил!",
        ],
    ),
    # Belarusian: razdel alone splits after "вул." and "праф." and misses the end after "і г.д."
    (
        "be",
        "У 2024 г. кампанія атрымала 37,9 млн еўра. А. Г. Лукашэнка выступіў у лістападзе "
        "2024 г. у Мінску. Суд вывучыў лісты, дамовы і г.д. Рашэнне агучаць пазней.",
        [
            "У 2024 г. кампанія атрымала 37,9 млн еўра.",
            "А. Г. Лукашэнка выступіў у лістападзе 2024 г. у Мінску.",
            "Суд вывучыў лісты, дамовы і г.д.",
            "Рашэнне агучаць пазней.",
        ],
    ),
    (
        "be",
        "Офіс на вул. Леніна, д. 5. Праф. Іваноў там не працуе. Было выплачана 5 тыс. руб. за "
        "месяц. Колькі? Ніхто не ведае, г.зн. сума невядомая.",
        [
            "Офіс на вул. Леніна, д. 5.",
            "Праф. Іваноў там не працуе.",
            "Было выплачана 5 тыс. руб. за месяц.",
            "Колькі?",
            "Ніхто не ведае, г.зн. сума невядомая.",
        ],
    ),
    # Bulgarian: "г.", "т.нар.", "т.е.", "гр.", "ул.", "д-р", "и др."
    (
        "bg",
        "През 2024 г. компанията получи 37,9 млн евро. Т.нар. реформа започна през ноември. "
        "Договорът е подписан на 27 ноември 2024 г. в София. Сумата е 1 200 лв.",
        [
            "През 2024 г. компанията получи 37,9 млн евро.",
            "Т.нар. реформа започна през ноември.",
            "Договорът е подписан на 27 ноември 2024 г. в София.",
            "Сумата е 1 200 лв.",
        ],
    ),
    (
        "bg",
        "Офисът е на ул. Раковски 5, т.е. в центъра. Той е роден в гр. Пловдив. Съдът прегледа "
        "писма, договори и др. Решението е окончателно. Д-р Петров го потвърди.",
        [
            "Офисът е на ул. Раковски 5, т.е. в центъра.",
            "Той е роден в гр. Пловдив.",
            "Съдът прегледа писма, договори и др.",
            "Решението е окончателно.",
            "Д-р Петров го потвърди.",
        ],
    ),
    # Ukrainian: "р." for the year, "вул.", "буд.", "проф."
    (
        "uk",
        "У 2024 р. компанія отримала 37,9 млн євро. Офіс на вул. Хрещатик, буд. 5. Проф. "
        "Іваненко там не працює. Суд вивчив листи, договори і т.д. Рішення оголосять пізніше.",
        [
            "У 2024 р. компанія отримала 37,9 млн євро.",
            "Офіс на вул. Хрещатик, буд. 5.",
            "Проф. Іваненко там не працює.",
            "Суд вивчив листи, договори і т.д.",
            "Рішення оголосять пізніше.",
        ],
    ),
]


@pytest.mark.parametrize(("code", "text", "expected"), CASES)
def test_abbreviations_and_initials_do_not_end_sentences(
    code: str, text: str, expected: list[str]
) -> None:
    assert _sentences(text, code) == expected


def test_a_year_abbreviation_before_a_capital_keeps_the_date_with_its_sentence() -> None:
    # "г." after a year is ambiguous before a capital: "в 2023 г. Следующий ..." ends a sentence,
    # "В 2024 г. Минск ..." does not. An opening date phrase stays with the fact it dates.
    text = "В 2024 г. Минск получил 12,5 млн евро. Срок истёк."
    assert _sentences(text, "ru") == ["В 2024 г. Минск получил 12,5 млн евро.", "Срок истёк."]
    text = "По данным на 1 января 2024 г. Минздрав насчитал 310 врачей."
    assert _sentences(text, "ru") == [text]


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        (
            "bg",
            "Мостът над Янтра прие първите коли на 2 май 2025 г. Ремонтът струва 4,1 млн. лв.",
            ["Мостът над Янтра прие първите коли на 2 май 2025 г.", "Ремонтът струва 4,1 млн. лв."],
        ),
        (
            "ru",
            "Завод открыли 3 марта 2024 г. Стоимость составила 2 млрд руб.",
            ["Завод открыли 3 марта 2024 г.", "Стоимость составила 2 млрд руб."],
        ),
        (
            "uk",
            "Лікарня прийняла перших пацієнтів 3 березня 2025 р. Будівництво тривало 22 місяці.",
            [
                "Лікарня прийняла перших пацієнтів 3 березня 2025 р.",
                "Будівництво тривало 22 місяці.",
            ],
        ),
    ],
)
def test_a_year_abbreviation_ending_a_clause_ends_the_sentence(
    code: str, text: str, expected: list[str]
) -> None:
    # razdel joins "г." before a capital (it reads "г." as an initial, "г. Иванов"): the two
    # facts would be one quote, and the figures of both one sentence's
    assert _sentences(text, code) == expected


def test_offsets_are_in_the_document_with_a_passage_window_and_line_breaks() -> None:
    head = "Заголовок: Отчёт\n\n"
    body = "Проф. Іваноў\nвыступіў 27 лістапада 2024 г. у Мінску.   Журналістаў затрымалі."
    text = head + body + "\n\nКанец."
    spans = sentence_spans(text, len(head), len(head) + len(body), language="be")
    assert [text[a:b] for a, b in spans] == [
        "Проф. Іваноў\nвыступіў 27 лістапада 2024 г. у Мінску.",
        "Журналістаў затрымалі.",
    ]
    assert spans[0][0] == len(head)


@pytest.mark.parametrize(
    ("code", "text", "quotes"),
    [
        (
            "be",
            "Рэдакцыя працавала на вул. Леніна ў Мінску. Праф. Іваноў пацвердзіў гэта ў 2024 г.",
            [
                "Рэдакцыя працавала на вул. Леніна ў Мінску.",
                "Праф. Іваноў пацвердзіў гэта ў 2024 г.",
            ],
        ),
        (
            "bg",
            "Проверката обхвана складове, офиси и др. Митницата в гр. Бургас задържа 96 кашона.",
            [
                "Проверката обхвана складове, офиси и др.",
                "Митницата в гр. Бургас задържа 96 кашона.",
            ],
        ),
    ],
)
def test_evidence_units_of_a_cyrillic_document_under_an_english_question(
    code: str, text: str, quotes: list[str]
) -> None:
    """The evidence stage cuts a document by its own language's rules (razdel with the
    profile), whatever the question's language; every quote is the exact span."""
    from rag.evidence import units
    from rag.records import Passage

    passage = Passage(
        "c", "d", "d.txt", "T", "2024-01-01", "document", text, 0, len(text), 0.1, language=code
    )
    found = units(passage, text, "en")
    assert [u.quote for u in found] == quotes
    assert all(text[u.start : u.end] == u.quote for u in found)
