"""The answering pipeline: question -> retrieve -> evidence -> compose -> verify, timed.

Orchestration only: each stage lives in its own module with a typed record between them
(rag.question.Question, rag.records.Passage, rag.evidence.Evidence/Assessment,
rag.compose.extractive.Composition, rag.records.Answer).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from index.languages import get_profile
from rag import crosslang
from rag.compose import render
from rag.decline import assumed, decline_text
from rag.doc_names import unnamed_documents
from rag.evidence import (
    Evidence,
    Unit,
    WordSimilarity,
    asks_about_notices,
    assess,
    assess_without_vote,
    embed_units,
    score_units,
    units,
)
from rag.question import Question, analyze
from rag.records import Answer, Passage, StreamEvent
from rag.retrieve import Filters, Retriever
from rag.verify import check_sentence

if TYPE_CHECKING:
    from rag.llm import LLM

log = logging.getLogger(__name__)

__all__ = [
    "NOT_SAY",
    "answer_question",
    "answer_to_text",
    "question_language",
    "select_evidence",
]

NOT_SAY = get_profile("en").label("not_say", "The sources do not say")


def select_evidence(
    q: Question, passages: Sequence[Passage], retriever: Retriever, premise_gaps: bool = False
) -> list[Evidence]:
    """Every clean unit of the passages scored against the question; best first."""
    texts: dict[str, str] = {}
    found: dict[tuple[str, int], Unit] = {}
    notices = asks_about_notices(q.text, q.language)
    for passage in passages:
        if passage.doc_id not in texts:
            texts[passage.doc_id] = retriever.store.document_text(passage.doc_id)
        # a sentence is split by its own language's rules ("млн." does not end one)
        language = crosslang.unit_language(q, passage)
        for unit in units(passage, texts[passage.doc_id], language, notices):
            # Overlapping chunks repeat sentences; a chunk ending inside a sentence cuts it
            # ("... 42,7 млн." of "... 42,7 млн. лв."): the whole one is kept.
            key = (passage.doc_id, unit.start)
            if key not in found or unit.end > found[key].end:
                found[key] = unit
    candidates = list(found.values())
    if not candidates:
        return []
    # Units in another language than the question are scored by rag.crosslang (embedding
    # similarity and language-independent anchors); the others as always. Each by the
    # model serving its pair of languages, with that model's calibrated thresholds (a store
    # of several models, index/models.py; a store of one: its model for all).
    same, cross = crosslang.partition(q, candidates)
    by_model: dict[str, list[Unit]] = {}
    for unit in cross:
        by_model.setdefault(retriever.serving(q.language, unit.passage.language), []).append(unit)
    ranked: list[Evidence] = []
    for model, group in by_model.items():
        ranked += crosslang.score_units(
            q, group, retriever.settings_of(model), retriever.embedder_of(model)
        )
    if same:
        model = retriever.serving(q.language, q.language)
        embedder, settings = retriever.embedder_of(model), retriever.settings_of(model)
        similarities = embed_units(embedder, q.text, [u.matched for u in same])
        scored = score_units(
            q,
            same,
            [float(s) for s in similarities],
            settings,
            premise_gaps,
            WordSimilarity(embedder, settings.evidence_amount_thing_similarity),
        )
        # a name asked about a place or body a document never names is not in that document
        # (rag.doc_names; across languages rag.crosslang weighs the names itself)
        unnamed = unnamed_documents(q, same, texts.__getitem__, retriever.documents())
        penalty = settings.evidence_penalty
        ranked += sorted(
            (
                replace(e, score=e.score * penalty, has_entities=False)
                if e.unit.passage.doc_id in unnamed
                else e
                for e in scored
            ),
            key=lambda e: -e.score,
        )
    if cross:
        ranked.sort(key=lambda e: -e.score)
    return ranked


def premise_gaps(
    question: str,
    passages: Sequence[Passage],
    retriever: Retriever,
    filters: Filters,
    language: str = "en",
) -> list[str]:
    """Figures and names the question takes for granted that the sources do not contain.

    Checked first against the retrieved passages, then each candidate is searched for on its
    own: a multi-document question names things the top passages may not hold, and telling a
    reader "the sources do not say X" when another document does would be a false statement.
    """
    missing = check_sentence(question, [p.text for p in passages], language).missing
    gaps = []
    for item in missing:
        found = retriever.retrieve(item, top_k=8, filters=filters, language=language)
        if not check_sentence(item, [p.text for p in found], language).ok:
            gaps.append(item)
    return gaps


def question_language(question: str) -> str:
    """The question's language among those with a profile; English when it cannot be told."""
    from rag.question import question_language as detect

    return detect(question)


def _decline(q: Question, passages: Sequence[Passage], missing: str = "") -> Answer:
    topic = q.text.rstrip("?").strip()
    text = decline_text(q.language, topic, q.kind == "yesno", missing, bool(passages))
    return Answer(
        question=q.text, text=text, abstained=True, closest=list(passages[:3]), kind=q.kind
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
    language: str | None = None,
) -> Iterator[StreamEvent]:
    """Yield text deltas (LLM back-ends) and finally the verified answer. ``language``: the
    question's (ISO 639-1); detected when not given."""
    from rag.compose.extractive import compose

    timings: dict[str, float] = {}
    t = time.perf_counter()
    q = analyze(question, language or question_language(question))
    timings["question"] = time.perf_counter() - t
    # the thresholds the evidence is weighed with: those of the model serving the question's
    # own language (the store's settings for a store of one model)
    settings = retriever.settings_of(retriever.serving(q.language, q.language))
    if not q.text:
        empty = Answer(
            question="", text=f"{NOT_SAY} anything: the question is empty.", abstained=True
        )
        empty.backend = backend
        yield StreamEvent("answer", answer=empty)
        return

    t = time.perf_counter()
    passages = retriever.retrieve(q.text, top_k=top_k, filters=filters, language=q.language)
    # The evidence may be in another language than the question (rag.crosslang).
    evidence_passages = crosslang.other_language_passages(q, passages, retriever, filters)
    timings["retrieve"] = time.perf_counter() - t

    t = time.perf_counter()
    gaps = premise_gaps(q.text, passages, retriever, filters, q.language) if passages else []
    if gaps and crosslang.mixed(q, passages):
        gaps = crosslang.value_gaps_only(gaps)
    ranked = select_evidence(q, evidence_passages, retriever, premise_gaps=bool(gaps))
    assessment = assess(q, ranked, settings)
    if assessment.vote is not None and any(len(g.split()) > 1 and g[:1].isupper() for g in gaps):
        # The vote trusts the question's description of the documents; a person or body of
        # several words the question names that no source names means it does not fit them.
        assessment = assess_without_vote(q, ranked, settings)
    picked = assessment.picked
    timings["evidence"] = time.perf_counter() - t

    answer: Answer
    # A yes/no verdict may rest on two quotes, one per clause, that no single sentence
    # joins: the extractive composer looks for them among the best sentences.
    yes_no_pool = ranked[: settings.yes_no_pool] if llm is None and q.kind == "yesno" else []
    if not picked and not yes_no_pool:
        answer = _decline(q, passages, assessment.missing)
    else:
        t = time.perf_counter()
        notes: list[str] = []
        if llm is None:
            composition = compose(
                crosslang.question_for(q, picked),
                picked,
                settings.yes_no_coverage,
                assessment.vote,
                pool=yes_no_pool,
                document_text=retriever.store.document_text,
            )
            sentences, citations = composition.sentences, composition.citations
            notes = composition.notes
        else:
            from rag.compose.llm import INSUFFICIENT, parse, prompt

            chunks: list[str] = []
            for delta in llm.stream(prompt(q.text, picked)):
                chunks.append(delta)
                yield StreamEvent("delta", text=delta)
            output = "".join(chunks).strip()
            timings["generate"] = time.perf_counter() - t
            t = time.perf_counter()
            if output.upper().startswith(INSUFFICIENT):
                sentences, citations = [], []
            else:
                sentences, citations, notes = parse(output, picked, q)
        notes += crosslang.notes(q, picked, extractive=llm is None)
        if not sentences:
            answer = _decline(q, passages)
            answer.notes = notes
        else:
            text = render(sentences)
            if gaps:
                missing = ", ".join(f"“{g}”" for g in gaps)
                text = assumed(q.language, missing, text)
            answer = Answer(
                question=q.text,
                text=text,
                abstained=False,
                citations=citations,
                sentences=sentences,
                notes=notes,
                kind=q.kind,
            )
        timings["compose"] = time.perf_counter() - t
    note = model_note(q, retriever, filters)
    if note:
        answer.notes.append(note)
    answer.backend = backend
    timings["total"] = time.perf_counter() - started
    answer.timings = {k: round(v, 4) for k, v in timings.items()}
    if llm is None:
        yield StreamEvent("delta", text=answer.text)
    yield StreamEvent("answer", answer=answer)


def model_note(q: Question, retriever: Retriever, filters: Filters) -> str | None:
    """A note when some documents the question searched are in another language than the
    question and the store's embedding model is not known to match texts across those two
    (index/model_languages.py): the answer may have missed what they hold."""
    from collections import Counter

    from index.model_languages import question_note

    counts = Counter(d.language for d in retriever.documents().values() if filters.admits(d))
    return question_note(retriever.settings.embed_model, q.language, counts)


def answer_to_text(answer: Answer, show_quotes: bool = True) -> str:
    """A plain-text rendering for terminals."""
    lines = [answer.text]
    for note in answer.notes:
        lines.append(f"note: {note}")
    if show_quotes:
        for c in answer.citations:
            page = f", {c.ocr_label}" if c.ocr else (f", p. {c.page}" if c.page else "")
            date = c.date + (" (file date)" if c.date_origin == "file" else "")
            shown = c.display or c.quote
            lines.append(f"[{c.n}] {c.title} ({date}{page}): “{shown}”\n    {c.source}")
        for p in answer.closest:
            lines.append(f"- closest: {p.title} ({p.date}): “{_short(p.text)}”")
    return "\n".join(lines)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
