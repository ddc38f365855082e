"""Stored mail connections and their protocol clients: the layer between the models and the protocols.

Both kinds of connection (the one outgoing connection, any number of incoming mailboxes) go
through the same code: one OAuth2 token provider (`tokens`), one status path for checks and every
attempt (`status`), one alert path (`alerts`), the cards' forms (`forms`) and settings as code
(`settings_io`). Which protocol serves a connection comes from the protocol registries only
(`kinds`); `clients` turns a row into a ready, unopened protocol client.

Imports point down only: this package uses `mailconf.models` and `mailconf.protocols`, never the
outbox or inbound mail; what must reach them goes through `mailconf.signals`.

Public API:

- `open_transport(conn)`, `open_mailbox(conn)`, `client_for(conn)`: unopened protocol clients.
- `mailbox_config(conn)`: a mailbox's typed protocol config (its folders, its size guard).
- `check_connection(conn=None)`: "Check" on a stored connection, recorded (None: the outgoing one);
  `check_settings(candidate)`: "Check" on a card's unsaved values. Both answer a `CheckOutcome`.
- `record_result(conn, error)`: write one attempt's outcome onto the row.
- `explain.error_text(reason, message)`, `failure_text(error)`: failures in the reader's language.
- `access_token(conn)`: the cached app-only OAuth2 token, renewed before it expires.
- `raise_alert(conn, key, **context)` / `clear_alert(conn, key)`.
- `message_id_domain(conn)`: our domain for Message-IDs and EHLO.
- `save_connection_form(form)`, `settings_saved(form, conn)`: saving the outgoing card.
- `export_settings()`, `import_settings(data)`, `preview_import(data)`, `SettingsError`: settings as code.
"""

from __future__ import annotations

from .alerts import clear_alert, raise_alert
from .clients import client_for, mailbox_config, message_id_domain, open_mailbox, open_transport
from .forms import save_connection_form, settings_saved
from .settings_io import SettingsError, export_settings, import_settings, preview_import
from .status import CheckOutcome, check_connection, check_settings, record_result
from .tokens import access_token

__all__ = [
    "CheckOutcome",
    "SettingsError",
    "access_token",
    "check_connection",
    "check_settings",
    "clear_alert",
    "client_for",
    "export_settings",
    "import_settings",
    "preview_import",
    "mailbox_config",
    "message_id_domain",
    "open_mailbox",
    "open_transport",
    "raise_alert",
    "record_result",
    "save_connection_form",
    "settings_saved",
]
