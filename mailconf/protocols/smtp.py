"""SMTP submission with smtplib: implicit TLS, STARTTLS or plain; password or XOAUTH2 login.

The host may carry MikoPBX's `ssl://` prefix, which means implicit TLS whatever the encryption
field says. Port 25 is refused unless the config allows it: cloud platforms block it, and the
product documentation forbids it even with STARTTLS (on-premises installs lift this by setting).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from typing import Self

from .base import DEFAULT_TIMEOUT, CheckReport, ConnectionSettings, TokenProvider, fetch_token
from .errors import Reason, RecipientFailure, TransportError, network_reason
from .outgoing import OUTGOING_PROTOCOLS, Envelope, OutgoingTransport, SendResult
from .tls import client_context

SSL = "ssl"
STARTTLS = "starttls"
NONE = "none"
DEFAULT_PORTS = {SSL: 465, STARTTLS: 587, NONE: 587}
FORBIDDEN_PORT = 25
SSL_PREFIX = "ssl://"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int | None = None
    encryption: str = STARTTLS
    verify_certificate: bool = True
    auth: bool = False
    login: str = ""
    password: str = field(default="", repr=False)
    # XOAUTH2 when set: returns a current access token (the caller caches and refreshes it).
    oauth_token: TokenProvider | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    ca_file: str | None = None
    allow_port_25: bool = False
    local_hostname: str | None = None

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        return cls(
            host=settings.host,
            port=settings.port,
            encryption=settings.encryption,
            verify_certificate=settings.verify_certificate,
            auth=settings.auth,
            login=settings.login,
            password=settings.password if settings.auth else "",
            oauth_token=settings.token_provider if settings.oauth2 else None,
            timeout=settings.timeout,
            ca_file=settings.ca_file,
            allow_port_25=settings.allow_port_25,
            local_hostname=settings.local_hostname,
        )

    @property
    def effective_host(self) -> str:
        host = self.host.strip()
        return host[len(SSL_PREFIX) :] if host.lower().startswith(SSL_PREFIX) else host

    @property
    def effective_encryption(self) -> str:
        return SSL if self.host.strip().lower().startswith(SSL_PREFIX) else self.encryption

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.effective_encryption, DEFAULT_PORTS[STARTTLS])


def default_port(encryption: str) -> int:
    return DEFAULT_PORTS.get(encryption, DEFAULT_PORTS[STARTTLS])


def port_25_refusal(port: int | None, allowed: bool) -> str | None:
    """The explanation shown when port 25 is chosen and not allowed; None when the port is fine.
    (A msgid of the project catalogue: the connections layer translates CONFIG messages whole.)"""
    if port == FORBIDDEN_PORT and not allowed:
        return PORT_25_REFUSAL
    return None


PORT_25_REFUSAL = (
    "Port 25 cannot be used for sending, even with STARTTLS: cloud platforms block it. "
    "Use 465 (SSL) or 587 (TLS), or allow it on a server of your own with MAIL_ALLOW_PORT_25=true."
)
HOST_NOT_SET = "The SMTP server is not set."


def _reply_text(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


@OUTGOING_PROTOCOLS.register
class SmtpTransport(OutgoingTransport[SmtpConfig]):
    kind = "smtp"
    card_fields = (
        "host",
        "port",
        "encryption",
        "verify_certificate",
        "auth",
        "login",
        "password",
        "oauth2",
        "client_id",
        "tenant_id",
        "client_secret",
    )
    config_class = SmtpConfig

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        login = ("login",) if auth or oauth2 else ()
        password = ("password",) if auth and not oauth2 else ()
        return ("host", *login, *password)

    def __init__(self, config: SmtpConfig) -> None:
        super().__init__(config)
        self._smtp: smtplib.SMTP | None = None

    def _tls_context(self) -> ssl.SSLContext:
        return client_context(verify=self.config.verify_certificate, ca_file=self.config.ca_file)

    def open(self) -> None:
        cfg = self.config
        refusal = port_25_refusal(cfg.effective_port, cfg.allow_port_25)
        if refusal:
            raise TransportError(refusal, permanent=True, reason=Reason.CONFIG)
        if not cfg.effective_host:
            raise TransportError(HOST_NOT_SET, permanent=True, reason=Reason.CONFIG)
        where = f"{cfg.effective_host}:{cfg.effective_port}"
        try:
            self._smtp = self._connect()
            if cfg.effective_encryption == STARTTLS:
                self._smtp.starttls(context=self._tls_context())
                self._smtp.ehlo()
            if cfg.auth or cfg.oauth_token:
                self._login()
        except TransportError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise _open_error(exc, where) from None

    def check_report(self) -> CheckReport:
        cfg = self.config
        encrypted = cfg.effective_encryption != NONE
        return CheckReport(
            server=f"{cfg.effective_host}:{cfg.effective_port}",
            encrypted=encrypted,
            certificate_verified=encrypted and cfg.verify_certificate,
            authenticated=bool(cfg.auth or cfg.oauth_token),
            login=cfg.login,
            oauth2=cfg.oauth_token is not None,
        )

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        host, port = cfg.effective_host, cfg.effective_port
        if cfg.effective_encryption == SSL:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=cfg.timeout, context=self._tls_context(), local_hostname=cfg.local_hostname
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=cfg.timeout, local_hostname=cfg.local_hostname)
        smtp.ehlo()
        return smtp

    def _login(self) -> None:
        assert self._smtp is not None
        cfg = self.config
        if cfg.oauth_token is not None:
            token = fetch_token(cfg.oauth_token)
            xoauth = f"user={cfg.login}\x01auth=Bearer {token}\x01\x01"
            self._smtp.auth("XOAUTH2", lambda challenge=None: xoauth if challenge is None else "")
        else:
            self._smtp.login(cfg.login, cfg.password)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def send(self, envelope: Envelope) -> SendResult:
        if self._smtp is None:
            raise TransportError("the SMTP connection is closed", reason=Reason.LOST)
        recipients = list(envelope.recipients)
        try:
            refused = self._smtp.sendmail(envelope.sender, recipients, envelope.raw)
        except smtplib.SMTPRecipientsRefused as exc:
            failures = {addr: _failure(code, msg) for addr, (code, msg) in exc.recipients.items()}
            permanent = all(f.permanent for f in failures.values())
            raise TransportError("every recipient was refused", permanent, failures, reason=Reason.REJECTED) from None
        except smtplib.SMTPResponseException as exc:
            # Sender refused, or the message refused after DATA.
            reply = _reply_text(exc.smtp_code, exc.smtp_error)
            raise TransportError(reply, permanent=exc.smtp_code >= 500, reason=Reason.REJECTED) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise TransportError(
                f"connection lost while sending: {exc or type(exc).__name__}", reason=Reason.LOST
            ) from None
        failures = {addr: _failure(code, msg) for addr, (code, msg) in refused.items()}
        return SendResult(accepted=[a for a in recipients if a not in failures], refused=failures)


def _open_error(exc: Exception, where: str) -> TransportError:
    """Connecting, STARTTLS and login failures, classified (see `Reason`)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reply = _reply_text(exc.smtp_code, exc.smtp_error)
        return TransportError(f"{where}: authentication failed: {reply}", True, reason=Reason.AUTH)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # STARTTLS or AUTH not offered by the server: our settings ask for what it cannot do.
        reason = Reason.TLS if "STARTTLS" in str(exc) else Reason.AUTH
        return TransportError(f"{where}: {exc}", permanent=True, reason=reason)
    if isinstance(exc, smtplib.SMTPConnectError):
        # The greeting was not "220": an SMTP server refusing us says 4xx/5xx; anything else is not SMTP.
        smtp_like = 400 <= exc.smtp_code < 600
        reply = _reply_text(exc.smtp_code, exc.smtp_error)
        reason = Reason.REJECTED if smtp_like else Reason.NOT_SERVER
        return TransportError(f"{where}: greeting {reply}", permanent=exc.smtp_code >= 500, reason=reason)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib turns a socket error while reading (a timeout) into "disconnected"; without one
        # the other side closed before greeting like an SMTP server.
        cause = exc.__context__
        reason = network_reason(cause) if isinstance(cause, OSError) else Reason.NOT_SERVER
        return TransportError(f"{where}: closed without an SMTP greeting ({exc})", reason=reason)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = _reply_text(exc.smtp_code, exc.smtp_error)
        return TransportError(f"{where}: {reply}", permanent=exc.smtp_code >= 500, reason=Reason.REJECTED)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TransportError(
            f"{where}: server certificate not trusted: {exc.verify_message}", True, reason=Reason.CERTIFICATE
        )
    if isinstance(exc, (OSError, smtplib.SMTPException)):
        reason = network_reason(exc)
        permanent = reason in (Reason.TLS, Reason.UNRESOLVED)
        return TransportError(f"cannot connect to {where}: {exc or type(exc).__name__}", permanent, reason=reason)
    raise exc


def _failure(code: int, message: bytes | str) -> RecipientFailure:
    return RecipientFailure(_reply_text(code, message), permanent=code >= 500)


__all__ = ["DEFAULT_PORTS", "SmtpConfig", "SmtpTransport", "default_port", "port_25_refusal"]
