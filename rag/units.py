"""Evidence units: the clean sentences of a retrieved passage, each an exact span of its
document (the citation quote) with a display form for matching and reading (PDF line breaks
and hyphenation resolved), and what it stands under.

Document structure decides what a unit is: a heading, a defined term ("HISTSIZE") or a
numbered section's title is the context of the sentences under it, never a unit; an email's
header lines are units with the role of their key ("From:" answers "who sent"), the lines of a
message enclosed in another (a bounce's returned message) marked so; page furniture (running
heads and footers) is left out, except the date a paged document prints on every page;
boilerplate is a unit only when a question asks about a notice. Scoring is rag.evidence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.languages import available_languages, get_profile
from index.sentences import (
    display_form,
    header_value,
    is_boilerplate,
    list_marker_end,
    page_furniture,
    sentence_spans,
)
from rag.normalize import extract_dates
from rag.records import Passage
from rag.terms import lexicon

__all__ = ["EMAIL_FORMATS", "Unit", "asks_about_notices", "units", "units_around"]

_MIN_CHARS = 12


@dataclass(frozen=True)
class Unit:
    """A sentence of a document: ``quote == document_text[start:end]``."""

    passage: Passage
    start: int
    end: int
    quote: str  # exact document span (what the citation carries)
    display: str  # line breaks and hyphenation resolved (what is matched and shown)
    # what the sentence stands under, matched with a lower weight and never quoted: the
    # heading or defined term of its section ("HISTSIZE" over "The shell sets the default
    # value to 500"), or for an email header line the other lines of its block
    context: str = ""
    # words the unit answers to as if it held them: an email header's role ("From:" answers
    # "who sent", "wrote", "author"; language data, index/languages/<code>.yaml header_roles)
    roles: str = ""
    # the context is a defined term and its first sentence ("HISTSIZE: The number of commands
    # to remember ..."): the sentence describes that term, not only stands in its section
    under_term: bool = False
    # an email header line of a message enclosed in another (a bounce's returned message, a
    # quoted or forwarded one), not of the document's own message
    enclosed: bool = False
    # a running head or footer holding the date the document carries: evidence only for a
    # question asking a date by a word of the Date: role ("What date does this manual carry?")
    furniture: bool = False

    @property
    def matched(self) -> str:
        """What the embedder compares with the question: a header line with its block (a
        "From:" line means little alone); a sentence alone (its heading counts in term
        coverage only: embedded with it, every sentence of a section looks alike)."""
        return f"{self.display} ({self.context})" if self.roles and self.context else self.display

    @property
    def said(self) -> str:
        """What the sentence says, case and spacing aside: the same sentence in two documents
        (a copy, a file ingested from two folders) or two chunks is one statement."""
        return " ".join(self.display.lower().split())

    @property
    def answer_text(self) -> str:
        """Where the answer value is looked for: a header line's value, not its key."""
        span = header_value(self.display) if self.roles else None
        return self.display[span[0] : span[1]] if span else self.display


def _is_statement(display: str, language: str) -> bool:
    """A title page line or heading ("Annual Report of the Ministry 2023", "John Smith,
    Editor") names things but states nothing: a sentence has a lower-case content word."""
    words = display.split()
    stop = lexicon(language).stopwords
    content = sum(1 for w in words if w[:1].islower() and w.strip(".,;:!?") not in stop)
    return len(words) >= 4 and content >= 1


def _titled_statement(display: str, language: str) -> bool:
    """A headline in Title Case ("Wullaert Fires Belgium to 3-2 Home Win over England")
    has no lower-case word to show it states something: a word after its first that is a
    verb's third-person or past form ("Fires", "Beat") does."""
    from rag.verify.lexicon import get_lexicon

    lex = get_lexicon(language)
    words = [w.strip(".,;:!?\"'“”‘’") for w in display.split()]
    return len(words) >= 4 and any(
        w[:1].isupper() and lex.verb_form(w.lower()) in ("VBZ", "VBD") for w in words[1:]
    )


@functools.cache
def _profiled() -> frozenset[str]:
    return frozenset(available_languages())


# Email formats: a message's header lines (From:, To:, Date:, Subject:, and the header
# blocks a bounce or digest quotes) say who wrote to whom, when and about what.
EMAIL_FORMATS = frozenset({"eml", "email"})
# How far before a passage its section's heading is looked for: a long section's title may
# stand several paragraphs above the passage ("2.3. Registering as a Debian member").
_HEADING_REACH = 6000
# How far past a passage's end the sentence it cuts is read to its end.
_SENTENCE_REACH = 600


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """The visible sentence: no surrounding space, no list marker or section number ("3.1.4.",
    "1.") in front. The quote must still be an exact span."""
    raw = text[a:b]
    a, b = a + len(raw) - len(raw.lstrip()), a + len(raw.rstrip())
    return a + list_marker_end(text[a:b]), b


# A section number of two levels or more ("3.2.4. Going on vacation gracefully"): the line
# it opens is a heading even when it reads like a phrase with lower-case words.
_SECTION_NUMBER = re.compile(r"[ \t]*\d{1,3}(?:\.\d{1,3})+\.?[ \t]+")
_SECTION_WORDS = 10  # longer than this, a numbered line is a numbered paragraph


def _is_heading(text: str, a: int, b: int, display: str, language: str) -> bool:
    """The line ``text[a:b]`` states nothing and does not end like a sentence: a heading or a
    defined term ("HISTSIZE", "COPYRIGHT"), or a numbered section's title ("3.2.4. Going on
    vacation gracefully")."""
    quote = text[a:b]
    if header_value(quote) is not None or "\n" in quote.strip() or display[-1:] in ".;:,!?":
        return False
    line_start = text.rfind("\n", 0, a) + 1
    numbered = _SECTION_NUMBER.fullmatch(text, line_start, a) is not None
    if numbered and len(display.split()) <= _SECTION_WORDS:
        return True
    return not _is_statement(display, language)


def _heading_of(text: str, spans: Sequence[tuple[int, int]], language: str) -> tuple[str, str]:
    """The last heading among ``spans`` and, when it is one term ("HISTSIZE"), the first
    sentence under it (what the term is): the context of what follows."""
    heading, opening = "", ""
    for a, b in spans:
        a, b = _trimmed(text, a, b)
        display = display_form(text[a:b])
        if not display or header_value(text[a:b]) is not None:
            continue
        if _is_heading(text, a, b, display, language):
            heading, opening = display, ""
        elif heading and not opening and len(heading.split()) == 1:
            opening = display
    return heading, opening


def units(
    passage: Passage, document_text: str, language: str = "en", notices: bool = False
) -> list[Unit]:
    """The clean sentence units of one passage, cut by the rules of the document's own
    language when it has a profile (a Russian question over an English report), else of
    ``language``. Page furniture (running heads and footers) is left out; each unit carries
    the heading it stands under as context. In an email every header line is a unit.
    ``notices``: the question asks about a copyright or licence notice, which then is one."""
    if passage.language in _profiled():
        language = passage.language
    text = document_text
    skip = page_furniture(text, passage.page_starts)
    email = passage.format in EMAIL_FORMATS
    before = sentence_spans(
        text, max(0, passage.start - _HEADING_REACH), passage.start, language, skip
    )
    heading, opening = _heading_of(text, before, language)
    # A chunk ends where its token budget does, often inside a sentence ("... an improved
    # version of OpenAI's flagship model, GPT-4," of "..., GPT-4, called GPT-4 Turbo."): the
    # sentence the passage cuts is read to its end, as the reader of the quote would.
    reach = min(len(text), passage.end + _SENTENCE_REACH)
    spans = [
        span
        for span in sentence_spans(text, passage.start, reach, language, skip)
        if span[0] < passage.end
    ]
    out: list[Unit] = []
    headers: list[Unit] = []  # the header block being read (email)
    last_statement = ""
    previous_end = passage.start
    for a, b in spans:
        a, b = _trimmed(text, a, b)
        if b <= a:
            continue
        quote = text[a:b]
        display = display_form(quote)
        value = header_value(quote)
        if "\n\n" in text[previous_end:a] or value is None:
            headers = _close_block(headers, out, passage, last_statement, language, text)
        previous_end = b
        if _is_heading(text, a, b, display, language):
            heading, opening = display, ""  # a heading: context of what follows, no unit
            continue
        if email and value is not None and not is_boilerplate(display, language, False):
            # "From: Father Time <father.time@...>": who sent it, kept with its key
            headers.append(Unit(passage, a, b, quote, display))
            continue
        if b - a < _MIN_CHARS:
            continue
        if value is not None:
            # A headline or subject states a fact ("title: Binance to pay $4.3B in fines");
            # its key does not, and metadata values (a name, a URL, a date) are no statement.
            a, b = a + value[0], a + value[1]
            quote = text[a:b]
            display = display_form(quote)
        # a headline taken from its "title:" line may hold a colon of its own ("Adobe:
        # Thanksgiving US online sales nudge up to $5.6B"): it is no header line itself
        if is_boilerplate(quote, language, value is None):
            if not notices:
                continue
            # a notice asked about ("Bash is Copyright © 1989-2022 by the Free Software
            # Foundation, Inc.") states its holder with no lower-case content word
        elif not _is_statement(display, language) and not (
            value is not None and _titled_statement(display, language)
        ):
            continue
        if value is not None and display.rstrip().endswith("?"):
            continue  # a headline that asks ("What stores will be open?") states nothing
        under_term = bool(opening) and opening != display
        context = f"{heading}: {opening}" if under_term else heading
        if heading and len(heading.split()) == 1 and not opening:
            opening = display
        last_statement = display
        out.append(Unit(passage, a, b, quote, display, context, under_term=under_term))
    _close_block(headers, out, passage, last_statement, language, text)
    out.extend(_dated_furniture(passage, text, skip, language))
    out.sort(key=lambda u: u.start)
    return out


def _dated_furniture(
    passage: Passage, text: str, skip: frozenset[int], language: str
) -> list[Unit]:
    """The document's first running head or footer that holds a date ("GNU Bash 5.2 2022
    September 19 1"): the date the document carries, printed on every page. Left out as
    text, it is one unit (the same for every passage of the document) answering as an
    email's Date: line does (its role words)."""
    for at in sorted(skip):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        a, b = _trimmed(text, at, end)
        quote = text[a:b]
        dates = extract_dates(quote)  # a year and a month, written together or apart
        if not (any(d.year for d in dates) and any(d.month for d in dates)):
            continue
        words = " ".join(get_profile(language).header_roles.get("date", []))
        return [
            Unit(passage, a, b, quote, display_form(quote), passage.title, words, furniture=True)
        ]
    return []


def asks_about_notices(question: str, language: str) -> bool:
    """Does the question ask about a notice itself ("Who holds the copyright on bash?")?"""
    words = set(re.findall(r"\w+", question.lower()))
    return not words.isdisjoint(get_profile(language).notice_topics)


def _close_block(
    headers: list[Unit],
    out: list[Unit],
    passage: Passage,
    introduced_by: str,
    language: str,
    text: str,
) -> list[Unit]:
    """Each line of a finished email header block joins ``out`` with the block's other lines,
    the message's title and the sentence introducing the block ("a message you sent with
    the following header fields:") as its context, and its key's role words. A block that
    does not open the document is a message enclosed in it (a bounce's returned message, a
    quoted or forwarded one, a digest's post)."""
    if not headers:
        return []
    roles = get_profile(language).header_roles
    enclosed = bool(text[: headers[0].start].strip())
    for unit in headers:
        others = [u.display for u in headers if u is not unit]
        context = " ".join([passage.title, introduced_by, *others]).strip()
        key = unit.display.split(":", 1)[0].strip().lower()
        words = " ".join(roles.get(key, [key]))
        out.append(
            Unit(
                passage,
                unit.start,
                unit.end,
                unit.quote,
                unit.display,
                context,
                words,
                enclosed=enclosed,
            )
        )
    return []


def units_around(
    passage: Passage, document_text: str, before: int, language: str = "en"
) -> list[Unit]:
    """The units of ``passage`` read from ``before`` characters earlier (the sentence a
    quote refers back to); each unit keeps ``passage`` as its source."""

    widened = replace(passage, start=max(0, passage.start - before))
    return [replace(u, passage=passage) for u in units(widened, document_text, language)]
