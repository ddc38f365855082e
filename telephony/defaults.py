"""What telephony ships: the mail templates of the settings row (MikoPBX-style, Russian and
English) and the enabled in-app push actions for the employee who missed the call."""

from __future__ import annotations

from notifications.defaults import Default

from . import events

MISSED_RU = {
    "missed_subject_ru": "Пропущенный вызов от NOTIFICATION_CALLERID",
    "missed_body_ru": "Дата: NOTIFICATION_DATE\nКто звонил: NOTIFICATION_CALLERID\nКуда: NOTIFICATION_TO\n"
    "Ожидание ответа: NOTIFICATION_DURATION с\nПричина: NOTIFICATION_MISSEDCAUSE",
    "missed_footer_ru": "Все вызовы: CALLS_URL\nЭто автоматическое сообщение службы поддержки.",
}
MISSED_EN = {
    "missed_subject_en": "Missed call from NOTIFICATION_CALLERID",
    "missed_body_en": "Date: NOTIFICATION_DATE\nCaller: NOTIFICATION_CALLERID\nCalled: NOTIFICATION_TO\n"
    "Rang for: NOTIFICATION_DURATION s\nCause: NOTIFICATION_MISSEDCAUSE",
    "missed_footer_en": "All calls: CALLS_URL\nThis is an automatic message from the service desk.",
}
VOICEMAIL_RU = {
    "voicemail_subject_ru": "Голосовое сообщение от VM_CALLERID (VM_DUR)",
    "voicemail_body_ru": "Вам оставили голосовое сообщение.\n"
    "Кто звонил: VM_CALLERID\nКуда: VM_MAILBOX\nДата: VM_DATE\nДлительность: VM_DUR\n\n"
    "Запись приложена к письму.",
    "voicemail_footer_ru": "Прослушать на странице вызовов: CALLS_URL\nЭто автоматическое сообщение службы поддержки.",
}
VOICEMAIL_EN = {
    "voicemail_subject_en": "Voicemail from VM_CALLERID (VM_DUR)",
    "voicemail_body_en": "A caller left you a voicemail message.\n"
    "Caller: VM_CALLERID\nCalled: VM_MAILBOX\nDate: VM_DATE\nLength: VM_DUR\n\n"
    "The recording is attached.",
    "voicemail_footer_en": "Listen on the calls page: CALLS_URL\nThis is an automatic message from the service desk.",
}


def template_defaults() -> dict[str, str]:
    return {**MISSED_RU, **MISSED_EN, **VOICEMAIL_RU, **VOICEMAIL_EN}


# "assignees" are the employees the call concerns: those who missed it (dispatch names them, as
# tasks name theirs; notifications.recipients resolves both alike).
PUSH_DEFAULTS = [
    Default(
        "telephony-missed-push",
        events.MISSED_CALL,
        "push",
        "Пропущенный вызов: уведомление сотруднику",
        "Пропущенный вызов от NOTIFICATION_CALLERID",
        "NOTIFICATION_DATE, номер NOTIFICATION_TO",
        "Missed call from NOTIFICATION_CALLERID",
        "NOTIFICATION_DATE, number NOTIFICATION_TO",
        ("assignees",),
        footer=False,
    ),
    Default(
        "telephony-voicemail-push",
        events.VOICEMAIL,
        "push",
        "Голосовое сообщение: уведомление сотруднику",
        "Голосовое сообщение от VM_CALLERID",
        "VM_DATE, длительность VM_DUR",
        "Voicemail from VM_CALLERID",
        "VM_DATE, length VM_DUR",
        ("assignees",),
        footer=False,
    ),
]
