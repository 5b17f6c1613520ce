"""The extractive composer: the answer value first, then the evidence sentences themselves.

For a question asking for a number, amount, date or name the answer begins with that value
exactly as the source writes it, bound to its offsets in the document. A yes/no question is
answered "Yes" or "No" only when a quote states the question's claim or its negation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from index.languages import get_profile
from rag.compose import citation
from rag.compose.bound import Signal, bound_value, bound_with_signal
from rag.compose.yesno import DocumentText, yes_no
from rag.crosslang import is_cross
from rag.evidence import Evidence, candidate_names
from rag.measure import measure_class
from rag.normalize import extract_dates, extract_names, extract_quantities, fold, joined_figure
from rag.question import NAME_KINDS, Question, reads_as_year, value_candidates
from rag.records import AnswerSentence, Citation
from rag.roles import keep_in_role
from rag.terms import lexicon
from rag.vote import NameVote

__all__ = ["Composition", "answer_value", "compose"]


@dataclass
class Composition:
    sentences: list[AnswerSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verdict: str | None = None  # "yes" / "no" for a yes/no question answered


def _anchors(
    q: Question, text: str, wanted: frozenset[str] | None = None, names: bool = True
) -> list[int]:
    """Positions in ``text`` of the words the question asks about (its focus and attribute,
    or the stems ``wanted``), to bind the value to them: the number nearest "systems ...
    U.S." is the one asked for. ``names``: the question's names, figures and dates too."""
    lex = lexicon(q.language)
    if wanted is None:
        wanted = q.focus | q.attribute
    positions = []
    offset = 0
    lowered = text.lower()
    for word in lex.words(text):
        at = lowered.find(word, offset)
        if at < 0:
            continue
        offset = at + len(word)
        stem = lex.stems([word])[0]
        if stem in wanted:
            positions.append(at)
    if not names:
        return positions
    # the question's names anchor too ("to the U.S."), also inside a longer name the
    # sentence writes ("Richelle Cranston of the *Bulldogs*")
    folded_q = fold(q.text)
    for name in extract_names(text):
        if fold(name) in folded_q:
            at = text.find(name)
            if at >= 0:
                positions.append(at)
    for entity in q.entities:
        positions += [m.start() for m in re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", text)]
    # and the figures and dates it gives ("where ... in 2020": "a defeat in 2020 in Sydney")
    positions += [x.start for x in extract_quantities(text) if x.value in q.asked_values]
    positions += [d.start for d in extract_dates(text) if (d.year, d.month, d.day) in q.asked_dates]
    return positions


def _nearest(spans: list[tuple[str, int, int]], anchors: list[int]) -> tuple[str, int, int]:
    if not anchors:
        return spans[0]
    return min(spans, key=lambda s: (min(abs(s[1] - a) for a in anchors), s[1]))


def _gap(text: str, span: tuple[str, int, int], anchor: int) -> int:
    """Words between a name and an anchor word (0: adjacent, or the anchor inside it)."""
    _, start, end = span
    if anchor < start:
        return max(0, len(text[anchor:start].split()) - 1)  # the anchor word itself
    if anchor >= end:
        return len(text[end:anchor].split())
    return 0


def _bound_name(
    text: str,
    spans: list[tuple[str, int, int]],
    anchors: list[int],
    nouns: list[int],
    margin: int,
) -> tuple[str, int, int] | None:
    """The one name of the sentence bound to what the question asks: the only candidate,
    or the one at least ``margin`` words nearer to the question's anchors than any other
    ("a maiden defeat in 2020 in Sydney" for "where ... in 2020"). Two names about as near
    ("Cranston of the Bulldogs ... Blackburn after announcing") bind neither."""
    if len(spans) == 1:
        return spans[0]
    # "investor Paul Tudor Jones", "the Rosewood hotel": the one name standing right beside
    # the noun the question asks for is that noun's name
    beside = [s for s in spans if any(_gap(text, s, a) == 0 for a in nouns)]
    if len(beside) == 1:
        return beside[0]
    if not anchors:
        return None
    gaps = sorted((min(_gap(text, s, a) for a in anchors), s[1], s) for s in spans)
    if gaps[0][0] + margin > gaps[1][0]:
        return None
    return gaps[0][2]


def _after_place_word(q: Question, text: str, at: int) -> bool:
    """ "in Sydney", "to Arizona", "at the Rosewood hotel": a place stands after a locative
    preposition (a function word such as an article may come between)."""
    profile = get_profile(q.language)
    before = [w.lower() for w in text[:at].split()[-2:]]
    places = profile.place_prepositions
    if len(before) == 2 and before[1] not in places and before[1] in profile.stopwords:
        before = before[:1]  # "at *the* Rosewood"
    return bool(before) and before[-1] in places


def _after_title(text: str, at: int, titles: set[str]) -> bool:
    before = text[:at].rstrip().rstrip(".").split()
    return bool(before) and before[-1].lower() in titles


def _bound_signal(q: Question, e: Evidence) -> Signal | None:
    """How strongly evidence ``e`` binds a number, amount or date to what ``q`` asks (None:
    no value bound, or one read across languages)."""
    if e.value is not None or is_cross(q.language, e.unit.passage.language):
        return None
    found = bound_with_signal(q, e.unit.quote, value_candidates(q, e.unit.quote))
    return found[1] if found is not None else None


def _best_bound_first(q: Question, picked: list[Evidence]) -> list[Evidence]:
    """The picked evidence with the value bound most strongly to what is asked goes first
    (its value leads): two quotes as close to the question may hold "in 2021" said of
    another event and "testified in court on October 28" said of the one asked about. Only
    a strictly stronger binding moves a quote ahead of the best-scored one."""
    if q.kind not in ("number", "amount", "date") or len(picked) < 2:
        return picked
    first = _bound_signal(q, picked[0])
    if first is None:
        return picked
    best, best_signal = 0, first
    for i, e in enumerate(picked[1:], start=1):
        signal = _bound_signal(q, e)
        if signal is not None and signal > best_signal:
            best, best_signal = i, signal
    return [picked[best]] + [e for i, e in enumerate(picked) if i != best]


def _focus_gap(q: Question, e: Evidence) -> int | None:
    """Words between the name ``e`` leads with and the nearest word of what the question
    asks about (its focus and attribute, not its names): "Abu Hassan al-Hamwi, *head* of
    the military wing" is 1. None when no name leads or no such word is in the quote."""
    found = answer_value(q, e)
    if found is None:
        return None
    text = e.unit.quote
    anchors = _anchors(q, text, names=False)
    if not anchors:
        return None
    span = (found[0], found[1] - e.unit.start, found[2] - e.unit.start)
    return min(_gap(text, span, a) for a in anchors)


def _best_named_first(q: Question, picked: list[Evidence], beside: int) -> list[Evidence]:
    """For a one-name question, the picked quote whose name stands beside what is asked
    (within ``beside`` words of a focus word) goes first when the first quote leads with a
    name standing farther or apart from it (a first quote with no name lead stays first): a
    quote as close to the question may name someone near the question's own names
    ("opposition to Bashar al-Assad ... led by HTS") while the next says "Abu Hassan
    al-Hamwi, head of HTS's military wing"."""
    if q.kind not in NAME_KINDS or q.plural or len(picked) < 2:
        return picked
    if answer_value(q, picked[0]) is None:
        return picked  # the first quote answers alone: no name of it leads to be replaced
    first = _focus_gap(q, picked[0])
    best, best_gap = 0, first
    for i, e in enumerate(picked[1:], start=1):
        gap = _focus_gap(q, e)
        if gap is not None and gap <= beside and (best_gap is None or gap < best_gap):
            best, best_gap = i, gap
    return [picked[best]] + [e for i, e in enumerate(picked) if i != best]


def _asks_unit(q: Question) -> bool:
    """ "In which minute ...": the noun the question asks for is a unit of measure."""
    lex = lexicon(q.language)
    return any(
        lex.stems([w])[0] in q.kind_noun and measure_class(w, q.language) is not None
        for w in lex.words(q.text)
    )


def answer_value(
    q: Question, e: Evidence, name_margin: int | None = None
) -> tuple[str, int, int] | None:
    """The value that answers ``q`` in evidence ``e``, as (text, start, end) in the document:
    exactly as the source writes it; None when none is bound to what is asked (the quote
    answers alone). ``name_margin``: ``settings.name_lead_margin`` unless given."""
    if e.value is not None:
        return e.value  # bound while scoring (a sentence in another language: rag.crosslang)
    if is_cross(q.language, e.unit.passage.language):
        # a sentence in another language whose value rag.crosslang did not lead with (it
        # held several): the question's own-language binding cannot read it
        return None
    if q.plural:
        return None  # several names asked for: the quotes give them, no one of them leads
    text = e.unit.quote
    spans = value_candidates(q, text)
    if q.kind in NAME_KINDS:
        if _asks_unit(q):
            return None  # "in which minute": a unit of measure is answered by a figure
        titles = {t.lower() for t in get_profile(q.language).titles}
        spans = [(n, at, at + len(n)) for n, at in candidate_names(q, text)]
        # the name in the role the question asks ("which player was carried off": not
        # the teammates "by" whom she was)
        spans = keep_in_role(q, text, spans)
        if q.kind == "person":
            # a person's name has two words or follows a title; no figure ("P1.42") and no
            # initials ("GDP") name one
            spans = [s for s in spans if not any(c.isdigit() for c in s[0])]
            spans = [s for s in spans if len(s[0].split()) >= 2 or not s[0].isupper()]
            people = [
                s for s in spans if len(s[0].split()) >= 2 or _after_title(text, s[1], titles)
            ]
            spans = people or spans
        elif q.kind == "place":
            # "in Christchurch", not "the All Blacks": when the sentence names a place after a
            # locative word, the answer is one of those
            spans = [s for s in spans if _after_place_word(q, text, s[1])]
    if not spans:
        return None
    if q.kind in ("number", "amount", "date"):
        bound = bound_value(q, text, spans)
        if bound is None:
            return None  # no value bound to what is asked: the quote answers alone
        value, start, end = bound
        if q.kind == "number":  # a score is its two figures: "23-20", not "23"
            start, end = joined_figure(text, start, end)
            value = text[start:end]
    elif q.kind in NAME_KINDS:
        if name_margin is None:
            from index.settings import get_settings

            name_margin = get_settings().name_lead_margin
        nouns = _anchors(q, text, q.kind_noun, names=False)
        named = _bound_name(text, spans, _anchors(q, text), nouns, name_margin)
        if named is None:
            return None  # several names, none bound to what is asked: the quote answers
        value, start, end = named
    else:
        value, start, end = _nearest(spans, _anchors(q, text))
    return value, e.unit.start + start, e.unit.start + end


def _sum_sentence(q: Question, picked: list[Evidence], label: str) -> str | None:
    """Arithmetic the reader asked for ("in total"), shown with its operands."""
    # Only counts are summed ("how many ... in total"); a "total value" is quoted, not added.
    if not (q.wants_total and q.kind == "number") or not picked:
        return None
    # Across languages the figures of a sentence cannot be told to count the same thing as
    # the question (its words are not the quote's): the bound value answers, not a sum of
    # every figure ("430 workers, 120 of them women" is no 550).
    if is_cross(q.language, picked[0].unit.passage.language):
        return None
    top = picked[0].unit.quote
    counts = [
        x
        for x in extract_quantities(top)
        if x.unit is None and not reads_as_year(x, top, q.language)
    ]
    if len(counts) < 2:
        return None
    operands = " + ".join(x.text for x in counts)
    total = sum((x.value for x in counts), Decimal(0))
    return f"{label} {operands} = {total.normalize():f}"


def compose(
    q: Question,
    picked: list[Evidence],
    yes_no_coverage: float,
    vote: NameVote | None = None,
    pool: Sequence[Evidence] = (),
    document_text: DocumentText | None = None,
) -> Composition:
    """Answer sentences for the picked evidence (empty when a yes/no question gets no
    verdict: the pipeline then declines with the evidence). ``pool``: further ranked
    evidence a yes/no verdict may find a clause's quote in; ``document_text`` reads the
    document a quote comes from (who published it)."""
    profile = get_profile(q.language)
    out = Composition()
    if q.kind == "yesno":
        candidates = [*picked, *[e for e in pool if e not in picked]]
        verdict = yes_no(q, candidates, yes_no_coverage, document_text)
        if verdict is None:
            return out
        out.verdict = verdict.word
        out.citations = [citation(i + 1, e) for i, e in enumerate(verdict.evidence)]
        out.sentences = [
            AnswerSentence(profile.label(verdict.word, verdict.word.capitalize()) + ".", (1,))
        ]
        out.sentences.extend(
            AnswerSentence(e.unit.quote, (i + 1,)) for i, e in enumerate(verdict.evidence)
        )
        if verdict.order is not None:
            first, word, second = verdict.order
            # the dates are the documents' own (shown with each citation), not quoted text
            out.notes.append(f"[1] was published {first}, {word} [2] ({second}).")
        return out
    value: tuple[str, int, int] | None = None
    # a sum asked for ("in total") leads the answer, not one of its operands
    total = _sum_sentence(q, picked, profile.label("total", "In total:"))
    if vote is not None:
        # The name the documents agree on, from the sentence that writes it fullest: that
        # sentence is cited first, the other documents' sentences after it.
        picked = [vote.evidence] + [e for e in picked if e is not vote.evidence]
        at = vote.evidence.unit.start + vote.start
        value = (vote.name, at, at + len(vote.name))
    elif q.wants_value and not total:
        picked = _best_bound_first(q, picked)
        if q.kind in NAME_KINDS:
            from index.settings import get_settings

            picked = _best_named_first(q, picked, get_settings().name_beside_words)
        value = answer_value(q, picked[0])
    out.citations = [citation(i + 1, e, value if i == 0 else None) for i, e in enumerate(picked)]
    if value is not None:
        lead = value[0] if value[0].endswith(".") else value[0] + "."
        out.sentences.append(AnswerSentence(lead, (1,)))
    if total:
        out.sentences.append(AnswerSentence(total, (1,)))
    out.sentences.extend(AnswerSentence(e.unit.quote, (i + 1,)) for i, e in enumerate(picked))
    return out
