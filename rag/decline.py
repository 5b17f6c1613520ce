"""What a declined answer says, in the question's language.

A Russian question is declined in Russian ("В источниках нет ответа на вопрос «…»"), with
the reason in Russian too: the phrases are data in each language profile's ``labels``
(``decline``, ``decline_yesno``, ``mention_but_not``, ``do_not_give``, ``lack_*``,
``what_*``, ``assumes``), each with the English profile's wording as its fallback, so a
profile lacking one still says it, in English.
"""

from __future__ import annotations

from index.languages import available_languages, get_profile

__all__ = ["assumed", "decline_openings", "decline_text", "lack", "missing_reason"]


def _label(language: str, key: str) -> str:
    # the English profile's wording is the fallback (and the one copy of it)
    return get_profile(language).label(key, get_profile("en").labels[key])


def decline_text(language: str, topic: str, yesno: bool, missing: str, closest: bool) -> str:
    """The whole decline: what was asked, why it is not answered, where to look."""
    text = _label(language, "decline_yesno" if yesno else "decline").format(topic=topic)
    if missing:
        text += f"; {missing}"
    text += "."
    if closest:
        text += " " + _label(language, "closest")
    return text


def lack(language: str, key: str, **values: str) -> str:
    """One phrase of what is lacking: ``key`` is ``what_<kind>`` or ``lack_<part>``."""
    if key.startswith("what_") and key not in get_profile("en").labels:
        key = "what_other"
    return _label(language, key).format(**values)


def missing_reason(language: str, about: str, lacking: str) -> str:
    """ "they mention X but not Y" / "they do not give Y"."""
    if about:
        return _label(language, "mention_but_not").format(about=about, lack=lacking)
    return _label(language, "do_not_give").format(lack=lacking)


def assumed(language: str, missing: str, text: str) -> str:
    """An answer whose question takes for granted what the sources do not hold."""
    return _label(language, "assumes").format(missing=missing, text=text)


def decline_openings() -> tuple[str, ...]:
    """How a decline begins in every language with a profile (the UI tells a decline the
    pipeline wrote from an abstaining model's own words by it)."""
    openings = set()
    for code in available_languages():
        for key in ("decline", "decline_yesno"):
            opening = _label(code, key).split("{", 1)[0].strip()
            if opening:
                openings.add(opening)
    return tuple(sorted(openings, key=len, reverse=True))
