"""Printing the claims part of ``rag eval``: a confusion table and the false claims passed."""

from __future__ import annotations

from collections.abc import Sequence

import click

from eval.claims import VERDICTS, ClaimReport
from eval.summary import Gate


def print_claims(report: ClaimReport, gates: Sequence[Gate]) -> None:
    """One block: availability, accuracy, the confusion table, what went wrong, the gates."""
    click.echo("\n=== dev/claims: RAG.check over eval/data/dev/multihop_claims.yaml ===")
    if not report.available:
        click.echo(f"claims: {report.note}")
        return
    figures = report.figures()
    accuracy = figures["accuracy"]
    shown = "-" if accuracy is None else f"{accuracy:.1%}"
    click.echo(f"{figures['claims']} claims, verdict accuracy {shown}")
    columns = [*VERDICTS, "error"]
    click.echo("expected \\ given  " + " ".join(f"{c:>12}" for c in columns))
    for expected, row in report.confusion.items():
        click.echo(f"{expected:<16} " + " ".join(f"{row[c]:>12}" for c in columns))
    false_supported = report.false_supported
    click.echo(
        f"false claims judged supported: {len(false_supported)}"
        + (f" ({', '.join(false_supported)})" if false_supported else "")
    )
    wrong = [r for r in report.results if not r.correct]
    for r in wrong:
        got = r.got or f"error: {r.error}"
        click.echo(f"  {r.id} ({r.type}): expected {r.expected}, got {got}")
    broken = [r.id for r in report.results if not r.quotes_hold]
    if broken:
        click.echo(f"  quotes not at their offsets: {', '.join(broken)}")
    for gate in gates:
        verdict = "pass" if gate.passed else "FAIL"
        click.echo(f"  gate {gate.name}: {gate.value:g} >= {gate.threshold:g}  {verdict}")
