"""IMAP IDLE on the real Dovecot: wake on new mail, time out quietly, keep working across renewals."""

from __future__ import annotations

import threading
import time

from mailconf.protocols.incoming import open_mailbox
from servicedesk.testing.fixtures_mail import Mailbox

from .conftest import ConfigFactory, make_message


def _deliver_later(mailbox: Mailbox, delay: float) -> threading.Timer:
    timer = threading.Timer(delay, mailbox.deliver, args=(make_message("Pushed"),))
    timer.start()
    return timer


def test_idle_wakes_up_when_a_message_arrives(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    with open_mailbox("imap", imap_config()) as box:
        assert box.supports_idle
        timer = _deliver_later(mailbox, 0.3)
        started = time.monotonic()
        assert box.idle_wait(["INBOX"], timeout=10) is True
        assert time.monotonic() - started < 0.3 + 1.5
        timer.join()
        # The connection stays usable after IDLE.
        assert len(box.list_messages(["INBOX"])) == 1


def test_idle_times_out_without_mail(imap_config: ConfigFactory) -> None:
    with open_mailbox("imap", imap_config()) as box:
        started = time.monotonic()
        assert box.idle_wait(["INBOX"], timeout=0.5) is False
        assert 0.4 < time.monotonic() - started < 2


def test_idle_is_renewed_before_the_timeout(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    # Renew every 0.2 s: the message arrives during the third or fourth IDLE command.
    with open_mailbox("imap", imap_config(idle_renew_seconds=0.2)) as box:
        timer = _deliver_later(mailbox, 0.7)
        assert box.idle_wait(["INBOX"], timeout=10) is True
        timer.join()


def test_pop3_cannot_idle(pop3_config: ConfigFactory) -> None:
    box = open_mailbox("pop3", pop3_config())
    assert not box.supports_idle
