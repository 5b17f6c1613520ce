"""``rag ui``: serve the chat UI. Only click is imported at module level: ``rag --help`` and
the other commands must not pay for importing gradio."""

from __future__ import annotations

import click

from rag import expected_errors, store_option


@click.command("ui")
@click.option(
    "--host",
    default=None,
    help="Address to bind (default: $RAG_UI_HOST or 127.0.0.1). Anything but loopback "
    "needs RAG_UI_PASSWORD (user 'rag') or --force-public.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port (default: $RAG_UI_PORT or 7860).",
)
@store_option
@click.option(
    "--backend",
    type=click.Choice(["extractive", "llm", "openai", "llama-cpp"]),
    default=None,
    help="Default answer back-end (default: $RAG_BACKEND or extractive).",
)
@click.option(
    "--force-public",
    is_flag=True,
    help="Serve on a non-loopback address even without a password (anyone who can reach "
    "the port can read your documents).",
)
@expected_errors
def ui(
    host: str | None, port: int | None, store: str | None, backend: str | None, force_public: bool
) -> None:
    """Chat with your documents in the browser: streamed answers, clickable citations,
    upload and delete sources. Never opens a share link."""
    import logging

    from rag import get_settings
    from ui.bind import check_bind

    settings = get_settings(store=store, backend=backend, ui_host=host, ui_port=port)
    # Refuse a public bind before the seconds spent loading the model and gradio.
    check_bind(settings.ui_host, settings.ui_password, force_public)
    if force_public and not settings.ui_password:
        logging.getLogger(__name__).warning(
            "serving on %s without a password (--force-public)", settings.ui_host
        )

    from rag import RAG
    from ui.app import launch

    rag = RAG(settings)
    app = launch(rag, force_public=force_public, prevent_thread_lock=True)
    click.echo(f"rag-cite UI on {app.local_url} (store {settings.store}); Ctrl+C stops it")
    try:
        app.block_thread()
    finally:
        app.close()
