"""Who may reach the UI: loopback by default, a password required for anything else.

Kept free of gradio so the CLI can refuse a bad bind before loading anything heavy.
"""

from __future__ import annotations

import ipaddress


class UIError(Exception):
    """A UI setting the user must change; the CLI prints the message as one line."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"; any other name or address is public."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        # A host name other than localhost may resolve to anything: treat it as public.
        return False


def check_bind(host: str, password: str | None, force_public: bool = False) -> None:
    """Refuse to serve on a non-loopback address without a password (unless forced)."""
    if is_loopback(host) or password or force_public:
        return
    raise UIError(
        f"refusing to serve the UI on {host} without a password: set RAG_UI_PASSWORD "
        "(user 'rag'), bind to 127.0.0.1, or pass --force-public"
    )
