"""Case-insensitive text lookups for every script on SQLite, the embedded default.

SQLite's LIKE (what Django's `icontains`, `istartswith`, `iendswith` and `iexact` compile to) folds
the case of ASCII letters only: `принтер` did not find `Принтер`. On SQLite these lookups compare
`sd_fold(column)` with the value folded in Python, `sd_fold` being `str.casefold` registered on
every new connection. PostgreSQL keeps Django's `UPPER(...) LIKE UPPER(...)`, which follows the
database's ctype (any UTF-8 locale folds Cyrillic) and uses the trigram indexes of migration 0003.
A LIKE with a leading wildcard scans on SQLite either way; the fold adds a function call per row.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Field
from django.db.models.lookups import IContains, IEndsWith, IExact, IStartsWith

FOLD_FUNCTION = "sd_fold"


def fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


class _FoldOnSqlite:
    """Mixed into Django's case-insensitive lookups; other databases use Django's own SQL."""

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[object]]:
        lookup: Any = self
        if not lookup.rhs_is_direct_value() or lookup.bilateral_transforms:
            return lookup.as_sql(compiler, connection)
        lhs_sql, lhs_params = lookup.process_lhs(compiler, connection)
        rhs_sql, rhs_params = lookup.process_rhs(compiler, connection)
        sql = f"{FOLD_FUNCTION}({lhs_sql}) {lookup.get_rhs_op(connection, rhs_sql)}"
        return sql, [*lhs_params, *(fold(param) for param in rhs_params)]


class FoldedIExact(_FoldOnSqlite, IExact):
    pass


class FoldedIContains(_FoldOnSqlite, IContains):
    pass


class FoldedIStartsWith(_FoldOnSqlite, IStartsWith):
    pass


class FoldedIEndsWith(_FoldOnSqlite, IEndsWith):
    pass


def _register_fold(sender: object, connection: Any, **kwargs: object) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


def install() -> None:
    """Called once from the app config: the lookups for every field, the function on every connection."""
    for lookup in (FoldedIExact, FoldedIContains, FoldedIStartsWith, FoldedIEndsWith):
        Field.register_lookup(lookup)
    connection_created.connect(_register_fold, dispatch_uid="servicedesk-sqlite-fold")
