"""Core domain models: people and organisations, the service catalogue, tickets."""

from __future__ import annotations

from .catalog import Agreement, Service, ServiceSchedule, TicketType
from .clients import Company, Contact
from .directory import LdapConnection, LdapSecurity, LdapSyncRun, SyncStatus, SyncTrigger
from .imports import ImportJob, ImportKind, ImportMode, ImportStatus
from .labels import ModuleSwitch
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
from .users import User

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
    "ImportJob",
    "ImportKind",
    "ImportMode",
    "ImportStatus",
    "LdapConnection",
    "LdapSecurity",
    "LdapSyncRun",
    "ModuleSwitch",
    "Priority",
    "Service",
    "SyncStatus",
    "SyncTrigger",
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
