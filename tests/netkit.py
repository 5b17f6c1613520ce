"""Helpers the tests that talk to local servers share: a free port, a loopback-only
environment, and the UI served on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from rag import RAG

_PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def use_loopback(patch: pytest.MonkeyPatch) -> None:
    """No proxy may reroute the clients, no telemetry from client or server, no password."""
    for name in _PROXIES:
        patch.delenv(name, raising=False)
    patch.setenv("NO_PROXY", "127.0.0.1,localhost")
    patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    patch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    patch.delenv("RAG_UI_PASSWORD", raising=False)


@contextmanager
def serving(rag: RAG) -> Iterator[str]:
    """The app over ``rag`` on a free loopback port; yields its address."""
    from ui.app import launch

    with pytest.MonkeyPatch.context() as patch:
        use_loopback(patch)
        app = launch(rag, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
        try:
            yield str(app.local_url)
        finally:
            app.close()
