"""Employees and contact persons: matched by external id, then login, then e-mail; placed in a
department / company named in the row (by external id or name)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import roles
from ..models import Company, Contact, Department, Employee, ImportKind, User
from .base import (
    AMBIGUOUS,
    Plan,
    RowError,
    RowSkipped,
    add_to_index,
    check_email,
    check_language,
    check_length,
    fold,
    parse_bool,
)
from .columns import COLUMNS

BATCH = 1000
KEYS = ("external_id", "login", "email")


class PeopleImporter:
    """Plans rows against what is stored (loaded once into indexes) and writes the plans in batches."""

    model: Any  # Employee or Contact
    unit_model: Any  # Department or Company
    unit_column: str
    text_fields: dict[str, int]
    bool_fields: tuple[str, ...]

    def __init__(self, kind: str) -> None:
        self.kind = kind
        russian = (get_language() or "").startswith("ru")
        self.labels = {c.code: c.ru if russian else c.en for c in COLUMNS[kind]}
        self.fields = (*self.text_fields, *self.bool_fields, "language", "external_id", f"{self.unit_column}_id")
        self.records: dict[int, dict[str, Any]] = {}
        self.index: dict[str, dict[str, int]] = {key: {} for key in KEYS}
        self.units: dict[str, dict[str, int]] = {"external_id": {}, "name": {}}
        self.usernames: dict[str, int] = {}  # folded username -> user id
        self.user_owner: dict[int, tuple[str, int]] = {}  # user id -> (kind, person pk)
        self.privileged: set[int] = set()  # logins of administrators and superusers
        self.seen: dict[str, dict[str, int]] = {key: {} for key in KEYS}
        self.planned_pks: dict[int, int] = {}
        self.validate_username = UnicodeUsernameValidator()

    # --- loading what is stored ----------------------------------------------------------------

    def load(self) -> None:
        extra = ("ldap_connection_id",) if self.model is Employee else ()
        rows = self.model.objects.values("pk", "user_id", "user__username", *extra, *self.fields)
        for row in rows.iterator(chunk_size=5000):
            self.records[row["pk"]] = row
            add_to_index(self.index["external_id"], row["external_id"], row["pk"])
            add_to_index(self.index["login"], fold(row["user__username"] or ""), row["pk"])
            add_to_index(self.index["email"], fold(row["email"]), row["pk"])
        for pk, external_id, name in self.unit_model.objects.values_list("pk", "external_id", "name"):
            add_to_index(self.units["external_id"], external_id, pk)
            add_to_index(self.units["name"], fold(name), pk)
        for user_id, username in User.objects.values_list("pk", "username").iterator(chunk_size=5000):
            self.usernames[fold(username)] = user_id
        privileged = User.objects.filter(Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATOR))
        self.privileged = set(privileged.values_list("pk", flat=True))
        for kind, model in (("employee", Employee), ("contact", Contact)):
            for pk, user_id in model.objects.exclude(user=None).values_list("pk", "user_id"):
                self.user_owner[user_id] = (kind, pk)

    # --- planning one row ----------------------------------------------------------------------

    def plan(self, number: int, cells: dict[str, str]) -> Plan:
        values = self._values(cells)
        values[f"{self.unit_column}_id"] = self._unit(cells.get(self.unit_column, ""))
        login = cells.get("login", "").strip()
        if login:
            self._check_login(login)
        pk = self._match(number, values, login)
        self._check_login_owner(login, pk)
        if pk is None:
            return Plan(number, "create", self._defaults() | values, login=login)
        record = self.records[pk]
        if record.get("ldap_connection_id"):
            raise RowSkipped(_("The card is kept by a directory sync; change it in the directory."))
        changed = [name for name, value in values.items() if value != record[name]]
        if login and fold(record["user__username"] or "") != fold(login):
            changed.append("login")
        if record["user_id"] in self.privileged and {"email", "login"} & set(changed):
            # Access links go to that address: a file must not take an administrator's account over.
            raise RowSkipped(
                _("The card belongs to an administrator's login: its login and e-mail are changed on the card.")
            )
        return Plan(number, "update" if changed else "unchanged", values, pk=pk, changed=changed, login=login)

    def _values(self, cells: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.text_fields:
            if name in cells:
                values[name] = cells[name].strip()
        if not values.get("last_name"):
            raise RowError(_("The surname is empty."))
        check_length(values, self.text_fields, self.labels)
        if "email" in values:
            values["email"] = check_email(values["email"])
        if "external_id" in cells:
            values["external_id"] = cells["external_id"].strip()[:255]
        for name in self.bool_fields:
            flag = parse_bool(cells.get(name, ""), self.labels[name])
            if flag is not None:
                values[name] = flag
        language = check_language(cells.get("language", ""))
        if language is not None:
            values["language"] = language
        return values

    def _unit(self, value: str) -> int:
        value = value.strip()
        if not value:
            raise RowError(_("“%(column)s” is empty.") % {"column": self.labels[self.unit_column]})
        pk = self.units["external_id"].get(value) or self.units["name"].get(fold(value))
        if pk is None:
            raise RowError(self.unit_missing % {"name": value})
        if pk == AMBIGUOUS:
            raise RowError(self.unit_ambiguous % {"name": value})
        return pk

    def _check_login(self, login: str) -> None:
        if len(login) > 150:
            raise RowError(_("The login is longer than 150 characters."))
        try:
            self.validate_username(login)
        except ValidationError:
            raise RowError(
                _("The login “%(login)s” may contain only letters, digits and @ . + - _.") % {"login": login}
            )

    def _match(self, number: int, values: dict[str, Any], login: str) -> int | None:
        keys = {
            "external_id": values.get("external_id", ""),
            "login": fold(login),
            "email": fold(values.get("email", "")),
        }
        if not any(keys.values()):
            raise RowError(_("The row has no external id, login or e-mail, so a repeated import could not find it."))
        for key, value in keys.items():
            if value and value in self.seen[key]:
                raise RowError(
                    _("The same %(key)s as row %(row)s.") % {"key": self.key_label(key), "row": self.seen[key][value]}
                )
        found: int | None = None
        for key, value in keys.items():
            pk = self.index[key].get(value) if value else None
            if pk == AMBIGUOUS:
                raise RowError(
                    _("Several cards have the %(key)s “%(value)s”.") % {"key": self.key_label(key), "value": value}
                )
            if pk is not None:
                found = pk
                break
        if found is not None:
            stored = self.records[found]["external_id"]
            if keys["external_id"] and stored and stored != keys["external_id"]:
                raise RowError(
                    _("The card found by %(key)s has another external id (%(stored)s).")
                    % {"key": self.key_label("login" if keys["login"] else "email"), "stored": stored}
                )
            if found in self.planned_pks:
                raise RowError(_("The same card as row %(row)s.") % {"row": self.planned_pks[found]})
            self.planned_pks[found] = number
        for key, value in keys.items():
            if value:
                self.seen[key][value] = number
        return found

    def _check_login_owner(self, login: str, pk: int | None) -> None:
        """An existing login may only be the card's own: binding a file row to somebody else's
        account (or to a technologist's) must never happen silently."""
        user_id = self.usernames.get(fold(login)) if login else None
        if user_id is None:
            return
        if pk is not None and self.user_owner.get(user_id) == (self.owner_kind, pk):
            return
        raise RowError(_("The login “%(login)s” is taken by another user.") % {"login": login})

    @staticmethod
    def key_label(key: str) -> str:
        return {"external_id": _("external id"), "login": _("login"), "email": _("e-mail")}[key]

    def _defaults(self) -> dict[str, Any]:
        return {name: "" for name in self.text_fields} | {"external_id": "", "language": "ru", "is_active": True}

    owner_kind = ""
    unit_missing = ""
    unit_ambiguous = ""

    # --- writing -------------------------------------------------------------------------------

    def apply(self, plans: list[Plan], progress: Any) -> None:
        done = 0
        for start in range(0, len(plans), BATCH):
            batch = plans[start : start + BATCH]
            self._apply_creates([p for p in batch if p.action == "create"])
            self._apply_updates([p for p in batch if p.action == "update"])
            done += len(batch)
            progress(done)

    def _new_users(self, plans: list[Plan]) -> dict[int, int]:
        """Create the logins of these plans (no usable password yet); row number -> user id."""
        wanted = [p for p in plans if p.login and fold(p.login) not in self.usernames]
        users = [
            User(
                username=p.login,
                email=p.values.get("email", ""),
                first_name=p.values.get("first_name", "")[:150],
                last_name=p.values.get("last_name", "")[:150],
                password=make_password(None),
                is_active=p.values.get("is_active", True),
            )
            for p in wanted
        ]
        for user in User.objects.bulk_create(users):
            self.usernames[fold(user.username)] = user.pk
        return {p.number: self.usernames[fold(p.login)] for p in plans if p.login}

    def _apply_creates(self, plans: list[Plan]) -> None:
        if not plans:
            return
        user_ids = self._new_users(plans)
        objs = [self.model(user_id=user_ids.get(p.number), **p.values) for p in plans]
        for obj in self.model.objects.bulk_create(objs):
            if obj.user_id:
                self.user_owner[obj.user_id] = (self.owner_kind, obj.pk)

    def _apply_updates(self, plans: list[Plan]) -> None:
        if not plans:
            return
        relogin = [p for p in plans if "login" in p.changed]
        user_ids = self._new_users([p for p in relogin if self.records[p.pk]["user_id"] is None])  # type: ignore[index]
        for plan in relogin:
            user_id = self.records[plan.pk]["user_id"]  # type: ignore[index]
            if user_id is not None:
                User.objects.filter(pk=user_id).update(username=plan.login)
                self.usernames[fold(plan.login)] = user_id
        fields: set[str] = set()
        objs: list[Model] = []
        for plan in plans:
            record = self.records[plan.pk]  # type: ignore[index]
            merged = {name: record[name] for name in self.fields} | plan.values
            user_id = user_ids.get(plan.number, record["user_id"])
            objs.append(self.model(pk=plan.pk, user_id=user_id, **merged))
            fields.update(name for name in plan.changed if name != "login")
            if user_id != record["user_id"]:
                fields.add("user_id")
                self.user_owner[user_id] = (self.owner_kind, plan.pk)  # type: ignore[assignment]
        if fields:
            self.model.objects.bulk_update(objs, sorted(fields))


class EmployeeImporter(PeopleImporter):
    model = Employee
    unit_model = Department
    unit_column = "department"
    owner_kind = "employee"
    text_fields = {
        "last_name": 150,
        "first_name": 150,
        "patronymic": 150,
        "position": 255,
        "email": 254,
        "mobile_phone": 32,
        "phone_extension": 16,
    }
    bool_fields = ("is_licensed", "is_active")

    def __init__(self) -> None:
        super().__init__(ImportKind.EMPLOYEES)
        self.unit_missing = _("There is no department “%(name)s”; import the departments first.")
        self.unit_ambiguous = _("Several departments are called “%(name)s”; give its external id instead.")

    def _defaults(self) -> dict[str, Any]:
        return super()._defaults() | {"is_licensed": True}


class ContactImporter(PeopleImporter):
    model = Contact
    unit_model = Company
    unit_column = "company"
    owner_kind = "contact"
    text_fields = {
        "last_name": 150,
        "first_name": 150,
        "patronymic": 150,
        "position": 255,
        "email": 254,
        "phone": 32,
        "mobile_phone": 32,
    }
    bool_fields = ("is_active", "sees_company_tickets")

    def __init__(self) -> None:
        super().__init__(ImportKind.CONTACTS)
        self.unit_missing = _("There is no company “%(name)s”; import the companies first.")
        self.unit_ambiguous = _("Several companies are called “%(name)s”; give its external id instead.")

    def _defaults(self) -> dict[str, Any]:
        return super()._defaults() | {"sees_company_tickets": False}
