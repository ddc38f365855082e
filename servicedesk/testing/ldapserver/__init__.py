"""A private OpenLDAP slapd for tests, with an Active Directory-like schema and tree.

`start_slapd()` writes a config in a temp dir, loads the tree with slapadd and starts slapd on free
loopback ports (ldap:// with StartTLS, and ldaps://). The pytest fixtures are in
`servicedesk.testing.fixtures_ldap`.
"""

from __future__ import annotations

from .server import BASE_DN, SYNC_DN, SYNC_PASSWORD, AdEntry, Slapd, SlapdUnavailable, start_slapd

__all__ = ["BASE_DN", "SYNC_DN", "SYNC_PASSWORD", "AdEntry", "Slapd", "SlapdUnavailable", "start_slapd"]
