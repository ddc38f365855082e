"""Synchronising with a real Dovecot: the newest 50 on connect, the folder list, reading a message
(sanitised HTML, inline images, attachments), read/unread both ways, new mail later."""

from __future__ import annotations

import pytest
from django.urls import reverse
from imapclient import SEEN

from notifications.models import Notification
from personalmail.models import FolderRole, PersonalMessage, Popups
from personalmail.services.sync import sync_mailbox
from servicedesk.testing.cast import PASSWORD
from servicedesk.testing.mailservers import SPECIAL_USE_FOLDERS

from .conftest import PNG, imap_session, make_mail

pytestmark = pytest.mark.django_db


def test_connect_loads_the_newest_50_and_lists_the_folders(employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    for n in range(60):
        dovecot.deliver("user1", make_mail(f"Message {n:02d}"))
    mailbox = connect(employee)
    inbox = mailbox.folders.get(role=FolderRole.INBOX)
    subjects = set(inbox.messages.values_list("subject", flat=True))
    assert subjects == {f"Message {n:02d}" for n in range(10, 60)}
    roles = dict(mailbox.folders.values_list("name", "role"))
    assert roles["INBOX"] == "inbox" and roles["Sent"] == "sent" and roles["Trash"] == "trash"
    assert set(SPECIAL_USE_FOLDERS) <= set(roles)
    # Nothing was marked read on the server by loading.
    with imap_session(dovecot, "user1") as other:
        other.select_folder("INBOX", readonly=True)
        assert not other.search(["SEEN"])


def test_read_a_message_with_inline_image_and_attachment(client, employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    dovecot.deliver(
        "user1", make_mail("Report", "See the logo", inline_image=True, attachment=("report.pdf", b"%PDF-1"))
    )
    mailbox = connect(employee)
    message = mailbox.messages.get()
    client.login(username=employee.username, password=PASSWORD)
    page = client.get(reverse("personalmail:message", args=[message.pk])).content.decode()
    inline = message.attachments.get(is_inline=True)
    assert f'src="{reverse("personalmail:attachment", args=[inline.pk])}?inline=1"' in page
    assert "tracker.example" not in page and "<script>alert" not in page
    assert "report.pdf" in page and "Анна Клиентова" in page
    image = client.get(reverse("personalmail:attachment", args=[inline.pk]) + "?inline=1")
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content) == PNG


def test_read_and_unread_travel_both_ways(client, employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    dovecot.deliver("user1", make_mail("First"))
    dovecot.deliver("user1", make_mail("Second"))
    mailbox = connect(employee)
    first = mailbox.messages.get(subject="First")
    second = mailbox.messages.get(subject="Second")
    client.login(username=employee.username, password=PASSWORD)

    client.get(reverse("personalmail:message", args=[first.pk]))  # opening reads it
    with imap_session(dovecot, "user1") as other:
        other.select_folder("INBOX")
        flags = other.get_flags(other.search(["ALL"]))
        assert [SEEN in f for _uid, f in sorted(flags.items())] == [True, False]
        # The phone reads the second one and marks the first unread again.
        uids = sorted(flags)
        other.add_flags([uids[1]], [SEEN])
        other.remove_flags([uids[0]], [SEEN])
    sync_mailbox(mailbox.pk, force=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.seen, second.seen) == (False, True)

    client.post(reverse("personalmail:mark", args=[second.pk]), {"seen": "0"})
    with imap_session(dovecot, "user1") as other:
        other.select_folder("INBOX")
        assert not other.search(["SEEN"])


def test_new_mail_after_connect_raises_a_popup_opening_the_message(employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    dovecot.deliver("user1", make_mail("Old news"))
    mailbox = connect(employee)
    assert not Notification.objects.filter(user=employee).exists()  # the initial load is not "new"
    dovecot.deliver("user1", make_mail("Contract draft", sender="Борис Партнёров <boris@partner.example>"))
    result = sync_mailbox(mailbox.pk, force=True)
    assert result.imported == 1
    note = Notification.objects.get(user=employee)
    message = PersonalMessage.objects.get(subject="Contract draft")
    assert "Борис Партнёров" in note.title and note.body == "Contract draft"
    assert note.url == reverse("personalmail:message", args=[message.pk])

    mailbox.popups = Popups.SILENT
    mailbox.save()
    dovecot.deliver("user1", make_mail("Quiet"))
    sync_mailbox(mailbox.pk, force=True)
    assert Notification.objects.filter(user=employee).count() == 1


def test_opening_another_folder_loads_it(client, employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    mailbox = connect(employee)
    dovecot.deliver("user1", make_mail("Archived thing"), folder="Archive")
    archive = mailbox.folders.get(name="Archive")
    client.login(username=employee.username, password=PASSWORD)
    page = client.get(reverse("personalmail:folder", args=[archive.pk])).content.decode()
    assert "Archived thing" in page


def test_beat_polls_mailboxes_not_synchronised_for_a_while(employee, connect, mail_servers, settings):
    from datetime import timedelta

    from django.utils import timezone

    from personalmail.models import PersonalMailbox
    from personalmail.tasks import sync_due_mailboxes

    dovecot, _smtp = mail_servers
    mailbox = connect(employee)
    assert sync_due_mailboxes() == 0  # just synchronised
    dovecot.deliver("user1", make_mail("Polled in"))
    PersonalMailbox.objects.filter(pk=mailbox.pk).update(
        last_sync_at=timezone.now() - timedelta(seconds=settings.PERSONALMAIL_POLL_SECONDS + 1)
    )
    assert sync_due_mailboxes() == 1
    assert mailbox.messages.filter(subject="Polled in").exists()
