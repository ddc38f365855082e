"""What every import kind shares: row values, key lookups, the plan of one row, the result counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

AMBIGUOUS = -1  # an index value: several existing records share this key
TRUE_WORDS = frozenset({"1", "да", "д", "yes", "y", "true", "истина", "+", "x", "v", "✓"})
FALSE_WORDS = frozenset({"0", "нет", "н", "no", "n", "false", "ложь", "-"})
LANGUAGES = frozenset({"ru", "en"})


class RowError(Exception):
    """The row cannot be imported; the message says why in the user's language."""


class RowSkipped(Exception):
    """The row is left alone on purpose (e.g. the card is kept by a directory sync)."""


@dataclass
class Plan:
    """What one valid row does: create a record, update some of its fields, or nothing."""

    number: int
    action: str  # "create" | "update" | "unchanged"
    values: dict[str, Any]
    pk: int | None = None
    changed: list[str] = field(default_factory=list)
    login: str = ""


@dataclass
class Outcome:
    """The counts of a check or an import, and the row messages in file order."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for e in self.errors if e["level"] == "error")

    def add_error(self, number: int, message: str, *, level: str = "error") -> None:
        self.errors.append({"row": number, "message": message, "level": level})

    def count(self, plans: Iterable[Plan]) -> None:
        for plan in plans:
            name = {"create": "created", "update": "updated", "unchanged": "unchanged"}[plan.action]
            setattr(self, name, getattr(self, name) + 1)


Progress = Callable[[int], None]


def parse_bool(value: str, column: str) -> bool | None:
    """None for an empty cell (keep what is stored), else the boolean; RowError for anything else."""
    word = value.strip().casefold()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RowError(_("“%(value)s” in “%(column)s” is not yes or no.") % {"value": value, "column": column})


def check_email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise RowError(_("“%(value)s” is not a valid e-mail address.") % {"value": value})
    return value


def check_language(value: str) -> str | None:
    code = value.strip().lower()[:2]
    if not code:
        return None
    if code not in LANGUAGES:
        raise RowError(_("The language must be ru or en, not “%(value)s”.") % {"value": value})
    return code


def check_length(values: dict[str, Any], limits: dict[str, int], labels: dict[str, str]) -> None:
    for name, limit in limits.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise RowError(
                _("“%(column)s” is longer than %(limit)s characters.")
                % {"column": labels.get(name, name), "limit": limit}
            )


def add_to_index(index: dict[str, int], key: str, pk: int) -> None:
    if not key:
        return
    index[key] = AMBIGUOUS if key in index and index[key] != pk else pk


def fold(value: str) -> str:
    return value.strip().casefold()
