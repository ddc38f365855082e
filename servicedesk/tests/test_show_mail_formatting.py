from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import Client

from servicedesk.models import Comment
from servicedesk.services.tickets import NewFile, add_comment, create_ticket
from servicedesk.testing.cast import Cast

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_card_shows_sanitised_mail_html_with_inline_image(cast: Cast, client: Client) -> None:
    ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="Mail", requester_contact=cast.client)
    comment = add_comment(
        ticket=ticket,
        actor=None,
        author_email="kirill@romashka.example",
        source=Comment.Source.EMAIL,
        body="See the screenshot.",
        body_html=(
            '<p onclick="steal()">See <b>the</b> screenshot:</p><script>alert(1)</script>'
            '<img src="cid:shot@x"><img src="https://tracker.example/p.gif"><a href="javascript:x()">x</a>'
        ),
        files=[NewFile(ContentFile(PNG), "shot.png", "image/png", content_id="<shot@x>", inline=True)],
    )
    client.force_login(cast.operator.user)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    attachment = comment.attachments.get()
    assert f'<img src="/attachments/{attachment.pk}/?inline=1">' in page
    assert "<b>the</b>" in page
    assert "alert(1)" not in page and "onclick" not in page and "steal()" not in page
    assert "tracker.example" not in page and "javascript:x()" not in page


def test_plain_comment_has_no_formatted_section(cast: Cast, client: Client) -> None:
    ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="Plain", requester_contact=cast.client)
    add_comment(ticket=ticket, actor=cast.operator.user, body="Just text")
    client.force_login(cast.operator.user)
    assert "entry__original" not in client.get(f"/tickets/{ticket.pk}/").content.decode()
