"""Code-owned mails: `emails/<name>-subject.txt`, `-body.txt` and (optional) `-body.html`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from mailconf.mime import clean_header_text
from mailconf.models import OutboxMessage


def render_email(name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the named mail; html is empty when the template has none."""
    ctx = dict(context)
    subject = clean_header_text(render_to_string(f"emails/{name}-subject.txt", ctx))
    text = render_to_string(f"emails/{name}-body.txt", ctx)
    try:
        html = render_to_string(f"emails/{name}-body.html", ctx)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def send_code_mail(
    name: str, *, to: Sequence[str], context: Mapping[str, Any], kind: str = "system", schedule: bool = True
) -> OutboxMessage:
    """Render the named mail and put it in the outbox."""
    from .outbox import enqueue_mail

    subject, text, html = render_email(name, context)
    return enqueue_mail(to=to, subject=subject, text=text, html=html, kind=kind, schedule=schedule)
