"""Secret keys of an installation: from the environment, else generated once into VAR_DIR.

`make run` needs no configuration, yet it must not run on a key anybody can read in the source:
on first start a random SECRET_KEY and a random Fernet key for the mail secrets are written to
VAR_DIR (mode 0600, never committed) and read back on every later start. A key set in the
environment wins. Outside DEBUG a known default or an explicitly empty key stops the start.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

# Keys that were ever public: the old built-in default and the placeholder of .env.example.
PUBLIC_KEYS = frozenset({"insecure-dev-key-change-me-in-production-0123456789", "change-me", "changeme", "secret"})
SECRET_KEY_FILE = "secret_key"
FIELD_KEYS_FILE = "field_encryption_keys"
VAPID_KEY_FILE = "vapid_private_key"


def _read_or_create(path: Path, make: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        value = ""
    if value:
        return value
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: when two processes start at once, one writes and the other reads what it wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(make + "\n")
    return make


def secret_key(environ_value: str | None, var_dir: Path, *, debug: bool) -> str:
    """SECRET_KEY: the environment's when set, else the one generated into VAR_DIR."""
    if environ_value is None:
        return _read_or_create(var_dir / SECRET_KEY_FILE, secrets.token_urlsafe(50))
    if not debug and (not environ_value.strip() or environ_value.strip() in PUBLIC_KEYS):
        raise ImproperlyConfigured(
            "SECRET_KEY is empty or a published default. Set a long random value, e.g. "
            'python -c "import secrets; print(secrets.token_urlsafe(50))", or unset it to have one '
            f"generated into {var_dir / SECRET_KEY_FILE}."
        )
    return environ_value


def field_encryption_keys(environ_keys: list[str], var_dir: Path) -> list[str]:
    """FIELD_ENCRYPTION_KEYS: the environment's list when not empty, else one generated key."""
    keys = [key.strip() for key in environ_keys if key.strip()]
    if keys:
        return keys
    return [_read_or_create(var_dir / FIELD_KEYS_FILE, Fernet.generate_key().decode())]


def _new_vapid_key() -> str:
    """A P-256 private key as the base64url of its 32-byte secret, the form py_vapid reads."""
    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).decode().rstrip("=")


def vapid_private_key(environ_value: str | None, var_dir: Path) -> str:
    """The Web Push (VAPID) signing key: the environment's, else one generated into VAR_DIR and kept,
    because browsers' subscriptions are bound to its public half (a new key orphans them all)."""
    if environ_value and environ_value.strip():
        return environ_value.strip()
    return _read_or_create(var_dir / VAPID_KEY_FILE, _new_vapid_key())
