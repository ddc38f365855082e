"""The escalation schemes every installation starts with, enabled, with their notifications in
Russian and English (seed 000: deadline alerts for tickets, tasks and approvals, all enabled by
default, switched off one by one in the "Escalation" section).

Installed by a data migration through `install(apps)` with the historical models: plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass

from notifications.defaults import TWIN_CHANNELS, Default, channel_twins, install_items, twin_code

TICKET, TASK, APPROVAL = "escalation.ticket", "escalation.task", "escalation.approval"
LINK_RU, LINK_EN = "Заявка: TICKET_URL", "Ticket: TICKET_URL"


def _action(code: str, event: str, channel: str, name: str, texts: tuple[str, str, str, str], *to: str) -> Default:
    subject_ru, body_ru, subject_en, body_en = texts
    return Default(code, event, channel, name, subject_ru, body_ru, subject_en, body_en, to, footer=False)


REACTION_LATE = (
    "Просрочена реакция: заявка №TICKET_NUMBER",
    "TICKET_SUBJECT\nСрок реакции DEADLINE прошёл (просрочено на OVERDUE_BY). Приоритет: TICKET_PRIORITY.\n" + LINK_RU,
    "Reaction overdue: ticket #TICKET_NUMBER",
    "TICKET_SUBJECT\nThe reaction deadline DEADLINE has passed (late by OVERDUE_BY). Priority: TICKET_PRIORITY.\n"
    + LINK_EN,
)
HALF = (
    "Прошла половина срока: заявка №TICKET_NUMBER",
    "TICKET_SUBJECT\nОсталось TIME_LEFT рабочего времени, срок решения DEADLINE.",
    "Half the time used: ticket #TICKET_NUMBER",
    "TICKET_SUBJECT\nTIME_LEFT of working time left, due DEADLINE.",
)
SOON = (
    "Срок решения истекает: заявка №TICKET_NUMBER",
    "TICKET_SUBJECT\nОсталось TIME_LEFT рабочего времени, срок решения DEADLINE.\nОтветственный: RESPONSIBLE_NAME, "
    "команда: TEAM_NAME.\n" + LINK_RU,
    "Resolution due soon: ticket #TICKET_NUMBER",
    "TICKET_SUBJECT\nTIME_LEFT of working time left, due DEADLINE.\nResponsible: RESPONSIBLE_NAME, team: TEAM_NAME.\n"
    + LINK_EN,
)
LATE = (
    "Заявка №TICKET_NUMBER просрочена: TICKET_SUBJECT",
    "Срок решения DEADLINE прошёл, просрочено на OVERDUE_BY рабочего времени.\nОтветственный: RESPONSIBLE_NAME, "
    "команда: TEAM_NAME. Приоритет: TICKET_PRIORITY. Заявитель: REQUESTER_NAME.\n" + LINK_RU,
    "Ticket #TICKET_NUMBER is overdue: TICKET_SUBJECT",
    "The resolution deadline DEADLINE has passed; late by OVERDUE_BY of working time.\nResponsible: RESPONSIBLE_NAME, "
    "team: TEAM_NAME. Priority: TICKET_PRIORITY. Requester: REQUESTER_NAME.\n" + LINK_EN,
)
TASK_SOON = (
    "Срок задачи истекает: TASK_TITLE",
    "Заявка №TICKET_NUMBER. Осталось TIME_LEFT, срок TASK_DEADLINE.",
    "Task due soon: TASK_TITLE",
    "Ticket #TICKET_NUMBER. TIME_LEFT left, due TASK_DEADLINE.",
)
TASK_LATE = (
    "Задача просрочена: TASK_TITLE",
    "Задача «TASK_TITLE» по заявке №TICKET_NUMBER не выполнена в срок TASK_DEADLINE (просрочено на OVERDUE_BY).\n"
    "Исполнитель: TASK_RESPONSIBLE.\nМои задачи: MY_TASKS_URL",
    "Task overdue: TASK_TITLE",
    "The task “TASK_TITLE” on ticket #TICKET_NUMBER was due TASK_DEADLINE (late by OVERDUE_BY).\n"
    "Assignee: TASK_RESPONSIBLE.\nMy tasks: MY_TASKS_URL",
)
APPROVAL_LATE = (
    "Согласование просрочено: APPROVAL_SUBJECT",
    "Согласование по заявке №TICKET_NUMBER ждёт решения с APPROVAL_DEADLINE (просрочено на OVERDUE_BY).\n"
    "Решение можно принять в разделе «Мои задачи»: MY_TASKS_URL",
    "Approval overdue: APPROVAL_SUBJECT",
    "The approval on ticket #TICKET_NUMBER has waited since APPROVAL_DEADLINE (late by OVERDUE_BY).\n"
    "Decide in “My tasks”: MY_TASKS_URL",
)

ACTIONS: list[Default] = [
    _action(
        "esc-reaction-late-push",
        TICKET,
        "push",
        "Эскалация: просрочена реакция (уведомление)",
        REACTION_LATE,
        "responsible",
        "team",
    ),
    _action(
        "esc-reaction-late-email",
        TICKET,
        "email",
        "Эскалация: просрочена реакция (письмо руководителю команды)",
        REACTION_LATE,
        "team_leader",
    ),
    _action(
        "esc-resolution-half-push",
        TICKET,
        "push",
        "Эскалация: прошла половина срока (уведомление)",
        HALF,
        "responsible",
    ),
    _action(
        "esc-resolution-soon-push",
        TICKET,
        "push",
        "Эскалация: срок решения истекает (уведомление)",
        SOON,
        "responsible",
        "team",
    ),
    _action(
        "esc-resolution-soon-email",
        TICKET,
        "email",
        "Эскалация: срок решения истекает (письмо ответственному)",
        SOON,
        "responsible",
    ),
    _action(
        "esc-resolution-late-push",
        TICKET,
        "push",
        "Эскалация: заявка просрочена (уведомление)",
        LATE,
        "responsible",
        "team",
        "team_leader",
    ),
    _action(
        "esc-resolution-late-email",
        TICKET,
        "email",
        "Эскалация: заявка просрочена (письмо ответственному и руководителю)",
        LATE,
        "responsible",
        "team_leader",
    ),
    _action(
        "esc-task-soon-push", TASK, "push", "Эскалация: срок задачи истекает (уведомление)", TASK_SOON, "assignees"
    ),
    _action(
        "esc-task-late-push",
        TASK,
        "push",
        "Эскалация: задача просрочена (уведомление)",
        TASK_LATE,
        "assignees",
        "responsible",
    ),
    _action(
        "esc-task-late-email",
        TASK,
        "email",
        "Эскалация: задача просрочена (письмо исполнителю)",
        TASK_LATE,
        "assignees",
    ),
    _action(
        "esc-approval-late-push",
        APPROVAL,
        "push",
        "Эскалация: согласование просрочено (уведомление)",
        APPROVAL_LATE,
        "assignees",
        "responsible",
    ),
    _action(
        "esc-approval-late-email",
        APPROVAL,
        "email",
        "Эскалация: согласование просрочено (письмо согласующим)",
        APPROVAL_LATE,
        "assignees",
    ),
]


@dataclass(frozen=True)
class LevelDefault:
    position: int
    percent: int | None = None
    offset_minutes: int | None = None
    notify: tuple[str, ...] = ()
    hold: bool = False
    raise_priority: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class SchemeDefault:
    code: str
    name: str
    name_en: str
    target: str
    levels: tuple[LevelDefault, ...]


SCHEMES: list[SchemeDefault] = [
    SchemeDefault(
        "ticket-reaction",
        "Реакция на заявку",
        "Ticket reaction",
        "ticket_reaction",
        (LevelDefault(1, 100, notify=("esc-reaction-late-push", "esc-reaction-late-email")),),
    ),
    SchemeDefault(
        "ticket-resolution",
        "Решение заявки",
        "Ticket resolution",
        "ticket_resolution",
        (
            LevelDefault(1, 50, notify=("esc-resolution-half-push",), hold=True),
            LevelDefault(2, 75, notify=("esc-resolution-soon-push", "esc-resolution-soon-email"), hold=True),
            LevelDefault(3, 100, notify=("esc-resolution-late-push", "esc-resolution-late-email")),
            # Shipped off: an installation decides whether overdue tickets get a higher priority.
            LevelDefault(4, offset_minutes=240, raise_priority=True, enabled=False),
        ),
    ),
    SchemeDefault(
        "task",
        "Срок задачи",
        "Task deadline",
        "task",
        (
            LevelDefault(1, offset_minutes=-60, notify=("esc-task-soon-push",), hold=True),
            LevelDefault(2, 100, notify=("esc-task-late-push", "esc-task-late-email")),
        ),
    ),
    SchemeDefault(
        "approval",
        "Срок согласования",
        "Approval deadline",
        "approval",
        (LevelDefault(1, 100, notify=("esc-approval-late-push", "esc-approval-late-email")),),
    ),
]


def with_twins(codes: tuple[str, ...]) -> list[str]:
    """A level's action codes and, for each in-app push one, its Web Push and Telegram twins."""
    return [
        *codes,
        *(twin_code(code, channel) for code in codes if code.endswith("-push") for channel in TWIN_CHANNELS),
    ]


def install(apps: object) -> None:
    """Create the shipped schemes that are missing (by code), with their event actions."""
    install_items(apps, [*ACTIONS, *channel_twins(ACTIONS)])
    Scheme = apps.get_model("escalation", "EscalationScheme")  # type: ignore[attr-defined]
    Level = apps.get_model("escalation", "EscalationLevel")  # type: ignore[attr-defined]
    EventAction = apps.get_model("notifications", "EventAction")  # type: ignore[attr-defined]
    for position, item in enumerate(SCHEMES, start=1):
        if Scheme.objects.filter(code=item.code).exists():
            continue
        scheme = Scheme.objects.create(
            code=item.code, name=item.name, name_en=item.name_en, target=item.target, position=position
        )
        for spec in item.levels:
            level = Level.objects.create(
                scheme=scheme,
                position=spec.position,
                trigger="share" if spec.percent is not None else "offset",
                percent=spec.percent,
                offset_minutes=spec.offset_minutes,
                hold_to_working_hours=spec.hold,
                raise_priority=spec.raise_priority,
                enabled=spec.enabled,
            )
            level.notify.set(EventAction.objects.filter(code__in=with_twins(spec.notify)))


def install_twins(apps: object) -> None:
    """For installations from before the twins: create them and add each to the levels that notify
    through its in-app original (a level a technologist edited keeps what it has, plus the twin)."""
    twins = channel_twins(ACTIONS)
    install_items(apps, twins)
    EventAction = apps.get_model("notifications", "EventAction")  # type: ignore[attr-defined]
    for twin in twins:
        original = next(item.code for item in ACTIONS if twin_code(item.code, twin.channel) == twin.code)
        action = EventAction.objects.filter(code=twin.code).first()
        for source in EventAction.objects.filter(code=original):
            for level in source.escalation_levels.all():
                level.notify.add(action)


def uninstall(apps: object) -> None:
    Scheme = apps.get_model("escalation", "EscalationScheme")  # type: ignore[attr-defined]
    EventAction = apps.get_model("notifications", "EventAction")  # type: ignore[attr-defined]
    Scheme.objects.filter(code__in=[item.code for item in SCHEMES]).delete()
    codes = [item.code for item in (*ACTIONS, *channel_twins(ACTIONS))]
    EventAction.objects.filter(code__in=codes).delete()
