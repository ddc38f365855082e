from __future__ import annotations

from django import template
from django.http import HttpRequest

from servicedesk import labels
from telephony.services.calls import may_use_calls

register = template.Library()


@register.filter
def uses_calls(request: HttpRequest) -> bool:
    """Whether the header shows "Calls": the page would open for this user (`may_use_calls`) and
    telephony is not switched off by its label."""
    return labels.is_enabled("telephony", request) and may_use_calls(request.user)
