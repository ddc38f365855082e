"""Core domain models: people and organisations, the service catalogue, tickets."""

from __future__ import annotations

from .audit import LoginFailure, LoginLockout, LoginRecord
from .catalog import UNIT_SECONDS, Agreement, Service, ServiceSchedule, TicketType, TimeUnit, working_duration
from .clients import Company, Contact
from .directory import LdapConnection, LdapSecurity, LdapSyncRun, SyncStatus, SyncTrigger
from .imports import ImportJob, ImportKind, ImportMode, ImportStatus
from .labels import ModuleSwitch
from .org import Department, Employee, Team
from .sla import ClockKind, SlaBreach, SlaRule, TicketClockPeriod
from .system import Heartbeat
from .tickets import (
    COUNTED_STATUSES,
    FINAL_STATUSES,
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
from .work import Approval, ApprovalMode, ApprovalStatus, ApprovalVote, TaskStatus, TicketTask, Vote
from .worktime import CalendarDay, HolidayCalendar, Weekday

__all__ = [
    "COUNTED_STATUSES",
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "UNIT_SECONDS",
    "Approval",
    "ApprovalMode",
    "ApprovalStatus",
    "ApprovalVote",
    "CalendarDay",
    "ClockKind",
    "HolidayCalendar",
    "SlaBreach",
    "SlaRule",
    "TaskStatus",
    "TicketClockPeriod",
    "TicketTask",
    "TimeUnit",
    "Vote",
    "Weekday",
    "working_duration",
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
    "LoginFailure",
    "LoginLockout",
    "LoginRecord",
    "Priority",
    "Role",
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
