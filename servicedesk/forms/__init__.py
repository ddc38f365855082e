"""Forms of the operator interface. Forms validate input shape only; business rules live in the
service functions, whose ValidationErrors the views attach back to these forms."""

from __future__ import annotations

from .filters import TicketFilterForm
from .tickets import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    StatusForm,
    TicketCreateForm,
    WatcherForm,
    apply_validation_error,
)

__all__ = [
    "AssignForm",
    "AttachmentForm",
    "CommentForm",
    "StatusForm",
    "TicketCreateForm",
    "TicketFilterForm",
    "WatcherForm",
    "apply_validation_error",
]
