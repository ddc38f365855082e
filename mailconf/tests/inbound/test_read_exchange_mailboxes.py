"""EWS and Microsoft Graph connections go through the same intake (their servers faked at the HTTP seam)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mailconf import crypto
from mailconf.models import IncomingConnection, MailResult, ProcessedMessage
from mailconf.tests.protocols.fake_ews import FakeEws
from mailconf.tests.protocols.fake_graph import FakeGraph
from servicedesk.models import Ticket

from .conftest import make_mail, poll

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graph_server():
    server = FakeGraph()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ews_server(mail_tls_cert):
    server = FakeEws(tls=mail_tls_cert.server_context())
    yield server
    server.stop()


def test_graph_mailbox_with_a_cached_token_becomes_tickets_and_moves_mail(cast, graph_server, settings):
    graph_server.reset()
    settings.MAIL_GRAPH_URL = graph_server.base_url
    conn = IncomingConnection.objects.create(
        name="m365",
        protocol="graph",
        login=graph_server.state.user,
        oauth2=True,
        client_id="app",
        tenant_id="dir",
        processed_folder="Done",
        oauth_token_encrypted=crypto.encrypt(graph_server.state.token),
        oauth_token_expires_at=timezone.now() + timedelta(hours=1),
    )
    graph_server.deliver(make_mail(subject="Teams does not start"))

    counts = poll(conn)

    assert counts.tickets == 1 and Ticket.objects.get().subject == "Teams does not start"
    assert ProcessedMessage.objects.get().result == MailResult.TICKET
    assert graph_server.messages_in("inbox-id") == []
    done = graph_server.child_named("inbox-id", "Done") or graph_server.child_named("root-id", "Done")
    assert done is not None and len(graph_server.messages_in(done.id)) == 1


def test_ews_mailbox_becomes_tickets_and_deletes_processed_mail(cast, ews_server, mail_tls_cert, settings):
    ews_server.reset()
    settings.MAIL_CA_FILE = str(mail_tls_cert.cert_path)
    conn = IncomingConnection(name="exchange", protocol="ews", ews_url=ews_server.url, login=ews_server.state.login)
    conn.password = ews_server.state.password
    conn.save()
    ews_server.deliver(make_mail(subject="Outlook asks for a password"))

    counts = poll(conn)

    assert counts.tickets == 1 and Ticket.objects.get().subject == "Outlook asks for a password"
    assert ews_server.items_in("AAMkinbox==") == []
