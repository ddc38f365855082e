"""The one renderer: whole-word whitelist substitution, escaping, one-line headers, no template code."""

from __future__ import annotations

from notifications.renderer import placeholders_in, render, unknown_placeholders

VALUES = {"TICKET_NUMBER": "42", "TICKET_SUBJECT": "Printer", "DEADLINE": "1 May", "VM_DUR": "15"}


def test_names_are_matched_as_whole_words():
    assert render("№TICKET_NUMBER, TICKET_NUMBERS, XTICKET_NUMBER, TICKET_NUMBER_2", VALUES) == (
        "№42, TICKET_NUMBERS, XTICKET_NUMBER, TICKET_NUMBER_2"
    )


def test_names_without_underscore_and_telephony_names_work():
    assert render("Due DEADLINE; voicemail VM_DUR s", VALUES) == "Due 1 May; voicemail 15 s"


def test_unknown_names_and_plain_capitals_stay_text():
    assert render("URGENT: SLA for TICKET_OWNER", VALUES) == "URGENT: SLA for TICKET_OWNER"


def test_values_are_not_expanded_again_and_template_syntax_is_inert():
    values = {"COMMENT_TEXT": "see TICKET_NUMBER {{ settings.SECRET_KEY }} {% debug %}", "TICKET_NUMBER": "42"}
    assert (
        render("COMMENT_TEXT / {{ user }}", values)
        == "see TICKET_NUMBER {{ settings.SECRET_KEY }} {% debug %} / {{ user }}"
    )


def test_html_mode_escapes_values_but_keeps_template_markup():
    values = {"COMMENT_TEXT": '<script>alert("x")</script>\nline & two'}
    assert render("<p>COMMENT_TEXT</p>", values, "html") == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line &amp; two</p>"
    )


def test_header_mode_removes_every_kind_of_line_break():
    values = {"TICKET_SUBJECT": "Hi\r\nBcc: victim@example.com\nX-Evil: 1\u2028tail"}
    rendered = render("Re: TICKET_SUBJECT\r\nX-Injected: yes", values, "header")
    assert "\n" not in rendered and "\r" not in rendered and "\u2028" not in rendered
    assert rendered == "Re: Hi Bcc: victim@example.com X-Evil: 1 tail X-Injected: yes"


def test_placeholder_discovery_and_unknown_names():
    text = "TICKET_NUMBER DEADLINE URGENT COMMENT_TEXT TICKET_NUMBER NOT_A_NAME"
    assert placeholders_in(text, known={"DEADLINE"}) == ["TICKET_NUMBER", "DEADLINE", "COMMENT_TEXT", "NOT_A_NAME"]
    assert unknown_placeholders(text, allowed={"TICKET_NUMBER", "DEADLINE"}, known={"DEADLINE"}) == [
        "COMMENT_TEXT",
        "NOT_A_NAME",
    ]
