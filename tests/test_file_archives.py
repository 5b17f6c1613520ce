"""Zip and tar archives: one document per member, limits per member, a guard on the total.

Real archives made here with the standard library, the real bundled embedding model and a
real Chroma store.
"""

from __future__ import annotations

import io
import mailbox
import tarfile
import zipfile
from datetime import datetime
from pathlib import Path

from index.ingest import ingest
from index.settings import get_settings
from rag import open_store

MEMO = "The memo lists 41 trucks leaving Minsk for the border on 2 May.\n"
LEDGER = "# Port ledger\n\nThe freighter Marta Lena unloaded 55 crates of rifles in Varna.\n"
EMAIL = (
    b"From: Anna Petrova <anna@example.org>\nTo: desk@example.org\n"
    b"Subject: Crates\nDate: Tue, 14 Mar 2017 10:05:00 +0000\nMessage-ID: <z1@example.org>\n\n"
    b"The 55 crates were declared as agricultural equipment.\n"
)
KIB = 1024


def zip_member(archive: zipfile.ZipFile, name: str, data: bytes | str, year: int = 2009) -> None:
    info = zipfile.ZipInfo(name, date_time=(year, 4, 5, 6, 7, 8))
    info.compress_type = archive.compression
    archive.writestr(info, data)


def make_zip(path: Path, members: dict[str, bytes | str], stored: bool = False) -> Path:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            zip_member(archive, name, data)
    return path


def make_tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = datetime(2011, 8, 9, 12).timestamp()
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_zip_gives_one_document_per_member_dated_by_the_member(tmp_path: Path) -> None:
    leak = make_zip(
        tmp_path / "leak.zip",
        {
            "notes/memo.txt": MEMO,
            "ledger.md": LEDGER,
            "mail/crates.eml": EMAIL,
            "__MACOSX/._memo.txt": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "tool.exe": b"MZ\x90\x00",
        },
    )
    summary = ingest([leak], get_settings(store=tmp_path / "store"))
    assert summary.added == 1 and not summary.failed, summary
    assert [w.error for w in summary.warnings] == ["tool.exe skipped: unsupported file type"]
    rag = open_store(tmp_path / "store")
    docs = {d.source.rsplit("#", 1)[1]: d for d in rag.sources()}
    assert sorted(docs) == ["ledger.md", "mail/crates.eml", "notes/memo.txt"]
    memo = docs["notes/memo.txt"]
    assert memo.file == str(leak.resolve()) and memo.source == f"{leak.resolve()}#notes/memo.txt"
    assert (memo.date, memo.date_origin) == ("2009-04-05", "file")  # the member's, not the zip's
    assert docs["mail/crates.eml"].date == "2017-03-14"
    assert docs["mail/crates.eml"].file == str(leak.resolve())

    answer = rag.ask("How many trucks left Minsk for the border?")
    assert not answer.abstained and answer.citations[0].source.endswith("#notes/memo.txt")
    c = answer.citations[0]
    assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote and "41" in c.quote.split()
    # Removing the archive removes every document that came from it.
    assert rag.remove([str(leak)]) and not rag.sources()


def test_the_size_limit_applies_to_each_member_not_to_the_archive(tmp_path: Path) -> None:
    # 10 KiB per file: the archive (stored, ~40 KB) is larger, each small member is not.
    filler = "Shipping notes without figures. " * 5
    members: dict[str, bytes | str] = {
        f"part-{n}.txt": f"Part {n}: {n * 3 + 1} containers reached Burgas.\n{filler}\n" * 25
        for n in range(4)
    }
    members["huge.txt"] = "word " * 4000  # 20 KB > 10 KiB
    leak = make_zip(tmp_path / "parts.zip", members, stored=True)
    assert leak.stat().st_size > 30 * KIB
    settings = get_settings(store=tmp_path / "store", max_file_mb=10 / 1024)
    summary = ingest([leak], settings)
    assert summary.added == 1 and not summary.failed, summary
    assert [w.error for w in summary.warnings] == [
        "huge.txt skipped: larger than the file limit 10 KB"
    ]
    names = sorted(d.source.rsplit("#", 1)[1] for d in open_store(settings.store).sources())
    assert names == [f"part-{n}.txt" for n in range(4)]

    # A plain file of the same size is still refused.
    plain = tmp_path / "plain.txt"
    plain.write_text("word " * 4000)
    assert "file too large" in ingest([plain], settings).failed[0].error


def test_an_archive_that_expands_past_its_limit_is_refused_whole(tmp_path: Path) -> None:
    # A tar.gz of a few KB that expands to 5 MB of zeros: each member is under the 1 MB file
    # limit, together they pass the 3 MB archive limit.
    bomb = make_tar(tmp_path / "bomb.tar.gz", {f"z{n}.txt": b"0" * 1_000_000 for n in range(5)})
    assert bomb.stat().st_size < 50 * KIB
    settings = get_settings(store=tmp_path / "store", max_file_mb=1, max_archive_mb=3)
    summary = ingest([bomb], settings)
    assert summary.added == 0 and len(summary.failed) == 1
    assert summary.failed[0].error == (
        "archive expands to more than 3 MB (RAG_MAX_ARCHIVE_MB); nothing was indexed from it"
    )
    assert not open_store(settings.store).sources()
    # The archive limit also applies to the archive's own size.
    small = get_settings(store=tmp_path / "store", max_archive_mb=1 / 1024)
    assert "archive too large" in ingest([bomb], small).failed[0].error


def test_a_mailbox_larger_than_the_file_limit_is_read_message_by_message(tmp_path: Path) -> None:
    box_path = tmp_path / "big.mbox"
    box = mailbox.mbox(str(box_path))
    for n in range(12):
        box.add(
            f"From: a{n}@example.org\nSubject: Shipment {n}\nMessage-ID: <s{n}@example.org>\n\n"
            f"Shipment {n} carried {100 + n} crates of rifles.\n" + "Routine notes.\n" * 60
        )
    box.add("From: big@example.org\nSubject: Scan\nMessage-ID: <big@example.org>\n\n" + "x " * 8000)
    box.close()
    assert box_path.stat().st_size > 20 * KIB
    settings = get_settings(store=tmp_path / "store", max_file_mb=10 / 1024)
    summary = ingest([box_path], settings)
    assert summary.added == 1 and not summary.failed, summary
    assert [w.error for w in summary.warnings] == [
        "1 message(s) skipped: larger than the file limit 10 KB"
    ]
    subjects = {d.metadata["subject"] for d in open_store(settings.store).sources()}
    assert subjects == {f"Shipment {n}" for n in range(12)}


def test_a_grown_archive_embeds_only_its_new_member_and_folders_find_tars(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    members = {"memo.txt": MEMO.encode(), "ledger.md": LEDGER.encode()}
    make_tar(folder / "leak.tar.gz", members)
    (folder / "notes.txt.gz").write_bytes(b"\x1f\x8b not a tar")  # not ours: not picked up
    settings = get_settings(store=tmp_path / "store")
    first = ingest([folder], settings)
    assert first.added == 1 and not first.failed, first
    make_tar(folder / "leak.tar.gz", {**members, "crates.eml": EMAIL})
    grown = ingest([folder], settings)
    assert grown.updated == 1 and not grown.failed
    docs = {d.source.rsplit("#", 1)[1]: d for d in open_store(settings.store).sources()}
    assert sorted(docs) == ["crates.eml", "ledger.md", "memo.txt"]
    assert grown.chunks_added == docs["crates.eml"].n_chunks  # the old members kept vectors
