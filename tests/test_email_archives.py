"""Email archives ingested as one document per message: an mbox and an Outlook .msg made
here, replies linked, attachments linked, per-message sync, citations that show sender, date
and subject; a damaged .pst read by the real readpst fails on one line."""

from __future__ import annotations

import mailbox
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest

from index.ingest import ingest
from index.records import StoredDocument
from index.settings import get_settings
from rag import open_store

FIRST = (
    "Anna Petrova <anna@example.org>",
    "<m1@example.org>",
    "Konkurs shipment to Sofia",
    "Tue, 14 Mar 2017 10:05:00 +0000",
    "The shipment of 240 Konkurs systems left Minsk on 12 March 2017.",
)
REPLY = (
    "Ivan Markov <ivan@example.org>",
    "<m2@example.org>",
    "Re: Konkurs shipment to Sofia",
    "Wed, 15 Mar 2017 08:30:00 +0000",
    "Received. The invoice for the Konkurs shipment totals 1,250,000 euros.",
)
LATER = (
    "Anna Petrova <anna@example.org>",
    "<m3@example.org>",
    "Re: Konkurs shipment to Sofia",
    "Fri, 17 Mar 2017 16:00:00 +0000",
    "The trucks crossed into Bulgaria at the Kalotina checkpoint on 16 March.",
)


def message(
    spec: tuple[str, str, str, str, str], reply_to: str | None = None, attach: bool = False
) -> EmailMessage:
    sender, message_id, subject, date, body = spec
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Desk <desk@example.org>"
    msg["Cc"] = "Legal <legal@example.org>"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id
    if reply_to:
        msg["In-Reply-To"] = reply_to
        msg["References"] = reply_to
    msg.set_content(body)
    if attach:
        schedule = b"Payment schedule: three tranches, the first of 400,000 euros.\n"
        msg.add_attachment(schedule, maintype="text", subtype="plain", filename="schedule.txt")
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> None:
    box = mailbox.mbox(str(path))
    try:
        box.lock()
        for msg in messages:
            box.add(msg)
        box.flush()
        box.unlock()
    finally:
        box.close()


def docs_by_subject(store: Path) -> dict[str, StoredDocument]:
    rag = open_store(store)
    return {d.metadata.get("message_id", d.source): d for d in rag.sources()}


def test_mbox_one_document_per_message_replies_and_attachments(tmp_path: Path) -> None:
    box = tmp_path / "leak.mbox"
    write_mbox(box, [message(FIRST), message(REPLY, reply_to=FIRST[1], attach=True)])
    settings = get_settings(store=tmp_path / "store")
    summary = ingest([box], settings)
    assert summary.added == 1 and not summary.failed, summary
    docs = docs_by_subject(tmp_path / "store")
    first, reply = docs["<m1@example.org>"], docs["<m2@example.org>"]
    assert first.source == f"{box.resolve()}#m1@example.org" and first.file == str(box.resolve())
    assert first.metadata["from"] == FIRST[0] and first.metadata["to"] == "Desk <desk@example.org>"
    assert first.metadata["cc"] == "Legal <legal@example.org>"
    assert first.metadata["subject"] == FIRST[2] and first.date == "2017-03-14"
    assert first.date_origin == "document" and first.title == f"{FIRST[2]} — Anna Petrova"
    assert reply.metadata["in_reply_to"] == FIRST[1]
    assert reply.metadata["reply_to_doc"] == first.doc_id
    assert "reply_to_doc" not in first.metadata
    attachments = [d for d in docs.values() if d.parent_id == reply.doc_id]
    assert [a.source.rsplit("#", 1)[1] for a in attachments] == ["schedule.txt"]

    rag = open_store(tmp_path / "store")
    answer = rag.ask("What does the invoice for the Konkurs shipment total?")
    assert not answer.abstained, answer.text
    (cited,) = {c.doc_id for c in answer.citations}
    citation = answer.citations[0]
    assert cited == reply.doc_id
    assert "Ivan Markov" in citation.title and "Re: Konkurs shipment" in citation.title
    assert citation.date == "2017-03-15"
    assert rag.document_text(cited)[citation.start : citation.end] == citation.quote


def test_a_grown_mailbox_embeds_only_its_new_message(tmp_path: Path) -> None:
    box = tmp_path / "leak.mbox"
    write_mbox(box, [message(FIRST), message(REPLY, reply_to=FIRST[1])])
    settings = get_settings(store=tmp_path / "store")
    first = ingest([box], settings)
    assert first.added == 1 and first.chunks_added >= 2
    before = {d.doc_id: d.content_hash for d in open_store(tmp_path / "store").sources()}

    write_mbox(box, [message(LATER, reply_to=REPLY[1])])  # appends
    grown = ingest([box], settings)
    assert grown.updated == 1 and not grown.failed
    docs = docs_by_subject(tmp_path / "store")
    new = docs["<m3@example.org>"]
    assert grown.chunks_added == new.n_chunks  # only the new message was embedded
    assert {d: h for d, h in before.items()} == {
        d.doc_id: d.content_hash for d in docs.values() if d.doc_id in before
    }
    assert new.metadata["reply_to_doc"] == docs["<m2@example.org>"].doc_id
    answer = open_store(tmp_path / "store").ask("Which checkpoint did the trucks cross?")
    assert any("Kalotina" in c.quote for c in answer.citations), answer.text


def test_outlook_msg_with_attachment(tmp_path: Path) -> None:
    from aspose.email_foss.msg import MapiMessage  # writes real .msg files (MIT)

    path = tmp_path / "invoice.msg"
    MapiMessage.from_email_message(message(REPLY, reply_to=FIRST[1], attach=True)).save(path)
    summary = ingest([path], get_settings(store=tmp_path / "store"))
    assert summary.added == 1 and not summary.failed, summary
    docs = docs_by_subject(tmp_path / "store")
    msg = docs["<m2@example.org>"]
    assert msg.metadata["subject"] == REPLY[2] and msg.date == "2017-03-15"
    assert msg.metadata["cc"] == "Legal <legal@example.org>"
    assert msg.metadata["in_reply_to"] == FIRST[1]
    assert msg.title.startswith(REPLY[2]) and "Ivan Markov" in msg.title
    (attachment,) = [d for d in docs.values() if d.parent_id == msg.doc_id]
    assert attachment.source.endswith("#schedule.txt")
    rag = open_store(tmp_path / "store")
    assert "1,250,000 euros" in rag.document_text(msg.doc_id)


def test_damaged_pst_is_one_line_and_the_rest_is_indexed(tmp_path: Path) -> None:
    if shutil.which("readpst") is None:
        pytest.fail("readpst missing: run `make pst-utils` (make test does)")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "broken.pst").write_bytes(b"!BDN" + b"\x00" * 600)
    write_mbox(tmp_path / "docs" / "ok.mbox", [message(FIRST)])
    summary = ingest([tmp_path / "docs"], get_settings(store=tmp_path / "store"))
    assert summary.added == 1
    (failure,) = summary.failed
    assert failure.source.endswith("broken.pst") and "\n" not in failure.error
    assert "pst" in failure.error.lower()
