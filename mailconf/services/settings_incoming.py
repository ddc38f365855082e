"""The "incoming" section of mail settings as code: a list of connections, matched by name.

Exported without secrets; on import an absent or empty password/client_secret keeps the stored
one. References of the processing rule are natural keys: the ticket type's code, and the names of
the service, the agreement and the team. Connections not named in the file are left as they are
(deleting one would drop its exactly-once ledger key). Validation runs every object through the
connection card's form before anything is saved, so a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from servicedesk.models import Agreement, Service, Team, TicketType

from ..forms_incoming import CONNECTION_FIELDS, RULE_FIELDS, SECRET_FIELDS, IncomingConnectionForm
from ..models import IncomingConnection
from .settings_io import Applier, Section, SettingsError, register_section

SECTION = "incoming"
_BOOL = ("verify_certificate", "oauth2", "enabled", "accept_unknown_replies")
_INT = ("port", "interval")
# Natural keys of the rule's references: (model, lookup field).
_REFERENCES: dict[str, tuple[type[Model], str]] = {
    "ticket_type": (TicketType, "code"),
    "service": (Service, "name"),
    "agreement": (Agreement, "name"),
    "team": (Team, "name"),
}
KEYS = (*CONNECTION_FIELDS, *SECRET_FIELDS, *RULE_FIELDS)


def export_incoming() -> list[dict[str, Any]]:
    rows = IncomingConnection.objects.select_related(*_REFERENCES).order_by("name")
    return [_export_one(conn) for conn in rows]


def _export_one(conn: IncomingConnection) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(conn, name) for name in CONNECTION_FIELDS}
    for name in RULE_FIELDS:
        if name in _REFERENCES:
            target = getattr(conn, name)
            data[name] = getattr(target, _REFERENCES[name][1]) if target is not None else None
        else:
            data[name] = getattr(conn, name)
    return data


def validate_incoming(value: Any, shared: dict[str, Any]) -> Applier:
    if not isinstance(value, list):
        raise SettingsError([f"{SECTION}: must be a list of connections"])
    errors: list[str] = []
    forms: list[IncomingConnectionForm] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"{SECTION}[{index}]"
        if not isinstance(item, Mapping):
            errors.append(f"{where}: must be an object")
            continue
        name = item.get("name")
        where = f"{SECTION}[{name}]" if isinstance(name, str) and name else where
        if isinstance(name, str) and name in seen:
            errors.append(f"{where}: the name is used twice")
        seen.add(name if isinstance(name, str) else "")
        item_errors = _check_keys(where, item)
        form = None if item_errors else _form(where, item, item_errors)
        if form is not None and not form.is_valid():
            item_errors += [f"{where}.{field}: {msg}" for field, msgs in form.errors.items() for msg in msgs]
        errors += item_errors
        if form is not None and not item_errors:
            forms.append(form)
    if errors:
        raise SettingsError(errors)
    return lambda: _apply(forms)


def _check_keys(where: str, item: Mapping[str, Any]) -> list[str]:
    errors = [f"unknown key: {where}.{key}" for key in item if key not in KEYS]
    for key, val in item.items():
        if key not in KEYS:
            continue
        if key in _BOOL:
            ok = isinstance(val, bool)
        elif key in _INT:
            ok = (isinstance(val, int) and not isinstance(val, bool)) or (key == "port" and val is None)
        elif key in _REFERENCES:
            ok = val is None or isinstance(val, str)
        else:
            ok = isinstance(val, str)
        if not ok:
            shown = "" if key in SECRET_FIELDS else f": {val!r}"[:200]
            errors.append(f"bad value for {where}.{key}{shown}")
    if not isinstance(item.get("name"), str) or not item.get("name"):
        errors.append(f"{where}.name: a name is required")
    return errors


def _form(where: str, item: Mapping[str, Any], errors: list[str]) -> IncomingConnectionForm | None:
    instance = IncomingConnection.objects.filter(name=item["name"]).first() or IncomingConnection()
    data: dict[str, Any] = {name: getattr(instance, name) for name in CONNECTION_FIELDS}
    data.update({name: getattr(instance, f"{name}_id") for name in _REFERENCES})
    data.update({name: getattr(instance, name) for name in RULE_FIELDS if name not in _REFERENCES})
    for key, val in item.items():
        if key in _REFERENCES:
            data[key] = _reference_pk(where, key, val, errors)
        else:
            data[key] = val
    if errors:
        return None
    # An HTML form omits an unchecked box; here False must stay False, so bools are passed as such.
    data = {k: ("" if v is None else v) for k, v in data.items()}
    return IncomingConnectionForm(data=data, instance=instance)


def _reference_pk(where: str, key: str, value: str | None, errors: list[str]) -> int | None:
    if value in (None, ""):
        return None
    model, field = _REFERENCES[key]
    found = list(model.objects.filter(**{field: value}).values_list("pk", flat=True)[:2])
    if len(found) != 1:
        problem = "not found" if not found else "is ambiguous"
        errors.append(f"bad value for {where}.{key}: {value!r} {problem}")
        return None
    return found[0]


def _apply(forms: list[IncomingConnectionForm]) -> None:
    for form in forms:
        form.save()


register_section(Section(SECTION, export_incoming, validate_incoming))
