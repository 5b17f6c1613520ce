"""``rag ingest``, ``rag remove``, ``rag sources``: the write path's commands.

Heavy libraries are imported inside the commands: ``rag --help`` and ``rag sources`` stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index.clikit import expected_errors, lock_timeout_option, store_option


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--chroma-url", default=None, help="Use a Chroma server (http://HOST:PORT).")
@click.option("--rebuild", is_flag=True, help="Empty the store first (after a settings change).")
@click.option(
    "--prune",
    is_flag=True,
    help="Also remove the documents of a given path that is missing or an empty folder.",
)
@lock_timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary object.")
@expected_errors
def ingest(
    paths: tuple[Path, ...],
    store: str | None,
    chroma_url: str | None,
    rebuild: bool,
    prune: bool,
    lock_timeout: float | None,
    as_json: bool,
) -> None:
    """Index files and folders (.txt .md .html .pdf .docx .eml, and by OCR .png .jpg .tif),
    keeping the store in sync.

    Unchanged files are skipped, changed files re-indexed, and files gone from the given
    folders removed. A missing path or an empty folder removes nothing without --prune.
    Exits 1 when any file failed; the rest is indexed all the same.
    """
    from index.ingest import ingest as run_ingest
    from index.settings import get_settings

    settings = get_settings(store=store, chroma_url=chroma_url, lock_timeout=lock_timeout)
    summary = run_ingest(list(paths), settings, rebuild=rebuild, prune=prune, progress=True)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        for warning in summary.warnings:
            click.echo(f"warning: {warning.source}: {warning.error}", err=True)
        for failure in summary.failed:
            click.echo(f"failed: {failure.source}: {failure.error}", err=True)
        for note in summary.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(
            f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.removed} removed, {len(summary.failed)} failed "
            f"({summary.chunks_added} chunks embedded) in {settings.store}"
        )
    if summary.failed:
        sys.exit(1)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--chroma-url", default=None, help="Use a Chroma server (http://HOST:PORT).")
@lock_timeout_option
@expected_errors
def remove(
    paths: tuple[Path, ...], store: str | None, chroma_url: str | None, lock_timeout: float | None
) -> None:
    """Delete documents (a file, or all files under a folder) and all their vectors."""
    from index.ingest import remove as run_remove
    from index.settings import get_settings

    settings = get_settings(store=store, chroma_url=chroma_url, lock_timeout=lock_timeout)
    removed, unknown = run_remove(list(paths), settings)
    for file in removed:
        click.echo(f"removed: {file}")
    for path in unknown:
        click.echo(f"not indexed: {path}", err=True)
    if unknown:
        sys.exit(1)


@click.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option(
    "--lang",
    "languages",
    multiple=True,
    help="Only documents in this language (ISO 639-1 code: ru, be, bg, uk, en), as `rag ask "
    "--lang` filters them; repeat for several.",
)
@expected_errors
def sources(store: str | None, as_json: bool, languages: tuple[str, ...]) -> None:
    """List what is indexed: source, title, date, language, chunk count, OCR pages."""
    from index.settings import get_settings
    from index.store import Store

    documents = Store(get_settings(store=store)).documents()
    wanted = {code.strip().lower() for code in languages}
    if wanted:  # the document's main language, the one `ask --lang` filters on
        documents = [d for d in documents if d.language in wanted]
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in documents], ensure_ascii=False, indent=1))
        return
    if not documents:
        click.echo(
            "no documents in " + ", ".join(sorted(wanted)) if wanted else "no documents indexed"
        )
        return
    for d in documents:
        date = d.date + (" (file date)" if d.date_origin == "file" else "")
        language = d.metadata.get("languages", d.language).replace(",", "+") or "und"
        ocr = f" | OCR: {d.ocr_pages} page(s)" if d.ocr_pages else ""
        click.echo(f"{d.source}\n    {d.title} | {date} | {language} | {d.n_chunks} chunks{ocr}")
