"""The parsing package stays pure: no Django, no models, no protocols; its API stays importable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mailconf.parsing as parsing

ROOT = Path(__file__).resolve().parents[3]


def test_parsing_imports_no_django_or_other_apps() -> None:
    code = (
        "import sys, mailconf.parsing as p; p.parse_message(b'From: a@b.example\\n\\nhi'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'servicedesk', 'notifications', "
        "'escalation') or m.startswith(('mailconf.models', 'mailconf.protocols'))); print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""


def test_public_api_names() -> None:
    assert set(parsing.__all__) >= {
        "parse_message",
        "ParseError",
        "ParsedMessage",
        "ParsedAttachment",
        "BounceInfo",
        "find_ticket_tag",
        "REPLY_MARKER",
        "ORIGIN_HEADER",
    }
    assert parsing.DEFAULT_MAX_SIZE == 25 * 1024 * 1024
    error = parsing.ParseError("too big")
    assert error.reason == "too big" and str(error) == "too big"
