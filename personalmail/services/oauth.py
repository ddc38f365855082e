"""OAuth2 for personal mailboxes: the authorization-code flow with PKCE (RFC 7636) through
oauthlib's client, and the access token renewed from the encrypted refresh token.

The browser leg: `start_authorization` gives the provider URL plus the state and code verifier the
view keeps in the session; the provider sends the owner back with a code, `finish_authorization`
trades it (with the verifier) for tokens. From then on `access_token` serves XOAUTH2 for IMAP and
SMTP, renewing shortly before expiry and storing a rotated refresh token when the provider sends one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.utils import timezone
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient

from mailconf import crypto
from mailconf.protocols.errors import TransportError

from ..models import PersonalMailbox
from ..oauth import Endpoints, endpoints_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str
    code_verifier: str = field(repr=False)


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime


def _endpoints(provider: str) -> Endpoints:
    endpoints = endpoints_for(provider)
    if endpoints is None:
        raise TransportError(f"no OAuth2 application is configured for {provider}", permanent=True)
    return endpoints


def start_authorization(*, provider: str, redirect_uri: str, login_hint: str = "") -> Authorization:
    endpoints = _endpoints(provider)
    client = WebApplicationClient(endpoints.client_id)
    verifier = client.create_code_verifier(64)
    challenge = client.create_code_challenge(verifier, "S256")
    state = crypto.derive_key(verifier).decode()[:32]
    extra = {"login_hint": login_hint} if login_hint else {}
    url = client.prepare_request_uri(
        endpoints.authorize_url,
        redirect_uri=redirect_uri,
        scope=endpoints.scope.split(),
        state=state,
        code_challenge=challenge,
        code_challenge_method="S256",
        access_type="offline",
        **extra,
    )
    return Authorization(url=url, state=state, code_verifier=verifier)


def finish_authorization(*, provider: str, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
    endpoints = _endpoints(provider)
    client = WebApplicationClient(endpoints.client_id)
    body = client.prepare_request_body(
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
        client_secret=endpoints.client_secret or None,
        include_client_id=True,
    )
    return _token_request(client, endpoints, body, refresh_token="")


def _token_request(client: WebApplicationClient, endpoints: Endpoints, body: str, *, refresh_token: str) -> Tokens:
    try:
        response = requests.post(
            endpoints.token_url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            timeout=settings.MAIL_TIMEOUT,
            verify=settings.MAIL_CA_FILE or True,
        )
    except requests.RequestException as exc:
        raise TransportError(f"the OAuth2 token endpoint did not answer: {exc}", permanent=False) from None
    try:
        token = client.parse_request_body_response(response.text)
    except OAuth2Error as exc:
        # invalid_grant: the refresh token was revoked or expired; only a new authorisation helps.
        raise TransportError(f"OAuth2: {exc.error} {exc.description or ''}".strip(), permanent=True) from None
    expires_in = int(token.get("expires_in") or 3600)
    return Tokens(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token") or refresh_token,
        expires_at=timezone.now() + timedelta(seconds=expires_in),
    )


def store_tokens(mailbox: PersonalMailbox, tokens: Tokens) -> None:
    mailbox.refresh_token = tokens.refresh_token
    mailbox.access_token_encrypted = crypto.encrypt(tokens.access_token)
    mailbox.access_token_expires_at = tokens.expires_at
    if mailbox.pk:
        PersonalMailbox.objects.filter(pk=mailbox.pk).update(
            refresh_token_encrypted=mailbox.refresh_token_encrypted,
            access_token_encrypted=mailbox.access_token_encrypted,
            access_token_expires_at=tokens.expires_at,
        )


def access_token(mailbox: PersonalMailbox) -> str:
    """A current access token: the cached one until shortly before expiry, then a renewed one."""
    margin = timedelta(seconds=settings.MAIL_TOKEN_REFRESH_MARGIN_SECONDS)
    expires = mailbox.access_token_expires_at
    if mailbox.access_token_encrypted and expires and expires - margin > timezone.now():
        return crypto.decrypt(mailbox.access_token_encrypted)
    if not mailbox.refresh_token_encrypted:
        raise TransportError("the mailbox has no OAuth2 authorisation; authorise it again", permanent=True)
    endpoints = _endpoints(mailbox.oauth_provider)
    client = WebApplicationClient(endpoints.client_id)
    body = client.prepare_refresh_body(
        refresh_token=mailbox.refresh_token,
        client_id=endpoints.client_id,
        client_secret=endpoints.client_secret or None,
    )
    tokens = _token_request(client, endpoints, body, refresh_token=mailbox.refresh_token)
    store_tokens(mailbox, tokens)
    log.info("access token of personal mailbox %s renewed", mailbox.pk)
    return tokens.access_token
