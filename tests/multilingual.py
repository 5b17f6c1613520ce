"""Short sources of our own in Russian, Belarusian, Bulgarian, Ukrainian and English (written
for these tests; the facts are invented). Shared by the language and OCR tests."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "ru": (
        "Таможня задержала грузовик с патронами\n\n"
        "Сотрудники таможни в Бресте задержали грузовик, в котором нашли 240 ящиков патронов. "
        "По данным следствия, груз стоимостью 3,7 млн рублей направлялся в Сербию через "
        "Польшу. Водитель заявил, что не знал о содержимом кузова."
    ),
    "be": (
        "Мытня затрымала вагоны з угнаеннямі\n\n"
        "Беларуская мытня затрымала 18 вагонаў з калійнымі ўгнаеннямі на станцыі Брэст. "
        "Паводле дакументаў, груз належаў прыватнай кампаніі з Гродна, а пакупнік у Літве "
        "адмовіўся яго прымаць. Справу перадалі ў суд."
    ),
    "bg": (
        "Пристанището във Варна прие кораба\n\n"
        "Пристанището във Варна прие кораба „Северен вятър“ с 312 контейнера на борда. "
        "Според митницата товарът е бил обявен като селскостопанска техника, но при проверката "
        "са открити резервни части за военни камиони."
    ),
    "uk": (
        "Митниця затримала вантажівку\n\n"
        "Працівники митниці в Ужгороді затримали вантажівку, у якій знайшли 96 ящиків "
        "сигарет. За даними слідства, вантаж мали перевезти до Угорщини."
    ),
    "en": (
        "Customs seize a lorry full of cigarettes\n\n"
        "Customs officers in Dover stopped a lorry carrying 96 boxes of cigarettes. According "
        "to investigators, the cargo was bound for a warehouse in Calais."
    ),
}

# Short questions, as users type them (each in the language of its key).
QUESTIONS: dict[str, str] = {
    "ru": "Сколько ящиков патронов нашли в грузовике?",
    "be": "Колькі вагонаў затрымала мытня?",
    "bg": "Колко контейнера имаше на кораба?",
    "uk": "Скільки ящиків сигарет знайшли митники?",
    "en": "How many boxes of cigarettes were found?",
}
