"""Regenerate the .eml corpus and expected.json: `python mailconf/tests/corpus/make_corpus.py`.

Every message imitates a real sender (Outlook, Thunderbird, Gmail, Yandex, Mail.ru, 1C/Bitrix,
Apple Mail, bounces, auto-replies...) and is written byte by byte, so broken ones stay broken.
The expectations next to each message are written by hand, not computed by the parser.
The automatic-mail set (bounces of many MTAs and languages, auto-replies, list notices, abuse
reports, and human mail on the same topics) goes to automatic/, with its kind in expected.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, when run as a script

from mailconf.tests.corpus import (  # noqa: E402
    cases_autoreplies,
    cases_bounces,
    cases_clients,
    cases_content,
    cases_noise,
    cases_quirks,
)
from mailconf.tests.corpus.auto_builders import AUTOMATIC  # noqa: E402
from mailconf.tests.corpus.registry import CASES  # noqa: E402

AUTOMATIC_DIR = HERE / "automatic"


def build() -> None:
    cases_clients.clients()
    cases_content.charsets()
    cases_content.structure()
    cases_noise.noise()
    cases_noise.identity()
    cases_quirks.quirks()
    cases_bounces.bounces()
    cases_autoreplies.automatic()
    cases_autoreplies.humans()


def main() -> None:
    build()
    for old in HERE.glob("*.eml"):
        old.unlink()
    expected = {}
    for name, (raw, exp) in sorted(CASES.items()):
        (HERE / f"{name}.eml").write_bytes(raw)
        expected[name] = exp
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    AUTOMATIC_DIR.mkdir(exist_ok=True)
    for old in AUTOMATIC_DIR.glob("*.eml"):
        old.unlink()
    kinds = {}
    for name, (raw, kind) in sorted(AUTOMATIC.items()):
        (AUTOMATIC_DIR / f"{name}.eml").write_bytes(raw)
        kinds[name] = kind
    (AUTOMATIC_DIR / "expected.json").write_text(json.dumps(kinds, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} messages and {len(AUTOMATIC)} automatic-mail samples")  # noqa: T201 - a script


if __name__ == "__main__":
    main()
