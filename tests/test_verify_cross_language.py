"""An English answer sentence citing a Russian or Bulgarian quote is verified on its numbers,
dates and names (issue 10, item 4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rag.normalize import extract_dates, extract_quantities
from rag.verify import check_sentence

RU_ARMS = (
    "В 2015 г. Беларусь отправила в Болгарию 240 переносных противотанковых ракетных "
    "комплексов 9П135М «Конкурс» и 140 автоматических гранатомётов АГС-17 на общую сумму "
    "37,9 млн евро."
)
RU_TERMINAL = (
    "Компания «Северный терминал» 27 ноября 2024 г. открыла в порту Усть-Луга новый зерновой "
    "терминал. Первое судно приняло 1 200 тонн пшеницы."
)
RU_ALLEN = (
    "Представитель Командования специальных операций США капитан-лейтенант Мэтью Аллен "
    "в 2015 г. заявил изданию BuzzFeed, что Пентагон закупает ракеты в Беларуси."
)
BG_BRIDGE = "Общата стойност на проекта е 42,7 млн. лв. Ремонтът приключи на 14 септември 2024 г."


def test_cyrillic_numbers_are_read_with_their_conventions() -> None:
    values = {(q.value, q.unit) for q in extract_quantities(RU_ARMS)}
    # "37,9 млн евро" is one amount, not 37 and 9
    assert (Decimal(37_900_000), "EUR") in values
    assert not {Decimal(37), Decimal(9)} & {v for v, _ in values}
    assert [q.value for q in extract_quantities(RU_TERMINAL)] == [Decimal(1200)]
    assert {(q.value, q.unit) for q in extract_quantities(BG_BRIDGE)} == {
        (Decimal(42_700_000), "BGN")
    }


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        (RU_TERMINAL, (2024, 11, 27)),
        (BG_BRIDGE, (2024, 9, 14)),
        ("в ноябре 2023 г.", (2023, 11, None)),
    ],
)
def test_cyrillic_month_names_make_dates(text: str, ymd: tuple[int, int, int | None]) -> None:
    assert [(d.year, d.month, d.day) for d in extract_dates(text)] == [ymd]


@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        ("Belarus sent 240 Konkurs systems worth 37.9 million euros to Bulgaria in 2015.", RU_ARMS),
        ("The Ust-Luga terminal opened on 27 November 2024.", RU_TERMINAL),
        ("The first ship took on 1,200 tonnes of wheat.", RU_TERMINAL),
        (
            "Lt. Com. Matthew Allen told BuzzFeed in 2015 that the Pentagon bought missiles.",
            RU_ALLEN,
        ),
        ("The repair cost 42.7 million leva.", BG_BRIDGE),
    ],
)
def test_english_sentence_backed_by_a_cyrillic_quote(sentence: str, quote: str) -> None:
    check = check_sentence(sentence, [quote])
    assert check.ok, check.reason


@pytest.mark.parametrize(
    ("sentence", "quote", "wrong"),
    [
        ("Belarus sent 250 Konkurs systems to Bulgaria.", RU_ARMS, "250"),
        ("The deal was worth 39.7 million euros.", RU_ARMS, "39.7 million euros"),
        ("The terminal opened on 28 November 2024.", RU_TERMINAL, "28 November 2024"),
        (
            "John Allen told BuzzFeed in 2015 that the Pentagon bought missiles.",
            RU_ALLEN,
            "John Allen",
        ),
    ],
)
def test_wrong_figures_dates_and_names_fail_across_languages(
    sentence: str, quote: str, wrong: str
) -> None:
    check = check_sentence(sentence, [quote])
    assert not check.ok
    assert wrong in check.missing
