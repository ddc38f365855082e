"""Keeping each incoming message's exact bytes as a file: mail/raw/YYYY/MM/<uuid>.eml in default storage.

With Django's FileSystemStorage (the default) the file is written with four system calls instead
of the storage API's dozen: creating a file is most of what keeping a message costs, and the
plain path can run in the parse helper (staging.py), which has no Django storage of its own to
ask. Other storages (S3 and the like) go through the storage API in this process.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.utils import timezone
from django.utils._os import safe_makedirs

RAW_PREFIX = "mail/raw"


@dataclass(frozen=True)
class LocalFolder:
    """Where FileSystemStorage keeps files and with which permissions (None: leave to the umask)."""

    root: str
    file_mode: int | None
    directory_mode: int | None


def raw_name() -> str:
    now = timezone.now()
    return f"{RAW_PREFIX}/{now:%Y/%m}/{uuid.uuid4().hex}.eml"


def local_folder() -> LocalFolder | None:
    """The default storage's folder when it is plain files on this machine, else None."""
    storage = storages["default"]
    if type(storage) is not FileSystemStorage:  # a subclass may name or place files its own way
        return None
    return LocalFolder(
        root=str(storage.location),
        file_mode=storage.file_permissions_mode,
        directory_mode=storage.directory_permissions_mode,
    )


def write_new_file(folder: LocalFolder, name: str, data: bytes) -> str:
    """Create `name` under the folder with `data`; never overwrites (a clash picks a new uuid name).

    Returns the name written. Raises OSError (disk full, permissions) for the caller to report.
    """
    while True:
        path = os.path.join(folder.root, name)
        try:
            fd = _create(path)
        except FileNotFoundError:
            _make_directories(os.path.dirname(path), folder.directory_mode)
            fd = _create(path)
        except FileExistsError:
            name = raw_name_like(name)
            continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if folder.file_mode is not None:
                os.fchmod(fd, folder.file_mode)
        except BaseException:
            os.close(fd)
            os.unlink(path)
            raise
        os.close(fd)
        return name


def store_raw(raw: bytes) -> str:
    """Save the exact bytes in the default storage; return the name.

    Written before the ledger transaction: if that transaction is rolled back the file is an
    orphan, which costs disk space but never a message.
    """
    folder = local_folder()
    if folder is not None:
        return write_new_file(folder, raw_name(), raw)
    return default_storage.save(raw_name(), ContentFile(raw))


def raw_name_like(name: str) -> str:
    """A fresh name in the same folder as `name`."""
    folder, _sep, _file = name.rpartition("/")
    return f"{folder}/{uuid.uuid4().hex}.eml"


def _create(path: str) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def _make_directories(directory: str, mode: int | None) -> None:
    if mode is None:
        os.makedirs(directory, exist_ok=True)
        return
    safe_makedirs(directory, mode, exist_ok=True)  # as FileSystemStorage: the mode whatever the umask
