# Two commands: `make serve` (set up + serve the demo on SQLite) and `make test` (set up + every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test install bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	mkdir -p var
	$(BIN)/candor serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/lint-imports  # the layer contract (pyproject.toml [tool.importlinter], docs/architecture.md)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check app tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
