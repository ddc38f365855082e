"""Pytest fixtures for a real OpenLDAP (registered in the root conftest's ``pytest_plugins``).

- ``slapd`` (session): a private slapd with the AD-like schema, on ldap:// (StartTLS) and ldaps://,
  presenting the shared self-signed test certificate.
- ``directory`` (function): the same server emptied back to its base tree.
- ``ldap_connection`` (function): a saved LdapConnection aimed at it with the AD defaults.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from servicedesk.testing.ldapserver import BASE_DN, SYNC_DN, SYNC_PASSWORD, Slapd, start_slapd
from servicedesk.testing.mailservers import TlsCert


@pytest.fixture(scope="session")
def slapd(mail_tls_cert: TlsCert) -> Iterator[Slapd]:
    server = start_slapd(cert=mail_tls_cert)
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def directory(slapd: Slapd) -> Slapd:
    slapd.reset()
    return slapd


@pytest.fixture
def ldap_connection(db: None, directory: Slapd) -> Callable[..., Any]:
    """`ldap_connection(**overrides)`: a saved connection to the test directory (plain ldap:// by default)."""
    from servicedesk.models import LdapConnection

    def make(**overrides: Any) -> LdapConnection:
        values: dict[str, Any] = {
            "name": "corp",
            "url": directory.url,
            "security": "none",
            "bind_dn": SYNC_DN,
            "base_dn": BASE_DN,
            "timeout": 5,
        }
        values.update(overrides)
        password = values.pop("password", SYNC_PASSWORD)
        connection = LdapConnection(**values)
        connection.password = password
        connection.save()
        return connection

    return make
