# Two commands for a newcomer: `make run` and `make test` (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench bench-scale vendor-dsfr-chart

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# Web and worker on the embedded defaults (SQLite, console email, huey on SQLite), with demo data.
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py run_huey --workers 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Lint, then the whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise).
test: lint
	TESTING=1 $(VENV)/bin/pytest

# Benchmarks print figures; they are not part of `make test`.
bench: install
	TESTING=1 $(VENV)/bin/pytest tests/benchmarks -s -o addopts="-p no:cacheprovider"

# 10k, 100k then 1M cases on PostgreSQL through gunicorn (SCALE_SIZES, SCALE_DATABASE_URL: tests/benchmarks/scale/run.py).
bench-scale: install
	$(PY) -m tests.benchmarks.scale.run

# The charts' library, pinned: the npm tarball checked against its registry integrity, its built files copied to static/.
DSFR_CHART_VERSION := 2.0.4
DSFR_CHART_SHA512 := /JoW6R7ystExxvuLvHacR0ZWcL1PpDkUyG/niF8jgqRaksWgb31EpJGQjmgaHR29nrANdyvoRb1DEQAL00XZ1A==
vendor-dsfr-chart:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent @gouvfr/dsfr-chart@$(DSFR_CHART_VERSION) >/dev/null \
	&& test "$$(openssl dgst -sha512 -binary gouvfr-dsfr-chart-$(DSFR_CHART_VERSION).tgz | base64 -w0)" = "$(DSFR_CHART_SHA512)" \
	&& tar xzf gouvfr-dsfr-chart-$(DSFR_CHART_VERSION).tgz \
	&& cp package/dist/DSFRChart/DSFRChart.js package/dist/DSFRChart/DSFRChart.css package/LICENSE $(CURDIR)/static/vendor/dsfr-chart/
