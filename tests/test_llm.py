"""Generation back-ends: the scripted fake, llama-index's OpenAI-like integration against a
real local stub server (retries, timeouts, streaming and error lines are the integration's
plus our wording), the RAG_LLM registry, and (opt-in) a real GGUF model through llama-cpp.

Nothing here leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openai_stub import OpenAIStub

from index.settings import Settings
from rag.llm import LLM, LlamaIndexLLM, LLMError, Message, ScriptedLLM, make_llm

MESSAGES: list[Message] = [
    {"role": "system", "content": "Answer from the sources only."},
    {"role": "user", "content": "What is the capital of France?"},
]
KEY_ENV = "RAG_TEST_LLM_KEY"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy may reroute the client: every request goes straight to 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv(KEY_ENV, raising=False)


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    with OpenAIStub() as server:
        yield server


def settings_for(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "backend": "llm",
        "llm": f"openai-like:test-model@{base_url}",
        "openai_api_key_env": KEY_ENV,
        "llm_timeout": 5.0,
        "llm_retries": 0,
        "llm_max_tokens": 64,
    }
    values.update(overrides)
    return Settings(**values)


def client_for(stub: OpenAIStub, **overrides: Any) -> LLM:
    llm = make_llm(settings_for(stub.base_url, **overrides))
    assert isinstance(llm, LlamaIndexLLM)
    return llm


def client_for_url(url: str, **overrides: Any) -> LLM:
    llm = make_llm(settings_for(url, **overrides))
    assert llm is not None
    return llm


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- ScriptedLLM ----------------------------------------------------------------------------


def test_scripted_replies_in_order_and_records_history() -> None:
    llm = ScriptedLLM(["first"])
    llm.enqueue("second")
    assert isinstance(llm, LLM)
    assert llm.complete(MESSAGES) == "first"
    assert llm.complete([{"role": "user", "content": "again"}]) == "second"
    assert llm.history == [MESSAGES, [{"role": "user", "content": "again"}]]
    assert llm.remaining == 0


def test_scripted_history_is_a_copy() -> None:
    llm = ScriptedLLM(["ok"])
    messages: list[Message] = [{"role": "user", "content": "q"}]
    llm.complete(messages)
    messages[0]["content"] = "changed"
    assert llm.history[0][0]["content"] == "q"


def test_scripted_stream_yields_word_pieces_that_join_to_the_reply() -> None:
    reply = "  Paris is the capital [1].\nIt is large. "
    llm = ScriptedLLM([reply])
    pieces = list(llm.stream(MESSAGES))
    assert "".join(pieces) == reply
    assert pieces[:3] == ["  ", "Paris ", "is "]
    assert len(pieces) == 9
    assert llm.history == [MESSAGES]


def test_scripted_exhaustion_raises_llmerror() -> None:
    llm = ScriptedLLM()
    with pytest.raises(LLMError, match="no reply left"):
        llm.complete(MESSAGES)
    with pytest.raises(LLMError, match="no reply left"):
        llm.stream(MESSAGES)


def test_scripted_queued_exception_is_raised() -> None:
    llm = ScriptedLLM([LLMError("server down"), "after"])
    with pytest.raises(LLMError, match="server down"):
        llm.complete(MESSAGES)
    assert llm.complete(MESSAGES) == "after"


# --- openai-like (llama-index) against the stub ---------------------------------------------------


def test_openai_complete_sends_model_messages_and_temperature_zero(stub: OpenAIStub) -> None:
    stub.enqueue_reply("Paris [1].")
    llm = client_for(stub)
    assert llm.name == "openai-like:test-model"
    assert llm.complete(MESSAGES) == "Paris [1]."
    assert len(stub.requests) == 1
    body = stub.requests[0]
    assert body["model"] == "test-model"
    assert body["messages"] == MESSAGES
    assert body["temperature"] == 0
    assert body["max_tokens"] == 64
    assert not body.get("stream")


def test_openai_stream_yields_deltas(stub: OpenAIStub) -> None:
    stub.enqueue_reply("Paris is the capital of France [1].")
    pieces = list(client_for(stub).stream(MESSAGES))
    assert len(pieces) > 1
    assert "".join(pieces) == "Paris is the capital of France [1]."
    assert stub.requests[0]["stream"] is True
    assert stub.requests[0]["temperature"] == 0


def test_openai_api_key_comes_from_the_named_env_variable(
    stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-from-env")
    stub.enqueue_reply("ok")
    client_for(stub).complete(MESSAGES)
    assert stub.headers[0]["authorization"] == "Bearer sk-from-env"


def test_openai_dummy_key_when_env_unset(stub: OpenAIStub) -> None:
    stub.enqueue_reply("ok")
    client_for(stub).complete(MESSAGES)
    assert stub.headers[0]["authorization"] == "Bearer not-needed"


def test_openai_retries_a_500_then_succeeds(stub: OpenAIStub) -> None:
    stub.enqueue_status(500)
    stub.enqueue_reply("second time lucky")
    assert client_for(stub, llm_retries=1).complete(MESSAGES) == "second time lucky"
    assert len(stub.requests) == 2


def test_openai_500_after_retries_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_status(500, retry_after=0.01)
    stub.enqueue_status(503, retry_after=0.01)
    with pytest.raises(LLMError, match=r"HTTP 503.*2 tries") as info:
        client_for(stub, llm_retries=1).complete(MESSAGES)
    assert "\n" not in str(info.value)
    assert len(stub.requests) == 2


def test_openai_401_is_llmerror_naming_status_and_key_variable(stub: OpenAIStub) -> None:
    stub.enqueue_status(401, "Invalid API key")
    with pytest.raises(LLMError) as info:
        client_for(stub, llm_retries=2).complete(MESSAGES)
    message = str(info.value)
    assert "401" in message
    assert "Invalid API key" in message
    assert KEY_ENV in message
    assert len(stub.requests) == 1  # 4xx other than 429 is not retried


def test_openai_429_is_retried(stub: OpenAIStub) -> None:
    stub.enqueue_status(429, retry_after=0.01)
    stub.enqueue_reply("ok")
    assert client_for(stub, llm_retries=1).complete(MESSAGES) == "ok"


def test_openai_404_points_at_the_model(stub: OpenAIStub) -> None:
    stub.enqueue_status(404, "model 'test-model' not found")
    with pytest.raises(LLMError, match=r"HTTP 404.*model.*RAG_LLM"):
        client_for(stub).complete(MESSAGES)


def test_openai_status_error_on_stream(stub: OpenAIStub) -> None:
    stub.enqueue_status(401)
    with pytest.raises(LLMError, match="401"):
        client_for(stub).stream(MESSAGES)


def test_openai_timeout_is_llmerror_and_quick(stub: OpenAIStub) -> None:
    stub.enqueue_delay(2.0, "late")
    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out") as info:
        client_for(stub, llm_timeout=0.5, llm_retries=0).complete(MESSAGES)
    assert time.monotonic() - started < 1.9
    assert "llm_timeout" in str(info.value)


def test_openai_timeout_on_stream_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_delay(2.0, "late")
    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out"):
        list(client_for(stub, llm_timeout=0.5, llm_retries=0).stream(MESSAGES))
    assert time.monotonic() - started < 1.9


def test_openai_malformed_json_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_malformed()
    with pytest.raises(LLMError, match="malformed"):
        client_for(stub).complete(MESSAGES)


def test_openai_malformed_midstream_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_malformed()
    received: list[str] = []
    with pytest.raises(LLMError, match="malformed stream"):
        for piece in client_for(stub).stream(MESSAGES):
            received.append(piece)
    assert received == ["Hal"]


def test_openai_empty_choices_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_empty_choices()
    with pytest.raises(LLMError, match="no choices"):
        client_for(stub).complete(MESSAGES)


def test_openai_empty_choices_on_stream_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_empty_choices()
    with pytest.raises(LLMError, match="streamed no text"):
        list(client_for(stub).stream(MESSAGES))


def test_openai_null_content_is_llmerror(stub: OpenAIStub) -> None:
    stub.enqueue_null_content()
    with pytest.raises(LLMError, match="no text"):
        client_for(stub).complete(MESSAGES)


def test_openai_connection_refused_is_llmerror() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    llm = client_for_url(url, llm_retries=0)
    with pytest.raises(LLMError) as info:
        llm.complete(MESSAGES)
    message = str(info.value)
    assert "not reachable" in message
    assert "connection refused" in message
    assert url in message
    assert "RAG_LLM" in message
    with pytest.raises(LLMError, match="not reachable"):
        llm.stream(MESSAGES)


def test_openai_reply_cut_at_max_tokens_is_logged(
    stub: OpenAIStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.enqueue_reply("Paris is", finish_reason="length")
    with caplog.at_level("WARNING", logger="rag.llm"):
        assert client_for(stub).complete(MESSAGES) == "Paris is"
    assert "llm_max_tokens" in caplog.text


# --- make_llm and the RAG_LLM registry ---------------------------------------------------


def test_make_llm_extractive_is_none() -> None:
    assert make_llm(Settings(backend="extractive")) is None


def test_make_llm_builds_the_llama_index_integration(stub: OpenAIStub) -> None:
    from llama_index.llms.openai_like import OpenAILike

    llm = make_llm(settings_for(stub.base_url, llm_timeout=7.0, llm_retries=3))
    assert isinstance(llm, LlamaIndexLLM)
    assert isinstance(llm.llm, OpenAILike)
    assert llm.llm.api_base == stub.base_url
    assert llm.llm.timeout == 7.0
    assert llm.llm.max_retries == 3
    assert llm.llm.temperature == 0
    assert stub.requests == []  # building the client sends nothing


def test_old_openai_backend_name_is_an_alias(stub: OpenAIStub) -> None:
    settings = Settings(
        backend="openai",
        openai_base_url=stub.base_url,
        openai_model="old-name-model",
        openai_api_key_env=KEY_ENV,
        llm_retries=0,
    )
    stub.enqueue_reply("Still works.")
    llm = make_llm(settings)
    assert llm is not None and llm.name == "openai-like:old-name-model"
    assert llm.complete(MESSAGES) == "Still works."
    assert stub.requests[0]["model"] == "old-name-model"


def test_backend_llm_needs_rag_llm() -> None:
    with pytest.raises(LLMError, match="RAG_BACKEND=llm needs RAG_LLM"):
        make_llm(Settings(backend="llm"))


def test_unknown_prefix_names_the_known_ones() -> None:
    with pytest.raises(LLMError, match=r"unknown RAG_LLM prefix 'nope'.*ollama"):
        make_llm(Settings(backend="llm", llm="nope:model"))
    with pytest.raises(LLMError, match="not PREFIX:MODEL"):
        make_llm(Settings(backend="llm", llm="just-a-model"))


@pytest.mark.parametrize(
    ("value", "package"),
    [
        ("anthropic:claude-3-5-haiku-latest", "llama-index-llms-anthropic"),
        ("gemini:gemini-2.0-flash", "llama-index-llms-google-genai"),
        ("llama_index.llms.groq.Groq:llama-3.1-8b", "llama-index-llms-groq"),
    ],
)
def test_missing_integration_names_the_package_to_install(value: str, package: str) -> None:
    with pytest.raises(LLMError, match=f"pip install {package}$"):
        make_llm(Settings(backend="llm", llm=value))


def test_class_path_builds_any_installed_integration() -> None:
    """A prefix with a dot is a class path: here llama-index's own MockLLM."""
    llm = make_llm(Settings(backend="llm", llm="llama_index.core.llms.MockLLM:any"))
    assert isinstance(llm, LlamaIndexLLM)
    assert type(llm.llm).__name__ == "MockLLM"


def test_ollama_integration_is_built_with_our_timeout() -> None:
    pytest.importorskip("llama_index.llms.ollama", reason="llama-index-llms-ollama not installed")
    llm = make_llm(Settings(backend="llm", llm="ollama:llama3.1", llm_timeout=9.0))
    assert isinstance(llm, LlamaIndexLLM)
    assert llm.llm.model == "llama3.1"
    assert llm.llm.request_timeout == 9.0
    assert llm.llm.temperature == 0


def test_llama_cpp_alias_needs_a_model_path() -> None:
    # The path is checked before the integration is even built.
    with pytest.raises(LLMError, match="GGUF"):
        make_llm(Settings(backend="llama-cpp", llama_model_path=None))
    with pytest.raises(LLMError, match="not found"):
        make_llm(Settings(backend="llama-cpp", llama_model_path=Path("/nowhere/m.gguf")))


def test_llama_cpp_without_the_package_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_index.llms.llama_cpp", None)  # import fails
    with pytest.raises(LLMError, match="pip install llama-index-llms-llama-cpp"):
        make_llm(Settings(backend="llm", llm=f"llama-cpp:{model}"))


def test_any_llama_index_llm_object_writes_answers(tmp_path: Path) -> None:
    """open_store(llm=<llama-index LLM>) makes it the answer writer; our verification stays."""
    from llama_index.core.llms import MockLLM

    from rag import open_store

    rag = open_store(tmp_path / "store", llm=MockLLM(max_tokens=8))
    assert rag.settings.backend == "llm"
    writer = rag._llm("llm")
    assert isinstance(writer, LlamaIndexLLM) and writer.llm.__class__ is MockLLM
    assert "".join(writer.stream(MESSAGES))  # MockLLM echoes something back
    with pytest.raises(LLMError, match="not a llama-index LLM"):
        open_store(tmp_path / "store", llm=object())


def test_openai_import_is_lazy() -> None:
    """Importing rag.llm must not import openai (CLI start-up time)."""
    import subprocess

    code = (
        "import sys, rag.llm; "
        "sys.exit(any(m in sys.modules for m in ('openai', 'llama_cpp', 'llama_index.llms')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()


# --- a real GGUF model (opt-in) ------------------------------------------------------------


def _gguf_path() -> Path:
    value = os.environ.get("RAG_TEST_GGUF", "")
    if not value:
        pytest.skip("set RAG_TEST_GGUF=/path/model.gguf to run the real-model test")
    path = Path(value).expanduser()
    if path.suffix != ".gguf" or not path.is_file():
        pytest.skip(f"RAG_TEST_GGUF={value!r} is not an existing .gguf file")
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    pytest.importorskip("llama_index.llms.llama_cpp", reason="make llama-cpp installs it")
    return path


@pytest.mark.gguf
def test_real_gguf_answers_and_streams() -> None:
    path = _gguf_path()
    settings = Settings(
        backend="llm",
        llm=f"llama-cpp:{path}",
        llama_context=1024,
        llama_threads=2,
        llm_max_tokens=32,
    )
    llm = make_llm(settings)
    assert isinstance(llm, LlamaIndexLLM)
    messages: list[Message] = [
        {"role": "system", "content": "Answer in one short sentence, from the context only."},
        {
            "role": "user",
            "content": "Context: [1] The office cat is called Tofu.\n\n"
            "Question: What is the office cat called?",
        },
    ]
    answer = llm.complete(messages)
    assert answer.strip()
    pieces = list(llm.stream(messages))
    assert len(pieces) > 1
    assert "".join(pieces).strip()
