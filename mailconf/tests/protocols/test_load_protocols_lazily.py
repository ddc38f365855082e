"""The protocol registries import only the module of the kind asked for (start-up of mail workers)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# A fresh interpreter: in the test process every protocol module is imported long before.
PROBE = """
import json, sys
from mailconf.protocols.incoming import INCOMING_PROTOCOLS
from mailconf.protocols.outgoing import OUTGOING_PROTOCOLS
seen = {"start": "exchangelib" in sys.modules}
imap, smtp = INCOMING_PROTOCOLS["imap"], OUTGOING_PROTOCOLS.class_for("smtp")
seen["one_kind"] = "exchangelib" in sys.modules
seen["classes"] = [imap.__name__, smtp.__name__]
seen["kinds"] = sorted(INCOMING_PROTOCOLS), sorted(OUTGOING_PROTOCOLS)
seen["all_kinds"] = "exchangelib" in sys.modules
print(json.dumps(seen))
"""


def test_asking_for_imap_and_smtp_does_not_import_exchangelib() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["start"] is False
    assert seen["one_kind"] is False
    assert seen["classes"] == ["ImapMailbox", "SmtpTransport"]
    # Listing the kinds still finds every built-in protocol (and so imports the EWS ones).
    assert seen["kinds"] == [["ews", "graph", "imap", "pop3"], ["ews", "graph", "smtp"]]
    assert seen["all_kinds"] is True
