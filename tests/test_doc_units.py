"""Evidence units of real documents nobody here wrote (eval/data/dev/docs): emails whose header
lines answer who/when, bounces and digests read whole, list items and footnote references,
PDF page furniture and the defined term a sentence stands under."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from index.loaders import load_file
from index.records import Document
from index.sentences import display_form, page_furniture, sentence_spans
from index.settings import get_settings
from rag.candidates import _has_value
from rag.conditions import conditional_spans
from rag.evidence import Unit, names_entity, score_units, units
from rag.question import analyze
from rag.records import Passage

DOCS = Path(__file__).resolve().parent.parent / "eval" / "data" / "dev" / "docs"


def _load(name: str) -> Document:
    return load_file(DOCS / name, max_bytes=10_000_000).documents[0]


def _passage(doc: Document, fmt: str | None = None) -> Passage:
    return Passage(
        chunk_id="c",
        doc_id=doc.doc_id,
        source=doc.source,
        title=doc.title,
        date=doc.date,
        date_origin=doc.date_origin,
        text=doc.text,
        start=0,
        end=len(doc.text),
        score=1.0,
        format=fmt or doc.format,
        page_starts=doc.page_starts,
    )


def _units_of(doc: Document, fmt: str | None = None) -> list[Unit]:
    return units(_passage(doc, fmt), doc.text)


# --- emails read whole --------------------------------------------------------------------


def test_a_digest_shows_each_enclosed_message_with_its_sender() -> None:
    lines = _load("email-ppp-digest.eml").text.splitlines()
    # the sender's name is in a comment the parsed header drops
    assert lines.count("From: barry@digicool.com (Barry A. Warsaw)") == 5
    assert "Subject: [Ppp] testing #3" in lines
    assert "   1. testing #1 (Barry A. Warsaw)" in lines  # the table of contents part


def test_a_bounce_whose_boundary_was_cut_keeps_its_text() -> None:
    lines = _load("email-too-many-hops.eml").text.splitlines()
    assert (
        "554 Too many hops 19 (17 max): from <linuxuser-admin@www.linux.org.uk> via "
        "[199.164.235.226], to <scoffman@wellpartner.com>"
    ) in lines


def test_a_bounce_shows_the_header_fields_it_returns_and_attachments_are_named() -> None:
    lines = _load("email-ucla-delivery-failed.eml").text.splitlines()
    assert '  From: "Ian T. Henry" <henryi@oxy.edu>' in lines
    assert "  Reason: recipient reached disk quota" in lines
    assert "Attachments: clock.bmp" in _load("email-imap-file-test.eml").text.splitlines()


def test_email_header_lines_are_units_at_their_offsets_with_their_role() -> None:
    doc = _load("email-imap-file-test.eml")
    by_quote = {u.quote: u for u in _units_of(doc)}
    sender = by_quote["From: Father Time <father.time@xcar.wooster.local>"]
    assert doc.text[sender.start : sender.end] == sender.quote
    assert "sent" in sender.roles.split()
    assert "Subject: IMAP file test" in sender.context  # the block it belongs to
    assert sender.answer_text == "Father Time <father.time@xcar.wooster.local>"
    date = by_quote["Date: Sun, 12 May 2002 08:56:15 +0100"]
    assert date.answer_text.startswith("Sun, 12 May 2002")
    # the body is a unit of its own, never glued to the header line above it
    assert "Simple email with attachment." in by_quote
    # outside an email, a "key: value" metadata line stays no fact
    assert not any(u.quote.startswith("From:") for u in _units_of(doc, fmt="txt"))


# --- list items, footnote references, page furniture, defined terms ------------------------


def test_a_list_item_is_a_unit_without_its_marker_and_a_footnote_is_no_value() -> None:
    text = (
        "There are two things that you should do.\n"
        "1. First send a mail to debian-private@lists.debian.org with [VAC] prepended to the "
        "subject of your message [1] and state the period of time of your vacation.\n"
        "2. Then mark yourself as on vacation in the database.\n"
    )
    spans = [text[a:b].strip() for a, b in sentence_spans(text)]
    assert spans[0] == "There are two things that you should do."
    assert spans[1].startswith("1. First send") and spans[1].endswith("of your vacation.")
    doc = Document(
        doc_id="d", source="s", file="s", title="Duties", date="2024-01-01",
        date_origin="file", content_hash="h", format="txt", text=text,
    )  # fmt: skip
    first = next(u for u in _units_of(doc) if "First" in u.quote)
    assert first.quote.startswith("First send")  # the marker "1." is not quoted
    assert text[first.start : first.end] == first.quote
    assert "[1]" not in first.display and "[VAC]" in first.display
    q = analyze("How many days before leaving must a developer announce a vacation?", "en")
    assert not _has_value(q, first.display)


def test_running_heads_and_footers_of_a_pdf_are_left_out() -> None:
    doc = _load("bash-manual-pages.pdf")
    furniture = page_furniture(doc.text, doc.page_starts)
    lines = [doc.text[a:].split("\n", 1)[0] for a in sorted(furniture)]
    assert lines.count("BASH(1) General Commands Manual BASH(1)") == 4
    assert "GNU Bash 5.2 2022 September 19 17" in lines
    quotes = [display_form(doc.text[a:b]) for a, b in sentence_spans(doc.text, skip=furniture)]
    assert not any("General Commands Manual" in q or "GNU Bash 5.2" in q for q in quotes)
    # the first sentence of a page is its own, not glued to the running head
    assert "The maximum number of lines contained in the history file." in quotes


def test_a_sentence_carries_the_defined_term_it_stands_under() -> None:
    doc = _load("bash-manual-pages.pdf")
    found = {u.display: u for u in _units_of(doc)}
    default = found["The shell sets the default value to 500 after reading anystartup files."]
    assert default.under_term  # a defined term's description, not only a section
    assert default.context == (
        "HISTSIZE: The number of commands to remember in the command history (see HISTORY below)."
    )
    assert found["If the variable exists but does not have a numeric value, or has no value, "
                 "the default value is 10."].context.startswith("IGNOREEOF: ")  # fmt: skip
    assert "HISTSIZE" not in found  # a heading is context, not a unit


def test_pdf_text_keeps_the_word_spacing_of_its_glyphs() -> None:
    # pypdf's own extraction read groff's tight setting as "sa vedinthe" and "be ginning"
    text = _load("bash-manual-pages.pdf").text
    spaced = " ".join(text.split())
    assert "If the value is 0, commands are not saved in the history list." in spaced
    assert "sa vedinthe" not in spaced and "be ginning" not in spaced
    # a word hyphenated at a line end keeps its hyphen and break (resolved for matching)
    assert "should be saved on the his-\ntory list." in text
    assert "\ufffe" not in text and "\r" not in text


def test_a_numbered_section_title_is_the_context_of_its_sentences() -> None:
    doc = _load("debian-developers-reference-duties.html")
    found = {u.display: u for u in _units_of(doc)}
    # "3.2.4. Going on vacation gracefully¶" reads like a phrase: its number makes it a title
    assert "Going on vacation gracefully" not in found
    vac = next(u for d, u in found.items() if d.startswith("First send a mail to debian-private"))
    assert vac.context == "Going on vacation gracefully"  # not the section before ("Voting")


def test_a_passage_deep_in_a_long_section_still_stands_under_its_title() -> None:
    doc = _load("debian-developers-reference-new-member.html")
    start = doc.text.index("Your key length must be greater than 2048 bits")
    title = doc.text.rindex("Registering as a Debian member", 0, start)
    assert start - title > 1500  # far above the passage, past a few paragraphs
    passage = dataclasses.replace(_passage(doc), start=start)
    first = units(passage, doc.text)[0]
    assert first.display.startswith("Your key length must be greater than 2048 bits")
    assert first.context == "Registering as a Debian member"


def test_the_date_a_pdf_prints_on_its_pages_is_one_unit() -> None:
    doc = _load("bash-manual-pages.pdf")
    dated = [u for u in _units_of(doc) if u.furniture]
    assert [(u.quote, u.roles) for u in dated] == [
        ("GNU Bash 5.2 2022 September 19 1", "date when day")
    ]
    assert doc.text[dated[0].start : dated[0].end] == dated[0].quote


def test_a_docx_hyperlink_shows_where_it_points() -> None:
    lines = _load("python-docx-hyperlink-fragments.docx").text.split("\n\n")
    # the shown words and the target differ: both are facts of the document
    assert "Five with link to http://foo.com#introduction <http://foo.com/#intro>." in lines
    assert "Eight with link to file <court-exif.jpg>." in lines
    # a link showing its own target is not repeated; a bookmark link has no address
    assert "Three with link to https://foo.com." in lines
    assert "Two with link to bookmark." in lines


def test_a_value_in_a_conditional_clause_is_no_answer() -> None:
    q = analyze("How many commands does bash keep in its history by default?", "en")
    assert not _has_value(q, "If the value is 0, commands are not saved in the history list.")
    assert not _has_value(q, "Commands are not saved in the history list if the value is 0.")
    assert _has_value(q, "If the variable is unset, the shell keeps 500 commands.")
    assert conditional_spans("If the value is 1,000, 5 are kept.", "en") == [(0, 21)]


def test_how_often_is_answered_by_a_frequency_not_a_count() -> None:
    q = analyze("How often is the package mirror synchronised?", "en")
    assert _has_value(q, "The mirror is synchronised at least twice a day by a cron job.")
    assert _has_value(q, "Mirrors are updated daily.")
    assert not _has_value(q, "The mirror holds 40 packages.")


def test_a_default_asked_for_must_be_stated_as_one() -> None:
    doc = _load("bash-manual-pages.pdf")
    passage = _passage(doc)
    unit_list = units(passage, doc.text)
    q = analyze("What format string does HISTTIMEFORMAT use by default?", "en")
    scored = score_units(q, unit_list, [0.5] * len(unit_list), get_settings())
    by_text = {e.unit.display: e for e in scored}
    stated = "The shell sets the default value to 500 after reading anystartup files."
    assert by_text[stated].has_attribute
    # a sentence about the format string that states no default gives some other value
    assert not any(
        e.has_attribute for d, e in by_text.items() if "format string" in d and "default" not in d
    )


def test_an_email_address_names_the_organisation_of_its_domain() -> None:
    header = ["From: Internet Mail Delivery <postmaster@ucla.edu>"]
    assert names_entity("UCLA", header, "en")
    assert not names_entity("UCLA", ["From: someone <ucla@example.com>"], "en")
    assert not names_entity("UCLA", ["From: someone <a@uclax.edu>"], "en")


def test_the_headers_of_a_returned_message_are_enclosed() -> None:
    doc = _load("email-ucla-delivery-failed.eml")
    froms = [u for u in _units_of(doc) if u.display.startswith("From:")]
    assert [(u.display, u.enclosed) for u in froms] == [
        ("From: Internet Mail Delivery <postmaster@ucla.edu>", False),
        ('From: "Ian T. Henry" <henryi@oxy.edu>', True),  # the quoted header fields
        ('From: "Ian T. Henry" <henryi@oxy.edu>', True),  # the returned message
    ]


def test_a_number_followed_by_a_preposition_counts_nothing_else() -> None:
    q = analyze("How many commands does bash keep in its history by default?", "en")
    assert _has_value(q, "The shell sets the default value to 500 after reading startup files.")
    assert not _has_value(q, "It keeps 500 lines of the history file.")


# --- answers over a real store ------------------------------------------------------------


@pytest.fixture(scope="module")
def docs_rag(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("docs")
    for name in (
        "email-imap-file-test.eml",
        "email-ucla-delivery-failed.eml",
        "email-ppp-digest.eml",
        "bash-manual-pages.pdf",
    ):
        shutil.copy(DOCS / name, folder / name)
    from index.ingest import ingest
    from index.settings import get_settings
    from rag import open_store

    store = tmp_path_factory.mktemp("store")
    summary = ingest([folder], get_settings(store=store))
    assert summary.added == 4 and not summary.failed
    return open_store(store, backend="extractive")


def _cited(rag: Any, answer: Any) -> list[str]:
    out = []
    for c in answer.citations:
        text = rag.document_text(c.doc_id)
        assert text[c.start : c.end] == c.quote
        out.append(c.quote)
    return out


def test_who_sent_an_email_is_answered_from_its_from_line(docs_rag: Any) -> None:
    answer = docs_rag.ask("Who sent the IMAP file test?")
    assert not answer.abstained
    assert answer.sentences[0].text == "Father Time."
    assert _cited(docs_rag, answer)[0] == "From: Father Time <father.time@xcar.wooster.local>"


def test_a_default_under_its_defined_term_answers(docs_rag: Any) -> None:
    answer = docs_rag.ask(
        "If IGNOREEOF exists without a numeric value, how many EOF characters end the shell?"
    )
    assert not answer.abstained
    assert answer.sentences[0].text == "10."
    assert "the default value is 10." in _cited(docs_rag, answer)[0]


def test_a_stated_default_outranks_a_conditional_value(docs_rag: Any) -> None:
    # "If the value is 0, commands are not saved" is closer in words; 0 is its condition
    answer = docs_rag.ask("How many commands does bash remember in its history by default?")
    assert not answer.abstained
    cited = _cited(docs_rag, answer)
    assert "the default value to\n500" in cited[0]
    assert not any("If the\nvalue is 0, commands" in quote for quote in cited)


def test_who_wrote_a_bounced_message_is_its_own_sender(docs_rag: Any) -> None:
    # the bounce's own From line (postmaster@ucla.edu) is not who wrote the returned message
    answer = docs_rag.ask("Who sent the original message that bounced at UCLA?")
    assert not answer.abstained
    assert _cited(docs_rag, answer)[0] == 'From: "Ian T. Henry" <henryi@oxy.edu>'


def test_the_date_a_mail_system_reported_comes_from_its_own_header(docs_rag: Any) -> None:
    # "UCLA" is named only by the sender's address, postmaster@ucla.edu
    answer = docs_rag.ask("When did the UCLA mail server send the delivery failure report?")
    assert not answer.abstained
    assert _cited(docs_rag, answer)[0] == "Date: Sun, 23 Sep 2001 20:14:35 -0700 (PDT)"


def test_the_date_a_manual_carries_is_its_running_footer(docs_rag: Any) -> None:
    answer = docs_rag.ask("On what date was this bash manual page issued?")
    assert not answer.abstained
    assert _cited(docs_rag, answer) == ["GNU Bash 5.2 2022 September 19 1"]
    # not evidence when no date is asked for
    years = docs_rag.ask("Which years does the bash copyright cover?")
    assert all("GNU Bash 5.2" not in quote for quote in _cited(docs_rag, years))


def test_why_a_mail_bounced_is_answered_from_the_reason_line(docs_rag: Any) -> None:
    # "Recipient address: jangel1@..." repeats what the question gives; "Reason:" answers why
    answer = docs_rag.ask("Why could the mail not be delivered to jangel1@cougar.noc.ucla.edu?")
    assert not answer.abstained
    assert _cited(docs_rag, answer)[0] == "Reason: recipient reached disk quota"


def test_a_copyright_notice_is_evidence_only_when_asked_about(docs_rag: Any) -> None:
    notice = "Bash is Copyright © 1989-2022 by the Free Software Foundation, Inc."
    answer = docs_rag.ask("Who holds the copyright on bash?")
    assert answer.sentences[0].text == "Free Software Foundation."
    assert _cited(docs_rag, answer)[0] == notice
    other = docs_rag.ask("Which organisation makes bash?")
    assert notice not in [c.quote for c in other.citations]
