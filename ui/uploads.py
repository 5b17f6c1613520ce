"""Uploaded files: copied into the store's upload folder under a safe name, then indexed.

No gradio here: the app hands over the temporary paths gradio gives it.
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag import RAG, file_digest

log = logging.getLogger(__name__)

# Characters kept in an uploaded file's name; everything else becomes "_". \w is Unicode-aware
# so Cyrillic or accented names stay readable.
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\- ()+,@]")
_MAX_NAME = 120


@dataclass
class UploadReport:
    """What happened to each uploaded file, by its original name."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, one-line reason)
    notes: list[str] = field(default_factory=list)  # about the store (its model's languages)

    def lines(self) -> list[str]:
        out = [f"added: {name}" for name in self.added]
        out += [f"updated: {name}" for name in self.updated]
        out += [f"unchanged (already indexed): {name}" for name in self.unchanged]
        out += [f"failed: {name}: {reason}" for name, reason in self.failed]
        out += [f"note: {note}" for note in self.notes]
        return out


def upload_folder(rag: RAG) -> Path:
    return Path(rag.settings.store) / "uploads"


def _earlier_copy(folder: Path, name: str, digest: str) -> Path | None:
    """An earlier upload of the same bytes under the same name: uploading a file twice must
    not put a numbered duplicate of it in the index."""
    for candidate in upload_name_variants(name, folder):
        if file_digest(candidate) == digest:
            return candidate
    return None


def _copy_exclusive(source: Path, name: str, folder: Path) -> Path:
    """Copy to a fresh safe name; O_EXCL makes two sessions uploading the same name at once
    end up with two files instead of one overwriting the other."""
    for _ in range(1000):
        target = safe_upload_name(name, folder)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out, source.open("rb") as inp:
            shutil.copyfileobj(inp, out)
        return target
    raise OSError(f"no free name for {name!r} in {folder}")


def _plausible_mtime(value: object) -> float | None:
    """A modification time (seconds) the browser sent, or None when it is not believable:
    the value comes from the client, so only a finite time between 1970 and tomorrow counts."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    if not math.isfinite(seconds) or not 0 < seconds <= time.time() + 86400:
        return None
    return seconds


def save_and_ingest(
    rag: RAG,
    files: Sequence[str | Path],
    original_names: Sequence[str] | None = None,
    mtimes: Mapping[str, float] | None = None,
) -> UploadReport:
    """Copy each file into the upload folder and index the copies.

    ``original_names`` are the names the user's files had (default: the files' own names).
    ``mtimes``: original name -> the user's file's modification time in seconds (the browser
    knows it, the uploaded temporary file does not); the copy gets it, so a document without a
    date of its own is dated by when the user's file last changed, not by the upload.
    Files over ``settings.upload_max_mb`` are refused before anything is copied; a copy that
    cannot be indexed is deleted again, and so are all the copies when the ingest itself fails
    (another writer held the store past ``settings.lock_timeout``, a full disk): each is
    reported as failed, with the reason.
    """
    report = UploadReport()
    folder = upload_folder(rag)
    folder.mkdir(parents=True, exist_ok=True)
    limit = rag.settings.upload_max_mb
    names = list(original_names) if original_names is not None else [Path(f).name for f in files]
    copies: dict[str, str] = {}  # resolved copy path -> original name
    digests: dict[str, str] = {}
    for file, name in zip(files, names, strict=True):
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > limit * 1024 * 1024:
                report.failed.append(
                    (name, f"too large: {size / 2**20:.1f} MB > upload limit {limit:g} MB")
                )
                continue
            digest = file_digest(path)
            copy = _earlier_copy(folder, name, digest) or _copy_exclusive(path, name, folder)
            mtime = _plausible_mtime((mtimes or {}).get(name))
            if mtime is not None:
                os.utime(copy, (mtime, mtime))
        except OSError as exc:
            report.failed.append((name, f"cannot read: {exc.strerror or exc}"))
            continue
        copies[str(copy.resolve())] = name
        digests[str(copy.resolve())] = digest
        log.info("upload %r saved as %s", name, copy)
    if not copies:
        return report
    # file -> content hash (attachments share their email's file; their hash is their own).
    indexed_before = {d.file: d.content_hash for d in rag.sources() if d.parent_id is None}
    try:
        summary = rag.ingest(list(copies))
    except Exception as exc:  # e.g. another writer held the store past the lock timeout
        log.warning("upload not indexed: %s", exc)
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        for source, name in copies.items():
            # Nothing is indexed, so nothing is kept: the copies would only sit in the
            # folder (and take the names) until someone noticed.
            if source not in indexed_before:
                Path(source).unlink(missing_ok=True)
            report.failed.append((name, f"not indexed, nothing kept; upload it again: {reason}"))
        return report
    report.notes.extend(summary.notes)
    failed = {f.source: f.error for f in summary.failed}
    for source, name in copies.items():
        if source in failed:
            report.failed.append((name, failed[source].splitlines()[0] or "failed"))
            # A copy that cannot be indexed is of no use and would take the name.
            if source not in indexed_before:
                Path(source).unlink(missing_ok=True)
        elif indexed_before.get(source) == digests[source]:
            # Same name and same bytes as an earlier upload: ingest skipped it.
            report.unchanged.append(name)
        elif source in indexed_before:
            report.updated.append(name)
        else:
            report.added.append(name)
    return report


def clean_upload_name(name: str) -> str:
    """An uploaded file's name reduced to a safe base name (no folder part, no leading dots,
    no control or unusual characters, at most 120 characters); never empty."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # control chars
    base = _UNSAFE_NAME_CHARS.sub("_", base).strip().lstrip(". ").rstrip(". ")
    if not base:
        base = "upload"
    stem, suffix = _split_suffix(base)
    return f"{stem[: max(1, _MAX_NAME - len(suffix))]}{suffix}"


def _split_suffix(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    return (stem, f".{suffix}") if dot and stem and suffix else (name, "")


def safe_upload_name(name: str, folder: Path) -> Path:
    """A free path inside ``folder`` for an uploaded file called ``name``.

    The name is cleaned by :func:`clean_upload_name` (so ``../../etc/passwd`` becomes
    ``passwd`` and ``.hidden`` becomes ``hidden``), and a name already taken in ``folder`` gets
    ``-1``, ``-2``... before its extension. The result never leaves ``folder``.
    """
    stem, suffix = _split_suffix(clean_upload_name(name))
    candidate = folder / f"{stem}{suffix}"
    counter = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def upload_name_variants(name: str, folder: Path) -> list[Path]:
    """Existing files in ``folder`` that :func:`safe_upload_name` may have made from ``name``."""
    stem, suffix = _split_suffix(clean_upload_name(name))
    # The cleaned name holds no glob characters ([ ] * ? become "_").
    variants = [folder / f"{stem}{suffix}", *sorted(folder.glob(f"{stem}-*{suffix}"))]
    return [v for v in variants if v.is_file()]
