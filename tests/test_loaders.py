"""index.loaders on real files made in tmp_path."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from index.loaders import SUPPORTED_SUFFIXES, Loaded, LoadError, doc_id_for, load_file

SAMPLE = Path(__file__).resolve().parent.parent / "samples/belarus-weapons-syria-2024-12-13.txt"
LIMIT = 10 * 1024 * 1024


def load(path: Path, max_bytes: int = LIMIT) -> Loaded:
    return load_file(path, max_bytes=max_bytes)


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)  # invariant: fixed CreationDate 2000-01-01
    if title:
        pdf.setTitle(title)
    for lines in pages:
        for n, line in enumerate(lines):
            pdf.drawString(72, 720 - 20 * n, line)
        if not lines:
            pdf.rect(72, 600, 100, 100)  # a drawing but no text
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


# --- text -----------------------------------------------------------------------------


def test_txt_text_is_exactly_the_decoded_file(tmp_path: Path) -> None:
    data = "Caf\u00e9 notes\r\n\n  indented \tline  \n\nLast line without newline".encode()
    path = write(tmp_path / "notes.txt", data)
    loaded = load(path)
    (doc,) = loaded.documents
    assert doc.text == path.read_bytes().decode("utf-8")
    assert doc.source == doc.file == str(path.resolve())
    assert (
        doc.doc_id == doc_id_for(doc.source) == hashlib.sha1(doc.source.encode()).hexdigest()[:16]
    )
    assert doc.content_hash == hashlib.sha256(data).hexdigest()
    assert (doc.format, doc.title, doc.parent_id, doc.page_starts) == (
        "txt",
        "Café notes",
        None,
        (),
    )
    assert loaded.warnings == [] and "encoding" not in doc.metadata


def test_header_lines_give_title_and_date(tmp_path: Path) -> None:
    text = (
        "title: Apple defends Google Search deal\nsource: The Verge\n"
        "published: 2023-09-26T17:01:22+00:00\nurl: https://example.com/x\n\nBody text.\n"
    )
    (doc,) = load(write(tmp_path / "2023-09-26-apple.txt", text)).documents
    assert doc.text == text
    assert (doc.title, doc.date, doc.date_origin) == (
        "Apple defends Google Search deal",
        "2023-09-26",
        "document",
    )


@pytest.mark.parametrize("name", ["readme.md", "readme.markdown"])
def test_markdown_heading_is_title(tmp_path: Path, name: str) -> None:
    text = "# Install guide ##\n\nRun `make`.\n"
    (doc,) = load(write(tmp_path / name, text)).documents
    assert (doc.format, doc.title, doc.text) == ("md", "Install guide", text)


def test_sample_date_line(tmp_path: Path) -> None:
    (doc,) = load(SAMPLE).documents
    assert (doc.date, doc.date_origin) == ("2024-12-13", "document")
    assert doc.text == SAMPLE.read_bytes().decode("utf-8")
    # the first line is a long paragraph, so the title comes from the file name
    assert doc.title == "Belarus weapons syria"


def test_plain_file_dated_by_mtime_and_titled_by_stem(tmp_path: Path) -> None:
    path = write(tmp_path / "meeting_notes-final.txt", "x" * 150 + "\nmore\n")
    stamp = datetime(2020, 2, 29, 12, 0).timestamp()
    os.utime(path, (stamp, stamp))
    (doc,) = load(path).documents
    assert (doc.date, doc.date_origin) == ("2020-02-29", "file")
    assert doc.title == "Meeting notes final"


def test_date_line_is_not_a_title(tmp_path: Path) -> None:
    (doc,) = load(write(tmp_path / "minutes.txt", "December 13, 2024\n\nWe met.\n")).documents
    assert doc.title == "Minutes"


def test_cp1251_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    text = (
        "Привет, мир! Это обычный текстовый файл, сохранённый в старой кодировке Windows.\n"
        "Съешь же ещё этих мягких французских булок, да выпей чаю.\n"
    )
    path = write(tmp_path / "ru.txt", text.encode("cp1251"))
    loaded = load(path)
    (doc,) = loaded.documents
    assert doc.metadata["encoding"] == "cp1251"
    assert doc.text == text == path.read_bytes().decode(doc.metadata["encoding"])
    assert loaded.warnings == ["not UTF-8; decoded as cp1251"]


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfHello\n")
    loaded = load(path)
    (doc,) = loaded.documents
    assert doc.text == "Hello\n" == path.read_bytes().decode(doc.metadata["encoding"])
    assert loaded.warnings == []


# --- HTML -----------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head>
  <title>  Storm   report </title>
  <meta property="article:published_time" content="2023-10-14T15:20:36+00:00">
  <style>p { color: red }</style>
  <script>var secret = "SCRIPT";</script>
</head><body>
  <nav>Home</nav><!-- a COMMENT -->
  <noscript>Enable JS</noscript>
  <h1>Heavy rain</h1>
  <p>The storm   <b>hit</b> the
     coast on Friday.</p>
  <p hidden>HIDDEN</p>
  <ul><li>Roads closed</li><li>Schools shut</li></ul>
  <svg><text>SVGTEXT</text></svg>
  <template><p>TEMPLATE</p></template>
  <script>document.write("SCRIPT2")</script>
</body></html>
"""


def test_html_visible_text_title_and_meta_date(tmp_path: Path) -> None:
    (doc,) = load(write(tmp_path / "storm.html", HTML)).documents
    assert doc.text == (
        "Home\n\nHeavy rain\n\nThe storm hit the coast on Friday.\n\nRoads closed\nSchools shut"
    )
    assert (doc.format, doc.title, doc.date, doc.date_origin) == (
        "html",
        "Storm report",
        "2023-10-14",
        "document",
    )


def test_html_h1_title_and_time_in_article(tmp_path: Path) -> None:
    html = (
        "<body><article><h1>Budget passed</h1><time datetime='2022-03-04'>March 4</time>"
        "<p>Parliament voted.</p></article></body>"
    )
    (doc,) = load(write(tmp_path / "page.htm", html)).documents
    assert (doc.title, doc.date, doc.date_origin) == ("Budget passed", "2022-03-04", "document")
    assert "Parliament voted." in doc.text


# --- PDF and DOCX -----------------------------------------------------------------------


def test_pdf_pages(tmp_path: Path) -> None:
    data = make_pdf([["Page one says hello.", "Second line."], ["Page two."]], title="Q3")
    (doc,) = load(write(tmp_path / "report.pdf", data)).documents
    assert doc.text == "Page one says hello.\nSecond line.\n\nPage two."
    assert doc.page_starts == (0, 35)
    assert doc.text[doc.page_starts[1] :] == "Page two."
    assert (doc.page_at(5), doc.page_at(36)) == (1, 2)
    assert (doc.format, doc.title, doc.date, doc.date_origin) == (
        "pdf",
        "Q3",
        "2000-01-01",
        "document",
    )
    assert doc.metadata["pages"] == "2"


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([["Restricted but readable."]]))))
    writer.encrypt(user_password="", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    (doc,) = load(write(tmp_path / "restricted.pdf", buf.getvalue())).documents
    assert doc.text == "Restricted but readable."


def test_docx_paragraphs_and_table(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Project plan", level=1)
    document.add_paragraph("First paragraph.")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["Task", "Owner"], ["Design", "Ana"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("After the table.")
    document.core_properties.created = datetime(2021, 5, 4, 10, 0)
    path = tmp_path / "plan.docx"
    document.save(str(path))
    (doc,) = load(path).documents
    assert doc.text == (
        "Project plan\n\nFirst paragraph.\n\nTask | Owner\nDesign | Ana\n\nAfter the table."
    )
    assert (doc.format, doc.title, doc.date, doc.date_origin) == (
        "docx",
        "Project plan",
        "2021-05-04",
        "document",
    )


def test_docx_without_real_date_uses_mtime(tmp_path: Path) -> None:
    import docx

    document = docx.Document()  # python-docx's template says "created 2013-12-23"
    document.core_properties.title = "Memo"
    document.add_paragraph("Hello.")
    path = tmp_path / "memo.docx"
    document.save(str(path))
    (doc,) = load(path).documents
    assert (doc.title, doc.date_origin) == ("Memo", "file")
    assert doc.date == date.fromtimestamp(path.stat().st_mtime).isoformat()


# --- email ----------------------------------------------------------------------------


def make_email(body: str, attachments: list[tuple[str, bytes]], html: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ana <ana@example.com>"
    msg["To"] = "bo@example.com"
    msg["Subject"] = "Quarterly numbers"
    msg["Date"] = "Fri, 13 Dec 2024 09:30:00 +0100"
    msg.set_content(body, subtype="html" if html else "plain")
    for name, data in attachments:
        maintype, subtype = {".txt": ("text", "plain"), ".pdf": ("application", "pdf")}.get(
            Path(name).suffix, ("application", "octet-stream")
        )
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def test_email_with_attachments(tmp_path: Path) -> None:
    pdf = make_pdf([["Revenue grew."]])
    notes = b"Remember the figures.\n"
    data = make_email(
        "Hi Bo,\nnumbers attached.\n",
        [("notes.txt", notes), ("report.pdf", pdf), ("logo.png", b"\x89PNG\r\n")],
    )
    path = write(tmp_path / "mail.eml", data)
    loaded = load(path)
    mail, txt, report = loaded.documents
    assert loaded.warnings == []

    assert mail.text == (
        "From: Ana <ana@example.com>\nTo: bo@example.com\nDate: Fri, 13 Dec 2024 09:30:00 +0100\n"
        "Subject: Quarterly numbers\nAttachments: notes.txt, report.pdf, logo.png\n\n"
        "Hi Bo,\nnumbers attached."
    )
    assert (mail.format, mail.title, mail.date, mail.date_origin) == (
        "eml",
        "Quarterly numbers",
        "2024-12-13",
        "document",
    )
    assert mail.metadata == {
        "from": "Ana <ana@example.com>",
        "to": "bo@example.com",
        "date": "Fri, 13 Dec 2024 09:30:00 +0100",
        "subject": "Quarterly numbers",
    }
    assert mail.content_hash == hashlib.sha256(data).hexdigest()

    source = str(path.resolve())
    assert (txt.source, report.source) == (f"{source}#notes.txt", f"{source}#report.pdf")
    for att in (txt, report):
        assert (att.file, att.parent_id) == (source, mail.doc_id)
        assert att.doc_id == doc_id_for(att.source)
        assert att.metadata["email_subject"] == "Quarterly numbers"
    assert (txt.format, txt.text, txt.content_hash) == (
        "txt",
        "Remember the figures.\n",
        hashlib.sha256(notes).hexdigest(),
    )
    assert (txt.date, txt.date_origin) == ("2024-12-13", "document")  # inherited from the email
    assert (report.format, report.text, report.page_starts) == ("pdf", "Revenue grew.", (0,))
    assert report.date == "2000-01-01"


def test_email_html_body_and_bad_attachment(tmp_path: Path) -> None:
    data = make_email(
        "<html><head><style>x{}</style></head><body><p>Hello <b>there</b></p></body></html>",
        [("broken.pdf", b"%PDF-1.4 not really")],
        html=True,
    )
    loaded = load(write(tmp_path / "html.eml", data))
    (mail,) = loaded.documents
    assert mail.text.endswith("Subject: Quarterly numbers\nAttachments: broken.pdf\n\nHello there")
    assert len(loaded.warnings) == 1
    assert loaded.warnings[0].startswith("attachment broken.pdf skipped: corrupt or unreadable PDF")


# --- bad input ------------------------------------------------------------------------


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([["Top secret."]]))))
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b" \n\t\r\n  ", "empty file"),
        ("nul.txt", b"hello\x00world", "binary content in a .txt file"),
        ("ctl.md", bytes(range(1, 9)) * 20 + b"text", "binary content in a .md file"),
        ("nul.html", b"<p>x</p>\x00\x01", "binary content in a .html file"),
        ("broken.pdf", b"%PDF-1.4\nthis is garbage\n", "corrupt or unreadable PDF"),
        ("blank.pdf", None, "no text in the pdf file"),  # OCR of an empty page: nothing
        ("locked.pdf", "encrypted", "encrypted PDF (password required)"),
        ("broken.docx", b"PK\x03\x04garbage", "corrupt or unreadable DOCX"),
        ("scripts.html", b"<script>x()</script><style>p{}</style>", "no text in the html file"),
        ("image.xyz", b"data", "unsupported file type .xyz"),
        ("Makefile", b"all:\n", "unsupported file type (no extension)"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, data: bytes | str | None, message: str) -> None:
    if data is None:
        data = make_pdf([[]])
    elif data == "encrypted":
        data = encrypted_pdf()
    path = write(tmp_path / name, data)
    with pytest.raises(LoadError) as err:
        load(path)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", "x" * 3000)
    with pytest.raises(LoadError, match=r"^file too large: 2.9 KB > limit 1000 bytes$"):
        load(path, max_bytes=1000)
    path = write(tmp_path / "huge.txt", b"x" * (3 * 1024 * 1024 + 200 * 1024))
    with pytest.raises(LoadError, match=r"^file too large: 3.2 MB > limit 2 MB$"):
        load(path, max_bytes=2 * 1024 * 1024)


def test_unreadable_paths(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing.txt")
    with pytest.raises(LoadError, match=r"^cannot read: dangling symlink"):
        load(link)
    with pytest.raises(LoadError, match=r"^cannot read: "):
        load(tmp_path / "absent.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(LoadError, match=r"^cannot read: is a directory"):
        load(folder)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "secret.txt", "hidden")
    if os.geteuid() == 0:
        # root reads any file whatever its mode (and CI runs as root): make the read fail the
        # way it fails for a user, so the message mapping is tested everywhere.
        def denied(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", denied)
    else:
        path.chmod(0)
    with pytest.raises(LoadError, match=r"^cannot read: Permission denied"):
        load(path)


def test_supported_suffixes() -> None:
    documents = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".eml"}
    archives = {".mbox", ".msg", ".pst"}  # index/loaders_email.py
    images = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # read by OCR (index/ocr.py)
    assert documents | archives | images == set(SUPPORTED_SUFFIXES)


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("belarus-weapons-syria-2024-12-13", "Belarus weapons syria"),
        ("2023-10-14_market_notes", "Market notes"),
        ("Report_FINAL", "Report FINAL"),
        ("2024-01-01", "2024-01-01"),
    ],
)
def test_title_from_file_name(stem: str, title: str) -> None:
    from index.loaders import title_from_stem

    assert title_from_stem(stem) == title
