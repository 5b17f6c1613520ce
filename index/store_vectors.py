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
    """The vector collections of a store, one per embedding model (state set by
    ``Store.__init__``). A store of one model has the one collection it always had; a store
    of several (``RAG_EMBED_MODEL=a,b``) holds every chunk's vector in each model's own
    collection, written and deleted together under the one journal."""

    _collections: dict[str, tuple[str, Any]]  # model -> (collection name, collection)
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

    @property
    def models(self) -> tuple[str, ...]:
        """The store's embedding models, in order of preference."""
        return self.settings.embed_models

    def _current_name(self, meta: dict[str, str], model: str | None = None) -> str:
        # A one-model store's name is the one it always had (the fingerprint of its model).
        fingerprint = settings_fingerprint(
            model or self.models[0], self.settings.chunk_tokens, self.settings.chunk_overlap
        )
        return collection_name(meta["store_id"], fingerprint, int(meta.get("generation", "0")))

    @property
    def collection(self) -> Any:
        """The collection of the store's first (or only) model."""
        return self.collection_of(self.models[0])

    def collection_of(self, model: str) -> Any:
        """The collection holding ``model``'s vectors."""
        with CLIENT_LOCK, _disk_full_is_one_line(self.path, reading=True):
            return self._open_collection(model)

    def _open_collection(self, model: str) -> Any:
        meta = self._meta()
        name = self._current_name(meta, model)
        revision = int(meta.get("revision", "0"))
        if self._collections and self._seen_revision != revision:
            if not self.settings.chroma_url and _foreign_change(
                self.manifest_path, self._seen_revision, revision
            ):
                # Another process wrote: this process's Chroma client keeps serving the
                # vectors it loaded (deleted ones included) until it is opened anew.
                log.info("store changed by another process: re-opening the vector store")
                self._chroma = fresh_client(self.path / "chroma")
                self._collections = {}
            self._seen_revision = revision
        known = self._collections.get(model)
        if known is None or known[0] != name:
            disk_full_point(self.settings, "vectors-open")
            # Embeddings are always passed in, so Chroma never loads (downloads) its own model.
            collection = self._client().get_or_create_collection(
                name=name,
                metadata={
                    "hnsw:space": "cosine",
                    "rag_owner": meta["store_id"],
                    "rag_home": home(self.manifest_path),
                },
                embedding_function=None,
            )
            known = self._collections[model] = (name, collection)
            self._seen_revision = revision
        return known[1]

    def check_writable(self) -> None:
        """Raise StoreError unless this store owns its vector collections."""
        for model in self.models:
            self._writable_collection(model)

    def _writable_collection(self, model: str | None = None) -> Any:
        """A model's collection (the first model's by default), after checking that this
        store owns it (claiming an older one)."""
        collection = self.collection_of(model or self.models[0])
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
        self,
        embedding: np.ndarray,
        n: int,
        where: dict[str, Any] | None = None,
        model: str | None = None,
    ) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine distances, best first, among ``model``'s vectors
        (the first model's by default; ``embedding`` must be that model's)."""
        collection = self.collection_of(model or self.models[0])
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
        for model in self.models:
            collection = self._writable_collection(model)
            stray: list[str] = []
            for file, ids in self._vector_ids(collection, files).items():
                with self._db() as db:
                    stray += sorted(ids - self._file_chunk_ids(db, file))
            for i in range(0, len(stray), 5000):
                collection.delete(ids=stray[i : i + 5000])

    def _drop_stale_collections(self) -> None:
        """Drop this store's collections other than the current ones (earlier generations,
        models the store no longer uses)."""
        meta = self._meta()
        current = {self._current_name(meta, model) for model in self.models}
        server = bool(self.settings.chroma_url)
        my_home = home(self.manifest_path)
        for store_id in {meta.get("store_id"), meta.get("old_store_id")} - {None}:
            try:
                with CLIENT_LOCK:
                    client = self._client()
                    for collection in owned_collections(
                        client, str(store_id), my_home, server=server
                    ):
                        if collection.name not in current:
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
