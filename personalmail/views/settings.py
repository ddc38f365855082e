"""Connecting and changing the mailbox (also "Reconnect"), and "Delete account"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import MailboxForm
from ..presets import PRESETS
from ..services import accounts
from .access import _get_mailbox_for_user, employee_required


@employee_required
def mailbox_settings(request: HttpRequest) -> HttpResponse:
    mailbox = _get_mailbox_for_user(request)
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        data = form.to_settings()
        if data.oauth_provider:
            from .oauth import begin

            return begin(request, data)
        try:
            accounts.connect_mailbox(user=request.user, data=data)  # type: ignore[arg-type]
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The mailbox is connected."))
            return redirect("personalmail:index")
    hints = {code: preset.hint for code, preset in PRESETS.items() if preset.hint}
    return render(request, "personalmail/settings.html", {"form": form, "mailbox": mailbox, "hints": hints})


@employee_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    mailbox = _get_mailbox_for_user(request)
    if mailbox is None:
        raise Http404
    accounts.delete_mailbox(mailbox=mailbox)
    messages.success(request, _("The mailbox is disconnected and its messages are removed."))
    return redirect("personalmail:index")
