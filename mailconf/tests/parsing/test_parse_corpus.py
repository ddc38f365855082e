"""Every message of mailconf/tests/corpus parses to what expected.json says about it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailconf.parsing import ParsedMessage, parse_message

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
FLAGS = {"auto_reply": "is_auto_reply", "bounce": "is_bounce", "bulk": "is_bulk", "own_loop": "is_own_loop"}


def test_corpus_is_complete() -> None:
    files = {p.stem for p in CORPUS.glob("*.eml")}
    assert files == set(EXPECTED)
    assert len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parse_corpus_message(name: str) -> None:
    expected = EXPECTED[name]
    parsed = parse_message((CORPUS / f"{name}.eml").read_bytes())
    _check_identity(parsed, expected)
    _check_text(parsed, expected)
    _check_attachments(parsed, expected)
    _check_flags(parsed, expected)


def _check_identity(parsed: ParsedMessage, expected: dict) -> None:
    assert parsed.subject == expected["subject"]
    if "from_" in expected:
        assert (parsed.from_.address if parsed.from_ else None) == expected["from_"]
    if "from_name" in expected:
        assert parsed.from_ is not None and parsed.from_.name == expected["from_name"]
    if "from_source" in expected:
        assert parsed.from_source == expected["from_source"]
    for field in ("to", "cc", "reply_to"):
        if field in expected:
            assert [a.address for a in getattr(parsed, field)] == expected[field], field
    if "ticket" in expected:
        assert parsed.ticket_number == expected["ticket"]
    if "date" in expected:
        assert (parsed.date.isoformat() if parsed.date else None) == expected["date"]
    if "message_id" in expected:
        assert parsed.message_id == expected["message_id"]
    assert parsed.message_id_synthesized == expected.get("synthesized_id", False)
    if "in_reply_to" in expected:
        assert parsed.in_reply_to == expected["in_reply_to"]
    if "references" in expected:
        assert len(parsed.references) == expected["references"]


def _check_text(parsed: ParsedMessage, expected: dict) -> None:
    for fragment in expected.get("reply_contains", []):
        assert fragment in parsed.reply_text
        assert fragment in parsed.text
    for fragment in expected.get("reply_excludes", []):
        assert fragment not in parsed.reply_text
    for fragment in expected.get("text_contains", []):
        assert fragment in parsed.text
    for fragment in expected.get("text_excludes", []):
        assert fragment not in parsed.text
    for fragment in expected.get("html_contains", []):
        assert fragment in parsed.html
    for fragment in expected.get("html_excludes", []):
        assert fragment not in parsed.html
    assert "\ufffd" not in parsed.text
    if "warnings" in expected:
        assert len(parsed.warnings) >= expected["warnings"]
    for fragment in expected.get("warnings_contain", []):
        assert any(fragment in warning for warning in parsed.warnings), (fragment, parsed.warnings)


def _check_attachments(parsed: ParsedMessage, expected: dict) -> None:
    if "attachments" in expected:
        assert sorted(a.filename for a in parsed.attachments) == sorted(expected["attachments"])
    if "inline" in expected:
        assert sorted(a.filename for a in parsed.attachments if a.is_inline) == sorted(expected["inline"])
    for filename, content in expected.get("attachment_payloads", {}).items():
        found = [a for a in parsed.attachments if a.filename == filename]
        assert found and found[0].payload == content.encode()
    for attachment in parsed.attachments:
        assert attachment.filename and attachment.size == len(attachment.payload)


def _check_flags(parsed: ParsedMessage, expected: dict) -> None:
    for key, attribute in FLAGS.items():
        assert getattr(parsed, attribute) is expected.get(key, False), attribute
    if parsed.is_auto_reply or parsed.is_bounce or parsed.is_own_loop:
        assert parsed.auto_reason
    if "bounce_failed" in expected:
        assert parsed.bounce is not None
        assert [[r.address, r.status] for r in parsed.bounce.failed_recipients] == expected["bounce_failed"]
    if "bounce_original_id" in expected:
        assert parsed.bounce is not None and parsed.bounce.original_message_id == expected["bounce_original_id"]
