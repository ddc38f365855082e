"""Logging in with the directory password: an employee kept by an LDAP sync types the login and
the password of their directory account, and the directory (not our database) checks it.

The entry is found again with the connection's own (service) bind — the employee filter plus the
mapped login attribute, and it must carry the card's external id (objectGUID), so a different
account that took over the login cannot sign in as the card's owner — then a second connection
binds as that entry with the typed password. The password is never stored or logged. When the
directory cannot be reached the login fails here and the other backends (a local password given
through "Generate a password and send it") still get their turn.
"""

from __future__ import annotations

import logging

from ldap3.utils.conv import escape_filter_chars

from ..models import Employee, LdapConnection, User
from .client import DirectoryError, connect, password_accepted, search
from .mapping import external_id

log = logging.getLogger(__name__)


def directory_user(username: str, password: str) -> User | None:
    """The active user whose synced employee's directory account accepts this password, or None."""
    if not username or not password:
        return None
    employee = (
        Employee.objects.select_related("user", "ldap_connection")
        .filter(user__username=username, user__is_active=True, is_active=True, ldap_connection__enabled=True)
        .first()
    )
    if employee is None or employee.ldap_connection is None or employee.user is None:
        return None
    conn = employee.ldap_connection
    try:
        dn = _entry_dn(conn, employee, username)
        accepted = dn is not None and password_accepted(conn, dn, password)
    except DirectoryError as error:
        log.warning("directory login of %s through %s not possible: %s", username, conn.name, error.message)
        return None
    return employee.user if accepted else None


def _entry_dn(conn: LdapConnection, employee: Employee, username: str) -> str | None:
    login_attribute = conn.mapped("login")
    if not login_attribute:
        return None
    wanted = f"(&{_wrapped(conn.user_filter)}({login_attribute}={escape_filter_chars(username)}))"
    attributes = [name for name in {conn.mapped("external_id"), login_attribute} if name]
    client = connect(conn)
    try:
        found = [entry for entry in search(client, conn.base_dn, wanted, attributes)]
    finally:
        client.unbind()
    matching = [entry for entry in found if external_id(conn, entry) == employee.external_id]
    return matching[0].dn if len(matching) == 1 else None


def _wrapped(search_filter: str) -> str:
    text = search_filter.strip() or "(objectClass=*)"
    return text if text.startswith("(") else f"({text})"
