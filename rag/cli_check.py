"""``rag check``: is a claim supported, contradicted or not found in the sources?"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from index.clikit import expected_errors, store_option
from rag.cli_ask import (
    LANG_OPTION,
    BatchItem,
    InputError,
    export_evidence,
    export_option,
    jsonl_items,
    read_batch_text,
    warn_incomplete,
)

if TYPE_CHECKING:
    from rag.check import ClaimCheck


def read_claims(path: Path) -> list[BatchItem]:
    """JSONL, one ``{"id", "claim"}`` a line (an id defaults to the line number)."""
    return jsonl_items(read_batch_text(path), "claim")


def verdict_to_text(result: ClaimCheck) -> str:
    """A verdict for people: the verdict and reason, then the quotes it rests on."""
    lines = [f"{result.verdict.replace('_', ' ').upper()}: {result.reason}"]
    against = {c.n for c in result.contradicting}
    for c in result.citations:
        role = "says otherwise" if c.n in against else "supports"
        lines.append(f'[{c.n}] {role}: "{c.quote}" ({c.title}, {c.date}, {c.source})')
    if result.closest:
        lines.append("Closest passages:")
        lines.extend(f'  - "{c.quote}" ({c.title}, {c.date})' for c in result.closest)
    return "\n".join(lines)


def _record(item: BatchItem, result: ClaimCheck | None) -> dict[str, Any]:
    if result is None:
        return {
            "id": item.id,
            "claim": item.text,
            "verdict": None,
            "reason": "",
            "citations": [],
            "contradicting": [],
            "error": item.error,
        }
    record = result.to_dict()
    record["id"] = item.id
    return record


@click.command()
@click.argument("claim", required=False)
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Check every claim of a JSONL file ({\"id\", \"claim\"} a line).")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --file: write the verdicts (JSONL, in order) here.")  # fmt: skip
@store_option
@click.option("--top-k", type=click.IntRange(1, 100), default=None, help="Passages retrieved.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, help="Claims at once.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict object as JSON.")
@LANG_OPTION
@export_option
@expected_errors
def check(
    claim: str | None,
    file: Path | None,
    out: Path | None,
    store: str | None,
    top_k: int | None,
    concurrency: int,
    as_json: bool,
    languages: tuple[str, ...],
    export: Path | None,
) -> None:
    """Check CLAIM (or every claim of --file) against the indexed sources.

    Each verdict is supported, contradicted or not_found, with the reason and the exact
    quotes. The exit status is 0 whatever the verdicts; non-zero only for errors.
    """
    if (claim is None) == (file is None):
        raise InputError("give a CLAIM or --file FILE (one of them)")
    if file is not None and not file.is_file():
        raise InputError(f"no such file: {file}")
    from rag.api import open_store

    items = read_claims(file) if file is not None else []
    rag = open_store(store, create=False)
    warn_incomplete(rag)
    if claim is not None:
        result = rag.check(claim, top_k=top_k, languages=languages)
        if export is not None:
            export_evidence(export, rag, [result])
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else
                   verdict_to_text(result))  # fmt: skip
        return

    from index.progress import progress

    valid = [i for i in items if i.error is None]
    with progress(len(valid), "check", "claim") as bar:
        results = rag.check_many(
            [i.text for i in valid],
            ids=[i.id for i in valid],
            concurrency=concurrency,
            on_done=lambda *_: bar.update(),
            top_k=top_k,
            languages=languages,
        )
    if export is not None:
        export_evidence(export, rag, results)
    pending = iter(results)  # in the order of the valid claims
    lines = [
        json.dumps(_record(i, None if i.error else next(pending)), ensure_ascii=False)
        for i in items
    ]
    if out is None:
        click.echo("\n".join(lines))
    else:
        out.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    counts = {v: sum(1 for r in results if r.verdict == v)
              for v in ("supported", "contradicted", "not_found")}  # fmt: skip
    failed = sum(1 for r in results if r.error) + len(items) - len(valid)
    summary = ", ".join(f"{n} {v}" for v, n in counts.items())
    click.echo(f"{len(items)} claims: {summary}, {failed} failed", err=True)
    if failed:
        sys.exit(1)  # every other line is written; the failed ones carry their "error"
