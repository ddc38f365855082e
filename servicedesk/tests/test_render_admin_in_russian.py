"""Every page of the technologist interface in Russian: the index, and for every registered model
its list, add, change and delete pages. Visible text and the labels people read (titles, button
values, placeholders) must carry no untranslated English; a few technical names are allowed.
Later apps' models are covered as soon as they are registered in the admin."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from servicedesk.models import Agreement, Priority, Service, TicketType, User
from servicedesk.services.tickets import add_comment, create_ticket
from servicedesk.testing.cast import Cast

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}
# Names that are the same in Russian texts: protocols, formats, products, units and identifiers.
TECHNICAL = set(
    """SMTP IMAP IMAP4 POP3 EWS TLS SSL STARTTLS OAuth2 OAuth XOAUTH2 HTML URL ID IDLE UID UIDL UIDVALIDITY
    Microsoft Graph Exchange Azure Entra Reply-To From Message-ID MIME DNS IP JSON SLA CSV XLSX Fernet HTTP
    HTTPS INBOX UTF KOI8 Django PBX MikoPBX ITSM GMT UTC MSK GET POST Excel Active Directory Windows iCalendar
    holidays Asterisk StartTLS Google Yandex Gmail Yahoo Outlook Rambler Telegram BotFather Web Push""".split()
)
# Inside Django's own Russian translations: keyboard keys and "Single Sign-On" (sic "Sing-On").
TECHNICAL |= {"Control", "Command", "Mac", "Single", "Sign-On", "Sing-On"}
ALLOWED_WORD = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")  # placeholders such as TICKET_SUBJECT, codes
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
TOKEN = re.compile(r"\S+")
# Not "alt": the admin's icons carry Django's untranslated alt texts ("Search", "True").
LABEL_ATTRIBUTES = ("title", "placeholder", "aria-label")
SKIPPED = ("script", "style", "textarea", "code", "pre")


class VisibleText(HTMLParser):
    """Text a person reads: text nodes outside script/style (a <select>'s option texts included: a
    person reads the choices too), labels in attributes, button values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._zone_option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIPPED:
            self._skip += 1
        if tag == "option":
            # A time zone's option reads "America/New York": an IANA identifier, data like an address.
            self._zone_option = "/" in (values.get("value") or "")
        for name in LABEL_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1
        if tag == "option":
            self._zone_option = False

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._zone_option:
            self.parts.append(data)


def english_words(html: str, data_words: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.parts:
        for token in TOKEN.findall(text):
            # Addresses, paths, file and zone names, DNs, masked hashes (mail@host, INBOX/Support, CN=Users, ab12****) are data.
            if any(mark in token for mark in ("/", "@", "_", "=", "*")) or re.search(r"[A-Za-z]\.[A-Za-z]", token):
                continue
            for word in LATIN_WORD.findall(token):
                if len(word) < 3 or word in TECHNICAL or ALLOWED_WORD.match(word) or word.lower() in data_words:
                    continue
                found.add(word)
    return found


def test_detector_finds_english_and_ignores_data() -> None:
    html = (
        '<h1>Выберите заявку</h1><p title="Change history">Изменить</p><td>operator</td>'
        '<script>var x="Add";</script><td>x@corp.example INBOX/Support</td><p>Сохранить draft</p>'
        '<select><option value="x">Attempt Time</option></select>'
    )
    assert english_words(html, {"operator"}) == {"Change", "history", "draft", "Attempt", "Time"}


@pytest.fixture
def ru_admin(cast: Cast, client: Client) -> Client:
    superuser = User.objects.create_superuser("root", "root@corp.example", "pass-Word-42")
    ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="Не работает почта",
        service=cast.email_service,
        requester_contact=cast.client,
        priority=Priority.HIGH,
    )
    add_comment(ticket=ticket, actor=cast.operator.user, body="Проверяем")
    # A failed login, so the login audit has rows to show.
    Client().post("/admin/login/", {"username": "system", "password": "неверный"}, **RU)
    client.force_login(superuser)
    return client


def _data_words() -> set[str]:
    """Words of the cast's own data (logins, codes, English names of reference books)."""
    words = set()
    for user in User.objects.all():
        words.update(LATIN_WORD.findall(user.username))
    for ticket_type in TicketType.objects.all():
        words.update(LATIN_WORD.findall(f"{ticket_type.code} {ticket_type.name_en}"))
    for service in Service.objects.all():
        words.update(LATIN_WORD.findall(service.name_en))
    words.update(LATIN_WORD.findall(Agreement.base().name_en))
    words.update({"example", "corp", "romashka", "outsider", "root", "localhost", "testserver"})
    return {w.lower() for w in words}


def admin_pages() -> list[str]:
    """The index, then list / add / change / delete of every registered model (existing rows)."""
    urls = ["/admin/"]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(f"/admin/{info[0]}/")
        urls.append(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        try:
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_add"))
        except NoReverseMatch:
            pass
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]))
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_delete", args=[obj.pk]))
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_history", args=[obj.pk]))
    return list(dict.fromkeys(urls))


def test_every_admin_page_is_russian(ru_admin: Client) -> None:
    data_words = _data_words()
    problems: dict[str, set[str]] = {}
    pages = admin_pages()
    assert len(pages) > 60
    for url in pages:
        response = ru_admin.get(url, **RU)
        if response.status_code in (302, 403):  # e.g. adding a singleton that exists, deleting the base agreement
            continue
        assert response.status_code == 200, (url, response.status_code)
        words = english_words(response.content.decode(), data_words)
        if words:
            problems[url] = words
    assert not problems, "English on Russian pages:\n" + "\n".join(f"{url}: {sorted(w)}" for url, w in problems.items())
