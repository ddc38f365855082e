from __future__ import annotations

from django import template

from telephony.services.calls import may_use_calls

register = template.Library()


@register.filter
def uses_calls(user: object) -> bool:
    """Whether the header shows "Calls" to this user (an employee, a technologist, an administrator)."""
    return may_use_calls(user)  # type: ignore[arg-type]
