"""User groups from the ITSM 365 quick start (seed 004, step 3) plus the technologist.

Groups are Django auth groups whose names are these codes; a data migration creates them.
What each group may do is decided in `servicedesk.permissions`, never by checking names elsewhere.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
SPECIALIST = "specialist"
SECOND_LINE = "second_line"
CHANGE_SPECIALIST = "change_specialist"
PROBLEM_SPECIALIST = "problem_specialist"
AUDITOR = "auditor"
TECHNOLOGIST = "technologist"

ROLE_LABELS = {
    ADMINISTRATOR: _("Administrator"),
    SPECIALIST: _("Specialist"),
    SECOND_LINE: _("Second-line specialist"),
    CHANGE_SPECIALIST: _("Change request specialist"),
    PROBLEM_SPECIALIST: _("Problem specialist"),
    AUDITOR: _("Auditor"),
    TECHNOLOGIST: _("Technologist"),
}
ALL_ROLES = tuple(ROLE_LABELS)


def group_label(code: str) -> str:
    """The seed's name of a group (Администратор, Специалист второй линии, …); unknown ones raw."""
    label = ROLE_LABELS.get(code)
    return str(label) if label is not None else code


# Groups that see and work with every ticket.
ALL_TICKETS_WRITE = frozenset({ADMINISTRATOR, SPECIALIST})
ALL_TICKETS_READ = ALL_TICKETS_WRITE | {AUDITOR}
