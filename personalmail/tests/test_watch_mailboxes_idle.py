"""New mail arrives continuously: one event-loop thread holds IDLE for every mailbox of its shard
(a bounded pool does the work), mail announced by Dovecot becomes a pop-up at once, and mailboxes
are split between processes by a stable key."""

from __future__ import annotations

import threading
import time

import pytest

from notifications.models import Notification
from personalmail.idle import IdleLoop, shard_of, watched_mailbox_ids
from personalmail.models import MailboxStatus, PersonalMailbox

from .conftest import make_mail

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_one_loop_holds_idle_for_many_mailboxes_and_pops_up_new_mail(cast, connect, mail_servers):
    dovecot, _smtp = mail_servers
    first = connect(cast.operator.user, "user1")
    second = connect(cast.second_line.user, "user2")
    third = connect(cast.second_line_peer.user, "user3")
    loop = IdleLoop(workers=2, rescan_seconds=0.5)
    stop = threading.Event()
    before = threading.active_count()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    try:
        assert _wait(lambda: sum(1 for w in loop.watches.values() if w.box is not None) == 3)
        # Three mailboxes in IDLE: the loop thread plus at most the two pool workers.
        assert threading.active_count() - before <= 3
        started = time.monotonic()
        dovecot.deliver("user2", make_mail("Urgent: server down", sender="Мониторинг <noc@corp.example>"))
        assert _wait(lambda: Notification.objects.filter(user=cast.second_line.user).exists(), timeout=5)
        assert time.monotonic() - started < 2.0
        note = Notification.objects.get(user=cast.second_line.user)
        assert "Мониторинг" in note.title and note.body == "Urgent: server down"
        assert not Notification.objects.filter(user__in=[cast.operator.user, cast.second_line_peer.user]).exists()
        assert loop.watches[second.pk].wakeups == 1

        # A mailbox deleted meanwhile is let go at the next rescan.
        third.delete()
        assert _wait(lambda: third.pk not in loop.watches)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()
    assert first.pk in loop.watches


def test_shards_split_mailboxes_by_owner(cast, connect, mail_servers):
    boxes = [connect(user, login) for user, login in ((cast.operator.user, "user1"), (cast.second_line.user, "user2"))]
    PersonalMailbox.objects.filter(pk=boxes[1].pk).update(status=MailboxStatus.BROKEN)
    shards = 2
    seen = set()
    for shard in range(shards):
        ids = set(watched_mailbox_ids(shard, shards))
        assert not ids & seen
        seen |= ids
    assert seen == {boxes[0].pk}  # a broken mailbox waits for its owner's "Reconnect"
    assert shard_of(cast.operator.user.pk, shards) == shard_of(cast.operator.user.pk, shards)


def test_mail_that_came_while_not_idling_is_never_left_unnoticed(cast, connect, mail_servers):
    """After entering IDLE, either the reply is already buffered (`idle_start` says so) or the
    socket becomes readable: mail that arrived between two IDLEs is announced either way."""
    import select

    from personalmail.services.clients import imap_client

    dovecot, _smtp = mail_servers
    mailbox = connect(cast.operator.user, "user1")
    buffered = []
    with imap_client(mailbox) as box:
        for n in range(5):
            box.select("INBOX")
            dovecot.deliver("user1", make_mail(f"Between idles {n}"))
            time.sleep(0.05)
            pending = box.idle_start("INBOX")
            readable = pending or bool(select.select([box.idle_socket()], [], [], 3.0)[0])
            buffered.append(pending)
            assert readable, n
            assert box.idle_collect(), n
    # Dovecot sends "+ idling" and the news in one packet: waiting on the socket alone would miss it.
    assert any(buffered)
