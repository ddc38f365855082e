from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailconfConfig(AppConfig):
    name = "mailconf"
    verbose_name = _("System settings → Mail")

    def ready(self) -> None:
        from .outbox.emails import mail_alert, mail_settings_test
        from .signals import alert_raised, outgoing_settings_changed

        # The outbox mails the administrator about what the connections announce (see signals.py).
        alert_raised.connect(mail_alert, dispatch_uid="mailconf-alert-mail")
        outgoing_settings_changed.connect(mail_settings_test, dispatch_uid="mailconf-settings-test-mail")
