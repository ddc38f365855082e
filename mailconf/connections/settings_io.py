"""Mail settings as code: export to JSON (without secrets) and import from it, all or nothing.

Each top-level key is a section with an exporter and a validator; the validator checks the
section's value and returns a function that applies it. `import_settings` validates every section
first and applies them in one transaction only if none had an error, so a file is never
half-applied. The sections, all listed in `SECTIONS` at the bottom: "outgoing", "company" and
"admin_email" (one row, the outgoing connection) and "incoming" (the mailboxes, matched by name).

Exported without secrets; on import an absent or empty password/client_secret keeps the stored
one. References of a mailbox's processing rule are natural keys: the ticket type's code, and the
names of the service, the agreement and the team. Mailboxes not named in the file are left as
they are (deleting one would drop its exactly-once ledger key). Validation runs every object
through its card's form before anything is saved, so a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

from mailconf.models import IncomingConnection, OutgoingConnection
from servicedesk.models import Agreement, Service, Team, TicketType

from .forms import (
    COMPANY_FIELDS,
    INCOMING_FIELDS,
    OUTGOING_FIELDS,
    RULE_FIELDS,
    SECRET_FIELDS,
    IncomingConnectionForm,
    OutgoingConnectionForm,
    save_connection_form,
)

Applier = Callable[[], None]


class SettingsError(ValueError):
    """The file was refused; `errors` lists every problem found, each naming its key."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Section:
    key: str
    export: Callable[[], Any]
    validate: Callable[[Any, dict[str, Any]], Applier]


def register_section(section: Section) -> Section:
    """Add another app's section (escalation, labels) from its AppConfig.ready(); the mail
    sections are listed in SECTIONS below."""
    SECTIONS[section.key] = section
    return section


def export_settings() -> dict[str, Any]:
    return {key: section.export() for key, section in SECTIONS.items()}


def import_settings(data: Any) -> None:
    """Apply `data` (a parsed JSON object); SettingsError naming the bad keys, with nothing changed."""
    if not isinstance(data, dict):
        raise SettingsError(["the file must hold a JSON object"])
    errors = [f"unknown key: {key}" for key in data if key not in SECTIONS]
    # Sections share a scratch dict so that related sections (outgoing and company live in one row)
    # validate against each other's new values.
    shared: dict[str, Any] = {}
    appliers: list[Applier] = []
    # In the order the sections were registered, not the file's: a section may refer to what an
    # earlier one creates (webhooks name event actions).
    for key in [key for key in SECTIONS if key in data]:
        value = data[key]
        try:
            appliers.append(SECTIONS[key].validate(value, shared))
        except SettingsError as exc:
            errors.extend(exc.errors)
    if errors:
        raise SettingsError(errors)
    # Checks that need the combined new state run inside the appliers; raising there rolls back all.
    with transaction.atomic():
        for apply in appliers:
            apply()


class _DryRun(Exception):
    pass


def preview_import(data: Any) -> dict[str, tuple[Any, Any]]:
    """What importing `data` would change: {section: (now, after)} for the sections that differ.

    The import really runs, in a transaction that is then rolled back, so the preview is exactly
    what applying gives (matching, defaults, deletions), and nothing is kept; on-commit work
    (tasks, mail kicks) is dropped with it. SettingsError when the file would be refused.
    """
    before = export_settings()
    after: dict[str, Any] = {}
    try:
        with transaction.atomic():
            import_settings(data)
            after = export_settings()
            raise _DryRun
    except _DryRun:
        pass
    return {key: (before.get(key), after[key]) for key in after if before.get(key) != after[key]}


# --- The outgoing connection, company settings and the administrator address (one row) --------

_TYPES: dict[str, tuple[type, ...]] = {
    "port": (int, type(None)),
    **{
        name: (bool,)
        for name in ("verify_certificate", "auth", "oauth2", "enabled", "notify_unregistered", "notifications_enabled")
    },
}


def _export_fields(fields: tuple[str, ...]) -> dict[str, Any]:
    conn = OutgoingConnection.load()
    return {name: getattr(conn, name) for name in fields}


def _check_types(section: str, value: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise SettingsError([f"{section}: must be an object"])
    errors = [f"unknown key: {section}.{k}" for k in value if k not in allowed]
    for name, item in value.items():
        types = _TYPES.get(name, (str,))
        # bool is an int in Python; a port given as true must still be refused.
        if name in allowed and (not isinstance(item, types) or (bool not in types and isinstance(item, bool))):
            errors.append(
                f"bad value for {section}.{name}: {item!r}"[:200]
                if name not in SECRET_FIELDS
                else f"bad value for {section}.{name}"
            )
    if errors:
        raise SettingsError(errors)
    return dict(value)


def _row_validator(section: str, allowed: tuple[str, ...]) -> Callable[[Any, dict[str, Any]], Applier]:
    def validate(value: Any, shared: dict[str, Any]) -> Applier:
        shared.setdefault("row", {}).update(_check_types(section, value, allowed))
        shared.setdefault("sections", []).append(section)
        # The row is validated once, by whichever section is the last to arrive.
        return lambda: _apply_row(shared)

    return validate


def _apply_row(shared: dict[str, Any]) -> None:
    if shared.get("applied"):
        return
    form = _row_form(shared["row"])
    if not form.is_valid():
        raise SettingsError(_form_errors(form, shared))
    save_connection_form(form)
    shared["applied"] = True


def _row_form(values: dict[str, Any]) -> OutgoingConnectionForm:
    conn = OutgoingConnection.load()
    fields = (*OUTGOING_FIELDS, *COMPANY_FIELDS, "admin_email")
    data: dict[str, Any] = {name: getattr(conn, name) for name in fields}
    data.update(values)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    return OutgoingConnectionForm(data=data, instance=conn)


def _form_errors(form: OutgoingConnectionForm, shared: dict[str, Any]) -> list[str]:
    where = {name: "company" for name in COMPANY_FIELDS} | {"admin_email": "admin_email"}
    errors: list[str] = []
    for name, messages in form.errors.items():
        key = name if where.get(name) == "admin_email" else f"{where.get(name, 'outgoing')}.{name}"
        errors.extend(f"{key}: {m}" for m in messages)
    return errors


def _validate_admin_email(value: Any, shared: dict[str, Any]) -> Applier:
    if not isinstance(value, str):
        raise SettingsError([f"bad value for admin_email: {value!r}"[:200]])
    shared.setdefault("row", {})["admin_email"] = value
    return lambda: _apply_row(shared)


# --- The mailboxes (section "incoming") ---------------------------------------------------------

_BOOL = ("verify_certificate", "oauth2", "enabled", "accept_unknown_replies")
_INT = ("port", "interval")
# Natural keys of the rule's references: (model, lookup field).
_REFERENCES: dict[str, tuple[type[Model], str]] = {
    "ticket_type": (TicketType, "code"),
    "service": (Service, "name"),
    "agreement": (Agreement, "name"),
    "team": (Team, "name"),
}
KEYS = (*INCOMING_FIELDS, *SECRET_FIELDS, *RULE_FIELDS)


def export_incoming() -> list[dict[str, Any]]:
    rows = IncomingConnection.objects.select_related(*_REFERENCES).order_by("name")
    return [_export_one(conn) for conn in rows]


def _export_one(conn: IncomingConnection) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(conn, name) for name in INCOMING_FIELDS}
    for name in RULE_FIELDS:
        if name in _REFERENCES:
            target = getattr(conn, name)
            data[name] = getattr(target, _REFERENCES[name][1]) if target is not None else None
        else:
            data[name] = getattr(conn, name)
    return data


def validate_incoming(value: Any, shared: dict[str, Any]) -> Applier:
    if not isinstance(value, list):
        raise SettingsError(["incoming: must be a list of connections"])
    errors: list[str] = []
    forms: list[IncomingConnectionForm] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"incoming[{index}]"
        if not isinstance(item, Mapping):
            errors.append(f"{where}: must be an object")
            continue
        name = item.get("name")
        where = f"incoming[{name}]" if isinstance(name, str) and name else where
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
    data: dict[str, Any] = {name: getattr(instance, name) for name in INCOMING_FIELDS}
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
    found = list(model._default_manager.filter(**{field: value}).values_list("pk", flat=True)[:2])
    if len(found) != 1:
        problem = "not found" if not found else "is ambiguous"
        errors.append(f"bad value for {where}.{key}: {value!r} {problem}")
        return None
    return found[0]


def _apply(forms: list[IncomingConnectionForm]) -> None:
    for form in forms:
        form.save()


SECTIONS: dict[str, Section] = {
    section.key: section
    for section in (
        Section(
            "outgoing",
            lambda: _export_fields(OUTGOING_FIELDS),
            _row_validator("outgoing", (*OUTGOING_FIELDS, *SECRET_FIELDS)),
        ),
        Section("company", lambda: _export_fields(COMPANY_FIELDS), _row_validator("company", COMPANY_FIELDS)),
        Section("admin_email", lambda: OutgoingConnection.load().admin_email, _validate_admin_email),
        Section("incoming", export_incoming, validate_incoming),
    )
}
