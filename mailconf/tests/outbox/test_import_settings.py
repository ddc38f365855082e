"""Settings as code: mailconf_export without secrets, mailconf_import all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mailconf.models import OutboxMessage, OutgoingConnection

pytestmark = pytest.mark.django_db

FILE = {
    "outgoing": {
        "protocol": "smtp",
        "host": "ssl://smtp.example.test",
        "port": 465,
        "encryption": "ssl",
        "verify_certificate": True,
        "auth": True,
        "login": "mailer",
        "password": "import-Secret-1",
        "oauth2": False,
        "client_id": "",
        "tenant_id": "",
        "client_secret": "",
        "ews_url": "",
        "from_address": "desk@example.test",
        "reply_to": "help@example.test",
        "sender_name": "Служба поддержки",
        "enabled": True,
    },
    "company": {"signature": "С уважением", "notify_unregistered": True},
    "admin_email": "admin@example.test",
}


def run_import(tmp_path, data) -> str:
    path = tmp_path / "mail.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("mailconf_import", str(path), stdout=out)
    return out.getvalue()


def export() -> dict:
    out = io.StringIO()
    call_command("mailconf_export", stdout=out)
    return json.loads(out.getvalue())


def test_import_then_export_round_trip_without_secrets(tmp_path) -> None:
    run_import(tmp_path, FILE)
    conn = OutgoingConnection.load()
    assert conn.password == "import-Secret-1" and conn.host == "ssl://smtp.example.test"
    exported = export()
    assert "import-Secret-1" not in json.dumps(exported)
    assert "password" not in exported["outgoing"] and "client_secret" not in exported["outgoing"]
    expected = {k: v for k, v in FILE["outgoing"].items() if k not in ("password", "client_secret")}
    assert exported["outgoing"] == expected
    assert exported["company"]["signature"] == "С уважением" and exported["admin_email"] == "admin@example.test"
    # Re-importing the export (no secrets) keeps the stored password.
    run_import(tmp_path, exported)
    assert OutgoingConnection.load().password == "import-Secret-1"


def test_changed_settings_mail_the_administrator(tmp_path) -> None:
    run_import(tmp_path, FILE)
    (test_mail,) = OutboxMessage.objects.filter(kind="test")
    assert list(test_mail.recipients) == ["admin@example.test"]
    assert test_mail.subject == "Mail settings changed: test message"
    run_import(tmp_path, {"admin_email": "admin@example.test"})
    assert OutboxMessage.objects.filter(kind="test").count() == 1, "nothing changed, no new test mail"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"outgoing": {"hots": "x"}}, "outgoing.hots"),
        ({"outgoin": {}}, "unknown key: outgoin"),
        ({"outgoing": {"port": "465"}}, "outgoing.port"),
        ({"outgoing": {"port": True}}, "outgoing.port"),
        ({"outgoing": {"verify_certificate": "yes"}}, "outgoing.verify_certificate"),
        ({"outgoing": {"protocol": "pop3"}}, "outgoing.protocol"),
        ({"outgoing": {"port": 25}}, "outgoing.port"),
        ({"outgoing": {"encryption": "tls13"}}, "outgoing.encryption"),
        ({"company": {"signature": 5}}, "company.signature"),
        ({"admin_email": "not-an-address"}, "admin_email"),
    ],
)
def test_bad_files_are_refused_naming_the_key_and_nothing_changes(tmp_path, data, named) -> None:
    run_import(tmp_path, FILE)
    before = export()
    bad = {**FILE, **data} if "outgoing" not in data else {**FILE, "outgoing": {**FILE["outgoing"], **data["outgoing"]}}
    with pytest.raises(CommandError) as caught:
        run_import(tmp_path, bad)
    assert named in str(caught.value)
    assert export() == before


def test_secret_not_echoed_in_errors(tmp_path) -> None:
    with pytest.raises(CommandError) as caught:
        run_import(tmp_path, {"outgoing": {"password": ["top-Secret-3"]}})
    assert "outgoing.password" in str(caught.value) and "top-Secret-3" not in str(caught.value)
