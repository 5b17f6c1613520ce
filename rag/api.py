"""The public Python API: open a store, ask questions one at a time or in batches.

from rag import open_store
rag = open_store("~/my-index")
answer = rag.ask("How many Konkurs systems went to the U.S.?")
print(answer.text)
for c in answer.citations:
    print(c.n, c.title, c.date, c.quote)
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.records import IngestSummary, StoredDocument
from index.settings import Backend, Settings, get_settings
from rag.records import Answer, Citation, CitedText, StreamEvent

if TYPE_CHECKING:
    from rag.check import ClaimCheck

log = logging.getLogger(__name__)


class RAG:
    """One index and everything needed to answer from it. Thread-safe."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        create: bool = True,
        llm: Any = None,
        **overrides: Any,
    ) -> None:
        from index.store import Store
        from rag.retrieve import Retriever

        self.settings = settings or get_settings(**overrides)
        # create=False: a missing store is an error (the CLI's ask), not a new empty index.
        self.store = Store(self.settings, create=create)
        # A store built with another model than the default answers with that model and its
        # evidence calibration (index/calibration.py).
        self.settings = self.store.settings
        self.retriever = Retriever(self.store)
        self._llms: dict[str, Any] = {}
        self._llm_lock = threading.Lock()
        if llm is not None:
            # A llama-index LLM object the caller built: it is the "llm" back-end, and the
            # default one unless the settings chose another explicitly.
            from rag.llm import wrap_llm

            self._llms["llm"] = wrap_llm(llm, self.settings)
            if "backend" not in self.settings.model_fields_set:
                self.settings = self.settings.model_copy(update={"backend": "llm"})

    # ------------------------------------------------------------------ sources
    def sources(self) -> list[StoredDocument]:
        """Documents indexed, sorted by source."""
        return self.store.documents()

    def incomplete(self) -> str | None:
        """One line saying why answers may miss documents now (a rebuild interrupted or
        under way), or None. Answers still come from what is indexed."""
        return self.store.incomplete()

    def document_text(self, doc_id: str) -> str:
        """The extracted text that citation offsets point into."""
        return self.store.document_text(doc_id)

    def cited_text(
        self, citation: Citation | Mapping[str, Any], context: int | None = None
    ) -> CitedText:
        """A citation's quote in its document as it is now, with ``context`` characters
        either side (default ``settings.ui_context_chars``); status "changed" when the
        document was re-indexed with other content since the citation was made."""
        from rag.cited import cited_text

        width = self.settings.ui_context_chars if context is None else context
        return cited_text(self.store, citation, width)

    def ingest(
        self, paths: Sequence[str | Path], progress: bool = False, prune: bool = False
    ) -> IngestSummary:
        """Index files or folders into this store (same rules as ``rag ingest``; ``prune``
        lets a missing path or an empty folder remove its documents)."""
        from index.ingest import ingest

        return ingest([Path(p) for p in paths], self.settings, progress=progress, prune=prune)

    def remove(self, paths: Sequence[str | Path]) -> list[str]:
        """Remove files (or folders) from the index; returns the files removed."""
        from index.ingest import remove

        removed, _unknown = remove([Path(p) for p in paths], self.settings)
        return removed

    # ------------------------------------------------------------------ llama-index
    def as_retriever(
        self,
        *,
        top_k: int | None = None,
        sources: Sequence[str] = (),
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Any:
        """This index as a llama-index ``BaseRetriever``: nodes carry doc id, source, title,
        date, page and exact character offsets (``metadata["start"]``/``["end"]``)."""
        from rag.llama_bridge import CiteRetriever

        return CiteRetriever(
            self, top_k=top_k, sources=tuple(sources), date_from=date_from, date_to=date_to
        )

    def as_query_engine(self, **options: Any) -> Any:
        """A llama-index query engine whose response is our verified answer, with its
        citations (exact quotes) as ``source_nodes``; options as for :meth:`ask`."""
        from rag.llama_bridge import CiteQueryEngine

        return CiteQueryEngine(self, **options)

    # ------------------------------------------------------------------ evidence
    def evidence_record(self, answer: Answer) -> dict[str, Any]:
        """``answer`` as an evidence record: quotes, offsets, file hashes, settings (see
        docs/evidence.md); the answer time is now."""
        from rag.evidence_file import evidence_record

        return evidence_record(self, answer)

    def write_evidence(self, path: str | Path, records: Sequence[dict[str, Any]]) -> Path:
        """Write evidence records to ``path`` as .json, .csv or .md (by its extension)."""
        from rag.evidence_file import write_evidence

        target = Path(path)
        write_evidence(target, self, list(records))
        return target

    # ------------------------------------------------------------------ answers
    def _llm(self, backend: Backend) -> Any:
        if backend == "extractive":
            return None
        with self._llm_lock:
            if backend not in self._llms:
                from rag.llm import make_llm

                self._llms[backend] = make_llm(
                    self.settings.model_copy(update={"backend": backend})
                )
            return self._llms[backend]

    def stream(
        self,
        question: str,
        *,
        backend: Backend | None = None,
        top_k: int | None = None,
        sources: Sequence[str] = (),
        date_from: str | None = None,
        date_to: str | None = None,
        languages: Sequence[str] = (),
    ) -> Iterator[StreamEvent]:
        """Answer a question, yielding text deltas while generating, then the final answer.

        ``sources``, ``date_from``/``date_to`` and ``languages`` (ISO 639-1 codes of the
        documents' languages, e.g. ``["ru", "be"]``) restrict the documents searched.
        """
        from rag.pipeline import answer_question
        from rag.question import question_language
        from rag.retrieve import Filters

        backend = backend or self.settings.backend
        started = time.perf_counter()
        filters = Filters(
            tuple(sources), date_from, date_to, tuple(code.strip().lower() for code in languages)
        )
        for event in answer_question(
            question,
            retriever=self.retriever,
            llm=self._llm(backend),
            backend=backend,
            top_k=top_k,
            filters=filters,
            started=started,
            language=question_language(question, candidates=self.settings.languages),
        ):
            if event.kind == "answer" and event.answer is not None and event.answer.abstained:
                note = _filter_note(filters)
                if note and note not in event.answer.notes:
                    # "The sources do not say" is about the filtered sources only: say so.
                    event.answer.notes.append(note)
            yield event

    def ask(self, question: str, **options: Any) -> Answer:
        """Answer one question (options as for :meth:`stream`)."""
        final: Answer | None = None
        for event in self.stream(question, **options):
            if event.kind == "answer":
                final = event.answer
        assert final is not None  # answer_question always ends with an answer event
        return final

    def ask_many(
        self,
        questions: Sequence[str],
        concurrency: int = 2,
        on_done: Callable[[int, Answer], None] | None = None,
        **options: Any,
    ) -> list[Answer]:
        """Answer many questions; results in input order. A question that fails gives an
        Answer with ``error`` set, and the others go on. ``on_done(index, answer)`` is called
        as each one finishes (for progress bars)."""

        def one(index: int, question: str) -> Answer:
            try:
                answer = self.ask(question, **options)
            except Exception as exc:
                log.warning("question failed: %s: %s", question, exc)
                answer = Answer(
                    question=question,
                    text="",
                    abstained=True,
                    backend=str(options.get("backend") or self.settings.backend),
                    error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                )
            if on_done is not None:
                on_done(index, answer)
            return answer

        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            return list(pool.map(one, range(len(questions)), questions))

    # ------------------------------------------------------------------ claims
    def check(
        self,
        claim: str,
        *,
        claim_id: str | None = None,
        top_k: int | None = None,
        sources: Sequence[str] = (),
        date_from: str | None = None,
        date_to: str | None = None,
        languages: Sequence[str] = (),
    ) -> ClaimCheck:
        """Is ``claim`` supported, contradicted or not found in the sources? The result has
        ``verdict``, ``reason``, ``citations`` (exact quotes), ``contradicting`` (quotes that
        say otherwise) and ``closest`` (when not found). ``sources``, the dates and
        ``languages`` (ISO 639-1 codes of the documents' languages) restrict the documents
        searched, as for ``ask``."""
        from rag.check import check_claim
        from rag.question import question_language
        from rag.retrieve import Filters

        return check_claim(
            claim,
            self.retriever,
            top_k=top_k,
            filters=Filters(
                tuple(sources),
                date_from,
                date_to,
                tuple(code.strip().lower() for code in languages),
            ),
            lang=question_language(claim, candidates=self.settings.languages),
            claim_id=claim_id,
        )

    def check_many(
        self,
        claims: Sequence[str],
        ids: Sequence[str | None] = (),
        concurrency: int = 2,
        on_done: Callable[[int, ClaimCheck], None] | None = None,
        **options: Any,
    ) -> list[ClaimCheck]:
        """``check`` for many claims; results in input order. A claim that fails gives a
        ClaimCheck with ``error`` set (verdict not_found), and the others go on."""
        from rag.check import ClaimCheck

        def one(index: int, claim: str) -> ClaimCheck:
            claim_id = ids[index] if index < len(ids) else None
            try:
                result = self.check(claim, claim_id=claim_id, **options)
            except Exception as exc:
                log.warning("claim failed: %s: %s", claim, exc)
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                result = ClaimCheck(claim, "not_found", message, id=claim_id, error=message)
            if on_done is not None:
                on_done(index, result)
            return result

        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            return list(pool.map(one, range(len(claims)), claims))

    async def aask(self, question: str, **options: Any) -> Answer:
        """``ask`` without blocking the event loop."""
        return await asyncio.to_thread(self.ask, question, **options)

    async def aask_many(
        self, questions: Sequence[str], concurrency: int = 2, **options: Any
    ) -> list[Answer]:
        """``ask_many`` without blocking the event loop."""
        return await asyncio.to_thread(self.ask_many, questions, concurrency, None, **options)

    async def astream(self, question: str, **options: Any) -> AsyncIterator[StreamEvent]:
        """``stream`` as an async iterator (generation runs in a worker thread)."""
        queue: asyncio.Queue[StreamEvent | BaseException | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def produce() -> None:
            try:
                for event in self.stream(question, **options):
                    loop.call_soon_threadsafe(queue.put_nowait, event)
            except BaseException as exc:
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        worker = loop.run_in_executor(None, produce)
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
        await worker


def _filter_note(filters: Any) -> str | None:
    """What a search was limited to, as a note for an answer that found nothing."""
    parts = []
    if filters.sources:
        parts.append("sources matching " + ", ".join(f"“{s}”" for s in filters.sources))
    if filters.date_from and filters.date_to:
        parts.append(f"documents dated {filters.date_from} to {filters.date_to}")
    elif filters.date_from:
        parts.append(f"documents dated on or after {filters.date_from}")
    elif filters.date_to:
        parts.append(f"documents dated on or before {filters.date_to}")
    if filters.languages:
        parts.append("documents in " + ", ".join(filters.languages))
    if not parts:
        return None
    return f"A filter was on: only {' and '.join(parts)} were searched."


def open_store(
    store: str | Path | None = None, *, create: bool = True, llm: Any = None, **settings: Any
) -> RAG:
    """Open (or, with ``create``, start) the index at ``store``; other settings by keyword
    (see :class:`index.settings.Settings`). ``llm`` is any llama-index LLM object (e.g.
    ``llama_index.llms.ollama.Ollama(model="llama3.1")``); it then writes the answers, and
    our verification still decides what is shown."""
    return RAG(get_settings(store=store, **settings), create=create, llm=llm)
