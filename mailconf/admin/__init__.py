"""Django admin under "System settings → Mail"; importing the modules registers their ModelAdmins."""

from __future__ import annotations

from . import canary, incoming, nouns, outgoing

__all__ = ["canary", "incoming", "nouns", "outgoing"]
