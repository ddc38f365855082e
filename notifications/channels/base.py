"""The contract every delivery channel keeps, and the registry the fan-out chooses them from.

A channel answers three questions for the fan-out, all inside the fan-out's transaction:
- who it can reach (`accepts`) and under which identity recipients are de-duplicated, muted and
  rate-limited (`key`);
- `prepare(items)`: anything to do before the `Delivery` journal is written (e-mail puts its
  outbox rows in and notes their ids on the journal entries);
- `queue(items)`: anything to do after (in-app push writes `Notification` rows; the channels that
  talk to an outside service write `Dispatch` rows, one per endpoint, through `DispatchChannel`).

A `personal` channel reaches a person: they can mute it, and quiet hours, digests and burst
folding hold it (notifications/quiet.py keeps the rendered `held_texts` and, when the time comes,
gives the channel `Released` messages, one per recipient, alone or folded into a digest). A
channel that reaches a system (the webhooks app's) is neither muted, held nor rate-limited.

Channels that talk to an outside service (Web Push, Telegram) derive from
`DispatchChannel` and implement `endpoints` and `send`; the dispatcher (`notifications/dispatch.py`)
claims due rows, calls `send` and turns a `ChannelError` into data: retried with backoff, failed
for good, or the endpoint dropped (`gone`, e.g. a browser subscription the push service forgot).

A channel module registers its class with `@register`; every module of this package is imported
on first use of the registry, so a new channel is one new module and no list to edit. Another app
registers its channel from its AppConfig.ready (webhooks), keeping imports pointing at notifications.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from ..compose import Rendered
    from ..models import Delivery, Dispatch, EventAction, Occurrence
    from ..recipients import Recipient


class ChannelError(Exception):
    """A send that did not succeed. `permanent`: retrying cannot help; `gone`: the endpoint no longer
    exists and is dropped; `retry_after`: the service asked us to wait this many seconds;
    `counts=False`: not held against the row's attempts (flood control of the whole service)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        gone: bool = False,
        retry_after: float | None = None,
        counts: bool = True,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent or gone
        self.gone = gone
        self.retry_after = retry_after
        self.counts = counts


@dataclass
class Outgoing:
    """One queued (action, recipient) of an occurrence, rendered in the recipient's language."""

    occurrence: Occurrence
    action: EventAction
    recipient: Recipient
    entry: Delivery
    rendered: Rendered
    ticket_id: int | None
    path: str
    extra: dict[str, Any] = field(default_factory=dict)
    # The placeholder values the text was rendered from (a webhook renders its own payload from them).
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Released:
    """One message out of the waiting room (`quiet.release_due`): a held notification alone (its
    event, action and ticket set), or a digest of several (event "digest", no action or ticket)."""

    recipient: str  # the channel's key
    user_id: int | None
    email: str
    language: str
    event: str
    action_id: int | None
    ticket_id: int | None
    subject: str
    text: str
    url: str


class DeliveryChannel:
    """Base of every channel. Class attributes: `code` (stored on event actions, mutes and the
    journal, at most 16 characters), `label` (shown to people), `position` (order in choices)."""

    code: ClassVar[str]
    label: ClassVar[str | _StrPromise]
    position: ClassVar[int] = 100
    # Recipients without a login cannot be reached (in-app, Web Push, Telegram need a profile).
    needs_user: ClassVar[bool] = True
    # Addressed to a person: muted in the notification centre, held by quiet hours and digests,
    # rate-limited per recipient. False for a channel reaching a system (a webhook).
    personal: ClassVar[bool] = True

    def accepts(self, recipient: Recipient) -> bool:
        return recipient.user_id is not None if self.needs_user else True

    def key(self, recipient: Recipient) -> str:
        return f"user:{recipient.user_id}"

    def expand(self, action: EventAction, recipients: Sequence[Recipient]) -> list[Recipient]:
        """The recipients this channel serves for `action`; a channel addressing no person (a
        webhook) returns its own single pseudo-recipient here."""
        return [recipient for recipient in recipients if self.accepts(recipient)]

    def prepare(self, items: list[Outgoing]) -> None:
        """Before the journal is written (entries have no primary key yet)."""

    def queue(self, items: list[Outgoing]) -> None:
        """After the journal is written, in the same transaction."""

    def held_texts(self, items: list[Outgoing]) -> list[tuple[str, str]]:
        """(subject, text) of each item, kept while it waits for quiet hours, a digest or a burst's end."""
        return [(item.rendered.subject, item.rendered.text) for item in items]

    def release(self, messages: list[Released]) -> None:
        """Send what waited, in `quiet.release_due`'s transaction; personal channels implement it."""
        raise NotImplementedError(f"channel {self.code!r} cannot hold notifications")


class DispatchChannel(DeliveryChannel, metaclass=ABCMeta):
    """A channel delivering through an outside service, one `Dispatch` row per endpoint.
    Subclasses implement `endpoints` and `released_endpoints`, and `send` or `send_many`."""

    # Attempts before a row fails for good; the dispatcher backs off 1, 2, 4 … minutes between them.
    max_attempts: ClassVar[int] = 6

    @abstractmethod
    def endpoints(self, items: list[Outgoing]) -> list[tuple[Outgoing, str, dict[str, Any]]]:
        """(item, target, payload) for every endpoint of every item: a person may have several
        browsers, one Telegram chat, none at all. Called once per occurrence and channel."""

    def queue(self, items: list[Outgoing]) -> None:
        from ..dispatch import enqueue

        enqueue(self.code, [(item.entry, target, payload) for item, target, payload in self.endpoints(items)])

    @abstractmethod
    def released_endpoints(self, messages: list[Released]) -> list[tuple[str, dict[str, Any]]]:
        """(target, payload) for every endpoint of every released message."""

    def release(self, messages: list[Released]) -> None:
        from ..dispatch import enqueue

        enqueue(self.code, [(None, target, payload) for target, payload in self.released_endpoints(messages)])

    def send(self, dispatch: Dispatch) -> None:
        """Deliver one row or raise `ChannelError`. Runs outside any transaction."""
        raise NotImplementedError

    def send_many(self, rows: Sequence[Dispatch]) -> list[ChannelError | None]:
        """One result per row, in order (None: sent). Channels sharing a session override this."""
        results: list[ChannelError | None] = []
        for row in rows:
            try:
                self.send(row)
                results.append(None)
            except ChannelError as error:
                results.append(error)
        return results

    def forget(self, dispatch: Dispatch) -> None:
        """The endpoint is gone (`ChannelError.gone`): remove it so nothing is sent there again."""


_REGISTRY: dict[str, DeliveryChannel] = {}
_loaded = False


C = TypeVar("C", bound=type[DeliveryChannel])


def register(cls: C) -> C:
    if len(cls.code) > 16:
        raise ValueError(f"channel code {cls.code!r} is longer than 16 characters")
    _REGISTRY[cls.code] = cls()
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    package = importlib.import_module(__package__ or "notifications.channels")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "base":
            importlib.import_module(f"{package.__name__}.{module.name}")


def all_channels() -> list[DeliveryChannel]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda channel: (channel.position, channel.code))


def get(code: str) -> DeliveryChannel:
    """The channel registered under `code`; KeyError for one no module registers (any more)."""
    _load()
    return _REGISTRY[code]


def codes() -> list[str]:
    return [channel.code for channel in all_channels()]


def choices() -> list[tuple[str, Any]]:
    """For model fields and forms (Django accepts a callable, so no migration per channel)."""
    return [(channel.code, channel.label) for channel in all_channels()]


def personal_choices() -> list[tuple[str, Any]]:
    """The channels a person receives: the notification centre's columns of mutes."""
    return [(channel.code, channel.label) for channel in all_channels() if channel.personal]
