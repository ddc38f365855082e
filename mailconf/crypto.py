"""Secrets at rest: passwords, client secrets and tokens are stored only as Fernet tokens.

`settings.FIELD_ENCRYPTION_KEYS` is a list of Fernet keys: the first encrypts, every key decrypts,
so a key can be rotated without downtime (README: "Secrets at rest and key rotation"). With the list empty (a developer's
machine) one stable key is derived from SECRET_KEY with HKDF, so the default set-up works without
configuration; production sets real keys because SECRET_KEY rotation would otherwise lose secrets.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any, overload

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["DecryptionError", "EncryptedSecret", "decrypt", "derive_key", "encrypt", "reencrypt"]

_HKDF_INFO = b"servicedesk field encryption v1"


class DecryptionError(Exception):
    """The stored value was encrypted with a key that is no longer configured."""


def derive_key(secret_key: str) -> bytes:
    """A Fernet key derived from `secret_key` (HKDF/SHA-256); stable for the same input."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    material = [k.encode() for k in keys if k] or [derive_key(secret_key)]
    return MultiFernet([Fernet(k) for k in material])


def _fernet() -> MultiFernet:
    # Keyed on the settings values so tests overriding them get the matching cipher.
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    """Encrypt `plain` with the first configured key; the empty string stays empty (no secret)."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a value made by `encrypt`; raises DecryptionError if no configured key fits."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("the stored secret cannot be decrypted with the configured keys") from None


def reencrypt(token: str) -> str:
    """Re-encrypt a stored value under the current first key (step 2 of key rotation)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("the stored secret cannot be decrypted with the configured keys") from None


class EncryptedSecret:
    """A model attribute over the text column `<name>_encrypted`: reading decrypts, assigning
    encrypts, so callers and forms never handle the stored form. The column naming is what key
    rotation (`mailconf_rotate_keys`) looks for."""

    column: str

    def __set_name__(self, owner: type, name: str) -> None:
        self.column = f"{name}_encrypted"

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> EncryptedSecret: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> str: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> EncryptedSecret | str:
        if instance is None:
            return self
        stored: Any = getattr(instance, self.column)
        return decrypt(stored)

    def __set__(self, instance: object, value: str) -> None:
        setattr(instance, self.column, encrypt(value))
