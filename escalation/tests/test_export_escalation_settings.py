"""Escalation settings travel with the settings export/import (settings as code), all or nothing."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import call_command

from escalation.models import EscalationFiring, EscalationLevel, EscalationScheme
from mailconf.connections.settings_io import SettingsError, export_settings, import_settings
from notifications.models import EventAction
from servicedesk.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_export_lists_schemes_levels_and_their_notifications(cast: Cast) -> None:
    data = export_settings()["escalation"]
    resolution = next(s for s in data["schemes"] if s["code"] == "ticket-resolution")
    assert [level["percent"] for level in resolution["levels"]] == [50, 75, 100, None]
    late = resolution["levels"][2]["notify"]
    assert {a["code"] for a in late} == {
        "esc-resolution-late-push",
        "esc-resolution-late-email",
        "esc-resolution-late-webpush",
        "esc-resolution-late-telegram",
    }
    assert all(a["to_responsible"] for a in late)


def test_import_updates_in_place_and_keeps_what_fired(cast: Cast) -> None:
    data = export_settings()
    scheme = next(s for s in data["escalation"]["schemes"] if s["code"] == "ticket-resolution")
    level = scheme["levels"][1]
    level["percent"], level["enabled"] = 80, False
    level["notify"][0]["subject_en"] = "Nearly due: TICKET_NUMBER (TIME_LEFT left)"
    scheme["levels"][3].update({"enabled": True, "reassign_team": cast.other_team.name})
    scheme["conditions"]["services"] = [cast.email_service.name]
    before = EscalationLevel.objects.get(scheme__code="ticket-resolution", position=2)
    import_settings(copy.deepcopy({"escalation": data["escalation"]}))
    after = EscalationLevel.objects.get(scheme__code="ticket-resolution", position=2)
    assert after.pk == before.pk and (after.percent, after.enabled) == (80, False)
    assert EventAction.objects.get(code=level["notify"][0]["code"]).subject_en.startswith("Nearly due")
    assert EscalationLevel.objects.get(scheme__code="ticket-resolution", position=4).reassign_team == cast.other_team
    assert list(EscalationScheme.objects.get(code="ticket-resolution").services.all()) == [cast.email_service]
    assert export_settings()["escalation"] == json.loads(json.dumps(data["escalation"]))


def test_schemes_missing_from_the_file_are_removed(cast: Cast) -> None:
    data = export_settings()["escalation"]
    data["schemes"] = [s for s in data["schemes"] if s["code"] != "approval"]
    import_settings({"escalation": data})
    assert not EscalationScheme.objects.filter(code="approval").exists()
    assert EscalationFiring.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["schemes"][0].update(target="nonsense"), "escalation.schemes[0].target"),
        (lambda d: d["schemes"][1]["levels"][0].update(percent=None), "escalation.schemes[1].levels[0].percent"),
        (lambda d: d["schemes"][1]["levels"][0].update(reassign_team="Нет такой"), "reassign_team: no team"),
        (lambda d: d["schemes"][1]["conditions"].update(services=["Нет такой"]), "not found: Нет такой"),
        (
            lambda d: d["schemes"][1]["levels"][0]["notify"][0].update(body_ru="MAIL_ERROR"),
            "unknown placeholders MAIL_ERROR",
        ),
    ],
)
def test_a_bad_file_changes_nothing(cast: Cast, change, message: str) -> None:
    data = export_settings()["escalation"]
    data["schemes"].sort(key=lambda s: s["target"])  # ticket_reaction, then ticket_resolution
    data["schemes"] = [s for s in data["schemes"] if s["target"].startswith("ticket")]
    change(data)
    before = export_settings()["escalation"]
    with pytest.raises(SettingsError) as error:
        import_settings({"escalation": data})
    assert any(message in e for e in error.value.errors), error.value.errors
    assert export_settings()["escalation"] == before


def test_commands_carry_the_section(cast: Cast, tmp_path, capsys) -> None:
    call_command("mailconf_export")
    exported = json.loads(capsys.readouterr().out)
    assert "escalation" in exported
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"escalation": exported["escalation"]}), encoding="utf-8")
    call_command("mailconf_import", str(path))
    assert EscalationScheme.objects.count() == 4
