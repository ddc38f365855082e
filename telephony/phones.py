"""Phone numbers: normalising what the PBX sends and finding the employees and contacts it means.

Internal extensions are compared exactly. Longer numbers are parsed with libphonenumber
(`phonenumberslite`) in the installation's region (TELEPHONY_PHONE_REGION), so `8 (912) 345-67-89`,
`+7 912 345 67 89` and `79123456789` are one number; stored card numbers are compared by their
digits ending in the national significant number, which tolerates any formatting on the card.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import phonenumbers
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, Func, QuerySet, Value
from django.db.models.functions import Replace

from servicedesk.models import Contact, Employee

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

# Shorter numbers are extensions or service codes: matched exactly, never by their ending.
MIN_SUFFIX_DIGITS = 7
_SEPARATORS = (" ", "-", "(", ")", "+", ".", "/", "\u00a0")
# "SIP/101", "PJSIP/101-0000001a", "Local/101@internal": the called channel as Asterisk names it.
_CHANNEL = re.compile(r"^(?:[A-Za-z]+/)?(?P<number>[^@/]+?)(?:-[0-9a-f]{6,})?(?:@.*)?$")


class Digits(Func):
    """The digits of a text column: regexp_replace on PostgreSQL, nested REPLACE elsewhere."""

    output_field = CharField()

    def __init__(self, column: str) -> None:
        super().__init__(F(column))

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> _AsSqlType:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"REGEXP_REPLACE({sql}, '[^0-9]', '', 'g')", params

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        expression: Any = self.source_expressions[0]
        for separator in _SEPARATORS:
            expression = Replace(expression, Value(separator), Value(""))
        return compiler.compile(expression)


def only_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _parsed(number: str) -> phonenumbers.PhoneNumber | None:
    try:
        parsed = phonenumbers.parse(number, settings.TELEPHONY_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def normalise(number: str) -> str:
    """Digits identifying the number: E.164 without "+" when it parses, else the plain digits."""
    digits = only_digits(number)
    if len(digits) < MIN_SUFFIX_DIGITS:
        return digits
    parsed = _parsed(number)
    return f"{parsed.country_code}{parsed.national_number}" if parsed is not None else digits


def national_suffix(number: str) -> str:
    """The ending by which a card number is recognised ("" for extensions and short codes)."""
    digits = only_digits(number)
    if len(digits) < MIN_SUFFIX_DIGITS:
        return ""
    parsed = _parsed(number)
    suffix = str(parsed.national_number) if parsed is not None else digits
    return suffix if len(suffix) >= MIN_SUFFIX_DIGITS else digits


def called_numbers(to: str) -> list[str]:
    """The numbers in a `to` field: one, or several separated by , ; & or spaces (a ring group)."""
    found: list[str] = []
    for part in re.split(r"[,;&\s]+", to or ""):
        match = _CHANNEL.match(part.strip())
        number = match.group("number") if match else part.strip()
        if number and number not in found:
            found.append(number)
    return found


def employees_for(to: str) -> list[Employee]:
    """Active employees whose extension, or whose mobile number, is among the called numbers."""
    numbers = called_numbers(to)
    if not numbers:
        return []
    found: dict[int, Employee] = {}
    active = Employee.objects.filter(is_active=True).select_related("user")
    for employee in active.filter(phone_extension__in=numbers).order_by("pk"):
        found[employee.pk] = employee
    suffixes = {national_suffix(number) for number in numbers} - {""}
    if suffixes:
        mobiles = active.exclude(mobile_phone="").annotate(_digits=Digits("mobile_phone"))
        for suffix in sorted(suffixes):
            for employee in mobiles.filter(_digits__endswith=suffix).order_by("pk"):
                found.setdefault(employee.pk, employee)
    return list(found.values())


def contacts_for(number: str) -> QuerySet[Contact]:
    """Active client contacts with this phone or mobile number (none for short numbers)."""
    suffix = national_suffix(number)
    if not suffix:
        return Contact.objects.none()
    annotated = Contact.objects.filter(is_active=True).annotate(_phone=Digits("phone"), _mobile=Digits("mobile_phone"))
    return annotated.filter(_phone__endswith=suffix) | annotated.filter(_mobile__endswith=suffix)
