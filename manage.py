#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
    # Reached only when the command returned normally (errors exit through SystemExit with the
    # interpreter's own shutdown): skip freeing every object one by one (servicedesk/fastexit.py).
    from servicedesk.fastexit import finish

    finish(0)


if __name__ == "__main__":
    main()
