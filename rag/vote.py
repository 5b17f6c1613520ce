"""The name several documents agree on: the answer to a who/which question that no single
sentence answers on its own.

A question like "Who, reported by A and B, did X and is accused of Y?" spreads its
constraints over several documents; each on-topic sentence names candidates, and the answer
is the name the documents share. Names are grouped with their short forms as sources write
them ("Sam Bankman-Fried", "Bankman-Fried", "SBF"), each document votes once per group with
its best sentence's score, and the group named by the most documents wins. The answer is
then the group's fullest spelling exactly as a sentence writes it, with its offsets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.languages import get_profile
from rag.normalize import extract_names, fold, iter_names_with_starts
from rag.question import Question
from rag.roles import asked_role, in_asked_role

if TYPE_CHECKING:
    from index.settings import Settings
    from rag.evidence import Evidence

__all__ = ["NameVote", "name_vote"]

log = logging.getLogger(__name__)

_WORD_RE = re.compile(r"\w+")
# "Taylor Swift-Travis Kelce" (a headline pairing two people): a hyphen between two names
# of two words or more each; "Sam Bankman-Fried" is one name.
_PAIR_RE = re.compile(r"^(\S+(?: \S+)+)-(\S+(?: \S+)+)$")


# Share of capitalised words above which a line is in title case.
_TITLE_CASE = 0.6


@dataclass(frozen=True)
class NameVote:
    """The winning name as one sentence writes it, and the evidence that names it."""

    name: str
    evidence: Evidence  # the sentence whose text holds ``name`` at ``start``
    start: int  # offset of the name in that sentence's quote
    documents: tuple[Evidence, ...]  # the best sentence of each document naming it, best first


@dataclass(frozen=True)
class _Mention:
    name: str
    tokens: tuple[str, ...]
    evidence: Evidence
    start: int  # in the quote
    initial: bool  # opens its sentence (a capital that may be grammar, not a name)


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _WORD_RE.findall(name))


def _split_pairs(name: str, at: int) -> list[tuple[str, int]]:
    m = _PAIR_RE.match(name)
    if not m:
        return [(name, at)]
    return [(m.group(1), at), (m.group(2), at + m.start(2))]


def _mentions(
    q: Question, e: Evidence, excluded: set[str], titles: set[str], role: str | None = None
) -> list[_Mention]:
    """Names in a sentence's quote the question does not give, with their offsets. A
    headline in title case ("Lineup Decisions: Starts, Sits, Sleepers") capitalises every
    word: its capitals name nothing. ``role``: the role the question asks its name in
    (``rag.roles``); a name standing in another one ("by teammates X and Y" for
    "which player was carried off") does not vote."""
    text = e.unit.quote
    words = [w for w in text.split() if w[:1].isalpha()]
    if len(words) >= 4 and sum(w[:1].isupper() for w in words) > _TITLE_CASE * len(words):
        return []
    out = []
    for found, at in iter_names_with_starts(text):
        for name, start in _split_pairs(found, at):
            name, start = _untitled(name, start, titles)
            tokens = _tokens(name)
            if not tokens or set(tokens) & excluded or " ".join(tokens) in titles:
                continue
            if len("".join(tokens)) < 3:
                continue
            if not in_asked_role(role, text, (name, start, start + len(name)), q.language):
                continue
            initial = not text[:start].strip(" \"'“‘(")
            out.append(_Mention(name, tokens, e, start, initial))
    return out


def _untitled(name: str, start: int, titles: set[str]) -> tuple[str, int]:
    """ "CEO Caroline Ellison" -> "Caroline Ellison": a title is not part of the name."""
    words = name.split(" ")
    while len(words) > 1 and (" ".join(_tokens(words[0])) in titles or words[0].islower()):
        start += len(words[0]) + 1
        words = words[1:]
    return " ".join(words), start


def _without_opener(m: _Mention, inner: set[tuple[str, ...]]) -> _Mention:
    """ "Using Caroline Ellison" opening a sentence is "Caroline Ellison" when that is how
    the name stands inside sentences."""
    if not m.initial or m.tokens in inner or len(m.tokens) < 2 or m.tokens[1:] not in inner:
        return m
    cut = m.name.index(" ") + 1
    return _Mention(m.name[cut:], m.tokens[1:], m.evidence, m.start + cut, False)


def _ends(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """ "Bankman-Fried" ends "Sam Bankman-Fried": a fuller spelling of one name adds words
    before its head ("Minnesota Vikings"); "Google Search" is another thing than "Google"."""
    return len(short) <= len(full) and full[len(full) - len(short) :] == short


def _fullest(group: list[_Mention], others: list[_Mention]) -> _Mention:
    """The group's name as most documents write it, in its fullest spelling that keeps that
    head, from the best sentence that writes it. A sentence outside the pool may write the
    name in full ("Sam Bankman-Fried" where the voters say "Bankman-Fried"); when two
    different fuller names fit, the pool's spelling stays."""
    documents: dict[tuple[str, ...], set[str]] = {}
    # initials ("SBF") stand for a spelled-out name of the group, never the other way round
    spelled_out = [m for m in group if not any(_is_acronym_of(m, o.tokens) for o in group)]
    for m in spelled_out or group:
        documents.setdefault(m.tokens, set()).add(m.evidence.unit.passage.doc_id)
    common = max(documents, key=lambda t: (len(documents[t]), len(t)))
    spelled = max(
        (m for m in group if _ends(m.tokens, common)),
        key=lambda m: (len(m.tokens), m.evidence.score),
    )
    fuller = [m for m in others if m.tokens != spelled.tokens and _ends(m.tokens, spelled.tokens)]
    if fuller and len({m.tokens for m in fuller}) == 1:
        spelled = max(fuller, key=lambda m: m.evidence.score)
    return spelled


def _is_acronym_of(short: _Mention, long: tuple[str, ...]) -> bool:
    """ "SBF" for "Sam Bankman-Fried": the short form's letters are the initials of the parts."""
    letters = short.name.replace(".", "")
    return (
        len(short.tokens) == 1
        and letters.isupper()
        and len(letters) >= 2
        and len(long) == len(letters)
        and all(t.startswith(c.lower()) for t, c in zip(long, letters, strict=True))
    )


def _groups(mentions: list[_Mention]) -> dict[tuple[str, ...], list[_Mention]]:
    """Each mention under the fullest name it is a short form of; a short form that fits
    two different full names ("Sam" of two Sams) is ambiguous and votes for neither."""
    distinct = {m.tokens: m for m in mentions}
    full = [
        t
        for t, m in distinct.items()
        if not any(set(t) < set(o) or _is_acronym_of(m, o) for o in distinct)
    ]
    groups: dict[tuple[str, ...], list[_Mention]] = {}
    for m in mentions:
        parents = [f for f in full if set(m.tokens) <= set(f) or _is_acronym_of(m, f)]
        if len(parents) == 1:
            groups.setdefault(parents[0], []).append(m)
    return groups


def name_vote(q: Question, ranked: Sequence[Evidence], settings: Settings) -> NameVote | None:
    """The name the on-topic sentences of the most documents share, or None when fewer than
    ``name_vote_documents`` documents agree or the top two names tie."""
    profile = get_profile(q.language)
    titles = {" ".join(_tokens(t)) for t in profile.titles}
    excluded = set(_tokens(" ".join(extract_names(q.text))))
    pool = [
        e
        for e in ranked[: settings.name_vote_pool]
        # a topic met only by a word worded otherwise is too weak a reason to vote
        if e.has_focus and not e.focus_by_word and e.score >= settings.name_vote_min_score
    ]
    role = asked_role(q)
    mentions = [m for e in pool for m in _mentions(q, e, excluded, titles, role)]
    pooled = {id(e) for e in pool}
    others = [
        m for e in ranked if id(e) not in pooled for m in _mentions(q, e, excluded, titles, role)
    ]
    # A capitalised word that only ever opens a sentence ("Unfortunately", "Elsewhere") is
    # grammar, not a name; one written capitalised inside a sentence too is a name.
    inner = {m.tokens for m in mentions if not m.initial}
    mentions = [_without_opener(m, inner) for m in mentions]
    mentions = [
        m
        for m in mentions
        if len(m.tokens) > 1 or m.tokens in inner or m.name.replace(".", "").isupper()
    ]
    tallies = []
    for group in _groups(mentions).values():
        best: dict[str, Evidence] = {}
        said: dict[str, str] = {}
        for m in group:
            # the same sentence in two documents (a copy of an article, a file ingested from
            # two paths) is one witness: it counts for the first document that says it
            doc = said.setdefault(m.evidence.unit.said, m.evidence.unit.passage.doc_id)
            if doc not in best or m.evidence.score > best[doc].score:
                best[doc] = m.evidence
        spelled = _fullest(group, others)
        if q.kind == "person" and len(spelled.tokens) < 2:
            continue  # a person is written with two names somewhere
        weight = sum(e.score for e in best.values())
        tallies.append((len(best), weight, spelled, best))
    if not tallies:
        return None
    tallies.sort(key=lambda t: (-t[0], -t[1]))
    log.debug("name vote: %s", [(t[2].name, t[0], round(t[1], 3)) for t in tallies[:5]])
    count, weight, spelled, best = tallies[0]
    if count < settings.name_vote_documents or weight < settings.name_vote_min_support:
        return None  # too few documents, or only passing mentions in weak sentences
    if (
        len(tallies) > 1
        and tallies[1][0] == count
        and tallies[1][1] >= weight * settings.name_vote_margin
    ):
        return None  # two names as well supported: no agreement
    documents = tuple(sorted(best.values(), key=lambda e: -e.score))
    return NameVote(spelled.name, spelled.evidence, spelled.start, documents)
