"""Answer generators behind one small interface.

Three back-ends implement :class:`LLM`:

* :class:`OpenAICompatibleLLM` talks to any OpenAI-compatible chat server (Ollama, vLLM,
  llama.cpp's server, OpenAI) through the ``openai`` package;
* :class:`LlamaCppLLM` runs a local GGUF file in-process through ``llama-cpp-python``
  (the optional extra ``rag-cite[llama-cpp]``);
* :class:`ScriptedLLM` is a deterministic fake for tests of the generation logic.

:func:`make_llm` picks one from the settings. Heavy packages are imported only when a
back-end is built, so importing this module costs nothing at CLI start-up. Every failure
a user can cause or fix surfaces as :class:`LLMError`, whose message is one line saying
what failed and what to change.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)

Message = dict[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": ...}``."""

DUMMY_API_KEY = "not-needed"
"""Sent when the key variable is unset: local servers ignore the key, the client needs one."""

_DETAIL_CHARS = 200


class LLMError(Exception):
    """A generation failure, as one user-facing line: what failed and what to change.

    Example: ``LLM server at http://127.0.0.1:9/v1 not reachable after 3 tries: connection
    refused; check openai_base_url``.
    """


@runtime_checkable
class LLM(Protocol):
    """What the answer generator needs from a language model."""

    name: str

    def complete(self, messages: list[Message]) -> str:
        """The whole reply to ``messages``."""
        ...

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """The reply to ``messages`` as text deltas, in order; they join to the whole reply."""
        ...


def _one_line(text: str, limit: int = _DETAIL_CHARS) -> str:
    """Whitespace collapsed, cut to ``limit`` characters, so a message stays one line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def _tries(retries: int) -> str:
    count = retries + 1
    return f"{count} try" if count == 1 else f"{count} tries"


# --- OpenAI-compatible servers -----------------------------------------------------------


class OpenAICompatibleLLM:
    """A chat model behind an OpenAI-compatible HTTP API.

    Temperature is 0 and replies are capped at ``settings.llm_max_tokens``. The client
    retries timeouts, connection failures, 429 and 5xx ``settings.llm_retries`` times with
    backoff (honouring ``Retry-After``); anything still failing becomes an :class:`LLMError`.
    """

    def __init__(self, settings: Settings) -> None:
        try:
            import openai
        except ImportError as exc:  # pragma: no cover - openai is a core dependency
            raise LLMError(
                "the openai back-end needs the openai package: pip install openai"
            ) from exc

        self._openai = openai
        self.base_url = settings.openai_base_url.rstrip("/")
        self.model = settings.openai_model
        self.max_tokens = settings.llm_max_tokens
        self.timeout = settings.llm_timeout
        self.retries = settings.llm_retries
        self.api_key_env = settings.openai_api_key_env
        self.name = f"openai:{self.model}"
        api_key = os.environ.get(self.api_key_env) or DUMMY_API_KEY
        try:
            self._client = openai.OpenAI(
                base_url=self.base_url,
                api_key=api_key,
                timeout=self.timeout,
                max_retries=self.retries,
            )
        except openai.OpenAIError as exc:
            raise LLMError(
                f"cannot set up the client for {self.base_url}: {_one_line(str(exc))}; "
                "check openai_base_url"
            ) from exc
        log.debug(
            "LLM %s at %s (timeout %.1f s, %d retries, key from %s%s)",
            self.model,
            self.base_url,
            self.timeout,
            self.retries,
            self.api_key_env,
            "" if api_key != DUMMY_API_KEY else ": unset, dummy key sent",
        )

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()

    def _request(self, messages: list[Message], stream: bool) -> Any:
        return self._client.chat.completions.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=0,
            max_tokens=self.max_tokens,
            stream=stream,
        )

    def complete(self, messages: list[Message]) -> str:
        try:
            response = self._request(messages, stream=False)
        except Exception as exc:
            raise self._translate(exc) from exc
        return self._reply_text(response)

    def stream(self, messages: list[Message]) -> Iterator[str]:
        try:
            response = self._request(messages, stream=True)
        except Exception as exc:
            raise self._translate(exc) from exc
        return self._deltas(response)

    def _deltas(self, response: Any) -> Iterator[str]:
        saw_choices = False
        finish: str | None = None
        try:
            with response:
                for chunk in response:
                    choices = getattr(chunk, "choices", None)
                    if not choices:
                        continue  # keep-alives, usage-only chunks
                    saw_choices = True
                    choice = choices[0]
                    finish = getattr(choice, "finish_reason", None) or finish
                    delta = getattr(choice, "delta", None)
                    content = getattr(delta, "content", None)
                    if isinstance(content, str) and content:
                        yield content
        except LLMError:
            raise
        except Exception as exc:
            # Transport errors of the HTTP library surface unwrapped once the body is
            # being read, so every failure here is mapped, not only openai's own.
            raise self._translate(exc, midstream=True) from exc
        if not saw_choices:
            raise LLMError(
                f"LLM server at {self.base_url} streamed no choices for model {self.model!r}; "
                "check openai_model"
            )
        self._warn_if_cut(finish)

    def _reply_text(self, response: Any) -> str:
        if isinstance(response, str):
            # The client hands back the raw body when the server did not say it was JSON.
            raise LLMError(
                f"LLM server at {self.base_url} did not answer with JSON "
                f"({_one_line(response, 80)!r}); check openai_base_url"
            )
        choices = getattr(response, "choices", None)
        if not choices:
            raise LLMError(
                f"LLM server at {self.base_url} returned no choices for model {self.model!r}; "
                "check openai_model"
            )
        choice = choices[0]
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None)
        if not isinstance(content, str):
            refusal = getattr(message, "refusal", None)
            why = f"refused: {_one_line(refusal)}" if refusal else "returned no text"
            raise LLMError(
                f"LLM {self.model!r} at {self.base_url} {why}; try again or another model"
            )
        self._warn_if_cut(getattr(choice, "finish_reason", None))
        return content

    def _warn_if_cut(self, finish_reason: str | None) -> None:
        if finish_reason == "length":
            log.warning(
                "LLM reply cut at llm_max_tokens=%d; raise it for longer answers",
                self.max_tokens,
            )

    def _translate(self, exc: Exception, midstream: bool = False) -> LLMError:
        """``exc`` as one clear line; the full exception goes to the debug log."""
        log.debug("LLM request to %s failed", self.base_url, exc_info=exc)
        openai = self._openai
        where = f"LLM server at {self.base_url}"
        tries = _tries(self.retries)
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, openai.APITimeoutError) or _is_timeout(exc):
            if midstream:
                return LLMError(
                    f"{where} stopped sending for more than llm_timeout={self.timeout:g} s "
                    "mid-reply (timeout); raise llm_timeout or check the server"
                )
            return LLMError(
                f"{where} timed out: no answer within llm_timeout={self.timeout:g} s "
                f"({tries}); raise llm_timeout or check the server"
            )
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(
                f"{where} not reachable after {tries}: {_connection_reason(exc)}; "
                "check openai_base_url"
            )
        if isinstance(exc, openai.APIStatusError):
            return LLMError(self._status_message(exc))
        if isinstance(exc, ValueError):  # json.JSONDecodeError, pydantic errors
            return LLMError(
                f"{where} sent a malformed {'stream' if midstream else 'response'} "
                f"({_one_line(str(exc), 80)}); check that it is OpenAI-compatible"
            )
        if isinstance(exc, openai.OpenAIError):
            return LLMError(f"{where} failed: {_one_line(str(exc))}")
        if midstream:
            return LLMError(
                f"{where} broke off mid-reply: {_one_line(str(exc) or type(exc).__name__)}; "
                "check the server"
            )
        return LLMError(f"{where} failed: {type(exc).__name__}: {_one_line(str(exc))}")

    def _status_message(self, exc: Any) -> str:
        status: int = exc.status_code
        detail = _server_detail(exc)
        head = f"LLM server at {self.base_url} answered HTTP {status}"
        if detail:
            head += f" ({detail})"
        if status in (401, 403):
            hint = f"check the API key in ${self.api_key_env} (setting openai_api_key_env)"
        elif status == 404:
            hint = f"check openai_model ({self.model!r}) and openai_base_url"
        elif status == 429:
            hint = f"rate-limited after {_tries(self.retries)}; wait or raise llm_retries"
        elif status >= 500:
            hint = f"server error after {_tries(self.retries)}; check the server's log"
        elif status in (400, 413, 422):
            hint = "the request was refused; lower llm_max_tokens or top_k if it is too long"
        else:
            hint = "check openai_base_url"
        return f"{head}; {hint}"


def _server_detail(exc: Any) -> str:
    """The server's own error message from an ``APIStatusError`` body, if it gave one."""
    body = getattr(exc, "body", None)
    message: Any = None
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
    elif isinstance(body, str):
        message = body
    return _one_line(message, 120) if message else ""


def _connection_reason(exc: BaseException) -> str:
    """The innermost cause of a connection failure, in a few words."""
    text = ""
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen) or text
        seen = seen.__cause__ or seen.__context__
    lowered = text.lower()
    for needle, reason in (
        ("refused", "connection refused"),
        ("name or service not known", "unknown host name"),
        ("nodename nor servname", "unknown host name"),
        ("temporary failure in name resolution", "host name not resolvable"),
        ("network is unreachable", "network unreachable"),
        ("reset by peer", "connection reset"),
        ("server disconnected", "server closed the connection"),
    ):
        if needle in lowered:
            return reason
    return _one_line(re.sub(r"\[Errno -?\d+\]\s*", "", text), 120) or "connection failed"


def _is_timeout(exc: BaseException) -> bool:
    """A timeout of the HTTP library, which mid-stream arrives unwrapped."""
    return isinstance(exc, TimeoutError) or any(
        "Timeout" in cls.__name__ for cls in type(exc).__mro__
    )


# --- llama-cpp-python --------------------------------------------------------------------


class LlamaCppLLM:
    """A GGUF model run in this process by ``llama-cpp-python``.

    One model instance is not thread-safe, so calls are serialised by a lock (a stream
    holds it until it is exhausted or closed).
    """

    def __init__(self, settings: Settings) -> None:
        try:
            import llama_cpp
        except ImportError as exc:
            raise LLMError(
                "the llama-cpp back-end needs llama-cpp-python: pip install 'rag-cite[llama-cpp]'"
            ) from exc

        path = settings.llama_model_path
        if path is None or not str(path).strip():
            raise LLMError(
                "the llama-cpp back-end needs a GGUF model: set RAG_LLAMA_MODEL_PATH "
                "(setting llama_model_path) to a .gguf file"
            )
        path = Path(path).expanduser()
        if not path.is_file():
            raise LLMError(
                f"GGUF model {str(path)!r} not found; set RAG_LLAMA_MODEL_PATH "
                "(setting llama_model_path) to a .gguf file"
            )
        self.model_path = path
        self.max_tokens = settings.llm_max_tokens
        self.name = f"llama-cpp:{path.name}"
        self._lock = threading.Lock()
        log.info(
            "loading %s (context %d, %d threads)",
            path,
            settings.llama_context,
            settings.llama_threads,
        )
        try:
            # Any: llama-cpp-python's own type hints differ between releases.
            self._llama: Any = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=settings.llama_context,
                n_threads=settings.llama_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMError(
                f"llama-cpp could not load {str(path)!r} ({_one_line(str(exc), 120)}); "
                "check that RAG_LLAMA_MODEL_PATH is a complete GGUF file"
            ) from exc

    def _create(self, messages: list[Message], stream: bool) -> Any:
        try:
            return self._llama.create_chat_completion(
                messages=messages,
                temperature=0,
                max_tokens=self.max_tokens,
                stream=stream,
            )
        except ValueError as exc:
            # e.g. "Requested tokens (5000) exceed context window of 4096"
            raise LLMError(
                f"llama-cpp refused the request: {_one_line(str(exc), 120)}; "
                "raise llama_context (RAG_LLAMA_CONTEXT) or send fewer passages (top_k)"
            ) from exc

    def complete(self, messages: list[Message]) -> str:
        with self._lock:
            response = self._create(messages, stream=False)
        try:
            choice = response["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"llama-cpp returned no reply from {self.model_path.name}") from exc
        if not isinstance(content, str):
            raise LLMError(f"llama-cpp returned no text from {self.model_path.name}")
        self._warn_if_cut(choice.get("finish_reason"))
        return content

    def stream(self, messages: list[Message]) -> Iterator[str]:
        with self._lock:
            finish: str | None = None
            for chunk in self._create(messages, stream=True):
                choices = chunk.get("choices") or []
                if not choices:
                    continue
                finish = choices[0].get("finish_reason") or finish
                content = (choices[0].get("delta") or {}).get("content")
                if isinstance(content, str) and content:
                    yield content
        self._warn_if_cut(finish)

    def _warn_if_cut(self, finish_reason: str | None) -> None:
        if finish_reason == "length":
            log.warning(
                "LLM reply cut at llm_max_tokens=%d; raise it for longer answers",
                self.max_tokens,
            )


# --- a fake for tests ----------------------------------------------------------------------

_PIECE = re.compile(r"^\s+|\S+\s*")


class ScriptedLLM:
    """A deterministic stand-in that replies from a queue, for tests of generation logic.

    Each call takes the next queued reply; a queued exception is raised instead (to test
    error handling). :attr:`history` keeps a copy of every message list received, in order.
    """

    name = "scripted"

    def __init__(self, replies: Iterable[str | Exception] | None = None) -> None:
        self._replies: deque[str | Exception] = deque(replies or [])
        self.history: list[list[Message]] = []

    def enqueue(self, reply: str | Exception) -> None:
        """Queue the reply (or the exception to raise) for a later call."""
        self._replies.append(reply)

    @property
    def remaining(self) -> int:
        """How many queued replies are left."""
        return len(self._replies)

    def _next(self, messages: list[Message]) -> str:
        self.history.append([dict(message) for message in messages])
        if not self._replies:
            raise LLMError(f"ScriptedLLM has no reply left for call {len(self.history)}")
        reply = self._replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        return reply

    def complete(self, messages: list[Message]) -> str:
        return self._next(messages)

    def stream(self, messages: list[Message]) -> Iterator[str]:
        # Taken at call time, as a real back-end sends its request at call time.
        reply = self._next(messages)
        return iter(_PIECE.findall(reply))


# --- choosing a back-end -------------------------------------------------------------------


def make_llm(settings: Settings) -> LLM | None:
    """The generator ``settings.backend`` names, or ``None`` for the extractive answerer."""
    match settings.backend:
        case "extractive":
            return None
        case "openai":
            return OpenAICompatibleLLM(settings)
        case "llama-cpp":
            return LlamaCppLLM(settings)
        case other:
            raise LLMError(f"unknown backend {other!r}; use extractive, openai or llama-cpp")
