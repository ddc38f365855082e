"""Connecting to a directory with ldap3 and reading entries page by page.

Every ldap3 failure becomes one `DirectoryError(message, permanent)`: callers record it as data
(the connection's status, the run's log) instead of crashing.

ldap3 (about 0.1 s to import) is imported by the functions that talk to a directory, not here:
the admin imports this module at every start-up (`django.setup()`), including workers and
commands that never see a directory.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..models import LdapConnection, LdapSecurity

if TYPE_CHECKING:
    import ldap3

PAGE_SIZE = 500
DEFAULT_PORTS = {False: 389, True: 636}


class DirectoryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class Entry:
    dn: str
    attributes: dict[str, list[Any]]  # attribute name (lower case) -> raw values (bytes)


def normalise_dn(dn: str) -> str:
    """A DN in one spelling (lower case, no spaces around separators) for comparisons."""
    from ldap3.core import exceptions as ldap_errors
    from ldap3.utils.dn import parse_dn

    try:
        parts = parse_dn(dn, escape=False, strip=True)
    except (ldap_errors.LDAPInvalidDnError, ValueError):
        return dn.strip().lower()
    return ",".join(f"{attr.lower()}={value.lower()}" for attr, value, _sep in parts)


def parent_dn(dn: str) -> str:
    normal = normalise_dn(dn)
    return normal.split(",", 1)[1] if "," in normal else ""


def _server(conn: LdapConnection) -> ldap3.Server:
    import ldap3

    parts = urlsplit(conn.url.strip() if "://" in conn.url else f"ldap://{conn.url.strip()}")
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname:
        raise DirectoryError(f"not an LDAP URL: {conn.url!r}", permanent=True)
    use_ssl = parts.scheme == "ldaps" or conn.security == LdapSecurity.LDAPS
    tls = None
    if use_ssl or conn.security == LdapSecurity.STARTTLS:
        tls = ldap3.Tls(
            validate=ssl.CERT_REQUIRED if conn.verify_certificate else ssl.CERT_NONE,
            ca_certs_data=conn.ca_certificate.strip() or None,
            version=ssl.PROTOCOL_TLS_CLIENT if conn.verify_certificate else ssl.PROTOCOL_TLS,
        )
    return ldap3.Server(
        parts.hostname,
        port=parts.port or DEFAULT_PORTS[use_ssl],
        use_ssl=use_ssl,
        tls=tls,
        get_info=ldap3.NONE,
        connect_timeout=conn.timeout,
    )


def connect(conn: LdapConnection) -> ldap3.Connection:
    """A bound connection (StartTLS first when chosen); DirectoryError saying what failed."""
    from ldap3.core import exceptions as ldap_errors

    try:
        password = conn.password
    except Exception:
        raise DirectoryError("the stored password cannot be decrypted with the configured keys", permanent=True)
    client = _open(conn, conn.bind_dn or None, password or None)
    try:
        if not client.bind():
            raise DirectoryError(f"bind refused: {_describe(client.result)}", permanent=True)
    except ldap_errors.LDAPSocketReceiveError as exc:
        raise DirectoryError(f"no answer within {conn.timeout} s: {_short(exc)}")
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(_short(exc))
    return client


def password_accepted(conn: LdapConnection, dn: str, password: str) -> bool:
    """Whether the directory accepts `password` for the entry `dn` (a simple bind over the
    connection's transport security). An empty password is refused here: LDAP would treat it as
    an anonymous bind and report success. DirectoryError when the directory cannot be asked."""
    from ldap3.core import exceptions as ldap_errors

    if not password or not dn:
        return False
    client = _open(conn, dn, password)
    try:
        return bool(client.bind())
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(_short(exc))
    finally:
        client.unbind()


def _open(conn: LdapConnection, user: str | None, password: str | None) -> ldap3.Connection:
    """An open, not yet bound connection, StartTLS done when chosen."""
    import ldap3
    from ldap3.core import exceptions as ldap_errors

    server = _server(conn)
    client = ldap3.Connection(
        server,
        user=user,
        password=password,
        receive_timeout=conn.timeout,
        raise_exceptions=False,
        read_only=True,
    )
    try:
        client.open()
        if conn.security == LdapSecurity.STARTTLS and not server.ssl and not client.start_tls():
            raise DirectoryError(f"StartTLS refused: {_describe(client.result)}", permanent=True)
    except ldap_errors.LDAPSocketOpenError as exc:
        raise DirectoryError(f"cannot connect to {server.host}:{server.port}: {_short(exc)}")
    except ldap_errors.LDAPStartTLSError as exc:
        raise DirectoryError(f"StartTLS failed: {_short(exc)}", permanent=True)
    except ldap_errors.LDAPSocketReceiveError as exc:
        raise DirectoryError(f"no answer within {conn.timeout} s: {_short(exc)}")
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(_short(exc))
    return client


def search(client: ldap3.Connection, base: str, search_filter: str, attributes: list[str]) -> Iterator[Entry]:
    """Every entry under `base` matching the filter, read in pages (AD returns at most 1000 at once)."""
    import ldap3
    from ldap3.core import exceptions as ldap_errors

    try:
        pages = client.extend.standard.paged_search(
            base,
            search_filter,
            search_scope=ldap3.SUBTREE,
            attributes=attributes,
            paged_size=PAGE_SIZE,
            generator=True,
        )
        for item in pages:
            if item.get("type") != "searchResEntry":
                continue
            raw = item.get("raw_attributes") or {}
            yield Entry(item["dn"], {name.lower(): list(values) for name, values in raw.items()})
    except ldap_errors.LDAPInvalidFilterError as exc:
        raise DirectoryError(f"bad filter {search_filter!r}: {_short(exc)}", permanent=True)
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(_short(exc))
    result = client.result or {}
    if result.get("result", 0) not in (0, None):
        raise DirectoryError(f"search under {base!r} failed: {_describe(result)}", permanent=result.get("result") == 32)


def count_entries(client: ldap3.Connection, base: str, search_filter: str, limit: int = 1000) -> int:
    import ldap3
    from ldap3.core import exceptions as ldap_errors

    try:
        client.search(base, search_filter, search_scope=ldap3.SUBTREE, attributes=[], size_limit=limit)
    except ldap_errors.LDAPInvalidFilterError as exc:
        raise DirectoryError(f"bad filter {search_filter!r}: {_short(exc)}", permanent=True)
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(_short(exc))
    code = (client.result or {}).get("result", 0)
    if code not in (0, 4):  # 4: size limit exceeded, which only means "at least `limit`"
        raise DirectoryError(f"search under {base!r} failed: {_describe(client.result)}", permanent=code == 32)
    return len(client.entries)


def _describe(result: dict[str, Any] | None) -> str:
    result = result or {}
    text = " ".join(str(x) for x in (result.get("description"), result.get("message")) if x)
    return text or "unknown error"


def _short(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__
