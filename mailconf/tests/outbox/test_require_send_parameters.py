"""The outgoing card refuses to save without the send parameters (Reply-To, From, sender name):
every mail needs them, so a missing one is said on the form, not found later in the outbox. And the
card carries the CSS that shows only the chosen protocol's fields (seen in a browser in
test_browser_see_connection_cards)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailconf.connections.forms import protocol_field_css
from mailconf.models import IncomingConnection, OutgoingConnection

from .test_admin_outgoing import form_data

pytestmark = pytest.mark.django_db
CARD = "admin:mailconf_outgoingconnection_change"


@pytest.fixture
def root(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "pw"))
    return client


@pytest.mark.parametrize("name", ["reply_to", "from_address", "sender_name"])
def test_each_send_parameter_is_required(root, outgoing, smtp, name: str) -> None:
    conn = outgoing()
    response = root.post(reverse(CARD, args=[conn.pk]), form_data(conn, **{name: ""}), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Обязательное поле." in page
    assert getattr(OutgoingConnection.load(), name)  # nothing saved


def test_required_marks_on_the_card(root, outgoing, smtp) -> None:
    conn = outgoing()
    page = root.get(reverse(CARD, args=[conn.pk])).content.decode()
    for name in ("reply_to", "from_address", "sender_name"):
        start = page.index(f'name="{name}"')
        tag = page[page.rindex("<", 0, start) : page.index(">", start)]
        assert "required" in tag, name


def test_css_hides_other_protocols_fields() -> None:
    outgoing = protocol_field_css(OutgoingConnection)
    assert 'option[value="smtp"]:checked) :is(.field-ews_url' in outgoing
    assert 'option[value="graph"]:checked) :is(.field-host' in outgoing
    incoming = protocol_field_css(IncomingConnection)
    pop3 = next(line for line in incoming.splitlines() if 'option[value="pop3"]:checked) :is(' in line)
    assert ".field-folders" in pop3 and ".field-ews_url" in pop3 and ".field-host" not in pop3
