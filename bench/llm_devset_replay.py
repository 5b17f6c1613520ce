"""Recording and replaying the model's replies for bench/llm_devset.py: the answer writer with
every prompt and reply kept (Recorder), the replies of an earlier run found by their prompt
(Replayer), and the recorded questions of earlier reports (merge_recorded).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


class Recorder:
    """The answer writer, with every prompt and reply kept: a run's replies can be checked
    again by a later verifier (``--replay``) without asking the model again."""

    name = "recorder"

    def __init__(self, inner: Any, stop_loops: bool = False) -> None:
        self.inner = inner
        self.stop_loops = stop_loops  # stop a streamed reply at its first repeated line
        self.loops_cut = 0
        self.calls: list[tuple[str, str]] = []  # (the prompt's quotes and question, reply)

    def complete(self, messages: list[dict[str, str]]) -> str:
        reply = str(self.inner.complete(messages))
        self.calls.append((messages[-1]["content"], reply))
        return reply

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        pieces: list[str] = []
        inner = self.inner.stream(messages)
        try:
            for piece in inner:
                pieces.append(piece)
                yield piece
                if self.stop_loops and "\n" in piece and repeats_a_line("".join(pieces)):
                    self.loops_cut += 1
                    break
        finally:
            close = getattr(inner, "close", None)
            if close is not None:
                close()  # stops generation: the local model samples as it is read
            self.calls.append((messages[-1]["content"], "".join(pieces)))


def repeats_a_line(text: str) -> bool:
    """Whether a finished line of ``text`` says again what an earlier line said. Small models
    loop ("[1][2] INSUFFICIENT" to the token limit); the parser takes a repeated sentence and
    a refusal after an answer for no claim, so what follows the first repeat changes nothing
    the verifier keeps, and is not worth generating on a 2-core machine."""
    from rag.markers import MARKERS

    # markers left out: "[1][2] INSUFFICIENT", "[1][2][3] INSUFFICIENT" is one loop
    lines = [" ".join(MARKERS.sub(" ", line).split()) for line in text.split("\n")[:-1]]
    lines = [line for line in lines if line]
    return len(lines) != len(set(lines))


class Replayer:
    """Replies recorded by an earlier run, found by their prompt. A prompt that changed (other
    evidence was picked) has no reply: it goes to ``fallback`` (the live model, ``--reask``)
    when there is one, else that question fails and says so."""

    name = "replay"

    def __init__(self, replies: dict[str, str], fallback: Recorder | None = None) -> None:
        self.replies = replies
        self.fallback = fallback
        self.reasked = 0

    def complete(self, messages: list[dict[str, str]]) -> str:
        return "".join(self.stream(messages))

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        prompt = messages[-1]["content"]
        if prompt in self.replies:
            return iter([self.replies[prompt]])
        if self.fallback is None:
            raise RuntimeError("the prompt differs from the recorded run's (other evidence)")
        self.reasked += 1
        return self.fallback.stream(messages)


def merge_recorded(paths: Sequence[Path]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The first report's summary and every question the reports recorded, by id, in the
    order first met (a question recorded twice keeps the later report's entry)."""
    summary: dict[str, Any] = {}
    by_id: dict[str, dict[str, Any]] = {}
    for path in paths:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SystemExit(f"error: cannot read the report {path}: {exc}") from exc
        summary = summary or report.get("summary", {})
        for p in report.get("questions", []):
            by_id[p["id"]] = p
    return summary, by_id
