"""Escalation test helpers: an 8-hour schedule, a frozen clock, and ticks run as if committed."""

from __future__ import annotations

import pytest

from escalation import schemes
from servicedesk.tests.sla_helpers import at, msk, use_office_hours  # noqa: F401  (re-exported for the tests)


@pytest.fixture(autouse=True)
def fresh_schemes():
    schemes.forget()
    yield
    schemes.forget()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit work (events, fan-out) as if each block committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
