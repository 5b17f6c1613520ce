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
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import threading
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.tokenize import TOKENIZER_VERSION, tokenize

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

FORMAT = "2"
# Stemmers (PyStemmer) are not thread-safe and the tokenizer shares them: one caller at a time.
_TOKENIZE_LOCK = threading.Lock()
MAX_SEGMENTS = 8  # beyond this, the smaller segments are merged into one
BUILD_ROWS = 150_000  # chunks per new segment (memory of one build; a million chunks: 7)
_FETCH_DOCS = 500  # documents per read of chunk texts

DocKey = tuple[str, str]  # (doc_id, content_hash)
# (doc_id, content_hash, language or None, chunk_id, text) for every chunk of some documents
ChunkRow = tuple[str, str, str | None, str, str]


def _pack(strings: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 blob plus offsets: compact on disk, decoded only when shown."""
    import numpy as np

    encoded = [s.encode() for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


@dataclass
class Segment:
    """Chunks of some documents: a CSC term x chunk count matrix and who each row is."""

    name: str
    terms: dict[str, int]  # term -> column
    indptr: np.ndarray  # per term: slice of rows/counts
    rows: np.ndarray  # int32 chunk rows
    counts: np.ndarray  # float32 term counts
    lengths: np.ndarray  # int32 tokens per chunk
    chunk_doc: np.ndarray  # int32 row -> index into docs
    docs: list[DocKey]
    ids_blob: np.ndarray
    ids_offsets: np.ndarray
    languages: list[str]

    @property
    def size(self) -> int:
        return len(self.lengths)

    def chunk_id(self, row: int) -> str:
        a, b = int(self.ids_offsets[row]), int(self.ids_offsets[row + 1])
        return bytes(self.ids_blob[a:b]).decode()

    def column(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        col = self.terms.get(term)
        if col is None:
            return None
        a, b = int(self.indptr[col]), int(self.indptr[col + 1])
        return self.rows[a:b], self.counts[a:b]

    # ------------------------------------------------------------------ disk
    def save(self, folder: Path) -> None:
        import numpy as np

        terms_blob, terms_offsets = _pack(sorted(self.terms, key=self.terms.__getitem__))
        docs_blob, docs_offsets = _pack(f"{d}\t{h}" for d, h in self.docs)
        tmp = folder / f".{self.name}.{uuid.uuid4().hex[:6]}.tmp.npz"
        np.savez(
            tmp, format=np.array([FORMAT]), indptr=self.indptr, rows=self.rows,
            counts=self.counts, lengths=self.lengths, chunk_doc=self.chunk_doc,
            ids_blob=self.ids_blob, ids_offsets=self.ids_offsets, terms_blob=terms_blob,
            terms_offsets=terms_offsets, docs_blob=docs_blob, docs_offsets=docs_offsets,
            languages=np.array(self.languages or [""]),
        )  # fmt: skip
        tmp.replace(folder / f"{self.name}.npz")

    @staticmethod
    def load_docs(folder: Path, name: str) -> list[DocKey]:
        """Only the documents a saved segment holds (npz members are read one by one)."""
        import numpy as np

        with np.load(folder / f"{name}.npz", allow_pickle=False) as data:
            if str(data["format"][0]) != FORMAT:
                raise ValueError("other format")
            return _docs_of(data)

    @classmethod
    def load(cls, folder: Path, name: str) -> Segment:
        import numpy as np

        with np.load(folder / f"{name}.npz", allow_pickle=False) as data:
            if str(data["format"][0]) != FORMAT:
                raise ValueError("other format")
            arrays = {key: data[key] for key in data.files}  # reads (and CRC-checks) them all
        terms = _unpack(arrays["terms_blob"], arrays["terms_offsets"])
        docs = _docs_of(arrays)
        segment = cls(
            name=name, terms={t: i for i, t in enumerate(terms)}, indptr=arrays["indptr"],
            rows=arrays["rows"], counts=arrays["counts"], lengths=arrays["lengths"],
            chunk_doc=arrays["chunk_doc"], docs=docs,
            ids_blob=arrays["ids_blob"], ids_offsets=arrays["ids_offsets"],
            languages=[str(x) for x in arrays["languages"] if str(x)],
        )  # fmt: skip
        n = segment.size
        if (
            len(segment.indptr) != len(terms) + 1
            or int(segment.indptr[-1]) != len(segment.rows)
            or len(segment.chunk_doc) != n
            or len(segment.ids_offsets) != n + 1
            or (len(segment.rows) and int(segment.rows.max()) >= n)
            or (n and int(segment.chunk_doc.max()) >= len(docs))
        ):
            raise ValueError("inconsistent arrays")
        return segment


def _docs_of(arrays: Any) -> list[DocKey]:
    return [
        tuple(d.split("\t", 1))  # type: ignore[misc]
        for d in _unpack(arrays["docs_blob"], arrays["docs_offsets"])
    ]


def _unpack(blob: np.ndarray, offsets: np.ndarray) -> list[str]:
    raw = bytes(blob)
    return [raw[int(a) : int(b)].decode() for a, b in itertools.pairwise(offsets)]


def build_segment(
    rows: list[ChunkRow], tokenizer: Callable[[str, str | None], list[str]]
) -> Segment:
    """Tokenize chunks (each by its document's language) into a new segment."""
    import numpy as np
    from scipy.sparse import csc_matrix

    terms: dict[str, int] = {}
    docs: dict[DocKey, int] = {}
    # Typed arrays, not lists: 4 bytes an entry instead of ~36 (a 100k-chunk build holds
    # some 8M of each).
    data = array("i")
    row_ix = array("i")
    col_ix = array("i")
    lengths = np.zeros(len(rows), dtype=np.int32)
    chunk_doc = np.zeros(len(rows), dtype=np.int32)
    languages: set[str] = set()
    for row, (doc_id, content_hash, language, _chunk_id, text) in enumerate(rows):
        chunk_doc[row] = docs.setdefault((doc_id, content_hash), len(docs))
        languages.add(language or "")
        with _TOKENIZE_LOCK:
            tokens = tokenizer(text, language)
        lengths[row] = len(tokens)
        # Counter counts in C; its keys keep first-seen order, so columns are numbered as a
        # token-by-token loop would number them.
        counted = Counter(tokens)
        row_ix.extend([row] * len(counted))
        col_ix.extend([terms.setdefault(token, len(terms)) for token in counted])
        data.extend(counted.values())
    matrix = csc_matrix(
        (
            np.frombuffer(data, dtype=np.int32).astype(np.float32),
            (np.frombuffer(row_ix, dtype=np.int32), np.frombuffer(col_ix, dtype=np.int32)),
        ),
        shape=(len(rows), len(terms)),
    )
    matrix.sort_indices()
    ids_blob, ids_offsets = _pack(r[3] for r in rows)
    return Segment(
        name=f"seg-{uuid.uuid4().hex[:12]}", terms=terms, indptr=matrix.indptr.astype(np.int64),
        rows=matrix.indices.astype(np.int32), counts=matrix.data.astype(np.float32),
        lengths=lengths, chunk_doc=chunk_doc, docs=list(docs), ids_blob=ids_blob,
        ids_offsets=ids_offsets, languages=sorted(languages - {""}),
    )  # fmt: skip


def merge_segments(parts: list[tuple[Segment, np.ndarray]]) -> Segment:
    """One segment of the live rows of several (no tokenizing: columns are remapped)."""
    import numpy as np
    from scipy.sparse import coo_matrix, csc_matrix

    terms: dict[str, int] = {}
    docs: dict[DocKey, int] = {}
    rows, cols, data, lengths, chunk_doc = [], [], [], [], []
    ids: list[str] = []
    languages: set[str] = set()
    offset = 0
    for segment, live in parts:
        keep = np.flatnonzero(live)
        new_row = np.full(segment.size, -1, dtype=np.int64)
        new_row[keep] = np.arange(len(keep)) + offset
        col_map = np.array(
            [
                terms.setdefault(t, len(terms))
                for t in sorted(segment.terms, key=segment.terms.__getitem__)
            ],
            dtype=np.int64,
        )
        doc_map = np.array([docs.setdefault(d, len(docs)) for d in segment.docs], dtype=np.int32)
        coo = coo_matrix(
            csc_matrix(
                (segment.counts, segment.rows, segment.indptr), shape=(segment.size, len(col_map))
            )
        )
        mask = live[coo.row]
        rows.append(new_row[coo.row[mask]])
        cols.append(col_map[coo.col[mask]])
        data.append(coo.data[mask])
        lengths.append(segment.lengths[keep])
        chunk_doc.append(
            doc_map[segment.chunk_doc[keep]] if len(doc_map) else segment.chunk_doc[keep]
        )
        ids.extend(segment.chunk_id(int(r)) for r in keep)
        languages.update(segment.languages)
        offset += len(keep)
    matrix = csc_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=(offset, len(terms)),
    )
    matrix.sort_indices()
    ids_blob, ids_offsets = _pack(ids)
    used = sorted(set(np.concatenate(chunk_doc).tolist())) if offset else []
    remap = np.zeros(len(docs), dtype=np.int32)
    remap[used] = np.arange(len(used))
    all_docs = list(docs)
    return Segment(
        name=f"seg-{uuid.uuid4().hex[:12]}", terms=terms, indptr=matrix.indptr.astype(np.int64),
        rows=matrix.indices.astype(np.int32), counts=matrix.data.astype(np.float32),
        lengths=np.concatenate(lengths).astype(np.int32),
        chunk_doc=remap[np.concatenate(chunk_doc)] if offset else np.zeros(0, dtype=np.int32),
        docs=[all_docs[i] for i in used], ids_blob=ids_blob, ids_offsets=ids_offsets,
        languages=sorted(languages),
    )  # fmt: skip


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
