"""HTML: the text a browser shows (block structure as line breaks), its title and
publication date.
"""

from __future__ import annotations

import re
from typing import Any

from index.loaders_base import Extracted
from index.loaders_text import iso_date

# Meta names that carry a publication date, best first.
_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_HTML_DROP = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_HTML_PARAGRAPH = (
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote",
    "pre", "table", "ul", "ol", "dl", "figure", "figcaption", "form", "fieldset", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
)  # fmt: skip
_HTML_LINE = ("li", "tr", "dt", "dd", "caption", "br")


def from_html(markup: bytes | str) -> Extracted:
    from bs4 import BeautifulSoup, NavigableString, Tag

    try:
        import lxml  # noqa: F401

        parser = "lxml"
    except ImportError:
        parser = "html.parser"
    soup = BeautifulSoup(markup, parser)

    title = None
    if isinstance(soup.title, Tag):
        title = " ".join(soup.title.get_text(" ").split()) or None
    found = _html_date(soup)

    for tag in [*soup.find_all([*_HTML_DROP]), *soup.find_all(hidden=True)]:
        if not tag.decomposed:  # already gone with a dropped ancestor
            tag.decompose()
    if title is None and isinstance(h1 := soup.find("h1"), Tag):
        title = " ".join(h1.get_text(" ").split()) or None

    # Browsers collapse whitespace inside text; line breaks come only from the block structure.
    for string in soup.find_all(string=True):
        # exact type: comments and the doctype are subclasses and must stay invisible
        if type(string) is NavigableString and not string.find_parent("pre"):
            string.replace_with(re.sub(r"\s+", " ", str(string)))
    for tag in soup.find_all([*_HTML_PARAGRAPH]):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all([*_HTML_LINE]):
        tag.insert_after("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")

    text = soup.get_text()
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Extracted(text=text, title=title, date=found)


def _html_date(soup: Any) -> str | None:
    from bs4 import Tag

    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = _attr(meta, "property") or _attr(meta, "name") or _attr(meta, "itemprop")
        if key and _attr(meta, "content"):
            metas.setdefault(key.lower(), _attr(meta, "content"))
    for key in _META_DATE_KEYS:
        if key in metas and (iso := iso_date(metas[key])):
            return iso
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        if (m := _JSONLD_DATE.search(script.get_text())) and (iso := iso_date(m.group(1))):
            return iso
    article = soup.find("article")
    if isinstance(article, Tag):
        time = article.find("time", attrs={"datetime": True})
        if isinstance(time, Tag):
            return iso_date(_attr(time, "datetime"))
    return None


def _attr(tag: Any, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, list):  # multi-valued attributes come back as lists
        value = " ".join(value)
    return str(value).strip() if value else ""
