"""``rag verify-evidence``: re-check every quote of an evidence file against the files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index.clikit import expected_errors


@click.command("verify-evidence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@expected_errors
def verify_evidence_command(file: Path, as_json: bool) -> None:
    """Re-check every quote of the evidence FILE (.json or .csv) against the files on disk.

    Each citation is "holds" (the quote is still at its offsets), "moved" (still in the
    document, elsewhere), "changed" (no longer in it) or "missing" (file gone). Exit status 1
    when any does not hold.
    """
    from index.settings import get_settings
    from rag.evidence_file import verify_evidence

    settings = get_settings()
    checks = verify_evidence(file, settings.max_file_mb, settings.max_archive_mb)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "question": c.question,
                        "n": c.n,
                        "source": c.source,
                        "status": c.status,
                        "file_changed": c.file_changed,
                        "detail": c.detail,
                    }
                    for c in checks
                ],
                ensure_ascii=False,
            )
        )
    else:
        for c in checks:
            edited = " (file edited since ingest)" if c.file_changed else ""
            detail = f": {c.detail}" if c.detail else ""
            click.echo(f"{c.status:8} [{c.n}] {c.source}{edited}{detail}")
    held = sum(c.holds for c in checks)
    click.echo(f"{held} of {len(checks)} quotes hold", err=True)
    if held < len(checks):
        sys.exit(1)
