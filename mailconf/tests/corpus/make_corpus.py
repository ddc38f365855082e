"""Regenerate the .eml corpus and expected.json: `python mailconf/tests/corpus/make_corpus.py`.

Every message imitates a real sender (Outlook, Thunderbird, Gmail, Yandex, Mail.ru, 1C/Bitrix,
Apple Mail, bounces, auto-replies...) and is written byte by byte, so broken ones stay broken.
The expectations next to each message are written by hand, not computed by the parser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, when run as a script

from mailconf.tests.corpus import cases_clients, cases_content, cases_noise, cases_quirks  # noqa: E402
from mailconf.tests.corpus.registry import CASES  # noqa: E402


def build() -> None:
    cases_clients.clients()
    cases_content.charsets()
    cases_content.structure()
    cases_noise.noise()
    cases_noise.identity()
    cases_quirks.quirks()


def main() -> None:
    build()
    for old in HERE.glob("*.eml"):
        old.unlink()
    expected = {}
    for name, (raw, exp) in sorted(CASES.items()):
        (HERE / f"{name}.eml").write_bytes(raw)
        expected[name] = exp
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} messages")  # noqa: T201 - a command-line script


if __name__ == "__main__":
    main()
