"""Departments and companies: matched by external id, else by name; the parent may be another row
of the same file (in any order) or a stored unit, named by external id or name."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Company, Department, Employee, ImportKind
from .base import AMBIGUOUS, Outcome, Plan, RowError, RowSkipped, add_to_index, check_length, fold
from .columns import COLUMNS

BATCH = 1000


class UnitImporter:
    model: Any  # Department or Company
    text_fields: dict[str, int]
    synced = False

    def __init__(self, kind: str) -> None:
        russian = (get_language() or "").startswith("ru")
        self.labels = {c.code: c.ru if russian else c.en for c in COLUMNS[kind]}
        self.records: dict[int, dict[str, Any]] = {}
        self.by_external: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.seen_external: dict[str, int] = {}
        self.seen_name: dict[str, int] = {}
        self.claimed: dict[int, int] = {}
        self.parents: dict[int, str] = {}  # row number -> the parent cell

    def compared(self) -> tuple[str, ...]:
        return (*self.text_fields, "external_id", "parent_id")

    def load(self) -> None:
        extra = ("ldap_connection_id",) if self.synced else ()
        for row in self.model.objects.values("pk", *self.compared(), *extra).iterator(chunk_size=5000):
            self.records[row["pk"]] = row
            add_to_index(self.by_external, row["external_id"], row["pk"])
            add_to_index(self.by_name, fold(row["name"]), row["pk"])

    def plan(self, number: int, cells: dict[str, str]) -> Plan:
        values = {name: cells[name].strip() for name in self.text_fields if name in cells}
        if not values.get("name"):
            raise RowError(_("The name is empty."))
        check_length(values, self.text_fields, self.labels)
        external_id = cells.get("external_id", "").strip()[:255]
        if external_id:
            values["external_id"] = external_id
        pk = self._match(number, values["name"], external_id)
        if pk is not None and self.synced and self.records[pk].get("ldap_connection_id"):
            raise RowSkipped(_("The department is kept by a directory sync; change it in the directory."))
        self.parents[number] = cells.get("parent", "").strip() if "parent" in cells else "\0keep"
        if pk is None:
            return Plan(number, "create", {name: "" for name in self.text_fields} | {"external_id": ""} | values)
        return Plan(number, "unchanged", values, pk=pk)

    def _match(self, number: int, name: str, external_id: str) -> int | None:
        if external_id and external_id in self.seen_external:
            raise RowError(_("The same external id as row %(row)s.") % {"row": self.seen_external[external_id]})
        if not external_id and fold(name) in self.seen_name:
            raise RowError(
                _("The same name as row %(row)s; give both rows an external id.") % {"row": self.seen_name[fold(name)]}
            )
        pk = self.by_external.get(external_id) if external_id else None
        if pk is None:
            by_name = self.by_name.get(fold(name))
            if by_name == AMBIGUOUS and not external_id:
                raise RowError(_("Several records are called “%(name)s”; give an external id.") % {"name": name})
            if by_name not in (None, AMBIGUOUS) and not (external_id and self.records[by_name]["external_id"]):
                pk = by_name
        if pk is not None and pk in self.claimed:
            raise RowError(_("The same record as row %(row)s.") % {"row": self.claimed[pk]})
        if pk is not None:
            self.claimed[pk] = number
        if external_id:
            self.seen_external[external_id] = number
        self.seen_name.setdefault(fold(name), number)
        return pk

    # --- second pass: parents, then what really changes -----------------------------------------

    def finish(self, plans: list[Plan], outcome: Outcome) -> list[Plan]:
        by_ext = {p.values["external_id"]: p for p in plans if p.values.get("external_id")}
        by_name: dict[str, Plan] = {}
        for plan in plans:
            by_name.setdefault(fold(plan.values["name"]), plan)
        kept: list[Plan] = []
        for plan in plans:
            try:
                self._resolve(plan, by_ext, by_name)
            except RowError as error:
                outcome.add_error(plan.number, str(error))
                continue
            kept.append(plan)
        kept = self._drop_cycles(kept, outcome)
        for plan in kept:
            if plan.pk is not None:
                record = self.records[plan.pk]
                plan.changed = [n for n, v in plan.values.items() if n != "parent_row" and v != record[n]]
                if plan.values.get("parent_row") is not None:
                    plan.changed.append("parent_id")
                plan.action = "update" if plan.changed else "unchanged"
        return kept

    def _resolve(self, plan: Plan, by_ext: dict[str, Plan], by_name: dict[str, Plan]) -> None:
        self.extra(plan)
        cell = self.parents.pop(plan.number, "")
        if cell == "\0keep":
            return
        plan.values["parent_id"] = None
        if not cell:
            return
        target = by_ext.get(cell) or by_name.get(fold(cell))
        if target is plan:
            raise RowError(_("A record cannot be its own parent."))
        if target is not None and target.pk is None:
            plan.values["parent_row"] = target.number  # created in this import; linked after creation
            return
        pk = target.pk if target is not None else self.by_external.get(cell) or self.by_name.get(fold(cell))
        if pk is None:
            raise RowError(_("The parent “%(name)s” is neither in the file nor stored.") % {"name": cell})
        if pk == AMBIGUOUS:
            raise RowError(
                _("Several records are called “%(name)s”; name the parent by its external id.") % {"name": cell}
            )
        plan.values["parent_id"] = pk

    def extra(self, plan: Plan) -> None:
        """Kind-specific references of a row (the department head)."""

    def _drop_cycles(self, plans: list[Plan], outcome: Outcome) -> list[Plan]:
        node = {p.number: (f"pk:{p.pk}" if p.pk else f"row:{p.number}") for p in plans}
        parent: dict[str, str | None] = {
            f"pk:{pk}": (f"pk:{r['parent_id']}" if r["parent_id"] else None) for pk, r in self.records.items()
        }
        for plan in plans:
            if "parent_row" in plan.values:
                parent[node[plan.number]] = f"row:{plan.values['parent_row']}"
            elif "parent_id" in plan.values:
                parent[node[plan.number]] = f"pk:{plan.values['parent_id']}" if plan.values["parent_id"] else None
        kept = []
        for plan in plans:
            seen, current = set(), parent.get(node[plan.number])
            while current is not None and current not in seen and current != node[plan.number]:
                seen.add(current)
                current = parent.get(current)
            if current == node[plan.number]:
                outcome.add_error(plan.number, _("The parent chain of this row loops back to it."))
            else:
                kept.append(plan)
        return kept

    # --- writing -------------------------------------------------------------------------------

    def apply(self, plans: list[Plan], progress: Any) -> None:
        created: dict[int, int] = {}
        new = [p for p in plans if p.action == "create"]
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            new_objs = [self.model(**self._model_values(p.values)) for p in batch]
            for plan, obj in zip(batch, self.model.objects.bulk_create(new_objs), strict=True):
                created[plan.number] = obj.pk
            progress(start + len(batch))
        for plan in plans:
            if plan.values.get("parent_row") is not None:
                plan.values["parent_id"] = created[plan.values["parent_row"]]
        changed = [p for p in plans if p.action == "update" or (p.action == "create" and p.values.get("parent_row"))]
        objs: list[Model] = []
        fields: set[str] = set()
        for plan in changed:
            pk = plan.pk or created[plan.number]
            merged = {
                n: v
                for n, v in (self.records.get(pk, {}) | plan.values).items()
                if n in self.compared() or n == "head_id"
            }
            objs.append(self.model(pk=pk, **merged))
            fields.update(n for n in plan.changed if n != "parent_row")
            if plan.action == "create":
                fields.add("parent_id")
        if objs and fields:
            self.model.objects.bulk_update(objs, sorted(fields), batch_size=BATCH)
        progress(len(plans))

    def _model_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {n: v for n, v in values.items() if n not in ("parent_row", "parent_id")}


class DepartmentImporter(UnitImporter):
    model = Department
    text_fields = {"name": 255}
    synced = True

    def __init__(self) -> None:
        super().__init__(ImportKind.DEPARTMENTS)
        self.heads: dict[int, str] = {}
        self.employees: dict[str, int] = {}

    def compared(self) -> tuple[str, ...]:
        return (*super().compared(), "head_id")

    def plan(self, number: int, cells: dict[str, str]) -> Plan:
        plan = super().plan(number, cells)
        if "head" in cells:
            self.heads[number] = cells["head"].strip()
        return plan

    def extra(self, plan: Plan) -> None:
        if plan.number not in self.heads:
            return
        head = self.heads.pop(plan.number)
        if not head:
            plan.values["head_id"] = None
            return
        if not self.employees:
            for pk, username, email in Employee.objects.values_list("pk", "user__username", "email"):
                add_to_index(self.employees, fold(username or ""), pk)
                add_to_index(self.employees, fold(email), pk)
        head_pk = self.employees.get(fold(head))
        if head_pk is None or head_pk == AMBIGUOUS:
            raise RowError(_("No single employee has the login or e-mail “%(head)s”.") % {"head": head})
        plan.values["head_id"] = head_pk

    def _model_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return super()._model_values(values)


class CompanyImporter(UnitImporter):
    model = Company
    text_fields = {"name": 255, "email_domain": 255, "phone": 32}

    def __init__(self) -> None:
        super().__init__(ImportKind.COMPANIES)
