# Jinshi: the two commands.  `make demo` builds and serves the demo museums;
# `make test` installs what the tests need and runs them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo has a home of its own: never a JINSHI_HOME (or database, index, queue) set for real work.
# `make demo DEMO_HOME=/somewhere` puts it elsewhere.
DEMO_HOME ?= $(CURDIR)/var
DEMO_ENV := env -u JINSHI_DATABASE_URL -u JINSHI_SEARCH_URL -u JINSHI_QUEUE_URL JINSHI_HOME='$(DEMO_HOME)'
# 2 test processes on 2 cores; override with `make test PYTEST_WORKERS=4`
PYTEST_WORKERS ?= 2

.PHONY: demo serve test setup setup-test system-test-deps bench bench-deps clean

demo: setup
	$(DEMO_ENV) $(BIN)/jinshi demo

serve: setup
	$(BIN)/jinshi serve

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup-test: setup $(VENV)/.installed-test system-test-deps

# Debian packages the tests drive for real: Chromium (browser tests), Redis (job queue), PostgreSQL
# (the catalogue suite runs on it too unless JINSHI_TEST_POSTGRES=skip), CJK fonts, nginx (deploy/nginx.conf),
# poppler-utils (label sheets are rendered with pdftoppm to read their QR codes) and the public 3D models of
# assimp's test suite (the 3D handler is tested against them).
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	dpkg -s assimp-testmodels >/dev/null 2>&1 || missing="$$missing assimp-testmodels"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ "$${JINSHI_TEST_POSTGRES:-}" != skip ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing="$$missing postgresql"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "Please install these Debian packages:$$missing"; exit 1; fi; \
	fi

test: setup-test
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q tests
	@if [ "$${JINSHI_TEST_POSTGRES:-}" != skip ]; then \
	  echo "== catalogue, ingest, viewer and search tests again on PostgreSQL =="; \
	  JINSHI_TEST_DATABASE=postgres $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser" tests/exhibits tests/ingest tests/viewer tests/search tests/interop/test_oai.py; \
	fi

# wrk: the booking benchmark's load generator (benchmarks/bookings.py falls back to a Python client without it)
bench-deps:
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; \
	  else echo "Please install the Debian package wrk"; exit 1; fi; }

bench: setup-test bench-deps
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/tiles.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/media.py

clean:
	rm -rf $(VENV) node_modules var

# Interface strings (README "For developers"): extract the msgids of the code and templates, merge them
# into the zh, en and zh-Hant catalogues, fill zh-Hant's gaps from zh with OpenCC, and compile.
BABEL_DIR := exhibits/translations
.PHONY: i18n i18n-extract i18n-update i18n-compile i18n-check
i18n: i18n-extract i18n-update i18n-check

i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k lazy_pgettext:1c,2 \
	  --no-location --sort-output --project=Jinshi --copyright-holder="Jinshi contributors" \
	  -o $(BABEL_DIR)/messages.pot .

i18n-update: $(VENV)/.installed
	$(BIN)/pybabel update -i $(BABEL_DIR)/messages.pot -d $(BABEL_DIR) --no-fuzzy-matching --width=120
	$(BIN)/python -m exhibits.i18n_catalogues derive-hant

i18n-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d $(BABEL_DIR) --statistics

i18n-check: $(VENV)/.installed
	$(BIN)/python -m exhibits.i18n_catalogues check

# Mutation testing report (tools/mutants.py): planted bugs the tests miss. Not part of `make test`.
# MUTANTS_BUDGET seconds per module and for the templates' escaping.
MUTANTS_BUDGET ?= 300
.PHONY: mutants
mutants: setup-test
	$(BIN)/pip install --quiet 'cosmic-ray>=8.3'
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python tools/mutants.py --budget $(MUTANTS_BUDGET)
