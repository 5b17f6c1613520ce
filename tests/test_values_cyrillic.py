"""Numbers, dates and question words of Russian, Belarusian, Bulgarian and Ukrainian, read
through the language profiles (issue 10, item 4): the values the verifier compares and the
answer kind a question asks for (rag/question.py with the question's profile)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rag.normalize import extract_dates, extract_quantities
from rag.question import analyze
from rag.verify import check_sentence


@pytest.mark.parametrize(
    ("text", "value", "unit", "written"),
    [
        ("Доход составил 5 тыс. руб. в месяц.", 5_000, "RUB", "5 тыс. руб"),
        ("Бюджет проекта — 1,2 млрд долларов.", 1_200_000_000, "USD", "1,2 млрд долларов"),
        ("Расходы составили 1 200 000 руб. за год.", 1_200_000, "RUB", "1 200 000 руб"),
        ("Выплацілі 12 тыс. еўра кампенсацыі.", 12_000, "EUR", "12 тыс. еўра"),
        ("Стойността е 150 хил. лв. без ДДС.", 150_000, "BGN", "150 хил. лв"),
        ("Уряд виділив 3,5 млрд грн на ремонт.", 3_500_000_000, "UAH", "3,5 млрд грн"),
        # signs before or after the number, as Russian news writes them
        ("Сделка оценивается в $4,3 млрд, сообщил источник.", 4_300_000_000, "USD", "$4,3 млрд"),
        ("Контракт на 37,9 млн € подписан.", 37_900_000, "EUR", "37,9 млн €"),
        ("Цены выросли на 12,5% за год.", Decimal("12.5"), "%", "12,5%"),
        ("Инфляция составила 7,4 % в ноябре.", Decimal("7.4"), "%", "7,4 %"),
    ],
)
def test_cyrillic_amounts_keep_scale_and_unit(
    text: str, value: int | Decimal, unit: str, written: str
) -> None:
    (q,) = extract_quantities(text)
    assert (q.value, q.unit, q.text) == (Decimal(value), unit, written)
    assert text[q.start : q.end] == written


@pytest.mark.parametrize(
    ("text", "ymd", "written"),
    [
        ("Суд отложил дело 27 ноября 2024 г. без объяснений.", (2024, 11, 27), "27 ноября 2024"),
        ("Тэрмінал адкрылі ў лістападзе 2024 г. у Гродне.", (2024, 11, None), "лістападзе 2024"),
        ("Дамову падпісалі 1 студзеня 2025 года.", (2025, 1, 1), "1 студзеня 2025"),
        ("Договорът е подписан на 27 ноември 2024 г.", (2024, 11, 27), "27 ноември 2024"),
        ("Ремонтът започна през март 2023 г.", (2023, 3, None), "март 2023"),
        ("Термінал відкрили у листопаді 2024 року.", (2024, 11, None), "листопаді 2024"),
        ("Платёж пришёл 3 дек. 2024 г.", (2024, 12, 3), "3 дек. 2024"),
    ],
)
def test_month_names_in_their_cases_make_dates(
    text: str, ymd: tuple[int, int, int | None], written: str
) -> None:
    (d,) = extract_dates(text)
    assert ((d.year, d.month, d.day), d.text) == (ymd, written)


@pytest.mark.parametrize(
    ("code", "question", "kind"),
    [
        ("ru", "Сколько комплексов отправила Беларусь в Болгарию?", "number"),
        ("ru", "Сколько стоила сделка?", "amount"),
        ("ru", "Когда открыли зерновой терминал?", "date"),
        ("ru", "В каком году подписали договор?", "date"),
        ("ru", "Кто подписал контракт с Болгарией?", "person"),
        ("ru", "Где находится новый терминал?", "place"),
        ("ru", "Почему суд отложил решение?", "reason"),
        ("be", "Колькі сістэм перадала Сафія?", "number"),
        ("be", "Калі адкрылі тэрмінал у Гродне?", "date"),
        ("be", "Хто падпісаў кантракт?", "person"),
        ("be", "Дзе знаходзіцца тэрмінал?", "place"),
        ("bg", "Колко системи е предала София?", "number"),
        ("bg", "Колко струва ремонтът на моста?", "amount"),
        ("bg", "Кога отвори терминалът?", "date"),
        ("bg", "Кой подписа договора?", "person"),
        ("bg", "Къде се намира терминалът?", "place"),
        ("uk", "Скільки систем передала Софія?", "number"),
        ("uk", "Коли відкрили термінал?", "date"),
        ("uk", "Хто підписав контракт?", "person"),
        ("uk", "Де знаходиться термінал?", "place"),
    ],
)
def test_question_words_set_the_answer_kind(code: str, question: str, kind: str) -> None:
    q = analyze(question, code)
    assert q.kind == kind
    assert q.language == code
    # the question phrase is not a topic the evidence must repeat
    first = question.split()[0].lower()
    assert first not in q.focus


@pytest.mark.parametrize(
    ("code", "question", "kind"),
    [
        # no question word of a kind: the noun asked about sets it
        ("ru", "Какой суммы достиг ущерб?", "amount"),
        ("ru", "Какова общая стоимость проекта?", "amount"),
        ("ru", "Какое население Гродно?", "number"),
        ("ru", "Какова дата подписания договора?", "date"),
        ("be", "Якая вартасць праекта?", "amount"),
        ("bg", "Каква е общата стойност на проекта?", "amount"),
        ("uk", "Яка вартість проєкту?", "amount"),
        ("uk", "Який збиток завдала повінь?", "amount"),
        # the noun after the verb is not what is asked: "which companies", a list
        ("ru", "Какие компании получили штраф?", "list"),
        ("ru", "Что сказал журналист о штрафе?", "definition"),
        # "ё" written out
        ("ru", "Во сколько обошёлся ремонт моста?", "amount"),
    ],
)
def test_the_noun_asked_about_sets_the_kind(code: str, question: str, kind: str) -> None:
    assert analyze(question, code).kind == kind


@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        ("The price rose 12.5%.", "Цены выросли на 12,5% за год."),
        ("The deal was worth $4.3 billion.", "Сделка оценивается в $4,3 млрд, сообщил источник."),
        ("The contract was worth €37.9 million.", "Контракт на 37,9 млн € подписан."),
    ],
)
def test_english_sentence_checked_on_a_cyrillic_number_with_its_sign(
    sentence: str, quote: str
) -> None:
    check = check_sentence(sentence, [quote])
    assert check.ok, check.reason
    wrong = sentence.replace("12.5", "12.6").replace("4.3", "3.4").replace("37.9", "39.7")
    assert not check_sentence(wrong, [quote]).ok


def test_a_count_question_is_not_answered_by_a_sum_in_any_profile_currency() -> None:
    # every currency of every profile (лв., руб., грн., евро, $) is money, not a count
    from rag.question import value_candidates

    q = analyze("Колко системи е доставила фирмата?", "bg")
    assert q.kind == "number"
    text = "Фирмата е доставила 14 системи за 2,5 млн. лв. през 2019 г."
    assert [s[0] for s in value_candidates(q, text)] == ["14"]
    q = analyze("Сколько систем поставила фирма?", "ru")
    text = "Фирма поставила 14 систем на сумму 300 тыс. рублей."
    assert [s[0] for s in value_candidates(q, text)] == ["14"]
