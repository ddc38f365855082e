"""Recognising automatic mail by what it says, for mail whose headers do not say it.

Bounces relayed by forwarders, exported from mailboxes or written by MTAs that add no
``Auto-Submitted`` arrive without the RFC 3834/3464 markers, and so do the notices of list
servers. What still gives them away is a combination: a subject in one of the fixed forms MTAs
and list servers use (in the languages of the software), a sender that is a robot, the first
lines of text in an MTA's own words, or the returned message attached. A subject alone decides
only when it is an MTA's exact template; otherwise a second sign is required, so a person who
writes "Ошибка доставки почты на домен X" to the service desk still gets a ticket. A forwarded
notice ("Fwd:", "WG:", "Пересл.:"...) never matches, because the patterns are anchored at the
start of the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from .model import Address

_HEAD_CHARS = 600  # MTA wording sits in the first lines; a person quoting it writes first

# Local parts of addresses only mail software sends from.
_DAEMON_LOCAL = re.compile(
    r"^(?:mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|mdaemon|microsoftexchange[0-9a-f]{32})(?:$|[-+=_.])",
    re.IGNORECASE,
)
_DAEMON_TEXT = re.compile(r"\b(?:mailer[-_.]?daemon|postmaster)\b", re.IGNORECASE)
_DAEMON_NAME = re.compile(r"^\W*(?:mailer[-_. ]?daemon|postmaster)\W*$", re.IGNORECASE)
_ROBOT_LOCAL = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|mailer|mail[-_.]?admin|mail[-_.]?system|mailsystem|"
    r"system|robot|daemon|gwia|kerio|fbl)(?:$|[-+=_.])",
    re.IGNORECASE,
)
_ROBOT_NAME = re.compile(
    r"mail delivery|delivery (?:status|notification|subsystem)|microsoft (?:outlook|exchange)|"
    r"(?:system|mail) administrator|postmaster|mailer|mail ?system|groupwise|mimecast|barracuda|"
    r"почтов|служба доставки|робот|mail\.ru|メール(?:管理|システム)|管理者",
    re.IGNORECASE,
)
_LIST_SOFTWARE_LOCAL = re.compile(r"^(?:majordomo|listserv|sympa|mailman|ezmlm|listproc|lyris|ecartis)$", re.I)
_LIST_LOCAL = re.compile(r"(?:[-+](?:bounces|owner|request|help|admin)|^owner-.+)$", re.IGNORECASE)
_LIST_DOMAINS = ("googlegroups.com", "groups.io", "yahoogroups.com", "freelists.org")
_LIST_HEADERS = frozenset(
    ("list-id", "list-post", "x-mailman-version", "x-beenthere", "mailing-list", "x-google-group-id")
)

# Subjects MTAs write, anchored at the start (after tags such as "[SPAM]" or "**").
_PREFIX = r"^[\W_]*(?:\[[^\]]{0,40}\][\W_]*)*"
_FAILURE_SUBJECT = re.compile(
    _PREFIX + r"(?:undeliverable|undelivered|undeliverable mail|non[- ]?deliverable|delivery (?:status notification|"
    r"failure|has failed|delayed|notification)|delayed mail|mail delivery (?:failed|failure|problem|system)|"
    r"returned mail|mail failure|failure notice|message not delivered|message delivery failure|"
    r"(?:permanent )?delivery failure|warning: (?:could not send|message .{0,40} delayed)|"
    r"message status - undeliverable|message you sent blocked|address not found|"
    r"mail system error|returned to sender|[\w ]{0,20}delivery failure|delivered:|"
    r"non remis|non distribuable|no se puede entregar|non recapitabile|onbestelbaar|niedostarczalne|"
    r"unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|"
    r"недоставленное сообщение|не удается доставить|не удалось доставить|не доставлено|ошибка доставки|"
    r"сообщение не доставлено|уведомление о (?:недоставке|статусе доставки)|задержка доставки|"
    r"メールエラー通知|配信不能|配送エラー|送信エラー|配信エラー|未配信|エラーメール)",
    re.IGNORECASE,
)
# Whole subjects that are an MTA's exact template: enough on their own.
_TEMPLATE_SUBJECT = re.compile(
    r"^(?:undelivered mail returned to sender|mail delivery failed: returning message to sender|"
    r"returned mail: see transcript for details|delivery status notification \((?:failure|delay)\)|"
    r"failure notice|delayed mail \(still being retried\)|недоставленное сообщение|メールエラー通知)$",
    re.IGNORECASE,
)
_MTA_WORDING = re.compile(
    r"this is the mail system at host|i'm sorry to have to inform you that your message|"
    r"created automatically by mail delivery software|a message that you sent (?:could not|has not yet)|"
    r"delivery has failed to these recipients|did not reach some or all of the intended recipients|"
    r"couldn't be delivered|the following addresses had permanent fatal errors|"
    r"the original message was received at|this is the qmail-send program|"
    r"we were unable to deliver your message|your message wasn't delivered|"
    r"there was a (?:temporary )?problem delivering your message|\*\* (?:address not found|message delayed) \*\*|"
    r"message delivery to '[^']*' failed|permanent fatal delivery errors|"
    r"an error occurred while trying to deliver the mail|was not delivered to:|"
    r"had the following undeliverable recipient|\*\* message delivery failure \*\*|"
    r"could not be delivered to one or more|delivery to the following recipients? failed|"
    r"this is a warning message only|"
    r"сообщение сгенерировано автоматически|письмо создано автоматически|"
    r"не удалось доставить сообщение следующим|ваше сообщение не (?:было|может быть) доставлено|"
    r"письмо не может быть доставлено|доставка следующим получателям|\*\* адрес не найден \*\*|"
    r"automatisch erstellte benachrichtigung|die zustellung an folgende empfänger|"
    r"nachricht konnte nicht zugestellt werden|nachricht nicht zustellbar|dies ist das mailsystem|"
    r"la remise du message à ces destinataires|error al entregar a estos destinatarios|"
    r"recapito non riuscito per i seguenti|de bezorging is mislukt|dostarczenie do tych adresatów|"
    r"配信に失敗しました|配信できませんでした|配送できませんでした|届かなかった",
    re.IGNORECASE,
)
_RETURNED_PARTS = {"message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers"}
_STATUS_PARTS = {"message/delivery-status", "message/global-delivery-status"}

_LIST_WORDING = re.compile(
    r"awaits? moderator approval|awaiting moderator approval|pending(?: approval)?\b|held until the list "
    r"moderator|requires approval|not allowed to (?:post|send)|not authori[sz]ed to send|not a member|"
    r"non-member|not (?:a )?subscri(?:bed|ber)|are not subscribers|was rejected|rejected posting|"
    r"has been rejected|authorization denied|permission to post|majordomo results|ezmlm response|"
    r"одобрения модератора|подтверждения модератор|проверки модератором|не является подписчиком|"
    r"не являетесь участником|от не-участника|en attente de modération|a été rejeté|transmis aux modérateurs|"
    r"wartet auf freigabe|kein mitglied",
    re.IGNORECASE,
)

_VACATION_SUBJECT = re.compile(
    _PREFIX + r"(?:out of (?:the )?office|auto(?:matic|matische|matisch|matico)?[ -]?"
    r"(?:reply|response|antwort|antwoord|answer)|autoreply|vacation|away from (?:my mail|the office)|"
    r"auto:|abwesenheitsnotiz|réponse automatique|respuesta automática|risposta automatica|"
    r"odpowiedź automatyczna|autosvar|automaattinen vastaus|自動応答|自動返信|"
    r"автоответ|автоматический ответ|нет на месте|вне офиса|в отпуске|отсутствую)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Evidence:
    """What the recognisers look at; built once per message by :func:`evidence`."""

    msg: Message
    subject: str
    author: Address | None
    sender_text: str  # the From field as written, when it gave no author (else "")
    text: str
    header_names: frozenset[str]  # lowercased names of the top-level fields
    part_types: frozenset[str]  # content types of every part, the message itself included
    _head: str | None = None

    @property
    def head(self) -> str:
        """The first lines of the text, lowercased, whitespace collapsed (made on first use:
        most mail is decided before any wording is read)."""
        if self._head is None:
            self._head = " ".join(self.text[:_HEAD_CHARS].split()).lower()
        return self._head

    @property
    def local(self) -> str:
        return self.author.address.rsplit("@", 1)[0] if self.author else ""

    @property
    def domain(self) -> str:
        return self.author.address.rsplit("@", 1)[-1] if self.author else ""


def evidence(msg: Message, subject: str, author: Address | None, text: str, sender_text: str) -> Evidence:
    return Evidence(
        msg=msg,
        subject=subject.strip(),
        author=author,
        sender_text=sender_text,
        text=text,
        header_names=frozenset(name.lower() for name in msg.keys()),
        part_types=frozenset(part.get_content_type() for part in msg.walk()),
    )


def daemon_sender(ev: Evidence) -> bool:
    """Sent from an address only mail software uses (mailer-daemon, postmaster, Exchange's own)."""
    if ev.author is None:  # "MAILER-DAEMON (Mail Delivery Subsystem)" has no address to parse
        return bool(_DAEMON_TEXT.search(ev.sender_text))
    return bool(_DAEMON_LOCAL.match(ev.local) or _DAEMON_NAME.match(ev.author.name))


def robot_sender(ev: Evidence) -> bool:
    name = ev.author.name if ev.author is not None else ev.sender_text
    return daemon_sender(ev) or bool(_ROBOT_LOCAL.match(ev.local) or _ROBOT_NAME.search(name))


def has_status_part(ev: Evidence) -> bool:
    return not ev.part_types.isdisjoint(_STATUS_PARTS)


def delivery_failure(ev: Evidence) -> str:
    """Why ``ev`` is a delivery-failure notice judged by content, or ""."""
    if _FAILURE_SUBJECT.match(ev.subject) is None:
        # Without the subject only a robot's own wording counts; the wording scan is the costly
        # part, so ordinary mail from people never pays it.
        if robot_sender(ev) and _MTA_WORDING.search(ev.head):
            return "delivery-failure wording from a mail robot"
        return ""
    if _TEMPLATE_SUBJECT.match(ev.subject):
        return "delivery-failure subject"
    if robot_sender(ev):
        return "delivery-failure subject from a mail robot"
    if _MTA_WORDING.search(ev.head):
        return "delivery-failure subject and wording"
    if not ev.part_types.isdisjoint(_RETURNED_PARTS):
        return "delivery-failure subject with the returned message"
    return ""


def is_feedback_report(ev: Evidence, report_type: str) -> bool:
    """An abuse report in the Abuse Reporting Format (RFC 5965); ``report_type`` is the
    message's lowercased report-type parameter."""
    if ev.msg.get_content_type() == "multipart/report" and report_type == "feedback-report":
        return True
    return "message/feedback-report" in ev.part_types


def list_notice(ev: Evidence) -> str:
    """Why ``ev`` is a list server's notice (moderation, rejection, not a member), or ""."""
    if "x-list-administrivia" in ev.header_names and str(ev.msg.get("X-List-Administrivia")).strip().lower() == "yes":
        return "X-List-Administrivia header"
    if _LIST_SOFTWARE_LOCAL.match(ev.local):
        return f"sent by list software ({ev.local.lower()})"
    listish = bool(_LIST_LOCAL.search(ev.local)) or ev.domain.lower().endswith(_LIST_DOMAINS)
    if not (listish or not ev.header_names.isdisjoint(_LIST_HEADERS)):
        return ""
    if _LIST_WORDING.search(ev.subject) or _LIST_WORDING.search(ev.head):
        return "mailing-list notice"
    return ""


def vacation_subject(subject: str) -> bool:
    return _VACATION_SUBJECT.match(subject.strip()) is not None
