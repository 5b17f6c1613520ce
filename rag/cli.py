"""The ``rag`` command. Subcommands live beside the code they drive and load on demand.

This module is the composition root: it is the one place that names commands from ``index``,
``rag``, ``ui`` and ``eval``, so that the packages themselves keep their one-way imports.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

from index.clikit import setup_logging

_COMMANDS = {
    "ingest": "index.cli:ingest",
    "investigations": "index.cli_investigations:investigations",
    "remove": "index.cli:remove",
    "sources": "index.cli:sources",
    "ask": "rag.cli_ask:ask",
    "batch": "rag.cli_ask:batch",
    "check": "rag.cli_check:check",
    "recheck": "rag.cli_recheck:recheck",
    "eval": "eval.cli:eval_command",
    "ui": "ui.cli:ui",
    "verify-evidence": "rag.cli_evidence:verify_evidence_command",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that command (or the help) needs it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # a missing dependency is an error worth seeing
                raise
            return None
        command: click.Command = getattr(module, attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (to stderr).")
@click.option(
    "-i",
    "--investigation",
    default=None,
    metavar="NAME",
    help="Work in this named investigation (its own store; created on first ingest). "
    "See: rag investigations.",
)
@click.version_option(package_name="rag-cite")
def cli(verbose: bool, investigation: str | None) -> None:
    """Citation-first answers from your own documents, offline.

    Every answer sentence carries a citation to an exact quote, checked before it is shown.
    """
    setup_logging(verbose)
    if investigation is not None:
        from index.investigations import InvestigationError, check_name

        try:
            name = check_name(investigation)
        except InvestigationError as exc:
            raise click.BadParameter(str(exc), param_hint="--investigation") from None
        # Every command builds its settings from the environment: this reaches them all.
        os.environ["RAG_INVESTIGATION"] = name


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="rag")


if __name__ == "__main__":
    main()
