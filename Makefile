PY ?= $(shell command -v python3.11 || command -v python3)
VENV = .venv
STAMP = $(VENV)/.installed

.PHONY: setup test run

# Reinstall only when requirements.txt changed since the last successful install.
setup: $(STAMP)

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)

$(STAMP): requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -r requirements.txt
	touch $(STAMP)

# Installs/starts what the suite needs (Dovecot, Chromium, gettext, PostgreSQL, Redis), then runs it.
test: setup
	bash scripts/test-prereqs.sh
	$(VENV)/bin/pytest

# The whole stack on this machine: migrate, demo data, web + Celery worker + beat (Ctrl-C stops all).
run: setup
	$(VENV)/bin/python manage.py runstack
