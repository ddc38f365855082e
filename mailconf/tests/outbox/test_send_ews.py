"""On-premises Exchange through exchangelib against a fake Exchange.asmx (Basic and OAuth2)."""

from __future__ import annotations

import email
import email.policy

import pytest

from mailconf.connections import check_connection
from mailconf.models import OutgoingConnection
from mailconf.outbox import deliver_due, enqueue_mail

from .conftest import SEND_PARAMETERS, oauth_connection
from .fakes import FakeEws

pytestmark = pytest.mark.django_db


def password_connection(ews, password: str = "ews-Pass-1") -> OutgoingConnection:
    conn = OutgoingConnection.load()
    conn.protocol, conn.ews_url, conn.login, conn.password = "ews", ews.url, "DOMAIN\\mailer", password
    for name, value in SEND_PARAMETERS.items():
        setattr(conn, name, value)
    conn.save()
    return conn


def test_sends_mime_content_with_a_password(ews) -> None:
    password_connection(ews)
    rows = [
        enqueue_mail(to=[f"r{i}@example.test"], subject=f"s{i}", text="t", kind="system", schedule=False)
        for i in range(2)
    ]
    assert deliver_due().sent == 2
    sent = [email.message_from_bytes(raw, policy=email.policy.default) for raw in ews.sent]
    assert [m["Message-ID"] for m in sent] == [r.message_id for r in rows]


def test_check_reads_the_mailbox_root(ews) -> None:
    password_connection(ews)
    assert check_connection().ok
    assert ews.sent == [] and OutgoingConnection.load().check_status == "success"


def test_wrong_password_is_an_error_without_the_password(ews) -> None:
    password_connection(ews, password="wrong-Ews-7")
    outcome = check_connection()
    assert not outcome.ok and outcome.text.startswith("Authentication failed")
    conn = OutgoingConnection.load()
    assert conn.check_status == "error" and "wrong-Ews-7" not in conn.last_error


def test_oauth2_impersonates_the_system_mailbox(azure_ad, mail_tls_cert, monkeypatch) -> None:
    # OAuth2 needs https; exchangelib trusts the CA bundle named by REQUESTS_CA_BUNDLE (as with a private PKI).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mail_tls_cert.cert_path))
    ews = FakeEws(tokens=azure_ad.issued, tls=mail_tls_cert.server_context())
    try:
        oauth_connection("ews", ews_url=ews.url)
        msg = enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system", schedule=False)
        deliver_due()
        msg.refresh_from_db()
        assert msg.status == "sent", msg.last_error
        assert len(ews.sent) == 1 and ews.impersonated[-1] == "desk@example.test"
        assert check_connection().ok
    finally:
        ews.stop()


def test_server_refusal_is_permanent(ews) -> None:
    password_connection(ews)
    ews.fail_code = "ErrorSendAsDenied"
    msg = enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system", schedule=False)
    assert deliver_due().failed == 1
    msg.refresh_from_db()
    assert msg.status == "failed" and "ErrorSendAsDenied" in msg.last_error
