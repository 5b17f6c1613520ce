"""The answer values of a sentence in another language than the question (rag.crosslang):
its candidate values of the kind asked for, the question's own left out, and the one whose
words around it are closest in meaning to the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from index.languages import UnknownLanguage, get_profile
from rag.candidates import candidate_names
from rag.crosslang_match import _asked_name, _similarities, place_stems
from rag.measure import bound_class, keyed_forms, measure_class, word_forms
from rag.named import titled_person
from rag.question import NAME_KINDS, Question, new_quantities, value_candidates
from rag.titles import untitled

if TYPE_CHECKING:
    from rag.evidence import Unit


def _titles(language: str) -> list[str]:
    try:
        return get_profile(language).titles
    except UnknownLanguage:
        return []


_QUOTES = {"«": "»", "„": "“", "“": "”", '"': '"'}
_QUOTED = 60  # characters a quoted name may run to


def _quoted_whole(text: str, name: str, at: int) -> tuple[str, int, int]:
    """A name opening a quotation is the whole quotation: «Северный путь», of which only
    "Северный" is capitalised."""
    opening = text[at - 1 : at] if at else ""
    closing = _QUOTES.get(opening)
    if closing:
        end = text.find(closing, at + len(name))
        if at + len(name) <= end <= at + _QUOTED and not any(c in text[at:end] for c in ".;!?"):
            return text[at:end], at, end
    return name, at, at + len(name)


def _place_adjective(name: str, language: str) -> bool:
    """A one-word "name" that is a place made an adjective ("Житомирської" of "Житомирської
    області"): it names no one and nothing asked for, only where something is."""
    return " " not in name and bool(place_stems(name, language))


def value_spans(q: Question, text: str, language: str = "") -> list[tuple[str, int, int]]:
    """Candidate answer values in ``text`` (written in ``language``; offsets in it), the
    question's own left out."""
    if q.kind in ("number", "amount"):
        language = language or q.language
        if q.kind == "number" and _asks_mass(q):
            # "how much work did the contractor do": a quantity of what is not counted is a
            # sum or a measure ("работы ... на 19,3 млн руб."), not a count ("12 рабочих")
            # nor a share
            return [
                (x.text, x.start, x.end)
                for x in new_quantities(q, text, language)
                if x.unit not in (None, "%") or bound_class(text, x.end, language) is not None
            ]
        return _measured(q, text, value_candidates(q, text, language), language)
    if q.kind == "date":
        return value_candidates(q, text)
    if q.kind in NAME_KINDS:
        spans = [
            untitled(_quoted_whole(text, name, at), language or q.language, text)
            for name, at in candidate_names(q, text, lambda name: _asked_name(q, name))
            if not _place_adjective(name, language or q.language)
        ]
        if q.kind == "organisation":
            # a titled person is no organisation, whatever firm their title names
            spans = [
                s for s in spans if not titled_person(text, s[1], s[2], language or q.language)
            ]
        if q.kind == "person":
            # across languages nothing else tells a person from a place ("Твери"): a
            # person's name has two words or follows a title
            titles = {t.lower() for t in _titles(language)}
            spans = [
                s
                for s in spans
                if len(s[0].split()) >= 2
                or (text[: s[1]].split() or [""])[-1].strip(".,").lower() in titles
            ]
        return spans
    return []


def _measured(
    q: Question, text: str, spans: list[tuple[str, int, int]], language: str
) -> list[tuple[str, int, int]]:
    """Of a number or amount question's candidate values, those that can answer it across
    languages, where no word of the question can be matched in the sentence: an amount is
    a figure with a currency or percent (a bare "18" beside no sum is none); a count of
    things is no measure ("how many cars" is not answered by "18 месеца", "how many ships"
    not by "50,000 tonnes"), and a measure asked for is answered by that class of unit only
    ("how many months" by "18 месеца", not by "60 000 автомобила"). Units by class are the
    profiles' data (rag.measure)."""
    if q.kind == "amount":
        priced = {x.start for x in new_quantities(q, text, language) if x.unit is not None}
        return [s for s in spans if s[1] in priced]
    if q.wants_percent:
        # "what share of the staff": a percentage answers, whatever the noun after it
        shares = {x.start for x in new_quantities(q, text, language) if x.unit == "%"}
        return [s for s in spans if s[1] in shares]
    if not q.target_text:
        if q.measure:
            money = {
                x.start for x in new_quantities(q, text, language) if x.unit not in (None, "%")
            }
            if _names_amount(q):
                # "how big was the grant": the size of a sum is a sum, not "15%"
                return [s for s in spans if s[1] in money]
            # "how long", "how far": a measure, never a sum ("14,2 млн. лв.")
            return [s for s in spans if s[1] not in money]
        return spans  # "how much": nothing says what is counted
    head = q.target_text.split()[:2]  # the counted noun and its adjective, as in rag.candidates
    asked = next((c for w in head if (c := measure_class(w, q.language))), None)
    if not _names_currency(head, q.language):
        # "how many submarines" is not answered by a sum ("42,7 млн. лв."), nor by a share
        # ("40%"): a percentage counts no thing
        money = {x.start for x in new_quantities(q, text, language) if x.unit is not None}
        spans = [s for s in spans if s[1] not in money]
    return [s for s in spans if bound_class(text, s[2], language) == asked]


def _names_amount(q: Question) -> bool:
    """Does the question name a sum of money (its profile's amount nouns: "grant", "loan",
    "бюджет")? Then its size is that sum."""
    nouns = keyed_forms(q.language, "kind_nouns")
    return any(
        nouns.get(f) == "amount"
        for w in re.findall(r"[^\W\d_]+", q.text)
        for f in word_forms(w, q.language)
    )


def _asks_mass(q: Question) -> bool:
    """Does a mass question phrase of the profile stand right before the question's noun
    ("how much *work*"; not "how much *of* the budget", which a share may answer), a noun
    that is no unit of measure ("how much *water*" asks for its class of unit)?"""
    if not q.target_text or any(measure_class(w, q.language) for w in q.target_text.split()[:2]):
        return False
    lowered = " ".join(q.text.lower().split())
    for phrase in get_profile(q.language).mass_questions:
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}\s+(\w+)", lowered):
            if q.target_text.lower().startswith(m.group(1)):
                return True
    return False


def _names_currency(words: Sequence[str], language: str) -> bool:
    """Does one of ``words`` name a currency of ``language``'s profile ("рублей", "euros")?"""
    currencies = get_profile(language).currencies
    return any(w.strip("?,.;:!") in currencies for w in words)


def _window(text: str, start: int, end: int, words: int) -> str:
    """A value with up to ``words`` words either side of it in its sentence: what it is
    said of ("arrested 14 people and seized", "а ещё 80 – Саудовской Аравии.")."""
    before = text[:start].split()[-words:]
    after = text[end:].split()[:words]
    return " ".join([*before, text[start:end], *after])


def _bind_all(
    q: Question,
    candidates: Sequence[Unit],
    spans: Sequence[list[tuple[str, int, int]]],
    embedder: Any,
    words: int,
) -> list[tuple[tuple[str, int, int], float] | None]:
    """Per unit, its value most similar (in its context) to the question, and that
    similarity; None for a unit without candidate values. One batch for all of them."""
    windows = [
        _window(unit.quote, start, end, words)
        for unit, found in zip(candidates, spans, strict=True)
        for _, start, end in found
    ]
    if not windows:
        return [None] * len(candidates)
    similarities = _similarities(q, windows, embedder)
    out: list[tuple[tuple[str, int, int], float] | None] = []
    i = 0
    for found in spans:
        if not found:
            out.append(None)
            continue
        scores = [float(x) for x in similarities[i : i + len(found)]]
        i += len(found)
        best = max(range(len(found)), key=lambda j: (scores[j], -found[j][1]))
        out.append((found[best], scores[best]))
    return out


def _several_figures(q: Question, text: str, language: str) -> bool:
    """For a count question: does ``text`` hold more than one figure the question does not
    give, whatever its unit? Across languages nothing reads which figure counts what, so a
    sum beside a count ("4,6 млрд рублей ... 26 месяцев") leaves the count unverified too.
    (An amount question asks for the one figure with a currency or percent: a bare count
    beside it does not make it ambiguous.)"""
    return q.kind == "number" and len(new_quantities(q, text, language)) > 1
