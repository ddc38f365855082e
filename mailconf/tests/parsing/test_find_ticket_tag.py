"""The [#12345] tag in subjects finds the ticket, whatever prefixes and widths surround it."""

from __future__ import annotations

import pytest

from mailconf.parsing import find_ticket_tag


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("[#12345] Printer", 12345),
        ("Re: RE: Fwd: [#12345] Printer", 12345),
        ("Ответ: [# 77 ] x", 77),
        ("Re: ［＃１２３４５］ Проблема", 12345),
        ("AW: WG: Status [#5]", 5),
        ("[#1] and [#2]", 1),
    ],
)
def test_find_ticket_tag(subject: str, number: int) -> None:
    assert find_ticket_tag(subject) == number


@pytest.mark.parametrize("subject", ["", None, "Order #12345", "[12345]", "[#] empty", "[#0] zero", "[#12a]"])
def test_no_ticket_tag(subject: str | None) -> None:
    assert find_ticket_tag(subject) is None
