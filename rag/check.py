"""Claim check: is a claim supported, contradicted or not found in the indexed sources?

The claim is the query: passages are retrieved for it, cut into sentences (exact spans of
their documents), ranked by how much of the claim's wording they carry, and the best are
judged by the verifier (``rag.verify.check_sentence``), alone and with the sentence before
them (a quote's "the same year" takes its year from there) or with one other candidate.

* supported: a sentence (or a pair) carries the claim's wording and the verifier finds every
  value, name and binding in it;
* contradicted: a sentence on the same matter says otherwise (another value bound to the same
  thing, the opposite polarity, a name that joins two people) and none supports it. When one
  sentence supports the claim and another contradicts it, the verdict is supported and both
  are shown ("the sources disagree");
* not_found: neither; the closest sentences are shown.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rag.evidence import Unit, units_around
from rag.normalize import extract_names, extract_quantities
from rag.records import Citation, Passage
from rag.verify import SentenceCheck, check_sentence
from rag.verify.claims import coverage
from rag.verify.names import check_name

if TYPE_CHECKING:
    from rag.retrieve import Filters, Retriever

__all__ = ["ClaimCheck", "Unit", "check_claim", "judge_claim"]

# A sentence (or pair) must carry this share of the claim's content words to support it,
# and half of them to contradict it (a sentence on another matter contradicts nothing).
SUPPORT_COVERAGE = 0.85
# A claim with a figure the verifier found bound to the same thing may word the rest more
# freely ("weapons worth €37.9M" for "missile systems and grenade launchers worth ...").
SUPPORT_COVERAGE_WITH_FIGURES = 0.75
CONTRADICT_COVERAGE = 0.5
CANDIDATES = 8  # sentences judged per claim
PASSAGES = 8  # passages retrieved per claim
CONTEXT_CHARS = 400  # read before each passage for the sentence a quote refers back to


@dataclass
class ClaimCheck:
    """What ``RAG.check`` returns; ``to_dict`` is one line of ``rag check --json``."""

    claim: str
    verdict: str  # "supported" | "contradicted" | "not_found"
    reason: str
    # the quotes the verdict rests on: those that support it, then those that contradict it
    citations: list[Citation] = field(default_factory=list)
    # the quotes that say otherwise (also in ``citations``, same numbers)
    contradicting: list[Citation] = field(default_factory=list)
    # not_found: the sentences that came closest
    closest: list[Citation] = field(default_factory=list)
    id: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "claim": self.claim,
            "verdict": self.verdict,
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
            "contradicting": [c.to_dict() for c in self.contradicting],
            "closest": [c.to_dict() for c in self.closest],
        }
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class _Judged:
    units: tuple[int, ...]
    check: SentenceCheck
    share: float


def _judge(claim: str, units: Sequence[Unit], picks: tuple[int, ...], lang: str) -> _Judged:
    texts = [units[i].display for i in picks]
    return _Judged(picks, check_sentence(claim, texts, lang), coverage(claim, texts, lang).share)


def _first_reason(j: _Judged) -> str:
    return j.check.conflicts[0].reason if j.check.conflicts else j.check.reason


def judge_claim(
    claim: str,
    units: Sequence[Unit],
    previous: Sequence[int | None] = (),
    lang: str = "en",
) -> tuple[str, str, list[int], list[int], list[int]]:
    """(verdict, reason, supporting, contradicting, closest), the last three as indices into
    ``units``. ``units`` come ranked (best first); ``previous[i]`` is the index of the
    sentence before unit ``i`` in its document, when it is among ``units``."""
    ranked = sorted(
        range(len(units)), key=lambda i: -coverage(claim, [units[i].display], lang).share
    )[:CANDIDATES]
    singles = [_judge(claim, units, (i,), lang) for i in ranked]
    context: list[_Judged] = []  # a sentence with the one before it ("the same year")
    combos: list[_Judged] = []  # two of the best candidates
    for i in ranked[:4]:
        before = previous[i] if i < len(previous) else None
        if before is not None:
            context.append(_judge(claim, units, (before, i), lang))
        combos.extend(_judge(claim, units, (i, j), lang) for j in ranked[:4] if j > i)
    judged = singles + context + combos

    alone = {j.units[0]: j for j in singles}
    need = SUPPORT_COVERAGE_WITH_FIGURES if extract_quantities(claim) else SUPPORT_COVERAGE

    def own_names(j: _Judged) -> bool:
        # the sentence itself names everything the claim names; the one before it may only
        # add a value ("the same year" -> 2015), never a name pieced from elsewhere
        main = alone.get(j.units[-1])
        own = [units[j.units[-1]].display]
        return (
            main is not None
            and main.share >= need
            and all(check_name(n, own, lang).found for n in extract_names(claim))
        )

    supports = [
        j
        for j in singles + context
        if j.check.verdict == "supported"
        and j.share >= need
        and (len(j.units) == 1 or own_names(j))
    ]

    def contradicting(group: list[_Judged]) -> list[_Judged]:
        return [
            j for j in group if j.check.verdict == "contradicted" and j.share >= CONTRADICT_COVERAGE
        ]

    # a sentence with its context contradicts only when no sentence does so alone
    # (or, for a name joined from two people, with another candidate: said first, since
    # "it joins X and Y" tells more than "the passage names X")
    joined = [
        j
        for j in contradicting(combos)
        if any(c.kind == "name" and " joins " in c.reason for c in j.check.conflicts)
    ]
    against = joined + (contradicting(singles) or contradicting(context))
    # fewest sentences first, then the most of the claim's wording
    supports.sort(key=lambda j: (len(j.units), -j.share))
    against.sort(key=lambda j: (j not in joined, len(j.units), -j.share))
    closest = ranked[:3]
    if supports:
        # a quote states it; quotes that say otherwise are shown beside it
        support = list(supports[0].units)
        contra = [i for j in against[:2] for i in j.units if i not in support]
        reason = "the quote states it: every value, name and binding agrees"
        if contra:
            reason += f"; but the sources disagree: {_first_reason(against[0])}"
        return "supported", reason, support, list(dict.fromkeys(contra)), []
    if against:
        contra = list(dict.fromkeys(i for j in against[:2] for i in j.units))
        return "contradicted", _first_reason(against[0]), [], contra, []
    if not judged:
        return "not_found", "no passage of the sources is about this", [], [], []
    best = max(singles, key=lambda j: j.share)
    cover = coverage(claim, [units[i].display for i in best.units], lang)
    if best.check.reason and best.check.verdict != "supported":
        reason = f"the closest passage does not say it: {best.check.reason}"
    elif cover.uncovered:
        words = ", ".join(f"'{w}'" for w in cover.uncovered)
        reason = f"the closest passage does not say it: {words} not in it"
    else:
        reason = "no passage says it"
    return "not_found", reason, [], [], closest


def _units(
    passages: Sequence[Passage], retriever: Retriever, lang: str = "en"
) -> tuple[list[Unit], list[int | None]]:
    """The evidence units of the passages (the same clean sentences answers cite), and of
    each, the unit before it (a passage is read from a little before its start, so the
    sentence a quote's "the same year" refers to is there)."""
    units: list[Unit] = []
    seen: dict[tuple[str, int], int] = {}
    previous: list[int | None] = []
    texts: dict[str, str] = {}
    for p in passages:
        if p.doc_id not in texts:
            texts[p.doc_id] = retriever.store.document_text(p.doc_id)
        last: int | None = None
        for unit in units_around(p, texts[p.doc_id], CONTEXT_CHARS, lang):
            key = (p.doc_id, unit.start)
            if key not in seen:
                seen[key] = len(units)
                units.append(unit)
                previous.append(last)
            last = seen[key]
    return units, previous


def _citation(n: int, unit: Unit) -> Citation:
    return Citation.of_span(n, unit.passage, unit.start, unit.end, unit.quote, unit.passage.score)


def check_claim(
    claim: str,
    retriever: Retriever,
    *,
    top_k: int | None = None,
    filters: Filters | None = None,
    lang: str = "en",
    claim_id: str | None = None,
) -> ClaimCheck:
    """Judge one claim against the store behind ``retriever``."""
    started = time.perf_counter()
    claim = claim.strip()
    if not claim:
        return ClaimCheck(claim, "not_found", "the claim is empty", id=claim_id)
    passages = retriever.retrieve(claim, top_k=top_k or PASSAGES, filters=filters, language=lang)
    retrieved = time.perf_counter()
    units, previous = _units(passages, retriever, lang)
    # judged in the sentences' own ranking; the retriever's order breaks ties
    verdict, reason, support, contra, closest = judge_claim(claim, units, previous, lang)
    shown = list(dict.fromkeys(support + contra))
    numbers = {i: n for n, i in enumerate(shown, start=1)}
    citations = [_citation(numbers[i], units[i]) for i in shown]
    return ClaimCheck(
        claim=claim,
        verdict=verdict,
        reason=reason,
        citations=citations,
        contradicting=[c for c, i in zip(citations, shown, strict=True) if i in contra],
        closest=[_citation(n, units[i]) for n, i in enumerate(closest, start=1)],
        id=claim_id,
        timings={
            "retrieve": round(retrieved - started, 4),
            "judge": round(time.perf_counter() - retrieved, 4),
        },
    )
