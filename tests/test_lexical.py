"""BM25 segments: incremental equals a full build, stale or corrupt caches are rebuilt, never
fatal, and a reader sees other processes' writes at its next question."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import lexical
from index.lexical import ChunkRow, LexicalIndex

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "How many Konkurs systems were transferred?",
    "missiles Bulgaria Saudi Arabia",
    "Who reported on the arms trade?",
    "Belarus population",
]


def _corpus() -> dict[str, list[str]]:
    """Documents of real sentences: each sample paragraph a document, cut into chunks."""
    docs: dict[str, list[str]] = {}
    for path in sorted((ROOT / "samples").glob("*")):
        paragraphs = [p for p in path.read_text(errors="ignore").split("\n\n") if len(p) > 80]
        for i, paragraph in enumerate(paragraphs[:40]):
            words = paragraph.split()
            docs[f"{path.stem[:8]}-{i}"] = [
                " ".join(words[j : j + 25]) for j in range(0, len(words), 20)
            ]
    return docs


class Fetcher:
    def __init__(self, docs: dict[str, list[str]], hashes: dict[str, str]) -> None:
        self.docs, self.hashes, self.asked = docs, hashes, []  # type: ignore[var-annotated]

    def __call__(self, doc_ids: list[str]) -> list[ChunkRow]:
        self.asked.extend(doc_ids)
        return [
            (d, self.hashes[d], None, f"{d}-{self.hashes[d]}-{i:05d}", text)
            for d in doc_ids
            for i, text in enumerate(self.docs[d])
        ]


def _results(index: LexicalIndex) -> list[dict[str, float]]:
    return [{c: s for c, _, s in index.search(q, 50)} for q in QUESTIONS]


def _full(tmp: Path, docs: dict[str, list[str]], hashes: dict[str, str]) -> LexicalIndex:
    index = LexicalIndex(tmp, "store-a")
    index.sync(dict(hashes), Fetcher(docs, hashes))
    return index


def _assert_same(a: list[dict[str, float]], b: list[dict[str, float]]) -> None:
    assert [sorted(r) for r in a] == [sorted(r) for r in b]
    for ra, rb in zip(a, b, strict=True):
        assert all(ra[c] == pytest.approx(rb[c], rel=1e-5) for c in ra)


def test_incremental_equals_full_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical, "MAX_SEGMENTS", 3)  # force merges too
    docs = _corpus()
    names = sorted(docs)
    assert len(names) >= 12
    hashes = {d: "h1" for d in names}
    index = LexicalIndex(tmp_path / "inc", "store-a")
    live: dict[str, str] = {}
    fetch = Fetcher(docs, hashes)
    for step in range(0, len(names), 3):  # documents arrive a few at a time
        live.update({d: "h1" for d in names[step : step + 3]})
        index.sync(dict(live), fetch)
    # One document changes (new content), one is removed.
    changed, removed = names[1], names[2]
    docs[changed] = ["Konkurs systems were transferred to Bulgaria in large numbers"]
    hashes[changed] = live[changed] = "h2"
    del live[removed]
    index.sync(dict(live), fetch)
    assert len(index.segments) <= 3
    expected = {d: hashes[d] for d in live}
    full = _full(tmp_path / "full", docs, expected)
    _assert_same(_results(index), _results(full))
    assert any(_results(index)), "the questions must hit something"
    assert all(removed not in c for r in _results(index) for c in r)
    # A new reader of the saved incremental index loads it instead of tokenizing again.
    again = LexicalIndex(tmp_path / "inc", "store-a")
    fetch_again = Fetcher(docs, hashes)
    again.sync(dict(live), fetch_again)
    assert fetch_again.asked == []
    _assert_same(_results(again), _results(full))


def test_a_writers_update_reads_no_saved_matrix_and_equals_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an ingest the writer indexes only what no segment holds, reading the saved
    segments' document lists, never their matrices (one file into a big store stays cheap);
    a reader then scores exactly as an index built from scratch."""
    docs = _corpus()
    names = sorted(docs)
    hashes = {d: "h1" for d in names}
    first = {d: "h1" for d in names[:-3]}
    LexicalIndex(tmp_path / "inc", "store-a").update(first, Fetcher(docs, hashes))
    # Two documents added, one changed, one removed (one the questions hit): the writer
    # never loads a segment.
    before = _results(_full(tmp_path / "old", docs, first))
    hit = sorted({c.rsplit("-", 2)[0] for r in before for c in r} - {names[0]})
    changed, removed = names[0], hit[0]
    docs[changed] = ["Konkurs systems were transferred to Bulgaria in large numbers"]
    hashes[changed] = "h2"
    live = {d: hashes[d] for d in names[:-1] if d != removed}

    def no_load(*_: object) -> None:
        raise AssertionError("a writer's update loaded a whole segment")

    monkeypatch.setattr(lexical.Segment, "load", no_load)
    fetch = Fetcher(docs, hashes)
    LexicalIndex(tmp_path / "inc", "store-a").update(dict(live), fetch)
    assert sorted(fetch.asked) == sorted([changed, *names[-3:-1]])
    monkeypatch.undo()
    reader = LexicalIndex(tmp_path / "inc", "store-a")
    fetch_reader = Fetcher(docs, hashes)
    reader.sync(dict(live), fetch_reader)
    assert fetch_reader.asked == []  # the writer left nothing to tokenize
    full = _full(tmp_path / "full", docs, live)
    _assert_same(_results(reader), _results(full))
    assert any(_results(reader))
    assert not any(c.startswith(f"{removed}-h1-") for r in _results(reader) for c in r)


def test_a_first_index_is_built_in_bounded_segments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk texts are read and tokenized a bounded number at a time (a million chunks are
    never all in memory): several segments, scoring as one."""
    monkeypatch.setattr(lexical, "BUILD_ROWS", 40)
    monkeypatch.setattr(lexical, "_FETCH_DOCS", 5)
    docs = _corpus()
    hashes = {d: "h1" for d in docs}
    index = LexicalIndex(tmp_path / "small", "store-a")
    index.sync(dict(hashes), Fetcher(docs, hashes))
    assert len(index.segments) > 1
    assert max(s.size for s in index.segments) < 40 + 5 * max(len(c) for c in docs.values())
    monkeypatch.setattr(lexical, "BUILD_ROWS", 10**9)
    _assert_same(_results(index), _results(_full(tmp_path / "one", docs, hashes)))


def test_corrupt_or_foreign_cache_is_rebuilt(tmp_path: Path) -> None:
    docs = _corpus()
    hashes = {d: "h1" for d in docs}
    good = _results(_full(tmp_path / "ref", docs, hashes))
    folder = tmp_path / "bm25"
    _full(folder, docs, hashes)
    for segment in folder.glob("seg-*.npz"):  # truncated by a crash or a full disk
        segment.write_bytes(segment.read_bytes()[:100])
    fetch = Fetcher(docs, hashes)
    index = LexicalIndex(folder, "store-a")
    index.sync(dict(hashes), fetch)
    assert sorted(fetch.asked) == sorted(docs)
    _assert_same(_results(index), good)
    (folder / "index.json").write_text("{not json")
    index = LexicalIndex(folder, "store-a")
    index.sync(dict(hashes), Fetcher(docs, hashes))
    _assert_same(_results(index), good)
    # Another store's index (a rebuilt store gets a new id) is never loaded.
    fetch = Fetcher(docs, hashes)
    other = LexicalIndex(folder, "store-b")
    other.sync(dict(hashes), fetch)
    assert sorted(fetch.asked) == sorted(docs)


def test_truncated_bm25_files_never_fail_retrieval(sample_store: Path, tmp_path: Path) -> None:
    from index.settings import get_settings
    from index.store import Store
    from rag.retrieve import Retriever

    store_dir = tmp_path / "store"
    shutil.copytree(sample_store, store_dir)
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    store = Store(get_settings(store=store_dir))
    reference = Retriever(store).retrieve(question)
    assert any(p.bm25_rank for p in reference)
    for path in (store_dir / "bm25").iterdir():
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    after = Retriever(Store(get_settings(store=store_dir))).retrieve(question)
    assert [(p.chunk_id, p.bm25_rank) for p in after] == [
        (p.chunk_id, p.bm25_rank) for p in reference
    ]


def test_reader_sees_other_writers_at_next_question(tmp_path: Path) -> None:
    from index.ingest import ingest
    from index.settings import get_settings
    from index.store import Store
    from rag.retrieve import Retriever

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The harbour of Varna handled grain exports in spring.\n")
    settings = get_settings(store=tmp_path / "store")
    ingest([docs], settings)
    reader = Retriever(Store(settings))
    question = "zirconium smelter Plovdiv"
    assert not any(p.bm25_rank for p in reader.retrieve(question))
    (docs / "b.txt").write_text("A zirconium smelter opened near Plovdiv in 2019.\n")
    ingest([docs], settings)  # another Store object: as another process would write
    hits = reader.retrieve(question)
    assert hits[0].bm25_rank == 1 and "zirconium" in hits[0].text
