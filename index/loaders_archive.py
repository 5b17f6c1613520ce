"""File archives: ``.zip`` and ``.tar`` (plain, gzip, bzip2, xz), as leaks often arrive.

Every file in an archive that we can read is its own document, sourced
``<archive>#<path in the archive>`` (its ``file`` is the archive); a member without a date of
its own is dated by its modification time in the archive, not the archive's.

Limits apply per member, not to the archive as one file: each member may be as large as
``max_file_mb``, and everything read from one archive together as large as
``max_archive_mb``. Sizes an archive declares are not trusted (a zip bomb lies about them):
members are read in bounded pieces and the reading stops as soon as a limit is passed. A
member over its limit is skipped with a warning; an archive that expands past its total is
refused as a whole, with nothing indexed from it.

A member's content hash is the sha256 of its own bytes, and its chunk ids derive from it: an
archive that gains a file re-embeds only that file.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

from index.ocr import OcrOptions
from index.records import Document

log = logging.getLogger(__name__)

# Whole-name endings: ".tar.gz" is a tar archive, a lone ".gz" is not something we read.
ARCHIVE_ENDINGS: tuple[str, ...] = (
    ".zip", ".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz",
)  # fmt: skip
_PIECE = 1 << 20


def is_file_archive(path: Path | str) -> bool:
    """Whether the name is that of a zip or tar archive."""
    return str(path).lower().endswith(ARCHIVE_ENDINGS)


@dataclass
class _Member:
    name: str  # its path inside the archive, "/"-separated
    declared: int  # the size the archive claims (not trusted)
    mtime: float | None
    open: Callable[[], IO[bytes] | None]  # a binary stream of its bytes


class _TooLarge(Exception):
    pass


def _members(path: Path) -> Iterator[_Member]:
    from index.loaders import LoadError

    if path.name.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise LoadError(f"damaged or unreadable zip archive: {exc}") from None
        with archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                try:
                    when: float | None = datetime(*info.date_time).timestamp()
                except ValueError:  # a zip may carry 1980-00-00
                    when = None
                opener = functools.partial(archive.open, info)
                yield _Member(info.filename, info.file_size, when, opener)
        return
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise LoadError(f"damaged or unreadable tar archive: {exc}") from None
    with tar:
        try:
            for entry in tar:
                if not entry.isreg():  # links, devices and folders carry no text of their own
                    continue
                yield _Member(
                    entry.name,
                    entry.size,
                    entry.mtime or None,
                    functools.partial(tar.extractfile, entry),
                )
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise LoadError(f"damaged tar archive: {exc}") from None


def _read_bounded(stream: IO[bytes] | None, limit: int) -> bytes:
    """At most ``limit`` bytes of the stream; _TooLarge when it has more."""
    if stream is None:
        return b""
    pieces, size = [], 0
    with stream:
        while piece := stream.read(min(_PIECE, limit + 1 - size)):
            size += len(piece)
            if size > limit:
                raise _TooLarge
            pieces.append(piece)
    return b"".join(pieces)


def _indexable(name: str) -> str | None:
    """Why a member is not read (None: it is read). Hidden and resource-fork files are noise."""
    from index.loaders import _FORMATS

    parts = PurePosixPath(name.replace("\\", "/")).parts
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return "hidden"
    if is_file_archive(name):
        return "an archive inside an archive is not opened"
    if PurePosixPath(name).suffix.lower() not in _FORMATS:
        return "unsupported file type"
    return None


def load_file_archive(
    path: Path,
    file_date: str,
    *,
    max_member_bytes: int,
    max_total_bytes: int,
    ocr: OcrOptions | None = None,
) -> tuple[list[Document], list[str]]:
    """The documents of the zip or tar archive at ``path``, and warnings."""
    from index.loaders import LoadError, _document, _extract, _load_email, _size

    archive = str(path.resolve())
    documents: list[Document] = []
    warnings: list[str] = []
    total, seen = 0, set()
    for member in _members(path):
        name = member.name.replace("\\", "/").lstrip("/")
        why = _indexable(name)
        if why is not None:
            log.debug("%s: %s not indexed: %s", archive, name, why)
            if why != "hidden":
                warnings.append(f"{name} skipped: {why}")
            continue
        if name in seen:  # a tar may hold one path twice; the later copy wins on extraction
            documents = [d for d in documents if d.source != f"{archive}#{name}"]
        seen.add(name)
        too_large = f"{name} skipped: larger than the file limit {_size(max_member_bytes)}"
        if member.declared > max_member_bytes:
            warnings.append(too_large)
            continue
        budget = max_total_bytes - total
        try:
            data = _read_bounded(member.open(), min(max_member_bytes, budget))
        except _TooLarge:
            if budget < max_member_bytes:  # it was the archive's total that ran out
                raise LoadError(
                    f"archive expands to more than {_size(max_total_bytes)} "
                    "(RAG_MAX_ARCHIVE_MB); nothing was indexed from it"
                ) from None
            warnings.append(too_large)
            continue
        except (RuntimeError, OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
            # An encrypted or damaged member: the others are still worth reading.
            warnings.append(f"{name} skipped: unreadable ({exc})")
            continue
        total += len(data)
        when = (
            datetime.fromtimestamp(member.mtime).date().isoformat() if member.mtime else file_date
        )
        source = f"{archive}#{name}"
        stem = PurePosixPath(name).stem
        suffix = PurePosixPath(name).suffix.lower()
        try:
            if suffix == ".eml":
                loaded = _load_email(data, source, stem, when, ocr)
                documents += [dataclasses.replace(d, file=archive) for d in loaded.documents]
                warnings += [f"{name}: {w}" for w in loaded.warnings]
            else:
                fmt, ex = _extract(data, suffix, ocr)
                documents.append(_document(source, archive, fmt, data, ex, stem, when, "file"))
                warnings += [f"{name}: {w}" for w in ex.warnings]
        except LoadError as exc:
            warnings.append(f"{name} skipped: {exc}")
    if not documents:
        detail = f" ({warnings[0]})" if len(warnings) == 1 else ""
        raise LoadError(f"no readable documents in the archive{detail}")
    return documents, warnings
