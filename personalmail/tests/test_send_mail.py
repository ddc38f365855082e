"""Sending from a personal mailbox through the SMTP fixture: reply, reply all, forward and new mail
with attachments; each lands in the Sent folder on the server, and the signature is added."""

from __future__ import annotations

import email
import email.policy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personalmail.models import SendStatus, SentMail
from servicedesk.testing.cast import PASSWORD

from .conftest import imap_session, make_mail

pytestmark = pytest.mark.django_db


def _sent_on_server(dovecot, login="user1"):
    with imap_session(dovecot, login) as other:
        other.select_folder("Sent", readonly=True)
        data = other.fetch(other.search(["ALL"]), ["BODY.PEEK[]", "FLAGS"])
    return [(email.message_from_bytes(d[b"BODY[]"], policy=email.policy.default), d[b"FLAGS"]) for d in data.values()]


def test_reply_goes_out_threaded_signed_and_lands_in_sent(client, employee, connect, mail_servers):
    dovecot, smtp = mail_servers
    dovecot.deliver("user1", make_mail("Invoice", "Where is the invoice?", sender="Анна <anna@client.example>"))
    mailbox = connect(employee)
    mailbox.signature = "Иван Иванов, поддержка"
    mailbox.save()
    original = mailbox.messages.get()
    client.login(username=employee.username, password=PASSWORD)
    form = client.get(reverse("personalmail:compose") + f"?reply={original.pk}&mode=reply").content.decode()
    assert "anna@client.example" in form and "Re: Invoice" in form and "&gt; Where is the invoice?" in form

    response = client.post(
        reverse("personalmail:compose"),
        {
            "reply": original.pk,
            "mode": "reply",
            "to": "anna@client.example",
            "subject": "Re: Invoice",
            "body": "Sent today.",
        },
    )
    assert response.status_code == 302
    received = smtp.tls.wait_for_messages(1)[0]
    assert received.rcpt_tos == ["anna@client.example"] and received.login == "user1"
    message = received.parsed()
    assert message["In-Reply-To"] == f"<{original.message_id}>"
    assert message["From"].addresses[0].addr_spec == "user1@example.test"
    assert "Иван Иванов, поддержка" in message.get_body(("plain",)).get_content()
    sent = _sent_on_server(dovecot)
    assert [m["Subject"] for m, _flags in sent] == ["Re: Invoice"]
    assert b"\\Seen" in sent[0][1]
    row = SentMail.objects.get()
    assert row.status == SendStatus.SENT and row.appended


def test_reply_all_copies_everyone_but_me(employee, connect, mail_servers, client):
    dovecot, _smtp = mail_servers
    dovecot.deliver(
        "user1",
        make_mail("Meeting", to="user1@example.test, boris@partner.example", cc="vera@client.example"),
    )
    mailbox = connect(employee)
    original = mailbox.messages.get()
    client.login(username=employee.username, password=PASSWORD)
    page = client.get(reverse("personalmail:compose") + f"?reply={original.pk}&mode=reply_all").content.decode()
    assert "boris@partner.example, vera@client.example" in page
    assert "user1@example.test" not in page.split('name="cc"')[1].split(">")[0]


def test_forward_carries_the_attachments_and_new_mail_carries_uploads(client, employee, connect, mail_servers):
    dovecot, smtp = mail_servers
    dovecot.deliver("user1", make_mail("Scan", attachment=("scan.pdf", b"%PDF-scan")))
    mailbox = connect(employee)
    original = mailbox.messages.get()
    client.login(username=employee.username, password=PASSWORD)
    client.post(
        reverse("personalmail:compose"),
        {"reply": original.pk, "mode": "forward", "to": "boss@corp.example", "subject": "Fwd: Scan", "body": "FYI"},
    )
    client.post(
        reverse("personalmail:compose"),
        {
            "to": "boss@corp.example; deputy@corp.example",
            "subject": "Photos",
            "body": "Attached",
            "files": [SimpleUploadedFile("photo.jpg", b"JPEG", "image/jpeg")],
        },
    )
    forwarded, new = (m.parsed() for m in smtp.tls.wait_for_messages(2))
    assert [a.get_filename() for a in forwarded.iter_attachments()] == ["scan.pdf"]
    assert [a.get_content() for a in forwarded.iter_attachments()] == [b"%PDF-scan"]
    assert [a.get_filename() for a in new.iter_attachments()] == ["photo.jpg"]
    assert smtp.tls.messages[1].rcpt_tos == ["boss@corp.example", "deputy@corp.example"]
    assert sorted(m["Subject"] for m, _f in _sent_on_server(dovecot)) == ["Fwd: Scan", "Photos"]


def test_a_refused_message_stays_as_a_row_with_the_error(client, employee, connect, mail_servers):
    dovecot, smtp = mail_servers
    mailbox = connect(employee)
    smtp.tls.fail_next(code=554, text="5.7.1 Spam suspected")
    client.login(username=employee.username, password=PASSWORD)
    response = client.post(reverse("personalmail:compose"), {"to": "x@client.example", "subject": "Hi", "body": "!"})
    assert response.status_code == 200 and "Spam suspected" in response.content.decode()
    row = SentMail.objects.get(mailbox=mailbox)
    assert row.status == SendStatus.FAILED and "Spam suspected" in row.last_error and not row.appended
    assert _sent_on_server(dovecot) == []


def test_business_processes_send_only_with_the_owners_consent(employee, connect, mail_servers):
    from personalmail.services.compose import SendingNotAllowed, send_as_employee

    dovecot, smtp = mail_servers
    mailbox = connect(employee)
    with pytest.raises(SendingNotAllowed):
        send_as_employee(user_id=employee.pk, to=["client@client.example"], subject="Status", text="Done")
    mailbox.allow_in_processes = True
    mailbox.save()
    send_as_employee(user_id=employee.pk, to=["client@client.example"], subject="Status", text="Done")
    received = smtp.tls.wait_for_messages(1)[0]
    assert received.mail_from == "user1@example.test" and received.login == "user1"
    assert [m["Subject"] for m, _f in _sent_on_server(dovecot)] == ["Status"]
