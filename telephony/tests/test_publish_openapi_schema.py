"""The OpenAPI schema is served by the application and the committed copy is the same document,
generated from the request models that validate the calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "pbx-api.openapi.json"
REGENERATE = (
    "python manage.py export_openapi_schema --api telephony.api.api --indent 2 --sorted "
    "--output docs/pbx-api.openapi.json"
)


def test_committed_schema_matches_the_code(tmp_path):
    fresh = tmp_path / "schema.json"
    call_command("export_openapi_schema", api="telephony.api.api", indent=2, sorted=True, output=str(fresh))
    assert json.loads(fresh.read_text()) == json.loads(COMMITTED.read_text()), f"regenerate it: {REGENERATE}"


@pytest.mark.django_db
def test_schema_is_served_and_describes_both_endpoints():
    response = Client().get("/api/pbx/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    post = schema["paths"]["/api/pbx/v1/missed-calls"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    assert {"201", "400", "401", "403", "409", "413"} <= set(post["responses"])
    voicemail = schema["paths"]["/api/pbx/v1/voicemails"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert voicemail["schema"]["properties"]["audio"]["format"] == "binary"
    assert schema["components"]["securitySchemes"]["PbxBearer"]["scheme"] == "bearer"
    assert set(schema["components"]["schemas"]["MissedCallIn"]["required"]) == {"to", "date"}


@pytest.mark.django_db
def test_interactive_docs_load_without_a_cdn():
    html = Client().get("/api/pbx/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
