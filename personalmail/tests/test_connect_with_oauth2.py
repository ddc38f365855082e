"""OAuth2 instead of a password: authorization code with PKCE against a local authorization server
(oauthlib's), tokens stored encrypted, XOAUTH2 to Dovecot and the SMTP server, the access token
renewed from the refresh token, and a revoked authorisation shown as a broken connection."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from personalmail.models import CorporateDomain, MailboxStatus, OAuthApp, PersonalMailbox
from personalmail.services import sync
from personalmail.services.compose import Draft, send_mail
from servicedesk.testing.cast import PASSWORD
from servicedesk.testing.mailservers.authserver import OAuthAuthorizationServer

from .conftest import make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def authserver(mail_servers, monkeypatch, settings):
    dovecot, smtp = mail_servers
    # The local server speaks plain HTTP on loopback; oauthlib insists on HTTPS otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    settings.PERSONALMAIL_OAUTH2 = True

    def on_token(login: str, token: str) -> None:
        dovecot.add_oauth_token(login, token)
        smtp.add_oauth_token(login, token)

    server = OAuthAuthorizationServer(on_token)
    yield server
    server.stop()


@pytest.fixture
def corporate(authserver, mail_servers):
    dovecot, smtp = mail_servers
    app = OAuthApp(
        provider="google",
        client_id=authserver.client_id,
        authorize_url=authserver.authorize_url,
        token_url=authserver.token_url,
        scope="mail offline",
    )
    app.client_secret = authserver.client_secret
    app.save()
    return CorporateDomain.objects.create(
        name="Test mail",
        domain="example.test",
        imap_host=dovecot.host,
        imap_port=dovecot.imaps_port,
        imap_encryption="ssl",
        smtp_host=smtp.tls.host,
        smtp_port=smtp.tls.port,
        smtp_encryption="ssl",
        oauth_app=app,
    )


def _authorize(client, authserver, corporate, django_capture_on_commit_callbacks):
    form = {
        "service": f"corp-{corporate.pk}",
        "email": "user1@example.test",
        "login": "user1",
        "use_oauth": "on",
        "imap_encryption": "ssl",
        "smtp_encryption": "ssl",
        "popups": "notify",
        "mobile_popups": "notify",
    }
    response = client.post(reverse("personalmail:settings"), form)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(authserver.authorize_url)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    authserver.approve_as("user1")
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("personalmail:oauth_callback")
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(f"{callback.path}?{callback.query}")


def test_connect_with_oauth2_reads_and_sends_with_xoauth2(
    client, employee, mail_servers, authserver, corporate, django_capture_on_commit_callbacks
):
    dovecot, smtp = mail_servers
    dovecot.deliver("user1", make_mail("Via OAuth2"))
    client.login(username=employee.username, password=PASSWORD)
    response = _authorize(client, authserver, corporate, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("personalmail:index")
    mailbox = PersonalMailbox.objects.get(user=employee)
    assert mailbox.uses_oauth and mailbox.oauth_provider == "google" and not mailbox.password_encrypted
    refresh = mailbox.refresh_token
    assert refresh and refresh not in mailbox.refresh_token_encrypted
    assert list(mailbox.messages.values_list("subject", flat=True)) == ["Via OAuth2"]

    send_mail(mailbox=mailbox, draft=Draft(to=["anna@client.example"], subject="Hello", text="Over XOAUTH2"))
    assert smtp.tls.wait_for_messages(1)[0].login == "user1"

    # The access token runs out: the refresh token gets a new one (and the provider may rotate it).
    PersonalMailbox.objects.filter(pk=mailbox.pk).update(access_token_expires_at=timezone.now() - timedelta(seconds=1))
    requests_before = authserver.token_requests
    dovecot.deliver("user1", make_mail("After renewal"))
    sync.sync_mailbox(mailbox.pk, force=True)
    mailbox.refresh_from_db()
    assert authserver.token_requests == requests_before + 1
    assert mailbox.status == MailboxStatus.OK and mailbox.access_token_expires_at > timezone.now()
    assert mailbox.messages.filter(subject="After renewal").exists()

    # The person revokes the application at the provider: the mailbox shows as broken.
    authserver.revoke_all()
    PersonalMailbox.objects.filter(pk=mailbox.pk).update(access_token_expires_at=timezone.now() - timedelta(seconds=1))
    sync.sync_mailbox(mailbox.pk, force=True)
    mailbox.refresh_from_db()
    assert mailbox.status == MailboxStatus.BROKEN and "invalid_grant" in mailbox.last_error


def test_oauth2_is_behind_a_feature_switch(client, employee, settings, corporate):
    settings.PERSONALMAIL_OAUTH2 = False
    client.login(username=employee.username, password=PASSWORD)
    assert "use_oauth" not in client.get(reverse("personalmail:settings")).content.decode()


def test_a_forged_state_is_refused(client, employee, corporate):
    client.login(username=employee.username, password=PASSWORD)
    response = client.get(reverse("personalmail:oauth_callback") + "?code=x&state=forged")
    assert response["Location"] == reverse("personalmail:settings")
    assert not PersonalMailbox.objects.exists()
