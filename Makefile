# Every target makes and uses .venv itself, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The portal's front end: govuk-frontend and axe-core from package-lock.json, built into hub/portal/assets.
ASSETS := hub/portal/assets/.built
FRONTEND := $(wildcard hub/portal/frontend/*)

.PHONY: run test lint bench bench-scale image soak install browser podman clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

NODE_MODULES := node_modules/.package-lock.json

# npm ci installs exactly the lockfile; install scripts stay off (none of these packages needs one).
$(NODE_MODULES): package.json package-lock.json
	npm ci --ignore-scripts --omit=optional --no-audit --no-fund --loglevel=error

$(ASSETS): $(NODE_MODULES) $(FRONTEND)
	npm run --silent build
	touch $(ASSETS)

install: $(STAMP) $(NODE_MODULES) $(ASSETS)

# The browser tests drive Debian's Chromium. Install it where we can (root with apt); elsewhere those tests
# skip and say why.
browser:
	@test -x /usr/bin/chromium \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	       && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } \
	  || echo "Chromium is not installed and cannot be installed here: the browser tests (tests/e2e) will skip."

# podman-compose resolves docker/compose.yaml only with podman present (tests/deploy/test_compose.py). Install
# Debian's podman where we can (root with apt); elsewhere that test skips and says why.
podman:
	@command -v podman >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	       && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null) ; } \
	  || echo "podman is not installed and cannot be installed here: the compose config test will skip."

# The demo's reference data (partnerships, agencies, practitioners, clients) from `hub demo`; Northbridge's
# children and records from the four agency simulators, synced through the adapters before serving.
run: install
	$(BIN)/hub migrate
	$(BIN)/hub demo --if-empty --reference-only
	$(BIN)/hub serve --with-simulators

test: install browser podman
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
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/child_refusal.py

# The cost curve on PostgreSQL (bench/scale.py): reads and audit appends at each size beside bare SQL.
# BENCH_SCALE_SIZES=10000,100000,1000000 is the full run (the 1M database takes about twenty minutes to build, once).
BENCH_SCALE_SIZES ?= 10000,100000
bench-scale: $(STAMP)
	BENCH_SCALE_SIZES=$(BENCH_SCALE_SIZES) $(BIN)/python bench/scale.py

# The production image (docker/Dockerfile) with podman, or docker where that is what the host has. A host that
# reaches no container registry makes its base images from Debian's packages first (docker/offline-bases.sh).
ENGINE ?= $(shell command -v podman || command -v docker)
ENGINE_FLAGS ?=
IMAGE ?= localhost/safeguarding-hub:latest
image:
	@test -n "$(ENGINE)" || { echo "no podman or docker here: apt-get install podman"; exit 1; }
	$(ENGINE) $(ENGINE_FLAGS) build $(if $(findstring podman,$(ENGINE)),--format docker) -f docker/Dockerfile -t $(IMAGE) \
	  $(IMAGE_BUILD_ARGS) .

# Two hub replicas on PostgreSQL under load on loopback, one killed with SIGKILL: bounded, stops by itself,
# and fails when an answered request has no audit event or the chain does not verify.
soak: $(STAMP)
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules hub/portal/assets
