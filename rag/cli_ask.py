"""``rag ask`` and ``rag batch``: questions from the terminal and from files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from index.clikit import expected_errors, store_option

_BACKENDS = click.Choice(["extractive", "llm", "openai", "llama-cpp"])
LANG_OPTION = click.option(
    "--lang",
    "languages",
    multiple=True,
    help="Only documents in this language (ISO 639-1 code as `rag sources` shows: ru, be, "
    "bg, uk, en); repeat for several.",
)


def _export_suffix(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    # Checked before any question is asked, so a typo costs no answering time.
    if value is not None and value.suffix.lower() not in (".json", ".csv", ".md"):
        raise click.BadParameter("the evidence file must end in .json, .csv or .md")
    return value


def export_option(func: Any) -> Any:
    return click.option(
        "--export",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=_export_suffix,
        help="Also write an evidence file (.json, .csv or .md): quotes, offsets, file hashes, "
        "settings. See docs/evidence.md.",
    )(func)


def export_evidence(path: Path, rag: Any, answers: list[Any]) -> None:
    """The evidence file of ``answers``; the format follows the extension."""
    from rag.evidence_file import evidence_record, write_evidence

    write_evidence(path, rag, [evidence_record(rag, a) for a in answers])


def warn_incomplete(rag: Any) -> None:
    """One line on stderr when the index is missing documents (an unfinished rebuild): the
    answer that follows comes from what is there, and the reader must know it."""
    if (reason := rag.incomplete()) is not None:
        click.echo(f"warning: {reason}", err=True)


class InputError(Exception):
    """A batch file that cannot be read at all."""


@dataclass(frozen=True)
class BatchItem:
    """One line of a batch file: a question (``rag batch``) or a claim (``rag check --file``)."""

    id: str
    text: str
    error: str | None = None  # a line that could not be parsed: reported, the batch goes on


def read_batch_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def jsonl_items(raw: str, field: str) -> list[BatchItem]:
    """One ``{"id", field}`` object a line; an id defaults to the line number, and a line
    that is not such an object becomes an item with an ``error`` (the others go on)."""
    items: list[BatchItem] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
            text = str(item.get(field) or "").strip()
            if not text:
                raise ValueError(f'no "{field}"')
            items.append(BatchItem(str(item.get("id", number)), text))
        except ValueError as exc:
            items.append(BatchItem(str(number), "", f"line {number}: bad JSONL ({exc})"))
    return items


def read_questions(path: Path) -> list[BatchItem]:
    """JSONL (``{"id", "question"}`` a line), CSV (``id,question``) or TXT (a question a line)."""
    raw = read_batch_text(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return jsonl_items(raw, "question")
    questions: list[BatchItem] = []
    if suffix == ".csv":
        rows = list(csv.reader(raw.splitlines()))
        if rows and [c.strip().lower() for c in rows[0][:2]] == ["id", "question"]:
            rows = rows[1:]
        for number, row in enumerate(rows, start=1):
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) < 2 or not row[1].strip():
                questions.append(BatchItem(row[0] if row else str(number), "", "no question"))
            else:
                questions.append(BatchItem(row[0], ",".join(row[1:]).strip()))
    else:
        for number, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                questions.append(BatchItem(str(number), line.strip()))
    return questions


@click.command()
@click.argument("question")
@store_option
@click.option("--backend", type=_BACKENDS, default=None, help="Answer generator.")
@click.option("--top-k", type=click.IntRange(1, 100), default=None, help="Passages retrieved.")
@click.option("--source", "sources", multiple=True, help="Only these sources (path parts).")
@click.option("--since", "date_from", default=None, help="Only documents dated on/after.")
@click.option("--until", "date_to", default=None, help="Only documents dated on/before.")
@LANG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the answer object as JSON.")
@export_option
@expected_errors
def ask(
    question: str,
    store: str | None,
    backend: str | None,
    top_k: int | None,
    sources: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    languages: tuple[str, ...],
    as_json: bool,
    export: Path | None,
) -> None:
    """Answer QUESTION from the indexed sources, with cited quotes."""
    from rag.api import open_store
    from rag.pipeline import answer_to_text

    rag = open_store(store, create=False, backend=backend)
    warn_incomplete(rag)
    answer = rag.ask(
        question,
        top_k=top_k,
        sources=sources,
        date_from=date_from,
        date_to=date_to,
        languages=languages,
    )
    if export is not None:
        export_evidence(export, rag, [answer])
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        click.echo(answer_to_text(answer))


def _record(item: BatchItem, answer: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"id": item.id}
    if answer is None:
        record.update(question=item.text, answer=None, abstained=None, citations=[])
        record["error"] = item.error
        return record
    record.update(answer.to_dict())
    if answer.error:
        record["error"] = answer.error
    return record


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write JSONL here (default: standard output).")  # fmt: skip
@store_option
@click.option("--backend", type=_BACKENDS, default=None, help="Answer generator.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, help="Questions at once.")
@LANG_OPTION
@export_option
@expected_errors
def batch(
    file: Path,
    out: Path | None,
    store: str | None,
    backend: str | None,
    concurrency: int,
    languages: tuple[str, ...],
    export: Path | None,
) -> None:
    """Answer every question of FILE (.jsonl, .csv or .txt); one JSONL line each, in order.

    A question that fails gets an "error" field and the batch goes on.
    """
    from index.progress import progress
    from rag.api import open_store

    items = read_questions(file)
    rag = open_store(store, create=False, backend=backend)
    warn_incomplete(rag)
    valid = [i for i in items if i.error is None]
    with progress(len(valid), "batch", "question") as bar:
        answers = rag.ask_many(
            [i.text for i in valid],
            concurrency=concurrency,
            on_done=lambda *_: bar.update(),
            languages=languages,
        )
    pending = iter(answers)  # answers come back in the order of the valid questions
    lines = [
        json.dumps(_record(item, None if item.error else next(pending)), ensure_ascii=False)
        for item in items
    ]
    if out is None:
        click.echo("\n".join(lines))
    else:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if export is not None:
        export_evidence(export, rag, answers)
    failed = sum(1 for a in answers if a.error) + len(items) - len(valid)
    click.echo(f"{len(items)} questions, {failed} failed", err=True)
