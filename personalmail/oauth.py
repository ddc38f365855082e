"""OAuth2 providers of personal mailboxes: their endpoints and mail scopes (presets), and the
application a technologist registered for each (`OAuthApp`; its endpoints override the preset's,
which is also how a test or an on-premises identity server is pointed at)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .models import OAuthApp


@dataclass(frozen=True)
class Provider:
    code: str
    label: str
    authorize_url: str
    token_url: str
    scope: str


PROVIDERS: dict[str, Provider] = {
    p.code: p
    for p in (
        Provider(
            "google",
            "Google",
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://oauth2.googleapis.com/token",
            "https://mail.google.com/",
        ),
        Provider(
            "microsoft",
            "Microsoft",
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "https://login.microsoftonline.com/common/oauth2/v2.0/token",
            "offline_access https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send",
        ),
        Provider(
            "yandex",
            "Yandex",
            "https://oauth.yandex.ru/authorize",
            "https://oauth.yandex.ru/token",
            "mail:imap_full mail:smtp",
        ),
        Provider(
            "mailru",
            "Mail.ru",
            "https://oauth.mail.ru/login",
            "https://oauth.mail.ru/token",
            "mail.imap",
        ),
    )
}


@dataclass(frozen=True)
class Endpoints:
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scope: str


def oauth_app_for(provider: str) -> OAuthApp | None:
    """The configured application of `provider`, or None (also when the feature is switched off)."""
    if not settings.PERSONALMAIL_OAUTH2 or provider not in PROVIDERS:
        return None
    return OAuthApp.objects.filter(provider=provider).first()


def endpoints_for(provider: str) -> Endpoints | None:
    app = oauth_app_for(provider)
    if app is None:
        return None
    preset = PROVIDERS[provider]
    return Endpoints(
        client_id=app.client_id,
        client_secret=app.client_secret,
        authorize_url=app.authorize_url or preset.authorize_url,
        token_url=app.token_url or preset.token_url,
        scope=app.scope or preset.scope,
    )
