"""Reading dictd dictionaries (rag.lexicon): the noun translations of each headword of
Mueller's English-Russian and FreeDict's bilingual dictionaries, as Debian ships them (an
.index of base64 offsets and a dictzip .dict.dz, which gzip reads)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["KIND", "MODIFIER", "entries"]

KIND = "+"  # an item translating a compound of the headword: a kind of it
MODIFIER = "~"  # the item saying the headword is an adjective first


def _with(index: Path, suffix: str) -> Path:
    return index.parent / (index.name + suffix)


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64.index(c)
    return n


def entries(
    index: Path, data: Path, gloss_heads: frozenset[str] = frozenset()
) -> Iterator[tuple[str, list[str]]]:
    """(headword, its noun translations, "+" before those of its compounds) of a dictd
    dictionary: one-word lower-case headwords only; the format of each dictionary's
    entries is recognised by its text. ``gloss_heads``: the target language profile's
    words that open a definition rather than translate (``_items``)."""
    opener = gzip.open if data.suffix == ".dz" else open  # dictzip is gzip-readable
    with opener(data, "rb") as fh:
        blob = fh.read()
    for line in _with(index, ".index").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00database") or parts[0].startswith("00-"):
            continue
        head = parts[0].strip()
        if not re.fullmatch(r"[a-z][a-z-]*", head):
            continue
        text = blob[_b64(parts[1]) : _b64(parts[1]) + _b64(parts[2])].decode("utf-8", "replace")
        freedict = re.search(r"^\S.*<[a-z.]+>\s*$", text, re.M)
        items = _freedict(text, gloss_heads) if freedict else _mueller(text, head, gloss_heads)
        if items:
            yield head, items


_CYRILLIC_ITEM = re.compile(r"[а-яёіўєїґ\u0301\u0300]+(?:[ -][а-яёіўєїґ\u0301\u0300]+){0,2}")


def _items(segment: str, gloss_heads: frozenset[str] = frozenset()) -> list[str]:
    """Comma-separated translations of one sense: up to three Cyrillic words each. A
    generic word opening a definition ("человек, страдающий апоплексией") is left out: read
    backwards it would make every such headword a translation of "человек"."""
    parts = [" ".join(item.lower().split()) for item in segment.split(",")]
    if len(parts) > 1 and parts[0] in gloss_heads and len(parts[1].split()) > 1:
        parts = parts[1:]
    return [item for item in parts if _CYRILLIC_ITEM.fullmatch(item)]


def _compound(example: str, head: str, gloss_heads: frozenset[str]) -> list[str]:
    """The translation of an example that is a compound ending in the headword ("public
    prosecutor прокурор"); [] for any other example."""
    found = re.fullmatch(r"\s*([A-Za-z][A-Za-z' -]*?)\s+([^A-Za-z]+)", example)
    if not found:
        return []
    english = found.group(1).lower().split()
    if len(english) < 2 or english[0] == "to" or english[-1] not in (head, head + "s"):
        return []
    return [KIND + item for item in _items(found.group(2), gloss_heads)]


def _freedict(text: str, gloss_heads: frozenset[str]) -> list[str]:
    """FreeDict: a header "head /ipa/ <n>", then numbered translation lines, each followed
    by an English gloss. Noun entries only."""
    lines = text.splitlines()
    if not lines or not re.search(r"<n>\s*$", lines[0]):
        return []
    out: list[str] = []
    for line in lines[1:]:
        if re.search(r"[A-Za-z]", line):
            continue  # the English gloss
        line = re.sub(r"^\s*\d+\.\s*", "", line)
        line = re.sub(r"\s\d+\.\s*$", "", line)
        out.extend(_items(line, gloss_heads))
    return out


# Mueller marks a part of speech "_n.", "_v.", "_a." ...; a usage label "_ам.", "_разг." ...
# Senses of another part of speech than a noun are left out, and so are senses of another
# variety or register (American, slang, poetic, dated): "ship" is "самолёт" only in American
# slang.
_POS = re.compile(r"_(n|v|a|adv|prep|pron|cj|int|num|predic|emph)\.")
_DROPPED = re.compile(
    r"_(ам|разг|жарг|сл|поэт|уст|шутл|диал|шотл|ирл|австрал|редк|презр|груб|ирон|бран|"
    r"ист|библ|миф|школ|амер|фам|ласк|неодобр|вульг|арх|книжн|ритор|attr)\."
)


def _mueller(text: str, head: str, gloss_heads: frozenset[str]) -> list[str]:
    """Mueller: numbered senses ("1. _n." parts of speech, "1)" senses) whose translations
    are followed, after a semicolon, by English examples with their translations. An
    example that is a compound of the headword ("public prosecutor прокурор") names a kind
    of it: its translation is kept; other examples ("bed of straw соломенный тюфяк", "to
    make the bed стлать постель") are not."""
    body = text.split("\n", 1)[1] if "\n" in text else ""
    body = re.sub(r"\[[^\]]*\]", " ", body)  # transcription
    body = re.sub(r"\([^()]*\)", " ", body)  # glosses in brackets
    body = " ".join(body.split())
    out: list[str] = []
    first = _POS.search(body)
    if first and first.group(1) == "a":
        # an adjective first, a noun after ("military": "военный", then "the military"): a
        # modifier in a question ("which military official"), not the noun asked about
        out.append(MODIFIER)
    pos = "n"  # an entry with no mark before its first sense is a noun's ("mayor")
    for piece in re.split(r"(_(?:n|v|a|adv|prep|pron|cj|int|num|predic|emph)\.)", body):
        mark = _POS.fullmatch(piece)
        if mark:
            pos = mark.group(1)
            continue
        if pos != "n":
            continue
        for segment in re.split(r";|(?:^|\s)\d+[.)](?=\s|$)", piece):
            if _DROPPED.search(segment):
                continue  # another register
            segment = re.sub(r"_\S+\.", " ", segment)
            if re.search(r"[A-Za-z]", segment):
                out.extend(_compound(segment, head, gloss_heads))
                continue
            out.extend(_items(segment, gloss_heads))
    return out
