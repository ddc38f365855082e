"""Mail services an employee picks from: servers, ports and encryption filled in, and a hint when
the provider needs something done in its own settings first (IMAP switched on, an app password).

Server names and ports are the providers' published IMAP/SMTP settings. A corporate domain is not a
preset here: a technologist configures it (`CorporateDomain`), and the form offers it next to these.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OTHER = "other"
CORPORATE_PREFIX = "corp-"


@dataclass(frozen=True)
class Preset:
    code: str
    label: str | Promise
    imap_host: str
    imap_port: int
    imap_encryption: str
    smtp_host: str
    smtp_port: int
    smtp_encryption: str
    # Shown next to the password field: what to switch on at the provider before connecting.
    hint: str | Promise = ""
    # The OAuth2 provider preset (`oauth.PROVIDERS`) whose app may replace the password.
    oauth_provider: str = ""


PRESETS: dict[str, Preset] = {
    preset.code: preset
    for preset in (
        Preset(
            "gmail",
            "Gmail",
            "imap.gmail.com",
            993,
            "ssl",
            "smtp.gmail.com",
            465,
            "ssl",
            _(
                "Gmail accepts only an app password here: turn on two-step verification in your Google "
                "account, open Security → App passwords, create one for Mail and paste it."
            ),
            "google",
        ),
        Preset(
            "mailru",
            "Mail.ru",
            "imap.mail.ru",
            993,
            "ssl",
            "smtp.mail.ru",
            465,
            "ssl",
            _(
                "Mail.ru: in the mailbox settings open Security → Passwords for external applications, "
                "create a password with IMAP and SMTP access and paste it."
            ),
            "mailru",
        ),
        Preset(
            "yandex",
            "Yandex",
            "imap.yandex.ru",
            993,
            "ssl",
            "smtp.yandex.ru",
            465,
            "ssl",
            _(
                'Yandex: in All settings → Mail clients turn on "From the imap.yandex.ru server via IMAP" '
                'and "App passwords and OAuth tokens", then in your Yandex ID create an app password '
                "of the Mail type and paste it."
            ),
            "yandex",
        ),
        Preset(
            "rambler",
            "Rambler",
            "imap.rambler.ru",
            993,
            "ssl",
            "smtp.rambler.ru",
            465,
            "ssl",
            _('Rambler: in the mailbox settings open "Mail programs" and allow access via IMAP and SMTP.'),
        ),
        Preset(
            "yahoo",
            "Yahoo",
            "imap.mail.yahoo.com",
            993,
            "ssl",
            "smtp.mail.yahoo.com",
            465,
            "ssl",
            _("Yahoo: in Account security generate an app password and paste it instead of your own."),
        ),
        Preset(
            "outlook",
            "Outlook",
            "outlook.office365.com",
            993,
            "ssl",
            "smtp-mail.outlook.com",
            587,
            "starttls",
            _("Outlook.com: with two-step verification on, create an app password in your Microsoft account."),
            "microsoft",
        ),
        Preset(
            "office365",
            "Office 365",
            "outlook.office365.com",
            993,
            "ssl",
            "smtp.office365.com",
            587,
            "starttls",
            _(
                "Office 365: your administrator must allow IMAP and authenticated SMTP for your mailbox; "
                "where passwords are switched off, use OAuth2."
            ),
            "microsoft",
        ),
    )
}


def preset_for(code: str) -> Preset | None:
    return PRESETS.get(code)
