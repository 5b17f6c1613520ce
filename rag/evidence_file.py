"""The evidence file: answers with everything an editor or a lawyer needs to check them.

:func:`evidence_record` turns an :class:`~rag.records.Answer` into a plain dict (schema in
``docs/evidence.md``): the question, the answer, the time, the tool version, the embedding
model, the back-end and model, the settings and their fingerprint, and for every citation the
quote, source path, the file's sha256 at ingest, page, offsets, document date and where that
date came from, and the OCR flag. :func:`write_evidence` writes records as JSON, CSV or
Markdown by the file's extension. :func:`verify_evidence` re-reads the cited files from disk
and says, quote by quote, whether each still holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.check import ClaimCheck

if TYPE_CHECKING:
    from index.settings import Settings
    from rag.api import RAG
    from rag.records import Answer

SCHEMA = "rag-cite/evidence/1"
FORMATS = (".json", ".csv", ".md")

# Settings that change which passages are found or what is said; paths, servers and UI
# options do not, so they stay out of the fingerprint (two machines can match).
_NOT_FINGERPRINTED = {
    "store",
    "chroma_url",
    "ui_host",
    "ui_port",
    "ui_password",
    "upload_max_mb",
    "openai_api_key_env",
    "ollama_url",
    "openai_base_url",
    "llama_model_path",
    "investigation",
    "home",
}

CSV_FIELDS = [
    "kind",
    "question",
    "verdict",
    "answer",
    "abstained",
    "answered_at",
    "n",
    "role",
    "quote",
    "source",
    "file",
    "file_sha256",
    "document_sha256",
    "page",
    "start",
    "end",
    "date",
    "date_origin",
    "ocr",
    "ocr_confidence",
    "backend",
    "model",
    "embed_model",
    "tool_version",
    "settings_fingerprint",
]


class EvidenceError(Exception):
    """An evidence file that cannot be written or read; the message is one line."""


def tool_version() -> str:
    try:
        return version("rag-cite")
    except PackageNotFoundError:  # running from a source tree without an install
        return "unknown"


def answer_settings(settings: Settings) -> dict[str, Any]:
    """The settings that shape an answer, as JSON values."""
    values = settings.model_dump(mode="json")
    return {k: values[k] for k in sorted(values) if k not in _NOT_FINGERPRINTED}


def settings_fingerprint(settings: Settings) -> str:
    """sha256 of :func:`answer_settings` as canonical JSON (first 16 hex digits)."""
    canonical = json.dumps(answer_settings(settings), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def model_name(settings: Settings, backend: str) -> str | None:
    """The answer writer's model, as far as the settings say."""
    if backend == "extractive":
        return None
    from rag.llm import llm_spec

    try:
        return llm_spec(settings.model_copy(update={"backend": backend}))
    except Exception:  # an object passed to open_store(llm=...) has no spec
        return backend


def evidence_record(
    rag: RAG, answer: Answer | ClaimCheck, answered_at: datetime | None = None
) -> dict[str, Any]:
    """One answer (or claim check) as an evidence record (see ``docs/evidence.md``)."""
    settings = rag.settings
    when = (answered_at or datetime.now(UTC)).astimezone(UTC)
    against = {c.n for c in getattr(answer, "contradicting", [])}
    citations = []
    for c in answer.citations:
        doc = rag.store.document(c.doc_id)
        file = doc.file if doc else c.source
        file_sha = doc.content_hash if doc else None
        if doc is not None and doc.source != doc.file and doc.parent_id:
            parent = rag.store.document(doc.parent_id)  # an attachment: hash of its email
            file_sha = parent.content_hash if parent else None
        citations.append(
            {
                "n": c.n,
                "role": "contradicts" if c.n in against else "supports",
                "quote": c.quote,
                "source": c.source,
                "title": c.title,
                "file": file,
                "file_sha256": file_sha,
                "document_sha256": doc.content_hash if doc else None,
                "doc_id": c.doc_id,
                "page": c.page,
                "start": c.start,
                "end": c.end,
                "date": c.date,
                "date_origin": c.date_origin,
                # From the citation: whether its quote's page was read by OCR, and how well.
                "ocr": c.ocr,
                "ocr_confidence": c.ocr_confidence,
            }
        )
    verdict: str | None = None
    if isinstance(answer, ClaimCheck):
        kind, question, backend, verdict = "claim", answer.claim, "extractive", answer.verdict
        text, abstained = f"{answer.verdict}: {answer.reason}", answer.verdict == "not_found"
        notes: list[str] = []
    else:
        kind, question, backend = "answer", answer.question, answer.backend
        text, abstained, notes = answer.text, answer.abstained, list(answer.notes)
    return {
        "kind": kind,
        "question": question,
        "answer": text,
        "verdict": verdict,
        "abstained": abstained,
        "notes": notes,
        "error": answer.error,
        "answered_at": when.isoformat(timespec="seconds"),
        "backend": backend,
        "model": model_name(settings, backend),
        "embed_model": settings.embed_model,
        "tool_version": tool_version(),
        "settings_fingerprint": settings_fingerprint(settings),
        "citations": citations,
    }


def evidence_document(rag: RAG, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole JSON file: schema, tool, settings, and the records."""
    return {
        "schema": SCHEMA,
        "tool": "rag-cite",
        "tool_version": tool_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "embed_model": rag.settings.embed_model,
        "settings_fingerprint": settings_fingerprint(rag.settings),
        "settings": answer_settings(rag.settings),
        "answers": records,
    }


def render_evidence(rag: RAG, records: list[dict[str, Any]], suffix: str) -> str:
    """The file's text for ``suffix`` (.json, .csv or .md)."""
    suffix = suffix.lower()
    if suffix == ".json":
        return json.dumps(evidence_document(rag, records), ensure_ascii=False, indent=2) + "\n"
    if suffix == ".csv":
        return _csv(records)
    if suffix == ".md":
        return _markdown(evidence_document(rag, records))
    raise EvidenceError(
        f"evidence file must end in {', '.join(FORMATS)} (the format follows the extension)"
    )


def write_evidence(path: Path, rag: RAG, records: list[dict[str, Any]]) -> None:
    """Write ``records`` to ``path`` in the format its extension names."""
    text = render_evidence(rag, records, path.suffix)
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise EvidenceError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _csv(records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        head = {k: record.get(k) for k in CSV_FIELDS}
        if not record["citations"]:
            writer.writerow(head)  # an answer without citations (abstained) is a row too
        for citation in record["citations"]:
            writer.writerow({**head, **citation})
    return out.getvalue()


def _markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Evidence",
        "",
        f"- tool: rag-cite {doc['tool_version']}",
        f"- created: {doc['created_at']}",
        f"- embedding model: {doc['embed_model']}",
        f"- settings fingerprint: `{doc['settings_fingerprint']}`",
        "",
    ]
    for i, record in enumerate(doc["answers"], start=1):
        model = f", model {record['model']}" if record["model"] else ""
        lines += [
            f"## {i}. {record['question']}",
            "",
            record["answer"],
            "",
            f"*Answered {record['answered_at']} by the {record['backend']} back-end{model}.*",
            "",
        ]
        lines += [f"> note: {note}" for note in record["notes"]]
        for c in record["citations"]:
            page = f", page {c['page']}" if c["page"] else ""
            ocr = ""
            if c["ocr"]:
                confidence = c.get("ocr_confidence")
                ocr = ", text from OCR" + (
                    f" (confidence {confidence:.2f})" if confidence is not None else ""
                )
            dated = f"{c['date']}, date from {c['date_origin']}{page}{ocr}"
            lines += [
                f"**[{c['n']}]** {c['title']} ({dated})",
                "",
                f"> {c['quote']}",
                "",
                f"- source: `{c['source']}`",
                f"- characters {c['start']}-{c['end']}; file sha256 `{c['file_sha256']}`",
                "",
            ]
    return "\n".join(lines)


# --- re-checking a file ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteCheck:
    """One citation re-checked against the file on disk.

    ``status``: "holds" (the quote is at its offsets), "moved" (the quote is in the document,
    elsewhere), "changed" (the quote is no longer in it), "missing" (file or document gone).
    ``file_changed`` says whether the file's sha256 differs from the one at ingest.
    """

    question: str
    n: int
    source: str
    status: str
    file_changed: bool | None
    detail: str = ""

    @property
    def holds(self) -> bool:
        return self.status == "holds"


def read_evidence(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON or CSV evidence file (one dict per answer, with citations)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvidenceError(f"cannot read {path}: {exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise EvidenceError(f"{path} is not JSON: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            raise EvidenceError(f"{path} is not a rag-cite evidence file (schema {SCHEMA})")
        return list(doc["answers"])
    if suffix == ".csv":
        records: dict[tuple[str, str], dict[str, Any]] = {}
        for row in csv.DictReader(io.StringIO(raw)):
            key = (row.get("question") or "", row.get("answered_at") or "")
            record = records.setdefault(key, {"question": key[0], "citations": []})
            if row.get("quote"):
                record["citations"].append(
                    {**row, "n": int(row["n"]), "start": int(row["start"]), "end": int(row["end"])}
                )
        return list(records.values())
    raise EvidenceError("verify-evidence reads the .json or .csv evidence file")


def verify_evidence(
    path: Path, max_file_mb: float = 50.0, max_archive_mb: float = 1000.0
) -> list[QuoteCheck]:
    """Every citation of the evidence file at ``path``, re-checked against its file."""
    from index.loaders import LoadError, load_file

    texts: dict[str, dict[str, str] | str] = {}  # file -> {source: text}, or why it failed
    hashes: dict[str, str] = {}
    checks = []
    for record in read_evidence(path):
        for c in record["citations"]:
            file = str(c["file"])
            if file not in texts:
                try:
                    loaded = load_file(
                        Path(file),
                        max_bytes=int(max_file_mb * 1024 * 1024),
                        max_archive_bytes=int(max_archive_mb * 1024 * 1024),
                    )
                    texts[file] = {d.source: d.text for d in loaded.documents}
                    hashes[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
                except (LoadError, OSError) as exc:
                    texts[file] = str(exc)
            checks.append(_check(record["question"], c, texts[file], hashes.get(file)))
    return checks


def _check(
    question: str, c: dict[str, Any], found: dict[str, str] | str, sha: str | None
) -> QuoteCheck:
    n, source, quote = int(c["n"]), str(c["source"]), str(c["quote"])
    if isinstance(found, str):
        return QuoteCheck(question, n, source, "missing", None, found)
    changed = sha != c.get("file_sha256") if c.get("file_sha256") else None
    text = found.get(source)
    if text is None:
        return QuoteCheck(question, n, source, "missing", changed, "document not in the file")
    start, end = int(c["start"]), int(c["end"])
    if text[start:end] == quote:
        return QuoteCheck(question, n, source, "holds", changed)
    at = text.find(quote)
    if at >= 0:
        return QuoteCheck(question, n, source, "moved", changed, f"now at {at}-{at + len(quote)}")
    return QuoteCheck(question, n, source, "changed", changed, "quote no longer in the document")
