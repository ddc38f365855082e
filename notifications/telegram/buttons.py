"""Buttons under a Telegram message and what pressing one does.

A button's data is `<name>:<arguments>` (Telegram allows 64 bytes). Pressing it runs the handler
registered under that name with the linked employee as the actor, through the same services and
rights checks as the web interface; the handler's answer (or the reason for a refusal) is shown to
the person. "take" and "snooze" are built in; escalation registers "ack" when it loads, so this
module never imports it. A message offers only buttons whose handler is registered.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk import permissions
from servicedesk.models import OPEN_STATUSES, User
from servicedesk.services.tickets import take_into_work

from .. import catalogue
from ..models import Delivery, Occurrence
from .client import Button

Handler = Callable[[User, list[str]], str]


@dataclass(frozen=True)
class Action:
    name: str
    label: Callable[[], str]
    handler: Handler


_ACTIONS: dict[str, Action] = {}
# Events after which "Take" makes no sense.
_NO_TAKE = {catalogue.TICKET_RESOLVED, catalogue.TICKET_CLOSED}


def register(name: str, label: Callable[[], str], handler: Handler) -> None:
    _ACTIONS[name] = Action(name, label, handler)


def registered(name: str) -> bool:
    return name in _ACTIONS


def _openable(url: str) -> bool:
    """Telegram refuses URL buttons to loopback and bare-IP hosts (a test or a LAN install)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or "." not in host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def for_message(occurrence: Occurrence, ticket_id: int | None, url: str) -> list[Button]:
    """The buttons of one message about `occurrence` (the same for every recipient)."""
    buttons: list[Button] = []
    if ticket_id is not None and occurrence.event not in _NO_TAKE and registered("take"):
        buttons.append(Button(_ACTIONS["take"].label(), data=f"take:{ticket_id}"))
    if url and _openable(url):
        buttons.append(Button(_("Open"), url=url))
    level, obj = occurrence.data.get("level_id"), occurrence.data.get("object_id")
    if level is not None and obj is not None:  # an escalation alert
        if registered("ack"):
            buttons.append(Button(_ACTIONS["ack"].label(), data=f"ack:{level}:{obj}"))
        buttons.append(Button(_ACTIONS["snooze"].label(), data=f"snooze:{occurrence.pk}"))
    return buttons


def press(user: User, data: str) -> str:
    """Run the pressed button's action as `user`; returns what to show them."""
    name, *arguments = data.split(":")
    action = _ACTIONS.get(name)
    if action is None:
        return _("This button no longer works.")
    try:
        return action.handler(user, arguments)
    except PermissionDenied:
        return _("You may not do this.")
    except ValidationError as error:
        return " ".join(error.messages)


def _take(user: User, arguments: list[str]) -> str:
    ticket = permissions.visible_tickets(user).filter(pk=int(arguments[0])).first()
    if ticket is None:
        return _("Ticket not found.")
    if not permissions.is_operator(user) or not permissions.can_edit_ticket(user, ticket):
        raise PermissionDenied
    if ticket.status not in OPEN_STATUSES:
        return _("Ticket %(number)s is already closed or resolved.") % {"number": ticket.pk}
    take_into_work(ticket=ticket, actor=user)
    return _("Ticket %(number)s is yours and in progress.") % {"number": ticket.pk}


def remind_later(*, user: User, occurrence_id: int, minutes: int | None = None) -> Occurrence:
    """ "Snooze": the same alert again for `user` alone, after `minutes`, through the same fan-out
    (an occurrence restricted to their Telegram chat, due later; see `hold.py`). Only a person the
    alert was sent to may snooze it."""
    key = f"user:{user.pk}"
    occurrence = Occurrence.objects.filter(pk=occurrence_id).first()
    sent = Delivery.objects.filter(
        occurrence_id=occurrence_id, channel="telegram", recipient=key, status=Delivery.Status.QUEUED
    )
    if occurrence is None or not sent.exists():
        raise PermissionDenied
    due = timezone.now() + timedelta(minutes=minutes or settings.NOTIFY_SNOOZE_MINUTES)
    data = {**occurrence.data, "hold": False, "recipient_keys": [["telegram", key]], "snoozed_from": occurrence.pk}
    return Occurrence.objects.create(
        event=occurrence.event,
        ticket_id=occurrence.ticket_id,
        actor_id=occurrence.actor_id,
        data=data,
        next_attempt_at=due,
    )


def _snooze(user: User, arguments: list[str]) -> str:
    again = remind_later(user=user, occurrence_id=int(arguments[0]))
    assert again.next_attempt_at is not None
    moment = timezone.localtime(again.next_attempt_at).strftime("%d.%m.%Y %H:%M")
    return _("Snoozed: the alert comes again at %(moment)s.") % {"moment": moment}


def for_released(event: str, ticket_id: int | None, url: str) -> list[Button]:
    """The buttons of a message that waited (quiet hours, digest): "Take" and "Open" for one held
    notification about a ticket; a digest only links (its text lists every item's link)."""
    found: list[Button] = []
    if ticket_id is not None and event not in _NO_TAKE and registered("take"):
        found.append(Button(_ACTIONS["take"].label(), data=f"take:{ticket_id}"))
    if url and _openable(url):
        found.append(Button(_("Open"), url=url))
    return found


def site_url(path: str) -> str:
    return path if "://" in path else f"{settings.SITE_URL}{path}"


register("take", lambda: _("Take"), _take)
register("snooze", lambda: _("Snooze %(minutes)d min") % {"minutes": settings.NOTIFY_SNOOZE_MINUTES}, _snooze)
