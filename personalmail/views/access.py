"""Who may reach personal mail: only employees, and each only their own mailbox. Every lookup goes
through these helpers, filtered by the owner, so a guessed id of someone else's message, folder or
attachment is simply not found (404), the same answer as for an id that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from servicedesk.permissions import employee_of

from ..models import MailFolder, PersonalAttachment, PersonalMailbox, PersonalMessage

ViewFunc = Callable[..., HttpResponseBase]


def employee_required(view: ViewFunc) -> ViewFunc:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if employee_of(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


FOLDER_ORDER = {"inbox": 0, "sent": 1, "drafts": 2, "archive": 3, "junk": 4, "trash": 5}


def folders_of(mailbox: PersonalMailbox) -> list[MailFolder]:
    """The side panel's folders: the inbox and the special ones first, as mail clients show them."""
    return sorted(mailbox.folders.all(), key=lambda f: (FOLDER_ORDER.get(f.role, 9), f.name.lower()))


def _owner(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _get_mailbox_for_user(request: HttpRequest) -> PersonalMailbox | None:
    return PersonalMailbox.objects.filter(user_id=_owner(request)).first()


def _get_folder_for_user(request: HttpRequest, pk: int) -> MailFolder:
    folder = MailFolder.objects.filter(pk=pk, mailbox__user_id=_owner(request)).select_related("mailbox").first()
    if folder is None:
        raise Http404
    return folder


def _get_message_for_user(request: HttpRequest, pk: int) -> PersonalMessage:
    message = (
        PersonalMessage.objects.filter(pk=pk, mailbox__user_id=_owner(request))
        .select_related("mailbox", "folder")
        .first()
    )
    if message is None:
        raise Http404
    return message


def _get_attachment_for_user(request: HttpRequest, pk: int) -> PersonalAttachment:
    attachment = PersonalAttachment.objects.filter(pk=pk, message__mailbox__user_id=_owner(request)).first()
    if attachment is None:
        raise Http404
    return attachment
