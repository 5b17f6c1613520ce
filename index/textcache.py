"""Document texts kept in memory between questions, keyed by the store's revision.

Every answer reads the whole text of each document it quotes (sentences are cut and quotes
checked against it); for a 50 MB document that is a 50 MB read and decode per question, and
50 concurrent askers would hold one copy each. The cache keeps one copy per store, for as
long as the store's revision does not move (any write, by any process, moves it), so what a
reader sees is never older than a read of the manifest would give.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

# Characters held at most (about 64 MB of ASCII text, twice that of Cyrillic): room for a
# few very large documents; anything bigger than the whole budget is never cached.
MAX_CHARS = 1 << 26


class TextCache:
    """A thread-safe LRU of texts by (doc_id, revision), bounded in characters."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._texts: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, doc_id: str, revision: str) -> str | None:
        with self._lock:
            text = self._texts.get((doc_id, revision))
            if text is not None:
                self._texts.move_to_end((doc_id, revision))
            return text

    def put(self, doc_id: str, revision: str, text: str) -> None:
        if len(text) > self.max_chars:
            return
        with self._lock:
            # Texts of an older revision can never be asked for again: drop them first.
            for key in [k for k in self._texts if k[1] != revision]:
                self._chars -= len(self._texts.pop(key))
            if (doc_id, revision) in self._texts:
                return
            self._texts[(doc_id, revision)] = text
            self._chars += len(text)
            while self._chars > self.max_chars:
                _, old = self._texts.popitem(last=False)
                self._chars -= len(old)
