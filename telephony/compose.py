"""The technologist's missed-call and voicemail templates rendered into mails, through the
product's one placeholder renderer (`notifications.renderer`).

A missed-call mail may list several calls (see services/digests.py): the body template is rendered
once per call, the subject from the latest call with "(+N more)" added, the footer once.
Templates copied from Asterisk's voicemail.conf write `${VM_CALLERID}`; such a wrapped name is
read as the bare placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, ngettext

from notifications import catalogue
from notifications.renderer import header_safe, render, unknown_placeholders

from . import events
from .models import PbxCall, TelephonySettings
from .values import missed_values, voicemail_values

_WRAPPED = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str


def unwrap(template: str) -> str:
    """`${NAME}` → `NAME` (Asterisk's variable syntax in a pasted template)."""
    return _WRAPPED.sub(r"\1", template or "")


def _render(template: str, values: Mapping[str, str], mode: str = "text") -> str:
    return render(unwrap(template), values, mode)  # type: ignore[arg-type]


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip("\n") for part in parts if part.strip())


def missed_mail(
    calls: Sequence[PbxCall], *, language: str, recipient_name: str, config: TelephonySettings, time_zone: str = ""
) -> Composed:
    """One mail for `calls` (oldest first), in `language`, dates in `time_zone` (empty: TIME_ZONE)."""
    template = config.template_for("missed", language)
    blocks = []
    for call in calls:
        values = {**missed_values(call, language, time_zone), "RECIPIENT_NAME": recipient_name}
        blocks.append(_render(template["body"], values))
    latest = {**missed_values(calls[-1], language, time_zone), "RECIPIENT_NAME": recipient_name}
    subject = _render(template["subject"], latest, "header")
    with translation.override(language):
        if len(calls) > 1:
            more = len(calls) - 1
            subject = header_safe(
                ngettext("%(subject)s (+%(count)d more)", "%(subject)s (+%(count)d more)", more)
                % {"subject": subject, "count": more}
            )
            heading = ngettext("%(count)d missed call", "%(count)d missed calls", len(calls)) % {"count": len(calls)}
            blocks.insert(0, heading)
        separator = "\n\n" if len(calls) == 1 else "\n\n— — —\n\n"
    text = _join(separator.join(block.strip("\n") for block in blocks), _render(template["footer"], latest))
    return Composed(subject or gettext("Missed call"), text)


def voicemail_mail(
    call: PbxCall, *, language: str, recipient_name: str, config: TelephonySettings, time_zone: str = ""
) -> Composed:
    template = config.template_for("voicemail", language)
    values = {**voicemail_values(call, language, time_zone), "RECIPIENT_NAME": recipient_name}
    subject = _render(template["subject"], values, "header")
    with translation.override(language):
        fallback = gettext("Voicemail")
    return Composed(subject or fallback, _join(_render(template["body"], values), _render(template["footer"], values)))


def template_errors(kind: str, fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Field → unknown placeholder names in it, for the fields of `kind` ("missed"/"voicemail")."""
    allowed = events.placeholders(kind)
    known = catalogue.known_placeholder_names()
    errors: dict[str, list[str]] = {}
    for name, text in fields.items():
        unknown = unknown_placeholders(unwrap(text), allowed, known)
        if unknown:
            errors[name] = unknown
    return errors
