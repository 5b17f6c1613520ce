# The README's two commands are `make run` and `make test`; both rest on `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
SAMPLES := samples
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test lint types check-eval browser bench clean

install: $(STAMP)

# torch==2.13.0 goes first and stays pinned (constraints.txt): a bare `torch` pulled by
# sentence-transformers would resolve to a multi-GB CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/rag ingest $(SAMPLES)
	$(BIN)/rag ui

# Debian's Chromium for the browser test (playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy rag index ui eval tests

test: install browser lint types
	$(BIN)/pytest -q
	$(BIN)/rag eval

bench: install
	$(BIN)/python bench/ingest_bench.py ../shared/bench/multihop-rag-sample/docs

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
