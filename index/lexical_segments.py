"""BM25 segments: a term-by-chunk count matrix of some documents' chunks, saved as one
``.npz`` each; built by tokenizing chunks, or merged from others without tokenizing.

The index over a store's segments (syncing, searching) is :mod:`index.lexical`.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

FORMAT = "2"
# Stemmers (PyStemmer) are not thread-safe and the tokenizer shares them: one caller at a time.
_TOKENIZE_LOCK = threading.Lock()

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
