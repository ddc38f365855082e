"""Service functions of the mail app: outbox, delivery, connection checks, settings import/export."""
