"""The browser leg of OAuth2: off to the provider with PKCE, back with a code, then connect.

The pending settings (never a secret) and the code verifier wait in the session between the two."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mailconf.protocols.errors import TransportError

from ..models import CorporateDomain
from ..services import accounts
from ..services.accounts import MailboxSettings
from ..services.oauth import finish_authorization, start_authorization
from .access import employee_required

SESSION_KEY = "personalmail_oauth"


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("personalmail:oauth_callback"))


def begin(request: HttpRequest, data: MailboxSettings) -> HttpResponse:
    try:
        auth = start_authorization(
            provider=data.oauth_provider, redirect_uri=_redirect_uri(request), login_hint=data.email
        )
    except TransportError as exc:
        messages.error(request, exc.message)
        return redirect("personalmail:settings")
    pending = asdict(data) | {
        "password": "",
        "corporate_domain": data.corporate_domain.pk if data.corporate_domain else None,
    }
    request.session[SESSION_KEY] = {"state": auth.state, "verifier": auth.code_verifier, "settings": pending}
    return redirect(auth.url)


@employee_required
def callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or request.GET.get("state") != pending["state"] or not request.GET.get("code"):
        messages.error(request, _("The authorisation was not completed. Try again."))
        return redirect("personalmail:settings")
    values = pending["settings"]
    domain = CorporateDomain.objects.filter(pk=values.pop("corporate_domain") or 0).first()
    data = MailboxSettings(**values, corporate_domain=domain)
    try:
        tokens = finish_authorization(
            provider=data.oauth_provider,
            code=request.GET["code"],
            code_verifier=pending["verifier"],
            redirect_uri=_redirect_uri(request),
        )
        accounts.connect_mailbox(user=request.user, data=data, tokens=tokens)  # type: ignore[arg-type]
    except TransportError as exc:
        messages.error(request, exc.message)
        return redirect("personalmail:settings")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("personalmail:settings")
    messages.success(request, _("The mailbox is connected."))
    return redirect("personalmail:index")
