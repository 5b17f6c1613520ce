"""``rag investigations``: the named investigations and their stores."""

from __future__ import annotations

import json

import click

from index.clikit import expected_errors


@click.command("investigations")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
@expected_errors
def investigations(as_json: bool) -> None:
    """List the named investigations (use one with: rag --investigation NAME ...)."""
    from index.investigations import home, list_investigations
    from index.settings import get_settings
    from index.store import Store

    rows = []
    for item in list_investigations():
        try:
            count: int | None = len(Store(get_settings(store=item.store), create=False).documents())
        except Exception:  # an empty or damaged folder is still listed
            count = None
        rows.append({"name": item.name, "store": str(item.store), "documents": count})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"no investigations yet under {home() / 'investigations'}; "
                   "start one with: rag --investigation NAME ingest PATH")  # fmt: skip
    for row in rows:
        docs = "?" if row["documents"] is None else row["documents"]
        click.echo(f"{row['name']}\t{docs} documents\t{row['store']}")
