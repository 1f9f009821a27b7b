# Two commands: `make serve` (set up + serve the demo on SQLite) and `make test` (set up + every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test test-alone install bench lint clean screenshots editor-bundle

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q app  # as a wheel install would: `candor check` starts without compiling app
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	mkdir -p var
	$(BIN)/candor serve --host 127.0.0.1 --port 8000

# `make lint` first (ruff check + ruff format --check), then the layer contract, then every test
# in a random order (pytest-randomly: the header prints the seed; `--randomly-seed=N` replays an
# order, `-p no:randomly` runs in file order) so no test can lean on another having run first.
test: lint
	$(BIN)/lint-imports  # the layer contract (pyproject.toml [tool.importlinter], docs/architecture.md)
	$(BIN)/python -m pytest -n 2 -q -p randomly

# Each test file alone: one pytest process per file, files and tests in random order (slow; not
# part of `make test`). Catches a test that needs another file's fixtures, imports or side effects.
# `make test-alone ARGS="tests/api tests/store"` for some folders, `MARK='not browser'` to skip Chromium.
test-alone: $(STAMP)
	tools/test_each_file.sh $(ARGS)

# Refresh docs/screenshots/: the browser tests that take screenshots, writing them into docs/ (an
# ordinary test run writes them to a temporary folder and leaves the working tree clean).
screenshots: $(STAMP)
	CANDOR_SCREENSHOTS=1 $(BIN)/python -m pytest -q -n 0 -m browser $$(grep -l 'shot(' tests/ui/test_*.py)

# Rebuild the vendored editor bundle (app/ui/static/vendor/) from tools/editor-bundle/package-lock.json
# (needs node and npm; never run by the service).
editor-bundle:
	tools/editor-bundle/build.sh

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
