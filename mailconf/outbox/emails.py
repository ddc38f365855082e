"""Code-owned mails: `emails/<name>-subject.txt`, `-body.txt` and (optional) `-body.html`.

Besides the renderer, the mails the mail app writes itself: the test message, and what the
administrator address receives when a connection raises an alert or the outgoing settings change
(the receivers of `mailconf.signals`, connected in `MailconfConfig.ready`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from mailconf.models import IncomingConnection, MailConnection, OutboxMessage, OutgoingConnection

from .enqueue import enqueue_mail
from .mime import clean_header_text

log = logging.getLogger(__name__)

# (kind of connection, alert key) -> the code-owned mail telling the administrator about it.
ALERT_MAILS: dict[tuple[type[MailConnection], str], str] = {
    (OutgoingConnection, "failures"): "connection_failing",
    (OutgoingConnection, "token"): "token_failing",
    (OutgoingConnection, "stuck"): "outbox_stuck",
    (IncomingConnection, "failures"): "mailbox_failing",
}


def render_email(name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the named mail; html is empty when the template has none."""
    ctx = dict(context)
    subject = clean_header_text(render_to_string(f"emails/{name}-subject.txt", ctx))
    text = render_to_string(f"emails/{name}-body.txt", ctx)
    html: str
    try:
        html = render_to_string(f"emails/{name}-body.html", ctx)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def send_code_mail(
    name: str, *, to: Sequence[str], context: Mapping[str, Any], kind: str = "system", schedule: bool = True
) -> OutboxMessage:
    """Render the named mail and put it in the outbox."""
    subject, text, html = render_email(name, context)
    return enqueue_mail(to=to, subject=subject, text=text, html=html, kind=kind, schedule=schedule)


def send_test_mail(*, to: str, reason: str = "manual") -> OutboxMessage:
    """Put a test message to `to` in the outbox (same path as real mail) and return its row."""
    conn = OutgoingConnection.load()
    context = {"reason": reason, "protocol": conn.get_protocol_display(), "site_url": settings.SITE_URL}
    return send_code_mail("test", to=[to], context=context, kind="test")


def mail_alert(
    sender: type[MailConnection], *, connection: MailConnection, key: str, context: Mapping[str, Any], **_: Any
) -> None:
    """Receiver of `alert_raised`: tell the administrator address (outbox, kind "system")."""
    name = ALERT_MAILS.get((sender, key))
    address = OutgoingConnection.load().admin_email
    if name is None or not address:
        log.warning("mail alert %s on %s: no administrator e-mail to tell", key, connection)
        return
    # A failing outgoing connection cannot deliver its own alert right now: it waits for the next
    # run instead of being kicked into the same failure at once.
    schedule = not isinstance(connection, OutgoingConnection)
    with transaction.atomic():  # a failure here must not break the caller's transaction
        send_code_mail(name, to=[address], context={**context, "connection": connection}, schedule=schedule)


def mail_settings_test(sender: type[OutgoingConnection], *, connection: OutgoingConnection, **_: Any) -> None:
    """Receiver of `outgoing_settings_changed`: a test message to the administrator address."""
    if connection.admin_email:
        send_test_mail(to=connection.admin_email, reason="settings")
