"""Named investigations: one store per story, all under one home folder.

``<home>/investigations/<name>/`` is the store of investigation ``name``; the home is
``$RAG_HOME``, else ``$XDG_DATA_HOME/rag-cite``, else ``~/.local/share/rag-cite`` (where the
default store, ``<home>/store``, lives too). Names are plain folder names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^[\w][\w .-]{0,63}$")


class InvestigationError(Exception):
    """A bad investigation name; the message is one line."""


def home() -> Path:
    """The folder that holds the default store and the investigations."""
    explicit = os.environ.get("RAG_HOME")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "rag-cite"


def check_name(name: str) -> str:
    """``name`` if it can be a folder name of its own, else InvestigationError."""
    name = name.strip()
    if not _NAME.match(name) or name in (".", "..") or name.endswith((".", " ")):
        raise InvestigationError(
            f"investigation name {name!r} must be 1-64 letters, digits, spaces, '.', '_' or '-'"
        )
    return name


def investigation_store(name: str) -> Path:
    """The store folder of investigation ``name``."""
    return home() / "investigations" / check_name(name)


@dataclass(frozen=True)
class Investigation:
    name: str
    store: Path


def list_investigations() -> list[Investigation]:
    """Every investigation that has a store folder, by name."""
    folder = home() / "investigations"
    if not folder.is_dir():
        return []
    return [
        Investigation(p.name, p)
        for p in sorted(folder.iterdir(), key=lambda p: p.name.lower())
        if p.is_dir() and not p.name.startswith(".")
    ]
