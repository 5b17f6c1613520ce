"""Failures of any LLM integration as one line: what failed and what to change.

Integrations raise their own exception types (openai's, httpx's, anthropic's, ...). They are
recognised here by shape (a ``status_code``, a class named like a timeout or a connection
error) rather than by importing each library, so this works for integrations we never saw.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("rag.llm")

_DETAIL_CHARS = 200


class LLMError(Exception):
    """A generation failure, as one user-facing line: what failed and what to change.

    Example: ``LLM server at http://127.0.0.1:9/v1 not reachable after 3 tries: connection
    refused; check RAG_LLM``.
    """


def one_line(text: str, limit: int = _DETAIL_CHARS) -> str:
    """Whitespace collapsed, cut to ``limit`` characters, so a message stays one line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def tries(retries: int) -> str:
    count = retries + 1
    return f"{count} try" if count == 1 else f"{count} tries"


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or any("Timeout" in n for n in _names(exc))


def _is_connection(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionError) or bool(
        _names(exc) & {"APIConnectionError", "ConnectError", "ConnectionError", "NetworkError"}
    )


def translate(
    exc: Exception,
    *,
    name: str,
    where: str | None,
    retries: int,
    timeout: float | None,
    key_env: str,
    midstream: bool = False,
) -> LLMError:
    """``exc`` as one clear line; the full exception goes to the debug log."""
    if isinstance(exc, LLMError):
        return exc
    log.debug("LLM %s failed", name, exc_info=exc)
    at = f"LLM server at {where}" if where else f"LLM {name}"
    n = tries(retries)
    wait = f"llm_timeout={timeout:g} s" if timeout else "the time-out"
    if _is_timeout(exc):
        if midstream:
            return LLMError(
                f"{at} stopped sending for more than {wait} mid-reply (timeout); "
                "raise RAG_LLM_TIMEOUT or check the server"
            )
        return LLMError(
            f"{at} timed out: no answer within {wait} ({n}); "
            "raise RAG_LLM_TIMEOUT or check the server"
        )
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int):
        return LLMError(_status_message(exc, status, at, name, retries, key_env))
    if _is_connection(exc):
        return LLMError(f"{at} not reachable after {n}: {_connection_reason(exc)}; check RAG_LLM")
    if isinstance(exc, IndexError | KeyError):  # a well-formed reply with nothing in it
        return LLMError(f"{at} returned no choices for {name!r}; check the model name in RAG_LLM")
    if isinstance(exc, ValueError):  # json.JSONDecodeError, pydantic errors
        return LLMError(
            f"{at} sent a malformed {'stream' if midstream else 'response'} "
            f"({one_line(str(exc), 80)}); check that it speaks the API RAG_LLM says"
        )
    if midstream:
        return LLMError(
            f"{at} broke off mid-reply: {one_line(str(exc) or type(exc).__name__)}; "
            "check the server"
        )
    return LLMError(f"{at} failed: {type(exc).__name__}: {one_line(str(exc))}")


def _status_message(
    exc: Exception, status: int, at: str, name: str, retries: int, key_env: str
) -> str:
    detail = _server_detail(exc)
    head = f"{at} answered HTTP {status}"
    if detail:
        head += f" ({detail})"
    if status in (401, 403):
        hint = f"check the API key in ${key_env} (setting openai_api_key_env)"
    elif status == 404:
        hint = f"check the model ({name!r}) and the server address in RAG_LLM"
    elif status == 429:
        hint = f"rate-limited after {tries(retries)}; wait or raise RAG_LLM_RETRIES"
    elif status >= 500:
        hint = f"server error after {tries(retries)}; check the server's log"
    elif status in (400, 413, 422):
        hint = "the request was refused; lower llm_max_tokens or top_k if it is too long"
    else:
        hint = "check RAG_LLM"
    return f"{head}; {hint}"


def _server_detail(exc: Any) -> str:
    """The server's own error message from an HTTP error body, if it gave one."""
    body = getattr(exc, "body", None)
    message: Any = None
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
    elif isinstance(body, str):
        message = body
    return one_line(message, 120) if message else ""


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
    return one_line(re.sub(r"\[Errno -?\d+\]\s*", "", text), 120) or "connection failed"
