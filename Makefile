PY ?= $(shell command -v python3.11 || command -v python3)
VENV = .venv
STAMP = $(VENV)/.installed

.PHONY: setup test test-fast lint run

# Reinstall only when requirements.txt changed since the last successful install.
setup: $(STAMP)

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)

$(STAMP): requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -r requirements.txt
	touch $(STAMP)

# Lint and type-check first (what CI enforces), then install/start what the suite needs
# (Dovecot, Chromium, gettext, PostgreSQL, Redis) and run every test.
test: setup lint
	bash scripts/test-prereqs.sh
	$(VENV)/bin/pytest

# The inner loop: no browser and no process-starting tests.
test-fast: setup
	bash scripts/test-prereqs.sh
	$(VENV)/bin/pytest -m "not slow and not browser" -q

# ruff lint, ruff format check and mypy (configuration in ruff.toml and mypy.ini).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The whole stack on this machine: migrate, demo data, web + Celery worker + beat (Ctrl-C stops all).
run: setup
	$(VENV)/bin/python manage.py runstack
