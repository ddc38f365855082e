from __future__ import annotations

from django.test import Client

from servicedesk.models import Agreement
from servicedesk.testing.cast import Cast


def test_technologist_sees_grouped_sections(cast: Cast, client: Client) -> None:
    cast.technologist.is_superuser = True
    cast.technologist.save()
    client.force_login(cast.technologist)
    response = client.get("/admin/")
    assert response.status_code == 200
    names = [app["name"] for app in response.context["app_list"]]
    assert names[:5] == [
        "Org structure",
        "Access and logins",
        "Client base",
        "Agreements and services (SLA)",
        "Tickets",
    ]


def test_operator_cannot_open_admin(cast: Cast, client: Client) -> None:
    client.force_login(cast.operator.user)
    assert client.get("/admin/").status_code == 302


def test_base_agreement_survives_admin_delete(cast: Cast, client: Client) -> None:
    cast.technologist.is_superuser = True
    cast.technologist.save()
    client.force_login(cast.technologist)
    other = Agreement.objects.create(name="Temporary")
    base = cast.base_agreement
    assert client.get(f"/admin/servicedesk/agreement/{base.pk}/delete/").status_code == 403
    response = client.post(
        "/admin/servicedesk/agreement/",
        {"action": "delete_selected", "_selected_action": [base.pk, other.pk], "post": "yes"},
        follow=True,
    )
    assert "The base agreement cannot be deleted" in response.content.decode()
    assert Agreement.objects.filter(pk=base.pk).exists()
    assert not Agreement.objects.filter(pk=other.pk).exists()


def test_technologist_without_superuser_sees_every_settings_section(cast: Cast, client: Client) -> None:
    assert not cast.technologist.is_superuser
    client.force_login(cast.technologist)
    response = client.get("/admin/")
    labels = {app["app_label"] for app in response.context["app_list"]}
    assert {"servicedesk", "mailconf", "notifications"} <= labels
    assert client.get("/admin/servicedesk/employee/").status_code == 200
    assert client.get("/admin/servicedesk/agreement/add/").status_code == 200


def test_specialist_gets_no_admin_permissions(cast: Cast) -> None:
    user = cast.operator.user
    user.is_staff = True
    assert not user.has_perm("servicedesk.change_agreement")
    assert not user.has_module_perms("mailconf")
