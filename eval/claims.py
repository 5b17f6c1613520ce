"""Claims files and their scoring: a claim, the verdict a careful reader would give, and how
``RAG.check(claim)`` did.

A claims file is YAML (a list, or a mapping with a ``claims`` list) or JSONL, like a facts
file (eval/facts.py). Each item::

    - id: c-konkurs-us-swapped         # optional; default c1, c2, ... by position
      claim: Sofia sent 80 Konkurs systems to the U.S.
      type: swapped                    # faithful, swapped, negated, wrong_value, absent
      verdict: contradicted            # supported, contradicted, not_found
      quote: "136"                     # optional: what the deciding quote must contain
      source: belarus-weapons-syria    # optional: part of the path of the deciding document

``type`` says how the claim was made, ``verdict`` what the check must answer: a true claim
is supported, an absent one is not found, and a swapped, negated or wrong-value claim is
never supported (usually contradicted: the sources say otherwise).

The check itself is ``RAG.check(claim)`` (the claim-check stage); its verdict is read from a
``verdict`` attribute or key, its quotes from ``citations`` (and ``contradicting``), each with
``quote``, ``start``, ``end`` and ``doc_id`` or ``source``. A store without ``check`` gets a
report that says the metric is not available: nothing is guessed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eval.facts import (
    Fact,
    FactsError,
    check_unique_ids,
    item_id,
    item_mapping,
    one_of,
    optional_text,
    read_items,
    required_text,
)

log = logging.getLogger(__name__)

VERDICTS = ("supported", "contradicted", "not_found")
TYPES = ("faithful", "swapped", "negated", "wrong_value", "absent")
_KEYS = {"id", "claim", "type", "verdict", "quote", "source"}


@dataclass(frozen=True)
class Claim:
    """One claim of a claims file."""

    id: str
    claim: str
    type: str
    verdict: str
    quote: Fact | None = None
    source: str | None = None
    location: str = ""

    @property
    def false(self) -> bool:
        """A claim the sources do not support (whatever the check must say instead)."""
        return self.verdict != "supported"


def load_claims(path: str | Path) -> list[Claim]:
    """Read and validate a claims file (``.yaml``/``.yml`` or ``.jsonl``)."""
    path = Path(path)
    claims = [
        _claim(item, line, i, path) for i, (line, item) in enumerate(read_items(path, "claims"))
    ]
    if not claims:
        raise FactsError(f"{path}: no claims in the file")
    check_unique_ids(claims)
    return claims


def _claim(raw: Any, line: int, index: int, path: Path) -> Claim:
    where = f"{path}:{line}: item {index + 1}"
    item = item_mapping(raw, _KEYS, where, "'claim', 'type', 'verdict'")
    text = required_text(item, "claim", where)
    kind = one_of(item, "type", TYPES, where)
    verdict = one_of(item, "verdict", VERDICTS, where)
    # The type and the verdict must agree, or the file contradicts itself.
    if (kind == "faithful") != (verdict == "supported"):
        raise FactsError(f"{where}: a claim of type {kind} cannot have verdict {verdict}")
    if kind == "absent" and verdict != "not_found":
        raise FactsError(f"{where}: an absent claim must have verdict not_found")
    quote = item.get("quote")
    if quote is not None and (not isinstance(quote, str | int | float) or not str(quote).strip()):
        raise FactsError(f"{where}: 'quote' must be a non-empty string")
    return Claim(
        id=item_id(item, f"c{index + 1}", where),
        claim=text,
        type=kind,
        verdict=verdict,
        quote=Fact.parse(str(quote)) if quote is not None else None,
        source=optional_text(item, "source", where),
        location=f"{path}:{line}",
    )


@dataclass
class ClaimResult:
    """How one claim was judged."""

    id: str
    claim: str
    type: str
    expected: str
    got: str | None  # None: the check failed with an error
    error: str | None = None
    quotes_hold: bool = True
    broken_citations: list[int] = field(default_factory=list)
    quote_found: bool | None = None  # the expected quote words in a quote of the verdict
    reason: str = ""

    @property
    def correct(self) -> bool:
        return self.got == self.expected

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "correct": self.correct}


@dataclass
class ClaimReport:
    """The verdicts on a claims file: accuracy, a confusion table and false claims passed."""

    available: bool
    results: list[ClaimResult] = field(default_factory=list)
    note: str = ""  # why the metric is not available

    @property
    def confusion(self) -> dict[str, dict[str, int]]:
        """expected verdict -> verdict given -> count ("error" when the check failed)."""
        table = {v: dict.fromkeys((*VERDICTS, "error"), 0) for v in VERDICTS}
        for r in self.results:
            table[r.expected][r.got or "error"] += 1
        return table

    @property
    def false_supported(self) -> list[str]:
        """Ids of claims the sources do not support that the check judged supported."""
        return [r.id for r in self.results if r.expected != "supported" and r.got == "supported"]

    def figures(self) -> dict[str, float | int | None]:
        n = len(self.results)
        if not self.available or not n:
            return {"claims": n, "accuracy": None, "false_claims_supported": None}
        cites = [r for r in self.results if r.got is not None]
        return {
            "claims": n,
            "accuracy": sum(r.correct for r in self.results) / n,
            "false_claims_supported": len(self.false_supported),
            "quotes_hold": (sum(r.quotes_hold for r in cites) / len(cites)) if cites else None,
            "errors": sum(r.got is None for r in self.results),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "note": self.note,
            "figures": self.figures(),
            "confusion": self.confusion if self.available else None,
            "false_claims_supported": self.false_supported if self.available else None,
            "claims": [r.to_dict() for r in self.results],
        }


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def judge(claim: Claim, verdict: Any, quote_holds: Callable[[Any], bool]) -> ClaimResult:
    """Score one verdict object (as ``RAG.check`` returns it) against the expected one."""
    got = _get(verdict, "verdict")
    got = str(getattr(got, "value", got)) if got is not None else None
    failure = _get(verdict, "error")
    if failure:  # a check that failed is not a verdict, whatever its placeholder says
        return ClaimResult(
            claim.id, claim.claim, claim.type, claim.verdict, None, error=str(failure)
        )
    if got not in VERDICTS:
        return ClaimResult(
            claim.id, claim.claim, claim.type, claim.verdict, None,
            error=f"unknown verdict {got!r}",
        )  # fmt: skip
    citations = [*(_get(verdict, "citations") or []), *(_get(verdict, "contradicting") or [])]
    broken = [
        int(_get(c, "n", i + 1) or i + 1) for i, c in enumerate(citations) if not quote_holds(c)
    ]
    quote_found = None
    if claim.quote is not None and got != "not_found":
        quote_found = any(claim.quote.found_in(str(_get(c, "quote", ""))) for c in citations)
    return ClaimResult(
        claim.id,
        claim.claim,
        claim.type,
        claim.verdict,
        got,
        quotes_hold=not broken,
        broken_citations=broken,
        quote_found=quote_found,
        reason=str(_get(verdict, "reason", "") or ""),
    )


def run_claims(
    rag: Any, claims: Sequence[Claim], document_text: Callable[[str], str]
) -> ClaimReport:
    """Check every claim with ``rag.check``; "not available" when the store has no check."""
    check = getattr(rag, "check", None)
    if check is None:
        return ClaimReport(
            available=False,
            note="not available: this build has no RAG.check (the claim check has not landed)",
        )
    from rag.verify import check_quote

    def holds(citation: Any) -> bool:
        doc_id = _get(citation, "doc_id")
        try:
            text = document_text(doc_id)
        except Exception as exc:  # an unknown document is a broken citation, not a crash
            log.warning("claim citation: cannot read document %s: %s", doc_id, exc)
            return False
        return check_quote(
            text, _get(citation, "quote", ""), _get(citation, "start"), _get(citation, "end")
        )

    results = []
    for claim in claims:
        try:
            verdict = check(claim.claim)
        except Exception as exc:  # one failing claim must not hide the others' figures
            log.warning("claim %s: check failed: %s", claim.id, exc)
            results.append(
                ClaimResult(claim.id, claim.claim, claim.type, claim.verdict, None, error=str(exc))
            )
            continue
        results.append(judge(claim, verdict, holds))
    return ClaimReport(available=True, results=results)
