"""The Chroma side of a store: its client and collection (re-opened when another process
wrote), nearest-neighbour queries, and deleting vectors the manifest does not list.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from index.chunking import settings_fingerprint
from index.faults import disk_full_point
from index.records import Chunk, Document
from index.store_manifest import StoreError, _disk_full_is_one_line, _foreign_change
from index.store_read import StoreReader
from index.vectors import (
    CLIENT_LOCK,
    VectorStoreError,
    check_owner,
    collection_name,
    fresh_client,
    home,
    make_client,
    owned_collections,
)

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


_ID_PAGE = 10_000  # vector ids read per Chroma get


def date_number(date: str) -> int:
    """YYYY-MM-DD as an integer, so Chroma can filter date ranges with $gte/$lte."""
    try:
        return int(date[:10].replace("-", ""))
    except ValueError:
        return 0


class StoreVectors(StoreReader):
    """The vector collection of a store (state set by ``Store.__init__``)."""

    _collection: Any
    _collection_name: str
    _seen_revision: int
    _chroma: Any

    # ------------------------------------------------------------------ vectors
    def _client(self) -> Any:
        # Built once per Store: making a client costs ~20 ms (settings, system lookup).
        if self._chroma is None:
            try:
                self._chroma = make_client(self.settings.chroma_url, self.path / "chroma")
            except VectorStoreError as exc:
                raise StoreError(str(exc)) from None
        return self._chroma

    def _current_name(self, meta: dict[str, str]) -> str:
        fingerprint = settings_fingerprint(
            self.settings.embed_model, self.settings.chunk_tokens, self.settings.chunk_overlap
        )
        return collection_name(meta["store_id"], fingerprint, int(meta.get("generation", "0")))

    @property
    def collection(self) -> Any:
        with CLIENT_LOCK, _disk_full_is_one_line(self.path, reading=True):
            return self._open_collection()

    def _open_collection(self) -> Any:
        meta = self._meta()
        name = self._current_name(meta)
        revision = int(meta.get("revision", "0"))
        if self._collection is not None and self._seen_revision != revision:
            if not self.settings.chroma_url and _foreign_change(
                self.manifest_path, self._seen_revision, revision
            ):
                # Another process wrote: this process's Chroma client keeps serving the
                # vectors it loaded (deleted ones included) until it is opened anew.
                log.info("store changed by another process: re-opening the vector store")
                self._chroma = fresh_client(self.path / "chroma")
                self._collection = None
            self._seen_revision = revision
        if self._collection is None or self._collection_name != name:
            disk_full_point(self.settings, "vectors-open")
            # Embeddings are always passed in, so Chroma never loads (downloads) its own model.
            self._collection = self._client().get_or_create_collection(
                name=name,
                metadata={
                    "hnsw:space": "cosine",
                    "rag_owner": meta["store_id"],
                    "rag_home": home(self.manifest_path),
                },
                embedding_function=None,
            )
            self._collection_name = name
            self._seen_revision = revision
        return self._collection

    def check_writable(self) -> None:
        """Raise StoreError unless this store owns its vector collection."""
        self._writable_collection()

    def _writable_collection(self) -> Any:
        """The collection, after checking that this store owns it (claiming an older one)."""
        collection = self.collection
        try:
            check_owner(
                collection,
                self._meta()["store_id"],
                home(self.manifest_path),
                server=bool(self.settings.chroma_url),
                claim=True,
            )
        except VectorStoreError as exc:
            raise StoreError(str(exc)) from None
        return collection

    def query(
        self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine distances, best first."""
        collection = self.collection
        count = collection.count()
        if count == 0:
            return []
        result = collection.query(
            query_embeddings=[embedding.tolist()],
            n_results=min(n, count),
            where=where or None,
            include=["distances"],
        )
        return list(zip(result["ids"][0], result["distances"][0], strict=True))

    def _vector_ids(self, collection: Any, files: Sequence[str]) -> dict[str, set[str]]:
        where = {"file": {"$in": list(files)}} if len(files) > 1 else {"file": files[0]}
        by_file: dict[str, set[str]] = {f: set() for f in files}
        # A page at a time: Chroma fails with "too many SQL variables" when one get returns
        # more than ~32k rows (a large file's chunks).
        offset = 0
        while True:
            got = collection.get(where=where, include=["metadatas"], limit=_ID_PAGE, offset=offset)
            for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
                by_file.setdefault(str(meta.get("file")), set()).add(chunk_id)
            if len(got["ids"]) < _ID_PAGE:
                return by_file
            offset += _ID_PAGE

    def _delete_unlisted_vectors(self, files: Sequence[str]) -> None:
        """Delete each file's vectors that the manifest does not list (old versions, or what
        an interrupted write left)."""
        if not files:
            return
        collection = self._writable_collection()
        stray: list[str] = []
        for file, ids in self._vector_ids(collection, files).items():
            with self._db() as db:
                stray += sorted(ids - self._file_chunk_ids(db, file))
        for i in range(0, len(stray), 5000):
            collection.delete(ids=stray[i : i + 5000])

    def _drop_stale_collections(self) -> None:
        """Drop this store's collections other than the current one (earlier generations)."""
        meta = self._meta()
        current = self._current_name(meta)
        server = bool(self.settings.chroma_url)
        my_home = home(self.manifest_path)
        for store_id in {meta.get("store_id"), meta.get("old_store_id")} - {None}:
            try:
                with CLIENT_LOCK:
                    client = self._client()
                    for collection in owned_collections(
                        client, str(store_id), my_home, server=server
                    ):
                        if collection.name != current:
                            client.delete_collection(collection.name)
                            log.info("dropped old collection %s", collection.name)
            except VectorStoreError:
                raise
            except Exception as exc:  # the next write tries again
                log.warning("could not drop old collections: %s", exc)
                return
        with self._db() as db:
            db.execute("DELETE FROM meta WHERE key = 'old_store_id'")


def _chunk_metadata(chunk: Chunk, document: Document) -> dict[str, Any]:
    # Only what Chroma filters on (file: a file's vectors; doc_id, date_num: retrieval
    # filters). Titles, sources and offsets are read from the manifest; every metadata key
    # is one more indexed row per chunk in Chroma (stores written before keep theirs).
    return {"doc_id": chunk.doc_id, "file": document.file, "date_num": date_number(document.date)}
