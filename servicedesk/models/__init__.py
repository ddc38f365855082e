"""Core domain models: people and organisations, the service catalogue, tickets."""

from __future__ import annotations

from .audit import LoginFailure, LoginLockout, LoginRecord
from .catalog import Agreement, Service, ServiceSchedule, TicketType
from .clients import Company, Contact
from .org import Department, Employee, Team
from .system import Heartbeat
from .tickets import (
    OPEN_STATUSES,
    TRANSITIONS,
    Attachment,
    Comment,
    Priority,
    Ticket,
    TicketChannel,
    TicketHistory,
    TicketStatus,
    TicketWatcher,
)
from .users import Role, User

__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Agreement",
    "Attachment",
    "Comment",
    "Company",
    "Contact",
    "Department",
    "Employee",
    "Heartbeat",
    "LoginFailure",
    "LoginLockout",
    "LoginRecord",
    "Priority",
    "Role",
    "Service",
    "ServiceSchedule",
    "Team",
    "Ticket",
    "TicketChannel",
    "TicketHistory",
    "TicketStatus",
    "TicketType",
    "TicketWatcher",
    "User",
]
