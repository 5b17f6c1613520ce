"""``rag recheck``: are the citations of saved answers still true of the store?"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from index.clikit import expected_errors, store_option


def _answers(path: Path) -> list[dict[str, Any]]:
    """A ``rag ask --json`` object, or ``rag batch`` JSONL (one answer a line)."""
    from rag.cli_ask import InputError

    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    try:
        whole = json.loads(raw)
        return whole if isinstance(whole, list) else [whole]
    except ValueError:
        pass
    try:
        return [json.loads(line) for line in raw.splitlines() if line.strip()]
    except ValueError as exc:
        raise InputError(f"{path} is neither a JSON answer nor JSONL answers: {exc}") from None


@click.command()
@click.argument("answers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a citation.")
@expected_errors
def recheck(answers: Path, store: str | None, as_json: bool) -> None:
    """Check saved answers' citations (from `rag ask --json` or `rag batch`) against the store.

    Each citation is "current" (its document is unchanged: the quote is where it was),
    "changed" (the document was re-indexed with other content since) or "removed".
    Exits 1 when any citation is not current.
    """
    from rag import open_store

    rag = open_store(store, create=False)
    stale = 0
    for answer in _answers(answers):
        for c in answer.get("citations") or []:
            seen = rag.cited_text(c, context=0)
            stale += seen.status != "current"
            if as_json:
                click.echo(
                    json.dumps(
                        {"question": answer.get("question"), "n": c.get("n"),
                         "source": c.get("source"), "status": seen.status,
                         "message": seen.message},
                        ensure_ascii=False,
                    )
                )  # fmt: skip
            else:
                detail = f": {seen.message}" if seen.message else ""
                click.echo(f"[{c.get('n')}] {seen.status}: {c.get('source')}{detail}")
    if stale:
        sys.exit(1)
