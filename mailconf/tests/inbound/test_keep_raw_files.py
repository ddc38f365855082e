"""Raw messages are written with plain system calls when the default storage is local files, with
the storage's permissions, never over an existing file; other storages get them through their API."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage

from mailconf.inbound.rawfiles import LocalFolder, local_folder, raw_name, store_raw, write_new_file


def test_the_file_gets_the_exact_bytes_and_the_storage_permissions(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.FILE_UPLOAD_PERMISSIONS = 0o640
    settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
    raw = b"From: a@example.test\r\nSubject: x\r\n\r\n" + bytes(range(256)) * 100

    name = store_raw(raw)

    path = tmp_path / name
    assert name.startswith("mail/raw/") and name.endswith(".eml")
    assert path.read_bytes() == raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750
    assert default_storage.open(name).read() == raw


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    folder = LocalFolder(root=str(tmp_path), file_mode=None, directory_mode=None)
    taken = raw_name()
    (tmp_path / taken).parent.mkdir(parents=True)
    (tmp_path / taken).write_bytes(b"earlier message")

    name = write_new_file(folder, taken, b"new message")

    assert name != taken and name.rsplit("/", 1)[0] == taken.rsplit("/", 1)[0]
    assert (tmp_path / taken).read_bytes() == b"earlier message"
    assert (tmp_path / name).read_bytes() == b"new message"


def test_other_storages_are_written_through_their_api(settings: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert local_folder() is None

    name = store_raw(b"Subject: kept\r\n\r\nbody")

    assert default_storage.open(name).read() == b"Subject: kept\r\n\r\nbody"
