"""Directory entries as plain records, through the connection's attribute mapping."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ..models import LdapConnection
from .client import Entry, normalise_dn, parent_dn

ACCOUNT_DISABLED = 0x2  # userAccountControl's ACCOUNTDISABLE bit
TRUE_WORDS = frozenset({"true", "1", "yes", "disabled"})
GUID_ATTRIBUTES = frozenset({"objectguid"})
# Card fields an employee sync may write; the mapping says which attribute feeds each.
EMPLOYEE_FIELDS: dict[str, int] = {
    "last_name": 150,
    "first_name": 150,
    "patronymic": 150,
    "email": 254,
    "position": 255,
    "mobile_phone": 32,
    "phone_extension": 16,
}


@dataclass
class DirectoryUnit:
    external_id: str
    dn: str  # normalised
    parent_dn: str
    name: str


@dataclass
class DirectoryPerson:
    external_id: str
    dn: str
    parent_dn: str
    login: str
    values: dict[str, str]
    disabled: bool


def first_text(entry: Entry, attribute: str) -> str:
    values = entry.attributes.get(attribute.lower()) or []
    if not values:
        return ""
    raw = values[0]
    if attribute.lower() in GUID_ATTRIBUTES and isinstance(raw, bytes) and len(raw) == 16:
        return str(uuid.UUID(bytes_le=raw))  # AD stores GUIDs little-endian in the first three groups
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace").strip()
    return str(raw).strip()


def external_id(conn: LdapConnection, entry: Entry) -> str:
    attribute = conn.mapped("external_id")
    return (first_text(entry, attribute) if attribute else "") or normalise_dn(entry.dn)


def is_disabled(conn: LdapConnection, entry: Entry) -> bool:
    attribute = conn.mapped("disabled")
    value = first_text(entry, attribute) if attribute else ""
    if not value:
        return False
    if attribute.lower() == "useraccountcontrol":
        try:
            return bool(int(value) & ACCOUNT_DISABLED)
        except ValueError:
            return False
    return value.lower() in TRUE_WORDS


def to_unit(conn: LdapConnection, entry: Entry) -> DirectoryUnit:
    name_attribute = conn.mapped("department_name") or "ou"
    dn = normalise_dn(entry.dn)
    name = first_text(entry, name_attribute) or entry.dn.split(",", 1)[0].split("=", 1)[-1]
    return DirectoryUnit(external_id(conn, entry), dn, parent_dn(entry.dn), name[:255])


def to_person(conn: LdapConnection, entry: Entry) -> DirectoryPerson:
    values = {}
    for field, limit in EMPLOYEE_FIELDS.items():
        attribute = conn.mapped(field)
        if attribute:
            values[field] = first_text(entry, attribute)[:limit]
    login_attribute = conn.mapped("login")
    login = first_text(entry, login_attribute)[:150] if login_attribute else ""
    if "last_name" in values and not values["last_name"]:
        values["last_name"] = (login or entry.dn.split(",", 1)[0].split("=", 1)[-1])[:150]
    if values.get("email") and "@" not in values["email"]:
        values["email"] = ""
    return DirectoryPerson(
        external_id(conn, entry), normalise_dn(entry.dn), parent_dn(entry.dn), login, values, is_disabled(conn, entry)
    )


def requested_attributes(conn: LdapConnection, *, people: bool) -> list[str]:
    fields = (*EMPLOYEE_FIELDS, "login", "disabled", "external_id") if people else ("department_name", "external_id")
    names = {conn.mapped(field) for field in fields} - {""}
    if not people:
        names.add("ou")
    return sorted(names)


def synced_employee_fields(conn: LdapConnection) -> set[str]:
    """The card fields a sync with this connection overwrites (warned about on manual edits)."""
    fields = {field for field in EMPLOYEE_FIELDS if conn.mapped(field)}
    fields.update({"department", "is_active"})
    if conn.mapped("login"):
        fields.add("user")
    return fields
