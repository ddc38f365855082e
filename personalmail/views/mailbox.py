"""Reading: the section's start page, a folder, a message and its files, read/unread."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mailconf.protocols.errors import TransportError

from ..models import FolderRole, MailFolder
from ..render import IMAGE_TYPES, message_html
from ..services import sync
from ..tasks import sync_mailbox
from .access import (
    _get_attachment_for_user,
    _get_folder_for_user,
    _get_mailbox_for_user,
    _get_message_for_user,
    employee_required,
    folders_of,
)

PAGE_SIZE = 50


@employee_required
def index(request: HttpRequest) -> HttpResponse:
    mailbox = _get_mailbox_for_user(request)
    if mailbox is None:
        return render(request, "personalmail/connect_first.html")
    inbox = mailbox.folders.filter(role=FolderRole.INBOX).first()
    return _folder_page(request, folders_of(mailbox), inbox)


@employee_required
def folder(request: HttpRequest, pk: int) -> HttpResponse:
    current = _get_folder_for_user(request, pk)
    if current.role not in sync.BACKGROUND_ROLES and request.GET.get("page") is None:
        # Folders outside the background set are brought up to date when their owner opens them.
        sync.sync_mailbox(current.mailbox_id, folder_id=current.pk, force=True)
    return _folder_page(request, folders_of(current.mailbox), current)


def _folder_page(request: HttpRequest, folders: object, current: MailFolder | None) -> HttpResponse:
    mailbox = _get_mailbox_for_user(request)
    page = None
    if current is not None:
        rows = current.messages.only("pk", "subject", "from_name", "from_address", "date", "seen")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"mailbox": mailbox, "folders": folders, "current": current, "page": page}
    return render(request, "personalmail/folder.html", context)


@employee_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_message_for_user(request, pk)
    if not item.seen:
        try:
            sync.set_seen(message=item, seen=True)
        except TransportError:
            messages.warning(request, _("The server could not be told that the message was read."))
    attachments = [a for a in item.attachments.all() if not a.is_inline]
    context = {
        "mailbox": item.mailbox,
        "folders": folders_of(item.mailbox),
        "current": item.folder,
        "item": item,
        "html": message_html(item),
        "attachments": attachments,
        "links": item.links.select_related("ticket"),
    }
    return render(request, "personalmail/message.html", context)


@employee_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_message_for_user(request, pk)
    seen = request.POST.get("seen") == "1"
    try:
        sync.set_seen(message=item, seen=seen)
    except TransportError as exc:
        messages.error(request, _("The server refused: %(error)s") % {"error": exc.message})
        return redirect("personalmail:message", pk=item.pk)
    if seen:
        return redirect("personalmail:message", pk=item.pk)
    messages.success(request, _("Marked as unread."))
    return redirect("personalmail:folder", pk=item.folder_id)


@employee_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = _get_attachment_for_user(request, pk)
    inline = request.GET.get("inline") == "1" and item.content_type in IMAGE_TYPES
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=item.filename,
        content_type=item.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@employee_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    mailbox = _get_mailbox_for_user(request)
    if mailbox is None:
        raise Http404
    sync_mailbox.delay(mailbox.pk)
    return redirect("personalmail:index")
