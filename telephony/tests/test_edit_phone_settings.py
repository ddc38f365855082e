"""System settings → Telephony: addresses, window and templates edited and validated like event
action templates, previewed from a real call and sent as a test; PBX tokens created (shown once)
and revoked in the technologist interface."""

from __future__ import annotations

import pytest
from django.test import Client

from mailconf.models import OutboxMessage
from servicedesk.testing.cast import PASSWORD
from telephony.models import PbxToken, TelephonySettings
from telephony.services.tokens import hash_token

pytestmark = pytest.mark.django_db
URL = "/admin/telephony/telephonysettings/1/change/"


@pytest.fixture
def tech(cast) -> Client:
    browser = Client()
    assert browser.login(username="system", password=PASSWORD)
    return browser


def _form(config: TelephonySettings, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        name: getattr(config, name)
        for name in (
            "missed_calls_email",
            "voicemail_email",
            "missed_window_seconds",
            *TelephonySettings.MISSED_FIELDS,
            *TelephonySettings.VOICEMAIL_FIELDS,
        )
    }
    data.update(changes)
    return data


def test_settings_page_lists_the_placeholders(tech):
    assert tech.get("/admin/telephony/telephonysettings/").status_code == 302
    html = tech.get(URL).content.decode()
    for name in ("NOTIFICATION_MISSEDCAUSE", "NOTIFICATION_CALLERID", "VM_CALLER_NAME", "VM_CIDNUM"):
        assert f"<code>{name}</code>" in html


def test_unknown_placeholder_is_refused_next_to_its_field(tech):
    config = TelephonySettings.load()
    response = tech.post(URL, _form(config, missed_body_ru="Звонок от VM_CALLERID", voicemail_subject_en="VM_NAME"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "VM_CALLERID" in errors["missed_body_ru"][0]
    assert "VM_NAME" in errors["voicemail_subject_en"][0]
    assert TelephonySettings.load().missed_body_ru == config.missed_body_ru


def test_valid_settings_are_saved(tech):
    config = TelephonySettings.load()
    response = tech.post(
        URL,
        _form(
            config,
            missed_calls_email="calls@corp.example",
            missed_window_seconds="300",
            voicemail_body_en="${VM_CALLERID} left VM_DUR",
        ),
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    saved = TelephonySettings.load()
    assert (saved.missed_calls_email, saved.missed_window_seconds) == ("calls@corp.example", 300)


def test_preview_renders_the_latest_call_and_sends_a_test(tech, cast, phone_settings, post_voicemail):
    from telephony.testing import wav_bytes

    assert post_voicemail(wav_bytes(0.2), to="201", caller_id="Preview Person <555>").status_code == 201
    OutboxMessage.objects.all().delete()
    page = tech.get("/admin/telephony/telephonysettings/preview/?kind=voicemail&language=en&to=")
    assert page.status_code == 200
    assert "Voicemail from Preview Person &lt;555&gt;" in page.content.decode()
    sent = tech.post(
        "/admin/telephony/telephonysettings/preview/", {"kind": "voicemail", "language": "ru", "to": "me@corp.example"}
    )
    assert sent.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.to_display == "me@corp.example" and "Preview Person" in message.subject
    assert message.attachments.get().filename == "msg0000.wav"


def test_preview_without_calls_uses_sample_values(tech):
    page = tech.get("/admin/telephony/telephonysettings/preview/?kind=missed&language=ru")
    assert "Alexey Portnov" in page.content.decode()


def test_token_created_on_the_pbx_card_is_shown_once_and_revoked_from_the_list(tech, cast):
    tech.post(
        "/admin/telephony/pbx/add/",
        {"name": "MikoPBX", "note": "", "tokens-TOTAL_FORMS": "0", "tokens-INITIAL_FORMS": "0"},
    )
    from telephony.models import Pbx

    pbx = Pbx.objects.get(name="MikoPBX")
    page = tech.post(f"/admin/telephony/pbx/{pbx.pk}/new-token/")
    token = page.context["token"]
    assert token in page.content.decode()
    row = PbxToken.objects.get()
    assert row.token_hash == hash_token(token) and row.created_by == cast.technologist
    assert token not in tech.get(f"/admin/telephony/pbx/{pbx.pk}/change/").content.decode()
    card = tech.get(f"/admin/telephony/pbx/{pbx.pk}/change/").content.decode()
    assert f"/admin/telephony/pbxtoken/{row.pk}/revoke/" in card and row.prefix in card
    assert tech.post(f"/admin/telephony/pbxtoken/{row.pk}/revoke/").status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    second = tech.post(f"/admin/telephony/pbx/{pbx.pk}/new-token/").context["row"]
    tech.post("/admin/telephony/pbxtoken/", {"action": "revoke", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.revoked_at is not None


def test_operators_cannot_open_telephony_settings(cast):
    browser = Client()
    assert browser.login(username="operator", password=PASSWORD)
    assert browser.get(URL).status_code in (302, 403)
