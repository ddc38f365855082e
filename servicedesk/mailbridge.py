"""The one place this app reaches into the mail app: secrets encryption, the outgoing connection's
state, the outbox and the settings-as-code export. Everything else in `servicedesk` imports from
here, so a reorganisation of `mailconf` is followed by changing this module only.

Imports are lazy: the models of this app load before the mail app's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def encrypt(plain: str) -> str:
    from mailconf import crypto

    return crypto.encrypt(plain)


def decrypt(token: str) -> str:
    from mailconf import crypto

    return crypto.decrypt(token)


def outgoing_mail_configured() -> bool:
    """Outgoing mail is switched on (the connection card's "enabled")."""
    from mailconf.models import OutgoingConnection

    return OutgoingConnection.objects.filter(pk=OutgoingConnection.SINGLETON_PK, enabled=True).exists()


def administrator_address() -> str:
    """The administrator e-mail of the outgoing connection card (system alerts go there)."""
    from mailconf.models import OutgoingConnection

    return OutgoingConnection.load().admin_email


def enqueue_system_mail(*, to: Sequence[str], subject: str, text: str, html: str = "") -> int:
    """Put a code-owned mail in the outbox in the caller's transaction; returns the outbox row id."""
    from mailconf.outbox import enqueue_mail

    return enqueue_mail(to=to, subject=subject, text=text, html=html, kind="system", auto_submitted=True).pk


def mail_canary_states() -> list[dict[str, object]]:
    """The mail canaries for /health: mailbox, state, last proven delivery and lag."""
    from mailconf.canary import canary_states

    return canary_states()


class SettingsSectionError(ValueError):
    """Raised by a section validator; `errors` name the bad keys."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def register_settings_section(
    key: str, export: Callable[[], Any], validate: Callable[[Any], Callable[[], None]]
) -> None:
    """Add a section to the settings-as-code export/import (`mailconf_export` / `mailconf_import`)."""
    from mailconf.connections import settings_io

    def checked(value: Any, _shared: dict[str, Any]) -> Callable[[], None]:
        try:
            apply = validate(value)
        except SettingsSectionError as exc:
            raise settings_io.SettingsError(exc.errors) from None

        def applied() -> None:
            # A check that needs the other sections' new state may still refuse, inside the
            # import's transaction: everything is rolled back.
            try:
                apply()
            except SettingsSectionError as exc:
                raise settings_io.SettingsError(exc.errors) from None

        return applied

    settings_io.register_section(settings_io.Section(key, export, checked))
