"""Answer writers: any llama-index ``LLM`` behind one small interface.

The answer composer needs two calls, ``complete(messages)`` and ``stream(messages)``, and one
kind of failure, :class:`LLMError`, whose message is one line saying what failed and what to
change. :class:`LlamaIndexLLM` gives that over any llama-index LLM object (Ollama, an
OpenAI-compatible server, OpenAI, llama.cpp, Anthropic, ...): the HTTP, retries, timeouts and
streaming are the integration's; what stays ours is the error wording and the check that a
reply has text. :class:`ScriptedLLM` is a deterministic fake for tests of generation logic.

:func:`make_llm` builds one from the settings (``RAG_BACKEND=llm`` + ``RAG_LLM=PREFIX:SPEC``,
see :mod:`rag.llm_registry`; the old ``openai`` and ``llama-cpp`` back-ends are aliases).
Nothing heavy is imported until a back-end is built.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rag.llm_errors import LLMError, one_line, translate
from rag.llm_registry import DUMMY_API_KEY, LLMConfigError

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "DUMMY_API_KEY",
    "LLM",
    "LLMError",
    "LlamaIndexLLM",
    "Message",
    "ScriptedLLM",
    "llm_spec",
    "make_llm",
    "wrap_llm",
]

Message = dict[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": ...}``."""


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


# --- any llama-index LLM -------------------------------------------------------------------


class LlamaIndexLLM:
    """A llama-index ``LLM`` object as an answer writer.

    ``where`` names the server for error messages; ``retries``/``timeout`` are only quoted in
    them (the integration itself retries and times out).
    """

    def __init__(
        self,
        llm: Any,
        name: str | None = None,
        *,
        where: str | None = None,
        retries: int = 0,
        timeout: float | None = None,
        max_tokens: int | None = None,
        key_env: str = "OPENAI_API_KEY",
    ) -> None:
        self.llm = llm
        self.name = name or _default_name(llm)
        self.where = where
        self.retries = retries
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.key_env = key_env

    @staticmethod
    def _chat(messages: list[Message]) -> list[Any]:
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]

    def _fail(self, exc: Exception, midstream: bool = False) -> LLMError:
        return translate(
            exc,
            name=self.name,
            where=self.where,
            retries=self.retries,
            timeout=self.timeout,
            key_env=self.key_env,
            midstream=midstream,
        )

    def complete(self, messages: list[Message]) -> str:
        try:
            response = self.llm.chat(self._chat(messages))
        except Exception as exc:
            raise self._fail(exc) from exc
        content = getattr(getattr(response, "message", None), "content", None)
        if not isinstance(content, str) or not content.strip():
            raise LLMError(
                f"LLM {self.name} {self._at()}returned no text; try again or another model"
            )
        self._warn_if_cut(getattr(response, "raw", None))
        return content

    def stream(self, messages: list[Message]) -> Iterator[str]:
        # The request goes out at call time (errors such as "not reachable" surface here,
        # not at the first next()), as the answer composer expects.
        try:
            responses = iter(self.llm.stream_chat(self._chat(messages)))
            first = next(responses, None)
        except Exception as exc:
            raise self._fail(exc) from exc
        return self._deltas(first, responses)

    def _deltas(self, first: Any, responses: Iterator[Any]) -> Iterator[str]:
        any_text = False
        last: Any = None
        response = first
        try:
            while response is not None:
                last = response
                delta = getattr(response, "delta", None)
                if isinstance(delta, str) and delta:
                    any_text = True
                    yield delta
                response = next(responses, None)
        except LLMError:
            raise
        except Exception as exc:
            raise self._fail(exc, midstream=True) from exc
        if not any_text:
            raise LLMError(f"LLM {self.name} {self._at()}streamed no text; check the model name")
        self._warn_if_cut(getattr(last, "raw", None))

    def _at(self) -> str:
        return f"at {self.where} " if self.where else ""

    def _warn_if_cut(self, raw: Any) -> None:
        if _finish_reason(raw) in ("length", "max_tokens"):
            log.warning(
                "LLM reply cut at llm_max_tokens=%s; raise it for longer answers",
                self.max_tokens,
            )


def _finish_reason(raw: Any) -> str | None:
    """The stop reason in an integration's raw reply (OpenAI objects or plain dicts)."""
    if raw is None:
        return None
    choices = raw.get("choices") if isinstance(raw, dict) else getattr(raw, "choices", None)
    if choices:
        choice = choices[0]
        reason = (
            choice.get("finish_reason")
            if isinstance(choice, dict)
            else getattr(choice, "finish_reason", None)
        )
        return str(reason) if reason else None
    reason = raw.get("stop_reason") if isinstance(raw, dict) else getattr(raw, "stop_reason", None)
    return str(reason) if reason else None


def _default_name(llm: Any) -> str:
    model = getattr(llm, "model", None) or getattr(llm, "model_name", None)
    kind = type(llm).__name__
    return f"{kind}:{model}" if model else kind


def wrap_llm(llm: Any, settings: Settings | None = None) -> LLM:
    """Our interface over ``llm``: a llama-index LLM object, or one of ours (returned as is)."""
    if isinstance(llm, LLM):
        return llm
    if not (hasattr(llm, "chat") and hasattr(llm, "stream_chat")):
        raise LLMError(
            f"{type(llm).__name__} is not a llama-index LLM (it has no chat/stream_chat); "
            "pass e.g. llama_index.llms.ollama.Ollama(...)"
        )
    return LlamaIndexLLM(
        llm,
        retries=settings.llm_retries if settings else 0,
        max_tokens=settings.llm_max_tokens if settings else None,
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


def llm_spec(settings: Settings) -> str | None:
    """The ``RAG_LLM`` value the settings mean (aliases resolved), or None for extractive."""
    match settings.backend:
        case "extractive":
            return None
        case "llm":
            if not settings.llm:
                raise LLMError(
                    "RAG_BACKEND=llm needs RAG_LLM, e.g. ollama:llama3.1, "
                    "openai-like:MODEL@http://HOST:PORT/v1 or llama-cpp:/path/model.gguf"
                )
            return settings.llm
        case "openai":  # the old name: an OpenAI-compatible server
            return f"openai-like:{settings.openai_model}@{settings.openai_base_url}"
        case "llama-cpp":
            return f"llama-cpp:{settings.llama_model_path or ''}"
        case other:
            raise LLMError(f"unknown backend {other!r}; use extractive or llm (with RAG_LLM)")


def make_llm(settings: Settings) -> LLM | None:
    """The answer writer the settings name, or ``None`` for the extractive answerer."""
    from rag.llm_registry import build

    spec = llm_spec(settings)
    if spec is None:
        return None
    try:
        llm, where = build(spec, settings)
    except LLMConfigError as exc:
        raise LLMError(str(exc)) from exc
    return LlamaIndexLLM(
        llm,
        name=spec.split("@")[0],
        where=where,
        retries=settings.llm_retries,
        timeout=settings.llm_timeout,
        max_tokens=settings.llm_max_tokens,
        key_env=settings.openai_api_key_env,
    )


def describe(exc: BaseException) -> str:
    """One line for any exception (for logs and the UI)."""
    return one_line(str(exc) or type(exc).__name__)
