"""The write path as one call: discover -> load -> chunk -> embed -> store, with sync."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.records import Failure, IngestSummary
from index.settings import Settings

log = logging.getLogger(__name__)

_BATCH_CHUNKS = 256  # chunks embedded and written together (fewer store round trips)
_NO_VECTORS: Any = None  # filled in when the batch is embedded


@dataclass
class _Plan:
    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # walked: known files missing here go
    missing: list[Path] = field(default_factory=list)  # given paths that do not exist


def _plan(paths: Sequence[Path]) -> _Plan:
    from index.loaders import SUPPORTED_SUFFIXES

    plan = _Plan()
    seen: set[Path] = set()
    for given in paths:
        path = Path(given).expanduser().absolute()
        if path.is_dir():
            plan.folders.append(path.resolve())
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    candidate = Path(root) / name
                    if candidate.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                        resolved = candidate.resolve()
                        if resolved not in seen:
                            seen.add(resolved)
                            plan.files.append(candidate)
        elif path.exists() or path.is_symlink():
            # Explicitly named files are tried whatever their type, so errors are reported.
            if path.resolve() not in seen:
                seen.add(path.resolve())
                plan.files.append(path)
        else:
            plan.missing.append(path)
    return plan


def sha256_file(path: Path) -> str:
    """The content hash the store keys files by (sha256 of the bytes, read in blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: bool = False,
) -> IngestSummary:
    """Index files and folders, keeping the store in sync with them.

    Unchanged files (same content hash) are skipped, changed ones re-embedded with their old
    chunks removed, and indexed files under the given folders that no longer exist removed. A
    file that fails is reported in ``summary.failed`` and whatever was indexed before stays.
    """
    from tqdm import tqdm

    from index.chunking import ChunkingError, chunk_document
    from index.embed import Embedder, ModelError, embedder_for
    from index.loaders import LoadError, load_file
    from index.store import FileWrite, Store

    summary = IngestSummary()
    store = Store(settings, create=True, rebuild=rebuild)
    for file in store.recover():
        summary.warnings.append(
            Failure(file, "was half-indexed by an interrupted ingest; its partial data is removed")
        )
    plan = _plan(paths)
    known = store.file_hashes()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    batch: list[tuple[FileWrite, list[str]]] = []

    @functools.cache
    def model() -> Embedder:
        # Loaded on the first file that needs it: a re-sync with nothing changed stays fast.
        embedder = embedder_for(settings)
        if settings.chunk_tokens > embedder.max_tokens:
            raise ModelError(
                f"chunk_tokens={settings.chunk_tokens} exceeds the embedding model's window of "
                f"{embedder.max_tokens} tokens; lower RAG_CHUNK_TOKENS"
            )
        return embedder

    def flush() -> None:
        # One embedding call and one store write for many small files: per-file round trips
        # (model call, Chroma delete/upsert, manifest transactions) dominated small files.
        if not batch:
            return
        texts = [c.text for write, _ in batch for c in write.chunks]
        vectors = model().embed_documents(texts, batch_size=settings.embed_batch_size)
        writes, offset = [], 0
        for write, _ in batch:
            n = len(write.chunks)
            writes.append(dataclasses.replace(write, embeddings=vectors[offset : offset + n]))
            offset += n
        store.write_files(writes)
        for write, warnings in batch:
            summary.warnings.extend(Failure(write.file, w) for w in warnings)
            summary.chunks_added += len(write.chunks)
            if write.file in known:
                summary.updated += 1
            else:
                summary.added += 1
            log.info("indexed %s (%d chunks)", write.file, len(write.chunks))
        batch.clear()

    for path in tqdm(plan.files, desc="ingest", unit="file", disable=not progress):
        source = str(path.resolve())
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise LoadError(
                    f"file too large: {size / 2**20:.1f} MB > limit {settings.max_file_mb:g} MB"
                )
            content_hash = sha256_file(path)
        except LoadError as exc:
            summary.failed.append(Failure(source, str(exc)))
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
            loaded = load_file(path, max_bytes=max_bytes)
            chunks = [
                chunk
                for document in loaded.documents
                for chunk in chunk_document(
                    document,
                    chunk_tokens=settings.chunk_tokens,
                    chunk_overlap=settings.chunk_overlap,
                    count_tokens=model().count_tokens,
                )
            ]
        except (LoadError, ChunkingError) as exc:
            summary.failed.append(Failure(source, str(exc)))
            continue
        write = FileWrite(source, content_hash, size, loaded.documents, chunks, _NO_VECTORS)
        batch.append((write, loaded.warnings))
        if sum(len(w.chunks) for w, _ in batch) >= _BATCH_CHUNKS:
            flush()
    flush()

    discovered = {str(p.resolve()) for p in plan.files}
    gone: list[str] = []
    for folder in plan.folders:
        prefix = str(folder) + os.sep
        gone += [f for f in known if f.startswith(prefix) and f not in discovered]
    for path in plan.missing:
        source = str(path)
        prefix = source + os.sep
        matches = [f for f in known if f == source or f.startswith(prefix)]
        if not matches:
            summary.failed.append(Failure(source, "cannot read: no such file or folder"))
        gone += matches
    for file in dict.fromkeys(gone):
        if store.remove_file(file):
            summary.removed += 1
            log.info("removed %s (no longer on disk)", file)
    if summary.added or summary.updated or summary.removed:
        from index.lexical import refresh

        refresh(store)  # BM25 segments for what changed, while the ingest is still running
    return summary


def remove(paths: Sequence[Path], settings: Settings) -> tuple[list[str], list[str]]:
    """Delete documents (a file, or every file under a folder) and all their vectors.

    Returns (removed files, paths that matched nothing in the store).
    """
    from index.store import Store

    store = Store(settings)
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
