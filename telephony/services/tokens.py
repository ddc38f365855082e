"""PBX API tokens: created once and shown once, stored as SHA-256, revocable.

A token is 32 random bytes, so a fast hash is enough to make the stored value useless to a reader
of the database (there is nothing to brute-force); a slow password hash would only cost every API
call tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from servicedesk.models import User

from ..models import Pbx, PbxToken

TOKEN_PREFIX = "pbx_"
# last_used_at is written at most this often per token, so API calls do not all write a row.
TOUCH_EVERY = timedelta(minutes=1)
# A web process trusts what it read about a token for this long: a revocation takes effect at once
# in the process that made it and within these seconds everywhere else. It saves a query on every
# call of a busy PBX.
REMEMBER_SECONDS = 10.0
_remembered: dict[str, tuple[float, PbxToken]] = {}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(*, pbx_name: str, actor: User | None = None) -> tuple[PbxToken, str]:
    """A new token for the PBX named `pbx_name` (created if new); the plain token is returned once."""
    name = " ".join(pbx_name.split())
    if not name:
        raise ValueError("a PBX name is required")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        pbx, _created = Pbx.objects.get_or_create(name=name)
        row = PbxToken.objects.create(pbx=pbx, token_hash=hash_token(token), prefix=token[:12], created_by=actor)
    return row, token


def revoke_tokens(*, tokens: list[PbxToken]) -> int:
    """Revoke; a revoked token answers 403 from then on (other web processes: within
    REMEMBER_SECONDS). Returns how many were still active."""
    ids = [token.pk for token in tokens]
    _remembered.clear()
    return PbxToken.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find_token(token: str) -> PbxToken | None:
    """The token row (active or revoked) for a presented token, or None when it is unknown."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    known = _remembered.get(digest)
    if known is not None and time.monotonic() - known[0] < REMEMBER_SECONDS:
        return known[1]
    row = PbxToken.objects.select_related("pbx").filter(token_hash=digest).first()
    if row is not None:
        _remembered[digest] = (time.monotonic(), row)
    return row


def touch(token: PbxToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        PbxToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
