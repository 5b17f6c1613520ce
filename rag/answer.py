"""Answering stages: evidence -> compose (extractive or LLM) -> cite -> verify.

Evidence first: sentences are picked from the retrieved passages before anything is written,
and every answer sentence may only cite those sentences. The extractive back-end answers with
the sentences themselves; an LLM may only rephrase them, and each of its sentences is checked
(numbers, dates, names must be in the quotes it cites) before the user sees it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from index.sentences import sentence_spans
from rag.normalize import extract_dates, extract_names, extract_quantities, fold
from rag.records import Answer, AnswerSentence, Citation, Passage
from rag.retrieve import Filters, Retriever
from rag.verify import check_sentence

if TYPE_CHECKING:
    from rag.api import StreamEvent
    from rag.llm import LLM

log = logging.getLogger(__name__)

NOT_SAY = "The sources do not say"

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u0400-\u04FF][\w'’-]*")
_MARKERS = re.compile(r"\s*(\[\d+\])+")
_MARKER_NUM = re.compile(r"\[(\d+)\]")

# Words that say what kind of answer is wanted: the evidence must contain one.
_WANTS_NUMBER = re.compile(
    r"\b(how (many|much)|what (number|amount|percentage|share|sum|value|price)|worth|cost)\b",
    re.I,
)
_WANTS_DATE = re.compile(r"\b(when|what (date|day|year|month)|which (date|day|year|month))\b", re.I)
_WANTS_NAME = re.compile(
    r"\b(who|whom|whose|where|which (company|person|organi[sz]ation|group|city|country|town)"
    r"|what (is|was) the name)\b",
    re.I,
)
# "What was the unit price of ...": the attribute asked for must be in the evidence.
_ATTRIBUTE = re.compile(
    r"\b(?:what|which)\s+(?:is|was|are|were)\s+(?:the\s+)?(?P<attr>[\w\s'’-]{2,40}?)\s+"
    r"(?:of|for|in|behind)\b",
    re.I,
)
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
_WANTS_TOTAL = re.compile(r"\b(in total|total|combined|altogether|in all|sum|together)\b", re.I)

# Function words and question scaffolding: they say nothing about the topic.
_STOP = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "about",
    "into", "over", "under", "and", "or", "but", "not", "no", "is", "are", "was", "were",
    "be", "been", "being", "do", "does", "did", "done", "has", "have", "had", "having",
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much",
    "that", "this", "these", "those", "it", "its", "they", "them", "their", "there", "here",
    "as", "than", "then", "so", "such", "can", "could", "would", "should", "will", "shall",
    "may", "might", "must", "said", "say", "says", "tell", "told", "according", "sources",
    "source", "document", "documents", "text", "article", "report", "reports", "mention",
    "mentioned", "give", "given", "any", "some", "all", "each", "other", "more", "most",
    "also", "just", "only", "very", "s", "he", "she", "his", "her", "him", "i", "you", "we",
    "our", "us", "me", "my", "your", "between", "among", "up", "out", "million", "billion",
    "thousand", "hundred", "euro", "euros", "dollar", "dollars", "percent"
}  # fmt: skip
# Words that frame a question without naming what it is about.
_SCAFFOLD = {
    "name", "call", "number", "amount", "kind", "type", "year", "date", "day", "time",
    "happen", "exact", "specif", "go", "went", "gone", "send", "sent", "get", "got", "make",
    "made", "take", "took", "come", "came", "use", "becom", "becam", "do", "did",
}  # fmt: skip


# Evidence scoring, tuned on the sample facts (`rag eval`): similarity carries paraphrase,
# term coverage carries exact wording; a sentence missing the asked-for kind or topic keeps
# PENALTY of its score; sentences within WINDOW of the best one join the answer.
SIMILARITY_WEIGHT = 0.65
COVERAGE_WEIGHT = 0.35
PENALTY = 0.6
PARAPHRASE_PENALTY = 0.85
WINDOW = 0.12


@dataclass(frozen=True)
class Evidence:
    """A candidate sentence: an exact span of a document."""

    passage: Passage
    start: int
    end: int
    text: str
    score: float
    similarity: float
    coverage: float


_STEMMERS = threading.local()


def _stemmer() -> Any:
    # PyStemmer objects are not thread-safe: one per thread (UI workers, ask_many).
    import Stemmer

    if not hasattr(_STEMMERS, "stemmer"):
        _STEMMERS.stemmer = Stemmer.Stemmer("english")
    return _STEMMERS.stemmer


def _terms(text: str) -> set[str]:
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    return set(_stemmer().stemWords([w for w in words if w and w not in _STOP]))


def _focus_terms(question: str) -> set[str]:
    """The question's content words that are not names: what it asks *about* the names.

    "What is the population of Belarus?" -> {popul}. Evidence that mentions Belarus but not
    the population does not answer it, however similar it is.
    """
    name_words = " ".join(extract_names(question))
    return _terms(question) - _terms(name_words) - _SCAFFOLD


def _sentences(passage: Passage, document_text: str) -> list[tuple[int, int, str]]:
    out = []
    for a, b in sentence_spans(document_text, passage.start, passage.end):
        raw = document_text[a:b]
        # Trim to the visible sentence: the quote must still be an exact span.
        lead = len(raw) - len(raw.lstrip())
        a, b = a + lead, a + len(raw.rstrip())
        if b - a >= 12:
            out.append((a, b, document_text[a:b]))
    return out


def _wants(question: str) -> str | None:
    """The kind of answer asked for, from the question word that comes first ("Where was he
    when he said ..." asks for a place, not a date)."""
    found = [
        (match.start(), kind)
        for kind, pattern in (
            ("number", _WANTS_NUMBER),
            ("date", _WANTS_DATE),
            ("name", _WANTS_NAME),
        )
        if (match := pattern.search(question))
    ]
    return min(found)[1] if found else None


def _has_new(text: str, kind: str | None, question: str) -> bool:
    """Does the sentence hold something of the wanted kind that the question does not already
    say? "How many ... in 2015?" is not answered by a sentence whose only number is 2015."""
    if kind == "number":
        asked = {q.value for q in extract_quantities(question)}
        return any(
            (q.unit is not None or not _is_year(q.value)) and q.value not in asked
            for q in extract_quantities(text)
        )
    if kind == "date":
        asked_dates = {(d.year, d.month, d.day) for d in extract_dates(question)}
        return any((d.year, d.month, d.day) not in asked_dates for d in extract_dates(text))
    if kind == "name":
        folded = fold(question)
        return any(fold(name) not in folded for name in extract_names(text))
    return True


def _attribute_terms(question: str) -> set[str]:
    match = _ATTRIBUTE.search(question)
    return _terms(match.group("attr")) - _SCAFFOLD if match else set()


def _is_year(value: Decimal) -> bool:
    return value == value.to_integral_value() and 1800 <= value <= 2100


def select_evidence(
    question: str, passages: Sequence[Passage], retriever: Retriever, premise_gaps: bool = False
) -> list[Evidence]:
    """Score every sentence of the passages against the question; best first."""
    import numpy as np

    texts: dict[str, str] = {}
    candidates: list[tuple[Passage, int, int, str]] = []
    seen: set[tuple[str, int]] = set()
    for passage in passages:
        if passage.doc_id not in texts:
            texts[passage.doc_id] = retriever.store.document_text(passage.doc_id)
        for a, b, text in _sentences(passage, texts[passage.doc_id]):
            if (passage.doc_id, a) not in seen:  # overlapping chunks repeat sentences
                seen.add((passage.doc_id, a))
                candidates.append((passage, a, b, text))
    if not candidates:
        return []
    embedder = retriever.embedder
    question_vector = embedder.embed_query(question)
    vectors = embedder.embed_documents([c[3] for c in candidates])
    similarities = vectors @ question_vector
    wanted_terms = _terms(question)
    kind = _wants(question)
    focus = _focus_terms(question)
    attribute = _attribute_terms(question)
    scored: list[Evidence] = []
    for (passage, a, b, text), similarity in zip(candidates, np.asarray(similarities), strict=True):
        terms = _terms(text)
        coverage = len(wanted_terms & terms) / len(wanted_terms) if wanted_terms else 0.0
        score = SIMILARITY_WEIGHT * float(similarity) + COVERAGE_WEIGHT * coverage
        if not _has_new(text, kind, question):
            score *= PENALTY  # "how many" is not answered by a sentence without a number
        if (focus and not focus & terms) or (attribute and not attribute & terms):
            # About the right names, but not about what the question asks. When the question
            # rests on a false premise, what the sources say instead is a paraphrase ("arms
            # deal" for "sent ... worth"): a close one is penalised less.
            score *= PARAPHRASE_PENALTY if premise_gaps and similarity >= 0.6 else PENALTY
        scored.append(Evidence(passage, a, b, text, score, float(similarity), coverage))
    scored.sort(key=lambda e: -e.score)
    return scored


def _pick(evidence: list[Evidence], threshold: float, most: int) -> list[Evidence]:
    """The best sentences, close to the best one, without repeats."""
    if not evidence or evidence[0].score < threshold:
        return []
    best = evidence[0].score
    picked: list[Evidence] = []
    for e in evidence:
        if len(picked) >= most or e.score < max(threshold, best - WINDOW):
            break
        if any(e.text == p.text for p in picked):
            continue
        picked.append(e)
    return picked


def _premise_gaps(
    question: str, passages: Sequence[Passage], retriever: Retriever, filters: Filters
) -> list[str]:
    """Figures and names the question takes for granted that the sources do not contain.

    Checked first against the retrieved passages, then each candidate is searched for on its
    own: a multi-document question names things the top passages may not hold, and telling a
    reader "the sources do not say X" when another document does would be a false statement.
    """
    missing = check_sentence(question, [p.text for p in passages]).missing
    gaps = []
    for item in missing:
        found = retriever.retrieve(item, top_k=8, filters=filters)
        if not check_sentence(item, [p.text for p in found]).ok:
            gaps.append(item)
    return gaps


def _citation(n: int, e: Evidence) -> Citation:
    p = e.passage
    page, ocr_confidence = p.locate(e.start)
    return Citation(
        n=n,
        doc_id=p.doc_id,
        source=p.source,
        title=p.title,
        date=p.date,
        date_origin=p.date_origin,
        quote=e.text,
        start=e.start,
        end=e.end,
        score=round(e.score, 4),
        page=page if page is not None else p.page,
        ocr=ocr_confidence is not None,
        ocr_confidence=ocr_confidence,
        content_hash=p.content_hash,
    )


def _sum_sentence(question: str, picked: list[Evidence]) -> str | None:
    """Arithmetic the reader asked for ("in total"), shown with its operands."""
    # Only counts are summed ("how many ... in total"); a "total value" is quoted, not added.
    if not (_WANTS_TOTAL.search(question) and _HOW_MANY.search(question)) or not picked:
        return None
    top = picked[0].text
    counts = [q for q in extract_quantities(top) if q.unit is None and not _is_year(q.value)]
    if len(counts) < 2:
        return None
    operands = " + ".join(q.text for q in counts)
    total = sum((q.value for q in counts), Decimal(0))
    result = f"{total.normalize():f}"
    return f"In total: {operands} = {result}"


def _compose_extractive(
    question: str, picked: list[Evidence]
) -> tuple[list[AnswerSentence], list[Citation]]:
    citations = [_citation(i + 1, e) for i, e in enumerate(picked)]
    sentences = [AnswerSentence(e.text, (i + 1,)) for i, e in enumerate(picked)]
    total = _sum_sentence(question, picked)
    if total:
        sentences.append(AnswerSentence(total, (1,)))
    return sentences, citations


def _render(sentences: Sequence[AnswerSentence]) -> str:
    return " ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}".strip() for s in sentences)


_SYSTEM = (
    "You answer questions for a journalist using ONLY the numbered quotes given. "
    "Never use outside knowledge. Write 1 to 4 short sentences. End every sentence with the "
    "numbers of the quotes that support it, like [1] or [1][3]. Copy every number, amount, "
    "date and name exactly as the quotes write them. If you add numbers, show the sum with "
    "its operands (136 + 80 = 216). If the quotes do not answer the question, reply exactly: "
    "INSUFFICIENT"
)


def _prompt(question: str, picked: Sequence[Evidence]) -> list[dict[str, str]]:
    quotes = "\n".join(
        f"[{i + 1}] ({e.passage.title}, {e.passage.date}) {e.text}" for i, e in enumerate(picked)
    )
    return [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": f"Quotes:\n{quotes}\n\nQuestion: {question}"},
    ]


def _best_supporting(sentence: str, picked: Sequence[Evidence]) -> tuple[int, ...]:
    words = _terms(sentence)
    best: tuple[float, int] | None = None
    for n, e in enumerate(picked, start=1):
        overlap = len(words & _terms(e.text)) / len(words) if words else 0.0
        if overlap >= 0.5 and check_sentence(sentence, [e.text]).ok:
            best = max(best or (overlap, n), (overlap, n))
    return (best[1],) if best else ()


_LEADING_MARKERS = re.compile(r"^\s*((?:\[\d+\])+)\s*")
_AFTER_MARKERS = re.compile(r"(?<=\])\s+(?=[A-Z\u00C0-\u024F\u0400-\u04FF])")


def _llm_sentences(output: str) -> list[str]:
    """Sentences of model output, each with its own markers.

    Models put markers after the full stop ("... 2015. [1] Next") or run sentences together
    after a marker ("... 2015 [1] Next"); both must stay with the sentence they close.
    """
    sentences: list[str] = []
    for a, b in sentence_spans(output) if output.strip() else []:
        piece = output[a:b]
        leading = _LEADING_MARKERS.match(piece)
        if leading and sentences:
            sentences[-1] += " " + leading.group(1)
            piece = piece[leading.end() :]
        sentences.extend(p for p in _AFTER_MARKERS.split(piece) if p.strip())
    return sentences


def _parse_llm(
    output: str, picked: Sequence[Evidence]
) -> tuple[list[AnswerSentence], list[Citation], list[str]]:
    """Split LLM output into sentences, keep valid markers, verify each sentence.

    Markers the model invents are dropped; a sentence without a valid marker is dropped; a
    sentence whose numbers, dates or names are not in its quotes is replaced by those quotes.
    """
    notes: list[str] = []
    kept: list[tuple[str, tuple[int, ...]]] = []
    for raw in _llm_sentences(output):
        numbers = tuple(
            dict.fromkeys(int(n) for n in _MARKER_NUM.findall(raw) if 1 <= int(n) <= len(picked))
        )
        text = _MARKERS.sub("", raw).strip()
        if not text:
            continue
        if not numbers:
            # Small models often forget markers. Attach the quote that carries the sentence
            # (most shared words, and it passes the same check), and say so; else drop it.
            numbers = _best_supporting(text, picked)
            if not numbers:
                notes.append(f"Dropped a sentence with no valid citation: “{text}”")
                continue
            notes.append(f"The model gave no citation; [{numbers[0]}] was matched by the verifier.")
        check = check_sentence(text, [picked[n - 1].text for n in numbers])
        if check.ok:
            kept.append((text, numbers))
        else:
            notes.append(f"Replaced a sentence by the passage it cited ({check.reason}): “{text}”")
            for n in numbers:
                if all(picked[n - 1].text != k[0] for k in kept):
                    kept.append((picked[n - 1].text, (n,)))
    # Renumber citations 1..m in order of first use.
    order: dict[int, int] = {}
    for _, numbers in kept:
        for n in numbers:
            order.setdefault(n, len(order) + 1)
    citations = [_citation(new, picked[old - 1]) for old, new in order.items()]
    sentences = [AnswerSentence(t, tuple(order[n] for n in ns)) for t, ns in kept]
    return sentences, citations, notes


def _abstain(question: str, passages: Sequence[Passage], reason: str) -> Answer:
    return Answer(
        question=question,
        text=f"{NOT_SAY} {reason}",
        abstained=True,
        closest=list(passages[:3]),
    )


def answer_question(
    question: str,
    *,
    retriever: Retriever,
    llm: LLM | None,
    backend: str,
    top_k: int | None,
    filters: Filters,
    started: float,
) -> Iterator[StreamEvent]:
    """Yield text deltas (LLM back-ends) and finally the verified answer."""
    from rag.api import StreamEvent

    settings = retriever.settings
    timings: dict[str, float] = {}
    question = question.strip()
    if not question:
        empty = _abstain(question, [], "anything: the question is empty.")
        empty.backend = backend
        yield StreamEvent("answer", answer=empty)
        return

    t = time.perf_counter()
    passages = retriever.retrieve(question, top_k=top_k, filters=filters)
    timings["retrieve"] = time.perf_counter() - t

    t = time.perf_counter()
    gaps = _premise_gaps(question, passages, retriever, filters) if passages else []
    ranked = select_evidence(question, passages, retriever, premise_gaps=bool(gaps))
    picked = _pick(ranked, settings.min_evidence_score, settings.max_evidence)
    timings["evidence"] = time.perf_counter() - t

    answer: Answer
    if not picked:
        answer = _abstain(question, passages, _topic_phrase(question, bool(passages)))
    else:
        t = time.perf_counter()
        notes: list[str] = []
        if llm is None:
            sentences, citations = _compose_extractive(question, picked)
        else:
            messages = _prompt(question, picked)
            chunks: list[str] = []
            for delta in llm.stream(messages):
                chunks.append(delta)
                yield StreamEvent("delta", text=delta)
            output = "".join(chunks).strip()
            timings["generate"] = time.perf_counter() - t
            t = time.perf_counter()
            if output.upper().startswith("INSUFFICIENT"):
                sentences, citations = [], []
            else:
                sentences, citations, notes = _parse_llm(output, picked)
        if not sentences:
            answer = _abstain(question, passages, _topic_phrase(question, bool(passages)))
            answer.notes = notes
        else:
            text = _render(sentences)
            if gaps:
                missing = ", ".join(f"“{g}”" for g in gaps)
                text = f"{NOT_SAY} what the question assumes ({missing}). What they say: {text}"
            answer = Answer(
                question=question,
                text=text,
                abstained=False,
                citations=citations,
                sentences=sentences,
                notes=notes,
            )
        timings["verify"] = time.perf_counter() - t
    answer.backend = backend
    timings["total"] = time.perf_counter() - started
    answer.timings = {k: round(v, 4) for k, v in timings.items()}
    if llm is None:
        yield StreamEvent("delta", text=answer.text)
    yield StreamEvent("answer", answer=answer)


def _topic_phrase(question: str, closest: bool) -> str:
    topic = question.rstrip("?").strip()
    shown = " Closest passages are shown below." if closest else ""
    return f"this: “{topic}”.{shown}"


def answer_to_text(answer: Answer, show_quotes: bool = True) -> str:
    """A plain-text rendering for terminals."""
    lines = [answer.text]
    for note in answer.notes:
        lines.append(f"note: {note}")
    if show_quotes:
        for c in answer.citations:
            page = f", {c.ocr_label}" if c.ocr else (f", p. {c.page}" if c.page else "")
            date = c.date + (" (file date)" if c.date_origin == "file" else "")
            lines.append(f"[{c.n}] {c.title} ({date}{page}): “{c.quote}”\n    {c.source}")
        for p in answer.closest:
            lines.append(f"- closest: {p.title} ({p.date}): “{_short(p.text)}”")
    return "\n".join(lines)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
