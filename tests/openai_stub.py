"""A small, real OpenAI-compatible HTTP server for tests, bound to 127.0.0.1.

It serves ``POST /v1/chat/completions`` (plain JSON, or server-sent events when the request
says ``"stream": true``) from a queue of scripted behaviours, one per request, and records
every request it receives::

    with OpenAIStub() as stub:
        stub.enqueue_status(500)          # first request: HTTP 500
        stub.enqueue_reply("Paris.")      # second request: a normal reply
        ...  # point a client at stub.base_url
        assert stub.requests[-1]["model"] == "m"

Other behaviours: :meth:`~OpenAIStub.enqueue_delay` (answer late, to trip client
timeouts), :meth:`~OpenAIStub.enqueue_malformed` (a body that is not JSON; mid-stream when
streaming), :meth:`~OpenAIStub.enqueue_empty_choices` and
:meth:`~OpenAIStub.enqueue_null_content`. With nothing queued it answers ``default_reply``,
or HTTP 400 (not retried by clients) saying the queue is empty.

For a pytest fixture, import :func:`openai_stub` into a test module or a conftest.py.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

import pytest

Kind = Literal["reply", "status", "malformed", "empty_choices", "null_content"]

_PIECE = re.compile(r"^\s+|\S+\s*")


@dataclass
class Behaviour:
    """What the stub does with one request."""

    kind: Kind
    text: str = ""
    status: int = 200
    message: str = ""
    delay: float = 0.0
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)


class OpenAIStub:
    """A scripted OpenAI-compatible chat server on ``127.0.0.1`` and a free port."""

    def __init__(self, default_reply: str | None = None, model: str = "stub-model") -> None:
        self.default_reply = default_reply
        self.model = model
        self.requests: list[dict[str, Any]] = []
        """Parsed JSON bodies of the chat requests received, in order."""
        self.headers: list[dict[str, str]] = []
        """Headers of those requests (names lower-cased), parallel to :attr:`requests`."""
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------

    def start(self) -> OpenAIStub:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="openai-stub",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in a scripted delay
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("OpenAIStub is not running; use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, the value for ``openai_base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # --- scripting ----------------------------------------------------------------------

    def enqueue(self, behaviour: Behaviour) -> None:
        with self._lock:
            self._queue.append(behaviour)

    def enqueue_reply(self, text: str, *, finish_reason: str = "stop") -> None:
        """Answer ``text`` (streamed word by word when the request streams)."""
        self.enqueue(Behaviour("reply", text=text, finish_reason=finish_reason))

    def enqueue_status(
        self, status: int, message: str | None = None, *, retry_after: float | None = None
    ) -> None:
        """Answer HTTP ``status`` with an OpenAI-style error body.

        ``retry_after`` (seconds) sends ``retry-after-ms``, which clients honour when
        retrying 429/5xx; it keeps retry tests fast.
        """
        headers = {}
        if retry_after is not None:
            headers["retry-after-ms"] = str(int(retry_after * 1000))
        text = message if message is not None else f"stub error {status}"
        self.enqueue(Behaviour("status", status=status, message=text, headers=headers))

    def enqueue_delay(self, seconds: float, text: str) -> None:
        """Wait ``seconds`` before answering ``text`` (cut short when the stub stops)."""
        self.enqueue(Behaviour("reply", text=text, delay=seconds))

    def enqueue_malformed(self) -> None:
        """A body that is not JSON; when streaming, a good first chunk then a broken one."""
        self.enqueue(Behaviour("malformed"))

    def enqueue_empty_choices(self) -> None:
        """A well-formed completion whose ``choices`` list is empty."""
        self.enqueue(Behaviour("empty_choices"))

    def enqueue_null_content(self) -> None:
        """A completion whose message content is ``null``."""
        self.enqueue(Behaviour("null_content"))

    @property
    def pending(self) -> int:
        """Behaviours queued but not used yet."""
        with self._lock:
            return len(self._queue)

    def _take(self, body: dict[str, Any], headers: dict[str, str]) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if self._queue:
                return self._queue.popleft()
        if self.default_reply is not None:
            return Behaviour("reply", text=self.default_reply)
        return Behaviour("status", status=400, message="OpenAIStub: no behaviour queued")


def _handler_for(stub: OpenAIStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, and a streamed body ends at close.
        protocol_version = "HTTP/1.0"
        server_version = "OpenAIStub/1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                data = [{"id": stub.model, "object": "model", "owned_by": "stub"}]
                self._json(200, {"object": "list", "data": data})
            else:
                self._error(404, f"no route GET {self.path}")

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"no route POST {self.path}")
                return
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._error(400, "request body is not JSON")
                return
            headers = {key.lower(): value for key, value in self.headers.items()}
            behaviour = stub._take(body, headers)
            if behaviour.delay and stub._stopping.wait(behaviour.delay):
                return  # stopping: drop the connection
            try:
                if body.get("stream"):
                    self._stream(behaviour, body)
                else:
                    self._plain(behaviour, body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. its timeout) before the answer

        # --- answers --------------------------------------------------------------------

        def _plain(self, behaviour: Behaviour, body: dict[str, Any]) -> None:
            model = str(body.get("model", stub.model))
            if behaviour.kind == "status":
                self._error(behaviour.status, behaviour.message, behaviour.headers)
            elif behaviour.kind == "malformed":
                self._send(200, b'{"id": "chatcmpl-stub", "choices": [', "application/json")
            elif behaviour.kind == "empty_choices":
                self._json(200, _completion(model, choices=[]))
            elif behaviour.kind == "null_content":
                choice = _choice(None, "stop")
                self._json(200, _completion(model, choices=[choice]))
            else:
                choice = _choice(behaviour.text, behaviour.finish_reason)
                self._json(200, _completion(model, choices=[choice]))

        def _stream(self, behaviour: Behaviour, body: dict[str, Any]) -> None:
            model = str(body.get("model", stub.model))
            if behaviour.kind == "status":
                self._error(behaviour.status, behaviour.message, behaviour.headers)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if behaviour.kind == "empty_choices":
                self._event(_chunk(model, choices=[]))
            elif behaviour.kind == "malformed":
                self._event(_chunk(model, [_delta({"role": "assistant", "content": "Hal"})]))
                self.wfile.write(b'data: {"id": "chatcmpl-stub", "choices": [\n\n')
                self.wfile.flush()
                return  # and no [DONE]
            else:
                text = "" if behaviour.kind == "null_content" else behaviour.text
                self._event(_chunk(model, [_delta({"role": "assistant", "content": ""})]))
                for piece in _PIECE.findall(text):
                    self._event(_chunk(model, [_delta({"content": piece})]))
                self._event(_chunk(model, [_delta({}, behaviour.finish_reason)]))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        # --- helpers --------------------------------------------------------------------

        def _event(self, payload: dict[str, Any]) -> None:
            self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()

        def _json(
            self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json", headers)

        def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
            error = {"message": message, "type": "stub_error", "code": status}
            self._json(status, {"error": error}, headers)

        def _send(
            self,
            status: int,
            data: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

    return Handler


def _choice(content: str | None, finish_reason: str) -> dict[str, Any]:
    return {
        "index": 0,
        "message": {"role": "assistant", "content": content},
        "finish_reason": finish_reason,
        "logprobs": None,
    }


def _delta(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}


def _completion(model: str, choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
    }


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    """A running :class:`OpenAIStub`, stopped after the test."""
    with OpenAIStub() as stub:
        yield stub
