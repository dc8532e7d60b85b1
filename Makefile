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

# The demo's reference data (partnerships, agencies, practitioners, clients) from `hub demo`; Northbridge's
# children and records from the four agency simulators, synced through the adapters before serving.
run: $(STAMP)
	$(BIN)/hub migrate
	$(BIN)/hub demo --if-empty --reference-only
	$(BIN)/hub serve --with-simulators

test: $(STAMP)
	$(BIN)/hub schema check
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check hub schema adapters tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/graphql_read.py
	$(BIN)/python bench/policy_list.py
	$(BIN)/python bench/matching.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
