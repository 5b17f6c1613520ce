"""The Gradio chat UI over the public API of ``rag`` (``rag ui``).

Importing ``rag`` first sets the offline environment (analytics and telemetry off) before
anything in this package can import gradio.
"""

import rag  # noqa: F401
