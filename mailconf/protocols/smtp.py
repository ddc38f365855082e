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

from .base import DEFAULT_TIMEOUT, ConnectionSettings, TokenProvider, fetch_token
from .errors import RecipientFailure, TransportError
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
    """The explanation shown when port 25 is chosen and not allowed; None when the port is fine."""
    if port == FORBIDDEN_PORT and not allowed:
        return (
            "Port 25 cannot be used for sending, even with STARTTLS: cloud platforms block it. "
            "Use 465 (SSL) or 587 (TLS)."
        )
    return None


def _reply_text(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


@OUTGOING_PROTOCOLS.register
class SmtpTransport(OutgoingTransport[SmtpConfig]):
    kind = "smtp"
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
            raise TransportError(refusal, permanent=True)
        if not cfg.effective_host:
            raise TransportError("the SMTP server is not set", permanent=True)
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
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise TransportError(f"authentication failed: {_reply_text(exc.smtp_code, exc.smtp_error)}", True) from None
        except smtplib.SMTPNotSupportedError as exc:
            self.close()
            raise TransportError(f"{where}: {exc}", permanent=True) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            reply = _reply_text(exc.smtp_code, exc.smtp_error)
            raise TransportError(f"{where}: {reply}", permanent=exc.smtp_code >= 500) from None
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise TransportError(f"{where}: server certificate not trusted: {exc.verify_message}", True) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TransportError(f"cannot connect to {where}: {exc or type(exc).__name__}") from None

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
            raise TransportError("the SMTP connection is closed")
        recipients = list(envelope.recipients)
        try:
            refused = self._smtp.sendmail(envelope.sender, recipients, envelope.raw)
        except smtplib.SMTPRecipientsRefused as exc:
            failures = {addr: _failure(code, msg) for addr, (code, msg) in exc.recipients.items()}
            permanent = all(f.permanent for f in failures.values())
            raise TransportError("every recipient was refused", permanent, failures) from None
        except smtplib.SMTPResponseException as exc:
            # Sender refused, or the message refused after DATA.
            raise TransportError(_reply_text(exc.smtp_code, exc.smtp_error), permanent=exc.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise TransportError(f"connection lost while sending: {exc or type(exc).__name__}") from None
        failures = {addr: _failure(code, msg) for addr, (code, msg) in refused.items()}
        return SendResult(accepted=[a for a in recipients if a not in failures], refused=failures)


def _failure(code: int, message: bytes | str) -> RecipientFailure:
    return RecipientFailure(_reply_text(code, message), permanent=code >= 500)


__all__ = ["DEFAULT_PORTS", "SmtpConfig", "SmtpTransport", "default_port", "port_25_refusal"]
