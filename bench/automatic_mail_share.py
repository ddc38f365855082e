"""What share of automatic mail would become a ticket, and what share of human mail would not.

    .venv/bin/python bench/automatic_mail_share.py [FOLDER] [--details]

FOLDER defaults to mailconf/tests/corpus/automatic (bounces of about 30 MTAs and providers in
ten languages, vacation responders, list-server notices, abuse feedback reports, other robots,
and human mail about the same topics); its expected.json gives each file's kind. A message
"becomes a ticket" when the intake would open a ticket or a comment for it: it has a sender and
is neither a bounce, an auto-reply nor our own mail coming back (see mailconf.inbound.intake.act).
Prints, per kind, how many of the samples would become tickets; the goal for automatic mail is
at most 5 %, and human mail should all stay tickets. ``--details`` lists the misses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailconf.parsing import ParsedMessage, parse_message  # noqa: E402

DEFAULT = ROOT / "mailconf" / "tests" / "corpus" / "automatic"


def becomes_ticket(parsed: ParsedMessage) -> bool:
    return parsed.from_ is not None and not (parsed.is_own_loop or parsed.is_bounce or parsed.is_auto_reply)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    kinds: dict[str, str] = json.loads((args.folder / "expected.json").read_text(encoding="utf-8"))
    total, tickets, misses = Counter(), Counter(), []
    for name, kind in sorted(kinds.items()):
        parsed = parse_message((args.folder / f"{name}.eml").read_bytes())
        total[kind] += 1
        ticket = becomes_ticket(parsed)
        tickets[kind] += ticket
        if ticket != (kind == "human"):
            misses.append(f"  {kind:16} {name}: {parsed.subject!r} reason={parsed.auto_reason!r}")
    automatic = sum(n for kind, n in total.items() if kind != "human")
    automatic_tickets = sum(n for kind, n in tickets.items() if kind != "human")
    for kind in sorted(total):
        print(f"{kind:16} {total[kind]:4} samples, {tickets[kind]:3} would become tickets")  # noqa: T201
    print(  # noqa: T201
        f"automatic mail: {automatic_tickets} of {automatic} would become tickets "
        f"({100 * automatic_tickets / max(automatic, 1):.1f} %, goal <= 5 %); human mail kept as tickets: "
        f"{tickets['human']} of {total['human']}"
    )
    if args.details and misses:
        print("misses:\n" + "\n".join(misses))  # noqa: T201


if __name__ == "__main__":
    main()
