"""Protocol failures in the reader's language: one translated sentence per kind of failure
(`Reason`), with the technical detail kept after it, and what a successful check proved.

The sentence is chosen when the text is shown, not when the failure is stored: a row written by a
worker is read in Russian by one technologist and in English by another. So rows keep the
`reason` and the English technical `message`; `error_text` puts them together for the page.

A check aimed at an arbitrary host:port must not print that service's banner (issue 11, point 24):
`check_failure_text` says only the classified outcome, and for `NOT_SERVER` no failure text ever
carries the remote's own words; the full text goes to the log.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mailconf.protocols.base import CheckReport
from mailconf.protocols.errors import Reason, TransportError

SENTENCES: dict[str, Promise] = {
    Reason.UNRESOLVED: _("The server name could not be resolved."),
    Reason.REFUSED: _("The connection was refused: nothing answers on that port."),
    Reason.TIMEOUT: _("The server did not answer in time."),
    Reason.TLS: _("The TLS handshake failed: check the port and the encryption."),
    Reason.CERTIFICATE: _("The server's certificate is not trusted."),
    Reason.NOT_SERVER: _("The server on that port does not speak %(protocol)s."),
    Reason.AUTH: _("Authentication failed: check the login and the password (or the application's rights)."),
    Reason.TOKEN: _("No OAuth2 access token could be obtained: check the application, the directory and the secret."),
    Reason.REJECTED: _("The server refused the request."),
    Reason.LOST: _("The connection was lost."),
    Reason.OTHER: _("The connection failed."),
}


def _sentence(reason: str, message: str, protocol: str) -> str:
    if reason == Reason.CONFIG:
        return gettext(message)  # one of our own sentences, a msgid of the catalogue
    return str(SENTENCES.get(reason, SENTENCES[Reason.OTHER])) % {"protocol": protocol}


def error_text(reason: str, message: str, *, protocol: str = "") -> str:
    """A stored failure for a page: the translated sentence, then the technical detail. Rows from
    before reasons were kept (`reason` empty) show their text as it is."""
    if not reason:
        return message
    sentence = _sentence(reason, message, protocol)
    if reason in (Reason.CONFIG, Reason.NOT_SERVER) or not message:
        return sentence
    return f"{sentence} ({message})"


def failure_text(error: TransportError, *, protocol: str = "") -> str:
    return error_text(error.reason, error.message, protocol=protocol)


def check_failure_text(error: TransportError, *, protocol: str = "") -> str:
    """The classified outcome of a failed check, without any remote text."""
    return _sentence(error.reason, error.message, protocol)


def check_success_text(report: CheckReport) -> str:
    """Exactly what a successful check proved: connected where, encrypted or not, logged in or not."""
    parts = [gettext("Connected to %(server)s.") % {"server": report.server}]
    if not report.encrypted:
        parts.append(gettext("Without encryption."))
    elif report.certificate_verified:
        parts.append(gettext("TLS is on and the server's certificate is verified."))
    else:
        parts.append(gettext("TLS is on; the server's certificate was not verified (verification is off)."))
    if not report.authenticated:
        parts.append(gettext("No authentication is configured, so no login was tried."))
    elif report.oauth2:
        parts.append(gettext("Authenticated with an OAuth2 token as %(login)s.") % {"login": report.login})
    else:
        parts.append(gettext("Logged in as %(login)s.") % {"login": report.login})
    return " ".join(parts)
