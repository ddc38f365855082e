from __future__ import annotations

from .. import crypto


class EncryptedCredentialsMixin:
    """Plain-text access to a connection's `password_encrypted` / `client_secret_encrypted` columns.

    Only ciphertext is stored; these properties decrypt on read and encrypt on write, so callers
    never handle the stored form and forms can tell "nothing stored" from "keep what is stored".
    """

    password_encrypted: str
    client_secret_encrypted: str

    @property
    def password(self) -> str:
        return crypto.decrypt(self.password_encrypted)

    @password.setter
    def password(self, value: str) -> None:
        self.password_encrypted = crypto.encrypt(value)

    @property
    def client_secret(self) -> str:
        return crypto.decrypt(self.client_secret_encrypted)

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = crypto.encrypt(value)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_encrypted)
