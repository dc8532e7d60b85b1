# Every target makes and uses .venv itself, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hub migrate
	$(BIN)/hub demo --if-empty
	$(BIN)/hub serve

test: $(STAMP)
	$(BIN)/hub schema check
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check hub schema adapters tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/graphql_read.py
	$(BIN)/python bench/audit.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
