"""BM25 over the stored chunks, kept in segments that are added to, never rebuilt whole.

Layout of ``<store>/bm25``: ``index.json`` names the store it belongs to (the store's id, so a
rebuilt store never loads the old index), the tokenizer's version and the list of segments;
each segment (``seg-<uuid>.npz``) holds the chunks of some documents as a term-by-chunk
count matrix, with the documents it covers keyed by ``(doc_id, content_hash)``.

Readers sync with the manifest, not with a counter: a document whose key no segment holds
gets a new segment (only its chunks are tokenized), a segment row whose document is gone or
changed is masked out, and statistics (document frequencies, average length) are summed over
live rows at query time, so the scores equal those of one index built from scratch. Small
segments are merged without tokenizing again. A segment that cannot be read (truncated,
corrupt, other format) is dropped and its documents indexed again: the cache is never fatal.

One segment (building, merging, saving, loading) is :mod:`index.lexical_segments`; this
module keeps a store's segments in sync with its manifest and searches them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.lexical_segments import (
    _TOKENIZE_LOCK,
    FORMAT,
    ChunkRow,
    DocKey,
    Segment,
    build_segment,
    merge_segments,
)
from index.tokenize import TOKENIZER_VERSION, tokenize

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

__all__ = [
    "BUILD_ROWS",
    "FORMAT",
    "MAX_SEGMENTS",
    "ChunkRow",
    "DocKey",
    "LexicalIndex",
    "Segment",
    "build_segment",
    "lexical_key",
    "merge_segments",
    "open_lexical",
    "refresh",
]

MAX_SEGMENTS = 8  # beyond this, the smaller segments are merged into one
BUILD_ROWS = 150_000  # chunks per new segment (memory of one build; a million chunks: 7)
_FETCH_DOCS = 500  # documents per read of chunk texts


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[bool]:
    """Yields whether this process may write the folder (one writer at a time)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(folder / "lock"), timeout=30)
    try:
        lock.acquire()
    except Timeout:  # another process holds it too long: go on in memory, save nothing
        log.warning("BM25 lock busy: this process keeps its index in memory")
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


class LexicalIndex:
    """BM25 over the live chunks of one store, synced with the manifest on :meth:`sync`."""

    def __init__(
        self,
        folder: Path,
        store_id: str,
        *,
        k1: float = 1.5,
        b: float = 0.75,
        tokenizer: Callable[[str, str | None], list[str]] = tokenize,
        tokenizer_version: str = TOKENIZER_VERSION,
    ) -> None:
        self.folder = folder
        self.store_id = store_id
        self.k1, self.b = k1, b
        self.tokenizer = tokenizer
        self.tokenizer_version = tokenizer_version
        self.segments: list[Segment] = []
        self._live: list[np.ndarray] = []
        self._df_cache: dict[str, float] = {}
        self.total = 0
        self.avg_length = 0.0

    # ---------------------------------------------------------------- sync
    def _header(self) -> dict[str, Any]:
        return {"format": FORMAT, "store_id": self.store_id, "tokenizer": self.tokenizer_version}

    def _read_list(self) -> list[str]:
        try:
            saved = json.loads((self.folder / "index.json").read_text())
            if {k: saved.get(k) for k in self._header()} != self._header():
                log.info("BM25 index in %s belongs to another store or tokenizer", self.folder)
                return []
            return [str(s) for s in saved["segments"]]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def _write_list(self, names: list[str] | None = None) -> None:
        names = [s.name for s in self.segments] if names is None else names
        tmp = self.folder / f".index.{uuid.uuid4().hex[:6]}.json"
        tmp.write_text(json.dumps({**self._header(), "segments": names}))
        tmp.replace(self.folder / "index.json")

    def sync(self, live_docs: dict[str, str], fetch: Callable[[list[str]], list[ChunkRow]]) -> None:
        """Bring the index to the manifest's documents (``doc_id -> content_hash``); ``fetch``
        reads the chunk rows of the given documents (one consistent read)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _locked(self.folder) as owner:
                self._sync(live_docs, fetch, save=owner)
        except OSError as exc:
            log.warning("BM25 index in %s not saved (%s): kept in memory", self.folder, exc)
            self._sync(live_docs, fetch, save=False)

    def _sync(
        self, live_docs: dict[str, str], fetch: Callable[[list[str]], list[ChunkRow]], save: bool
    ) -> None:
        names = self._read_list() if save else [s.name for s in self.segments]
        loaded = {s.name: s for s in self.segments}
        segments: list[Segment] = []
        for name in names:
            segment = loaded.get(name)
            if segment is None:
                try:
                    segment = Segment.load(self.folder, name)
                except Exception as exc:  # truncated, corrupt, foreign: index its docs again
                    log.warning("BM25 segment %s unreadable (%s): rebuilt", name, exc)
                    continue
            segments.append(segment)
        covered: set[DocKey] = set()
        for segment in segments:
            covered.update(segment.docs)
        segments += self._build_missing(live_docs, covered, fetch, save)
        self._set(segments, live_docs)
        if len(self.segments) > MAX_SEGMENTS:
            self._merge_small(live_docs, save)
        if save:
            self._write_list()
            self._remove_unlisted()

    def _build_missing(
        self,
        live_docs: dict[str, str],
        covered: set[DocKey],
        fetch: Callable[[list[str]], list[ChunkRow]],
        save: bool,
    ) -> list[Segment]:
        """New segments for the live documents no segment covers, of about ``BUILD_ROWS``
        chunks each: chunk texts are read a few hundred documents at a time, so a first
        index of a million chunks never holds them all (nor their token lists) at once."""
        missing = sorted(d for d, h in live_docs.items() if (d, h) not in covered)
        built: list[Segment] = []
        rows: list[ChunkRow] = []

        def close() -> None:
            if rows:
                segment = build_segment(rows, self.tokenizer)
                if save:
                    segment.save(self.folder)
                built.append(segment)
                rows.clear()

        for i in range(0, len(missing), _FETCH_DOCS):
            rows += [r for r in fetch(missing[i : i + _FETCH_DOCS]) if live_docs.get(r[0]) == r[1]]
            if len(rows) >= BUILD_ROWS:
                close()
        close()
        return built

    def update(
        self, live_docs: dict[str, str], fetch: Callable[[list[str]], list[ChunkRow]]
    ) -> None:
        """What a writer calls after changing the store: index the live documents that no
        saved segment holds, and unlist the segments with no live document left.

        Only the saved segments' document lists are read, never their matrices: adding one
        file to a million-chunk store tokenizes that file's chunks and reads a few hundred KB,
        where :meth:`sync` would load the whole index. Readers mask changed documents out as
        they load (:meth:`sync`); past ``MAX_SEGMENTS`` segments, this merges like ``sync``."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _locked(self.folder) as owner:
                if not owner:
                    return
                kept: list[str] = []
                covered: set[DocKey] = set()
                for name in self._read_list():
                    try:
                        docs = Segment.load_docs(self.folder, name)
                    except Exception as exc:  # its documents are indexed again, as in sync
                        log.warning("BM25 segment %s unreadable (%s): rebuilt", name, exc)
                        continue
                    if any(live_docs.get(d) == h for d, h in docs):
                        kept.append(name)
                        covered.update(docs)
                new = self._build_missing(live_docs, covered, fetch, save=True)
                self._write_list(kept + [s.name for s in new])
                self._remove_unlisted()
                if len(kept) + len(new) > MAX_SEGMENTS:
                    self._sync(live_docs, fetch, save=True)  # loads them all and merges
        except OSError as exc:
            log.warning("BM25 index in %s not saved (%s)", self.folder, exc)

    def _set(self, segments: list[Segment], live_docs: dict[str, str]) -> None:
        import numpy as np

        claimed: set[DocKey] = set()  # a document held by two segments counts once
        self.segments, self._live = [], []
        for segment in segments:
            doc_live = np.array(
                [live_docs.get(d) == h and (d, h) not in claimed for d, h in segment.docs],
                dtype=bool,
            )
            claimed.update(segment.docs)
            live = doc_live[segment.chunk_doc] if segment.size else np.zeros(0, dtype=bool)
            if live.any():
                self.segments.append(segment)
                self._live.append(live)
        self.total = int(sum(live.sum() for live in self._live))
        length = sum(
            int(s.lengths[live].sum()) for s, live in zip(self.segments, self._live, strict=True)
        )
        self.avg_length = length / self.total if self.total else 0.0
        self._df_cache = {}

    def _merge_small(self, live_docs: dict[str, str], save: bool) -> None:
        pairs = sorted(zip(self.segments, self._live, strict=True), key=lambda p: int(p[1].sum()))
        small, keep = (
            pairs[: len(pairs) - MAX_SEGMENTS // 2 + 1],
            pairs[len(pairs) - MAX_SEGMENTS // 2 + 1 :],
        )
        merged = merge_segments(small)
        if save:
            merged.save(self.folder)
        self._set([s for s, _ in keep] + [merged], live_docs)

    def _remove_unlisted(self) -> None:
        listed = {f"{name}.npz" for name in self._read_list()}
        for path in self.folder.glob("seg-*.npz"):
            if path.name not in listed:
                path.unlink(missing_ok=True)

    # --------------------------------------------------------------- search
    def _query_terms(self, question: str) -> list[str]:
        languages: list[str | None] = [None]
        languages += sorted({lang for s in self.segments for lang in s.languages} - {"en"})
        seen: dict[str, None] = {}
        for language in languages:
            with _TOKENIZE_LOCK:
                seen.update(dict.fromkeys(self.tokenizer(question, language)))
        return list(seen)

    def _df(self, term: str) -> float:
        if term not in self._df_cache:
            count = 0
            for segment, live in zip(self.segments, self._live, strict=True):
                column = segment.column(term)
                if column is not None:
                    count += int(live[column[0]].sum())
            self._df_cache[term] = float(count)
        return self._df_cache[term]

    def search(
        self, question: str, n: int, admits: Callable[[str], bool] | None = None
    ) -> list[tuple[str, str, float]]:
        """The ``n`` best live chunks as ``(chunk_id, doc_id, score)``, best first."""
        import numpy as np

        if not self.total:
            return []
        terms = self._query_terms(question)
        idf = {}
        for term in terms:
            df = self._df(term)
            if df:
                idf[term] = math.log(1 + (self.total - df + 0.5) / (df + 0.5))
        if not idf:
            return []
        found_scores, found_segments, found_rows = [], [], []
        for s, (segment, live) in enumerate(zip(self.segments, self._live, strict=True)):
            scores = np.zeros(segment.size, dtype=np.float32)
            norm = self.k1 * (1 - self.b + self.b * segment.lengths / max(self.avg_length, 1e-9))
            for term, weight in idf.items():
                column = segment.column(term)
                if column is not None:
                    rows, tf = column
                    scores[rows] += weight * tf * (self.k1 + 1) / (tf + norm[rows])
            scores[~live] = 0
            hits = np.flatnonzero(scores > 0)
            if len(hits) > n and admits is None:
                hits = hits[np.argpartition(-scores[hits], n)[:n]]
            found_scores.append(scores[hits])
            found_segments.append(np.full(len(hits), s, dtype=np.int32))
            found_rows.append(hits)
        all_scores = np.concatenate(found_scores)
        all_segments, all_rows = np.concatenate(found_segments), np.concatenate(found_rows)
        # Best first; ties in a fixed order (segment, row) so results are repeatable.
        order = np.lexsort((all_rows, all_segments, -all_scores))
        out: list[tuple[str, str, float]] = []
        for i in order:
            segment, row = self.segments[int(all_segments[i])], int(all_rows[i])
            doc_id = segment.docs[int(segment.chunk_doc[row])][0]
            if admits is None or admits(doc_id):
                out.append((segment.chunk_id(row), doc_id, float(all_scores[i])))
                if len(out) >= n:
                    break
        return out


def lexical_key(store: Any) -> str:
    """Identity of a store's chunks: the store's id and its chunking settings (a rebuild
    with other chunk sizes keeps document ids and hashes but cuts other chunks)."""
    from index.chunking import settings_fingerprint

    s = store.settings
    return (
        f"{store.store_id}-{settings_fingerprint(s.embed_model, s.chunk_tokens, s.chunk_overlap)}"
    )


def open_lexical(store: Any, k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
    """The BM25 index of a store (``index.store.Store``), not yet synced."""
    return LexicalIndex(store.path / "bm25", lexical_key(store), k1=k1, b=b)


def refresh(store: Any) -> None:
    """Bring a store's saved BM25 index up to date (after an ingest), so the next question
    does not tokenize what was just written. Best effort: readers sync again anyway."""
    try:
        live = {d.doc_id: d.content_hash for d in store.documents()}
        open_lexical(store).update(live, store.chunk_rows)
    except Exception as exc:  # never fail an ingest for a cache
        log.warning("BM25 index not refreshed after ingest: %s", exc)
