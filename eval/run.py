"""Running an evaluation: open (or build) a store, ask every question, score the answers."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eval.facts import FactQuestion
from eval.metrics import QuestionResult, evaluate_answer
from eval.summary import EvalReport, Thresholds, summarize
from rag import RAG, open_store, progress

log = logging.getLogger(__name__)

DEFAULT_FACTS = Path(__file__).parent / "data" / "sample_facts.yaml"


class InputError(Exception):
    """Something the user gave (or the checkout lacks) that an evaluation cannot run on."""


def samples_folder(repo: Path | None = None) -> Path:
    """The repository's ``samples/`` folder, next to the packages (not installed with them)."""
    folder = (repo or Path(__file__).resolve().parents[1]) / "samples"
    if not folder.is_dir() or not any(folder.iterdir()):
        raise InputError(
            f"sample sources not found at {folder} (they ship with the repository, not the "
            "package); pass --store DIR with an index of them"
        )
    return folder


@contextmanager
def eval_store(
    store: str | Path | None, ingest: Sequence[Path] = (), **settings: Any
) -> Iterator[RAG]:
    """``store`` opened as-is after ingesting ``ingest`` into it, or, without ``store``, a
    temporary index of ``ingest`` that is deleted afterwards."""
    with _store_folder(store) as folder:
        rag = open_store(folder, **settings)
        if ingest:
            started = time.perf_counter()
            summary = rag.ingest(list(ingest))
            if summary.failed:
                first = summary.failed[0]
                raise InputError(
                    f"{len(summary.failed)} file(s) could not be indexed, e.g. {first.source}: "
                    f"{first.error}"
                )
            log.info(
                "indexed %s: %d added, %d unchanged in %.1fs",
                ", ".join(map(str, ingest)),
                summary.added,
                summary.unchanged,
                time.perf_counter() - started,
            )
        if not rag.sources():
            raise InputError(f"the store {folder} holds no documents; ingest some first")
        yield rag


@contextmanager
def _store_folder(store: str | Path | None) -> Iterator[Path]:
    if store is not None:
        yield Path(store)
        return
    # Chroma may still hold files open at exit; a leftover temp file must not fail the run.
    with tempfile.TemporaryDirectory(prefix="rag-eval-", ignore_cleanup_errors=True) as tmp:
        yield Path(tmp)


def retrieved_sources(rag: RAG, question: str, k: int) -> list[str]:
    """Sources of the top-k passages, in rank order (duplicates kept: ranks matter)."""
    return [p.source for p in rag.retriever.retrieve(question, top_k=k)]


def run_eval(
    rag: RAG,
    questions: Sequence[FactQuestion],
    *,
    backend: str | None = None,
    k: int | None = None,
    thresholds: Thresholds | None = None,
    concurrency: int = 2,
    meta: dict[str, Any] | None = None,
) -> EvalReport:
    """Ask every question, check retrieval at k, and score the answers."""
    k = k or rag.settings.top_k
    options: dict[str, Any] = {"backend": backend} if backend else {}
    started = time.perf_counter()
    # Retrieval first, one question at a time: it measures recall on its own and loads the
    # models and indexes before the concurrent asks start.
    retrieved = [retrieved_sources(rag, q.question, k) if q.source else None for q in questions]
    with progress(len(questions), "eval", "question") as bar:
        answers = rag.ask_many(
            [q.question for q in questions],
            concurrency=concurrency,
            on_done=lambda *_: bar.update(),
            **options,
        )
    log.info("answered %d questions in %.1fs", len(answers), time.perf_counter() - started)
    results: list[QuestionResult] = [
        evaluate_answer(question, answer, rag.document_text, sources)
        for question, answer, sources in zip(questions, answers, retrieved, strict=True)
    ]
    info = {
        "backend": backend or rag.settings.backend,
        "store": str(rag.settings.store),
        "documents": len(rag.sources()),
        "seconds": round(time.perf_counter() - started, 2),
        **(meta or {}),
    }
    return summarize(results, k, thresholds, info)
