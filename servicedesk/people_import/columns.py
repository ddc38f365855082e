"""The columns of each import kind, with the Russian and English headers the templates carry.

A file may use either language's headers (or the column codes), in any order and letter case; a
trailing "*" (the templates mark required columns with it) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import ImportKind


@dataclass(frozen=True)
class Column:
    code: str
    ru: str
    en: str
    required: bool = False
    example: str = ""
    example_2: str = ""


EXTERNAL_ID = Column("external_id", "Внешний идентификатор", "External id", example="D-100", example_2="D-110")
LOGIN = Column("login", "Логин", "Login", example="ivanova", example_2="petrov")
LAST_NAME = Column("last_name", "Фамилия", "Surname", True, "Иванова", "Петров")
FIRST_NAME = Column("first_name", "Имя", "Name", example="Анна", example_2="Пётр")
PATRONYMIC = Column("patronymic", "Отчество", "Patronymic", example="Сергеевна", example_2="Ильич")
POSITION = Column("position", "Должность", "Position", example="Инженер", example_2="Бухгалтер")
EMAIL = Column(
    "email", "Адрес электронной почты", "E-mail", example="ivanova@example.com", example_2="petrov@example.com"
)
MOBILE = Column("mobile_phone", "Мобильный телефон", "Mobile phone", example="+7 900 000-00-01")
ACTIVE = Column("is_active", "Активен", "Active", example="да", example_2="да")
LANGUAGE = Column("language", "Язык оповещений", "Language of notifications", example="ru", example_2="en")

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.DEPARTMENTS: (
        EXTERNAL_ID,
        Column("name", "Название", "Name", True, "ИТ-департамент", "Служба поддержки"),
        Column("parent", "Родительский отдел", "Parent department", example="", example_2="ИТ-департамент"),
        Column("head", "Руководитель (логин или e-mail)", "Head (login or e-mail)"),
    ),
    ImportKind.EMPLOYEES: (
        Column("external_id", "Внешний идентификатор", "External id", example="E-0001", example_2="E-0002"),
        LOGIN,
        LAST_NAME,
        FIRST_NAME,
        PATRONYMIC,
        Column("department", "Отдел", "Department", True, "Служба поддержки", "ИТ-департамент"),
        POSITION,
        EMAIL,
        MOBILE,
        Column("phone_extension", "Внутренний номер", "Internal phone extension", example="201", example_2="202"),
        Column("is_licensed", "Лицензированный", "Licensed", example="да", example_2="нет"),
        ACTIVE,
        LANGUAGE,
    ),
    ImportKind.COMPANIES: (
        Column("external_id", "Внешний идентификатор", "External id", example="C-1", example_2="C-2"),
        Column("name", "Название", "Name", True, "ООО Ромашка", "ООО Ромашка, филиал в Казани"),
        Column("parent", "Головная компания", "Parent company", example_2="ООО Ромашка"),
        Column("email_domain", "Почтовый домен", "Mail domain", example="romashka.example"),
        Column("phone", "Телефон", "Phone", example="+7 495 000-00-00"),
    ),
    ImportKind.CONTACTS: (
        Column("external_id", "Внешний идентификатор", "External id", example="K-1", example_2="K-2"),
        Column("login", "Логин", "Login", example="klientova", example_2="sidorov"),
        Column("last_name", "Фамилия", "Surname", True, "Клиентова", "Сидоров"),
        Column("first_name", "Имя", "Name", example="Кира", example_2="Семён"),
        PATRONYMIC,
        Column("company", "Компания", "Company", True, "ООО Ромашка", "ООО Ромашка"),
        POSITION,
        Column(
            "email",
            "Адрес электронной почты",
            "E-mail",
            example="klientova@romashka.example",
            example_2="sidorov@romashka.example",
        ),
        Column("phone", "Телефон", "Phone", example="+7 495 000-00-00"),
        MOBILE,
        ACTIVE,
        Column("sees_company_tickets", "Видит заявки компании", "Sees company tickets", example="нет", example_2="да"),
        LANGUAGE,
    ),
}

_SPACES = re.compile(r"\s+")


def normalise(header: str) -> str:
    return _SPACES.sub(" ", str(header).replace("\ufeff", "").strip().rstrip("*").strip()).casefold()


def header_index(kind: str) -> dict[str, str]:
    """Normalised header (Russian, English or code) → column code."""
    index: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.ru, column.en, column.code):
            index[normalise(name)] = column.code
    return index


class HeaderError(ValueError):
    """The header row cannot be used; the message says why."""


def map_headers(kind: str, headers: list[str]) -> tuple[list[str | None], list[str]]:
    """Column code for each position (None: ignored) and the headers that were not recognised.

    HeaderError when a required column is missing or a column appears twice."""
    index = header_index(kind)
    codes: list[str | None] = []
    unknown: list[str] = []
    for header in headers:
        code = index.get(normalise(header))
        if code is None and str(header).strip():
            unknown.append(str(header).strip())
        if code is not None and code in codes:
            raise HeaderError(_("The column “%(column)s” appears twice.") % {"column": header})
        codes.append(code)
    labels = {c.code: c for c in COLUMNS[kind]}
    missing = [labels[c.code] for c in COLUMNS[kind] if c.required and c.code not in codes]
    if missing:
        # Quotes by the reader's typography: «…» in Russian.
        names = ", ".join(_("“%(ru)s” / “%(en)s”") % {"ru": c.ru, "en": c.en} for c in missing)
        raise HeaderError(_("Required columns are missing: %(columns)s.") % {"columns": names})
    return codes, unknown
