"""The "incoming" section of mailconf_export / mailconf_import: round trip, refusals, nothing half-applied."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from mailconf.connections import SettingsError, export_settings, import_settings
from mailconf.models import IncomingConnection

GOOD = {
    "name": "support",
    "protocol": "imap",
    "host": "imap.example.com",
    "port": 993,
    "encryption": "ssl",
    "verify_certificate": True,
    "login": "support@example.com",
    "password": "s3cret-Pass",
    "oauth2": False,
    "client_id": "",
    "tenant_id": "",
    "client_secret": "",
    "ews_url": "",
    "folders": "INBOX/Support; INBOX\\Sales",
    "processed_folder": "Done",
    "error_folder": "Failed",
    "interval": 30,
    "enabled": True,
    "ticket_type": "incident",
    "service": "Корпоративная почта",
    "agreement": None,
    "team": "Вторая линия",
    "unregistered": "contact",
    "accept_unknown_replies": False,
    "auto_replies": "ignore",
    "closed_tickets": "reject",
}


def test_import_creates_then_export_returns_it_without_secrets(cast):
    import_settings({"incoming": [GOOD]})

    conn = IncomingConnection.objects.get()
    assert conn.password == "s3cret-Pass" and "s3cret" not in conn.password_encrypted
    assert conn.ticket_type == cast.incident and conn.team == cast.team and conn.service == cast.email_service
    exported = export_settings()["incoming"]
    expected = {k: v for k, v in GOOD.items() if k not in ("password", "client_secret")}
    assert exported == [expected]


def test_import_again_without_password_keeps_it_and_updates_fields(cast):
    import_settings({"incoming": [GOOD]})
    changed = {**{k: v for k, v in GOOD.items() if k != "password"}, "interval": 120, "enabled": False}

    import_settings({"incoming": [changed]})

    conn = IncomingConnection.objects.get()
    assert (conn.interval, conn.enabled, conn.password) == (120, False, "s3cret-Pass")


def test_bad_values_are_refused_by_name_and_nothing_is_applied(cast):
    bad_list = [
        {**GOOD, "name": "first-ok"},
        {**GOOD, "name": "second", "protocol": "smtp", "port": "993", "colour": "red", "team": "No such team"},
    ]
    with pytest.raises(SettingsError) as caught:
        import_settings({"incoming": bad_list})

    text = str(caught.value)
    assert "unknown key: incoming[second].colour" in text
    assert "bad value for incoming[second].port" in text
    assert not IncomingConnection.objects.exists()


def test_form_rules_apply_on_import(cast):
    pop3 = {**GOOD, "name": "pop", "protocol": "pop3", "processed_folder": "Done"}
    no_secret = {**GOOD, "name": "nosecret", "password": ""}
    with pytest.raises(SettingsError) as caught:
        import_settings({"incoming": [pop3, no_secret]})

    text = str(caught.value)
    assert "incoming[pop].processed_folder: POP3 has no folders" in text
    assert "incoming[nosecret].password" in text
    assert not IncomingConnection.objects.exists()


def test_the_commands_round_trip_the_section(cast, tmp_path):
    import_settings({"incoming": [GOOD]})
    out = StringIO()
    call_command("mailconf_export", stdout=out)
    data = json.loads(out.getvalue())
    IncomingConnection.objects.update(interval=999)
    path = tmp_path / "mail.json"
    path.write_text(json.dumps({"incoming": data["incoming"]}))

    call_command("mailconf_import", str(path), stdout=StringIO())

    assert IncomingConnection.objects.get().interval == 30


def test_the_closed_ticket_rule_defaults_to_a_new_ticket_and_refuses_unknown_values(cast):
    older_file = {k: v for k, v in GOOD.items() if k != "closed_tickets"}
    import_settings({"incoming": [older_file]})
    assert IncomingConnection.objects.get().closed_tickets == "new_ticket"

    with pytest.raises(SettingsError) as refused:
        import_settings({"incoming": [{**GOOD, "closed_tickets": "reopen"}]})

    assert any("incoming[support].closed_tickets" in e for e in refused.value.errors)
    assert IncomingConnection.objects.get().closed_tickets == "new_ticket"
