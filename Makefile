# The two commands of the README: `make run` and `make test`. Each does its own set-up:
# a virtual environment in .venv (created when absent), the pinned dependencies, and the
# demo corpus in data/01_raw (built from music21's bundled scores when absent).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_MARKER := data/01_raw/.demo_corpus_complete

# Kedro sends telemetry by default; never here (a committed .telemetry says so too).
export KEDRO_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export MPLBACKEND := Agg

.PHONY: run test install demo viz lint clean-data

run: install demo
	$(BIN)/kedro run $(ARGS)

test: install demo
	$(BIN)/pytest $(ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[demo,dev]'
	@touch $@

demo: $(DEMO_MARKER)

$(DEMO_MARKER): | install
	$(BIN)/python -m melody_to_lyrics.demo_corpus --out data/01_raw

viz: install
	$(BIN)/kedro viz build

lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

clean-data:
	find data -type f ! -name .gitkeep -delete
