"""Giving people access: "generate a password and send it" (seed 004, steps 1 and 2).

Instead of mailing a password, the person gets a one-time link to choose one: a password in a mail
stays readable in the mailbox (and every copy of it) forever, while the link stops working once
used or after `ACCESS_LINK_DAYS`, and nobody but the person ever knows the password. The mail says
so, carries the login, and goes through the outbox like every other message.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..mailbridge import enqueue_system_mail, outgoing_mail_configured
from ..models import Contact, Employee, User

Person = Employee | Contact


def access_unavailable_reason() -> str:
    """Why access cannot be given right now ('' when it can)."""
    if not outgoing_mail_configured():
        return _(
            "Outgoing mail is not configured, so the link cannot be sent. Turn it on in the technologist "
            "interface (System settings → Mail → Outgoing mail) and come back to give access."
        )
    return ""


def suggested_login(person: Person) -> str:
    """The part of the e-mail before @, made a valid login; empty when there is no e-mail."""
    local = person.email.split("@", 1)[0] if person.email else ""
    return re.sub(r"[^\w.@+-]", "", local)[:150]


def _check_login(login: str, user: User | None) -> None:
    try:
        UnicodeUsernameValidator()(login)
    except ValidationError:
        raise ValidationError({"login": _("A login may contain only letters, digits and @ . + - _.")})
    taken = User.objects.filter(username__iexact=login)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationError({"login": _("The login “%(login)s” is taken.") % {"login": login}})


def ensure_login(*, person: Person, login: str = "") -> User:
    """The person's login, created (with no usable password) or renamed to `login` when given."""
    login = login.strip()
    user = person.user
    if user is None:
        login = login or suggested_login(person)
        if not login:
            raise ValidationError({"login": _("Enter a login: the card has no e-mail to make one from.")})
        _check_login(login, None)
        user = User.objects.create(
            username=login,
            email=person.email,
            first_name=person.first_name[:150],
            last_name=person.last_name[:150],
            password=make_password(None),
            language=person.language,
        )
        person.user = user
        person.save(update_fields=["user"])
    elif login and login != user.username:
        _check_login(login, user)
        user.username = login
        user.save(update_fields=["username"])
    return user


def give_access(*, person: Person, actor: User | None, login: str = "") -> User:
    """Create or enable the person's login and mail them a one-time link to set the password.

    ValidationError when outgoing mail is off, the card has no e-mail or is inactive, or the login
    is taken. Used both for the first access and for "send a new password" later."""
    reason = access_unavailable_reason()
    if reason:
        raise ValidationError(reason)
    if not person.email:
        raise ValidationError({"email": _("The card has no e-mail address to send the link to.")})
    if not person.is_active:
        raise ValidationError(_("The card is inactive; make it active first."))
    with transaction.atomic():
        user = ensure_login(person=person, login=login)
        first_time = not user.has_usable_password()
        user.is_active = True
        user.email = person.email
        user.save(update_fields=["is_active", "email"])
        _send_link(person, user, first_time=first_time)
    return user


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("access_set_password", args=[uid, token])


def _send_link(person: Person, user: User, *, first_time: bool) -> None:
    context = {
        "name": " ".join(p for p in (person.first_name, person.patronymic) if p) or person.full_name,
        "login": user.username,
        "link": set_password_link(user),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "site_url": settings.SITE_URL,
        "first_time": first_time,
        "is_contact": isinstance(person, Contact),
    }
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/access_link-subject.txt", context).split())
        text = render_to_string("emails/access_link-body.txt", context)
        html = render_to_string("emails/access_link-body.html", context)
    enqueue_system_mail(to=[person.email], subject=subject, text=text, html=html)
