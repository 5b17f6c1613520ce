"""Language profiles: everything language-specific the read and write paths need, as data.

One YAML file per language (``index/languages/<code>.yaml``) holds the words and forms a
stage needs to understand text in that language: question words, stop and scaffold words,
months, number words, scales, currencies, titles, abbreviations, negations, hedges. Code reads
them through :func:`get_profile`; adding a language is adding a file, not editing modules.

It lives in ``index`` because the write path (sentence splitting, lexical tokenising) needs it
as much as the read path, and ``index`` never imports ``rag``.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "LanguageProfile",
    "UnknownLanguage",
    "available_languages",
    "get_profile",
    "writes_latin",
]

AnswerKind = Literal[
    "number",
    "amount",
    "date",
    "person",
    "place",
    "organisation",
    "name",
    "yesno",
    "list",
    "reason",
    "manner",
    "definition",
]


ANSWER_KINDS: tuple[str, ...] = AnswerKind.__args__  # type: ignore[attr-defined]
# what a unit of measure measures (measure_nouns): a number of one class never answers another
MEASURE_CLASSES: tuple[str, ...] = (
    "time",
    "length",
    "mass",
    "area",
    "volume",
    "data",
    "speed",
    "power",
    "energy",
    "degree",
    "point",
    "multiple",
)
# What a count of people counts (counted_kinds), and which kinds answer a question counting
# each: a question about people is answered by a count of staff ("how many people work" /
# "310 workers"), one about staff not by any count of people.
# Which kinds of people a question's counted noun accepts: "how many people" is answered by
# a count of employees or of children, "how many pupils" by one of children ("детей").
COUNTED_KINDS: dict[str, tuple[str, ...]] = {
    "people": ("people", "staff", "children"),
    "staff": ("staff",),
    "children": ("children",),
}


class UnknownLanguage(ValueError):
    """No profile exists for the language code asked for."""


def _lower_keyed(
    values: dict[str, list[str]], known: tuple[str, ...], what: str
) -> dict[str, list[str]]:
    """Lists keyed by one of ``known`` (answer kinds, measure classes...), lower-cased."""
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown {what} {sorted(unknown)}; known: {list(known)}")
    return {key: _lower_set(words) for key, words in values.items()}


def _lower_set(values: list[str]) -> list[str]:
    # Keep the order the file gives (readable diffs) but drop duplicates.
    return list(dict.fromkeys(v.strip().lower() for v in values if v.strip()))


class LanguageProfile(BaseModel):
    """The words and forms of one language. Field names are a contract between modules and
    the profile files of every language; new fields get defaults so old files still load."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="ISO 639-1 code, the file name without '.yaml'.")
    name: str = Field(description="The language's English name.")
    scripts: list[str] = Field(description="Unicode scripts the language is written in.")
    stemmer: str | None = Field(description="PyStemmer algorithm name, or null.")
    lemmatizer: str | None = Field(description="simplemma language code, or null.")
    endings: list[str] = Field(
        default_factory=list,
        description="Inflection endings the lexical tokeniser strips when the language has "
        "neither a stemmer nor a lemmatiser (lower-case).",
    )
    sentence_splitter: Literal["punkt", "razdel", "pysbd"]
    punkt_language: str | None = Field(
        default=None, description="NLTK punkt model name when sentence_splitter is 'punkt'."
    )
    abbreviations: list[str] = Field(
        default_factory=list,
        description="Lower-case, without the trailing dot: never end a sentence when a "
        "lower-case word, a number or punctuation follows ('3 дек. 2024').",
    )
    head_abbreviations: list[str] = Field(
        default_factory=list,
        description="Lower-case, without the trailing dot: abbreviations that stand before "
        "what they qualify (a title, a street, a house: 'вул. Леніна', 'проф. Иванов'): never "
        "end a sentence, whatever follows (razdel profiles).",
    )
    closing_abbreviations: list[str] = Field(
        default_factory=list,
        description="Lower-case, without the final dot: abbreviations that close a phrase "
        "('і г.д', 'и т.н'): a capital after them starts a new sentence (razdel profiles).",
    )
    stopwords: list[str] = Field(default_factory=list, description="Function words (lower).")
    scaffold_words: list[str] = Field(
        default_factory=list,
        description="Words (lower, may be stems) that frame a question without naming its topic.",
    )
    question_words: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Answer kind -> lower-case phrases that ask for it. The kind of a question "
        "is the one whose phrase comes first; 'yesno' phrases count only as the first word.",
    )
    kind_nouns: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Answer kind -> head nouns that ask for it after a generic question word "
        "('what was the total *value* of' asks for an amount).",
    )
    head_noun_first: bool = Field(
        default=False,
        description="The noun asked about opens the question's first phrase ('Какая *сумма* "
        "...', 'Какие *компании* получили штраф'): only its first two words (an adjective and "
        "its noun) are read for kind_nouns, not the last word as in English.",
    )
    kind_noun_forms: bool = Field(
        default=False,
        description="Match kind_nouns in any form by lemma and stem ('по какой *цене*': "
        "'цена' is listed), for languages whose nouns decline by case or take an article "
        "ending. Off for English, where a plural is another sense as often ('public "
        "*figures*') and the forms that ask are listed.",
    )
    identify_words: list[str] = Field(
        default_factory=list,
        description="Question words that ask to pick out one named thing ('which'): a "
        "question opening with one asks for a name unless a phrase or head noun says "
        "another kind (lower-case).",
    )
    identify_words_singular: bool = Field(
        default=False,
        description="The identify_words are singular forms agreeing with their noun ('какой', "
        "'коя'; the plural 'какие' is not one): a question opening with one asks for one named "
        "thing whatever the noun's case. Without this the noun's number is read from its "
        "lemma ('which architect' asks for one, 'which architects' for several).",
    )
    plural_phrases: list[str] = Field(
        default_factory=list,
        description="Question phrases that ask for several names ('who are the', 'which of'): "
        "the answer is every name the evidence gives, not one of them (lower-case).",
    )
    attribute_pattern: str | None = Field(
        default=None,
        description="Regex with a group 'attr': the thing a 'what is the X of' question asks "
        "for. Matched case-insensitively.",
    )
    total_words: list[str] = Field(
        default_factory=list, description="Phrases asking for a sum ('in total', 'combined')."
    )
    negations: list[str] = Field(default_factory=list)
    hedges: list[str] = Field(default_factory=list)
    months: dict[str, int] = Field(
        default_factory=dict,
        description="Every written form (cases, abbreviations; lower-case) -> month 1..12.",
    )
    weekdays: list[str] = Field(default_factory=list)
    number_words: dict[str, int] | str = Field(
        default_factory=dict,
        description="Word -> value, or the text2num language code that parses them.",
    )
    scales: dict[str, float] = Field(
        default_factory=dict, description="Scale word or abbreviation (lower) -> multiplier."
    )
    currencies: dict[str, str] = Field(
        default_factory=dict, description="Symbol or word (lower) -> ISO 4217 code."
    )
    percent_words: list[str] = Field(default_factory=list)
    decimal_separators: list[str] = Field(default_factory=lambda: ["."])
    group_separators: list[str] = Field(default_factory=lambda: [","])
    titles: list[str] = Field(
        default_factory=list, description="Honorifics and ranks as written (case kept)."
    )
    name_stopwords: list[str] = Field(
        default_factory=list,
        description="Capitalised words (as written) that start sentences but name nothing.",
    )
    name_connectors: list[str] = Field(
        default_factory=list, description="Lower-case words allowed inside a name ('van', 'of')."
    )
    name_prefixes: list[str] = Field(
        default_factory=list,
        description="Hyphenated name prefixes ('al-Assad'): lower-case, without the hyphen.",
    )
    year_prefixes: list[str] = Field(
        default_factory=list, description="Words that may precede a year ('mid-2015')."
    )
    date_prepositions: list[str] = Field(
        default_factory=list,
        description="Words after which a month alone is a date ('in December').",
    )
    measure_units: list[str] = Field(
        default_factory=list, description="Units glued to a number that keep it a count ('10km')."
    )
    measure_nouns: dict[str, list[str]] = Field(
        default_factory=dict,
        description="The unit vocabulary: class of measure (time, length, mass, area, volume, "
        "data, speed, power, energy, degree, point, multiple) -> the words of its units "
        "('месяц', 'minutes', 'т'). A number followed by one measures: it counts no thing "
        "(rag.measure) and is no year ('2048 bits'). Listed forms are matched as written by "
        "the number rules (measure_words); rag.measure finds the other forms by stem and lemma.",
    )
    country_names: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Names of countries the ISO catalogue (pycountry) does not give in this "
        "language, by ISO 3166 alpha-2 code ('US': ['США'], 'RU': ['Россия']): the "
        "abbreviations and short names texts use (rag.exonyms). As written.",
    )
    counted_kinds: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Nouns that count the same kind of people though a bilingual dictionary "
        "does not say so (it gives 'collaborator' for 'сотрудник', not 'employee'): kind "
        "(people, staff, children) -> its nouns in this language, as lemmas. A count of a "
        "noun of a kind the question's counted noun accepts (COUNTED_KINDS) counts what it "
        "asks about (rag.counted).",
    )
    year_nouns: list[str] = Field(
        default_factory=list,
        description="Words after a number that make it a year ('2020 год', '2020 г.'), though "
        "some are units of time too ('5 лет'): the number before them is no measure "
        "(lower-case; rag.measure finds their other forms by stem and lemma).",
    )
    degree_words: list[str] = Field(
        default_factory=list,
        description="Words that with an adjective after them ask for a measure ('how deep', "
        "'how long'): the answer is a number with a unit or a bare one, never a count of "
        "another thing (lower-case).",
    )
    percent_questions: list[str] = Field(
        default_factory=list,
        description="Words of a question asking for a percentage ('what percentage', 'by what "
        "percent'): a percentage answers it, not an amount or a count (lower-case).",
    )
    mass_questions: list[str] = Field(
        default_factory=list,
        description="Question phrases asking for a quantity of what is not counted ('how "
        "much' before a noun: 'how much work'): across languages a sum or a measure answers "
        "('19,3 млн руб.' of work), not a count of another thing nor a share (lower-case).",
    )
    cost_words: list[str] = Field(
        default_factory=list,
        description="Verbs of an amount question asking what something cost ('cost', "
        "'paid', 'стоил', 'струва'), in the forms a question writes them: money answers it, "
        "never a percentage (lower-case).",
    )
    leader_questions: list[str] = Field(
        default_factory=list,
        description="Phrases of a person question asking who leads something ('who heads', "
        "'in charge of', 'во главе'): a person bound to a leader's title answers it, not a "
        "deputy (lower-case; one word is matched by stem and lemma, a phrase as written).",
    )
    role_frames: list[str] = Field(
        default_factory=list,
        description="Words between a who-question's phrase and the role it asks for ('holds "
        "the post of', 'занимает пост'): the role is the noun after them, not the verb "
        "(lower-case, as written).",
    )
    leader_titles: list[str] = Field(
        default_factory=list,
        description="Nouns and verbs that make a person the leader of something ('chairman', "
        "'mayor', 'led', 'директор') (lower-case; matched by stem and lemma).",
    )
    deputy_words: list[str] = Field(
        default_factory=list,
        description="Words making a leader's title a deputy's ('deputy', 'vice', 'заместитель') "
        "(lower-case; matched by stem and lemma).",
    )
    agent_suffixes: list[str] = Field(
        default_factory=list,
        description="Endings that make a noun of the one who does a verb ('winner' of 'win', "
        "'investor' of 'invest'): such a noun meets the question's verb (lower-case; read "
        "with the word-class dictionary, so only where the profile has one).",
    )
    apposed_figure_nouns: list[str] = Field(
        default_factory=list,
        description="Head nouns a bare figure set off by commas after a name answers "
        "('what is Jaden Smith's *age*': 'Jaden, 25, and Willow, 22'), as news write "
        "ages (lower-case).",
    )
    joined_figure_nouns: list[str] = Field(
        default_factory=list,
        description="Head nouns a dash-joined figure answers ('what was the *score*': "
        "'won 23-20'): a sentence holding one meets that noun (lower-case).",
    )
    coordinators: list[str] = Field(
        default_factory=list,
        description="Words joining nouns of one phrase ('fraud and conspiracy counts'): the "
        "counted noun after 'how many' runs on through them (lower-case).",
    )
    verb_lexicon: Literal["lemminflect"] | None = Field(
        default=None,
        description="Word-class dictionary telling verb forms ('filed', 'agree') from nouns, "
        "so the thing a number counts stops before its verb: 'lemminflect' (English) or null.",
    )
    header_keys: list[str] = Field(
        default_factory=list,
        description="Lower-case 'key:' names of metadata lines (title, date, from, subject).",
    )
    header_roles: dict[str, list[str]] = Field(
        default_factory=dict,
        description="What an email header line answers: its lower-case key ('from') and the "
        "words a question asks it with ('sent', 'wrote', 'author').",
    )
    required_qualifiers: list[str] = Field(
        default_factory=list,
        description="Words that, in a question, pick out one value among several of the same "
        "thing ('default'; lower-case): the evidence must say it too ('the default value is "
        "10'); a value given under a condition or a setting is another one.",
    )
    frequency_questions: list[str] = Field(
        default_factory=list,
        description="Question phrases asking how often something happens ('how often'; "
        "lower-case): a frequency answers ('at least once a month'), not a count.",
    )
    frequency_words: list[str] = Field(
        default_factory=list,
        description="Words stating a frequency ('once', 'twice', 'monthly', 'annually'; "
        "lower-case, every form): a sentence holding one answers a frequency question.",
    )
    enclosed_header_roles: list[str] = Field(
        default_factory=list,
        description="Words a question asks about a message enclosed in another with ('the "
        "message that bounced', 'the original message'; lower-case): the header lines of a "
        "returned, quoted or forwarded message answer them, the outer message's do not.",
    )
    notice_topics: list[str] = Field(
        default_factory=list,
        description="Lower-case words a question asks about a notice itself with ('copyright'):"
        " then copyright and licence lines are evidence, not boilerplate.",
    )
    boilerplate: list[str] = Field(
        default_factory=list,
        description="Lower-case phrases marking lines that are not facts (licences, "
        "copyright, navigation).",
    )
    approximators: list[str] = Field(
        default_factory=list,
        description="Hedges that soften a number, not a claim ('about', 'nearly'): a claim "
        "and its quote need not agree on them.",
    )
    dictionaries: dict[str, str] = Field(
        default_factory=dict,
        description="Language code -> a bilingual dictionary from this language into that one, "
        "in dictd format: the path of its files without their extension (.index, .dict.dz). "
        "Its nouns match the question's nouns across languages (rag.lexicon); the other "
        "direction reads it inverted. A missing file leaves the pair to the embedding alone.",
    )
    organisation_words: list[str] = Field(
        default_factory=list,
        description="Generic words for a company or organisation ('company', 'фирма', "
        "'ООО'): across languages a question asking for one by such a word is answered by "
        "a name any of the other language's binds to (rag.named), whichever the dictionary "
        "pairs with it ('firm' is 'фирма' there, the source says 'компания').",
    )
    trade_nouns: list[str] = Field(
        default_factory=list,
        description="Nouns naming a company by its trade ('contractor', 'developer', "
        "'застройщик'): across languages a name bound to a generic company word ('компанія "
        "«X»') may answer 'which contractor', judged by the embedding rather than ruled out "
        "by the dictionary (rag.named).",
    )
    place_adjective_endings: list[str] = Field(
        default_factory=list,
        description="Endings that make an adjective of a place name ('гомельской' of "
        "'Гомель'): a name the question gives as an adjective is no answer to it; a "
        "capitalised one names the place across languages ('Костромской области' holds "
        "'Kostroma', rag.crosslang_match).",
    )
    apertium: dict[str, str] = Field(
        default_factory=dict,
        description="Language code -> an Apertium pair translating from that language into "
        "this one, as '<folder>/<pair>' (its .automorf.bin and .autobil.bin): with no "
        "dictionary into this language, a dictionary into that one is carried on through it "
        "(rag.lexicon_apertium: English -> Russian -> Ukrainian).",
    )
    related: list[str] = Field(
        default_factory=list,
        description="Languages close enough to this one that a word shared by both is "
        "written recognisably alike ('колония' / 'калонія'): with no bilingual dictionary into "
        "this language, one into a related language serves, its translations found here by "
        "their consonant skeletons (rag.lexicon.related_match).",
    )
    dictionary_aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Words a bilingual dictionary gives another sense than they have in a "
        "question, looked up as these instead: Bulgarian 'колко души' counts people, where the "
        "dictionary's 'душа' is a soul (rag.lexicon).",
    )
    gloss_heads: list[str] = Field(
        default_factory=list,
        description="Generic words a bilingual dictionary opens a definition with, not a "
        "translation ('человек, страдающий апоплексией' for 'apoplectic'): before a longer "
        "phrase in one sense, they are dropped when the dictionary is read (rag.lexicon_dictd).",
    )
    place_prepositions: list[str] = Field(
        default_factory=list,
        description="Words before a place ('in', 'at'): a where-question's answer is a name "
        "after one when the sentence has such a name (lower-case).",
    )
    recipient_prepositions: list[str] = Field(
        default_factory=list, description="Words before who got something ('to')."
    )
    source_prepositions: list[str] = Field(
        default_factory=list, description="Words before who gave something ('from')."
    )
    agent_prepositions: list[str] = Field(
        default_factory=list,
        description="Words before the doer of a passive verb ('sent by Belarus').",
    )
    give_verbs: list[str] = Field(
        default_factory=list,
        description="Verbs whose subject gives ('send', 'sent'); compared after stemming.",
    )
    receive_verbs: list[str] = Field(
        default_factory=list,
        description="Verbs whose subject gets ('receive', 'bought'); compared after stemming.",
    )
    clause_breaks: list[str] = Field(
        default_factory=list,
        description="Words that start a new clause with its own polarity ('but', 'while').",
    )
    condition_words: list[str] = Field(
        default_factory=list,
        description="Words opening a conditional clause ('if', 'unless'; lower-case): a value "
        "in that clause is the condition ('If the value is 0, ...'), not what the sentence "
        "states; only strictly conditional words ('when' also dates an event).",
    )
    order_words: dict[str, Literal["before", "after"]] = Field(
        default_factory=dict,
        description="Words joining two reported events by their order ('before', 'after'; "
        "lower-case): a yes/no answer about such a claim compares the reports' dates.",
    )
    measure_links: list[str] = Field(
        default_factory=list,
        description="Words between a value and what it measures ('$219 million worth of net "
        "income', '12% of the vote').",
    )
    auxiliaries: list[str] = Field(
        default_factory=list,
        description="Auxiliary and adverb words between a subject and its verb ('has', 'also').",
    )
    passive_auxiliaries: list[str] = Field(
        default_factory=list,
        description="Auxiliaries that make a participle after them passive ('was carried "
        "off'): a who-question asking so wants the one it happened to, not the doer.",
    )
    not_negations: list[str] = Field(
        default_factory=list,
        description="Phrases with a negation word that negate nothing ('no doubt', 'not only').",
    )
    reporting_verbs: list[str] = Field(
        default_factory=list,
        description="Words that attribute a statement ('said', 'according'): an attributed "
        "claim agrees with a quote that hedges it as claimed or alleged.",
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Fixed answer phrases: yes, no, not_say, total, closest.",
    )

    @field_validator(
        "abbreviations",
        "head_abbreviations",
        "closing_abbreviations",
        "stopwords",
        "scaffold_words",
        "total_words",
        "negations",
        "hedges",
        "weekdays",
        "percent_words",
        "name_connectors",
        "name_prefixes",
        "year_prefixes",
        "date_prepositions",
        "measure_units",
        "year_nouns",
        "degree_words",
        "percent_questions",
        "mass_questions",
        "trade_nouns",
        "cost_words",
        "role_frames",
        "leader_questions",
        "leader_titles",
        "deputy_words",
        "joined_figure_nouns",
        "apposed_figure_nouns",
        "agent_suffixes",
        "coordinators",
        "header_keys",
        "boilerplate",
        "notice_topics",
        "approximators",
        "recipient_prepositions",
        "source_prepositions",
        "agent_prepositions",
        "give_verbs",
        "receive_verbs",
        "clause_breaks",
        "condition_words",
        "measure_links",
        "auxiliaries",
        "passive_auxiliaries",
        "not_negations",
        "reporting_verbs",
    )
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return _lower_set([v.rstrip(".") if v.endswith(".") else v for v in values])

    @field_validator("months")
    @classmethod
    def _month_range(cls, values: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in values.items() if not 1 <= v <= 12}
        if bad:
            raise ValueError(f"months must map to 1..12: {bad}")
        return {k.lower(): v for k, v in values.items()}

    @field_validator("question_words", "kind_nouns")
    @classmethod
    def _lower_phrases(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        return _lower_keyed(values, ANSWER_KINDS, "answer kinds")

    @field_validator("measure_nouns")
    @classmethod
    def _measure_classes(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        return _lower_keyed(values, MEASURE_CLASSES, "measure classes")

    @field_validator("country_names")
    @classmethod
    def _country_codes(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        bad = [code for code in values if not (len(code) == 2 and code.isalpha())]
        if bad:
            raise ValueError(f"country_names keys must be ISO 3166 alpha-2 codes: {bad}")
        return {code.upper(): names for code, names in values.items()}

    @field_validator("counted_kinds")
    @classmethod
    def _counted_kinds(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        return _lower_keyed(values, tuple(COUNTED_KINDS), "counted kinds")

    @field_validator("scales", "currencies")
    @classmethod
    def _lower_keys(cls, values: dict[str, object]) -> dict[str, object]:
        return {k.lower(): v for k, v in values.items()}

    @functools.cached_property
    def measure_words(self) -> frozenset[str]:
        """Every unit word of ``measure_nouns`` as listed, whatever its class: the flat view
        the number rules match after a figure ("2048 bits", "35 minutes")."""
        return frozenset(w for words in self.measure_nouns.values() for w in words)

    def label(self, key: str, default: str) -> str:
        """A fixed answer phrase in this language, or ``default`` if the profile lacks it."""
        return self.labels.get(key, default)


class _WordLoader(yaml.SafeLoader):
    """YAML without YAML 1.1's implicit booleans: in a word list "no", "yes", "on" and "off"
    are words (Norwegian's "no" is a language code), never True/False."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def available_languages() -> list[str]:
    """Codes of the bundled profiles, sorted."""
    folder = resources.files(__name__)
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and not entry.name.startswith("_")
    )


def writes_latin(code: str) -> bool:
    """Is language ``code`` written in Latin letters? False for a language with no profile."""
    try:
        return "Latin" in get_profile(code).scripts
    except UnknownLanguage:
        return False


def get_profile(code: str = "en") -> LanguageProfile:
    """The profile of language ``code`` (cached; the code is case-insensitive). An unknown
    code raises :class:`UnknownLanguage` naming the languages that exist."""
    return _load((code or "").strip().lower())


@functools.cache
def _load(code: str) -> LanguageProfile:
    available = available_languages()
    if code not in available:
        raise UnknownLanguage(
            f"no language profile {code!r}; available: {', '.join(available) or 'none'}"
        )
    raw = resources.files(__name__).joinpath(f"{code}.yaml").read_text(encoding="utf-8")
    data = yaml.load(raw, Loader=_WordLoader)
    if not isinstance(data, dict):
        raise UnknownLanguage(f"language profile {code!r} is not a mapping")
    profile = LanguageProfile.model_validate(data)
    if profile.code != code:
        raise UnknownLanguage(f"language profile file {code}.yaml says code {profile.code!r}")
    return profile
