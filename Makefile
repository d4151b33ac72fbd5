# Everything bootstraps a local .venv from nothing: only python3 >= 3.11 and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help demo test test-slow lint typecheck unit bench screenshot clean install-check

help:
	@echo "make demo   - run pmo-bot against the embedded, seeded sandbox"
	@echo "make test   - lint, type checks and the test suite but the slow proof suites (under 10 minutes)"
	@echo "make test-slow - the slow proof suites (crash, fault storm, secrets, concurrency, demo sweeps); CI runs them too"
	@echo "make lint   - ruff (lint + format check) and mypy --strict"
	@echo "make bench  - the check cycle next to reference clients: time, CPU, requests, memory (not asserted in tests)"
	@echo "make install-check - the wheel in a clean venv, as the Dockerfile installs it: --help, doctor, serve"
	@echo "make screenshot - the demo weekly report, screenshotted into build/report/ (needs chromium)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pmo-bot needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 -m 'not slow' $(PYTEST_ARGS)

# The suites marked slow (real processes killed, daemons racing, every output searched for secrets): run by CI.
test-slow: $(STAMP)
	$(BIN)/pytest -n 2 -m slow $(PYTEST_ARGS)

test: lint unit

# What the Dockerfile does (Docker is not needed): wheel + clean venv, then --help, doctor and serve's /readyz.
install-check:
	PYTHON=$(PYTHON) .ci/install-check

demo: $(STAMP)
	$(BIN)/pmo-bot demo

# Side by side with three reference clients (needs the `bench` extra); BENCH_ARGS=--100k adds 100,000 issues.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.side_by_side $(BENCH_ARGS)

# The demo report in the sandbox's page view and as HTML preview, screenshotted into build/report/ (needs chromium).
screenshot: $(STAMP)
	$(BIN)/pytest tests/report/test_screenshot.py -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist .demo
