"""Mail protocols, one module each, behind two small base classes.

Outgoing: `outgoing.OutgoingTransport` (smtp, graph_out, ews_out); incoming:
`incoming.IncomingMailbox` (pop3, imap, ews_in, graph_in). Each class is generic over its own
typed config dataclass and registered under its `kind` in its direction's registry
(`OUTGOING_PROTOCOLS`, `INCOMING_PROTOCOLS`, both `registry.Registry`); callers pick a class
through the registry only. A config is built from the neutral `base.ConnectionSettings` with
`from_settings`, so no caller needs to know which protocol reads which field.

Nothing in this package imports the database, settings or other apps. Every library failure is
mapped onto `errors.TransportError(message, permanent)`; TLS trust (`tls`; `https` for requests) and OAuth2 app-only
tokens (`oauth`, msal) are shared by all.
"""
