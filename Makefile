# The two commands of the README: `make html` builds the site, `make test` runs every
# test. Both create the virtual environment .venv and install the pinned dependencies
# first, when needed.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Exact versions and hashes of every package .venv gets; `make lock` refreshes it.
LOCK := requirements/lock.txt
# pip-tools and pip-audit, kept apart from the book's environment.
TOOLS := .venv-tools
# MathJax (copied into the site: math renders offline) and axe-core (the browser
# tests' accessibility scan), at the versions package-lock.json pins.
NODE_INSTALLED := node_modules/.installed

.PHONY: html test venv lock audit serve lint clean clean-all notebooks pdf check chapter

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python scripts/check_lock.py
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The house rules are checked first, in seconds (scripts/check_chapters.py: each
# broken rule named with its chapter and line), and notebooks/ after the build (its
# notebooks show the outputs the build cached).
html: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python scripts/check_chapters.py
	$(BIN)/python scripts/build.py
	$(BIN)/python scripts/check_chapters.py --notebooks
	@echo "Built: open _build/html/index.html"

# The whole book as one PDF, _build/pdf/basics-of-machine-learning.pdf, and each page
# of _toc.yml as its own (README: "The book as a PDF"), printed by Chromium from the
# outputs `make html` executed. Stops at once, with the install line, when a tool is
# missing. The second `make html` writes the pages again (Sphinx only, nothing is
# executed), now linking the PDFs from the front page and the download menus.
PDF_APT := sudo apt-get update && sudo apt-get install -y chromium poppler-utils
pdf:
	@for tool in chromium pdfinfo pdftotext pdfimages; do \
	    command -v $$tool >/dev/null || { \
	        echo "make pdf needs $$tool (Debian: chromium, poppler-utils):" >&2; \
	        echo "  $(PDF_APT)" >&2; exit 1; }; \
	done
	$(MAKE) html
	$(BIN)/python scripts/build_pdf.py
	$(MAKE) html

# tests/test_pdf.py builds the PDFs too (when printed from other inputs).
test: html
	$(BIN)/python -m pytest -n 2

# Time the build in a temporary copy (cold, no-op, after a prose edit and after a
# module edit) against executing the chapters one after another; prints `name: value`
# lines (README: "The build is strict").
.PHONY: bench
bench: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python scripts/bench_build.py

# --- for authors and contributors (README: "For authors and contributors") ----------

# A new chapter that keeps every house rule, builds and passes at once (CONTRIBUTING):
# make chapter NUMBER=11 NAME=convolutions TITLE="Convolutions". Refuses to overwrite.
chapter: $(INSTALLED)
	$(BIN)/python scripts/new_chapter.py "$(NUMBER)" "$(NAME)" "$(TITLE)"

# One chapter before a pull request (CONTRIBUTING): `make check CHAPTER=07` runs the
# house rules and strict build of `make html` (executing only stale chapters), writes
# notebooks/ as `make notebooks` does, runs the tests of the modules the chapter uses,
# of its solutions and of its claims, then its browser tests. `make test` stays last.
check: $(INSTALLED) $(NODE_INSTALLED)
	@test -n "$(CHAPTER)" || { echo "usage: make check CHAPTER=07" >&2; exit 2; }
	$(BIN)/python scripts/check_chapter.py $(CHAPTER)

$(TOOLS)/.installed: requirements/tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes -r requirements/tools.txt
	touch $@

lock: $(TOOLS)/.installed  # UPGRADE=1 make lock: newest releases the ranges allow
	bash scripts/lock.sh

audit: $(TOOLS)/.installed
	$(TOOLS)/bin/python scripts/audit.py

serve: $(INSTALLED) $(NODE_INSTALLED)  # PORT=8001 make serve for another port
	$(BIN)/python scripts/serve.py

# The chapters as notebooks for Colab and Binder (notebooks/, committed; a test
# fails when they are out of date).
notebooks: $(INSTALLED)
	$(BIN)/python book/_ext/bml_notebooks.py

# pre-commit's --all-files means the tracked files: new files not yet added to git
# are linted too.
lint: $(INSTALLED)
	$(BIN)/pre-commit run --all-files
	untracked="$$(git ls-files --others --exclude-standard)"; \
	if [ -n "$$untracked" ]; then $(BIN)/pre-commit run --files $$untracked; fi

# `make clean` removes the site, the PDF and Sphinx's doctrees but keeps what the
# chapters' execution costs: the execution cache (_build/.jupyter_cache) and the
# build's own state (_build/.book-exec, without its up-to-date stamp), so the next
# `make html` executes only the stale chapters. `make clean-all` removes the whole of
# _build, the cache included, and the virtual environments .venv and .venv-tools.
KEEP_ON_CLEAN := .jupyter_cache .book-exec
clean:
	if [ -d _build ]; then \
	    find _build -mindepth 1 -maxdepth 1 \
	        $(foreach kept,$(KEEP_ON_CLEAN),! -name $(kept)) -exec rm -rf {} +; \
	    rm -f _build/.book-exec/stamp; \
	fi

clean-all:
	rm -rf _build $(VENV) $(TOOLS)

# Time one seed trained alone against a thousand trained at once (README: "Many seeds
# at once"); prints `name: value` lines.
.PHONY: bench-train
bench-train: $(INSTALLED)
	PYTHONPATH=src $(BIN)/python scripts/bench_train.py
