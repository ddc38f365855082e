"""The event actions every installation starts with: all enabled, in Russian and English.

Installed by a data migration through `install(apps)`, which uses the historical models it is given,
so this module must keep working with the model state of that migration: plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

SIGN_RU = "Это автоматическое сообщение службы поддержки."
SIGN_EN = "This is an automatic message from the service desk."
LINK_RU = "Заявка: TICKET_URL"
LINK_EN = "Ticket: TICKET_URL"


@dataclass(frozen=True)
class Default:
    code: str
    event: str
    channel: str
    name_ru: str
    subject_ru: str
    body_ru: str
    subject_en: str
    body_en: str
    recipients: tuple[str, ...]
    groups: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    footer: bool = True
    # The acknowledgement of a ticket a client registered (by mail or in the portal) goes to the
    # requester, who is also the author of that change: those actions must not skip the author.
    notify_actor: bool = False


def _registered(code: str, event: str, how_ru: str, how_en: str) -> list[Default]:
    return [
        Default(
            f"{code}-email",
            event,
            "email",
            f"Заявка зарегистрирована ({how_ru}): письмо заявителю",
            "Заявка №TICKET_NUMBER зарегистрирована: TICKET_SUBJECT",
            "Здравствуйте, REQUESTER_NAME!\n\nВаше обращение зарегистрировано под номером TICKET_NUMBER.\n"
            "Тема: TICKET_SUBJECT\nУслуга: SERVICE_NAME\nСрок решения: DEADLINE\n\n"
            "Чтобы добавить комментарий, ответьте на это письмо.",
            "Ticket #TICKET_NUMBER registered: TICKET_SUBJECT",
            "Hello REQUESTER_NAME,\n\nYour request has been registered as ticket TICKET_NUMBER.\n"
            "Subject: TICKET_SUBJECT\nService: SERVICE_NAME\nDue: DEADLINE\n\n"
            "Reply to this message to add a comment.",
            ("requester",),
            notify_actor=True,
        ),
        Default(
            f"{code}-push",
            event,
            "push",
            f"Заявка зарегистрирована ({how_ru}): уведомление ответственным",
            "Новая заявка №TICKET_NUMBER: TICKET_SUBJECT",
            "Заявитель: REQUESTER_NAME. Приоритет: TICKET_PRIORITY. Срок: DEADLINE",
            "New ticket #TICKET_NUMBER: TICKET_SUBJECT",
            "Requester: REQUESTER_NAME. Priority: TICKET_PRIORITY. Due: DEADLINE",
            ("responsible", "team"),
            footer=False,
        ),
    ]


DEFAULTS: list[Default] = [
    *_registered("registered-operator", "ticket.registered.operator", "оператором", "by an operator"),
    *_registered("registered-email", "ticket.registered.email", "по почте", "by e-mail"),
    *_registered("registered-client", "ticket.registered.client", "клиентом", "by a client"),
    Default(
        "status-changed-email",
        "ticket.status_changed",
        "email",
        "Смена статуса: письмо заявителю",
        "Заявка №TICKET_NUMBER: статус «TICKET_STATUS»",
        "Здравствуйте, REQUESTER_NAME!\n\nСтатус заявки №TICKET_NUMBER «TICKET_SUBJECT» изменён: "
        "OLD_STATUS → TICKET_STATUS.",
        "Ticket #TICKET_NUMBER: status “TICKET_STATUS”",
        "Hello REQUESTER_NAME,\n\nThe status of ticket #TICKET_NUMBER “TICKET_SUBJECT” changed: "
        "OLD_STATUS → TICKET_STATUS.",
        ("requester",),
        statuses=("in_progress", "waiting", "cancelled"),
    ),
    # The people working a ticket hear about every change they did not make (the author of a
    # change is never notified of it): any new status, and a new priority.
    Default(
        "status-changed-push",
        "ticket.status_changed",
        "push",
        "Смена статуса: уведомление ответственному и наблюдателям",
        "Заявка №TICKET_NUMBER: статус «TICKET_STATUS»",
        "ACTOR_NAME: OLD_STATUS → TICKET_STATUS. TICKET_SUBJECT",
        "Ticket #TICKET_NUMBER: status “TICKET_STATUS”",
        "ACTOR_NAME: OLD_STATUS → TICKET_STATUS. TICKET_SUBJECT",
        ("responsible", "watchers"),
        footer=False,
    ),
    Default(
        "priority-changed-push",
        "ticket.priority_changed",
        "push",
        "Смена приоритета: уведомление ответственному и наблюдателям",
        "Заявка №TICKET_NUMBER: приоритет «TICKET_PRIORITY»",
        "ACTOR_NAME: OLD_PRIORITY → TICKET_PRIORITY. TICKET_SUBJECT",
        "Ticket #TICKET_NUMBER: priority “TICKET_PRIORITY”",
        "ACTOR_NAME: OLD_PRIORITY → TICKET_PRIORITY. TICKET_SUBJECT",
        ("responsible", "watchers"),
        footer=False,
    ),
    Default(
        "assigned-push",
        "ticket.assigned",
        "push",
        "Назначение ответственного: уведомление",
        "Вам назначена заявка №TICKET_NUMBER: TICKET_SUBJECT",
        "Ответственный: RESPONSIBLE_NAME, команда: TEAM_NAME. Срок: DEADLINE",
        "Ticket #TICKET_NUMBER assigned: TICKET_SUBJECT",
        "Responsible: RESPONSIBLE_NAME, team: TEAM_NAME. Due: DEADLINE",
        ("responsible", "team"),
        footer=False,
    ),
    Default(
        "assigned-email",
        "ticket.assigned",
        "email",
        "Назначение ответственного: письмо ответственному",
        "Вам назначена заявка №TICKET_NUMBER: TICKET_SUBJECT",
        "Здравствуйте, RECIPIENT_NAME!\n\nACTOR_NAME назначил(а) вам заявку №TICKET_NUMBER.\n"
        "Тема: TICKET_SUBJECT\nЗаявитель: REQUESTER_NAME\nПриоритет: TICKET_PRIORITY\nСрок решения: DEADLINE",
        "Ticket #TICKET_NUMBER assigned to you: TICKET_SUBJECT",
        "Hello RECIPIENT_NAME,\n\nACTOR_NAME assigned ticket #TICKET_NUMBER to you.\n"
        "Subject: TICKET_SUBJECT\nRequester: REQUESTER_NAME\nPriority: TICKET_PRIORITY\nDue: DEADLINE",
        ("responsible",),
    ),
    Default(
        "comment-public-email",
        "comment.public",
        "email",
        "Публичный комментарий: письмо заявителю и наблюдателям",
        "Новый комментарий к заявке №TICKET_NUMBER: TICKET_SUBJECT",
        "COMMENT_AUTHOR пишет:\n\nCOMMENT_TEXT",
        "New comment on ticket #TICKET_NUMBER: TICKET_SUBJECT",
        "COMMENT_AUTHOR wrote:\n\nCOMMENT_TEXT",
        ("requester", "watchers"),
    ),
    Default(
        "comment-public-push",
        "comment.public",
        "push",
        "Публичный комментарий: уведомление ответственному и наблюдателям",
        "Комментарий к заявке №TICKET_NUMBER от COMMENT_AUTHOR",
        "COMMENT_TEXT",
        "Comment on ticket #TICKET_NUMBER by COMMENT_AUTHOR",
        "COMMENT_TEXT",
        ("responsible", "watchers"),
        footer=False,
    ),
    Default(
        "comment-private-push",
        "comment.private",
        "push",
        "Приватный комментарий: уведомление исполнителям",
        "Приватный комментарий к заявке №TICKET_NUMBER от COMMENT_AUTHOR",
        "COMMENT_TEXT",
        "Private comment on ticket #TICKET_NUMBER by COMMENT_AUTHOR",
        "COMMENT_TEXT",
        ("responsible", "team"),
        footer=False,
    ),
    Default(
        "attachment-push",
        "attachment.added",
        "push",
        "Добавлен файл: уведомление ответственному и наблюдателям",
        "Файл ATTACHMENT_NAME добавлен в заявку №TICKET_NUMBER",
        "ACTOR_NAME: TICKET_SUBJECT",
        "File ATTACHMENT_NAME added to ticket #TICKET_NUMBER",
        "ACTOR_NAME: TICKET_SUBJECT",
        ("responsible", "watchers"),
        footer=False,
    ),
    Default(
        "resolved-email",
        "ticket.resolved",
        "email",
        "Заявка решена: письмо заявителю",
        "Заявка №TICKET_NUMBER решена: TICKET_SUBJECT",
        "Здравствуйте, REQUESTER_NAME!\n\nЗаявка №TICKET_NUMBER «TICKET_SUBJECT» решена.\n"
        "Если проблема осталась, ответьте на это письмо — заявка будет возобновлена.",
        "Ticket #TICKET_NUMBER resolved: TICKET_SUBJECT",
        "Hello REQUESTER_NAME,\n\nTicket #TICKET_NUMBER “TICKET_SUBJECT” has been resolved.\n"
        "If the problem remains, reply to this message and the ticket will be resumed.",
        ("requester",),
    ),
    Default(
        "closed-email",
        "ticket.closed",
        "email",
        "Заявка закрыта: письмо заявителю",
        "Заявка №TICKET_NUMBER закрыта: TICKET_SUBJECT",
        "Здравствуйте, REQUESTER_NAME!\n\nЗаявка №TICKET_NUMBER «TICKET_SUBJECT» закрыта. Спасибо за обращение.",
        "Ticket #TICKET_NUMBER closed: TICKET_SUBJECT",
        "Hello REQUESTER_NAME,\n\nTicket #TICKET_NUMBER “TICKET_SUBJECT” is closed. Thank you for contacting us.",
        ("requester",),
    ),
    Default(
        "resumed-push",
        "ticket.resumed",
        "push",
        "Заявка возобновлена: уведомление исполнителям",
        "Заявка №TICKET_NUMBER возобновлена: TICKET_SUBJECT",
        "ACTOR_NAME возобновил(а) заявку. Срок: DEADLINE",
        "Ticket #TICKET_NUMBER resumed: TICKET_SUBJECT",
        "ACTOR_NAME resumed the ticket. Due: DEADLINE",
        ("responsible", "team"),
        footer=False,
    ),
    Default(
        "requester-replied-email",
        "requester.replied",
        "email",
        "Ответ заявителя: письмо ответственному",
        "Ответ заявителя по заявке №TICKET_NUMBER: TICKET_SUBJECT",
        "REQUESTER_NAME пишет:\n\nCOMMENT_TEXT",
        "Requester replied on ticket #TICKET_NUMBER: TICKET_SUBJECT",
        "REQUESTER_NAME wrote:\n\nCOMMENT_TEXT",
        ("responsible",),
    ),
    Default(
        "requester-replied-push",
        "requester.replied",
        "push",
        "Ответ заявителя: уведомление исполнителям",
        "Ответ заявителя по заявке №TICKET_NUMBER",
        "COMMENT_TEXT",
        "Requester replied on ticket #TICKET_NUMBER",
        "COMMENT_TEXT",
        ("responsible", "team"),
        footer=False,
    ),
    Default(
        "watcher-added-push",
        "watcher.added",
        "push",
        "Добавлен наблюдатель: уведомление ответственному",
        "WATCHER_NAME наблюдает за заявкой №TICKET_NUMBER",
        "TICKET_SUBJECT",
        "WATCHER_NAME is now watching ticket #TICKET_NUMBER",
        "TICKET_SUBJECT",
        ("responsible",),
        footer=False,
    ),
    Default(
        "mail-failing-email",
        "mail.connection_failing",
        "email",
        "Сбой почтового подключения: письмо технологам",
        "Сбой почтового подключения MAIL_CONNECTION",
        "Подключение MAIL_CONNECTION не работает.\n\nОшибка: MAIL_ERROR",
        "Mail connection MAIL_CONNECTION is failing",
        "The connection MAIL_CONNECTION is not working.\n\nError: MAIL_ERROR",
        (),
        groups=("technologist",),
        footer=False,
    ),
    Default(
        "mail-failing-push",
        "mail.connection_failing",
        "push",
        "Сбой почтового подключения: уведомление технологам",
        "Сбой почтового подключения MAIL_CONNECTION",
        "MAIL_ERROR",
        "Mail connection MAIL_CONNECTION is failing",
        "MAIL_ERROR",
        (),
        groups=("technologist",),
        footer=False,
    ),
    Default(
        "mail-unprocessable-email",
        "mail.unprocessable",
        "email",
        "Необработанное письмо: письмо технологам",
        "Письмо не удалось обработать: MAIL_SUBJECT",
        "Письмо от MAIL_FROM с темой «MAIL_SUBJECT» (подключение MAIL_CONNECTION) не удалось обработать.\n\n"
        "Причина: MAIL_ERROR",
        "A message could not be processed: MAIL_SUBJECT",
        "The message from MAIL_FROM with subject “MAIL_SUBJECT” (connection MAIL_CONNECTION) could not be "
        "processed.\n\nReason: MAIL_ERROR",
        (),
        groups=("technologist",),
        footer=False,
    ),
    Default(
        "mail-unprocessable-push",
        "mail.unprocessable",
        "push",
        "Необработанное письмо: уведомление технологам",
        "Письмо не удалось обработать: MAIL_SUBJECT",
        "MAIL_FROM: MAIL_ERROR",
        "A message could not be processed: MAIL_SUBJECT",
        "MAIL_FROM: MAIL_ERROR",
        (),
        groups=("technologist",),
        footer=False,
    ),
]

WORK_DEFAULTS: list[Default] = [
    Default(
        "reclassified-push",
        "ticket.reclassified",
        "push",
        "Заявка изменена: уведомление исполнителям",
        "Заявка №TICKET_NUMBER изменена",
        "CHANGED_FIELDS",
        "Ticket #TICKET_NUMBER changed",
        "CHANGED_FIELDS",
        ("responsible", "team"),
        footer=False,
    ),
    Default(
        "task-assigned-email",
        "task.assigned",
        "email",
        "Назначена задача: письмо исполнителю",
        "Задача по заявке №TICKET_NUMBER: TASK_TITLE",
        "Здравствуйте, RECIPIENT_NAME!\n\nВам назначена задача «TASK_TITLE» по заявке №TICKET_NUMBER "
        "«TICKET_SUBJECT».\nСрок: TASK_DEADLINE\n\nTASK_DESCRIPTION\n\nМои задачи: MY_TASKS_URL",
        "Task on ticket #TICKET_NUMBER: TASK_TITLE",
        "Hello RECIPIENT_NAME,\n\nYou have been given the task “TASK_TITLE” on ticket #TICKET_NUMBER "
        "“TICKET_SUBJECT”.\nDue: TASK_DEADLINE\n\nTASK_DESCRIPTION\n\nMy tasks: MY_TASKS_URL",
        ("assignees",),
    ),
    Default(
        "task-assigned-push",
        "task.assigned",
        "push",
        "Назначена задача: уведомление исполнителю",
        "Задача: TASK_TITLE (заявка №TICKET_NUMBER)",
        "Срок: TASK_DEADLINE",
        "Task: TASK_TITLE (ticket #TICKET_NUMBER)",
        "Due: TASK_DEADLINE",
        ("assignees",),
        footer=False,
    ),
    Default(
        "task-done-push",
        "task.done",
        "push",
        "Задача выполнена: уведомление автору задачи и ответственному",
        "Задача выполнена: TASK_TITLE (заявка №TICKET_NUMBER)",
        "TASK_RESPONSIBLE: TASK_RESULT",
        "Task done: TASK_TITLE (ticket #TICKET_NUMBER)",
        "TASK_RESPONSIBLE: TASK_RESULT",
        ("assignees", "responsible"),
        footer=False,
    ),
    Default(
        "approval-requested-email",
        "approval.requested",
        "email",
        "Запрос на согласование: письмо согласующим",
        "Согласование по заявке №TICKET_NUMBER: APPROVAL_SUBJECT",
        "Здравствуйте, RECIPIENT_NAME!\n\nПросим согласовать: APPROVAL_SUBJECT\nЗаявка №TICKET_NUMBER "
        "«TICKET_SUBJECT», заявитель REQUESTER_NAME.\nAPPROVAL_DESCRIPTION\n\nПравило: APPROVAL_RULE. "
        "Срок: APPROVAL_DEADLINE.\nРешение можно принять в разделе «Мои задачи»: MY_TASKS_URL",
        "Approval on ticket #TICKET_NUMBER: APPROVAL_SUBJECT",
        "Hello RECIPIENT_NAME,\n\nPlease approve: APPROVAL_SUBJECT\nTicket #TICKET_NUMBER “TICKET_SUBJECT”, "
        "requester REQUESTER_NAME.\nAPPROVAL_DESCRIPTION\n\nRule: APPROVAL_RULE. Due: APPROVAL_DEADLINE.\n"
        "Decide in “My tasks”: MY_TASKS_URL",
        ("assignees",),
    ),
    Default(
        "approval-requested-push",
        "approval.requested",
        "push",
        "Запрос на согласование: уведомление согласующим",
        "Согласуйте: APPROVAL_SUBJECT",
        "Заявка №TICKET_NUMBER. Срок: APPROVAL_DEADLINE",
        "Please approve: APPROVAL_SUBJECT",
        "Ticket #TICKET_NUMBER. Due: APPROVAL_DEADLINE",
        ("assignees",),
        footer=False,
    ),
    Default(
        "approval-decided-push",
        "approval.decided",
        "push",
        "Согласование завершено: уведомление инициатору и исполнителям",
        "APPROVAL_SUBJECT: APPROVAL_RESULT",
        "Заявка №TICKET_NUMBER. APPROVAL_COMMENTS",
        "APPROVAL_SUBJECT: APPROVAL_RESULT",
        "Ticket #TICKET_NUMBER. APPROVAL_COMMENTS",
        ("assignees", "responsible", "team"),
        footer=False,
    ),
]
DEFAULTS += WORK_DEFAULTS

RECIPIENT_FIELDS = {
    "requester": "to_requester",
    "responsible": "to_responsible",
    "team": "to_team",
    "watchers": "to_watchers",
    "agreement": "to_agreement_recipients",
    "team_leader": "to_team_leader",
    "assignees": "to_assignees",
}


# Defaults of other apps (telephony's push actions), added from their AppConfig.ready(): installed
# with these by the post_migrate hook into an empty table, and by those apps' own data migrations.
_REGISTERED: list[Default] = []


def register_defaults(items: list[Default]) -> None:
    codes = {item.code for item in (*DEFAULTS, *_REGISTERED)}
    _REGISTERED.extend(item for item in items if item.code not in codes)


# Every shipped in-app push action has twins on the channels that reach people outside the open
# tab: they reach only those who subscribed a browser or linked a chat (the channels' `expand`), so
# shipping them enabled costs nothing for everybody else.
TWIN_CHANNELS = ("webpush", "telegram")


def twin_code(code: str, channel: str) -> str:
    return f"{code.removesuffix('-push')}-{channel}"


def channel_twins(items: list[Default]) -> list[Default]:
    """The Web Push and Telegram copies of the in-app push actions among `items`."""
    return [
        replace(item, code=twin_code(item.code, channel), channel=channel)
        for item in items
        if item.channel == "push"
        for channel in TWIN_CHANNELS
    ]


def all_defaults() -> list[Default]:
    shipped = [*DEFAULTS, *_REGISTERED]
    return [*shipped, *channel_twins(shipped)]


def install(apps: object, items: list[Default] | None = None) -> None:
    """Create the default actions that are missing (by code); existing ones are left as edited.

    Without `items`: this app's defaults and those other apps registered."""
    install_items(apps, all_defaults() if items is None else items)


def install_items(apps: object, items: list[Default]) -> None:
    """Create the actions of `items` that are missing (by code); other apps ship theirs through this."""
    EventAction = apps.get_model("notifications", "EventAction")  # type: ignore[attr-defined]
    Group = apps.get_model("auth", "Group")  # type: ignore[attr-defined]
    # An older migration state lacks later recipient fields; their actions come with a later migration.
    known = {field.name for field in EventAction._meta.get_fields()}
    for item in items:
        if any(RECIPIENT_FIELDS[kind] not in known for kind in item.recipients):
            continue
        if EventAction.objects.filter(code=item.code).exists():
            continue
        action = EventAction.objects.create(
            code=item.code,
            name=item.name_ru,
            event=item.event,
            channel=item.channel,
            enabled=True,
            statuses=list(item.statuses),
            notify_actor=item.notify_actor,
            subject_ru=item.subject_ru,
            body_ru=item.body_ru,
            subject_en=item.subject_en,
            body_en=item.body_en,
            footer_ru=f"{LINK_RU}\n{SIGN_RU}" if item.footer else "",
            footer_en=f"{LINK_EN}\n{SIGN_EN}" if item.footer else "",
            **{RECIPIENT_FIELDS[kind]: True for kind in item.recipients},
        )
        if item.groups:
            action.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in item.groups])


# Shipped actions whose recipients grew after they were first installed (data migration 0003).
WIDENED = {"comment-public-push": ("to_watchers",), "attachment-push": ("to_watchers",)}


def widen(apps: object) -> None:
    """Add the recipients of WIDENED to installed shipped actions (an edited copy keeps its own)."""
    EventAction = apps.get_model("notifications", "EventAction")  # type: ignore[attr-defined]
    for code, fields in WIDENED.items():
        EventAction.objects.filter(code=code).update(**dict.fromkeys(fields, True))


def uninstall(apps: object, items: list[Default] | None = None) -> None:
    EventAction = apps.get_model("notifications", "EventAction")  # type: ignore[attr-defined]
    EventAction.objects.filter(code__in=[item.code for item in (DEFAULTS if items is None else items)]).delete()
