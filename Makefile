# Two commands for a newcomer: `make run` and `make test` (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench bench-scale

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
