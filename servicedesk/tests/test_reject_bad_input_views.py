"""Bad input to the operator interface is explained, never a 500, and never loses what was typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from servicedesk.models import Attachment, Comment, Ticket, TicketStatus, TicketWatcher
from servicedesk.services.tickets import NewFile, add_attachment, create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db

HUGE = str(2**70)
OVER_BIGINT = "99999999999999999999"


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def ticket(cast: Cast) -> Ticket:
    return create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="VPN is down",
        requester_contact=cast.client,
        responsible_team=cast.team,
    )


@pytest.fixture
def foreign_ticket(cast: Cast) -> Ticket:
    return create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Switch broken",
        requester_contact=cast.outsider,
        responsible_team=cast.other_team,
    )


def card_url(ticket: Ticket) -> str:
    return reverse("ticket_detail", args=[ticket.pk])


LIST_QUERIES = [
    "page=0",
    "page=-1",
    "page=999999",
    "page=abc",
    "page=1e9",
    "page=" + HUGE,
    "per_page=0",
    "per_page=7",
    "per_page=100000",
    "per_page=x",
    "status=bogus",
    "status=new&status=new&status=bogus",
    "status=new&status=in_progress",
    *(
        f"{key}={value}"
        for key in ("type", "service", "team", "responsible", "priority")
        for value in ("abc", "-1", HUGE, "999999", "1.5", "%00")
    ),
    "q=" + "x" * 10_000,
    "q=%00",
    "q=a%00b",
    "q=%ff%fe",
    "q=%ed%a0%80",
    "q=%25",
    "q=_",
    "q=%5C",
    "q=%25_%5C%27%22",
    "q=%23",
    "q=%23" + OVER_BIGINT,
    "q=" + OVER_BIGINT,
    "q=%23-1",
    "q=%23%20%20",
    "sort=unknown",
    "sort=-subject",
    "sort=-password",
    "sort=--number",
    "sort=requester_contact__user__password",
    "scope=bogus",
    "scope=mine&status=bogus",
    "tab=%00",
]


@pytest.mark.parametrize("query", LIST_QUERIES)
def test_ticket_list_survives_odd_parameters(client: Client, cast: Cast, ticket: Ticket, query: str) -> None:
    response = login(client, "operator").get(reverse("ticket_list") + "?" + query)
    assert response.status_code == 200
    response = client.get(reverse("ticket_list") + "?" + query, headers={"HX-Target": "ticket-results"})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["q=%23{pk}", "q={pk}", "q=VPN", "q=%20VPN%20", "q=%23{pk}&page=abc&per_page=7"])
def test_ticket_list_search_still_finds_the_ticket(client: Client, cast: Cast, ticket: Ticket, query: str) -> None:
    body = login(client, "operator").get(reverse("ticket_list") + "?" + query.format(pk=ticket.pk)).content.decode()
    assert "VPN is down" in body


def test_like_metacharacters_are_literal(client: Client, cast: Cast, ticket: Ticket) -> None:
    body = login(client, "operator").get(reverse("ticket_list") + "?q=V%25N").content.decode()
    assert "VPN is down" not in body


def test_too_long_search_is_explained(client: Client, cast: Cast, ticket: Ticket) -> None:
    body = login(client, "operator").get(reverse("ticket_list") + "?q=" + "x" * 10_000).content.decode()
    assert "at most 200 characters" in body


@pytest.mark.parametrize("query", ["type={pk}", "service={pk}", "responsible={pk}", "team={pk}"])
def test_filter_by_missing_object_is_not_an_error(client: Client, cast: Cast, ticket: Ticket, query: str) -> None:
    response = login(client, "line2").get(reverse("ticket_list") + "?" + query.format(pk=10**9))
    assert response.status_code == 200


@pytest.mark.parametrize(("username", "status"), [("line2", 200), ("auditor", 200), ("client", 302)])
def test_list_with_odd_parameters_per_role(
    client: Client, cast: Cast, ticket: Ticket, username: str, status: int
) -> None:
    response = login(client, username).get(reverse("ticket_list") + "?page=abc&q=%00&team=" + HUGE)
    assert response.status_code == status


def test_anonymous_with_odd_parameters_goes_to_login(client: Client, cast: Cast) -> None:
    response = client.get(reverse("ticket_list") + "?q=%00&page=-1")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


HUGE_ID_URLS = [
    f"/tickets/{OVER_BIGINT}/",
    f"/tickets/{OVER_BIGINT}/status/",
    f"/tickets/{OVER_BIGINT}/comments/",
    f"/tickets/{OVER_BIGINT}/assign/",
    f"/tickets/{OVER_BIGINT}/attachments/",
    f"/tickets/{OVER_BIGINT}/watchers/",
    f"/tickets/{OVER_BIGINT}/watchers/{OVER_BIGINT}/remove/",
    f"/attachments/{OVER_BIGINT}/",
    f"/people/employees/{OVER_BIGINT}/",
    f"/people/contacts/{OVER_BIGINT}/",
    "/tickets/9223372036854775808/",
    "/tickets/0/",
    "/people/employees/0/",
]


@pytest.mark.parametrize("url", HUGE_ID_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_huge_ids_in_urls_are_404(client: Client, cast: Cast, url: str, method: str) -> None:
    response = getattr(login(client, "operator"), method)(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_huge_watcher_id_on_a_real_ticket_is_404(client: Client, cast: Cast, ticket: Ticket) -> None:
    response = login(client, "operator").post(f"/tickets/{ticket.pk}/watchers/{OVER_BIGINT}/remove/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "action",
    ["ticket_change_status", "ticket_assign", "ticket_add_comment", "ticket_add_attachment", "ticket_add_watcher"],
)
def test_get_on_a_post_only_action_is_not_a_server_error(
    client: Client, cast: Cast, ticket: Ticket, action: str
) -> None:
    response = login(client, "operator").get(reverse(action, args=[ticket.pk]))
    assert response.status_code in (302, 405)


@pytest.mark.parametrize(
    "data",
    [{}, {"status": ""}, {"status": "bogus"}, {"status": "closed"}, {"status": "in_progress", "comment": "a\x00b"}],
)
def test_bad_status_change_is_shown_next_to_the_field(client: Client, cast: Cast, ticket: Ticket, data: dict) -> None:
    response = login(client, "operator").post(reverse("ticket_change_status", args=[ticket.pk]), data)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


@pytest.mark.parametrize("field", ["responsible_employee", "responsible_team"])
@pytest.mark.parametrize("value", ["abc", "-1", HUGE, "999999", "%00"])
def test_assign_to_unknown_person_or_team_is_explained(
    client: Client, cast: Cast, ticket: Ticket, field: str, value: str
) -> None:
    response = login(client, "operator").post(reverse("ticket_assign", args=[ticket.pk]), {field: value})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_assign_to_a_non_member_is_explained(client: Client, cast: Cast, ticket: Ticket) -> None:
    response = login(client, "operator").post(
        reverse("ticket_assign", args=[ticket.pk]),
        {"responsible_employee": cast.second_line_peer.pk, "responsible_team": cast.team.pk},
    )
    assert response.status_code == 200
    assert "is not a member of the team" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "The comment is empty."),
        ("   \n\t ", "The comment is empty."),
        ("before\x00after", "Null characters are not allowed."),
    ],
)
def test_bad_comment_is_shown_next_to_the_field(
    client: Client, cast: Cast, ticket: Ticket, body: str, message: str
) -> None:
    response = login(client, "operator").post(reverse("ticket_add_comment", args=[ticket.pk]), {"body": body})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_html_in_a_comment_is_escaped(client: Client, cast: Cast, ticket: Ticket) -> None:
    login(client, "operator")
    body = '<script>alert("x")</script><b onmouseover=1>bold</b>'
    assert client.post(reverse("ticket_add_comment", args=[ticket.pk]), {"body": body}).status_code == 302
    page = client.get(card_url(ticket)).content.decode()
    assert "<script>alert" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert" in page


def test_a_megabyte_comment_is_kept_whole(client: Client, cast: Cast, ticket: Ticket) -> None:
    text = "слово\n" * 180_000 + "конец"
    response = login(client, "operator").post(reverse("ticket_add_comment", args=[ticket.pk]), {"body": text})
    assert response.status_code == 302
    assert Comment.objects.get(ticket=ticket).body == text


@override_settings(MAX_ATTACHMENT_SIZE=10)
def test_too_large_file_is_explained_and_the_text_is_kept(client: Client, cast: Cast, ticket: Ticket) -> None:
    upload = SimpleUploadedFile("big.log", b"x" * 11, content_type="text/plain")
    response = login(client, "operator").post(
        reverse("ticket_add_comment", args=[ticket.pk]), {"body": "My long careful reply", "files": [upload]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is larger than the limit" in page
    assert "My long careful reply</textarea>" in page
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert not Attachment.objects.filter(ticket=ticket).exists()


@override_settings(MAX_ATTACHMENT_SIZE=10)
def test_too_large_attachment_is_explained(client: Client, cast: Cast, ticket: Ticket) -> None:
    upload = SimpleUploadedFile("big.log", b"x" * 11, content_type="text/plain")
    response = login(client, "operator").post(reverse("ticket_add_attachment", args=[ticket.pk]), {"files": [upload]})
    assert response.status_code == 200
    assert "is larger than the limit" in response.content.decode()
    assert not Attachment.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("a" * 500 + ".txt", None),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("dir/sub/report.txt", "report.txt"),
        ("bad\x01\x1fname\t.txt", "badname.txt"),
        ("...txt", "txt"),
        (". .", "attachment"),
        ("отчёт за май.pdf", "отчёт за май.pdf"),
    ],
)
def test_odd_file_names_are_made_safe(
    client: Client, cast: Cast, ticket: Ticket, name: str, stored: str | None
) -> None:
    upload = SimpleUploadedFile(name, b"content", content_type="text/plain")
    response = login(client, "operator").post(reverse("ticket_add_attachment", args=[ticket.pk]), {"files": [upload]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(ticket=ticket)
    assert "/" not in attachment.filename and "\x00" not in attachment.filename
    assert len(attachment.filename) <= 200
    if stored is not None:
        assert attachment.filename == stored
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200


def test_empty_file_is_rejected_next_to_the_field(client: Client, cast: Cast, ticket: Ticket) -> None:
    upload = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = login(client, "operator").post(
        reverse("ticket_add_comment", args=[ticket.pk]), {"body": "see file", "files": [upload]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The submitted file is empty." in page and "see file</textarea>" in page


def test_many_files_at_once(client: Client, cast: Cast, ticket: Ticket) -> None:
    uploads = [SimpleUploadedFile(f"f{i}.txt", b"x", content_type="text/plain") for i in range(20)]
    response = login(client, "operator").post(reverse("ticket_add_attachment", args=[ticket.pk]), {"files": uploads})
    assert response.status_code == 302
    assert Attachment.objects.filter(ticket=ticket).count() == 20


def test_attachment_form_without_files_is_explained(client: Client, cast: Cast, ticket: Ticket) -> None:
    response = login(client, "operator").post(reverse("ticket_add_attachment", args=[ticket.pk]), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_watcher_added_twice_is_one_watcher(client: Client, cast: Cast, ticket: Ticket) -> None:
    login(client, "operator")
    url = reverse("ticket_add_watcher", args=[ticket.pk])
    for _attempt in range(2):
        assert client.post(url, {"employee": cast.second_line.pk}).status_code == 302
    assert TicketWatcher.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize("value", ["", "abc", "-1", HUGE, "999999"])
def test_bad_watcher_is_explained(client: Client, cast: Cast, ticket: Ticket, value: str) -> None:
    response = login(client, "operator").post(reverse("ticket_add_watcher", args=[ticket.pk]), {"employee": value})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_removing_a_missing_watcher_is_404(client: Client, cast: Cast, ticket: Ticket, foreign_ticket: Ticket) -> None:
    login(client, "operator")
    foreign = TicketWatcher.objects.create(ticket=foreign_ticket, employee=cast.second_line)
    assert client.post(reverse("ticket_remove_watcher", args=[ticket.pk, 10**9])).status_code == 404
    assert client.post(reverse("ticket_remove_watcher", args=[ticket.pk, foreign.pk])).status_code == 404
    assert TicketWatcher.objects.filter(pk=foreign.pk).exists()


def test_second_line_cannot_act_on_a_foreign_ticket(client: Client, cast: Cast, foreign_ticket: Ticket) -> None:
    response = login(client, "line2").post(
        reverse("ticket_assign", args=[foreign_ticket.pk]), {"responsible_employee": cast.second_line.pk}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["en", "ru"])
def test_csrf_failure_page_is_styled_and_translated(cast: Cast, ticket: Ticket, language: str) -> None:
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": language})
    login(client, "operator")
    response = client.post(reverse("ticket_add_comment", args=[ticket.pk]), {"body": "hello"})
    page = response.content.decode()
    assert response.status_code == 403
    assert 'class="errorpage"' in page and "app.css" in page
    assert f'lang="{language}"' in page
    assert ("Доступ запрещён" if language == "ru" else "The form has expired") in page
    assert not Comment.objects.filter(ticket=ticket).exists()


# --- registration form ---------------------------------------------------------------------------------------------


def create_data(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": cast.incident.pk,
        "service": cast.email_service.pk,
        "requester": f"contact:{cast.client.pk}",
        "subject": "Printer jams",
        "description": "Every morning",
        "priority": 3,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": None}, "type"),
        ({"type": "abc"}, "type"),
        ({"type": HUGE}, "type"),
        ({"type": "-1"}, "type"),
        ({"service": "abc"}, "service"),
        ({"service": HUGE}, "service"),
        ({"requester": None, "requester_email": None}, "requester"),
        ({"requester": "employee:" + HUGE}, "requester"),
        ({"requester": "contact:-1"}, "requester"),
        ({"requester": "nobody:1"}, "requester"),
        ({"requester": "\x00"}, "requester"),
        ({"requester": None, "requester_email": "not an address"}, "requester_email"),
        ({"requester": None, "requester_email": "a b@example.com"}, "requester_email"),
        ({"requester": None, "requester_email": "a@example.com\r\nBcc: x@evil.example"}, "requester_email"),
        ({"subject": None}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"subject": "a\x00b"}, "subject"),
        ({"description": "a\x00b"}, "description"),
        ({"priority": "9"}, "priority"),
        ({"priority": "abc"}, "priority"),
        ({"priority": HUGE}, "priority"),
        ({"responsible_employee": HUGE}, "responsible_employee"),
        ({"responsible_team": "abc"}, "responsible_team"),
        ({"type": "{request}", "service": "{printers}"}, "type"),
    ],
)
def test_invalid_registration_is_explained_and_kept(client: Client, cast: Cast, changes: dict, field: str) -> None:
    changes = {
        k: (v.format(request=cast.request.pk, printers=cast.printer_service.pk) if isinstance(v, str) else v)
        for k, v in changes.items()
    }
    response = login(client, "operator").post(reverse("ticket_create"), create_data(cast, **changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert 'class="error"' in page
    assert "Every morning</textarea>" in page or "description" in changes


def test_agreement_violation_is_explained_and_kept(client: Client, cast: Cast) -> None:
    data = create_data(cast, service=cast.printer_service.pk)
    page = login(client, "operator").post(reverse("ticket_create"), data).content.decode()
    assert "No agreement provides the service" in page
    assert "Every morning</textarea>" in page and 'value="Printer jams"' in page
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("auditor", 403), ("client", 403), ("outsider", 403)])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("ticket_change_status", {"status": "bogus"}),
        ("ticket_assign", {"responsible_team": HUGE}),
        ("ticket_add_comment", {"body": "\x00"}),
        ("ticket_add_watcher", {"employee": "abc"}),
    ],
)
def test_bad_input_from_roles_without_edit_rights_is_refused(
    client: Client, cast: Cast, ticket: Ticket, username: str, status: int, action: str, data: dict
) -> None:
    response = login(client, username).post(reverse(action, args=[ticket.pk]), data)
    assert response.status_code == status


def test_bad_input_from_anonymous_goes_to_login(client: Client, cast: Cast, ticket: Ticket) -> None:
    response = client.post(reverse("ticket_add_comment", args=[ticket.pk]), {"body": "\x00"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("email", ["user@пример.рф", "user@例え.jp", "  user@example.com  "])
def test_unicode_domain_in_requester_email_is_accepted(client: Client, cast: Cast, email: str) -> None:
    data = create_data(cast, requester=None, requester_email=email)
    response = login(client, "operator").post(reverse("ticket_create"), data)
    assert response.status_code == 302
    assert Ticket.objects.get().requester_email == email.strip()


def test_unicode_local_part_is_explained_next_to_the_field(client: Client, cast: Cast) -> None:
    data = create_data(cast, requester=None, requester_email="Иван@пример.рф")
    page = login(client, "operator").post(reverse("ticket_create"), data).content.decode()
    assert "Enter a valid email address." in page
    assert 'value="Иван@пример.рф"' in page
    assert not Ticket.objects.exists()


def test_subject_with_line_breaks_is_stored_on_one_line(client: Client, cast: Cast) -> None:
    response = login(client, "operator").post(
        reverse("ticket_create"), create_data(cast, subject="Printer\r\njams\nagain\r")
    )
    assert response.status_code == 302
    assert Ticket.objects.get().subject == "Printer jams again"


@pytest.mark.parametrize("text", ["", "%00", "%ff%fe", "%25", "_", "a b c d e f g", "x" * 5000, "Клиентов"])
def test_requester_search_with_odd_input(client: Client, cast: Cast, text: str) -> None:
    response = login(client, "operator").get(reverse("requester_search") + "?requester_q=" + text)
    assert response.status_code == 200


# --- people, attachments, language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["q=%00", "q=%ff%fe", "q=" + "x" * 10_000, "q=%25_%5C", "tab=%00", "tab=contacts&q=%00", "q=" + HUGE]
)
def test_people_directory_with_odd_search(client: Client, cast: Cast, query: str) -> None:
    login(client, "operator")
    assert client.get(reverse("people") + "?" + query).status_code == 200
    assert client.get(reverse("people") + "?" + query, headers={"HX-Target": "people-results"}).status_code == 200


def attachment_on(ticket: Ticket, name: str, data: bytes, content_type: str) -> Attachment:
    from django.core.files.base import ContentFile

    return add_attachment(
        ticket=ticket, actor=None, new_file=NewFile(file=ContentFile(data), filename=name, content_type=content_type)
    )


def test_download_of_a_file_missing_from_storage_is_a_404_page(client: Client, cast: Cast, ticket: Ticket) -> None:
    attachment = attachment_on(ticket, "gone.txt", b"data", "text/plain")
    attachment.file.storage.delete(attachment.file.name)
    response = login(client, "operator").get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_non_ascii_name_uses_rfc_6266_filename_star(client: Client, cast: Cast, ticket: Ticket) -> None:
    attachment = attachment_on(ticket, "отчёт «май».pdf", b"%PDF", "application/pdf")
    response = login(client, "operator").get(reverse("attachment_download", args=[attachment.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%C2%ABmay%C2%BB.pdf".replace("may", "%D0%BC%D0%B0%D0%B9")
        in disposition
    )


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("x.html", "text/html"),
        ("x.svg", "image/svg+xml"),
        ("x.png", "text/html"),
        ("x.xhtml", "application/xhtml+xml"),
    ],
)
def test_script_capable_files_never_open_inline(
    client: Client, cast: Cast, ticket: Ticket, name: str, content_type: str
) -> None:
    attachment = attachment_on(ticket, name, b"<script>alert(1)</script>", content_type)
    response = login(client, "operator").get(reverse("attachment_download", args=[attachment.pk]) + "?inline=1")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("language", ["xx", "", "../../etc", "ru\x00", "e" * 500])
def test_bogus_language_code_is_ignored(client: Client, cast: Cast, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert "django_language" not in response.cookies


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
    ],
)
def test_language_switch_refuses_foreign_next(client: Client, cast: Cast, target: str) -> None:
    response = client.post(reverse("set_language"), {"language": "ru", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_too_long_search_keeps_the_page_working(client: Client, cast: Cast, ticket: Ticket) -> None:
    response = login(client, "operator").get(
        reverse("ticket_list") + "?q=" + "x" * 10_000, headers={"HX-Target": "ticket-results"}
    )
    assert "at most 200 characters" in response.content.decode()


def test_valid_filters_show_no_error(client: Client, cast: Cast, ticket: Ticket) -> None:
    body = login(client, "operator").get(reverse("ticket_list") + "?q=VPN&status=new&per_page=50").content.decode()
    assert "were not understood" not in body


def test_malformed_request_gets_the_styled_400_page(client: Client, cast: Cast) -> None:
    response = client.get(reverse("ticket_list"), headers={"Host": "evil.example:bad"})
    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_500_page_renders_without_database_or_context(django_db_blocker: object, language: str) -> None:
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import server_error

    with django_db_blocker.block(), translation.override(language):  # type: ignore[attr-defined]
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert f'lang="{language}"' in page and "<style>" in page and 'href="/"' in page
    assert ("Вернуться к заявкам" if language == "ru" else "Something went wrong on our side") in page
