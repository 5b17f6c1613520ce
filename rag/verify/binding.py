"""Binding: what a value is said *of* in its sentence, read by rules from language data.

A value (count, amount, percentage, date) binds, within its sentence, to:

* the thing counted: the words right after it ("136 Konkurs systems"); a value with none
  ("another 80") takes the thing of the value before it;
* who got it: the phrase after a recipient preposition ("to the U.S."), the subject of a
  receiving verb ("the U.S. received"), or the agent of a passive receiving verb;
* who gave it: the phrase after a source preposition ("from Sofia"), the subject of a giving
  verb ("Sofia transferred"), or the agent of a passive giving verb ("sent by Belarus");
* when: the dates of its sentence;
* for a date: the event, i.e. the content words of the stretch of sentence it governs.

A sentence is cut into one stretch per value (from the value to the next one; the words before
the first value are shared by all), and parenthetical asides (brackets, paired dashes) are
stretches of their own, so "240 X and 140 Y — worth 37.9 million euros — to Bulgaria" binds
"to Bulgaria" to 140 and, as the role of the next coordinated value, to 240 as well. The word
lists (prepositions, verbs, clause breaks, stopwords) come from the language profile: this is
a general rule, not a list of the samples' facts. It is a reading of syntax by rules, so
verification uses it in one direction only: a value found bound to something else counts
against a sentence only when the passage binds the sentence's own reading to another value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from rag.normalize import DateMention, Quantity, extract_dates, extract_quantities, fold
from rag.verify.lexicon import Lexicon, get_lexicon

__all__ = ["Frame", "Token", "dates_agree", "frames", "is_stop", "tokens"]

# Words (with inner apostrophes, hyphens, dots of acronyms), "n't" on its own, punctuation.
_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}|[^\W_]+(?=n['’]t\b)|n['’]t\b|[^\W_]+(?:['’\-‐][^\W_]+)*|[^\w\s]"
)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_DASHES = frozenset("—–")
_STOP_PUNCT = frozenset('.,;:!?"“”«»')


@dataclass(frozen=True)
class Token:
    text: str  # as written
    word: str  # folded lower-case ("" for punctuation and values)
    start: int
    end: int
    value: Quantity | DateMention | None = None
    depth: int = 0  # > 0 inside brackets or paired dashes
    group: int = 0  # which aside (0: the main line)

    @property
    def punct(self) -> bool:
        return not self.word and self.value is None


@dataclass(frozen=True)
class Frame:
    """A value and what its sentence binds it to. Word sets are stems."""

    value: Quantity | DateMention
    kind: str  # "count", "amount" (with its currency), "percent", "date"
    sentence: str
    thing: frozenset[str] = frozenset()
    thing_text: str = ""
    recipients: tuple[frozenset[str], ...] = ()
    sources: tuple[frozenset[str], ...] = ()
    recipient_text: str = ""
    # whose value it is: the name nearest before it ("City lead the table on 28 points with
    # Liverpool second on 27"), leaving out the previous value's thing and role phrases
    owner: frozenset[str] = frozenset()
    owner_text: str = ""
    source_text: str = ""
    when: tuple[DateMention, ...] = ()
    event: frozenset[str] = field(default_factory=frozenset)
    index: int = 0  # position among the sentence's values of the same family

    @property
    def text(self) -> str:
        return self.value.text


def _kind(value: Quantity | DateMention) -> str:
    if isinstance(value, DateMention):
        return "date"
    if value.unit == "%":
        return "percent"
    return f"amount {value.unit}" if value.unit else "count"


@functools.lru_cache(maxsize=2048)
def tokens(text: str) -> tuple[Token, ...]:
    """Words, punctuation and values (quantities and dates as single tokens) of ``text``."""
    values: list[Quantity | DateMention] = [*extract_quantities(text), *extract_dates(text)]
    values.sort(key=lambda v: v.start)
    out: list[Token] = []
    depth = 0
    group = 0
    in_dash = False
    vi = 0
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        while vi < len(values) and values[vi].end <= start:
            vi += 1
        if vi < len(values) and values[vi].start <= start < values[vi].end:
            v = values[vi]
            if not out or out[-1].value is not v:
                out.append(Token(v.text, "", v.start, v.end, v, depth, group if depth else 0))
            continue
        raw = m.group()
        if raw in _OPEN or (raw in _DASHES and not in_dash):
            in_dash = in_dash or raw in _DASHES
            depth += 1
            group += 1
            continue
        if (raw in _CLOSE or (raw in _DASHES and in_dash)) and depth:
            in_dash = in_dash and raw not in _DASHES
            depth -= 1
            continue
        word = "" if len(raw) == 1 and not raw.isalnum() else fold(raw)
        if raw.lower().replace("’", "'") == "n't":
            word = "n't"
        out.append(Token(raw, word, start, end, None, depth, group if depth else 0))
    return tuple(out)


def is_stop(t: Token, lex: Lexicon) -> bool:
    """A function word; an acronym that folds like one ("U.S." -> "us") is not."""
    if t.word not in lex.stopwords:
        return False
    return not (t.text[:1].isupper() and (t.text.isupper() or "." in t.text))


def _content(toks: list[Token], lex: Lexicon) -> frozenset[str]:
    return frozenset(lex.stem(t.word) for t in toks if t.word and not is_stop(t, lex))


def _phrase_after(toks: list[Token], i: int, lex: Lexicon) -> list[Token]:
    """The noun phrase starting at ``toks[i]``: words up to punctuation, a value, a verb
    of giving/receiving or a preposition; leading articles skipped."""
    out: list[Token] = []
    while i < len(toks):
        t = toks[i]
        if (t.punct and t.text not in "-‐'’") or t.value is not None:
            break
        if is_stop(t, lex) and out:
            if t.word in lex.connectors and i + 1 < len(toks) and toks[i + 1].text[:1].isupper():
                out.append(t)  # "Study of War", "bin Salman"
                i += 1
                continue
            break
        if lex.stem(t.word) in lex.give_verbs | lex.receive_verbs:
            break
        if not is_stop(t, lex):
            out.append(t)
        i += 1
    return out


def _words_text(toks: list[Token]) -> str:
    return " ".join(t.text for t in toks)


@dataclass
class _Roles:
    recipients: list[list[Token]] = field(default_factory=list)
    sources: list[list[Token]] = field(default_factory=list)


def _verb_class(toks: list[Token], lex: Lexicon) -> str | None:
    for t in toks:
        stem = lex.stem(t.word) if t.word else ""
        if stem in lex.give_verbs:
            return "give"
        if stem in lex.receive_verbs:
            return "receive"
    return None


def _roles(toks: list[Token], verb: str | None, lex: Lexicon) -> _Roles:
    """Recipient and source phrases marked by prepositions in a stretch of tokens."""
    roles = _Roles()
    for i, t in enumerate(toks):
        if t.word in lex.recipient_prepositions:
            target = roles.recipients
        elif t.word in lex.source_prepositions:
            target = roles.sources
        elif t.word in lex.agent_prepositions and verb is not None:
            target = roles.sources if verb == "give" else roles.recipients
        else:
            continue
        phrase = _phrase_after(toks, i + 1, lex)
        # who gives or gets is named ("to the U.S."); "to be the default" is no recipient
        if any(t.text[:1].isupper() for t in phrase):
            target.append(phrase)
    return roles


def _subject(pre: list[Token], lex: Lexicon) -> tuple[str | None, list[Token]]:
    """The verb class of the shared stretch before the first value and its subject: the
    words between the last punctuation and that verb ("The same year, Sofia transferred")."""
    for i, t in enumerate(pre):
        stem = lex.stem(t.word) if t.word else ""
        verb = "give" if stem in lex.give_verbs else "receive" if stem in lex.receive_verbs else ""
        if verb:
            # the words right before the verb, across auxiliaries ("Sofia has transferred");
            # "Ellison said she took" has no subject here: "she" is not a name to bind
            j = i - 1
            while j >= 0 and pre[j].word in lex.auxiliaries:
                j -= 1
            subject: list[Token] = []
            while j >= 0 and pre[j].word and not is_stop(pre[j], lex):
                subject.insert(0, pre[j])
                j -= 1
            return verb, subject
    return None, []


_QUOTES = frozenset("\"“”‘’«»'")


def _thing(toks: list[Token], lex: Lexicon) -> list[Token]:
    """Words right after a value naming what it counts ("Konkurs systems"), skipping asides
    and quotation marks, and through the profile's measure links ("$219 million worth of net
    income", "$3.66 billion of “unlocked FTT”")."""
    out: list[Token] = []
    for i, t in enumerate(toks):
        if t.depth or t.text in _QUOTES:
            continue
        if (t.punct and t.text not in "-‐") or t.value is not None:
            break
        if t.word in lex.measure_links:
            continue
        if is_stop(t, lex):
            break
        if out and lex.only_verb(t.word):
            # the verb after the counted noun ends it ("17 state attorneys general filed
            # a lawsuit"), unless a measure link follows ("$150 million FTX made in revenue")
            following = toks[i + 1] if i + 1 < len(toks) else None
            if following is not None and following.word in lex.measure_links:
                continue
            break
        out.append(t)
    return out


def _owner(toks: list[Token], lex: Lexicon) -> list[Token]:
    """The last run of capitalised words (a name) in ``toks``."""
    run: list[Token] = []
    last: list[Token] = []
    for t in toks:
        if (
            t.word
            and t.text[:1].isupper()
            and not is_stop(t, lex)
            and t.text not in lex.name_stopwords
        ):
            run.append(t)
            last = list(run)
        else:
            run = []
    return last


def _stems(phrase: list[Token], lex: Lexicon) -> frozenset[str]:
    return _content(phrase, lex)


def frames(
    sentence: str, lang: str = "en", skip: frozenset[tuple[int, int]] = frozenset()
) -> list[Frame]:
    """The values of one sentence with what each is bound to. Values whose spans are in
    ``skip`` (shown arithmetic, checked on its own) get no frame and bind nothing."""
    lex = get_lexicon(lang)
    toks = list(tokens(sentence))
    dates = tuple(t.value for t in toks if isinstance(t.value, DateMention))
    quantities = [
        i
        for i, t in enumerate(toks)
        if isinstance(t.value, Quantity) and (t.value.start, t.value.end) not in skip
    ]
    out: list[Frame] = []

    first = quantities[0] if quantities else len(toks)
    pre = [t for t in toks[:first] if not t.depth and not isinstance(t.value, Quantity)]
    verb, subject = _subject(pre, lex)
    # the verb may follow the values too ("240 systems were sent to Bulgaria by Belarus")
    verb = verb or _verb_class(toks, lex)
    shared = _roles(pre, verb, lex)
    if subject and verb == "give":
        shared.sources.append(subject)
    elif subject and verb == "receive":
        shared.recipients.append(subject)

    main = [i for i in quantities if not toks[i].depth]
    stretches: list[list[Token]] = []
    host: list[int | None] = []  # for a value in an aside: the main-line value it sits in
    for i in quantities:
        here = toks[i]
        if here.depth:
            # an aside's value governs the rest of its aside
            stretch = [t for t in toks[i + 1 :] if t.depth and t.group == here.group]
            host.append(
                max((k for k, j in enumerate(quantities) if j in main and j < i), default=None)
            )
        else:
            # a main-line value governs the main line up to the next main-line value
            stop = next((j for j in main if j > i), len(toks))
            stretch = [t for t in toks[i + 1 : stop] if not t.depth]
            barrier = next(
                (j for j, t in enumerate(stretch) if isinstance(t.value, Quantity)), None
            )
            stretch = stretch[:barrier]
            host.append(None)
        stretches.append([t for t in stretch if not isinstance(t.value, Quantity)])

    roles = [_roles(s, verb, lex) for s in stretches]
    # tokens already bound as a role or a thing name no owner
    bound = {t.start for r in [*roles, shared] for p in r.recipients + r.sources for t in p}
    bound |= {t.start for st in stretches for t in _thing(st, lex)}
    # A value without a role of its own shares the one of the next coordinated value
    # ("240 X and 140 Y to Bulgaria"); a value in an aside, the one of the value it sits
    # in; without a thing, a value takes the thing of the value before it ("136 systems
    # to the U.S. and another 80 to Saudi Arabia").
    main_k = [k for k, i in enumerate(quantities) if i in main]
    for a, b in zip(main_k[-2::-1], main_k[:0:-1], strict=True):
        if not roles[a].recipients:
            roles[a].recipients = list(roles[b].recipients)
        if not roles[a].sources:
            roles[a].sources = list(roles[b].sources)
    for k, h in enumerate(host):
        if h is not None:
            if not roles[k].recipients:
                roles[k].recipients = list(roles[h].recipients)
            if not roles[k].sources:
                roles[k].sources = list(roles[h].sources)
    previous_thing: dict[str, list[Token]] = {}
    for k, i in enumerate(quantities):
        value = toks[i].value
        assert isinstance(value, Quantity)
        kind = _kind(value)
        thing = _thing(stretches[k], lex)
        if not thing:
            thing = previous_thing.get(kind, [])
        else:
            previous_thing[kind] = thing
        recipients = roles[k].recipients or shared.recipients
        sources = roles[k].sources or shared.sources
        before = quantities[k - 1] + 1 if k else 0
        owner = _owner([t for t in toks[before:i] if not t.depth and t.start not in bound], lex)
        out.append(
            Frame(
                value=value,
                kind=kind,
                sentence=sentence,
                thing=_stems(thing, lex),
                thing_text=_words_text(thing),
                recipients=tuple(_stems(p, lex) for p in recipients),
                sources=tuple(_stems(p, lex) for p in sources),
                recipient_text=" / ".join(_words_text(p) for p in recipients),
                source_text=" / ".join(_words_text(p) for p in sources),
                owner=_stems(owner, lex),
                owner_text=_words_text(owner),
                when=dates,
                index=k,
            )
        )

    date_idx = [
        i
        for i, t in enumerate(toks)
        if isinstance(t.value, DateMention) and (t.value.start, t.value.end) not in skip
    ]
    for k, i in enumerate(date_idx):
        stop = date_idx[k + 1] if k + 1 < len(date_idx) else len(toks)
        begin = 0 if k == 0 else i
        words = [t for t in toks[begin:stop] if t.word]
        value = toks[i].value
        assert isinstance(value, DateMention)
        out.append(
            Frame(value=value, kind="date", sentence=sentence, event=_content(words, lex), index=k)
        )
    return out


def dates_agree(a: DateMention, b: DateMention) -> bool:
    """Every part both give is equal ("Dec. 7" agrees with "7 December 2024")."""
    pairs = ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    return all(x is None or y is None or x == y for x, y in pairs)


def with_sentence(frame: Frame, sentence: str) -> Frame:
    return replace(frame, sentence=sentence)
