"""Mail settings as code: export to JSON (without secrets) and import from it, all or nothing.

Each top-level key is a section registered here with an exporter and a validator; the validator
checks the section's value and returns a function that applies it. `import_settings` validates
every section first and applies them in one transaction only if none had an error, so a file is
never half-applied. Incoming connections plug in later as another section ("incoming").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from mailconf.forms import COMPANY_FIELDS, CONNECTION_FIELDS, SECRET_FIELDS, OutgoingConnectionForm
from mailconf.models import OutgoingConnection

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


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
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
    for key, value in data.items():
        if key not in SECTIONS:
            continue
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
    from .connection import save_connection_form

    save_connection_form(form)
    shared["applied"] = True


def _row_form(values: dict[str, Any]) -> OutgoingConnectionForm:
    conn = OutgoingConnection.load()
    fields = (*CONNECTION_FIELDS, *COMPANY_FIELDS, "admin_email")
    data: dict[str, Any] = {name: getattr(conn, name) for name in fields}
    data.update(values)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    return OutgoingConnectionForm(data=data, instance=conn)


def _form_errors(form: OutgoingConnectionForm, shared: dict[str, Any]) -> list[str]:
    where = {name: "company" for name in COMPANY_FIELDS} | {"admin_email": "admin_email"}
    errors = []
    for name, messages in form.errors.items():
        key = name if where.get(name) == "admin_email" else f"{where.get(name, 'outgoing')}.{name}"
        errors.extend(f"{key}: {m}" for m in messages)
    return errors


def _validate_admin_email(value: Any, shared: dict[str, Any]) -> Applier:
    if not isinstance(value, str):
        raise SettingsError([f"bad value for admin_email: {value!r}"[:200]])
    shared.setdefault("row", {})["admin_email"] = value
    return lambda: _apply_row(shared)


register_section(
    Section(
        "outgoing",
        lambda: _export_fields(CONNECTION_FIELDS),
        _row_validator("outgoing", (*CONNECTION_FIELDS, *SECRET_FIELDS)),
    )
)
register_section(Section("company", lambda: _export_fields(COMPANY_FIELDS), _row_validator("company", COMPANY_FIELDS)))
register_section(Section("admin_email", lambda: OutgoingConnection.load().admin_email, _validate_admin_email))

# --- Incoming connections (section "incoming", owned by services/settings_incoming.py) ---------
from . import settings_incoming  # noqa: E402,F401  (imported for its register_section call)
