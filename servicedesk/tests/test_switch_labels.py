"""Labels: a module switched off disappears from menus, pages and settings without losing data, comes back
when switched on, and travels with the settings-as-code export."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from servicedesk.labels import MODULES, Module, register_module
from servicedesk.models import LdapConnection, ModuleSwitch
from servicedesk.services.labels import switch_module
from servicedesk.testing.cast import PASSWORD, Cast, make_user

pytestmark = pytest.mark.django_db


def technologist(client: Client) -> Client:
    assert client.login(username="system", password=PASSWORD)
    return client


def test_switching_directory_sync_off_hides_its_settings_and_keeps_the_data(client: Client, cast: Cast) -> None:
    connection = LdapConnection.objects.create(name="corp", url="ldap://dc2", base_dn="DC=corp")
    technologist(client)
    index = client.get(reverse("admin:index")).content.decode()
    assert "LDAP connections" in index
    response = client.post(
        reverse("admin:servicedesk_moduleswitch_toggle", args=["directory_sync"]), {"enabled": "0"}, follow=True
    )
    assert "is turned off; its data is kept" in response.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "LDAP connections" not in index and "LDAP sync runs" not in index
    assert client.get(reverse("admin:servicedesk_ldapconnection_changelist")).status_code == 404
    assert client.get(reverse("admin:servicedesk_ldapconnection_change", args=[connection.pk])).status_code == 404
    assert LdapConnection.objects.filter(pk=connection.pk).exists()
    client.post(reverse("admin:servicedesk_moduleswitch_toggle", args=["directory_sync"]), {"enabled": "1"})
    assert client.get(reverse("admin:servicedesk_ldapconnection_change", args=[connection.pk])).status_code == 200


def test_a_module_of_another_app_hides_its_admin_app_and_pages(client: Client, cast: Cast) -> None:
    register_module(
        Module(
            "test_notifications",
            "Notifications (test)",
            admin_apps=("notifications",),
            path_prefixes=("/notifications/",),
        )
    )
    technologist(client)
    assert client.get(reverse("notifications:centre")).status_code == 200
    assert client.get(reverse("admin:app_list", args=["notifications"])).status_code == 200
    switch_module(code="test_notifications", enabled=False, actor=None)
    assert client.get(reverse("notifications:centre")).status_code == 404
    assert client.get(reverse("admin:app_list", args=["notifications"])).status_code == 404
    assert client.get(reverse("admin:notifications_eventaction_changelist")).status_code == 404
    assert "Event actions" not in client.get(reverse("admin:index")).content.decode()
    switch_module(code="test_notifications", enabled=True, actor=None)
    assert client.get(reverse("admin:notifications_eventaction_changelist")).status_code == 200
    del MODULES["test_notifications"]


def test_a_switched_off_module_takes_its_roles_off_the_employee_form(client: Client, cast: Cast) -> None:
    make_user("admin1", "administrator")  # rights are given by administrators (not technologists)
    assert client.login(username="admin1", password=PASSWORD)
    url = reverse("org_person_new", args=["employee"])
    assert "Change request specialist" in client.get(url).content.decode()
    switch_module(code="change_management", enabled=False, actor=None)
    assert "Change request specialist" not in client.get(url).content.decode()


def test_the_labels_page_lists_every_module(client: Client, cast: Cast) -> None:
    technologist(client)
    page = client.get(reverse("admin:servicedesk_moduleswitch_changelist")).content.decode()
    for label in ("Change management", "Problem management", "Telephony", "Personal mail", "Escalation"):
        assert label in page
    assert client.login(username="operator", password=PASSWORD)
    assert (
        client.post(reverse("admin:servicedesk_moduleswitch_toggle", args=["telephony"]), {"enabled": "0"}).status_code
        == 302
    )
    assert not ModuleSwitch.objects.exists()  # the operator was sent to the admin login, nothing changed


def test_labels_are_exported_and_imported_with_the_settings(tmp_path, cast: Cast) -> None:
    switch_module(code="telephony", enabled=False, actor=None)
    out = StringIO()
    call_command("mailconf_export", stdout=out)
    data = json.loads(out.getvalue())
    assert data["labels"]["telephony"] is False and data["labels"]["escalation"] is True
    data["labels"]["telephony"] = True
    data["labels"]["problems"] = False
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"labels": data["labels"]}))
    call_command("mailconf_import", str(path), stdout=StringIO())
    assert dict(ModuleSwitch.objects.values_list("code", "enabled"))["problems"] is False
    assert ModuleSwitch.objects.get(code="telephony").enabled
    path.write_text(json.dumps({"labels": {"no_such_module": False, "telephony": "yes"}}))
    with pytest.raises(Exception, match="unknown key: labels.no_such_module"):
        call_command("mailconf_import", str(path), stdout=StringIO(), stderr=StringIO())
