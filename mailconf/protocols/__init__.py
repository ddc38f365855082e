"""Mail protocols, one module each, behind small base classes (outgoing: `outgoing.OutgoingTransport`).

Nothing in this package imports the database, settings or other apps: each transport is built
from one typed config dataclass and reports failures as `errors.TransportError`.
"""
