"""The API answers only PBXs holding a live token: 401 without or with an unknown one, 403 with a
revoked one; and nothing is stored for a refused request."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from telephony.models import PbxCall, PbxToken
from telephony.services.tokens import create_token, hash_token, revoke_tokens

pytestmark = pytest.mark.django_db


def test_missing_token_is_401_with_a_challenge(post_missed):
    response = post_missed(auth="")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "bearer token" in response.json()["detail"]
    assert not PbxCall.objects.exists()


@pytest.mark.parametrize("header", ["Bearer pbx_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "pbx_abc"])
def test_wrong_token_is_401(post_missed, header):
    assert post_missed(auth=header).status_code == 401
    assert not PbxCall.objects.exists()


def test_revoked_token_is_403(post_missed, token):
    revoke_tokens(tokens=list(PbxToken.objects.all()))
    response = post_missed()
    assert response.status_code == 403
    assert "revoked" in response.json()["detail"]
    assert not PbxCall.objects.exists()


def test_live_token_is_accepted_and_its_use_recorded(post_missed, token):
    response = post_missed()
    assert response.status_code == 201, response.content
    row = PbxToken.objects.get()
    assert row.last_used_at is not None
    assert PbxCall.objects.get().pbx == row.pbx


def test_only_the_hash_is_stored(db):
    row, token = create_token(pbx_name="Asterisk HQ")
    assert token.startswith("pbx_") and len(token) > 40
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert row.prefix == token[:12]


def test_command_prints_the_token_last_and_revokes_by_prefix(db, capsys, client):
    call_command("pbx_token", "create", "MikoPBX branch")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert PbxToken.objects.get().token_hash == hash_token(token)
    call_command("pbx_token", "list")
    assert "MikoPBX branch" in capsys.readouterr().out
    call_command("pbx_token", "revoke", token[:12])
    assert PbxToken.objects.get().revoked_at is not None
