"""Chroma, as the store uses it: the client, collection names, and who owns a collection.

A collection records the store that owns it (``rag_owner``: the store's id; ``rag_home``: host
and folder of its manifest). A store writes to, deletes from and drops only collections it
owns, so two stores that share a Chroma server (or a store folder copied to a second machine
that points at the same server) can never erase each other's vectors.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

log = logging.getLogger(__name__)

# chromadb's client set-up is not thread-safe (two threads racing to open one
# PersistentClient fail); the UI and ask_many open stores from worker threads.
CLIENT_LOCK = threading.RLock()


class VectorStoreError(Exception):
    """Chroma cannot be used as asked; the message says what to do."""


def make_client(url: str | None, folder: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise VectorStoreError(f"chroma_url {url!r} is not http://HOST:PORT")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise VectorStoreError(f"Chroma server at {url} not reachable: {exc}") from exc
    return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)


def fresh_client(folder: Path) -> Any:
    """A new local client that reads the store from disk again.

    chromadb shares one "system" per path within a process and never notices what another
    process wrote (a long-running UI kept answering from vectors deleted meanwhile). Dropping
    the cached system makes the next client load anew; the old one lives on for any query
    still using it, and is freed after.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    with CLIENT_LOCK:
        for identifier in [k for k in SharedSystemClient._identifier_to_system if k == str(folder)]:
            SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        return make_client(None, folder)


def collection_name(store_id: str, fingerprint: str, generation: int) -> str:
    # Generation 0 keeps the name stores had before rebuilds were generational.
    base = f"rag-{store_id}-{fingerprint}"
    return base if generation == 0 else f"{base}-g{generation}"


def home(manifest: Path) -> str:
    """Where a store's manifest lives: host and absolute folder."""
    return f"{socket.gethostname()}:{manifest.absolute().parent}"


def owner_of(collection: Any) -> tuple[str | None, str | None]:
    meta = collection.metadata or {}
    return meta.get("rag_owner"), meta.get("rag_home")


def check_owner(collection: Any, store_id: str, my_home: str, *, server: bool, claim: bool) -> None:
    """Refuse a collection owned by another store; claim an unowned (older) one if asked."""
    owner, where = owner_of(collection)
    if owner is None:
        if claim:
            meta = dict(collection.metadata or {})
            meta.update({"rag_owner": store_id, "rag_home": my_home})
            meta.pop("hnsw:space", None)  # Chroma refuses to change the distance function
            collection.modify(metadata=meta)
        return
    # Locally the collection lives inside the store folder, which may be moved: the id is
    # enough. On a server a copied store folder has the same id: its home tells them apart.
    if owner != store_id or (server and where != my_home):
        raise VectorStoreError(
            f"the Chroma collection {collection.name} belongs to another store "
            f"({where or owner}); this store ({my_home}) will not write to, delete from or "
            "drop it. Give this store its own collection with `rag ingest PATH... --rebuild`"
        )


def owned_collections(client: Any, store_id: str, my_home: str, *, server: bool) -> list[Any]:
    """This store's collections (every generation): the only ones a rebuild may drop."""
    mine = []
    for item in client.list_collections():
        name = item if isinstance(item, str) else item.name
        if not name.startswith(f"rag-{store_id}-"):
            continue
        collection = client.get_collection(name) if isinstance(item, str) else item
        owner, where = owner_of(collection)
        if owner is None and server:
            continue  # an older collection on a shared server: not provably ours
        if owner is not None and (owner != store_id or (server and where != my_home)):
            log.warning("not touching collection %s: it belongs to %s", name, where or owner)
            continue
        mine.append(collection)
    return mine
