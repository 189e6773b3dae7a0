# The two commands of the README: `make html` builds the site, `make test` runs every
# test. Both create the virtual environment .venv and install the pinned dependencies
# first, when needed.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: html test venv

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

html: $(INSTALLED)
	$(BIN)/python scripts/build.py
	@echo "Built: open _build/html/index.html"

test: html
	$(BIN)/python -m pytest -n 2
