"""Language detection: accuracy on short ru/be/bg/uk/en texts and load time, per library.

    .venv/bin/python bench/lang_bench.py

Each library runs in its own fresh process so its load time is a cold start. The texts are
short on purpose (a headline, a question, a sentence): that is where detectors differ.
"""

from __future__ import annotations

import json
import subprocess
import sys

TEXTS: dict[str, list[str]] = {
    "ru": [
        "Новости дня",
        "Кто подписал?",
        "Доклад суда",
        "Сколько стоит?",
        "Итоги года в Минске",
        "Где деньги?",
        "Сколько систем было продано?",
        "Министерство обороны опубликовало отчёт в среду.",
        "Когда был подписан контракт?",
        "Суд отклонил жалобу компании.",
        "По данным следствия, деньги ушли через три банка.",
        "Кто руководил заводом в 2019 году?",
        "Эти документы получила наша редакция.",
        "Цена выросла на 37,9 млн евро.",
        "Где находится штаб-квартира фирмы?",
        "Журналисты нашли новые доказательства.",
    ],
    "be": [
        "Навіны дня",
        "Хто падпісаў?",
        "Справаздача суда",
        "Колькі каштуе?",
        "Вынікі года ў Мінску",
        "Дзе грошы?",
        "Колькі сістэм было прададзена?",
        "Міністэрства абароны апублікавала справаздачу ў сераду.",
        "Калі быў падпісаны кантракт?",
        "Суд адхіліў скаргу кампаніі.",
        "Паводле следства, грошы пайшлі праз тры банкі.",
        "Хто кіраваў заводам у 2019 годзе?",
        "Гэтыя дакументы атрымала наша рэдакцыя.",
        "Кошт вырас на 37,9 млн еўра.",
        "Дзе знаходзіцца штаб-кватэра фірмы?",
        "Журналісты знайшлі новыя доказы.",
    ],
    "bg": [
        "Новини на деня",
        "Кой подписа?",
        "Докладът на съда",
        "Колко струва?",
        "Равносметка за годината в София",
        "Къде са парите?",
        "Колко системи са продадени?",
        "Министерството на отбраната публикува доклад в сряда.",
        "Кога е подписан договорът?",
        "Съдът отхвърли жалбата на компанията.",
        "Според разследването парите са минали през три банки.",
        "Кой ръководеше завода през 2019 година?",
        "Тези документи бяха получени от нашата редакция.",
        "Цената се е увеличила с 37,9 млн евро.",
        "Къде се намира централата на фирмата?",
        "Журналистите откриха нови доказателства.",
    ],
    "uk": [
        "Новини дня",
        "Хто підписав?",
        "Звіт суду",
        "Скільки коштує?",
        "Підсумки року в Києві",
        "Де гроші?",
        "Скільки систем було продано?",
        "Міністерство оборони опублікувало звіт у середу.",
        "Коли було підписано контракт?",
        "Суд відхилив скаргу компанії.",
        "За даними слідства, гроші пішли через три банки.",
        "Хто керував заводом у 2019 році?",
        "Ці документи отримала наша редакція.",
        "Ціна зросла на 37,9 млн євро.",
        "Де знаходиться штаб-квартира фірми?",
        "Журналісти знайшли нові докази.",
    ],
    "en": [
        "News of the day",
        "Who signed?",
        "Court report",
        "How much?",
        "The year in Minsk",
        "Where is the money?",
        "How many systems were sold?",
        "The defence ministry published a report on Wednesday.",
        "When was the contract signed?",
        "The court rejected the company's complaint.",
        "According to investigators, the money went through three banks.",
        "Who ran the plant in 2019?",
        "Our newsroom obtained these documents.",
        "The price rose by 37.9 million euros.",
        "Where is the firm's headquarters?",
        "Reporters found new evidence.",
    ],
}

_CHILD = r"""
import json, sys, time
texts = json.loads(sys.stdin.read())
lib = sys.argv[1]
t0 = time.perf_counter()
if lib == "lingua":
    from lingua import LanguageDetectorBuilder
    det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    def detect(t):
        lang = det.detect_language_of(t)
        return lang.iso_code_639_1.name.lower() if lang else "und"
elif lib == "lingua-lazy":
    from lingua import LanguageDetectorBuilder
    det = LanguageDetectorBuilder.from_all_languages().build()
    def detect(t):
        lang = det.detect_language_of(t)
        return lang.iso_code_639_1.name.lower() if lang else "und"
elif lib == "lingua-5":
    # What index/language.py does by default: the five languages of RAG_LANGUAGES, lazily.
    from lingua import IsoCode639_1, LanguageDetectorBuilder
    codes = [IsoCode639_1.from_str(c) for c in ("en", "ru", "be", "bg", "uk")]
    det = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
    def detect(t):
        lang = det.detect_language_of(t)
        return lang.iso_code_639_1.name.lower() if lang else "und"
elif lib == "lingua-low":
    from lingua import LanguageDetectorBuilder
    det = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
    def detect(t):
        lang = det.detect_language_of(t)
        return lang.iso_code_639_1.name.lower() if lang else "und"
elif lib == "lingua-low-preloaded":
    from lingua import LanguageDetectorBuilder
    det = (LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode()
           .with_preloaded_language_models().build())
    def detect(t):
        lang = det.detect_language_of(t)
        return lang.iso_code_639_1.name.lower() if lang else "und"
else:
    import py3langid
    def detect(t):
        return py3langid.classify(t)[0]
load = time.perf_counter() - t0
t1 = time.perf_counter()
got = {lang: [detect(t) for t in items] for lang, items in texts.items()}
run = time.perf_counter() - t1
print(json.dumps({"load": load, "run": run, "got": got}))
"""


def main() -> None:
    n = sum(len(v) for v in TEXTS.values())
    print(f"{n} short texts (ru/be/bg/uk/en, 16 each: 6 of 1-5 words, 10 sentences)")
    print(
        "| library | load s (cold, incl. first use) | ms/text | accuracy | "
        + " | ".join(TEXTS)
        + " |"
    )
    libs = sys.argv[1:] or ["lingua-5", "lingua", "lingua-lazy", "lingua-low",
                            "lingua-low-preloaded", "py3langid"]  # fmt: skip
    for lib in libs:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, lib],
            input=json.dumps(TEXTS),
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout)
        per = {
            lang: sum(g == lang for g in result["got"][lang]) / len(TEXTS[lang]) for lang in TEXTS
        }
        total = sum(sum(g == lang for g in result["got"][lang]) for lang in TEXTS) / n
        cells = " | ".join(f"{per[lang]:.0%}" for lang in TEXTS)
        print(
            f"| {lib} | {result['load']:.2f} | {1000 * result['run'] / n:.1f} | "
            f"{total:.0%} | {cells} |"
        )
        wrong = {lang: [g for g in result["got"][lang] if g != lang] for lang in TEXTS}
        print("   wrong:", {k: v for k, v in wrong.items() if v})


if __name__ == "__main__":
    main()
