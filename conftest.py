"""Fixtures shared by every app's tests (see servicedesk/testing/)."""

pytest_plugins = [
    "servicedesk.testing.cast",
    "servicedesk.testing.fixtures_mail",
    "servicedesk.testing.fixtures_ldap",
    "servicedesk.testing.browser",
]
