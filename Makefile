# The front door: make run | demo | test | lint | bench. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run demo test lint format bench check-web screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("livenews needs Python 3.11+, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): $(BIN)/python requirements/run.lock pyproject.toml
	$(BIN)/pip install -q -r requirements/run.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements/dev.lock
	$(BIN)/pip install -q -r requirements/dev.lock
	@touch $@

run: $(RUN_STAMP)  ## serve the portal on http://127.0.0.1:8000 (web + ingest, SQLite under var/)
	$(BIN)/livenews serve

demo: $(RUN_STAMP)  ## the same, offline, with a local demo wire publishing sample articles
	$(BIN)/livenews demo

test: $(DEV_STAMP)  ## the whole suite (browser tests skip without /usr/bin/chromium)
	$(BIN)/pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check livenews tests bench
	$(BIN)/ruff format --check livenews tests bench
	$(BIN)/mypy livenews

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix livenews tests bench
	$(BIN)/ruff format livenews tests bench

bench: $(DEV_STAMP)  ## figures as JSON under bench/results/ (BENCH_ARGS="--quick --rev HEAD")
	$(BIN)/python -m bench $(BENCH_ARGS)

WEBCHECK := tools/webcheck
WEBCHECK_STAMP := $(WEBCHECK)/node_modules/.installed

# Pinned by package-lock.json; install scripts are skipped (they would download
# a chromedriver and a Java of their own: both come from apt instead).
$(WEBCHECK_STAMP): $(WEBCHECK)/package-lock.json
	cd $(WEBCHECK) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

check-web: $(DEV_STAMP) $(WEBCHECK_STAMP)  ## Lighthouse, axe and Nu on a demo portal (apt: chromium chromium-driver openjdk-17-jre-headless)
	$(BIN)/python -m tools.webcheck.run $(WEBCHECK_ARGS)

screenshots: $(DEV_STAMP)  ## docs/screenshots/*.png of the demo portal (phone and desktop)
	$(BIN)/python -m tools.webcheck.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
