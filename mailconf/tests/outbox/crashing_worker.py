"""`python -m mailconf.tests.outbox.crashing_worker N[s] COMMAND [ARGS]`: a manage.py command in a
worker process that dies while sending.

The SMTP transport's `send` is wrapped so that the process ends with exit code 17 (as if killed)
just before it sends the N-th message of the run (0-based), or, with "Ns", right after the server
accepted that message and before its outbox row was updated. The seam belongs to the test; the
product code has no crash hook.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import django

EXIT_CODE = 17


def install_crash(crash_at: str) -> None:
    from mailconf.protocols.smtp import SmtpTransport

    index, after_send = int(crash_at.rstrip("s")), crash_at.endswith("s")
    real_send = SmtpTransport.send
    sent = 0

    def send(self: SmtpTransport, envelope: Any) -> Any:
        nonlocal sent
        if sent == index and not after_send:
            os._exit(EXIT_CODE)
        result = real_send(self, envelope)
        if sent == index:
            os._exit(EXIT_CODE)
        sent += 1
        return result

    SmtpTransport.send = send  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import execute_from_command_line

    install_crash(argv[1])
    execute_from_command_line(["manage.py", *argv[2:]])


if __name__ == "__main__":
    main(sys.argv)
