"""Email archives: ``.mbox`` (stdlib ``mailbox``), Outlook ``.msg`` (extract-msg) and Outlook
``.pst`` (Debian's ``readpst`` from pst-utils, which writes mbox folders).

Every message is its own document, sourced ``<archive>#<message-id>``, with ``from``, ``to``,
``cc``, ``date``, ``subject``, ``message_id``, ``in_reply_to`` and ``references`` in its
metadata; a reply names the document of the message it answers (``reply_to_doc``) when that
message is in the same archive. Attachments are documents whose ``parent_id`` is their
message. The title is "subject — sender", so a citation shows sender, date and subject.

A message's content hash is the sha256 of its own bytes, and its chunk ids derive from it:
when a mailbox grows, ingest finds the old messages' vectors under the same ids and embeds
only the new ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import mailbox
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from index.records import Document

log = logging.getLogger(__name__)

ARCHIVE_SUFFIXES: frozenset[str] = frozenset({".mbox", ".msg", ".pst"})

_READPST_TIMEOUT = 600.0


def load_archive(
    path: Path,
    data: bytes,
    file_date: str,
    *,
    max_message_bytes: int | None = None,
    max_total_bytes: int | None = None,
) -> tuple[list[Document], list[str]]:
    """The documents of the email archive at ``path`` (``data``: its bytes, read for a .msg
    only), and warnings. A message over ``max_message_bytes`` is skipped with a warning; a
    .pst whose messages together pass ``max_total_bytes`` is refused."""
    from index.loaders import LoadError, _size

    suffix = path.suffix.lower()
    archive = str(path.resolve())
    if suffix == ".mbox":
        messages = _mbox_messages(path)
    elif suffix == ".msg":
        messages = [_msg_as_email(path, data)]
    elif suffix == ".pst":
        messages = _pst_messages(path)
    else:  # pragma: no cover - the dispatcher only sends these suffixes
        raise LoadError(f"unsupported archive {suffix}")
    if not messages:
        raise LoadError("no messages in the archive")
    if max_total_bytes is not None and sum(map(len, messages)) > max_total_bytes:
        raise LoadError(
            f"archive expands to more than {_size(max_total_bytes)} (RAG_MAX_ARCHIVE_MB); "
            "nothing was indexed from it"
        )
    skipped: list[str] = []
    if max_message_bytes is not None:
        kept = [m for m in messages if len(m) <= max_message_bytes]
        if len(kept) < len(messages):
            skipped.append(
                f"{len(messages) - len(kept)} message(s) skipped: larger than the file limit "
                f"{_size(max_message_bytes)}"
            )
            if not kept:
                raise LoadError(skipped[0])
        messages = kept
    documents, warnings = _documents(
        archive, messages, file_date, whole_file=data if suffix == ".msg" else None
    )
    return documents, skipped + warnings


def _documents(
    archive: str, messages: list[bytes], file_date: str, whole_file: bytes | None
) -> tuple[list[Document], list[str]]:
    from index.loaders import LoadError, _load_email

    documents: list[Document] = []
    warnings: list[str] = []
    by_message_id: dict[str, str] = {}
    keys: set[str] = set()
    for number, raw in enumerate(messages, start=1):
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        message_id = _header(headers, "Message-ID")
        key = message_id.strip("<>") or hashlib.sha256(raw).hexdigest()[:16]
        base, n = key, 1
        while key in keys:  # the same message filed twice (e.g. in two .pst folders)
            n += 1
            key = f"{base}~{n}"
        keys.add(key)
        source = f"{archive}#{key}"
        try:
            loaded = _load_email(raw, source, Path(archive).stem, file_date)
        except LoadError as exc:
            warnings.append(f"message {number} ({key}) skipped: {exc}")
            continue
        warnings.extend(f"message {number}: {w}" for w in loaded.warnings)
        sender_name, sender_address = parseaddr(_header(headers, "From"))
        sender = sender_name or sender_address
        extra = {
            "cc": _header(headers, "Cc"),
            "message_id": message_id,
            "in_reply_to": _header(headers, "In-Reply-To"),
            "references": _header(headers, "References"),
            "archive": archive,
        }
        for doc in loaded.documents:
            is_message = doc.source == source
            # An attachment keeps its own metadata (and its parent_id points at the message).
            added = extra if is_message else {"archive": archive}
            metadata = {**doc.metadata, **{k: v for k, v in added.items() if v}}
            if is_message:
                subject = doc.metadata.get("subject") or "(no subject)"
                title = f"{subject} — {sender}" if sender else subject
                content_hash = (
                    hashlib.sha256(whole_file).hexdigest() if whole_file else doc.content_hash
                )
            else:
                title, content_hash = doc.title, doc.content_hash
            documents.append(
                dataclasses.replace(
                    doc,
                    file=archive,
                    title=title,
                    format="email" if is_message else doc.format,
                    metadata=metadata,
                    content_hash=content_hash,
                )
            )
        if message_id:
            by_message_id[message_id] = loaded.documents[0].doc_id
    return _link_replies(documents, by_message_id), warnings


def _link_replies(documents: list[Document], by_message_id: dict[str, str]) -> list[Document]:
    """Each reply names the document of the message it answers (In-Reply-To, else the last
    of References that is in the archive)."""
    linked = []
    for doc in documents:
        wanted = [doc.metadata.get("in_reply_to", "")]
        wanted += reversed(doc.metadata.get("references", "").split())
        target = next((by_message_id[w] for w in wanted if w in by_message_id), None)
        if target and doc.parent_id is None and target != doc.doc_id:
            doc = dataclasses.replace(doc, metadata={**doc.metadata, "reply_to_doc": target})
        linked.append(doc)
    return linked


def _header(message: object, key: str) -> str:
    try:
        return " ".join(str(message.get(key, "") or "").split())  # type: ignore[attr-defined]
    except Exception:  # a malformed header must not sink the message
        return ""


def _mbox_messages(path: Path) -> list[bytes]:
    from index.loaders import LoadError

    try:
        box = mailbox.mbox(str(path), create=False)
        try:
            return [box.get_bytes(key) for key in box.iterkeys()]
        finally:
            box.close()
    except (OSError, mailbox.Error) as exc:
        raise LoadError(f"unreadable mbox: {exc}") from None


def _msg_as_email(path: Path, data: bytes) -> bytes:
    """An Outlook .msg as RFC 822 bytes, so it goes through the same email path."""
    from index.loaders import LoadError

    try:
        import extract_msg
    except ImportError:  # pragma: no cover - a core dependency
        raise LoadError("Outlook .msg needs extract-msg: pip install extract-msg") from None
    try:
        msg: Any = extract_msg.openMsg(str(path))  # Any: a Message, or another MSG kind
    except Exception as exc:  # extract-msg raises many kinds on damaged files
        raise LoadError(f"corrupt or unreadable Outlook .msg: {exc}") from None
    try:
        email = EmailMessage()
        header = msg.header
        for key, value in (
            ("From", msg.sender),
            ("To", msg.to),
            ("Cc", msg.cc),
            ("Subject", msg.subject),
            ("Message-ID", msg.messageId),
            ("In-Reply-To", header.get("In-Reply-To") if header else None),
            ("References", header.get("References") if header else None),
        ):
            if value:
                email[key] = " ".join(str(value).split())
        if msg.date:
            email["Date"] = msg.date.strftime("%a, %d %b %Y %H:%M:%S %z")
        body = msg.body
        if body:
            email.set_content(body.replace("\r\n", "\n"))
        elif msg.htmlBody:
            html = msg.htmlBody
            email.set_content(
                html.decode("utf-8", "replace") if isinstance(html, bytes) else html,
                subtype="html",
            )
        for attachment in msg.attachments:
            payload = getattr(attachment, "data", None)
            name = getattr(attachment, "longFilename", None) or getattr(
                attachment, "shortFilename", None
            )
            if isinstance(payload, bytes) and name:
                email.add_attachment(
                    payload, maintype="application", subtype="octet-stream", filename=name
                )
        return email.as_bytes()
    finally:
        msg.close()


def _pst_messages(path: Path) -> list[bytes]:
    """Every message of an Outlook .pst, through readpst's mbox output."""
    from index.loaders import LoadError

    readpst = shutil.which("readpst")
    if readpst is None:
        raise LoadError(
            "Outlook .pst needs readpst: apt-get install pst-utils (make pst-utils does it)"
        )
    with tempfile.TemporaryDirectory(prefix="rag-pst-") as out:
        try:
            result = subprocess.run(
                [readpst, "-q", "-8", "-b", "-r", "-o", out, str(path)],
                capture_output=True,
                text=True,
                timeout=_READPST_TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LoadError(f"readpst failed: {exc}") from None
        if result.returncode != 0:
            detail = " ".join((result.stderr or result.stdout).split())[:160]
            raise LoadError(f"corrupt or unreadable Outlook .pst (readpst: {detail})")
        messages: list[bytes] = []
        for mbox_file in sorted(p for p in Path(out).rglob("*") if p.is_file()):
            messages += _mbox_messages(mbox_file)
        return messages


# --- the text of one message --------------------------------------------------------------

# The header lines a reader needs to tell who wrote to whom, when and about what; a message
# quoted inside another (a bounce's "header fields", a digest's messages) shows the same.
_SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject")


def message_text(msg: EmailMessage, body_of: Any) -> tuple[str, list[EmailMessage]]:
    """The text of an email as a reader sees it, and the parts read as its body.

    Header lines first ("From: ...", "Date: ..."), then an ``Attachments:`` line naming every
    attached file (an image too small to index is still a fact of the message), then each
    readable part in order: every inline text part (a delivery report's explanation, a
    digest's masthead and table of contents), the header block of returned headers
    (text/rfc822-headers) and each enclosed message (message/rfc822: a digest's posts,
    headers and body). ``body_of(part)`` is the text of one text part."""
    bodies: list[EmailMessage] = []
    blocks: list[str] = [_head(msg, attachments=_attachment_names(msg))]
    _read_parts(msg, body_of, blocks, bodies)
    return "\n\n".join(b for b in blocks if b.strip()), bodies


def _shown(msg: Any, key: str) -> str:
    """A header as its sender wrote it: "barry@digicool.com (Barry A. Warsaw)" keeps the
    name the parsed form drops; encoded words ("=?utf-8?...") are decoded."""
    try:
        raw = next((v for k, v in msg.raw_items() if k.lower() == key.lower()), None)
    except Exception:  # a malformed header must not sink the message
        raw = None
    if raw is None or "=?" in raw:
        return _header(msg, key)
    return " ".join(str(raw).split())


def _head(msg: Any, attachments: Sequence[str] = ()) -> str:
    lines = [f"{key}: {value}" for key in _SHOWN_HEADERS if (value := _shown(msg, key))]
    if attachments:
        lines.append("Attachments: " + ", ".join(attachments))
    return "\n".join(lines)


def _attachment_names(msg: EmailMessage) -> list[str]:
    names = []
    for part in msg.walk():
        name = part.get_filename()
        if name and not part.is_multipart():
            names.append(name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "attachment")
    return names


def _read_parts(
    part: EmailMessage, body_of: Any, blocks: list[str], bodies: list[EmailMessage]
) -> None:
    content_type = part.get_content_type()
    if part.get_filename() and content_type != "message/rfc822":
        return  # an attachment: a document of its own, named in the head
    if content_type == "multipart/alternative":
        chosen = part.get_body(preferencelist=("plain", "html"))
        if isinstance(chosen, EmailMessage):
            _read_parts(chosen, body_of, blocks, bodies)
        return
    if part.is_multipart() and content_type != "message/rfc822":
        for child in part.iter_parts():
            if isinstance(child, EmailMessage):
                _read_parts(child, body_of, blocks, bodies)
        return
    if content_type == "message/rfc822":
        for enclosed in part.iter_parts():
            if isinstance(enclosed, EmailMessage):
                blocks.append(_head(enclosed))
                _read_parts(enclosed, body_of, blocks, bodies)
        return
    if content_type == "text/rfc822-headers":
        payload = part.get_payload(decode=True)
        try:
            returned = BytesParser(policy=policy.default).parsebytes(
                payload if isinstance(payload, bytes) else b"", headersonly=True
            )
        except Exception:  # returned headers are often cut short; they are a courtesy
            return
        blocks.append(_head(returned))
        return
    if part.get_content_maintype() == "multipart":
        # a multipart whose boundary was lost ("boundary=" cut off in transit): its raw
        # text is all there is of it
        raw = part.get_payload(decode=True)
        if isinstance(raw, bytes) and raw.strip():
            blocks.append(raw.decode("utf-8", "replace").replace("\r\n", "\n").strip())
        return
    if part.get_content_maintype() == "text":
        text = body_of(part)
        if text.strip():
            blocks.append(text)
            bodies.append(part)
    # message/delivery-status and other machine parts repeat what the text part says
