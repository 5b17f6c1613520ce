"""What every CLI command shares: settings from options, and one clear line per error."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# Errors that are the user's to fix: their message is the whole story, no traceback.
_EXPECTED = (
    "StoreError",
    "ModelError",
    "LLMError",
    "ValidationError",
    "FactsError",
    "UIError",
    "InputError",
    "EvidenceError",
    "InvestigationError",
)


def expected_errors(func: F) -> F:
    """Turn expected exceptions into ``error: <one line>`` and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            if type(exc).__name__ not in _EXPECTED:
                raise
            message = str(exc)
            if type(exc).__name__ == "ValidationError":
                errors: list[dict[str, Any]] = getattr(exc, "errors", lambda: [])()
                message = (
                    "; ".join(
                        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                        for e in errors
                    )
                    or message.splitlines()[0]
                )
                message = f"invalid setting: {message}"
            click.echo(
                f"error: {message.splitlines()[0] if message else type(exc).__name__}", err=True
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def store_option(func: F) -> F:
    return click.option(
        "--store",
        type=click.Path(file_okay=False),
        default=None,
        help="Index folder (default: $RAG_STORE or ~/.local/share/rag-cite/store).",
    )(func)


def lock_timeout_option(func: F) -> F:
    return click.option(
        "--lock-timeout",
        type=float,
        default=None,
        help="Seconds to wait while another writer holds the store (0: fail at once, "
        "-1: wait for ever; default $RAG_LOCK_TIMEOUT or 600).",
    )(func)


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
