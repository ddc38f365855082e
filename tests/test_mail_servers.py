"""The real test mail servers behave like real servers (the fixtures every mail test builds on)."""

from __future__ import annotations

import imaplib
import poplib
import smtplib
import ssl
from email.message import EmailMessage

import imapclient
import pytest

from servicedesk.testing.mailservers import DovecotUnavailable, start_dovecot
from servicedesk.testing.mailservers import dovecot as dovecot_module

pytestmark = pytest.mark.slow


def _context(cert_path: object) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert_path))


def _message(subject: str, to: str = "support@example.test") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Sender <sender@example.org>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Привет, service desk.\n")
    return message


def _raw(subject: str) -> bytes:
    return _message(subject).as_bytes()


# --- Dovecot -----------------------------------------------------------------------------------


def test_imap_plain_port_logs_in_before_and_after_starttls(mailbox):
    server = mailbox.server
    with imaplib.IMAP4(server.host, server.imap_port) as client:
        assert "STARTTLS" in client.capabilities
        client.starttls(_context(server.cert_path))
        assert client.login(mailbox.login, mailbox.password)[0] == "OK"
    with imaplib.IMAP4(server.host, server.imap_port) as client:
        assert client.login(mailbox.login, mailbox.password)[0] == "OK"


def test_imaps_presents_the_fixture_certificate_only(mailbox):
    server = mailbox.server
    with imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=_context(server.cert_path)) as client:
        assert client.login(mailbox.login, mailbox.password)[0] == "OK"
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=ssl.create_default_context())


def test_imap_rejects_wrong_password(mailbox):
    server = mailbox.server
    with imaplib.IMAP4(server.host, server.imap_port) as client, pytest.raises(imaplib.IMAP4.error):
        client.login(mailbox.login, "not-the-password")


def test_delivered_subfolder_and_special_use_are_visible_via_imapclient(mailbox):
    mailbox.deliver(_raw("into support"), folder="INBOX/Support")
    mailbox.deliver(_raw("russian folder"), folder="INBOX/Заявки")
    server = mailbox.server
    with imapclient.IMAPClient(server.host, port=server.imaps_port, ssl_context=_context(server.cert_path)) as client:
        client.login(mailbox.login, mailbox.password)
        names = {name for _flags, _sep, name in client.list_folders()}
        assert {"INBOX", "INBOX/Support", "INBOX/Заявки", "Sent", "Trash"} <= names
        assert client.find_special_folder(imapclient.imapclient.SENT) == "Sent"
        assert client.select_folder("INBOX/Support")[b"EXISTS"] == 1
        body = client.fetch(client.search("ALL"), ["BODY.PEEK[]"])
        (data,) = body.values()
        assert b"Subject: into support\r\n" in data[b"BODY[]"]
        assert client.select_folder("INBOX")[b"EXISTS"] == 0


def test_reset_user_empties_the_mailbox(mailbox):
    mailbox.deliver(_raw("old"))
    mailbox.deliver(_raw("old archive"), folder="Archive/2024")
    mailbox.server.reset_user(mailbox.login)
    server = mailbox.server
    with imapclient.IMAPClient(server.host, port=server.imaps_port, ssl_context=_context(server.cert_path)) as client:
        client.login(mailbox.login, mailbox.password)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert "Archive/2024" not in {name for _flags, _sep, name in client.list_folders()}


def test_pop3s_stat_and_retr(mailbox):
    mailbox.deliver(_raw("first"))
    mailbox.deliver(_raw("second"))
    server = mailbox.server
    client = poplib.POP3_SSL(server.host, server.pop3s_port, context=_context(server.cert_path))
    try:
        client.user(mailbox.login)
        client.pass_(mailbox.password)
        count, _size = client.stat()
        assert count == 2
        _response, lines, _octets = client.retr(1)
        assert b"Subject: first" in lines
    finally:
        client.quit()


def test_pop3_plain_port_offers_stls(mailbox):
    server = mailbox.server
    client = poplib.POP3(server.host, server.pop3_port)
    try:
        assert "STLS" in client.capa()
        client.stls(_context(server.cert_path))
        client.user(mailbox.login)
        client.pass_(mailbox.password)
        assert client.stat()[0] == 0
    finally:
        client.quit()


def test_xoauth2_accepts_registered_token_only(mailbox):
    server = mailbox.server
    server.add_oauth_token("user1", "token-user1")

    def xoauth2(token: str) -> bytes:
        return f"user=user1\x01auth=Bearer {token}\x01\x01".encode()

    with imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=_context(server.cert_path)) as client:
        assert client.authenticate("XOAUTH2", lambda _challenge: xoauth2("token-user1"))[0] == "OK"
    with imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=_context(server.cert_path)) as client:
        with pytest.raises(imaplib.IMAP4.error):
            client.authenticate("XOAUTH2", lambda _challenge: xoauth2("forged"))


def test_missing_dovecot_fails_with_an_install_hint(monkeypatch):
    monkeypatch.setattr(dovecot_module.shutil, "which", lambda *_args, **_kwargs: None)
    with pytest.raises(DovecotUnavailable, match="apt-get install -y dovecot-imapd dovecot-pop3d"):
        start_dovecot()


# --- SMTP --------------------------------------------------------------------------------------


def _connect(server, context: ssl.SSLContext) -> smtplib.SMTP:
    if server.security == "tls":
        return smtplib.SMTP_SSL(server.host, server.port, context=context, timeout=5)
    client = smtplib.SMTP(server.host, server.port, timeout=5)
    if server.security == "starttls":
        client.starttls(context=context)
    return client


@pytest.mark.parametrize("name", ["plain", "auth", "starttls", "tls"])
def test_smtp_variant_accepts_and_records(smtp, name):
    server = getattr(smtp, name)
    with _connect(server, _context(smtp.cert_path)) as client:
        if server.requires_auth:
            client.login("mailer", smtp.users["mailer"])
        client.send_message(_message(f"via {name}"))
    (received,) = server.messages
    assert received.rcpt_tos == ["support@example.test"]
    assert received.mail_from == "sender@example.org"
    assert received.login == ("mailer" if server.requires_auth else None)
    assert received.parsed()["Subject"] == f"via {name}"
    assert all(other.messages == [] for other in smtp.all() if other is not server)


def test_smtp_auth_wrong_password_and_missing_auth_are_refused(smtp):
    with _connect(smtp.auth, _context(smtp.cert_path)) as client:
        with pytest.raises(smtplib.SMTPAuthenticationError) as failure:
            client.login("mailer", "wrong")
        assert failure.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.send_message(_message("no auth"))
        assert refused.value.smtp_code == 530
    assert smtp.auth.messages == []


def test_smtp_starttls_server_requires_tls_before_auth(smtp):
    with smtplib.SMTP(smtp.starttls.host, smtp.starttls.port, timeout=5) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        with pytest.raises(smtplib.SMTPException):
            client.login("mailer", smtp.users["mailer"])


def test_smtp_rejects_one_recipient_of_three(smtp):
    smtp.plain.reject_recipient("Bad@Example.test")
    with _connect(smtp.plain, _context(smtp.cert_path)) as client:
        refused = client.sendmail(
            "sender@example.org", ["a@example.test", "bad@example.test", "b@example.test"], _raw("three")
        )
    assert refused == {"bad@example.test": (550, b"5.1.1 Mailbox unavailable")}
    assert smtp.plain.messages[0].rcpt_tos == ["a@example.test", "b@example.test"]


def test_smtp_temporary_failures_then_success(smtp):
    smtp.plain.fail_next(2, code=451)
    for _attempt in range(2):
        with _connect(smtp.plain, _context(smtp.cert_path)) as client:
            with pytest.raises(smtplib.SMTPDataError) as failure:
                client.send_message(_message("retry me"))
            assert failure.value.smtp_code == 451
    with _connect(smtp.plain, _context(smtp.cert_path)) as client:
        client.send_message(_message("retry me"))
    assert len(smtp.plain.messages) == 1


def test_smtp_permanent_rejection_drop_and_down(smtp):
    smtp.plain.reject_message("poison")
    smtp.plain.fail_next(1, code=421, text="4.3.2 Busy", stage="mail")
    with _connect(smtp.plain, _context(smtp.cert_path)) as client:
        with pytest.raises(smtplib.SMTPSenderRefused) as busy:
            client.send_message(_message("busy"))
        assert busy.value.smtp_code == 421
    with _connect(smtp.plain, _context(smtp.cert_path)) as client:
        with pytest.raises(smtplib.SMTPDataError) as failure:
            client.send_message(_message("poison pill"))
        assert failure.value.smtp_code == 554
    smtp.plain.drop_next()
    with _connect(smtp.plain, _context(smtp.cert_path)) as client:
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.send_message(_message("dropped"))
    smtp.plain.down()
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=5)
    smtp.plain.up()
    with _connect(smtp.plain, _context(smtp.cert_path)) as client:
        client.send_message(_message("back up"))
    assert [m.parsed()["Subject"] for m in smtp.plain.messages] == ["back up"]


def test_smtp_delivery_reaches_dovecot_over_imap(smtp, mailbox):
    smtp.deliver_to(mailbox.server)
    with _connect(smtp.starttls, _context(smtp.cert_path)) as client:
        client.login("mailer", smtp.users["mailer"])
        client.send_message(_message("end to end", to=f"{mailbox.address}, nobody@example.test"))
    server = mailbox.server
    with imapclient.IMAPClient(server.host, port=server.imaps_port, ssl_context=_context(server.cert_path)) as client:
        client.login(mailbox.login, mailbox.password)
        assert client.select_folder("INBOX")[b"EXISTS"] == 1
        (data,) = client.fetch("1", ["BODY.PEEK[]"]).values()
        assert b"Subject: end to end" in data[b"BODY[]"]


def test_smtp_auth_login_mechanism(smtp):
    with _connect(smtp.tls, _context(smtp.cert_path)) as client:
        client.ehlo()
        client.user, client.password = "support", smtp.users["support"]
        code, _reply = client.auth("LOGIN", client.auth_login, initial_response_ok=False)
        assert code == 235
        client.sendmail("support@example.test", ["x@example.test"], _raw("login mechanism"))
    assert smtp.tls.messages[0].login == "support"
