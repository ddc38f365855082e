"""Russian noun cases of the mail models in the admin's sentences (servicedesk/admin_grammar.py):
«Выберите исходящую почту для изменения», «0 подключений входящей почты», «Запись журнала почты …
была изменена», instead of the nominative `verbose_name` in every slot."""

from __future__ import annotations

from django.utils.translation import npgettext_lazy, pgettext_lazy

from mailconf.models import IncomingConnection, MailCanary, OutboxMessage, OutgoingConnection, ProcessedMessage
from servicedesk.admin_grammar import FEMININE, NEUTER, Noun, register_nouns

register_nouns(
    {
        OutgoingConnection: Noun(
            pgettext_lazy("accusative", "outgoing mail"),
            pgettext_lazy("accusative plural", "outgoing mail"),
            pgettext_lazy("genitive", "outgoing mail"),
            npgettext_lazy(
                "count", "%(count)s outgoing mail connection", "%(count)s outgoing mail connections", "count"
            ),
            FEMININE,
        ),
        IncomingConnection: Noun(
            pgettext_lazy("accusative", "incoming mail connection"),
            pgettext_lazy("accusative plural", "incoming mail connections"),
            pgettext_lazy("genitive", "incoming mail connection"),
            npgettext_lazy(
                "count", "%(count)s incoming mail connection", "%(count)s incoming mail connections", "count"
            ),
            NEUTER,
        ),
        OutboxMessage: Noun(
            pgettext_lazy("accusative", "outbox message"),
            pgettext_lazy("accusative plural", "outbox messages"),
            pgettext_lazy("genitive", "outbox message"),
            npgettext_lazy("count", "%(count)s outbox message", "%(count)s outbox messages", "count"),
            NEUTER,
        ),
        ProcessedMessage: Noun(
            pgettext_lazy("accusative", "mail log entry"),
            pgettext_lazy("accusative plural", "mail log entries"),
            pgettext_lazy("genitive", "mail log entry"),
            npgettext_lazy("count", "%(count)s mail log entry", "%(count)s mail log entries", "count"),
            FEMININE,
        ),
        MailCanary: Noun(
            pgettext_lazy("accusative", "mail canary"),
            pgettext_lazy("accusative plural", "mail canaries"),
            pgettext_lazy("genitive", "mail canary"),
            npgettext_lazy("count", "%(count)s mail canary", "%(count)s mail canaries", "count"),
            FEMININE,
        ),
    }
)
