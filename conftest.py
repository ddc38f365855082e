"""Fixtures shared by every app's tests (see servicedesk/testing/)."""

from collections.abc import Iterator

import pytest
from django.utils import translation

pytest_plugins = [
    "servicedesk.testing.cast",
    "servicedesk.testing.fixtures_mail",
    "servicedesk.testing.fixtures_ldap",
    "servicedesk.testing.browser",
]


@pytest.fixture(autouse=True)
def _language_of_the_installation() -> Iterator[None]:
    """Each test starts in the installation's language: a test (or a request it made through the
    test client) that switched the thread to Russian must not change what the next one reads."""
    translation.deactivate()
    yield
    translation.deactivate()
