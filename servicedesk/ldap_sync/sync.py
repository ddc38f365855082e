"""Applying a directory to the org structure: OUs → departments, users → employees.

Everything is read from the directory first and then written in one transaction, so a run that
fails midway leaves the org structure as the previous run left it. Nothing is ever deleted:
disabled accounts and accounts gone from the directory make their employee (and login) inactive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from ..models import Department, Employee, LdapConnection, User
from . import client as ldap_client
from .mapping import DirectoryPerson, DirectoryUnit, requested_attributes, to_person, to_unit

BATCH = 1000
LOG_LINES_KEPT = 500


@dataclass
class SyncResult:
    departments_created: int = 0
    departments_updated: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: int = 0
    lines: list[str] = field(default_factory=list)

    def note(self, line: str, *, error: bool = False) -> None:
        self.errors += int(error)
        if len(self.lines) < LOG_LINES_KEPT:
            self.lines.append(line)


def read_directory(conn: LdapConnection) -> tuple[list[DirectoryUnit], list[DirectoryPerson]]:
    """Every department container and every user entry; DirectoryError when the directory fails."""
    client = ldap_client.connect(conn)
    try:
        units: list[DirectoryUnit] = []
        if conn.department_filter.strip():
            found = ldap_client.search(
                client, conn.base_dn, conn.department_filter, requested_attributes(conn, people=False)
            )
            units = [to_unit(conn, entry) for entry in found]
        found = ldap_client.search(client, conn.base_dn, conn.user_filter, requested_attributes(conn, people=True))
        people = [to_person(conn, entry) for entry in found]
    finally:
        client.unbind()
    return units, people


def apply_directory(conn: LdapConnection, units: list[DirectoryUnit], people: list[DirectoryPerson]) -> SyncResult:
    result = SyncResult()
    now = timezone.now()
    with transaction.atomic():
        by_dn = _sync_departments(conn, units, result, now)
        _sync_employees(conn, people, by_dn, result, now)
    return result


# --- departments ------------------------------------------------------------------------------


def _sync_departments(
    conn: LdapConnection, units: list[DirectoryUnit], result: SyncResult, now: Any
) -> dict[str, Department]:
    ids = [u.external_id for u in units]
    stored = {d.external_id: d for d in Department.objects.filter(external_id__in=ids)}
    by_dn: dict[str, Department] = {}
    for unit in sorted(units, key=lambda u: u.dn.count(",")):  # parents before children
        parent = by_dn.get(unit.parent_dn)
        department = stored.get(unit.external_id)
        if department is None:
            department = Department.objects.create(
                name=unit.name, parent=parent, external_id=unit.external_id, ldap_connection=conn, synced_at=now
            )
            result.departments_created += 1
            result.note(f"department created: {unit.name}")
        else:
            changes = {"name": unit.name, "parent_id": parent.pk if parent else None, "ldap_connection_id": conn.pk}
            changed = [name for name, value in changes.items() if getattr(department, name) != value]
            for name, value in changes.items():
                setattr(department, name, value)
            department.synced_at = now
            department.save(update_fields=[*changed, "synced_at"])
            if changed:
                result.departments_updated += 1
                result.note(f"department updated: {unit.name}")
        by_dn[unit.dn] = department
    return by_dn


def _department_for(
    conn: LdapConnection, person: DirectoryPerson, by_dn: dict[str, Department], cache: dict[str, Department]
) -> Department:
    dn = person.parent_dn
    while dn:
        if dn in by_dn:
            return by_dn[dn]
        dn = dn.split(",", 1)[1] if "," in dn else ""
    if "default" not in cache:
        cache["default"] = conn.default_department or _connection_department(conn)
    return cache["default"]


def _connection_department(conn: LdapConnection) -> Department:
    department, _created = Department.objects.get_or_create(
        external_id=f"ldap:{conn.pk}:default",
        defaults={"name": conn.name[:255], "ldap_connection": conn},
    )
    return department


# --- employees --------------------------------------------------------------------------------


@dataclass
class _Plans:
    creates: list[tuple[DirectoryPerson, Employee]] = field(default_factory=list)
    updates: list[Employee] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    users: list[User] = field(default_factory=list)
    user_fields: set[str] = field(default_factory=set)


def _sync_employees(
    conn: LdapConnection, people: list[DirectoryPerson], by_dn: dict[str, Department], result: SyncResult, now: Any
) -> None:
    stored = {e.external_id: e for e in Employee.objects.filter(ldap_connection=conn).select_related("user")}
    logins = {fold(p.login) for p in people if p.login}
    taken = _taken_logins(logins)
    adoptable = _adoptable(conn, logins)
    plans = _Plans()
    seen: set[str] = set()
    cache: dict[str, Department] = {}
    for person in people:
        if person.external_id in seen:
            result.note(f"skipped: {person.dn} has the same id as another entry", error=True)
            continue
        seen.add(person.external_id)
        department = _department_for(conn, person, by_dn, cache)
        employee = stored.get(person.external_id) or adoptable.pop(fold(person.login), None)
        if employee is None:
            _plan_create(conn, person, department, plans, taken, result, now)
        else:
            _plan_update(conn, person, employee, department, plans, result, now, taken)
    _write(conn, plans, result)
    _deactivate_missing(conn, seen, result)


def fold(value: str) -> str:
    return value.strip().casefold()


def _taken_logins(logins: set[str]) -> dict[str, int]:
    """Folded username → user id, for the usernames the directory mentions."""
    taken: dict[str, int] = {}
    names = sorted(logins)
    for start in range(0, len(names), BATCH):
        chunk = names[start : start + BATCH]
        for pk, username in User.objects.filter(username__in=chunk).values_list("pk", "username"):
            taken[fold(username)] = pk
    return taken


def _adoptable(conn: LdapConnection, logins: set[str]) -> dict[str, Employee]:
    """Cards entered by hand (or imported from a file) whose login the directory has: the first sync
    takes them over instead of creating a second card for the same person."""
    found: dict[str, Employee] = {}
    names = sorted(logins)
    for start in range(0, len(names), BATCH):
        chunk = names[start : start + BATCH]
        manual = Employee.objects.filter(ldap_connection=None, user__username__in=chunk).select_related("user")
        for employee in manual:
            found[fold(employee.user.username)] = employee  # type: ignore[union-attr]
    return found


def _plan_create(
    conn: LdapConnection,
    person: DirectoryPerson,
    department: Department,
    plans: _Plans,
    taken: dict[str, int],
    result: SyncResult,
    now: Any,
) -> None:
    employee = Employee(
        department=department,
        external_id=person.external_id,
        ldap_connection=conn,
        synced_at=now,
        is_active=not person.disabled,
        **person.values,
    )
    if not employee.last_name:
        employee.last_name = person.login or person.dn.split(",", 1)[0].split("=", 1)[-1]
    if conn.create_logins and person.login and fold(person.login) in taken:
        result.note(
            f"login {person.login} is taken by another user; {employee.full_name} is created without it", error=True
        )
    plans.creates.append((person, employee))


def _plan_update(
    conn: LdapConnection,
    person: DirectoryPerson,
    employee: Employee,
    department: Department,
    plans: _Plans,
    result: SyncResult,
    now: Any,
    taken: dict[str, int],
) -> None:
    values: dict[str, Any] = {
        **person.values,
        "department_id": department.pk,
        "is_active": not person.disabled,
        "external_id": person.external_id,
        "ldap_connection_id": conn.pk,
    }
    changed = [name for name, value in values.items() if getattr(employee, name) != value]
    for name, value in values.items():
        setattr(employee, name, value)
    user_changed = _plan_user(conn, person, employee, plans, taken)
    if changed:
        plans.updates.append(employee)
        plans.fields.update(changed)
    if person.disabled and "is_active" in changed:
        result.deactivated += 1
        result.note(f"deactivated (account disabled): {employee.full_name}")
    elif changed or user_changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _plan_user(
    conn: LdapConnection, person: DirectoryPerson, employee: Employee, plans: _Plans, taken: dict[str, int]
) -> bool:
    user = employee.user
    if user is None:
        return False
    changes: dict[str, Any] = {"is_active": not person.disabled}
    if (
        conn.create_logins
        and person.login
        and fold(user.username) != fold(person.login)
        and fold(person.login) not in taken
    ):
        changes["username"] = person.login
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, changes[name])
        plans.users.append(user)
        plans.user_fields.update(changed)
    return bool(changed)


def _write(conn: LdapConnection, plans: _Plans, result: SyncResult) -> None:
    new_users: dict[int, User] = {}
    if conn.create_logins:
        wanted = [(index, person, employee) for index, (person, employee) in enumerate(plans.creates) if person.login]
        taken = _taken_logins({fold(p.login) for _i, p, _e in wanted})
        users = []
        for index, person, employee in wanted:
            if fold(person.login) in taken:
                continue
            taken[fold(person.login)] = 0
            user = User(
                username=person.login,
                email=employee.email,
                first_name=employee.first_name,
                last_name=employee.last_name,
                is_active=employee.is_active,
                password=make_password(None),
            )
            users.append(user)
            new_users[index] = user
        User.objects.bulk_create(users, batch_size=BATCH)
    employees = []
    for index, (_person, employee) in enumerate(plans.creates):
        if index in new_users:
            employee.user = new_users[index]
        employees.append(employee)
    Employee.objects.bulk_create(employees, batch_size=BATCH)
    result.created += len(employees)
    if plans.updates:
        Employee.objects.bulk_update(plans.updates, sorted(plans.fields), batch_size=BATCH)
    # One statement stamps every card of the connection (the unchanged ones included).
    Employee.objects.filter(ldap_connection=conn).update(synced_at=timezone.now())
    if plans.users:
        User.objects.bulk_update(plans.users, sorted(plans.user_fields), batch_size=BATCH)


def _deactivate_missing(conn: LdapConnection, seen: Iterable[str], result: SyncResult) -> None:
    """Cards of this connection whose entry is gone (deleted or moved out of the search base)."""
    seen_ids = set(seen)
    gone = [
        (pk, user_id, name)
        for pk, external_id, user_id, name in Employee.objects.filter(ldap_connection=conn, is_active=True).values_list(
            "pk", "external_id", "user_id", "last_name"
        )
        if external_id not in seen_ids
    ]
    if not gone:
        return
    Employee.objects.filter(pk__in=[pk for pk, _u, _n in gone]).update(is_active=False)
    User.objects.filter(pk__in=[u for _p, u, _n in gone if u]).update(is_active=False)
    result.deactivated += len(gone)
    for _pk, _user, name in gone[:50]:
        result.note(f"deactivated (no longer in the directory): {name}")
