"""The write path as one call: discover -> load -> chunk -> embed -> store, with sync."""

from __future__ import annotations

import dataclasses
import errno
import functools
import hashlib
import logging
import os
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.records import Failure, IngestSummary
from index.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from index.records import Chunk
    from index.store import FileWrite

log = logging.getLogger(__name__)

_NO_VECTORS: Any = None  # filled in when the batch is embedded


@dataclass
class _Plan:
    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # walked: known files missing here go
    missing: list[Path] = field(default_factory=list)  # given paths that do not exist
    empty: list[Path] = field(default_factory=list)  # walked folders with no supported file
    unlisted: list[Path] = field(default_factory=list)  # sub-folders that could not be read
    bad: list[Failure] = field(default_factory=list)  # not regular files: never opened


def file_problem(path: Path) -> str | None:
    """Why a path cannot be indexed as a file, judged from its type alone (nothing is opened:
    opening a FIFO blocks for ever, reading a device never ends)."""
    try:
        mode = path.stat().st_mode  # follows symlinks
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "cannot read: symbolic link loop"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "not a regular file"
    )
    return f"not a regular file: {kind}"


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return None


def _plan(paths: Sequence[Path]) -> _Plan:
    from index.loaders import is_supported

    plan = _Plan()
    seen: set[Path] = set()

    def take(candidate: Path) -> None:
        problem = file_problem(candidate)
        resolved = _resolved(candidate) if problem is None else None
        if problem is not None or resolved is None:
            plan.bad.append(Failure(str(candidate), problem or "cannot read: symbolic link loop"))
        elif resolved not in seen:
            seen.add(resolved)
            plan.files.append(candidate)

    for given in paths:
        path = Path(given).expanduser().absolute()
        if path.is_dir():
            folder = path.resolve()
            plan.folders.append(folder)
            before = len(plan.files) + len(plan.bad)

            def unreadable(exc: OSError, folder: Path = folder) -> None:
                plan.unlisted.append(Path(exc.filename or folder))

            for root, dirs, names in os.walk(path, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    candidate = Path(root) / name
                    if is_supported(candidate) and not name.startswith("."):
                        take(candidate)
            if len(plan.files) + len(plan.bad) == before:
                plan.empty.append(folder)
        elif path.exists() or path.is_symlink():
            # Explicitly named files are tried whatever their suffix, so errors are reported.
            take(path)
        else:
            plan.missing.append(path)
    return plan


# The readers' edition: raise it when a loader reads the same bytes into different text
# (2: PDF text by PDFium, .docx link targets, 2026-11-30). A file is skipped only when both its
# bytes and the edition that read it are unchanged, so after an upgrade a store reads its files
# again once instead of keeping an older reader's text for ever.
READER_EDITION = 2


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_key(path: Path) -> str:
    """What the store keys a file by: its bytes' sha256 and the readers' edition."""
    return f"{sha256_file(path)}+r{READER_EDITION}"


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: bool = False,
) -> IngestSummary:
    """Index files and folders, keeping the store in sync with them.

    Unchanged files (same content hash) are skipped, changed ones re-embedded (the old version
    stays searchable until the new one is in), and indexed files gone from a given folder
    removed. A path that does not exist, or a folder with no file in it, removes nothing
    unless ``prune`` (an unmounted share must not empty the index); the summary says why. A
    file that fails is reported in ``summary.failed`` and whatever was indexed before stays.
    The whole ingest holds the store's write lock.
    """
    from index.lock import LockTimeout, write_lock
    from index.store import StoreError

    try:
        with write_lock(Path(settings.store), settings.lock_timeout):
            return _ingest_locked(paths, settings, rebuild=rebuild, prune=prune, progress=progress)
    except LockTimeout as exc:
        raise StoreError(str(exc)) from None


def _ingest_locked(
    paths: Sequence[Path], settings: Settings, *, rebuild: bool, prune: bool, progress: bool
) -> IngestSummary:
    from index.chunking import ChunkingError, chunk_document
    from index.embed import Embedder, ModelError, embedders_for
    from index.language import tag_document
    from index.loaders import LoadError, is_archive, load_file
    from index.models import serving_model
    from index.ocr import OcrOptions
    from index.progress import track
    from index.reuse import embed_missing, stored_vectors
    from index.store import FileWrite, Store

    summary = IngestSummary()
    ocr = OcrOptions(
        settings.ocr_languages, settings.ocr_detect_language, settings.languages, settings.ocr_dpi
    )
    store = Store(settings, create=True, rebuild=rebuild)
    # A store built with another model than the default keeps its model (and its calibration).
    settings = store.settings
    resuming = store.rebuilding and not rebuild
    if resuming:
        summary.warnings.append(
            Failure(str(settings.store), "an interrupted rebuild is resumed by this ingest")
        )
    store.check_writable()  # a collection of another store is refused before anything
    for file in store.recover():
        summary.warnings.append(
            Failure(file, "an interrupted write was finished or undone; nothing is half-indexed")
        )
    plan = _plan(paths)
    summary.failed.extend(plan.bad)
    known = store.file_hashes()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    # An archive's members are limited one by one (max_bytes); the archive by its own limit.
    max_archive_bytes = int(settings.max_archive_mb * 1024 * 1024)
    batch: list[tuple[FileWrite, list[str]]] = []
    languages: Counter[str] = Counter()  # documents indexed by this ingest, per language

    @functools.cache
    def models() -> dict[str, Embedder]:
        # Loaded on the first file that needs them: a re-sync with nothing changed stays fast.
        embedders = dict(zip(settings.embed_models, embedders_for(settings), strict=True))
        for embedder in embedders.values():
            if settings.chunk_tokens > embedder.max_tokens:
                raise ModelError(
                    f"chunk_tokens={settings.chunk_tokens} exceeds the embedding model "
                    f"{embedder.name}'s window of {embedder.max_tokens} tokens; lower "
                    "RAG_CHUNK_TOKENS"
                )
        return embedders

    @functools.cache
    def sizer(language: str) -> Embedder:
        # Chunks are the same for every model of the store, sized in the tokens of the model
        # that serves the document's language for questions in that language (index/models.py):
        # an English document's chunks are those of an all-MiniLM-L6-v2 store, a Russian one's
        # those of an e5 store. Another model embeds them cut to its window when they are
        # longer (MiniLM's 256 word pieces: the vectors of a pair it does not serve).
        return models()[serving_model(settings.embed_models, language, language)]

    def embed(chunks: Sequence[Chunk], reusable: list[str]) -> dict[str, np.ndarray]:
        # Chunks of files indexed before (a grown mailbox) keep their stored vectors.
        out: dict[str, np.ndarray] = {}
        for name, embedder in models().items():
            kept = stored_vectors(store, reusable, name)
            out[name], embedded = embed_missing(
                chunks,
                kept,
                functools.partial(embedder.embed_documents, batch_size=settings.embed_batch_size),
            )
            if name == settings.embed_models[0]:
                summary.chunks_added += embedded
        return out

    def counted(write: FileWrite, warnings: list[str]) -> None:
        summary.warnings.extend(Failure(write.file, w) for w in warnings)
        if write.file in known:
            summary.updated += 1
        else:
            summary.added += 1
        log.info("indexed %s (%d chunks)", write.file, len(write.chunks))

    def stream(write: FileWrite, warnings: list[str]) -> None:
        # A file larger than one write batch: its vectors are computed and upserted a batch
        # at a time under one journal entry, and the manifest switches to the new version
        # once they are all in (index/store.py's protocol); never all its vectors at once.
        step = settings.write_batch_chunks
        pieces = (
            embed(part, [c.chunk_id for c in part] if write.file in known else [])
            for part in (write.chunks[i : i + step] for i in range(0, len(write.chunks), step))
        )
        store.write_files([write], vectors=pieces)
        counted(write, warnings)

    def flush() -> None:
        # One embedding call and one store write for many small files: per-file round trips
        # (model call, Chroma delete/upsert, manifest transactions) dominated small files.
        if not batch:
            return
        chunks = [c for write, _ in batch for c in write.chunks]
        vectors = embed(
            chunks, [c.chunk_id for write, _ in batch if write.file in known for c in write.chunks]
        )
        writes, offset = [], 0
        for write, _ in batch:
            n = len(write.chunks)
            rows = {name: v[offset : offset + n] for name, v in vectors.items()}
            writes.append(dataclasses.replace(write, embeddings=rows))
            offset += n
        store.write_files(writes)
        for write, warnings in batch:
            counted(write, warnings)
        batch.clear()

    for path in track(plan.files, "ingest", "file", mode=None if progress else "off"):
        source = str(path.resolve())
        try:
            # The type is checked again right before reading: a path can change meanwhile.
            problem = file_problem(path)
            if problem is not None:
                raise LoadError(problem)
            size = path.stat().st_size
            if is_archive(path) and size > max_archive_bytes:
                raise LoadError(
                    f"archive too large: {size / 2**20:.1f} MB > limit "
                    f"{settings.max_archive_mb:g} MB (RAG_MAX_ARCHIVE_MB)"
                )
            if not is_archive(path) and size > max_bytes:
                raise LoadError(
                    f"file too large: {size / 2**20:.1f} MB > limit {settings.max_file_mb:g} MB"
                )
            content_hash = file_key(path)
        except LoadError as exc:
            summary.failed.append(Failure(str(path.absolute()), str(exc)))
            continue
        except OSError as exc:
            # Name the path as given: a dangling link resolves to a file that does not exist.
            reason = f"cannot read: {exc.strerror or exc}"
            summary.failed.append(Failure(str(path.absolute()), reason))
            continue
        if known.get(source) == content_hash:
            summary.unchanged += 1
            continue
        try:
            loaded = load_file(
                path, max_bytes=max_bytes, ocr=ocr, max_archive_bytes=max_archive_bytes
            )
            loaded.documents[:] = [tag_document(d, settings.languages) for d in loaded.documents]
            chunks = [
                chunk
                for document in loaded.documents
                for chunk in chunk_document(
                    document,
                    chunk_tokens=settings.chunk_tokens,
                    chunk_overlap=settings.chunk_overlap,
                    count_tokens=sizer(document.language).count_tokens,
                )
            ]
        except (LoadError, ChunkingError) as exc:
            summary.failed.append(Failure(source, str(exc)))
            continue
        write = FileWrite(source, content_hash, size, loaded.documents, chunks, _NO_VECTORS)
        languages.update(d.language for d in loaded.documents)
        if len(chunks) > settings.write_batch_chunks:
            flush()  # files go to the store in the order they were read
            stream(write, loaded.warnings)
            continue
        batch.append((write, loaded.warnings))
        if sum(len(w.chunks) for w, _ in batch) >= settings.write_batch_chunks:
            flush()
    flush()
    _note_languages(summary, settings.embed_model, languages)

    for file in _gone(plan, known, summary, prune):
        if store.remove_file(file):
            summary.removed += 1
            log.info("removed %s (no longer on disk)", file)
    if rebuild or resuming:
        store.finish_rebuild()
    if summary.added or summary.updated or summary.removed:
        from index.lexical import refresh

        refresh(store)  # BM25 segments for what changed, while the ingest is still running
    return summary


def _note_languages(summary: IngestSummary, model: str, languages: Counter[str]) -> None:
    """One line when the store's model does not cover the languages of documents indexed."""
    from index.model_languages import ingest_note

    note = ingest_note(model, languages)
    if note:  # the summary carries it (the CLI prints it): logged at info, not twice
        log.info("%s", note)
        summary.notes.append(note)


def _under(files: dict[str, str], folder: str) -> list[str]:
    prefix = folder.rstrip(os.sep) + os.sep
    return [f for f in files if f == folder or f.startswith(prefix)]


def _gone(plan: _Plan, known: dict[str, str], summary: IngestSummary, prune: bool) -> list[str]:
    """Indexed files to remove because they are gone from disk. Absence alone is no proof:
    a missing path or an empty folder (an unmounted share) removes nothing unless ``prune``."""
    discovered = {str(_resolved(p) or p) for p in plan.files} | {f.source for f in plan.bad}
    kept_why: list[tuple[str, int, str]] = []
    gone: list[str] = []
    for folder in plan.folders:
        matches = [f for f in _under(known, str(folder)) if f not in discovered]
        # Files under a sub-folder that could not be listed are not known to be gone.
        matches = [m for m in matches if not any(_under({m: ""}, str(u)) for u in plan.unlisted)]
        if folder in plan.empty and matches and not prune:
            kept_why.append((str(folder), len(matches), "the folder is empty"))
            continue
        gone += matches
    for path in plan.missing:
        matches = _under(known, str(path))
        if not matches:
            summary.failed.append(Failure(str(path), "cannot read: no such file or folder"))
        elif prune:
            gone += matches
        else:
            n = len(matches)
            summary.failed.append(
                Failure(
                    str(path),
                    f"cannot read: no such file or folder (not mounted?); its {n} indexed "
                    f"file{'s are' if n != 1 else ' is'} kept: use --prune to remove them",
                )
            )
    for kept, n, why in kept_why:
        summary.warnings.append(
            Failure(
                kept,
                f"{why}: its {n} indexed file{'s are' if n != 1 else ' is'} kept; "
                "use --prune to remove them",
            )
        )
    return list(dict.fromkeys(gone))


def remove(paths: Sequence[Path], settings: Settings) -> tuple[list[str], list[str]]:
    """Delete documents (a file, or every file under a folder) and all their vectors.

    Returns (removed files, paths that matched nothing in the store). Holds the write lock.
    """
    from index.store import Store

    store = Store(settings)
    with store.locked():
        store.check_writable()
        store.recover()
        return _remove_locked(store, paths)


def _remove_locked(store: Any, paths: Sequence[Path]) -> tuple[list[str], list[str]]:
    known = store.file_hashes()
    removed: list[str] = []
    unknown: list[str] = []
    for given in paths:
        target = str(Path(given).expanduser().absolute())
        resolved = str(Path(target).resolve())
        matches = [
            f
            for f in known
            if f in (target, resolved)
            or f.startswith(target + os.sep)
            or f.startswith(resolved + os.sep)
        ]
        if not matches:
            unknown.append(str(given))
        for file in matches:
            if store.remove_file(file):
                removed.append(file)
    return removed, unknown
