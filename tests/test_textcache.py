"""Document texts are read from the manifest once per store revision: a 50 MB source costs
one read, not one per question, and a write by any process is seen at once."""

from __future__ import annotations

from pathlib import Path

from index.ingest import ingest
from index.settings import get_settings
from index.store import Store
from index.textcache import TextCache


def test_a_text_is_read_once_until_the_store_changes(tmp_path: Path) -> None:
    doc = tmp_path / "port.txt"
    doc.write_text("The port authority of Burgas counted 412 containers in March.\n")
    settings = get_settings(store=tmp_path / "store")
    ingest([doc], settings)
    reader = Store(settings)
    (stored,) = reader.documents()
    first = reader.document_text(stored.doc_id)
    assert reader.document_text(stored.doc_id) is first  # served from memory, not re-read
    # A window is sliced from the text in memory, the same as the manifest's own slice.
    fresh = Store(settings)
    assert reader.document_window(stored.doc_id, 4, 30) == (first[4:30], 4, len(first))
    assert fresh.document_window(stored.doc_id, 4, 30) == (first[4:30], 4, len(first))

    # Another writer (a Store of its own, as another process would have) changes the file.
    doc.write_text("The port authority of Burgas counted 977 containers in April.\n")
    ingest([doc], get_settings(store=tmp_path / "store"))
    (changed,) = reader.documents()
    assert changed.content_hash != stored.content_hash  # the listing is not kept either
    assert "977 containers" in reader.document_text(changed.doc_id)


def test_the_cache_is_bounded_and_forgets_old_revisions() -> None:
    cache = TextCache(max_chars=10)
    cache.put("a", "1", "aaaa")
    cache.put("b", "1", "bbbb")
    assert cache.get("a", "1") == "aaaa"  # a is now the most recently used
    cache.put("c", "1", "cccc")  # 12 chars > 10: the least recently used (b) goes
    assert (cache.get("a", "1"), cache.get("b", "1"), cache.get("c", "1")) == ("aaaa", None, "cccc")
    cache.put("big", "1", "x" * 11)  # larger than the whole budget: never held
    assert cache.get("big", "1") is None
    cache.put("a", "2", "AAAA")  # a newer revision: every text of the old one goes
    assert (cache.get("a", "1"), cache.get("c", "1"), cache.get("a", "2")) == (None, None, "AAAA")
