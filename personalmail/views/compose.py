"""The composer: new mail, reply, reply all and forward (?reply=<id>&mode=…)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mailconf.outbox import OutgoingAttachment
from mailconf.protocols.errors import TransportError

from ..forms import ComposeForm
from ..services.compose import FORWARD, REPLY, REPLY_ALL, Draft, draft_for, forwarded_files, send_mail
from .access import _get_mailbox_for_user, _get_message_for_user, employee_required, folders_of

MODES = (REPLY, REPLY_ALL, FORWARD)


@employee_required
def compose(request: HttpRequest) -> HttpResponse:
    mailbox = _get_mailbox_for_user(request)
    if mailbox is None:
        return redirect("personalmail:settings")
    source = request.POST if request.method == "POST" else request.GET
    mode = source.get("mode", "") if source.get("mode") in MODES else ""
    original = _get_message_for_user(request, int(source["reply"])) if source.get("reply", "").isdigit() else None
    start = draft_for(mailbox=mailbox, original=original, mode=mode)
    form = ComposeForm(
        request.POST or None,
        initial={"to": ", ".join(start.to), "cc": ", ".join(start.cc), "subject": start.subject, "body": start.text},
    )
    if request.method == "POST" and form.is_valid():
        files = [
            OutgoingAttachment(f.name or "attachment", f.read(), f.content_type or "")
            for f in request.FILES.getlist("files")
        ]
        if original is not None and mode == FORWARD:
            files = forwarded_files(original) + files
        draft = Draft(
            to=form.cleaned_data["to"],
            cc=form.cleaned_data["cc"],
            subject=form.cleaned_data["subject"],
            text=form.cleaned_data["body"],
            in_reply_to=start.in_reply_to,
            references=start.references,
            attachments=files,
        )
        try:
            send_mail(mailbox=mailbox, draft=draft)
        except TransportError as exc:
            form.add_error(None, _("The mail server refused the message: %(error)s") % {"error": exc.message})
        else:
            messages.success(request, _("The message is sent."))
            return redirect("personalmail:index")
    forwarded = list(original.attachments.filter(is_inline=False)) if original is not None and mode == FORWARD else []
    context = {
        "mailbox": mailbox,
        "form": form,
        "original": original,
        "mode": mode,
        "forwarded": forwarded,
        "folders": folders_of(mailbox),
    }
    return render(request, "personalmail/compose.html", context)
