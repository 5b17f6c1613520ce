"""What a name is said to be, compared across languages.

A who/which question asks for a name in a role: "Who heads Baltic Reefer Lines?" asks for its
head, "Which company won the contract?" for a company, "Where was he detained?" for a place.
In the question's own language the role is matched word by word (rag.evidence, rag.roles);
across languages no word is shared, so the sentence "The Latvian State Revenue Service fined
the shipping company Baltic Reefer Lines ..." would be answered with the first name it holds
in place of the chief executive named in the next sentence. Here, as rag.counted does for the
thing a count counts, the question's asked noun is compared with the words the foreign
sentence binds to each candidate name:

- the asked noun: the noun of the question phrase ("коя *компания*", "which *city*"), else
  the first run of content words after it ("who is the *executive director*", "кто
  *руководит*", "хто з *прокурорів*"), names and function words left out;
- the words bound to a name: its title or description before it ("Генеральный директор
  компании Ирина Волкова", "the Spanish company Metroplan Iberica", the apposition "The
  company's chief executive, Janis Ozols") and the apposition after it ("Victor Rusu, the
  owner of the winery").

When a bilingual dictionary (rag.lexicon) knows the asked noun, a translation of it among the
bound words binds the name and none does not ("mayor" is "кмет", not "заместник-кмет").
Otherwise both are lemmatised by their profiles and embedded with the multilingual model; a
name with no bound words, or none at least ``crosslang_role_similarity`` close to the asked
noun, is not the answer. A place is a name after one of the source language's
``place_prepositions`` ("у Гродне", "in Balti"); the asked noun ("which town") ranks the
places. The names of a person or organisation question that asks no noun are not judged.

A question asking who leads something ("who heads", "in charge of", "во главе", the
profile's ``leader_questions``) is answered by a name bound to one of the source language's
``leader_titles`` ("Mayor", "who chairs", "Кметът"); a title it does not list is judged by
the asked noun as above. Where a leader is asked for, by such a verb or by a leader's title
("who is the mayor"), a name bound to one of ``deputy_words`` is not the answer
("заместник-кметът"), unless the question asks for the deputy. A title of a place ("Кметът
на Видин") answers only about that place ("the mayor of Calafat" is another; rag.titles).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from index.languages import UnknownLanguage, get_profile, writes_latin
from rag.lexicon import lemmas, phrase_match
from rag.titles import _other_place, _phrase_forms, _profile_forms, _tokens, place_words

if TYPE_CHECKING:
    from rag.question import Question

__all__ = [
    "asked_noun",
    "asks_leader",
    "bound_phrases",
    "keep_bound",
    "role_similarities",
    "titled_person",
]

_CLAUSE_END = frozenset(".;:!?()–—")
_RUN = 2  # the asked noun: its first word and first two (as rag.counted reads a count's noun)
_BEFORE = 5  # words of a title or description before a name
_AFTER = 6  # words of an apposition after a name


def _common(language: str) -> frozenset[str]:
    """Words that say nothing of a role: the profile's stop words and auxiliaries."""
    try:
        profile = get_profile(language)
    except UnknownLanguage:
        return frozenset()
    return frozenset(w.lower() for w in [*profile.stopwords, *profile.auxiliaries])


def _coordinators(language: str) -> frozenset[str]:
    try:
        return frozenset(get_profile(language).coordinators)
    except UnknownLanguage:
        return frozenset()


_ASKING = ("person", "place", "organisation", "name", "definition")


def asked_noun(q: Question) -> list[str]:
    """The noun ``q`` asks its name to be, as its leading runs of words ("executive",
    "executive director"); [] when the question asks none (a bare where-question, or
    nothing but names and function words after its question phrase)."""
    from rag.crosslang_match import names

    profile = get_profile(q.language)
    lowered = " ".join(q.text.lower().split())
    # the identifying words ("какой архитектор") ask for a name as the name phrases do
    asking = [
        *(p for kind in _ASKING for p in profile.question_words.get(kind, [])),
        *profile.identify_words,
    ]
    phrases = [
        (m.start(), -len(p), p)
        for p in asking
        for m in re.finditer(rf"(?<!\w){re.escape(p)}(?!\w)", lowered)
    ]
    if not phrases:
        return []
    at, _, phrase = min(phrases)
    common = _common(q.language)
    single = {p for kind in profile.question_words.values() for p in kind if " " not in p}
    inside = [w for w in phrase.split() if w not in common and w not in single]
    if inside:
        return _runs(inside)
    if q.kind == "place":
        return []  # "where was the editor detained": what follows is the event, not a noun
    name_words = {w.lower() for e in names(q) for w in e.split()}
    rest = q.text[at + len(phrase) :]
    # "Кто занимает пост мэра": the role is what the post is of, not the verb holding it
    frames = "|".join(map(re.escape, profile.role_frames))
    frame = re.match(rf"\s*(?:{frames})(?!\w)", rest.lower()) if frames else None
    if frame:
        rest = rest[frame.end() :]
    words: list[str] = []
    for word, _ in _tokens(rest):
        low = word.lower()
        if low in _CLAUSE_END or low == "," or low in ("'s", "’s"):
            if words:
                break
            continue
        if low in common or low in name_words:
            if words:
                break  # the run ends at a function word: "адвокатът на собственика"
            continue
        if word[:1].isupper() and not words:
            continue  # a name the entity list missed ("U.S.")
        words.append(low)
        if len(words) >= _RUN:
            break
    return _headed(q, words)


def _headed(q: Question, words: list[str]) -> list[str]:
    """The runs of ``words``, led by the question's head noun where an adjective stands
    before it ("какая строительная компания": "компания", then "строительная компания"):
    the first run is the noun a dictionary is asked about."""
    from rag.terms import lexicon as terms_lexicon

    lex = terms_lexicon(q.language)
    head = next((i for i, w in enumerate(words) if lex.terms(w) & q.kind_noun), 0)
    if head == 0:
        return _runs(words)
    return [words[head], " ".join(words[: head + 1])]


def _runs(words: Sequence[str]) -> list[str]:
    return [" ".join(words[:n]) for n in range(1, min(_RUN, len(words)) + 1)]


def bound_phrases(text: str, start: int, end: int, language: str) -> list[str]:
    """The phrases ``text`` binds to the name at ``start:end``: its title or description
    before it (or before the comma of an apposition) and its apposition after a comma or
    dash. Function words left out; [] when none."""
    common = _common(language)
    joining = _coordinators(language)
    before = _tokens(text[:start])
    after = _tokens(text[end:])
    # before: "Генеральный директор компании | Ирина Волкова"; an apposition's comma
    # ("The company's chief executive, | Janis Ozols") is stepped over once
    run: list[str] = []
    stepped = False
    for word, _ in reversed(before):
        if word == "," and not run and not stepped:
            stepped = True
            continue
        # a coordinator ends it too: in "Deputy mayor Anna Berzina and Mayor Janis Ozols"
        # his title is "Mayor", not hers
        if word in _CLAUSE_END or word == "," or word.lower() in joining or len(run) >= _BEFORE:
            break
        run.insert(0, word)
    # after: an apposition ("Victor Rusu, the owner of the winery,"). (The noun a name
    # qualifies, "the Trakia district", is not taken: the word after a name is as often its
    # verb, "Ozols said", and one word's similarity across languages is mostly noise.)
    appositive: list[str] = []
    if after and after[0][0] in (",", "–", "—"):
        for word, _ in after[1:]:
            if word in _CLAUSE_END or word == "," or len(appositive) >= _AFTER:
                break
            appositive.append(word)
    phrases = []
    for words in (run, appositive):
        kept = [w for w in words if w.lower() not in common and w[:1].isalpha()]
        if kept:
            phrases.append(" ".join(kept))
    return phrases


def titled_person(text: str, start: int, end: int, language: str) -> bool:
    """Is the name at ``start:end`` a person under a title ("Управителят на фирмата Галин
    Митев", "Дырэктар завода Уладзімір Лысюк")? Two capitalised words, not in quotes, whose
    title before them holds one of the profile's ``titles`` or ``leader_titles``. The firm's
    word in such a title ("фирмата", "завода") belongs to the person's title: the name is
    the manager's, not the firm's, and it answers no "which company". An organisation after
    a title stands in quotes or after a preposition ("директор на „Родопа Ски Инвест“")."""
    words = text[start:end].split()
    opening = text[start - 1 : start] if start else ""
    before = text[:start]
    # inside a quotation ("„Родопа Ски Инвест“" of which only part was taken) is a name
    quoted = (bool(opening) and opening in "«„“\"'") or (
        before.count("«") > before.count("»") or before.count("„") > before.count("“")
    )
    if quoted or len(words) != 2 or not all(w[:1].isupper() for w in words):
        return False
    previous = before.split()[-1:] or [""]
    if previous[0].lower() in _common(language):
        return False  # after a preposition: the title's complement ("директор на X")
    titled = bound_phrases(text, start, start, language)
    if not titled:
        return False
    titles = _profile_forms(language, "titles") | _profile_forms(language, "leader_titles")
    return bool(_phrase_forms(titled[:1], language) & titles)


def role_similarities(
    q: Question,
    text: str,
    spans: Sequence[tuple[str, int, int]],
    language: str,
    embedder: Any,
) -> list[float | None]:
    """Per candidate name, the best similarity of its bound phrases (lemmatised) to the
    question's asked noun; None when the question asks no noun, 0.0 for a name with no
    bound words."""
    asked = asked_noun(q)
    leader = asks_leader(q)
    if not (asked or leader):
        return [None] * len(spans)
    import numpy as np

    ours = np.stack([embedder.embed_query(lemmas(r, q.language)) for r in asked]) if asked else None
    # "who is the mayor", "who heads the town" ask for a leader: the deputy mayor is not one,
    # whatever else their titles share. (A deputy is still what the office is: "which
    # prosecutor" is answered by the deputy head of the prosecutor's office.)
    leader_noun = bool(
        asked and _phrase_forms(asked[:1], q.language) & _profile_forms(q.language, "leader_titles")
    )
    deputies = _profile_forms(language, "deputy_words")
    asks_deputy = bool(
        _phrase_forms([q.text], q.language) & _profile_forms(q.language, "deputy_words")
    )
    skip_deputies = (leader or leader_noun) and not asks_deputy
    out: list[float | None] = []
    for _, start, end in spans:
        phrases = bound_phrases(text, start, end, language)
        if not phrases:
            out.append(0.0)
            continue
        if skip_deputies and _phrase_forms(phrases, language) & deputies:
            out.append(0.0)
            continue
        if _other_place(q, phrases, language, asked):
            out.append(0.0)  # the mayor of Vidin does not answer "the mayor of Calafat"
            continue
        if leader:
            # "who heads the union": its chair, mayor or director answers; a title the
            # profile does not list is judged by the asked noun as any other
            bound = _leader_bound(phrases, language)
            if bound is not None or ours is None:
                out.append(bound)
                continue
        if ours is None:  # a leader question asking no noun, its title not listed
            out.append(None)
            continue
        # a bare generic word only: "строительная компания" asks for a builder, which the
        # dictionary judges
        bare = all(_organisations(w, q.language) for w in asked[-1].split())
        if bare and _names_organisation(text, start, end, language):
            out.append(1.0)  # "which firm": «Северный путь», a "компания"
            continue
        # a dictionary that knows the asked noun decides ("mayor" is "кмет"); e5 judges
        # only nouns it does not know. A hyphenated title's parts are words of their own
        # ("заместник-кметът" for "deputy mayor"; a deputy where a leader is asked for was
        # set aside above)
        known = phrase_match(asked[:1], q.language, " ".join(phrases).replace("-", " "), language)
        # a company named by its trade ("which *contractor*", "which *developer*") is bound to
        # "компанія", "фирма" where its trade goes unsaid or the dictionary cannot tell: a
        # company answers there as for "which firm", the sentence's similarity tells which
        # ("змантавала мінская кампанія «Белмалтэхналогія»")
        by_trade = known is not True and _trade(asked[0], q.language)
        if by_trade and _names_organisation(text, start, end, language):
            known = True
        if known is not None:
            out.append(1.0 if known else 0.0)
            continue
        theirs = np.stack([embedder.embed_query(lemmas(p, language)) for p in phrases])
        out.append(float((ours @ theirs.T).max()))
    return out


def asks_leader(q: Question) -> bool:
    """Does person question ``q`` ask who leads something: one of its profile's
    ``leader_questions``, a phrase as written ("in charge", "во главе") or a word in any
    form ("heads", "ўзначальвае")? (A bare name question counts: Bulgarian "кой" asks
    "who" and "which" alike.)"""
    if q.kind not in ("person", "name"):
        return False
    try:
        phrases = get_profile(q.language).leader_questions
    except UnknownLanguage:
        return False
    lowered = " ".join(q.text.lower().split())
    if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered) for p in phrases if " " in p):
        return True
    return bool(
        _phrase_forms([q.text], q.language) & _profile_forms(q.language, "leader_questions")
    )


def _leader_bound(phrases: Sequence[str], language: str) -> float | None:
    """1.0 when the words bound to a name make it a leader ("Mayor", "who chairs",
    "Кметът"), None when they do not (the title is not in the profile: not judged here).
    (A deputy's title is judged before it, in :func:`role_similarities`.)"""
    if _phrase_forms(phrases, language) & _profile_forms(language, "leader_titles"):
        return 1.0
    return None


def _names_organisation(text: str, start: int, end: int, language: str) -> bool:
    """Is the name at ``start:end`` called a company by the word right before it
    ("компания «Северный путь»", "фирма „Хафентех“") or opening its apposition? (A
    company word further off says whose it is: "директор на дружеството Пламен Димитров".)
    Cyrillic text quotes a company's name, never a person's, so there it must be quoted."""
    quoted = start > 0 and text[start - 1] in '«„“"'
    if not (quoted or writes_latin(language)):
        return False
    before = [w for w, _ in _tokens(text[:start]) if w[:1].isalpha()]
    after = _tokens(text[end:])
    apposition = after[1][0] if len(after) > 1 and after[0][0] in (",", "–", "—") else ""
    # or by its legal form right after it, past the closing quote ("„Добруджа Хидрострой“
    # ЕООД", "«Закарпатбуд-Інвест» ТОВ")
    words = [w for w, _ in after[:3] if w not in "»“”\"'"]
    form = words[0] if words and words[0][:1].isupper() else ""
    return (
        bool(before and _organisations(before[-1], language))
        or bool(apposition and _organisations(apposition, language))
        or bool(form and _organisations(form, language))
    )


def _trade(noun: str, language: str) -> bool:
    """Is ``noun`` one of the language's nouns naming a company by its trade
    (``trade_nouns``: "contractor", "developer", "застройщик"), in any form?"""
    try:
        words = get_profile(language).trade_nouns
    except UnknownLanguage:
        return False
    trades = {lemmas(w, language) for w in words} | {w.lower() for w in words}
    return noun.lower() in trades or lemmas(noun, language) in trades


def _organisations(phrase: str, language: str) -> bool:
    """Does ``phrase`` hold one of the language's generic words for a company
    (``organisation_words``), in any form ("компании", "фирма")?"""
    try:
        words = get_profile(language).organisation_words
    except UnknownLanguage:
        return False
    generic = {lemmas(w, language) for w in words} | {w.lower() for w in words}
    return any(w.lower() in generic or lemmas(w, language) in generic for w, _ in _tokens(phrase))


def _after_place_word(text: str, start: int, language: str) -> bool:
    """Does the name at ``start`` follow one of the language's place prepositions?"""
    places = place_words(language)
    if not places:
        return True  # the profile says nothing: not judged
    before = _tokens(text[:start])
    return bool(before) and before[-1][0].lower() in places


def keep_bound(
    q: Question,
    text: str,
    spans: Sequence[tuple[str, int, int]],
    language: str,
    embedder: Any,
    threshold: float,
) -> list[tuple[str, int, int]]:
    """Of a name question's candidate names in a sentence in another language, those bound
    to what the question asks: the asked noun (at least ``threshold`` close), or for a
    place with no asked noun, a place preposition. Best bound first."""
    if not spans:
        return []
    similarities = role_similarities(q, text, spans, language, embedder)
    if q.kind == "place":
        # a place follows a place preposition ("у Гродне", "lives in Warsaw"); the asked
        # noun ("which town") only ranks them: a capitalised word opening a clause
        # ("Рамонт доўжыўся") is no place, however near its words are to "town"
        placed = [
            (s, sim)
            for s, sim in zip(spans, similarities, strict=True)
            if _after_place_word(text, s[1], language)
        ]
        placed.sort(key=lambda pair: -(pair[1] or 0.0))
        return [s for s, _ in placed]
    if all(sim is None for sim in similarities):
        return list(spans)
    kept = [
        (s, sim)
        for s, sim in zip(spans, similarities, strict=True)
        if sim is not None and sim >= threshold
    ]
    kept.sort(key=lambda pair: -(pair[1] or 0.0))
    return [s for s, _ in kept]
