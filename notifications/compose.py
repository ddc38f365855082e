"""Turn an event action's template and the event's values into a message: an e-mail `Letter`
(subject tag, reply marker, footer; the outbox adds the company signature) or the title and text
of an in-app row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import escape

from . import catalogue, mail
from .models import EventAction
from .renderer import header_safe, render, unknown_placeholders


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    footer: str


@dataclass(frozen=True)
class MailFrame:
    """What every mail about one ticket shares; computed once per fan-out."""

    ticket_id: int | None
    tag: str
    thread: tuple[str, tuple[str, ...]]
    marked: bool  # ticket mail carries the reply marker, in each recipient's language

    @classmethod
    def for_ticket(cls, ticket_id: int | None) -> MailFrame:
        return cls(
            ticket_id=ticket_id,
            tag=mail.subject_tag(ticket_id),
            thread=mail.thread_headers(ticket_id),
            marked=ticket_id is not None,
        )


def render_template(action: EventAction, values: Mapping[str, str], language: str) -> Rendered:
    template = action.template_for(language)
    return Rendered(
        subject=render(template["subject"], values, "header"),
        text=render(template["body"], values, "text"),
        html=render(template["html"], values, "html") if template["html"].strip() else "",
        footer=render(template["footer"], values, "text"),
    )


def linebreaksbr(text: str) -> str:
    return escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip("\n") for part in parts if part.strip())


def letter(
    rendered: Rendered,
    frame: MailFrame,
    to: str,
    *,
    language: str,
    kind: str = "notification",
    sign: bool | None = None,
) -> mail.Letter:
    """The message for `to`, who reads `language`; `sign` as in `mail.Letter` (the outbox appends
    the signature)."""
    marker = mail.reply_marker(language) if frame.marked else ""
    subject = rendered.subject
    if frame.tag and frame.tag not in subject:
        subject = header_safe(f"{frame.tag} {subject}")
    text = _join(marker, rendered.text, rendered.footer)
    html = ""
    if rendered.html:
        html_parts = [
            f'<p style="color:#888">{escape(marker)}</p>' if marker else "",
            rendered.html,
            f"<p>{linebreaksbr(rendered.footer)}</p>" if rendered.footer.strip() else "",
        ]
        html = "\n".join(part for part in html_parts if part)
    return mail.Letter(
        to=to,
        subject=subject,
        text=text,
        html=html,
        ticket_id=frame.ticket_id,
        kind=kind,
        thread=frame.thread,
        sign=sign,
    )


def template_errors(event_code: str, fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Field name → unknown placeholder names in it, for the fields that have any."""
    allowed = catalogue.placeholders_for(event_code)
    known = catalogue.known_placeholder_names()
    errors: dict[str, list[str]] = {}
    for name, text in fields.items():
        unknown = unknown_placeholders(text or "", allowed, known)
        if unknown:
            errors[name] = unknown
    return errors
