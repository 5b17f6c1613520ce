"""Which llama-index LLM class a ``RAG_LLM`` value names, imported only when it is built.

``RAG_LLM`` is ``PREFIX:SPEC``. The prefix picks an integration from :data:`INTEGRATIONS`
(``ollama:llama3.1``, ``openai-like:qwen2.5@http://127.0.0.1:8000/v1``, ``openai:gpt-4o-mini``,
``llama-cpp:/models/q.gguf``, ``anthropic:claude-3-5-haiku-latest``, ...). A prefix with a dot
is a class path, so any integration a user installs works without code here:
``llama_index.llms.groq.Groq:llama-3.1-8b-instant`` builds ``Groq(model="llama-3.1-8b-instant")``.
:func:`register_llm` adds a prefix from Python.

Every build passes the timeout, retries, temperature 0 and the reply cap explicitly: nothing
comes from llama-index's global ``Settings`` (whose default is a hosted OpenAI model).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger("rag.llm")

DUMMY_API_KEY = "not-needed"
"""Sent when the key variable is unset: local servers ignore the key, the client needs one."""


class LLMConfigError(Exception):
    """A ``RAG_LLM`` value that cannot be turned into a model (re-raised as ``LLMError``)."""


Build = Callable[[str, "Settings"], dict[str, Any]]
"""(spec after the prefix, settings) -> keyword arguments for the class."""


@dataclass(frozen=True)
class Integration:
    """A llama-index LLM class, where it lives and what installs it."""

    module: str
    cls: str
    package: str
    build: Build
    where: Callable[[str, Settings], str] | None = None
    """The server the spec points at, for error messages (None: a library or a cloud)."""


def _api_key(settings: Settings) -> str:
    return os.environ.get(settings.openai_api_key_env) or DUMMY_API_KEY


def _split_url(spec: str, default: str) -> tuple[str, str]:
    """``MODEL@URL`` -> (model, url); a bare ``MODEL`` takes ``default``."""
    model, sep, url = spec.partition("@")
    return model.strip(), (url.strip() if sep else default).rstrip("/")


def _openai_like(spec: str, settings: Settings) -> dict[str, Any]:
    model, url = _split_url(spec, settings.openai_base_url)
    return {
        "model": model,
        "api_base": url,
        "api_key": _api_key(settings),
        # A chat server: send messages, not a flattened prompt; no tool calls.
        "is_chat_model": True,
        "is_function_calling_model": False,
        "context_window": settings.llm_context,
        **_common(settings),
    }


def _openai(spec: str, settings: Settings) -> dict[str, Any]:
    model, _, url = spec.partition("@")
    kwargs: dict[str, Any] = {"model": model, "api_key": _api_key(settings), **_common(settings)}
    if url:
        kwargs["api_base"] = url.rstrip("/")
    return kwargs


def _common(settings: Settings) -> dict[str, Any]:
    return {
        "temperature": 0.0,
        "max_tokens": settings.llm_max_tokens,
        "timeout": settings.llm_timeout,
        "max_retries": settings.llm_retries,
    }


def _ollama(spec: str, settings: Settings) -> dict[str, Any]:
    model, url = _split_url(spec, settings.ollama_url)
    return {
        "model": model,
        "base_url": url,
        "temperature": 0.0,
        "request_timeout": settings.llm_timeout,
        "context_window": settings.llm_context,
        "additional_kwargs": {"num_predict": settings.llm_max_tokens},
    }


def _llama_cpp(spec: str, settings: Settings) -> dict[str, Any]:
    if not spec.strip():
        raise LLMConfigError(
            "llama-cpp needs a GGUF model: RAG_LLM=llama-cpp:/path/model.gguf "
            "(or RAG_LLAMA_MODEL_PATH with RAG_BACKEND=llama-cpp)"
        )
    path = Path(spec).expanduser()
    if not path.is_file():
        raise LLMConfigError(
            f"GGUF model {str(path)!r} not found; give a .gguf file "
            "(RAG_LLM=llama-cpp:PATH or RAG_LLAMA_MODEL_PATH)"
        )
    return {
        "model_path": str(path),
        "temperature": 0.0,
        "max_new_tokens": settings.llm_max_tokens,
        "context_window": settings.llama_context,
        "model_kwargs": {"n_threads": settings.llama_threads},
        "verbose": False,
    }


def _model_only(spec: str, settings: Settings) -> dict[str, Any]:
    """Cloud integrations: the model name; keys come from their own usual variables."""
    return {
        "model": spec,
        "temperature": 0.0,
        "max_tokens": settings.llm_max_tokens,
        "timeout": settings.llm_timeout,
        "max_retries": settings.llm_retries,
    }


def _generic(spec: str, settings: Settings) -> dict[str, Any]:
    """A class we know nothing about: only what every llama-index LLM takes."""
    return {"model": spec, "temperature": 0.0}


INTEGRATIONS: dict[str, Integration] = {
    "openai-like": Integration(
        "llama_index.llms.openai_like",
        "OpenAILike",
        "llama-index-llms-openai-like",
        _openai_like,
        lambda spec, s: _split_url(spec, s.openai_base_url)[1],
    ),
    "openai": Integration(
        "llama_index.llms.openai",
        "OpenAI",
        "llama-index-llms-openai",
        _openai,
        lambda spec, s: spec.partition("@")[2] or "api.openai.com",
    ),
    "ollama": Integration(
        "llama_index.llms.ollama",
        "Ollama",
        "llama-index-llms-ollama",
        _ollama,
        lambda spec, s: _split_url(spec, s.ollama_url)[1],
    ),
    "llama-cpp": Integration(
        "llama_index.llms.llama_cpp", "LlamaCPP", "llama-index-llms-llama-cpp", _llama_cpp
    ),
    "anthropic": Integration(
        "llama_index.llms.anthropic", "Anthropic", "llama-index-llms-anthropic", _model_only
    ),
    "bedrock": Integration(
        "llama_index.llms.bedrock_converse",
        "BedrockConverse",
        "llama-index-llms-bedrock-converse",
        _model_only,
    ),
    "gemini": Integration(
        "llama_index.llms.google_genai",
        "GoogleGenAI",
        "llama-index-llms-google-genai",
        _model_only,
    ),
}


def register_llm(prefix: str, integration: Integration) -> None:
    """Make ``RAG_LLM=prefix:SPEC`` build ``integration``."""
    INTEGRATIONS[prefix] = integration


def resolve(value: str) -> tuple[str, str, Integration]:
    """``RAG_LLM`` -> (prefix, spec, integration); unknown prefixes raise LLMConfigError."""
    prefix, sep, spec = value.strip().partition(":")
    if not sep or not prefix:
        raise LLMConfigError(
            f"RAG_LLM={value!r} is not PREFIX:MODEL; e.g. ollama:llama3.1 or "
            "openai-like:MODEL@http://HOST:PORT/v1"
        )
    if prefix in INTEGRATIONS:
        return prefix, spec, INTEGRATIONS[prefix]
    if "." in prefix:  # a class path: any installed llama-index integration
        module, _, cls = prefix.rpartition(".")
        package = module.split(".")[0].replace("_", "-")
        if module.startswith("llama_index.llms."):
            package = "llama-index-llms-" + module.split(".")[2].replace("_", "-")
        return prefix, spec, Integration(module, cls, package, _generic)
    known = ", ".join(sorted(INTEGRATIONS))
    raise LLMConfigError(
        f"unknown RAG_LLM prefix {prefix!r}; use one of {known}, or a class path such as "
        "llama_index.llms.groq.Groq:MODEL"
    )


def build(value: str, settings: Settings) -> tuple[Any, str | None]:
    """The llama-index LLM object ``value`` names, and the server it talks to (if any)."""
    prefix, spec, integration = resolve(value)
    # Arguments first: a wrong path or spec is reported before any missing package.
    kwargs = integration.build(spec, settings)
    try:
        module = importlib.import_module(integration.module)
    except ImportError as exc:
        raise LLMConfigError(
            f"RAG_LLM={prefix}:... needs the package {integration.package}: "
            f"pip install {integration.package}"
        ) from exc
    cls = getattr(module, integration.cls, None)
    if cls is None:
        raise LLMConfigError(
            f"{integration.module} has no class {integration.cls}; "
            f"upgrade it: pip install -U {integration.package}"
        )
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict) and fields:
        # Integrations differ in what they accept (a timeout, a reply cap): pass what this
        # class has fields for, so one spec shape fits every integration.
        dropped = sorted(set(kwargs) - set(fields))
        kwargs = {k: v for k, v in kwargs.items() if k in fields}
        if dropped:
            log.debug("%s takes no %s; not passed", integration.cls, ", ".join(dropped))
    try:
        llm = cls(**kwargs)
    except Exception as exc:  # pydantic validation, missing keys, bad URLs
        detail = " ".join(str(exc).split())[:160]
        raise LLMConfigError(f"cannot set up {prefix}:{spec} ({detail})") from exc
    where = integration.where(spec, settings) if integration.where else None
    return llm, where
