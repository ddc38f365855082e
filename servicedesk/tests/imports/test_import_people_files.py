"""File imports: formats, encodings and separators detected; row errors with row numbers; duplicate
keys; idempotent re-import by external id, login or e-mail; all-or-nothing versus valid rows only."""

from __future__ import annotations

import io

import pytest

from servicedesk.models import Company, Contact, Department, Employee, ImportKind, ImportMode, User
from servicedesk.people_import import engine
from servicedesk.people_import.templates import build_template
from servicedesk.testing.cast import make_user

pytestmark = pytest.mark.django_db

EMPLOYEES = (
    "Внешний идентификатор;Логин;Фамилия*;Имя;Отдел*;Адрес электронной почты;Внутренний номер;Лицензированный\n"
    "E-1;ivanova;Иванова;Анна;Поддержка;ivanova@example.com;201;да\n"
    "E-2;petrov;Петров;Пётр;ИТ;petrov@example.com;202;нет\n"
)


@pytest.fixture
def departments(db: None) -> dict[str, Department]:
    it = Department.objects.create(name="ИТ", external_id="D-1")
    return {"it": it, "support": Department.objects.create(name="Поддержка", parent=it, external_id="D-2")}


@pytest.mark.parametrize(
    ("encoding", "separator"), [("utf-8", ";"), ("utf-8-sig", ";"), ("cp1251", ";"), ("utf-8", ","), ("cp1251", ",")]
)
def test_encodings_and_separators_are_detected(departments, encoding: str, separator: str) -> None:
    data = EMPLOYEES.replace(";", separator).encode(encoding)
    outcome = engine.run(ImportKind.EMPLOYEES, data, ImportMode.ALL_OR_NOTHING)
    assert (outcome.created, outcome.error_count) == (2, 0), outcome.errors
    ivanova = Employee.objects.get(external_id="E-1")
    assert (ivanova.last_name, ivanova.first_name, ivanova.department, ivanova.user.username) == (
        "Иванова",
        "Анна",
        departments["support"],
        "ivanova",
    )
    assert ivanova.phone_extension == "201" and ivanova.is_licensed
    assert not Employee.objects.get(external_id="E-2").is_licensed
    assert not ivanova.user.has_usable_password()


def test_english_headers_and_quoted_cells(departments) -> None:
    data = (
        "External id,Surname,Name,Department,Position,E-mail\r\n"
        'E-9,"Smith, Jr.",John,ИТ,"Engineer; networks",john@example.com\r\n'
    ).encode()
    outcome = engine.run(ImportKind.EMPLOYEES, data, ImportMode.ALL_OR_NOTHING)
    assert outcome.created == 1, outcome.errors
    john = Employee.objects.get(external_id="E-9")
    assert (john.last_name, john.position) == ("Smith, Jr.", "Engineer; networks")


def test_row_errors_name_the_row_and_the_reason(departments) -> None:
    data = (
        EMPLOYEES
        + "E-3;;Сидоров;;Нет такого;s@example.com;;\n"
        + "E-4;;;Без фамилии;ИТ;x@example.com;;\n"
        + "E-5;;Плохой;;ИТ;not-an-address;;\n"
        + "E-1;other;Дубль;;ИТ;;;\n"
        + "E-6;petrov;Дубль логина;;ИТ;;;\n"
        + "E-7;;Да-нет;;ИТ;y@example.com;;может быть\n"
        + ";;Без ключей;;ИТ;;;\n"
    ).encode()
    outcome = engine.check(ImportKind.EMPLOYEES, data)
    errors = {e["row"]: e["message"] for e in outcome.errors}
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10}
    assert "no department “Нет такого”" in errors[4]
    assert "surname is empty" in errors[5]
    assert "not a valid e-mail" in errors[6]
    assert "same external id as row 2" in errors[7]
    assert "same login as row 3" in errors[8]
    assert "not yes or no" in errors[9]
    assert "no external id, login or e-mail" in errors[10]
    assert (outcome.created, outcome.total) == (2, 9)
    assert Employee.objects.count() == 0  # the check writes nothing


def test_all_or_nothing_writes_nothing_and_valid_only_skips_bad_rows(departments) -> None:
    data = (EMPLOYEES + "E-3;;Сидоров;;Нет такого;s@example.com;;\n").encode()
    refused = engine.run(ImportKind.EMPLOYEES, data, ImportMode.ALL_OR_NOTHING)
    assert refused.error_count == 1 and refused.created == 0 and Employee.objects.count() == 0
    assert User.objects.filter(username="ivanova").count() == 0
    partial = engine.run(ImportKind.EMPLOYEES, data, ImportMode.VALID_ONLY)
    assert (partial.created, partial.skipped, partial.error_count) == (2, 1, 1)
    assert Employee.objects.count() == 2


def test_reimport_updates_by_key_and_never_duplicates(departments) -> None:
    engine.run(ImportKind.EMPLOYEES, EMPLOYEES.encode(), ImportMode.ALL_OR_NOTHING)
    again = engine.run(ImportKind.EMPLOYEES, EMPLOYEES.encode(), ImportMode.ALL_OR_NOTHING)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = EMPLOYEES.replace("ivanova@example.com;201", "anna@example.com;299").replace("E-2;petrov", "E-2;ppetrov")
    result = engine.run(ImportKind.EMPLOYEES, changed.encode(), ImportMode.ALL_OR_NOTHING)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    assert Employee.objects.count() == 2 and User.objects.filter(username__in=["petrov", "ppetrov"]).count() == 1
    ivanova = Employee.objects.get(external_id="E-1")
    assert (ivanova.email, ivanova.phone_extension) == ("anna@example.com", "299")
    assert Employee.objects.get(external_id="E-2").user.username == "ppetrov"


def test_without_external_id_the_login_then_the_email_is_the_key(departments) -> None:
    by_login = "Логин;Фамилия;Отдел;Должность\nivanova;Иванова;ИТ;Инженер\n"
    engine.run(ImportKind.EMPLOYEES, by_login.encode(), ImportMode.ALL_OR_NOTHING)
    result = engine.run(
        ImportKind.EMPLOYEES, by_login.replace("Инженер", "Ведущий инженер").encode(), ImportMode.ALL_OR_NOTHING
    )
    assert (result.created, result.updated) == (0, 1)
    by_mail = "Фамилия;Отдел;E-mail\nПетров;ИТ;Petrov@Example.com\n"
    engine.run(ImportKind.EMPLOYEES, by_mail.encode(), ImportMode.ALL_OR_NOTHING)
    again = engine.run(ImportKind.EMPLOYEES, by_mail.replace("Petrov@", "petrov@").encode(), ImportMode.ALL_OR_NOTHING)
    assert again.created == 0 and Employee.objects.count() == 2


def test_a_login_of_somebody_else_is_refused(departments) -> None:
    make_user("ivanova")  # e.g. a technologist's account
    outcome = engine.check(ImportKind.EMPLOYEES, EMPLOYEES.encode())
    assert outcome.errors == [{"row": 2, "message": "The login “ivanova” is taken by another user.", "level": "error"}]


def test_departments_parent_may_come_later_in_the_file_and_cycles_are_refused(db: None) -> None:
    data = (
        "Внешний идентификатор;Название;Родительский отдел\n"
        "D-3;Сети;D-2\n"
        "D-2;Инфраструктура;Головной офис\n"
        "D-1;Головной офис;\n"
        "D-8;Петля А;D-9\n"
        "D-9;Петля Б;D-8\n"
    ).encode()
    outcome = engine.run(ImportKind.DEPARTMENTS, data, ImportMode.VALID_ONLY)
    assert outcome.created == 3 and {e["row"] for e in outcome.errors} == {5, 6}
    assert "loops back" in outcome.errors[0]["message"]
    networks = Department.objects.get(external_id="D-3")
    assert networks.parent.name == "Инфраструктура" and networks.parent.parent.name == "Головной офис"
    again = engine.run(ImportKind.DEPARTMENTS, data, ImportMode.VALID_ONLY)
    assert (again.created, again.unchanged) == (0, 3)


def test_companies_then_contacts(db: None) -> None:
    companies = (
        "Название;Головная компания;Почтовый домен\nООО Ромашка;;romashka.example\nФилиал Ромашки;ООО Ромашка;\n"
    )
    assert engine.run(ImportKind.COMPANIES, companies.encode(), ImportMode.ALL_OR_NOTHING).created == 2
    assert Company.objects.get(name="Филиал Ромашки").parent.name == "ООО Ромашка"
    contacts = (
        "Фамилия;Имя;Компания;E-mail;Видит заявки компании\n"
        "Клиентова;Кира;ООО Ромашка;kira@romashka.example;да\n"
        "Иной;;Нет такой;x@romashka.example;\n"
    )
    outcome = engine.run(ImportKind.CONTACTS, contacts.encode(), ImportMode.VALID_ONLY)
    assert outcome.created == 1 and "no company “Нет такой”" in outcome.errors[0]["message"]
    kira = Contact.objects.get(email="kira@romashka.example")
    assert kira.sees_company_tickets and kira.company.name == "ООО Ромашка" and kira.user is None


def test_cards_kept_by_a_directory_sync_are_skipped(departments) -> None:
    from servicedesk.models import LdapConnection

    connection = LdapConnection.objects.create(name="ad", url="ldap://dc", base_dn="DC=x")
    engine.run(ImportKind.EMPLOYEES, EMPLOYEES.encode(), ImportMode.ALL_OR_NOTHING)
    Employee.objects.filter(external_id="E-1").update(ldap_connection=connection)
    outcome = engine.run(ImportKind.EMPLOYEES, EMPLOYEES.replace("201", "999").encode(), ImportMode.ALL_OR_NOTHING)
    assert outcome.skipped == 1 and outcome.errors[0]["level"] == "skipped" and outcome.error_count == 0
    assert Employee.objects.get(external_id="E-1").phone_extension == "201"


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "xls"])
@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_template_imports_as_it_is(file_format: str, language: str, db: None) -> None:
    for kind in (ImportKind.DEPARTMENTS, ImportKind.EMPLOYEES, ImportKind.COMPANIES, ImportKind.CONTACTS):
        data = build_template(kind, file_format, language)
        outcome = engine.run(kind, data, ImportMode.ALL_OR_NOTHING)
        assert outcome.error_count == 0 and outcome.created == 2, (kind, outcome.errors)


def test_excel_numbers_become_text_as_shown(departments) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Фамилия", "Отдел", "Внутренний номер", "Внешний идентификатор"])
    sheet.append(["Числов", "ИТ", 201, 1001])
    buffer = io.BytesIO()
    book.save(buffer)
    assert engine.run(ImportKind.EMPLOYEES, buffer.getvalue(), ImportMode.ALL_OR_NOTHING).created == 1
    employee = Employee.objects.get()
    assert (employee.phone_extension, employee.external_id) == ("201", "1001")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01\x02garbage\x00", "not a CSV, XLS or XLSX"),
        ("Имя;Отдел\nАнна;ИТ\n".encode(), "Required columns are missing: “Фамилия” / “Surname”"),
        ("Фамилия;Фамилия;Отдел\n".encode(), "appears twice"),
        (b"PK\x03\x04broken zip", "XLSX file cannot be read"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(data: bytes, message: str, db: None) -> None:
    with pytest.raises(engine.FileError, match=message):
        engine.check(ImportKind.EMPLOYEES, data)


@pytest.mark.parametrize("privilege", ["administrator", "superuser"])
def test_a_file_cannot_change_an_administrators_login_or_email(departments, privilege: str) -> None:
    """Access links go to a card's e-mail: a file (a technologist's tool) must not take over the
    account of an administrator or a superuser; other changes to the card still apply."""
    engine.run(ImportKind.EMPLOYEES, EMPLOYEES.encode(), ImportMode.ALL_OR_NOTHING)
    user = User.objects.get(username="ivanova")
    if privilege == "superuser":
        User.objects.filter(pk=user.pk).update(is_superuser=True)
    else:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name="administrator"))
    takeover = EMPLOYEES.replace("ivanova@example.com", "mine@evil.example")
    outcome = engine.run(ImportKind.EMPLOYEES, takeover.encode(), ImportMode.VALID_ONLY)
    assert outcome.skipped == 1 and "administrator's login" in outcome.errors[0]["message"]
    assert Employee.objects.get(external_id="E-1").email == "ivanova@example.com"
    renamed = EMPLOYEES.replace("E-1;ivanova;", "E-1;hijacked;")
    engine.run(ImportKind.EMPLOYEES, renamed.encode(), ImportMode.VALID_ONLY)
    assert User.objects.filter(username="ivanova").exists() and not User.objects.filter(username="hijacked").exists()
    harmless = EMPLOYEES.replace("201", "299")
    engine.run(ImportKind.EMPLOYEES, harmless.encode(), ImportMode.VALID_ONLY)
    assert Employee.objects.get(external_id="E-1").phone_extension == "299"


def test_a_russian_reader_gets_russian_quotes_and_status(db: None) -> None:
    """«Фамилия», not “Фамилия”; and a failed run reads "ошибка", not the outbox's "ошибка отправки"."""
    from django.utils import translation

    from servicedesk.models import ImportStatus

    with translation.override("ru"):
        with pytest.raises(engine.FileError, match="Нет обязательных столбцов: «Фамилия» / «Surname»"):
            engine.check(ImportKind.EMPLOYEES, "Имя;Отдел\nАнна;ИТ\n".encode())
        assert str(ImportStatus.FAILED.label) == "ошибка"
