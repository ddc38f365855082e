from __future__ import annotations

from collections.abc import Iterator

import pytest

from notifications.tests.conftest import committed  # noqa: F401 (a fixture)

from .receiver import Receiver

SECRET = "s3cret-Ключ"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(SECRET)
    yield server
    server.stop()


@pytest.fixture
def other_host() -> Iterator[Receiver]:
    """A second server; "localhost" instead of 127.0.0.1 makes it another host."""
    server = Receiver(SECRET)
    yield server
    server.stop()
