"""The payload: the technologist's JSON template with placeholders, each value JSON-escaped.

Values are escaped as the inside of a JSON string, so a placeholder belongs inside quotes
(`"subject": "TICKET_SUBJECT"`); a subject with quotes, backslashes or line breaks cannot break
out of its string or inject keys. The result must parse as JSON, which the card checks on save
with sample values and the fan-out checks again before a row is queued.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from notifications import catalogue
from notifications.renderer import render, unknown_placeholders

EXTRA_PLACEHOLDERS = ("EVENT_CODE", "EVENT_ID")


def json_escaped(value: str) -> str:
    """`value` as the inside of a JSON string literal."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def render_payload(template: str, values: Mapping[str, str]) -> str:
    """The body to post; ValueError when the template does not make valid JSON."""
    body = render(template, {name: json_escaped(str(value)) for name, value in values.items()})
    json.loads(body)
    return body


def template_problems(template: str) -> list[str]:
    """Why `template` cannot be saved: unknown placeholders, or not JSON once filled in."""
    known = catalogue.known_placeholder_names()
    allowed = {*known, *EXTRA_PLACEHOLDERS}
    problems = [f"unknown placeholder {name}" for name in unknown_placeholders(template, allowed, known)]
    sample = {name: 'a "quoted"\nline \\ value' for name in allowed}
    try:
        render_payload(template, sample)
    except ValueError as exc:
        problems.append(f"not valid JSON: {exc}")
    return problems
